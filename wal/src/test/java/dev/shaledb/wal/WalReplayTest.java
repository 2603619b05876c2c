package dev.shaledb.wal;

import static dev.shaledb.objectstore.Futures.join;
import static dev.shaledb.wal.TestWal.batch;
import static dev.shaledb.wal.TestWal.fence;
import static dev.shaledb.wal.TestWal.keys;
import static dev.shaledb.wal.TestWal.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.PutCondition;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay rules, on logs built by hand. */
class WalReplayTest {
  private final InMemoryObjectStore memory = new InMemoryObjectStore();
  private final List<ReplayedBatch> out = new ArrayList<>();

  private void put(long id, byte[] bytes) {
    join(memory.put(WalKeys.key("db", id), bytes, PutCondition.ifAbsent()));
  }

  private WalReplay replay(long anchor) {
    out.clear();
    return new WalReader(memory, "db").replay(anchor, out::add);
  }

  @Test
  void emptyLog() {
    WalReplay r = replay(0);
    assertThat(r.firstAbsentId()).isEqualTo(1);
    assertThat(r.maxEpoch()).isZero();
    assertThat(out).isEmpty();
  }

  @Test
  void appliesTheChainInOrderAndReportsItsEnd() {
    put(1, fence(1, 1));
    put(2, object(2, 1, 1, batch(1, "a"), batch(2, "b")));
    put(3, object(3, 1, 2, batch(3, "c")));
    WalReplay r = replay(0);
    assertThat(keys(out)).containsExactly("a", "b", "c");
    assertThat(out).extracting(ReplayedBatch::walId).containsExactly(2L, 2L, 3L);
    assertThat(r.chainTailId()).isEqualTo(3);
    assertThat(r.firstAbsentId()).isEqualTo(4);
    assertThat(r.lastSeq()).isEqualTo(3);
    assertThat(r.maxEpoch()).isEqualTo(1);
    assertThat(r.appliedObjects()).isEqualTo(3);
    assertThat(r.appliedBatches()).isEqualTo(3);
  }

  @Test
  void skipsAFencedWritersLatePuts() {
    put(1, fence(1, 1));
    put(2, object(2, 1, 1, batch(1, "a")));
    put(3, fence(3, 2)); // writer 2 fenced writer 1 here
    put(4, object(4, 1, 3, batch(2, "zombie"))); // writer 1's late put above the fence
    put(5, object(5, 2, 3, batch(2, "b")));
    WalReplay r = replay(0);
    assertThat(keys(out)).containsExactly("a", "b");
    assertThat(r.skippedObjects()).isEqualTo(1);
    assertThat(r.maxEpoch()).isEqualTo(2);
  }

  @Test
  void skipsOrphansWhosePredecessorWasReplaced() {
    put(1, fence(1, 2));
    put(2, fence(2, 1)); // a fenced writer's late fence: older epoch, skipped
    put(3, object(3, 2, 2, batch(5, "orphan"))); // issued expecting id 2 to hold its predecessor
    put(4, object(4, 2, 1, batch(4, "x")));
    put(5, object(5, 2, 4, batch(5, "y")));
    WalReplay r = replay(0);
    assertThat(keys(out)).containsExactly("x", "y");
    assertThat(r.skippedObjects()).isEqualTo(2);
    assertThat(r.chainTailId()).isEqualTo(5);
  }

  @Test
  void startsFromTheAnchorsEpochAndChain() {
    put(1, fence(1, 3));
    put(2, object(2, 3, 1, batch(1, "flushed")));
    put(3, object(3, 2, 2, batch(9, "zombie")));
    put(4, object(4, 3, 2, batch(2, "live")));
    WalReplay r = replay(2);
    assertThat(keys(out)).containsExactly("live");
    assertThat(r.anchorId()).isEqualTo(2);
    assertThat(r.firstAbsentId()).isEqualTo(5);
  }

