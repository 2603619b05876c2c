package dev.shaledb.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.testing.Seeds;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LatencyModelTest {
  @Test
  void samplesCenterOnTheMedianWithAOnePercentTail() {
    SplittableRandom random = Seeds.gen("latency-model").random();
    LatencyModel model = LatencyModel.s3Like(25);
    long[] samples = new long[50_000];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = model.sampleNanos(random, 0);
    }
    Arrays.sort(samples);
    double medianMillis = samples[samples.length / 2] / 1e6;
    assertThat(medianMillis).isBetween(24.0, 26.5);
    long slow = Arrays.stream(samples).filter(s -> s > 3 * 25e6 * 0.9).count();
    // the tail (1 %, 3-6x) dominates everything beyond ~2.7x the median; the body adds almost none
    assertThat(slow / (double) samples.length).isBetween(0.006, 0.016);
    assertThat(samples[samples.length - 1]).isLessThan((long) (6 * 25e6 * Math.exp(0.2 * 5)));
  }

  @Test
  void payloadAddsTransferTime() {
    LatencyModel fixed = new LatencyModel(10, 0, 0, 1, 1, 100e6);
    SplittableRandom random = new SplittableRandom(1);
    assertThat(fixed.sampleNanos(random, 0)).isEqualTo(10_000_000);
    assertThat(fixed.sampleNanos(random, 1_000_000)).isEqualTo(20_000_000);
  }

  @Test
  void zeroMedianMeansNoDelay() {
    assertThat(LatencyModel.s3Like(0).sampleNanos(new SplittableRandom(1), 1 << 20)).isZero();
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new LatencyModel(-1, 0.2, 0.01, 3, 6, 1e8))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LatencyModel(10, 0.2, 1.5, 3, 6, 1e8))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new LatencyModel(10, 0.2, 0.01, 6, 3, 1e8))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
