package dev.shaledb.wal;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * An atomic group of writes. A batch is never split across WAL objects: after a crash it is
 * recovered whole or not at all.
 *
 * <p>Sequence numbers are assigned by the caller (the engine): entry {@code i} has sequence number
 * {@code firstSeq + i}. A writer requires the batches it is given to have increasing sequence
 * numbers.
 *
 * @param firstSeq the sequence number of the first entry, at least 1
 * @param entries at least one entry
 */
public record WalBatch(long firstSeq, List<WalEntry> entries) {
  /** The largest encoded batch, in bytes (64 MiB). */
  public static final int MAX_ENCODED_BYTES = 64 << 20;

  public WalBatch {
    requireNonNull(entries, "entries is null");
    entries = List.copyOf(entries);
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("a batch has no entries");
    }
    if (firstSeq < 1 || firstSeq > Long.MAX_VALUE - entries.size()) {
      throw new IllegalArgumentException(
          "firstSeq " + firstSeq + " is not in 1.." + (Long.MAX_VALUE - entries.size()));
    }
    long size = BatchCodec.FIXED_BYTES;
    for (WalEntry e : entries) {
      size += e.encodedSize();
    }
    if (size > MAX_ENCODED_BYTES) {
      throw new IllegalArgumentException(
          "batch encodes to " + size + " bytes, more than " + MAX_ENCODED_BYTES);
    }
  }

  /** A batch of the given entries starting at {@code firstSeq}. */
  public static WalBatch of(long firstSeq, WalEntry... entries) {
    return new WalBatch(firstSeq, List.of(entries));
  }

  /** The sequence number of the last entry. */
  public long lastSeq() {
    return firstSeq + entries.size() - 1;
  }
}
