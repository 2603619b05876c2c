package dev.shaledb;

import static java.util.Objects.requireNonNull;

import dev.shaledb.sst.SstEntry;
import dev.shaledb.support.Expiry;
import dev.shaledb.support.Keys;
import dev.shaledb.wal.WalEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Puts, deletes, merges and range deletes applied atomically by {@link Db#write(WriteBatch)}: all
 * of them or none become visible and durable together. Later operations on a key override earlier
 * ones in the same batch (a put after a range delete that covers it survives). Arguments are
 * checked and copied when added, so a bad key fails here and the caller may reuse its arrays. Not
 * thread-safe; a batch may be written more than once (times to live count from each write).
 *
 * <p><b>Time to live.</b> A put or merge with a TTL expires at the writer's clock ({@link
 * DbOptions#clock()}) at write time plus the TTL; from then on every reader, by its own clock,
 * reads the key as deleted at that write (an older value never shows through), and compaction
 * removes it once it expired {@link CompactionOptions#expiryGrace()} ago by the compactor's clock.
 * Snapshots do not stop time: a value that expires while a snapshot is open disappears from it too.
 * Clocks that disagree move an expiry by their skew; docs/engine.md has the rules.
 */
public final class WriteBatch {
  /** The most bytes one batch may take in the WAL (64 MiB). */
  public static final int MAX_BATCH_BYTES = dev.shaledb.wal.WalBatch.MAX_ENCODED_BYTES - 1024;

  private final List<WalEntry> entries = new ArrayList<>();
  // Each entry's TTL in milliseconds (Expiry.DEFAULT: the database's; Expiry.FOREVER: none).
  private long[] ttls = new long[8];
  private boolean anyTtl;
  private long bytes;

  /** Adds a put of {@code value} under {@code key}, living for the database's default TTL. */
  public WriteBatch put(byte[] key, byte[] value) {
    Keys.checkKey(key);
    Keys.checkValue(value);
    return add(WalEntry.put(key, value), key.length + value.length, Expiry.DEFAULT);
  }

  /**
   * Adds a put of {@code value} under {@code key} that expires {@code ttl} after it is written (see
   * the class comment); a TTL too long to represent, such as {@code
   * ChronoUnit.FOREVER.getDuration()}, means never, whatever the database's default.
   *
   * @throws IllegalArgumentException if {@code ttl} is zero or negative
   */
  public WriteBatch put(byte[] key, byte[] value, Duration ttl) {
    Keys.checkKey(key);
    Keys.checkValue(value);
    requireNonNull(ttl, "ttl is null");
    return add(WalEntry.put(key, value), key.length + value.length, Expiry.ttlMillis(ttl));
  }

  /** Adds a delete of {@code key}. */
  public WriteBatch delete(byte[] key) {
    Keys.checkKey(key);
    return add(WalEntry.delete(key), key.length, Expiry.DEFAULT);
  }

  /**
   * Adds a merge of {@code operand} into {@code key}'s value ({@link Db#merge(byte[], byte[])}),
   * living for the database's default TTL.
   */
  public WriteBatch merge(byte[] key, byte[] operand) {
    Keys.checkKey(key);
    Keys.checkValue(operand);
    return add(WalEntry.merge(key, operand), key.length + operand.length, Expiry.DEFAULT);
  }

  /**
   * Adds a merge of {@code operand} that expires {@code ttl} after it is written; an expired
   * operand reads as a delete of the key at its write, as an expired put does.
   */
  public WriteBatch merge(byte[] key, byte[] operand, Duration ttl) {
    Keys.checkKey(key);
    Keys.checkValue(operand);
    requireNonNull(ttl, "ttl is null");
    return add(WalEntry.merge(key, operand), key.length + operand.length, Expiry.ttlMillis(ttl));
  }

  /**
   * Adds a delete of every key {@code k} with {@code startInclusive <= k < endExclusive} (unsigned
   * byte order), written before it; see {@link Db#deleteRange(byte[], byte[])}.
   *
   * @throws IllegalArgumentException if a bound is empty or too long, or {@code startInclusive}
   *     does not sort before {@code endExclusive}
   */
  public WriteBatch deleteRange(byte[] startInclusive, byte[] endExclusive) {
    Keys.checkRange(startInclusive, endExclusive);
    return add(
        WalEntry.deleteRange(startInclusive, endExclusive),
        startInclusive.length + endExclusive.length,
        Expiry.DEFAULT);
  }

  /** How many operations the batch holds. */
  public int size() {
    return entries.size();
  }

  /** Whether the batch holds no operation. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Removes every operation. */
  public WriteBatch clear() {
    entries.clear();
    anyTtl = false;
    bytes = 0;
    return this;
  }

  /** The approximate size of the batch's keys and values, in bytes. */
  public long approximateBytes() {
    return bytes;
  }

  /**
   * The entries as written at {@code nowMillis}: TTLs become expiries ({@link Long#MAX_VALUE} for
   * "never"); entries without one get the database's default in the write path ({@link
   * Expiry#stamp}).
   */
  List<WalEntry> entries(long nowMillis) {
    if (!anyTtl) {
      return Collections.unmodifiableList(entries);
    }
    List<WalEntry> out = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      WalEntry e = entries.get(i);
      long at = Expiry.expireAt(nowMillis, ttls[i]);
      out.add(at == SstEntry.NO_EXPIRY ? e : new WalEntry(e.kind(), e.key(), e.value(), at));
    }
    return out;
  }

  private WriteBatch add(WalEntry entry, int payload, long ttlMillis) {
    long size = 8L + payload;
    if (bytes + size > MAX_BATCH_BYTES) {
      throw new IllegalArgumentException(
          "batch would exceed the maximum of " + MAX_BATCH_BYTES + " bytes");
    }
    if (entries.size() == ttls.length) {
      ttls = Arrays.copyOf(ttls, ttls.length * 2);
    }
    ttls[entries.size()] = ttlMillis;
    anyTtl |= ttlMillis != Expiry.DEFAULT;
    entries.add(entry);
    bytes += size;
    return this;
  }
}
