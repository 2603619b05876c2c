package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CorruptObjectException;
import java.util.concurrent.CompletableFuture;

/**
 * The data blocks of one open table: reading them through the {@link RangeReader}, verifying and
 * decoding them, and keeping them in the {@link BlockCache}. {@link SstReader}'s lookups and {@link
 * BlockWindows}' scans take their blocks from here.
 *
 * <p>Invariants: a block handed out is block {@code b} of this table, decoded from bytes whose
 * envelope checksum matched (in format 2 it binds the block to this table and its offset) and whose
 * length is the index's; the cache is keyed by (object key, block offset) and a block it returns
 * for another key or offset is refused. Bytes the store delivered are verified even when the cache
 * already holds the block. Thread-safe, as the cache is; nothing here is mutable.
 */
final class TableBlocks {
  private final String objectKey;
  private final RangeReader reader;
  private final BlockCache cache;
  private final BlockBinding binding;
  private final BlockIndex index;

  TableBlocks(
      String objectKey,
      RangeReader reader,
      BlockCache cache,
      BlockBinding binding,
      BlockIndex index) {
    this.objectKey = objectKey;
    this.reader = reader;
    this.cache = cache;
    this.binding = binding;
    this.index = index;
  }

  BlockIndex index() {
    return index;
  }

  /** The decoded data block {@code b}, through the cache. */
  DecodedBlock block(int b) {
    return block(b, null);
  }

  /**
   * Block {@code b} through the cache; decoded from {@code stored} if given (even on a cache hit,
   * see below), else from the cache or a read.
   */
  DecodedBlock block(int b, byte[] stored) {
    // Bytes the store delivered are verified even when the cache got the block meanwhile (a
    // concurrent read loaded it): a damaged reply is reported, never silently dropped (chaos seed
    // 20262018 counted one that the cache's hit left unread).
    return cached(b, stored != null ? decode(b, stored) : null);
  }

  /**
   * Block {@code b} verified and decoded from {@code stored}, without the cache: safe on a thread
   * that completes store reads, which must never wait on the cache (a loader there may be waiting
   * for that very completion).
   */
  DecodedBlock verified(int b, byte[] stored) {
    return decode(b, stored);
  }

  /** Block {@code b} through the cache; on a miss {@code fresh} if not null, else read now. */
  DecodedBlock cached(int b, DecodedBlock fresh) {
    long offset = index.offset(b);
    DecodedBlock block =
        cache.get(objectKey, offset, () -> fresh != null ? fresh : decode(b, read(b)));
    if (block == null || block.blockOffset != offset || !block.objectKey.equals(objectKey)) {
      throw new IllegalStateException(
          "block cache returned the wrong block for " + objectKey + " at " + offset);
    }
    return block;
  }

  /** Whether the block cache holds block {@code b} now. */
  boolean cached(int b) {
    return cache.getIfPresent(objectKey, index.offset(b)) != null;
  }

  /** Starts reading block {@code b}'s stored bytes; null at once if the cache holds it. */
  CompletableFuture<byte[]> readAsync(int b) {
    checkBlock(b);
    if (cached(b)) {
      return CompletableFuture.completedFuture(null);
    }
    return reader.readAsync(index.offset(b), index.length(b));
  }

  /** Starts a ranged read of the object: the stored bytes of consecutive blocks, unverified. */
  CompletableFuture<byte[]> readRangeAsync(long offset, int length) {
    return reader.readAsync(offset, length);
  }

  /** See {@link SstReader#holdsIntactBlocks}. */
  boolean holdsIntactBlocks(long offset, byte[] stored) {
    requireNonNull(stored, "stored is null");
    int lo = 0;
    int hi = index.count() - 1;
    while (lo < hi) { // the first block at or after offset
      int mid = (lo + hi) >>> 1;
      if (index.offset(mid) < offset) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    int pos = 0;
    for (int b = lo; pos < stored.length; b++) {
      int length = b < index.count() && index.offset(b) == offset + pos ? index.length(b) : -1;
      if (length < 0
          || length > stored.length - pos
          || !BlockEnvelope.intact(binding, offset + pos, stored, pos, length)) {
        return false;
      }
      pos += length;
    }
    return pos > 0;
  }

  void checkBlock(int b) {
    if (b < 0 || b >= index.count()) {
      throw new IndexOutOfBoundsException(
          "block " + b + " of " + objectKey + ", which has " + index.count());
    }
  }

  private byte[] read(int b) {
    return reader.read(index.offset(b), index.length(b));
  }

  private DecodedBlock decode(int b, byte[] stored) {
    long offset = index.offset(b);
    int length = index.length(b);
    if (stored == null || stored.length != length) {
      throw new CorruptObjectException(
          objectKey,
          offset,
          "data block read returned "
              + (stored == null ? "null" : stored.length + " bytes")
              + " instead of "
              + length
              + ": object truncated?");
    }
    BlockEnvelope.Raw raw =
        BlockEnvelope.open(objectKey, binding, offset, "data block", stored, 0, length);
    return DecodedBlock.decode(
        objectKey,
        offset,
        raw.data(),
        raw.length(),
        b == 0 ? null : index.separator(b - 1),
        index.separator(b));
  }
}
