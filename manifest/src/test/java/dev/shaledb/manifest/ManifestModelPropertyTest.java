package dev.shaledb.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.FencedException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.testing.Seeds;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of writer and compactor opens, updates, crashes, retirements and reads from
 * stale caches, checked against a model: updates succeed exactly for the current epoch of their
 * role, the chain stays dense, epochs never go backwards, and no change is lost or doubled.
 */
class ManifestModelPropertyTest {
  private static final int RUNS = 30;
  private static final int STEPS = 120;

  /** What the model expects the latest state to be. */
  private static final class Model {
    long writerEpoch;
    long compactorEpoch;
    long versions;
    long flushedWalId;
    final Set<String> l0 = new LinkedHashSet<>();
    final List<String> runs = new ArrayList<>();

    long epochOf(Role role) {
      return role == Role.WRITER ? writerEpoch : compactorEpoch;
    }
  }

  @Test
  void randomOperationsAgreeWithTheModel() {
    long base = Seeds.seed("ManifestModelPropertyTest.randomOperationsAgreeWithTheModel");
    for (int run = 0; run < RUNS; run++) {
      Seeds.Gen gen = new Seeds.Gen(base + run);
      try {
        runOnce(gen);
      } catch (AssertionError | RuntimeException e) {
        throw new AssertionError("failed with -Dseed=" + base + " at run " + run, e);
      }
    }
  }

  private static void runOnce(Seeds.Gen gen) {
    InMemoryObjectStore memory = new InMemoryObjectStore();
    Model model = new Model();
    List<FenceableManifest> writers = new ArrayList<>();
    List<FenceableManifest> compactors = new ArrayList<>();
    int tableIds = 0;
    for (int step = 0; step < STEPS; step++) {
      int op = gen.intBetween(0, 9);
      if (op == 0 || writers.isEmpty()) {
        writers.add(FenceableManifest.openWriter(new ManifestStore(memory, "db")));
        model.writerEpoch++;
        model.versions++;
        assertThat(writers.get(writers.size() - 1).epoch()).isEqualTo(model.writerEpoch);
      } else if (op == 1 || compactors.isEmpty()) {
        compactors.add(FenceableManifest.openCompactor(new ManifestStore(memory, "db")));
        model.compactorEpoch++;
        model.versions++;
        assertThat(compactors.get(compactors.size() - 1).epoch()).isEqualTo(model.compactorEpoch);
      } else if (op <= 4) {
        FenceableManifest w = writers.get(gen.intBetween(0, writers.size() - 1));
        String id = "t" + tableIds++;
        long walId = model.flushedWalId + gen.intBetween(0, 3);
        if (w.epoch() == model.writerEpoch) {
          Manifest m =
              w.update(
                  s ->
                      s.toBuilder()
                          .addL0(TestStates.table(id, "a", "z"))
                          .flushedWalId(walId)
                          .nextWalId(walId + 1)
                          .build());
          model.versions++;
          model.l0.add(id);
          model.flushedWalId = walId;
          assertThat(m.id()).isEqualTo(model.versions);
        } else {
          assertThatThrownBy(() -> w.update(s -> s)).isInstanceOf(FencedException.class);
        }
      } else if (op <= 6) {
        FenceableManifest c = compactors.get(gen.intBetween(0, compactors.size() - 1));
        if (c.epoch() == model.compactorEpoch) {
          c.update(ManifestModelPropertyTest::compactOldestL0);
          model.versions++;
          if (!model.l0.isEmpty()) {
            String oldest = model.l0.iterator().next();
            model.l0.remove(oldest);
            model.runs.add(0, oldest);
          }
        } else {
          assertThatThrownBy(() -> c.update(s -> s)).isInstanceOf(FencedException.class);
        }
      } else if (op == 7) {
        // Crash: the holder disappears without any cleanup.
        List<FenceableManifest> victims = gen.chance(0.5) ? writers : compactors;
        victims.remove(gen.intBetween(0, victims.size() - 1));
      } else if (op == 8 && model.versions > 1) {
        ManifestStore gc = new ManifestStore(memory, "db");
        gc.retire(gen.random().nextLong(1, model.versions));
      } else {
        FenceableManifest any =
            gen.chance(0.5) || compactors.isEmpty()
                ? writers.get(gen.intBetween(0, writers.size() - 1))
                : compactors.get(gen.intBetween(0, compactors.size() - 1));
        if (any.epoch() == model.epochOf(any.role())) {
          assertThat(any.refresh().id()).isEqualTo(model.versions);
        } else {
          assertThatThrownBy(any::refresh).isInstanceOf(FencedException.class);
        }
      }
      verify(memory, model);
    }
  }

  private static ManifestState compactOldestL0(ManifestState s) {
    if (s.l0().isEmpty()) {
      return s;
    }
    List<TableInfo> l0 = s.l0();
    List<SortedRun> runs = new ArrayList<>();
    runs.add(SortedRun.of(l0.get(l0.size() - 1)));
    runs.addAll(s.sortedRuns());
    return s.toBuilder().l0(l0.subList(0, l0.size() - 1)).sortedRuns(runs).build();
  }

  private static void verify(InMemoryObjectStore memory, Model model) {
    ManifestStore fresh = new ManifestStore(memory, "db");
    ManifestReader reader = new ManifestReader(memory, "db", e -> {});
    Manifest latest = fresh.readLatest().orElseThrow();
    assertThat(latest.id()).isEqualTo(model.versions);
    assertThat(reader.exists(model.versions + 1)).isFalse();
    long writerEpoch = 0;
    long compactorEpoch = 0;
    for (long id = 1; id <= model.versions; id++) {
      assertThat(reader.exists(id)).as("manifest %d", id).isTrue();
      Manifest m = fresh.read(id).orElse(null);
      if (m != null) {
        assertThat(m.state().writerEpoch()).isGreaterThanOrEqualTo(writerEpoch);
        assertThat(m.state().compactorEpoch()).isGreaterThanOrEqualTo(compactorEpoch);
        writerEpoch = m.state().writerEpoch();
        compactorEpoch = m.state().compactorEpoch();
      }
    }
    ManifestState s = latest.state();
    assertThat(s.writerEpoch()).isEqualTo(model.writerEpoch);
    assertThat(s.compactorEpoch()).isEqualTo(model.compactorEpoch);
    assertThat(s.flushedWalId()).isEqualTo(model.flushedWalId);
    assertThat(s.l0()).extracting(TableInfo::id).containsExactlyInAnyOrderElementsOf(model.l0);
    assertThat(s.sortedRuns())
        .extracting(r -> r.tables().get(0).id())
        .containsExactlyElementsOf(model.runs);
  }
}
