package dev.shaledb.wal;

import static dev.shaledb.objectstore.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.error.FencedException;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.testing.Seeds;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Seeded random histories of the whole protocol: writers open (fencing the previous ones), append
 * durable and lazy batches, flush to "tables" (advancing the replay anchor), get garbage collected,
 * and crash; every WAL put is parked and lands later, out of order, ambiguously or never. At the
 * end a fresh writer recovers, and recovery must hold every acknowledged batch exactly once,
 * nothing that was never written, and a prefix of each writer's appends.
 */
class WalProtocolPropertyTest {
  /** Histories per test run; {@code -Dshaledb.long=true} runs 50 times as many. */
  private static final int RUNS = Boolean.getBoolean("shaledb.long") ? 2000 : 40;

  private static final int STEPS = 150;
  private static final String PATH = "db";

  /** A writer instance the history may still use (current or zombie). */
  private static final class Writer {
    final String name;
    final TestWal.Opened opened;
    final Map<String, Long> known = new LinkedHashMap<>();
    long seq;
    int counter;

    Writer(String name, TestWal.Opened opened) {
      this.name = name;
      this.opened = opened;
      this.seq = opened.replay().lastSeq() + 1;
      for (ReplayedBatch b : opened.replayed()) {
        known.put(TestWal.keys(List.of(b)).get(0), b.walId());
      }
    }
  }

  /** What happened, from the clients' point of view. */
  private static final class Model {
    final Set<String> attempted = new HashSet<>();
    final Set<String> acked = new HashSet<>();
    final Set<String> tables = new HashSet<>();
    final Map<String, List<String>> appendOrder = new HashMap<>();
    final List<String> history = new ArrayList<>();

    void log(String event) {
      history.add(event);
    }
  }

  @Test
  void randomHistoriesNeverLoseAnAcknowledgedWrite() {
    long base = Seeds.seed("WalProtocolPropertyTest.randomHistoriesNeverLoseAnAcknowledgedWrite");
    for (int run = 0; run < RUNS; run++) {
      Seeds.Gen gen = new Seeds.Gen(base + run);
      try {
        runOnce(gen);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError(
            "failed: -Dseed=" + base + " run " + run + " (seed " + gen.seed() + ")", e);
      }
    }
  }

  private static void runOnce(Seeds.Gen gen) {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    ParkingObjectStore store = new ParkingObjectStore(memory);
    Model model = new Model();
    try {
      runOnce(gen, memory, store, model);
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError(
          "history:\n  " + String.join("\n  ", model.history) + "\nlog:\n" + dump(memory), e);
    }
  }

  private static String dump(InMemoryObjectStore memory) {
    StringBuilder out = new StringBuilder();
    WalReader reader = new WalReader(memory, PATH);
    for (ObjectMeta meta : join(memory.list(WalKeys.prefix(PATH)))) {
      long id = WalKeys.parseId(PATH, meta.key()).orElseThrow();
      WalObject o = reader.read(id).orElseThrow();
      WalObjectHeader h = o.header();
      out.append(
          String.format(
              "  %d: epoch %d prev %d %s %s%n",
              id,
              h.epoch(),
              h.prevId(),
              h.fence() ? "FENCE" : "",
              h.fence()
                  ? ""
                  : TestWal.keys(
                      o.batches().stream().map(b -> new ReplayedBatch(id, b)).toList())));
    }
    out.append("  manifest: ")
        .append(new ManifestStore(memory, PATH).readLatest().orElseThrow().state());
    return out.toString();
  }

  private static void runOnce(
      Seeds.Gen gen, InMemoryObjectStore memory, ParkingObjectStore store, Model model) {
    InlineScheduler inline = new InlineScheduler();
    List<Writer> writers = new ArrayList<>();
    int opened = 0;
    for (int step = 0; step < STEPS; step++) {
      int op = gen.intBetween(0, 99);
      if (op < 8 || writers.isEmpty()) {
        WalWriterOptions options =
            TestWal.options().withScheduler(inline).withMaxInFlight(gen.intBetween(1, 3));
        Writer w = new Writer("w" + opened++, TestWal.open(store, PATH, options, inline::nanoTime));
        writers.add(w);
        model.log(
            "open "
                + w.name
                + " epoch "
                + w.opened.manifest().epoch()
                + " fence "
                + w.opened.fence().walId()
                + " replay "
                + w.opened.replay()
                + " K="
                + options.maxInFlight());
      } else if (op < 50) {
        append(gen, model, writers.get(gen.intBetween(0, writers.size() - 1)));
      } else if (op < 80 && store.parkedCount() > 0) {
        ParkingObjectStore.Outcome outcome = randomOutcome(gen, 0.8);
        model.log(
            "release "
                + store.release(gen.intBetween(0, store.parkedCount() - 1), outcome)
                + " "
                + outcome);
      } else if (op < 86) {
        flush(model, writers.get(gen.intBetween(0, writers.size() - 1)));
      } else if (op < 88) {
        // Time passes: overlap timers of writers with a put in flight fire.
        long millis = gen.intBetween(1, 40);
        model.log("advance " + millis + " ms");
        inline.advance(millis * 1_000_000L);
      } else if (op < 90) {
        // Makes lazy batches urgent; completes when parked puts are released.
        writers.get(gen.intBetween(0, writers.size() - 1)).opened.writer().flush();
      } else if (op < 94) {
        collectGarbage(model, memory);
      } else if (op < 97 && writers.size() > 1) {
        // Crash: no close, its puts stay parked.
        model.log("crash " + writers.remove(gen.intBetween(0, writers.size() - 1)).name);
      }
    }
    for (int i = 0; store.parkedCount() > 0; i++) {
      assertThat(i).as("parked puts drain").isLessThan(100_000);
      ParkingObjectStore.Outcome outcome = randomOutcome(gen, 0.9);
      model.log(
          "drain "
              + store.release(gen.intBetween(0, store.parkedCount() - 1), outcome)
              + " "
              + outcome);
    }
    verify(model, store);
  }