  @Test
  void aMissingAnchorIsReportedAsSuchNotAsCorruption() {
    // For a reader it is expected (GC moved past it); recovery turns it into a corruption itself.
    put(1, fence(1, 1));
    assertThatThrownBy(() -> replay(3))
        .isInstanceOf(ReplayAnchorMissingException.class)
        .hasMessageContaining(WalKeys.key("db", 3))
        .hasMessageContaining("anchor")
        .satisfies(
            e ->
                assertThat(((ReplayAnchorMissingException) e).key())
                    .isEqualTo(WalKeys.key("db", 3)));
  }

  @Test
  void aCorruptObjectStopsReplayWithItsKey() {
    put(1, fence(1, 1));
    byte[] bad = object(2, 1, 1, batch(1, "a"));
    bad[bad.length - 10] ^= 1;
    put(2, bad);
    put(3, object(3, 1, 2, batch(2, "b")));
    assertThatThrownBy(() -> replay(0))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining(WalKeys.key("db", 2));
  }

  @Test
  void everyDetectionIsObservedOnceEvenOfObjectsReadAheadAndAbandoned() throws Exception {
    put(1, fence(1, 1));
    for (long id = 2; id <= 3; id++) {
      byte[] bad = object(id, 1, id - 1, batch(id, "v" + id));
      bad[bad.length - 10] ^= 1;
      put(id, bad);
    }
    // Read ahead too, intact: the chain rules judge only objects replay reaches, so no report.
    put(4, object(4, 2, 3, batch(4, "no fence")));
    List<CorruptObjectException> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    WalReader reader = new WalReader(memory, "db", seen::add);
    CorruptObjectException thrown = null;
    try {
      reader.replay(0, out::add);
    } catch (CorruptObjectException e) {
      thrown = e;
    }
    assertThat(thrown).isNotNull();
    // Object 3 was read ahead and decoded while replay stopped at 2: its damage is observed too.
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (seen.size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(seen).hasSize(2).contains(thrown);
    assertThat(seen.stream().map(CorruptObjectException::key))
        .containsExactlyInAnyOrder(WalKeys.key("db", 2), WalKeys.key("db", 3));

    // A missing anchor damaged nothing: it is not observed as a corruption.
    seen.clear();
    assertThatThrownBy(() -> new WalReader(memory, "db", seen::add).replay(9, out::add))
        .isInstanceOf(ReplayAnchorMissingException.class)
        .hasMessageContaining("anchor");
    assertThat(seen).isEmpty();
  }

  @Test
  void aNewerEpochWithoutItsFenceIsCorruption() {
    put(1, fence(1, 1));
    put(2, object(2, 2, 1, batch(1, "a")));
    assertThatThrownBy(() -> replay(0)).hasMessageContaining("without its fence");
  }

  @Test
  void aSecondFenceOfOneEpochIsCorruption() {
    put(1, fence(1, 1));
    put(2, fence(2, 1));
    assertThatThrownBy(() -> replay(0)).hasMessageContaining("second fence");
  }

  @Test
  void stopsAtTheFirstHoleEvenWithObjectsBeyondIt() {
    put(1, fence(1, 1));
    put(2, object(2, 1, 1, batch(1, "a")));
    for (long id = 4; id < 4 + 2 * WalReader.READ_AHEAD; id++) {
      put(id, object(id, 1, id - 1, batch(id, "beyond")));
    }
    WalReplay r = replay(0);
    assertThat(keys(out)).containsExactly("a");
    assertThat(r.firstAbsentId()).isEqualTo(3);
  }

  @Test
  void readsSingleObjectsAndHeaders() {
    put(1, fence(1, 1));
    WalReader reader = new WalReader(memory, "db");
    assertThat(reader.read(1).orElseThrow().header().fence()).isTrue();
    assertThat(reader.read(2)).isEmpty();
    assertThat(reader.readHeader(2)).isEmpty();
    assertThatThrownBy(() -> reader.replay(-1, b -> {}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> reader.replay(0, null)).isInstanceOf(NullPointerException.class);
  }
}
