package dev.shaledb.wal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.ObjectStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks one race round from its contenders' reports (contender name to report lines). */
final class RaceVerifier {
  private RaceVerifier() {}

  static void verify(ObjectStore store, String path, Map<String, List<String>> reports) {
    long maxEpoch = 0;
    List<long[]> finals = new ArrayList<>();
    Set<String> acked = new HashSet<>();
    Set<String> attempted = new HashSet<>();
    for (Map.Entry<String, List<String>> e : reports.entrySet()) {
      for (int i = 0; i <= RaceContender.WRITES; i++) {
        attempted.add(e.getKey() + "-" + i);
      }
      attempted.add(e.getKey() + "-final");
      for (String line : e.getValue()) {
        String[] f = line.split(" ");
        switch (f[0]) {
          case "OPEN" -> maxEpoch = Math.max(maxEpoch, Long.parseLong(f[1]));
          case "ACK" -> acked.add(f[1]);
          case "FINAL" ->
              finals.add(
                  new long[] {
                    Long.parseLong(f[1]),
                    Boolean.parseBoolean(f[2]) ? 1 : 0,
                    Boolean.parseBoolean(f[3]) ? 1 : 0
                  });
          default -> {}
        }
      }
    }
    String context = path + " " + reports;
    // Exactly one contender still holds the writer epoch: the highest one to open.
    assertThat(finals).as(context).isNotEmpty();
    for (long[] f : finals) {
      boolean holder = f[0] == maxEpoch;
      assertThat(f[1] == 1).as("WAL write of epoch %d in %s", f[0], context).isEqualTo(holder);
      assertThat(f[2] == 1)
          .as("manifest update of epoch %d in %s", f[0], context)
          .isEqualTo(holder);
    }
    long top = maxEpoch;
    assertThat(finals.stream().filter(f -> f[0] == top)).as(context).hasSize(1);

    // A later open recovers every acknowledged batch exactly once, and nothing never written.
    TestWal.Opened reopened = TestWal.open(store, path, TestWal.options());
    reopened.writer().close();
    List<String> recovered = TestWal.keys(reopened.replayed());
    assertThat(recovered).as(context).doesNotHaveDuplicates();
    assertThat(recovered).as(context).containsAll(acked);
    assertThat(attempted).as(context).containsAll(recovered);
  }
}
