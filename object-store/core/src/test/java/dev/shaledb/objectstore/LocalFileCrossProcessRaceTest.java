package dev.shaledb.objectstore;

import static dev.shaledb.objectstore.Futures.join;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two stores in different JVMs on one directory: conditional puts must still have exactly one
 * winner, and read-modify-write with {@code ifMatch} must never lose an increment.
 */
class LocalFileCrossProcessRaceTest {
  private static final int PROCESSES = 3;
  private static final int THREADS = 4;
  private static final int ROUNDS = 200;
  private static final int INCREMENTS = 25;

  @TempDir Path dir;

  @Test
  void conditionalPutsHaveOneWinnerAcrossProcesses() throws Exception {
    try (LocalFileObjectStore store = new LocalFileObjectStore(dir.resolve("store"))) {
      join(store.put("counter", "0".getBytes(UTF_8), PutCondition.none()));

      List<Process> children = new ArrayList<>();
      for (int p = 0; p < PROCESSES; p++) {
        children.add(startChild("p" + p));
      }
      Files.createFile(dir.resolve("go"));

      Map<Integer, List<String>> winners = new HashMap<>();
      for (Process child : children) {
        assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
        String output = new String(child.getInputStream().readAllBytes(), UTF_8);
        assertThat(child.exitValue()).as("child exit; output:%n%s", output).isZero();
        for (String line : output.split("\n")) {
          if (line.startsWith("WIN ")) {
            String[] parts = line.split(" ");
            winners
                .computeIfAbsent(Integer.parseInt(parts[1]), r -> new ArrayList<>())
                .add(parts[2]);
          }
        }
      }

      for (int r = 0; r < ROUNDS; r++) {
        assertThat(winners.get(r)).as("winners of round %d", r).hasSize(1);
        String stored = new String(join(store.get("absent/" + r)).data(), UTF_8);
        assertThat(stored).as("object of round %d", r).isEqualTo(winners.get(r).get(0));
      }
      long counter = Long.parseLong(new String(join(store.get("counter")).data(), UTF_8));
      assertThat(counter)
          .as("ifMatch increments")
          .isEqualTo((long) PROCESSES * THREADS * INCREMENTS);
    }
  }

  private Process startChild(String name) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx128m",
            "-cp",
            System.getProperty("java.class.path"),
            LocalFileRaceChild.class.getName(),
            dir.toString(),
            name,
            Integer.toString(THREADS),
            Integer.toString(ROUNDS),
            Integer.toString(INCREMENTS))
        .redirectErrorStream(true)
        .start();
  }
}
