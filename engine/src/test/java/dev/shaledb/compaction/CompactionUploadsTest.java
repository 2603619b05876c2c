package dev.shaledb.compaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.CompactionOptions;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.table.TableIds;
import dev.shaledb.table.TableKeys;
import dev.shaledb.table.TableStore;
import dev.shaledb.testing.Seeds;
import dev.shaledb.testing.stores.HookedObjectStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A compaction part's output uploads: up to {@code maxUploadsPerPart} in flight while it builds on,
 * outputs in key order whatever order their uploads finish in, and a failed upload fails the job
 * with its own error.
 */
class CompactionUploadsTest {
  private final InMemoryObjectStore base = new InMemoryObjectStore();
  private final HookedObjectStore hooked = new HookedObjectStore(base);
  private final ExecutorService parts = Executors.newFixedThreadPool(2);
  private final List<SstEntry> written = new ArrayList<>();

  @AfterEach
  void stop() {
    parts.shutdownNow();
  }

  @Test
  void uploadsOverlapUpToTheLimitAndTheRunKeepsKeyOrderWhateverOrderTheyFinishIn() {
    SplittableRandom random = new SplittableRandom(7);
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    List<String> finished = new CopyOnWriteArrayList<>();
    hooked.setPutHook(
        (key, data, condition, proceed) -> {
          maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
          long delay;
          synchronized (random) {
            delay = random.nextLong(1, 30);
          }
          // Each upload takes its own time, so they finish out of the order they started in.
          CompletableFuture<ObjectMeta> done = new CompletableFuture<>();
          CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS)
              .execute(
                  () -> {
                    inFlight.decrementAndGet();
                    finished.add(key);
                    proceed.get().whenComplete((m, e) -> done.complete(m));
                  });
          return done;
        });
    CompactionJob job = job(4);
    CompactionRunner.Output out = runner(1, 3).run(job, 0); // retainSeq 0: every version kept
    SortedRun run = out.run();
    assertThat(run.tables()).as("tables").hasSizeGreaterThan(10);
    assertThat(maxInFlight.get()).as("uploads at once").isEqualTo(3);
    List<String> built = run.tables().stream().map(t -> TableKeys.key("db", t.id())).toList();
    assertThat(finished).containsExactlyInAnyOrderElementsOf(built);
    assertThat(finished).as("uploads finished out of key order").isNotEqualTo(built);
    assertThat(read(run)).as("every version, in order").isEqualTo(sorted(written));
  }

  @Test
  void aFailedUploadFailsTheJobWithItsOwnErrorNotTheStopOfTheOtherPart() {
    AtomicInteger puts = new AtomicInteger();
    hooked.setPutHook(
        (key, data, condition, proceed) ->
            puts.incrementAndGet() == 3
                ? CompletableFuture.failedFuture(new ObjectStoreException("injected", true))
                : proceed.get());
    assertThatThrownBy(() -> runner(2, 4).run(job(4), 0))
        .isInstanceOf(ObjectStoreException.class)
        .hasMessage("injected");
  }

  @Test
  void theLimitDefaultsToFourAndIsAtLeastOne() {
    assertThat(CompactionOptions.defaults().maxUploadsPerPart()).isEqualTo(4);
    assertThatThrownBy(() -> CompactionOptions.builder().maxUploadsPerPart(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxUploadsPerPart is 0, below 1");
    assertThat(CompactionOptions.defaults().toBuilder().maxUploadsPerPart(1).build())
        .extracting(CompactionOptions::maxUploadsPerPart)
        .isEqualTo(1);
  }

  private CompactionJob job(int tables) {
    Seeds.Gen gen = Seeds.gen("CompactionUploadsTest");
    AtomicInteger seqs = new AtomicInteger();
    List<TableInfo> l0 = new ArrayList<>();
    for (int t = 0; t < tables; t++) {
      List<SstEntry> versions = TestTables.versions(gen, 1500, 5000, seqs);
      written.addAll(versions);
      l0.add(0, TestTables.put(base, versions, SstOptions.defaults()));
    }
    return new CompactionJob(l0, List.of(), false);
  }

  private CompactionRunner runner(int subcompactions, int uploads) {
    CompactionOptions options =
        CompactionOptions.builder()
            .targetTableBytes(64 << 10)
            .subcompactions(subcompactions)
            .maxUploadsPerPart(uploads)
            .build();
    TableStore tables = new TableStore(hooked, TestTables.DB, null, CorruptionReporter.NONE);
    return new CompactionRunner(
        tables,
        new TableIds(Clock.systemUTC(), new SplittableRandom(1)),
        SstOptions.defaults(),
        options,
        Clock.systemUTC(),
        parts,
        () -> false);
  }

  private List<SstEntry> read(SortedRun run) {
    TableStore tables = new TableStore(base, TestTables.DB, null, CorruptionReporter.NONE);
    List<SstEntry> out = new ArrayList<>();
    for (TableInfo t : run.tables()) {
      for (var it = tables.reader(t).scan(null, null, Long.MAX_VALUE); it.isValid(); it.next()) {
        out.add(it.entry());
      }
    }
    return out;
  }

  private static List<SstEntry> sorted(List<SstEntry> entries) {
    List<SstEntry> out = new ArrayList<>(entries);
    out.sort(TestTables.TABLE_ORDER);
    return out;
  }
}
