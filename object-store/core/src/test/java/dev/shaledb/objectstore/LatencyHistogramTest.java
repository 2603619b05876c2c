package dev.shaledb.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.testing.Seeds;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {
  @Test
  void bucketsAreContiguousAndMonotonic() {
    int previous = -1;
    for (long nanos = 0; nanos < 1 << 20; nanos++) {
      int index = LatencyHistogram.index(nanos);
      assertThat(index).as("index of %d", nanos).isBetween(previous, previous + 1);
      assertThat(LatencyHistogram.upperBound(index))
          .as("bound of %d", nanos)
          .isGreaterThanOrEqualTo(nanos);
      previous = index;
    }
  }

  @Test
  void quantilesAgreeWithSortingWithinThreePercent() {
    Seeds.Gen gen = Seeds.gen("quantilesAgreeWithSortingWithinThreePercent");
    for (int trial = 0; trial < 50; trial++) {
      LatencyHistogram histogram = new LatencyHistogram();
      long[] values = new long[gen.intBetween(1, 2000)];
      for (int i = 0; i < values.length; i++) {
        values[i] = (long) Math.exp(gen.random().nextDouble() * 25);
        histogram.record(values[i]);
      }
      Arrays.sort(values);
      assertThat(histogram.count()).isEqualTo(values.length);
      for (double q : new double[] {0, 0.5, 0.9, 0.99, 0.999, 1}) {
        long exact = values[Math.max(0, (int) Math.ceil(q * values.length) - 1)];
        long estimate = histogram.quantileNanos(q);
        assertThat(estimate).as("q=%s %s", q, gen).isGreaterThanOrEqualTo(exact);
        assertThat((double) estimate).as("q=%s %s", q, gen).isLessThanOrEqualTo(exact * 1.032 + 1);
      }
    }
  }

  @Test
  void emptyAndInvalid() {
    LatencyHistogram histogram = new LatencyHistogram();
    assertThat(histogram.quantileNanos(0.99)).isZero();
    assertThatThrownBy(() -> histogram.quantileNanos(1.5))
        .isInstanceOf(IllegalArgumentException.class);
    histogram.record(Long.MAX_VALUE);
    histogram.record(-5);
    assertThat(histogram.count()).isEqualTo(2);
  }
}
