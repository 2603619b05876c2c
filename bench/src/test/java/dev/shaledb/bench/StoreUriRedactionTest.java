package dev.shaledb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The driver prints and reports the store URI it ran on, never the keys in it. */
class StoreUriRedactionTest {
  private static final String URI =
      "s3://bucket/bench?endpoint=http://127.0.0.1:9000&region=us-east-1"
          + "&accessKey=AKIAIOSFODNN7EXAMPLE&secretKey=wJalrXUtnFEMIK7MDENG";

  @Test
  void theReportShowsTheStoreWithoutItsKeys() {
    PrintStream before = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
    Map<String, Object> json;
    try {
      Report report =
          new Report(DbBenchOptions.parse(new String[] {"--store", URI}), URI, "shaledb-bench/1");
      report.header();
      json = report.toJson(List.of(), List.of());
    } finally {
      System.setOut(before);
    }
    String header = printed.toString(StandardCharsets.UTF_8);
    assertThat(header).contains("s3://bucket/bench?").contains("accessKey=AKIA***");
    assertThat(json.toString()).contains("secretKey=***");
    for (String text : List.of(header, json.toString())) {
      assertThat(text).doesNotContain("wJalrXUtnFEMIK7MDENG").doesNotContain("IOSFODNN");
    }
  }

  @Test
  void storeLatencyLabelsStoresWithoutTheirKeys() {
    String label = StoreLatency.label(URI);
    assertThat(label).doesNotContain("wJalrXUtnFEMIK7MDENG").doesNotContain("IOSFODNN");
    assertThat(label).endsWith("secretKey=***").hasSizeLessThanOrEqualTo(34);
    assertThat(StoreLatency.label("memory:")).isEqualTo("memory:");
  }
}
