package dev.shaledb.compaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.DbListener;
import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.iterate.EntryIterator;
import dev.shaledb.iterate.MergingIterator;
import dev.shaledb.iterate.SortedRunIterator;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.sst.ReadAhead;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.sst.SstReader;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.table.TableKeys;
import dev.shaledb.table.TableStore;
import dev.shaledb.testing.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The inputs of a compaction part read ahead ({@link CompactionInputs}): they merge exactly what
 * the plain, block-by-block readers merge; every input's first window is in flight before the merge
 * waits for any; damage is reported with its table and offset, also in a window the merge never
 * reached; closing stops reading.
 */
class CompactionInputsTest {
  private static final SstOptions SMALL_BLOCKS = SstOptions.defaults().withBlockSize(256);
  private static final int WINDOW = 4 << 10; // many windows per table
  private final InMemoryObjectStore base = new InMemoryObjectStore();
  private final List<CorruptObjectException> reported = new CopyOnWriteArrayList<>();
  private final CorruptionReporter corruption =
      new CorruptionReporter(
          new DbListener() {
            @Override
            public void onCorruptionDetected(CorruptObjectException e) {
              reported.add(e);
            }
          });

  @Test
  void seededMergesReadExactlyWhatThePlainReadersRead() {
    Seeds.Gen gen =
        Seeds.gen("CompactionInputsTest.seededMergesReadExactlyWhatThePlainReadersRead");
    for (int round = 0; round < 40; round++) {
      String where = gen + " round " + round;
      AtomicInteger seqs = new AtomicInteger();
      int keys = gen.intBetween(1, 3000);
      List<TableInfo> l0 = new ArrayList<>();
      for (int t = gen.intBetween(0, 4); t > 0; t--) {
        l0.add(TestTables.put(base, versions(gen, keys, seqs), SMALL_BLOCKS));
      }
      List<SortedRun> runs = new ArrayList<>();
      // An L0 job takes at most the newest run; a run job two or more.
      for (int r = l0.isEmpty() ? gen.intBetween(2, 3) : gen.intBetween(0, 1); r > 0; r--) {
        runs.add(
            TestTables.run(base, versions(gen, keys, seqs), gen.intBetween(1, 5), SMALL_BLOCKS));
      }
      CompactionJob job = new CompactionJob(l0, runs, gen.chance(0.5));
      byte[] from = gen.chance(0.4) ? null : TestTables.key(gen.intBetween(0, keys));
      byte[] to = gen.chance(0.4) ? null : TestTables.key(gen.intBetween(0, keys));
      ScriptedGets store = new ScriptedGets(base, gen.random().nextLong(), 300);
      TableStore tables = new TableStore(store, TestTables.DB, null, corruption);
      tables.openAll(job.tables());
      int window = gen.chance(0.5) ? WINDOW : gen.intBetween(1, 64 << 10);
      List<SstEntry> read;
      try (CompactionInputs inputs = new CompactionInputs(job, from, to, tables, window)) {
        read = readAll(inputs.merge(), from, to);
      }
      assertThat(read).as(where).isEqualTo(readAll(plainMerge(job, from, to, tables), from, to));
      assertThat(reported).as(where).isEmpty();
    }
  }

