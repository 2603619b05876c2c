package dev.shaledb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The cache line under a read phase names only the caches the phase read through. */
class ReadPhasesTest {
  @Test
  void aPhaseWithoutCachesHasNoCacheLine() {
    assertThat(ReadPhases.cacheLine(0, 0, 0, 0)).isEmpty();
  }

  @Test
  void eachCacheUsedHasItsPart() {
    assertThat(ReadPhases.cacheLine(900, 100, 0, 0))
        .isEqualTo("block cache hits 900, misses 100 (90.0 % hits)");
    assertThat(ReadPhases.cacheLine(0, 0, 3, 1))
        .isEqualTo("disk cache hits 3, misses 1 (75.0 % hits)");
    assertThat(ReadPhases.cacheLine(1, 1, 3, 1))
        .isEqualTo(
            "block cache hits 1, misses 1 (50.0 % hits); disk cache hits 3, misses 1 (75.0 % hits)");
  }
}
