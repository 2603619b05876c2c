package dev.shaledb.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.Db;
import dev.shaledb.DbIterator;
import dev.shaledb.DbReader;
import dev.shaledb.DbReaderOptions;
import dev.shaledb.KeyValue;
import dev.shaledb.WriteOptions;
import dev.shaledb.error.SnapshotTooOldException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A stall past GC's minAge at each point between an upload and its publish loses nothing: the
 * stall's minAge-zero collection deletes the unpublished upload, the engine publishes again, and a
 * reopen and a final collection find every write and every referenced table.
 */
class StallsTest {
  private static final String PATH = "db";

  private final InMemoryObjectStore shared = new InMemoryObjectStore();
  private final Tally tally = new Tally();
  private final Map<FaultKind, Long> faults = new EnumMap<>(FaultKind.class);
  private final Map<String, String> expected = new TreeMap<>();
  private int nextProcess = 1;

  /** Stalls at {@code point} at its first {@code times} passages, nowhere else. */
  private Stalls at(StallPoint point, int times) {
    return new Stalls(
        shared,
        PATH,
        1,
        tally,
        true,
        p -> p == point && tally.stalls().getOrDefault(p, 0L) < times ? 1 : 0);
  }

  private ChaosProcess open(Stalls stalls) {
    ChaosProcess.Spec spec =
        new ChaosProcess.Spec(nextProcess++, FaultPlan.none(), 7, ChaosProcess.tinyOptions());
    return ChaosProcess.open(
        shared, PATH, spec, b -> {}, faults, new CorruptionAudit(shared), stalls);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Enough durable overwrites of a few keys that memtables flush and L0 compacts. */
  private void write(Db db, int n) {
    for (int i = 0; i < n; i++) {
      String key = String.format("k%03d", i % 60);
      String value = "v" + i + "-" + "x".repeat(60);
      db.put(b(key), b(value), i % 10 == 0 ? WriteOptions.durable() : WriteOptions.noWait());
      expected.put(key, value);
    }
    db.flush();
  }

  private void awaitStall(StallPoint point) throws InterruptedException {
    for (int i = 0; i < 1000 && tally.stalls().getOrDefault(point, 0L) == 0; i++) {
      Thread.sleep(10);
    }
    assertThat(tally.stalls()).as("stalled at %s", point).containsKey(point);
  }

  private void assertEverythingThere() {
    Map<String, String> actual = new TreeMap<>();
    try (Db db = Db.open(shared, PATH, ChaosProcess.tinyOptions());
        DbIterator it = db.scan(null, null)) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        actual.put(
            new String(kv.key(), StandardCharsets.UTF_8),
            new String(kv.value(), StandardCharsets.UTF_8));
      }
    }
    assertThat(actual).isEqualTo(expected);
    Tally finalCheck = new Tally();
    Verification.finalGc(shared, finalCheck);
    assertThat(finalCheck.get(Stat.MISSING_OBJECTS)).as("%s", finalCheck.findings()).isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = StallPoint.class,
      names = {"FLUSH_UPLOADED", "COMPACTION_UPLOADED", "CHECKPOINT_PUBLISHING", "RECOVERY_STEP"})
  void aStallPastMinAgeBetweenUploadAndPublishLosesNothing(StallPoint point) throws Exception {
    try (ChaosProcess first = open(Stalls.none())) {
      write(first.db(), 300);
      first.closeCleanly(faults);
    }
    try (ChaosProcess p = open(at(point, 2))) {
      Db db = p.db();
      write(db, 600);
      if (point == StallPoint.CHECKPOINT_PUBLISHING) {
        db.createCheckpoint("stalled", Duration.ofMinutes(5));
      }
      awaitStall(point);
      write(db, 300);
      p.closeCleanly(faults);
    }
    assertThat(tally.get(Stat.STALL_GC_FAILED)).isZero();
    if (point == StallPoint.FLUSH_UPLOADED) {
      assertThat(tally.get(Stat.STALL_TABLES_DELETED))
          .as("the stalled upload was condemned and deleted")
          .isPositive();
    }
    assertEverythingThere();
  }

  @Test
  void aReaderStalledInItsCatchUpShowsTheDurableStateOrIsTooOld() {
    try (ChaosProcess p = open(Stalls.none())) {
      write(p.db(), 900);
      Stalls stalls = at(StallPoint.READER_CATCH_UP, 3);
      DbReaderOptions options = DbReaderOptions.builder().pollInterval(Duration.ZERO).build();
      try (DbReader reader = DbReader.open(stalls.readerStore(shared), PATH, options)) {
        // Compaction goes on in the writer meanwhile; the reader's tables may be collected.
        write(p.db(), 300);
        reader.refresh();
        for (Map.Entry<String, String> e : expected.entrySet()) {
          try {
            assertThat(new String(reader.get(b(e.getKey())), StandardCharsets.UTF_8))
                .isEqualTo(e.getValue());
          } catch (SnapshotTooOldException allowed) {
            tally.inc(Stat.READS_TOO_OLD);
          }
        }
      }
      assertThat(tally.stalls()).containsEntry(StallPoint.READER_CATCH_UP, 3L);
      p.closeCleanly(faults);
    }
    assertEverythingThere();
  }
}
