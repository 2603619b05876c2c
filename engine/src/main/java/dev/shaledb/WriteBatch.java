package dev.shaledb;

import dev.shaledb.support.Keys;
import dev.shaledb.wal.WalEntry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Puts and deletes applied atomically by {@link Db#write(WriteBatch)}: all of them or none become
 * visible and durable, under one sequence number. Later operations on a key override earlier ones
 * in the same batch. Arguments are checked and copied when added, so a bad key fails here and the
 * caller may reuse its arrays. Not thread-safe; a batch may be written more than once.
 */
public final class WriteBatch {
  /** The most bytes one batch may take in the WAL (64 MiB). */
  public static final int MAX_BATCH_BYTES = dev.shaledb.wal.WalBatch.MAX_ENCODED_BYTES - 1024;

  private final List<WalEntry> entries = new ArrayList<>();
  private long bytes;

  /** Adds a put of {@code value} under {@code key}. */
  public WriteBatch put(byte[] key, byte[] value) {
    Keys.checkKey(key);
    Keys.checkValue(value);
    return add(WalEntry.put(key, value), key.length + value.length);
  }

  /** Adds a delete of {@code key}. */
  public WriteBatch delete(byte[] key) {
    Keys.checkKey(key);
    return add(WalEntry.delete(key), key.length);
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
    bytes = 0;
    return this;
  }

  /** The approximate size of the batch's keys and values, in bytes. */
  public long approximateBytes() {
    return bytes;
  }

  List<WalEntry> entries() {
    return Collections.unmodifiableList(entries);
  }

  private WriteBatch add(WalEntry entry, int payload) {
    long size = 8L + payload;
    if (bytes + size > MAX_BATCH_BYTES) {
      throw new IllegalArgumentException(
          "batch would exceed the maximum of " + MAX_BATCH_BYTES + " bytes");
    }
    entries.add(entry);
    bytes += size;
    return this;
  }
}
