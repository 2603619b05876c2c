package dev.shaledb.wal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.LocalFileObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fencing race with contenders in separate JVMs sharing one {@link LocalFileObjectStore}
 * directory: the same guarantees as {@link FencingRaceTest}, across processes.
 */
class CrossProcessFencingRaceTest {
  private static final int PROCESSES = 2;
  private static final int THREADS = 2;

  @TempDir Path dir;

  @Test
  void separateProcessesRaceOnLocalFiles() throws Exception {
    int rounds = FencingRaceTest.ROUNDS;
    Path storeRoot = dir.resolve("store");
    Files.createDirectories(storeRoot);
    List<Process> children = new ArrayList<>();
    for (int p = 0; p < PROCESSES; p++) {
      children.add(start("p" + p, storeRoot, rounds));
    }
    // round -> contender -> report lines
    Map<Integer, Map<String, List<String>>> reports = new TreeMap<>();
    for (int p = 0; p < PROCESSES; p++) {
      Process child = children.get(p);
      assertThat(child.waitFor(180, TimeUnit.SECONDS)).as("child p%d finished", p).isTrue();
      String err = Files.readString(dir.resolve("p" + p + ".err"), UTF_8);
      assertThat(child.exitValue()).as("child p%d failed:%n%s", p, err).isZero();
      for (String line : Files.readAllLines(dir.resolve("p" + p + ".out"), UTF_8)) {
        String[] parts = line.split(" ", 3);
        reports
            .computeIfAbsent(Integer.parseInt(parts[0]), r -> new TreeMap<>())
            .computeIfAbsent(parts[1], c -> new ArrayList<>())
            .add(parts[2]);
      }
    }
    assertThat(reports).hasSize(rounds);
    // The processes really interleave: each holds the final epoch in some rounds.
    Map<Character, Integer> wins = new TreeMap<>();
    for (Map<String, List<String>> round : reports.values()) {
      round.forEach(
          (contender, lines) -> {
            if (lines.stream().anyMatch(l -> l.startsWith("FINAL") && l.endsWith("true true"))) {
              wins.merge(contender.charAt(1), 1, Integer::sum);
            }
          });
    }
    assertThat(wins).as("rounds won per process").containsOnlyKeys('0', '1');
    try (LocalFileObjectStore store = new LocalFileObjectStore(storeRoot)) {
      for (Map.Entry<Integer, Map<String, List<String>>> round : reports.entrySet()) {
        assertThat(round.getValue()).hasSize(PROCESSES * THREADS);
        RaceVerifier.verify(store, "race/r" + round.getKey(), round.getValue());
      }
    }
  }

  private Process start(String name, Path storeRoot, int rounds) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx256m",
            "-cp",
            System.getProperty("java.class.path"),
            WalRaceChild.class.getName(),
            storeRoot.toString(),
            dir.resolve("barriers").toString(),
            name,
            Integer.toString(THREADS),
            Integer.toString(rounds),
            Integer.toString(PROCESSES * THREADS))
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(dir.resolve(name + ".err").toFile())
        .start();
  }
}
