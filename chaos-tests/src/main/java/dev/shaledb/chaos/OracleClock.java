package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import java.util.TreeMap;
import java.util.function.LongSupplier;

/**
 * The oracle's logical clock: strictly increasing ticks, and the shared time ({@link
 * ChaosTime#now()}) seen at each tick where it had moved, so the time a tick was taken at can be
 * looked up later (a read's earliest now, a write's expiry window). Not thread-safe: {@link
 * ExpectedState} calls it under its lock.
 */
final class OracleClock {
  private final LongSupplier time;
  private final TreeMap<Long, Long> timeAtTick = new TreeMap<>();
  private long tick;
  private long lastTime;

  OracleClock(LongSupplier time) {
    this.time = requireNonNull(time, "time is null");
    this.lastTime = time.getAsLong();
    timeAtTick.put(0L, lastTime);
  }

  /** A copy of {@code other}, going on from where it stands with the same time. */
  OracleClock(OracleClock other) {
    this.time = other.time;
    this.timeAtTick.putAll(other.timeAtTick);
    this.tick = other.tick;
    this.lastTime = other.lastTime;
  }

  /** The next tick, noting the time at it if the time moved since the last tick. */
  long next() {
    long t = ++tick;
    long now = time.getAsLong();
    if (now != lastTime) {
      lastTime = now;
      timeAtTick.put(t, now);
    }
    return t;
  }

  /** The time when {@code tick} was taken. */
  long timeAt(long tick) {
    return timeAtTick.floorEntry(tick).getValue();
  }

  /** The time at the latest tick. */
  long lastTime() {
    return lastTime;
  }

  /** The time now, which may have moved since the latest tick. */
  long now() {
    return time.getAsLong();
  }
}
