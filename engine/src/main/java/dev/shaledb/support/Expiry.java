package dev.shaledb.support;

import dev.shaledb.sst.SstEntry;
import dev.shaledb.wal.WalEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Times to live: what a write's {@link Duration} becomes in the WAL and tables (an absolute expiry
 * by the writer's clock, docs/engine.md "Time to live").
 */
public final class Expiry {
  /** A TTL in milliseconds meaning "use the database's default". */
  public static final long DEFAULT = 0;

  /** A TTL in milliseconds meaning "never expires", whatever the default. */
  public static final long FOREVER = Long.MAX_VALUE;

  private Expiry() {}

  /**
   * A write's TTL in milliseconds: positive, or {@link #FOREVER} for one too long to represent
   * (such as {@code ChronoUnit.FOREVER.getDuration()}).
   *
   * @throws IllegalArgumentException if {@code ttl} is zero or negative
   */
  public static long ttlMillis(Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("ttl is not positive: " + ttl);
    }
    try {
      return Math.max(1, ttl.toMillis());
    } catch (ArithmeticException tooLong) {
      return FOREVER;
    }
  }

  /**
   * The expiry of a write at {@code nowMillis} with {@code ttlMillis}: {@link SstEntry#NO_EXPIRY}
   * for {@link #DEFAULT} (the write path stamps the default later), {@link Long#MAX_VALUE} ("never,
   * whatever the default") for {@link #FOREVER} or an expiry beyond what a long holds.
   */
  public static long expireAt(long nowMillis, long ttlMillis) {
    if (ttlMillis == DEFAULT) {
      return SstEntry.NO_EXPIRY;
    }
    if (ttlMillis == FOREVER) {
      return Long.MAX_VALUE;
    }
    long at = nowMillis + ttlMillis;
    return at < nowMillis ? Long.MAX_VALUE : Math.max(0, at);
  }

  /**
   * The entries as the write path stores them at {@code nowMillis}: puts and merges without an
   * expiry get the default ({@code defaultTtlMillis}, or {@link #DEFAULT} for none), and "never"
   * ({@link Long#MAX_VALUE}) becomes no expiry. The same list when nothing changes.
   */
  public static List<WalEntry> stamp(
      List<WalEntry> entries, long nowMillis, long defaultTtlMillis) {
    boolean change = false;
    for (int i = 0; i < entries.size() && !change; i++) {
      WalEntry e = entries.get(i);
      change = e.expireAtMillis() == Long.MAX_VALUE || (defaultTtlMillis != DEFAULT && expires(e));
    }
    if (!change) {
      return entries;
    }
    long byDefault = expireAt(nowMillis, defaultTtlMillis);
    List<WalEntry> out = new ArrayList<>(entries.size());
    for (WalEntry e : entries) {
      long at = e.expireAtMillis();
      if (at == SstEntry.NO_EXPIRY && expires(e)) {
        at = byDefault;
      }
      if (at == Long.MAX_VALUE) {
        at = SstEntry.NO_EXPIRY;
      }
      out.add(at == e.expireAtMillis() ? e : new WalEntry(e.kind(), e.key(), e.value(), at));
    }
    return out;
  }

  private static boolean expires(WalEntry e) {
    return e.kind() == WalEntry.Kind.PUT || e.kind() == WalEntry.Kind.MERGE;
  }
}