  private static ParkingObjectStore.Outcome randomOutcome(Seeds.Gen gen, double apply) {
    if (gen.chance(apply)) {
      return ParkingObjectStore.Outcome.APPLY;
    }
    ParkingObjectStore.Outcome[] others = {
      ParkingObjectStore.Outcome.APPLY_THEN_TIME_OUT,
      ParkingObjectStore.Outcome.TIME_OUT_WITHOUT_APPLYING,
      ParkingObjectStore.Outcome.FAIL
    };
    return others[gen.intBetween(0, others.length - 1)];
  }

  private static void append(Seeds.Gen gen, Model model, Writer w) {
    String key = w.name + "-" + w.counter++;
    model.attempted.add(key);
    model.appendOrder.computeIfAbsent(w.name, n -> new ArrayList<>()).add(key);
    WalBatch batch = TestWal.batch(w.seq++, key);
    boolean durable = gen.chance(0.7);
    model.log("append " + key + (durable ? " durable" : " lazy"));
    w.opened
        .writer()
        .append(batch, durable)
        .whenComplete(
            (walId, error) -> {
              if (error == null) {
                model.log("  ack " + key + " at " + walId);
                model.acked.add(key);
                w.known.put(key, walId);
              } else {
                model.log("  fail " + key + ": " + error.getClass().getSimpleName());
              }
            });
  }

  /** The engine's memtable flush: everything the writer knows durable goes to tables. */
  private static void flush(Model model, Writer w) {
    WalWriter writer = w.opened.writer();
    long durable = writer.durableWalId();
    long hint = writer.nextWalIdHint();
    try {
      w.opened.manifest().update(s -> s.toBuilder().flushedWalId(durable).nextWalId(hint).build());
    } catch (FencedException | IllegalArgumentException stale) {
      model.log("flush " + w.name + " refused: " + stale.getMessage());
      return;
    }
    model.log("flush " + w.name + " flushedWalId " + durable + " nextWalId " + hint);
    w.known.forEach(
        (key, walId) -> {
          if (walId <= durable) {
            model.tables.add(key);
          }
        });
  }

  private static void collectGarbage(Model model, InMemoryObjectStore memory) {
    ManifestState latest = new ManifestStore(memory, PATH).readLatest().orElseThrow().state();
    List<ObjectMeta> listing = join(memory.list(WalKeys.prefix(PATH)));
    WalReader reader = new WalReader(memory, PATH);
    for (ObjectMeta meta : WalGc.deletable(PATH, listing, latest.flushedWalId(), reader)) {
      join(memory.delete(meta.key()));
      model.log("gc " + meta.key());
    }
  }

  private static void verify(Model model, ParkingObjectStore store) {
    TestWal.Opened last =
        TestWal.open(store, PATH, TestWal.options().withScheduler(new InlineScheduler()));
    List<String> replayed = TestWal.keys(last.replayed());
    assertThat(replayed).doesNotHaveDuplicates();
    assertThat(replayed).filteredOn(model.tables::contains).isEmpty();
    Set<String> recovered = new HashSet<>(model.tables);
    recovered.addAll(replayed);
    assertThat(recovered).containsAll(model.acked);
    assertThat(model.attempted).containsAll(recovered);
    for (List<String> order : model.appendOrder.values()) {
      int firstMissing = 0;
      while (firstMissing < order.size() && recovered.contains(order.get(firstMissing))) {
        firstMissing++;
      }
      assertThat(order.subList(firstMissing, order.size()))
          .as("recovered writes of one writer form a prefix of its appends")
          .filteredOn(recovered::contains)
          .isEmpty();
    }
  }
}
