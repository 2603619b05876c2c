package dev.shaledb.objectstore;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.UnsafeStoreException;
import dev.shaledb.testing.stores.CountingObjectStore;
import dev.shaledb.testing.stores.IgnoringConditionsStore;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreProbeTest {
  private static final String RECORD = "db/probe/verified";

  private static final Consumer<CorruptObjectException> NO_DAMAGE =
      e -> {
        throw new AssertionError("unexpected damage report", e);
      };

  @TempDir Path dir;

  @Test
  void aStoreThatEnforcesConditionsPassesAndLeavesOnlyTheRecord() {
    InMemoryObjectStore store = new InMemoryObjectStore();
    Futures.join(store.put("db/manifest/1", new byte[] {1}, PutCondition.none()));
    assertThat(StoreProbe.verify(store, "db", NO_DAMAGE)).isEqualTo(StoreProbe.Outcome.CHECKED);
    assertThat(keys(store, "db/")).containsExactly("db/manifest/1", RECORD);
    assertThat(StoreProbe.verify(store, "db", NO_DAMAGE)).isEqualTo(StoreProbe.Outcome.KNOWN);
  }

  @Test
  void aLaterOpenCostsOneGetAndTheSameInstanceNone() {
    try (LocalFileObjectStore first = new LocalFileObjectStore(dir);
        LocalFileObjectStore second = new LocalFileObjectStore(dir)) {
      CountingObjectStore probing = new CountingObjectStore(first);
      assertThat(StoreProbe.verify(probing, "db", NO_DAMAGE)).isEqualTo(StoreProbe.Outcome.CHECKED);
      // GET record, PUT, PUT (refused), GET, PUT if-match, PUT stale (refused), DELETE, PUT record
      assertThat(probing.total()).isEqualTo(8);

      CountingObjectStore counted = new CountingObjectStore(second);
      assertThat(StoreProbe.verify(counted, "db", NO_DAMAGE))
          .isEqualTo(StoreProbe.Outcome.RECORDED);
      assertThat(counted.total()).isEqualTo(1);
      assertThat(StoreProbe.verify(counted, "db", NO_DAMAGE)).isEqualTo(StoreProbe.Outcome.KNOWN);
      assertThat(counted.total()).isEqualTo(1);
    }
  }

  @Test
  void aStoreIgnoringCreateIfAbsentIsRefusedAndTheDatabaseUntouched() {
    InMemoryObjectStore backing = new InMemoryObjectStore();
    Futures.join(backing.put("db/manifest/1", new byte[] {1}, PutCondition.none()));
    ObjectStore ignoring = new IgnoringConditionsStore(backing, true, false);
    assertThatThrownBy(() -> StoreProbe.verify(ignoring, "db", NO_DAMAGE))
        .isInstanceOf(UnsafeStoreException.class)
        .hasMessageContaining("create-if-absent (S3 If-None-Match: *)")
        .hasMessageContaining("a second put succeeded")
        .hasMessageContaining(backing.toString());
    assertThat(keys(backing, "db/")).containsExactly("db/manifest/1");
    assertThatThrownBy(() -> StoreProbe.verify(ignoring, "db", NO_DAMAGE))
        .as("a refusal is not remembered as a pass")
        .isInstanceOf(UnsafeStoreException.class);
  }

  @Test
  void aStoreIgnoringIfMatchIsRefused() {
    InMemoryObjectStore backing = new InMemoryObjectStore();
    assertThatThrownBy(
            () ->
                StoreProbe.verify(
                    new IgnoringConditionsStore(backing, false, true), "db", NO_DAMAGE))
        .isInstanceOf(UnsafeStoreException.class)
        .hasMessageContaining("compare-and-swap (S3 If-Match)");
    assertThat(keys(backing, "db/")).isEmpty();
  }

  @Test
  void aStoreThatAnswersPreconditionFailedButOverwritesIsRefused() {
    InMemoryObjectStore backing = new InMemoryObjectStore();
    ObjectStore lying =
        new ForwardingObjectStore(backing) {
          @Override
          public CompletableFuture<ObjectMeta> put(
              String key, ByteBuffer data, PutCondition condition) {
            if (condition instanceof PutCondition.IfAbsent) {
              boolean existed = backing.head(key).handle((m, e) -> e == null).join();
              CompletableFuture<ObjectMeta> put = delegate.put(key, data, PutCondition.none());
              return existed
                  ? put.thenCompose(
                      m ->
                          CompletableFuture.failedFuture(
                              new PreconditionFailedException(key, condition)))
                  : put;
            }
            return delegate.put(key, data, condition);
          }
        };
    assertThatThrownBy(() -> StoreProbe.verify(lying, "db", NO_DAMAGE))
        .isInstanceOf(UnsafeStoreException.class)
        .hasMessageContaining("a refused put replaced the object");
  }

  @Test
  void aDamagedRecordOrOneForAnotherStoreMeansCheckingAgain() {
    try (LocalFileObjectStore store = new LocalFileObjectStore(dir)) {
      Futures.join(store.put(RECORD, "garbage".getBytes(UTF_8), PutCondition.none()));
      List<CorruptObjectException> reported = new ArrayList<>();
      assertThat(StoreProbe.verify(new ForwardingObjectStore(store), "db", reported::add))
          .isEqualTo(StoreProbe.Outcome.CHECKED_RECORD_DAMAGED);
      assertThat(reported).singleElement().satisfies(e -> assertThat(e.key()).isEqualTo(RECORD));
      assertThat(ProbeRecord.read(store, RECORD, store.toString()).state())
          .isEqualTo(ProbeRecord.State.MATCHES);

      byte[] copied = ProbeRecord.encode(RECORD, "file:/somewhere/else");
      Futures.join(store.put(RECORD, copied, PutCondition.none()));
      assertThat(StoreProbe.verify(new ForwardingObjectStore(store), "db", NO_DAMAGE))
          .isEqualTo(StoreProbe.Outcome.CHECKED);
    }
  }

  @Test
  void everyTruncationAndBitFlipOfARecordIsDamage() {
    byte[] record = ProbeRecord.encode(RECORD, "file:/x");
    assertThat(ProbeRecord.check(record, RECORD, "file:/x").state())
        .isEqualTo(ProbeRecord.State.MATCHES);
    assertThat(ProbeRecord.check(record, "other/probe/verified", "file:/x").state())
        .isEqualTo(ProbeRecord.State.OTHER);
    for (int length = 0; length < record.length; length++) {
      byte[] cut = java.util.Arrays.copyOf(record, length);
      assertThat(ProbeRecord.check(cut, RECORD, "file:/x").state())
          .isEqualTo(ProbeRecord.State.DAMAGED);
    }
    for (int bit = 0; bit < record.length * 8; bit++) {
      byte[] flipped = record.clone();
      flipped[bit / 8] ^= (byte) (1 << (bit % 8));
      assertThat(ProbeRecord.check(flipped, RECORD, "file:/x").state())
          .as("bit %d", bit)
          .isEqualTo(ProbeRecord.State.DAMAGED);
    }
  }

  private static List<String> keys(ObjectStore store, String prefix) {
    return Futures.join(store.list(prefix)).stream().map(ObjectMeta::key).toList();
  }
}
