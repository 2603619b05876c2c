package dev.shaledb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole driver on a tiny workload: every phase runs and the outputs are written. */
class DbBenchTest {
  @Test
  void tinyRunWritesJsonAndChart(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("out/run.json");
    Path chart = dir.resolve("out/run.png");
    DbBench.run(
        DbBenchOptions.parse(
            new String[] {
              "--num",
              "2000",
              "--seconds",
              "0.3",
              "--sweep",
              "1,2",
              "--replay-objects",
              "5",
              "--idle-seconds",
              "0.2",
              "--json",
              json.toString(),
              "--chart",
              chart.toString()
            }));
    String text = Files.readString(json);
    assertThat(text)
        .contains("\"name\": \"fillrandom, no wait\"")
        .contains("\"name\": \"durable put c=1\"")
        .contains("\"name\": \"durable put c=2\"")
        .contains("\"name\": \"readrandom, uncached\"")
        .contains("\"name\": \"idle\"")
        .contains("\"name\": \"open, replaying 5 writes\"");
    assertThat(noteOf(text, "readrandom, uncached")).as("no block cache, no cache line").isEmpty();
    assertThat(noteOf(text, "readrandom, cached")).startsWith("block cache hits ");
    assertThat(Files.size(chart)).isGreaterThan(1000);
  }

  @Test
  void aBulkLoadFillUploadsNoWalAndTheDurablePhasesRunAfterANormalReopen(@TempDir Path dir)
      throws IOException {
    Path json = dir.resolve("bulk.json");
    DbBench.run(
        DbBenchOptions.parse(
            new String[] {
              "--store",
              "memory:",
              "--bulk-load",
              "--num",
              "2000",
              "--seconds",
              "0.2",
              "--concurrency",
              "1",
              "--replay-objects",
              "0",
              "--idle-seconds",
              "0",
              "--json",
              json.toString()
            }));
    String text = Files.readString(json);
    assertThat(text)
        .contains("\"bulkLoad\": true")
        .contains("\"name\": \"fillrandom, bulk load\"")
        .contains("\"name\": \"reopen after the bulk load\"")
        .contains("\"name\": \"durable put c=1\"")
        .doesNotContain("fillrandom, no wait");
  }

  @Test
  void simulatedS3OnAMemoryStore(@TempDir Path dir) throws IOException {
    Path json = dir.resolve("s3.json");
    DbBench.run(
        DbBenchOptions.parse(
            new String[] {
              "--store",
              "memory:",
              "--simulate-s3",
              "--wal-in-flight",
              "2",
              "--put-latency",
              "5",
              "--get-latency",
              "2",
              "--num",
              "1000",
              "--seconds",
              "0.3",
              "--concurrency",
              "4",
              "--replay-objects",
              "0",
              "--idle-seconds",
              "0",
              "--json",
              json.toString()
            }));
    String text = Files.readString(json);
    // A durable write waits for a WAL PUT, which the simulation delays by about 5 ms.
    Matcher durable =
        Pattern.compile("\"name\": \"durable put c=4\".*?\"p50Micros\": ([0-9.]+)", Pattern.DOTALL)
            .matcher(text);
    assertThat(durable.find()).as("the durable phase in %s", text).isTrue();
    assertThat(Double.parseDouble(durable.group(1))).isGreaterThanOrEqualTo(4_000);
  }

  /** The "note" of the phase named {@code name} in the run's JSON. */
  private static String noteOf(String json, String name) {
    int phase = json.indexOf("\"name\": \"" + name + "\"");
    assertThat(phase).as("phase %s", name).isNotNegative();
    int note = json.indexOf("\"note\": \"", phase) + "\"note\": \"".length();
    return json.substring(note, json.indexOf('"', note));
  }
}