  @Test
  void everyInputsFirstWindowIsInFlightBeforeTheMergeWaitsForAny() throws Exception {
    Seeds.Gen gen = Seeds.gen("CompactionInputsTest.everyInputsFirstWindowIsInFlight");
    AtomicInteger seqs = new AtomicInteger();
    List<TableInfo> l0 = new ArrayList<>();
    for (int t = 0; t < 5; t++) {
      l0.add(TestTables.put(base, TestTables.versions(gen, 1500, 2000, seqs), SMALL_BLOCKS));
    }
    SortedRun run =
        TestTables.run(base, TestTables.versions(gen, 1500, 2000, seqs), 3, SMALL_BLOCKS);
    CompactionJob job = new CompactionJob(l0, List.of(run), false);
    ScriptedGets store = new ScriptedGets(base, 1, 0);
    TableStore tables = new TableStore(store, TestTables.DB, null, corruption);
    tables.openAll(job.tables());
    store.hold();
    try (CompactionInputs inputs = new CompactionInputs(job, null, null, tables, WINDOW)) {
      CompletableFuture<Void> seek = CompletableFuture.runAsync(() -> inputs.merge().seekToFirst());
      // Five L0 tables, the run's first table and, ahead, its second; the first seek also starts
      // its table's next two windows before it waits.
      java.util.Set<String> expected = new java.util.HashSet<>();
      for (TableInfo t : l0) {
        expected.add(TableKeys.key(TestTables.DB, t.id()));
      }
      expected.add(TableKeys.key(TestTables.DB, run.tables().get(0).id()));
      expected.add(TableKeys.key(TestTables.DB, run.tables().get(1).id()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!store.heldKeys().equals(expected) && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      assertThat(store.heldKeys()).as("first windows in flight together").isEqualTo(expected);
      assertThat(seek).isNotDone();
      store.release();
      seek.get(10, TimeUnit.SECONDS);
      assertThat(inputs.merge().isValid()).isTrue();
    }
  }

  @Test
  void damageIsReportedWithItsTableAndOffsetAndFailsTheMerge() {
    Seeds.Gen gen = Seeds.gen("CompactionInputsTest.damageIsReported");
    AtomicInteger seqs = new AtomicInteger();
    TableInfo intact =
        TestTables.put(base, TestTables.versions(gen, 1500, 2000, seqs), SMALL_BLOCKS);
    TableInfo victim =
        TestTables.put(base, TestTables.versions(gen, 1500, 2000, seqs), SMALL_BLOCKS);
    TableStore tables = new TableStore(base, TestTables.DB, null, corruption);
    CompactionJob job = new CompactionJob(List.of(intact, victim), List.of(), true);
    tables.openAll(job.tables());
    long offset = damageBlock(victim, tables, 20);
    try (CompactionInputs inputs = new CompactionInputs(job, null, null, tables, WINDOW)) {
      assertThatThrownBy(() -> readAll(inputs.merge(), null, null))
          .isInstanceOfSatisfying(
              CorruptObjectException.class,
              e -> {
                assertThat(e.key()).isEqualTo(TableKeys.key(TestTables.DB, victim.id()));
                assertThat(e.offset()).isEqualTo(offset);
              });
    }
    assertThat(reported).singleElement().satisfies(e -> assertThat(e.offset()).isEqualTo(offset));
  }

  /**
   * A run starts reading its next table ahead; a merge closed before it gets there never waits for
   * that read, yet damage in its first block is reported when it arrives.
   */
  @Test
  void damageInAWindowStillInFlightWhenTheMergeClosesIsReported() throws Exception {
    Seeds.Gen gen = Seeds.gen("CompactionInputsTest.closingMidway");
    AtomicInteger seqs = new AtomicInteger();
    TableInfo newer =
        TestTables.put(base, TestTables.versions(gen, 1500, 3000, seqs), SMALL_BLOCKS);
    SortedRun run =
        TestTables.run(base, TestTables.versions(gen, 1500, 3000, seqs), 2, SMALL_BLOCKS);
    CompactionJob job = new CompactionJob(List.of(newer), List.of(run), true);
    ScriptedGets store = new ScriptedGets(base, 2, 0);
    TableStore tables = new TableStore(store, TestTables.DB, null, corruption);
    tables.openAll(job.tables());
    TableInfo second = run.tables().get(1);
    String secondKey = TableKeys.key(TestTables.DB, second.id());
    long offset = damageBlock(second, tables, 0);
    store.hold(secondKey::equals); // the run's next table: its first window stays in flight
    CompactionInputs inputs = new CompactionInputs(job, null, null, tables, WINDOW);
    EntryIterator merge = inputs.merge();
    merge.seekToFirst();
    for (int i = 0; i < 200 && merge.isValid(); i++) {
      merge.next();
    }
    assertThat(merge.isValid()).as("the merge is still in the run's first table").isTrue();
    assertThat(merge.key()).matches(k -> Arrays.compareUnsigned(k, second.smallestKey()) < 0);
    assertThat(store.heldCount()).as("the next table's window in flight").isEqualTo(1);
    inputs.close();
    assertThat(merge.isValid()).isFalse();
    assertThat(reported).isEmpty();
    store.release();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (reported.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(reported)
        .as("damage in the run's next table, read ahead and never reached")
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.key()).isEqualTo(secondKey);
              assertThat(e.offset()).isEqualTo(offset);
            });
  }

  @Test
  void windowsShareTheBudgetBetweenTheirBounds() {
    assertThat(CompactionInputs.windowBytes(0, 2)).isEqualTo(CompactionInputs.MAX_WINDOW_BYTES);
    assertThat(CompactionInputs.windowBytes(8, 0)).isEqualTo((64 << 20) / 24);
    assertThat(CompactionInputs.windowBytes(16, 1) * (3L * 16 + 4))
        .isLessThanOrEqualTo(CompactionInputs.PART_BUDGET_BYTES);
    assertThat(CompactionInputs.windowBytes(500, 3)).isEqualTo(CompactionInputs.MIN_WINDOW_BYTES);
  }

  private static List<SstEntry> versions(Seeds.Gen gen, int keys, AtomicInteger seqs) {
    return TestTables.versions(gen, gen.intBetween(1, 1500), keys, seqs);
  }

  /** Flips a byte inside data block {@code b} of {@code table} in the store; returns its offset. */
  private long damageBlock(TableInfo table, TableStore tables, int b) {
    SstReader reader = tables.reader(table);
    String key = TableKeys.key(TestTables.DB, table.id());
    byte[] bytes = Futures.join(base.get(key)).data();
    long offset = reader.layout().blocks().get(b).offset();
    bytes[(int) offset + 3] ^= 0x08;
    Futures.join(base.put(key, bytes, PutCondition.none()));
    return offset;
  }

  /** The same merge over plain readers: every block read on its own when entered. */
  private static EntryIterator plainMerge(
      CompactionJob job, byte[] from, byte[] to, TableStore tables) {
    List<EntryIterator> sources = new ArrayList<>();
    for (TableInfo t : job.l0()) {
      sources.add(tables.iterator(t, from, to, Long.MAX_VALUE, ReadAhead.NONE));
    }
    for (SortedRun run : job.runs()) {
      sources.add(
          new SortedRunIterator(
              run.tables(), t -> tables.iterator(t, from, to, Long.MAX_VALUE, ReadAhead.NONE)));
    }
    return new MergingIterator(sources);
  }

  private static List<SstEntry> readAll(EntryIterator it, byte[] from, byte[] to) {
    List<SstEntry> out = new ArrayList<>();
    if (from == null) {
      it.seekToFirst();
    } else {
      it.seek(from);
    }
    for (; it.isValid(); it.next()) {
      if (to != null && Arrays.compareUnsigned(it.key(), to) >= 0) {
        break;
      }
      out.add(new SstEntry(it.key(), it.seq(), it.kind(), it.value(), it.expireAtMillis()));
    }
    return out;
  }
}
