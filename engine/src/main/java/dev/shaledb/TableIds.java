package dev.shaledb;

import java.time.Clock;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * Fresh table ids that need no coordination: 48 bits of milliseconds then 80 random bits, as 32 hex
 * digits (the layout of UUIDv7), so ids sort roughly by creation time in listings and two writers,
 * even fenced ones, never pick the same id in practice. Thread-safe if the generator is.
 */
final class TableIds {
  private final Clock clock;
  private final RandomGenerator random;

  TableIds(Clock clock, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
  }

  String next() {
    long millis = clock.millis() & 0xFFFF_FFFF_FFFFL;
    long high = (millis << 16) | (random.nextLong() & 0xFFFFL);
    long low = random.nextLong();
    HexFormat hex = HexFormat.of();
    return hex.toHexDigits(high) + hex.toHexDigits(low);
  }
}
