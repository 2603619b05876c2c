package dev.shaledb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class DbBenchOptionsTest {
  @Test
  void defaultsRunTheQuickEmbeddedMix() {
    DbBenchOptions options = DbBenchOptions.parse(new String[0]);
    assertThat(options.store()).isNull();
    assertThat(options.simulateS3()).isFalse();
    assertThat(options.concurrencies()).containsExactly(8);
    assertThat(options.keySize()).isEqualTo(16);
    assertThat(options.valueSize()).isEqualTo(100);
    assertThat(options.json()).isNull();
    assertThat(options.bulkLoad()).isFalse();
  }

  @Test
  void parsesEveryOption() {
    DbBenchOptions options =
        DbBenchOptions.parse(
            new String[] {
              "--store",
              "memory:",
              "--simulate-s3",
              "--put-latency",
              "30",
              "--get-latency",
              "12",
              "--sweep",
              "1, 8,64",
              "--seconds",
              "2.5",
              "--num",
              "5000",
              "--kv",
              "20/400",
              "--replay-objects",
              "1000",
              "--idle-seconds",
              "0",
              "--seed",
              "7",
              "--wal-in-flight",
              "4",
              "--json",
              "r.json",
              "--chart",
              "c.png",
              "--bulk-load"
            });
    assertThat(options.store()).isEqualTo("memory:");
    assertThat(options.simulateS3()).isTrue();
    assertThat(options.putLatencyMillis()).isEqualTo(30);
    assertThat(options.getLatencyMillis()).isEqualTo(12);
    assertThat(options.concurrencies()).isEqualTo(List.of(1, 8, 64));
    assertThat(options.seconds()).isEqualTo(2.5);
    assertThat(options.num()).isEqualTo(5000);
    assertThat(options.keySize()).isEqualTo(20);
    assertThat(options.valueSize()).isEqualTo(400);
    assertThat(options.replayObjects()).isEqualTo(1000);
    assertThat(options.idleSeconds()).isZero();
    assertThat(options.seed()).isEqualTo(7);
    assertThat(options.walInFlight()).isEqualTo(4);
    assertThat(options.walInFlight()).isEqualTo(4);
    assertThat(options.json()).isEqualTo(Path.of("r.json"));
    assertThat(options.chart()).isEqualTo(Path.of("c.png"));
    assertThat(options.bulkLoad()).isTrue();
  }

  @Test
  void rejectsWhatItCannotRun() {
    assertThatThrownBy(() -> DbBenchOptions.parse(new String[] {"--bogus"}))
        .hasMessageContaining("unknown option '--bogus'");
    assertThatThrownBy(() -> DbBenchOptions.parse(new String[] {"--num"}))
        .hasMessageContaining("missing value after '--num'");
    assertThatThrownBy(() -> DbBenchOptions.parse(new String[] {"--sweep", "1,0"}))
        .hasMessageContaining("concurrency");
    assertThatThrownBy(() -> DbBenchOptions.parse(new String[] {"--kv", "4/100"}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DbBenchOptions.parse(new String[] {"--wal-in-flight", "0"}))
        .hasMessageContaining("--wal-in-flight");
    assertThatThrownBy(() -> DbBenchOptions.parse(new String[] {"--seconds", "x"}))
        .isInstanceOf(NumberFormatException.class);
  }
}
