package dev.shaledb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.RequestPricing;
import dev.shaledb.objectstore.RequestType;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A few seconds of the {@code ingest} command on small sizes; the 5-minute run is the soak's. */
class IngestBenchTest {
  @Test
  void aShortIngestReportsWhatWasWritten(@TempDir Path dir) throws Exception {
    IngestOptions o =
        IngestOptions.parse(
            "--seconds 2 --interval 0.25 --threads 2 --keys 200000 --memtable-mb 1 --seed 7"
                .split(" "));
    IngestResult r = IngestBench.measure(o, new InMemoryObjectStore());

    WriteLoad s = r.shaledb();
    assertThat(s.puts()).isPositive();
    assertThat(s.userBytes()).isEqualTo(s.puts() * 420);
    assertThat(r.enginePuts()).as("the engine counted what the writers put").isEqualTo(s.puts());
    assertThat(r.distinctKeys()).isBetween(1L, s.puts());
    assertThat(s.longestPutNanos()).isGreaterThanOrEqualTo(s.p50Nanos() / 2);

    // 8 intervals of 0.25 s; a sampler starved on a loaded machine skips the ticks it missed
    assertThat(r.samples()).hasSizeBetween(2, 9);
    assertThat(r.spaceAmpMean()).isGreaterThanOrEqualTo(1.0);
    assertThat(r.spaceAmpMax()).isGreaterThanOrEqualTo(r.spaceAmpMean());
    assertThat(r.samples())
        .filteredOn(p -> !Double.isNaN(p.spaceAmplification())) // NaN: no put returned yet
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.spaceAmplification()).isGreaterThanOrEqualTo(1.0));
    // whether a flush completes within 2 s depends on the machine's load: no claim about tables
    assertThat(r.writeAmpAllPuts()).as("the WAL uploaded something").isPositive();
    assertThat(r.writeAmpAllPuts()).isGreaterThanOrEqualTo(r.writeAmpTables());
    assertThat(r.store().requests(RequestType.PUT)).isPositive();
    assertThat(r.dollarsPerGb(RequestPricing.s3Standard())).isPositive();

    WriteLoad rocks = r.rocksdb();
    assertThat(rocks.puts()).isPositive();
    assertThat(rocks.userBytes()).isEqualTo(rocks.puts() * 420);
    assertThat(rocks.intervals()).isNotEmpty();
    assertThat(r.ratio()).isPositive().isFinite();

    IngestReport report = new IngestReport(o, "memory:");
    Map<String, Object> json = report.toJson(r);
    assertThat(json).containsKeys("config", "shaledb", "rocksdb", "ratio", "targets");
    assertThat(Json.toString(json))
        .contains("\"spaceAmpMean\"", "\"samples\"", "\"met\"", "\"sortedRuns\"");
    // the issue's five and ours: sorted runs bounded
    assertThat(report.targets(r)).hasSize(6);
    Path chart = dir.resolve("ingest.png");
    report.chart(chart, r);
    BufferedImage image = ImageIO.read(chart.toFile());
    assertThat(image.getHeight()).as("two rows of panels").isEqualTo(840);
    assertThat(Files.size(chart)).isPositive();
  }

  @Test
  void keysAreSeededAndCountedDistinct() {
    IngestKeys a = new IngestKeys(1000, 20, 2, 3);
    IngestKeys b = new IngestKeys(1000, 20, 2, 3);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 3000; i++) {
      int thread = i % 2;
      byte[] key = a.next(thread);
      assertThat(key).hasSize(20).isEqualTo(b.next(thread));
      seen.add(HexFormat.of().formatHex(key));
    }
    // 3,000 draws from 1,000 keys leave about 1000 * e^-3 = 50 undrawn: not a vacuous count
    assertThat(seen).hasSizeBetween(900, 999);
    assertThat(a.distinct()).isEqualTo(seen.size());
  }

  @Test
  void optionsDefaultToIssue21sShapeAndRejectNonsense() {
    IngestOptions o = IngestOptions.parse(new String[0]);
    assertThat(o.seconds()).isEqualTo(300);
    assertThat(o.threads()).isEqualTo(4);
    assertThat(o.keys()).isEqualTo(100_000_000);
    assertThat(o.entryBytes()).isEqualTo(420);
    assertThat(o.rocksdb()).isTrue();
    assertThat(IngestOptions.parse(new String[] {"--no-rocksdb"}).rocksdb()).isFalse();
    assertThatThrownBy(() -> IngestOptions.parse(new String[] {"--threads", "0"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IngestOptions.parse(new String[] {"--keys", "0"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> IngestOptions.parse(new String[] {"--seconds"}))
        .hasMessageContaining("missing value");
    assertThatThrownBy(() -> IngestOptions.parse(new String[] {"--bogus", "1"}))
        .hasMessageContaining("unknown option");
  }
}
