package dev.shaledb.wal;

import static dev.shaledb.wal.TestWal.batch;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.InMemoryObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The overlap policy of {@link WalWriterOptions#overlapFraction()}, on a virtual clock: with a put
 * in flight, waiting durable batches leave together in a second put once the oldest has waited the
 * fraction of the median put latency, never earlier, and never more than {@code maxInFlight} at
 * once.
 */
class WalOverlapTest {
  private static final long MS = 1_000_000L;

  private final InMemoryObjectStore memory = new InMemoryObjectStore();
  private final ParkingObjectStore store = new ParkingObjectStore(memory);
  private final InlineScheduler inline = new InlineScheduler();
  private long seq = 1;

  private WalWriter open(WalWriterOptions options) {
    return TestWal.open(store, "db", options.withScheduler(inline), inline::nanoTime).writer();
  }

  /** Teaches the writer a put latency of {@code millis}: one put released after that long. */
  private void learnLatency(WalWriter w, long millis) {
    CompletableFuture<Long> f = w.append(batch(seq++, "warm"), true);
    inline.advance(millis * MS);
    store.release(0, ParkingObjectStore.Outcome.APPLY);
    assertThat(f).isCompleted();
  }

  private List<CompletableFuture<Long>> appendDurable(WalWriter w, int n) {
    List<CompletableFuture<Long>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(w.append(batch(seq++, "k" + seq), true));
    }
    return out;
  }

  @Test
  void writesArrivingDuringAPutLeaveTogetherOnceTheyWaitedAQuarterOfThePut() {
    WalWriter w = open(TestWal.options().withMaxInFlight(2).withOverlapFraction(0.25));
    learnLatency(w, 20);
    CompletableFuture<Long> first = w.append(batch(seq++, "first"), true);
    assertThat(store.parkedCount()).isEqualTo(1);

    List<CompletableFuture<Long>> together = appendDurable(w, 7);
    inline.advance(4 * MS);
    assertThat(store.parkedCount()).as("4 ms is below a quarter of 20 ms").isEqualTo(1);
    inline.advance(1 * MS);
    assertThat(store.parkedCount()).as("the seven leave in one overlapping put").isEqualTo(2);

    // The overlapping put lands first; it is acknowledged only after the one below it.
    store.release(1, ParkingObjectStore.Outcome.APPLY);
    assertThat(together).noneMatch(CompletableFuture::isDone);
    store.release(0, ParkingObjectStore.Outcome.APPLY);
    assertThat(first).isCompleted();
    long id = together.get(0).join();
    assertThat(together).allMatch(f -> f.join() == id);
    assertThat(id).isEqualTo(first.join() + 1);
  }

  @Test
  void neverMoreThanMaxInFlightPutsHoweverLongWritesWait() {
    WalWriter w = open(TestWal.options().withMaxInFlight(2).withOverlapFraction(0.25));
    learnLatency(w, 20);
    w.append(batch(seq++, "a"), true);
    appendDurable(w, 3);
    inline.advance(10 * MS);
    assertThat(store.parkedCount()).isEqualTo(2);
    List<CompletableFuture<Long>> third = appendDurable(w, 3);
    inline.advance(100 * MS);
    assertThat(store.parkedCount()).isEqualTo(2);
    assertThat(third).noneMatch(CompletableFuture::isDone);
    // A slot frees: the waiting writes go at once, having waited long enough.
    store.release(0, ParkingObjectStore.Outcome.APPLY);
    assertThat(store.parkedCount()).isEqualTo(2);
  }

  @Test
  void withOnePutInFlightTheNextWaitsForItWhateverTheFraction() {
    WalWriter w = open(TestWal.options().withMaxInFlight(1).withOverlapFraction(0.25));
    learnLatency(w, 20);
    w.append(batch(seq++, "a"), true);
    List<CompletableFuture<Long>> rest = appendDurable(w, 3);
    inline.advance(100 * MS);
    assertThat(store.parkedCount()).isEqualTo(1);
    store.release(0, ParkingObjectStore.Outcome.APPLY);
    assertThat(store.parkedCount()).isEqualTo(1);
    store.release(0, ParkingObjectStore.Outcome.APPLY);
    assertThat(rest).allMatch(CompletableFuture::isDone);
  }

  @Test
  void aFullObjectDoesNotWaitToOverlap() {
    WalWriter w =
        open(
            TestWal.options()
                .withMaxObjectBytes(1024)
                .withMaxInFlight(2)
                .withOverlapFraction(0.25));
    learnLatency(w, 20);
    w.append(batch(seq++, "a"), true);
    byte[] value = new byte[300];
    for (int i = 0; i < 4; i++) {
      w.append(WalBatch.of(seq++, WalEntry.put(("big" + i).getBytes(), value)), false);
    }
    assertThat(store.parkedCount()).as("a full object overlaps at once").isEqualTo(2);
  }

  @Test
  void withFractionZeroASecondPutStartsAtOnce() {
    WalWriter w = open(TestWal.options().withMaxInFlight(2).withOverlapFraction(0));
    learnLatency(w, 20);
    w.append(batch(seq++, "a"), true);
    w.append(batch(seq++, "b"), true);
    assertThat(store.parkedCount()).isEqualTo(2);
  }

  @Test
  void aNonDurableBatchMadeUrgentLaterWaitsFromThenNotFromItsAppend() {
    WalWriter w = open(TestWal.options().withMaxInFlight(2).withOverlapFraction(0.25));
    learnLatency(w, 20);
    w.append(batch(seq++, "a"), true);
    w.append(batch(seq++, "lazy"), false);
    inline.advance(50 * MS);
    assertThat(store.parkedCount()).as("a lazy batch does not overlap").isEqualTo(1);
    w.flush();
    assertThat(store.parkedCount()).as("urgent only now: it waits its quarter").isEqualTo(1);
    inline.advance(5 * MS);
    assertThat(store.parkedCount()).isEqualTo(2);
  }

  @Test
  void closeSendsWaitingBatchesWithoutWaiting() {
    WalWriter w =
        open(
            TestWal.options()
                .withMaxInFlight(2)
                .withOverlapFraction(0.25)
                .withCloseTimeout(java.time.Duration.ZERO));
    learnLatency(w, 20);
    w.append(batch(seq++, "a"), true);
    w.append(batch(seq++, "b"), true);
    assertThat(store.parkedCount()).isEqualTo(1);
    w.close();
    assertThat(store.parkedCount()).isEqualTo(2);
  }
}
