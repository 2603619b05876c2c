package dev.shaledb.compaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.CompactionOptions;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CompactionPolicyTest {
  private static final AtomicInteger IDS = new AtomicInteger();
  private final CompactionOptions options =
      CompactionOptions.builder()
          .l0Trigger(4)
          .maxL0PerJob(6)
          .baseRunBytes(100)
          .tierFanout(10)
          .tierMergeWidth(3)
          .maxSpaceAmplification(1.25)
          .maxRuns(4)
          .build();
  private final CompactionPolicy policy = new CompactionPolicy(options);

  /** Room for more runs than {@code maxRuns} 4 above, so the count rule stays out of the way. */
  private final CompactionPolicy manyRuns =
      new CompactionPolicy(options.toBuilder().maxRuns(8).build());

  @Test
  void tiersGrowByTheFanout() {
    assertThat(policy.tier(1)).isZero();
    assertThat(policy.tier(100)).isZero();
    assertThat(policy.tier(101)).isEqualTo(1);
    assertThat(policy.tier(1000)).isEqualTo(1);
    assertThat(policy.tier(1001)).isEqualTo(2);
  }

  @Test
  void l0WaitsForTheTriggerThenTakesTheOldestTables() {
    List<TableInfo> l0 = tables(3, 10);
    assertThat(policy.planL0(state(l0), Set.of())).isNull();
    l0 = tables(8, 10);
    CompactionJob job = policy.planL0(state(l0), Set.of());
    assertThat(job.l0()).isEqualTo(l0.subList(2, 8));
    assertThat(job.runs()).isEmpty();
    assertThat(job.bottom()).as("nothing older exists").isTrue();
  }

  @Test
  void l0BelowTheTriggerIsCompactedWhenItBreaksTheSpaceBound() {
    SortedRun run = run(1000);
    assertThat(policy.planL0(state(tables(2, 100), run), Set.of())).as("200 <= 250").isNull();
    CompactionJob job = policy.planL0(state(tables(2, 130), run), Set.of());
    assertThat(job).as("260 > 250").isNotNull();
    assertThat(job.l0()).hasSize(2);
  }

  @Test
  void l0AbsorbsASmallFreeNewestRunButNeverWaitsForABusyOne() {
    List<TableInfo> l0 = tables(4, 10);
    SortedRun small = run(20);
    SortedRun big = run(5000);
    CompactionJob job = policy.planL0(state(l0, small, big), Set.of());
    assertThat(job.runs()).containsExactly(small);
    assertThat(job.bottom()).isFalse();
    CompactionJob whileBusy = policy.planL0(state(l0, small, big), ids(small));
    assertThat(whileBusy.runs()).as("a new run instead of waiting").isEmpty();
    CompactionJob overTier = policy.planL0(state(l0, run(90), big), Set.of());
    assertThat(overTier.runs()).as("the merge would leave tier 0").isEmpty();
  }

  @Test
  void aTierMergesOnceItHoldsTierMergeWidthRuns() {
    SortedRun a = run(50);
    SortedRun b = run(60);
    SortedRun c = run(5000);
    assertThat(policy.planRuns(state(List.of(), a, b, c), Set.of()))
        .as("two runs of tier 0 wait for a third")
        .isNull();
    SortedRun a2 = run(40);
    CompactionJob job = policy.planRuns(state(List.of(), a2, a, b, c), Set.of());
    assertThat(job.runs()).containsExactly(a2, a, b);
    assertThat(job.bottom()).isFalse();
    assertThat(policy.planRuns(state(List.of(), run(50), run(500), run(5000)), Set.of()))
        .as("geometric sizes are left alone")
        .isNull();
  }

  @Test
  void aTierMergeTakesTheWholeStretchOfItsTierAndNothingBeyond() {
    SortedRun a = run(200);
    SortedRun b = run(300);
    SortedRun c = run(900);
    SortedRun d = run(150);
    SortedRun e = run(100_000);
    CompactionJob job = manyRuns.planRuns(state(List.of(), a, b, c, d, e), Set.of());
    assertThat(job.runs())
        .as("four runs of tier 1, not the tier-3 run")
        .containsExactly(a, b, c, d);
    assertThat(manyRuns.planRuns(state(List.of(), run(50), a, run(60), b, e), Set.of()))
        .as("runs of a tier that do not lie next to each other wait")
        .isNull();
  }

  @Test
  void aWidthOfTwoMergesEachNewRunIntoTheOneBelow() {
    CompactionPolicy pairs = new CompactionPolicy(options.toBuilder().tierMergeWidth(2).build());
    SortedRun a = run(50);
    SortedRun b = run(60);
    CompactionJob job = pairs.planRuns(state(List.of(), a, b, run(5000)), Set.of());
    assertThat(job.runs()).containsExactly(a, b);
  }

  @Test
  void spaceAmplificationMergesEverythingIntoTheOldestRun() {
    SortedRun a = run(500);
    SortedRun b = run(3000);
    SortedRun oldest = run(10_000);
    CompactionJob job = policy.planRuns(state(List.of(), a, b, oldest), Set.of());
    assertThat(job.runs()).containsExactly(a, b, oldest);
    assertThat(job.bottom()).isTrue();
  }

  @Test
  void busyRunsAreSkipped() {
    SortedRun a = run(50);
    SortedRun b = run(60);
    SortedRun c = run(70);
    SortedRun d = run(80);
    SortedRun oldest = run(100_000);
    CompactionJob job = manyRuns.planRuns(state(List.of(), a, b, c, d, oldest), ids(a));
    assertThat(job.runs()).containsExactly(b, c, d);
    assertThat(manyRuns.planRuns(state(List.of(), a, b, c, d, oldest), ids(b))).isNull();
  }

  @Test
  void tooManyRunsMergeTheSmallestAdjacentPair() {
    List<SortedRun> runs = new ArrayList<>();
    for (long size : new long[] {150, 2000, 30_000, 400_000, 5_000_000, 90_000_000}) {
      runs.add(run(size));
    }
    CompactionPolicy strict =
        new CompactionPolicy(options.toBuilder().maxSpaceAmplification(100).build());
    CompactionJob job = strict.planRuns(state(List.of(), runs.toArray(new SortedRun[0])), Set.of());
    assertThat(job.runs()).containsExactly(runs.get(0), runs.get(1));
  }

  @Test
  void applyingAJobReplacesItsInputsInPlace() {
    List<TableInfo> l0 = tables(5, 10);
    SortedRun a = run(50);
    SortedRun b = run(60);
    SortedRun out = run(100);
    ManifestState s = state(l0, a, b);
    CompactionJob l0Job = new CompactionJob(l0.subList(2, 5), List.of(), false);
    ManifestState afterL0 = l0Job.apply(s, out);
    assertThat(afterL0.l0()).isEqualTo(l0.subList(0, 2));
    assertThat(afterL0.sortedRuns()).containsExactly(out, a, b);
    CompactionJob runJob = new CompactionJob(List.of(), List.of(a, b), true);
    assertThat(runJob.apply(s, null).sortedRuns()).as("everything dropped").isEmpty();
    assertThatThrownBy(() -> runJob.apply(afterL0.toBuilder().sortedRuns(List.of(b)).build(), out))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> l0Job.apply(state(l0.subList(0, 3)), out))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("oldest L0");
  }

  private static ManifestState state(List<TableInfo> l0, SortedRun... runs) {
    return ManifestState.initial().toBuilder().l0(l0).sortedRuns(List.of(runs)).build();
  }

  private static Set<String> ids(SortedRun run) {
    return Set.of(run.tables().get(0).id());
  }

  private static List<TableInfo> tables(int n, long size) {
    List<TableInfo> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(table(size));
    }
    return out;
  }

  private static SortedRun run(long size) {
    return SortedRun.of(table(size));
  }

  private static TableInfo table(long size) {
    byte[] key = "k".getBytes(StandardCharsets.UTF_8);
    return new TableInfo("t" + IDS.incrementAndGet(), size, key, key, 1, 1, 0);
  }
}
