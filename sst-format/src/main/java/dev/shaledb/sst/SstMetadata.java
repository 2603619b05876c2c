package dev.shaledb.sst;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CorruptObjectException;
import java.util.Arrays;

/**
 * The statistics and layout a table records about itself in its metadata block.
 *
 * <p>In format version 3 a table may hold range tombstones: its key range and seq range then cover
 * them too, and it may have no entries at all (then no data blocks) if it has at least one.
 *
 * @param entryCount all entries, every version of every key; 0 only in a table of range tombstones
 * @param putCount entries of kind {@link EntryKind#PUT}
 * @param deleteCount entries of kind {@link EntryKind#DELETE}
 * @param mergeCount entries of kind {@link EntryKind#MERGE}
 * @param distinctKeyCount distinct keys (what the bloom filter was sized for)
 * @param smallestKey the first key, or the first range tombstone's start if that sorts before it
 * @param largestKey the last key, or the last range tombstone's (exclusive) end if that sorts after
 *     it: then one key more than the table holds, which costs a lookup nothing
 * @param minSeq the smallest sequence number of an entry or a range tombstone
 * @param maxSeq the largest sequence number of an entry or a range tombstone
 * @param rawKeyBytes the sum of all entries' key lengths
 * @param rawValueBytes the sum of all entries' value lengths
 * @param dataBlockCount the number of data blocks
 * @param dataBytesUncompressed the data blocks' uncompressed size, restart arrays included
 * @param dataBytesStored the data blocks' stored size, trailers included
 * @param options the options the table was built with
 * @param rangeTombstoneCount the number of range tombstone fragments ({@link
 *     RangeTombstones#fragmentCount()}), 0 before format version 3
 */
public record SstMetadata(
    long entryCount,
    long putCount,
    long deleteCount,
    long mergeCount,
    long distinctKeyCount,
    byte[] smallestKey,
    byte[] largestKey,
    long minSeq,
    long maxSeq,
    long rawKeyBytes,
    long rawValueBytes,
    long dataBlockCount,
    long dataBytesUncompressed,
    long dataBytesStored,
    SstOptions options,
    long rangeTombstoneCount) {
  public SstMetadata {
    requireNonNull(smallestKey, "smallestKey is null");
    requireNonNull(largestKey, "largestKey is null");
    requireNonNull(options, "options is null");
    if (entryCount < 0 || putCount < 0 || deleteCount < 0 || mergeCount < 0) {
      throw new IllegalArgumentException("bad entry counts");
    }
    if (rangeTombstoneCount < 0 || (entryCount == 0 && rangeTombstoneCount == 0)) {
      throw new IllegalArgumentException(
          "a table needs an entry or a range tombstone, has "
              + entryCount
              + " and "
              + rangeTombstoneCount);
    }
    if (putCount + deleteCount + mergeCount != entryCount) {
      throw new IllegalArgumentException("entry counts by kind do not add up to " + entryCount);
    }
    if (distinctKeyCount < Math.min(1, entryCount) || distinctKeyCount > entryCount) {
      throw new IllegalArgumentException("bad distinct key count " + distinctKeyCount);
    }
    if (Arrays.compareUnsigned(smallestKey, largestKey) > 0 || smallestKey.length == 0) {
      throw new IllegalArgumentException("bad key range");
    }
    if (minSeq < 0 || minSeq > maxSeq) {
      throw new IllegalArgumentException("bad seq range [" + minSeq + ", " + maxSeq + "]");
    }
    if (rawKeyBytes < 0
        || rawValueBytes < 0
        || dataBlockCount < 0
        || dataBytesUncompressed < 0
        || dataBytesStored < 0) {
      throw new IllegalArgumentException("bad sizes");
    }
    boolean noEntries = entryCount == 0;
    boolean noData =
        dataBlockCount == 0
            && dataBytesUncompressed == 0
            && dataBytesStored == 0
            && rawKeyBytes == 0
            && rawValueBytes == 0;
    if (noEntries ? !noData : dataBlockCount == 0) {
      throw new IllegalArgumentException(
          entryCount + " entries in " + dataBlockCount + " data blocks");
    }
  }

  /** Writes the metadata block of format {@code version}, which must hold all these values. */
  void encode(LittleEndianSink out, int version) {
    if (version < 3 && (rangeTombstoneCount != 0 || entryCount == 0)) {
      throw new IllegalStateException("format version " + version + " cannot hold " + this);
    }
    out.writeVarint(entryCount);
    out.writeVarint(putCount);
    out.writeVarint(deleteCount);
    out.writeVarint(mergeCount);
    out.writeVarint(distinctKeyCount);
    out.writeVarint(minSeq);
    out.writeVarint(maxSeq);
    out.writeVarint(smallestKey.length);
    out.write(smallestKey);
    out.writeVarint(largestKey.length);
    out.write(largestKey);
    out.writeVarint(rawKeyBytes);
    out.writeVarint(rawValueBytes);
    out.writeVarint(dataBlockCount);
    out.writeVarint(dataBytesUncompressed);
    out.writeVarint(dataBytesStored);
    out.writeByte(options.compression().codec().id());
    out.writeVarint(options.compression().level());
    out.writeVarint(options.blockSize());
    out.writeVarint(options.restartInterval());
    out.writeVarint(options.bloomBitsPerKey());
    out.writeVarint(options.bloomMinKeys());
    if (version >= 3) {
      out.writeVarint(rangeTombstoneCount);
    }
  }

  /** Reads the metadata block of a table of format {@code version}. */
  static SstMetadata decode(LittleEndianReader in, int version) {
    long max = Long.MAX_VALUE;
    long entries = in.varint("entry count", version >= 3 ? 0 : 1, max);
    long puts = in.varint("put count", 0, max);
    long deletes = in.varint("delete count", 0, max);
    long merges = in.varint("merge count", 0, max);
    long distinct = in.varint("distinct key count", 0, max);
    long minSeq = in.varint("min seq", 0, max);
    long maxSeq = in.varint("max seq", 0, max);
    byte[] smallest = in.bytes(in.varint32("smallest key length", 1, SstEntry.MAX_KEY_LENGTH));
    byte[] largest = in.bytes(in.varint32("largest key length", 1, SstEntry.MAX_KEY_LENGTH));
    long keyBytes = in.varint("raw key bytes", 0, max);
    long valueBytes = in.varint("raw value bytes", 0, max);
    long blocks = in.varint("data block count", 0, max);
    long uncompressed = in.varint("uncompressed data bytes", 0, max);
    long stored = in.varint("stored data bytes", 0, max);
    int codecId = in.u8();
    CompressionCodec codec = CompressionCodec.fromId(codecId);
    if (codec == null) {
      throw in.corrupt("unknown codec id " + codecId);
    }
    int level = in.varint32("compression level", 0, 255);
    int blockSize = in.varint32("block size", 1, Integer.MAX_VALUE);
    int restartInterval = in.varint32("restart interval", 1, Integer.MAX_VALUE);
    int bitsPerKey = in.varint32("bloom bits per key", 0, Integer.MAX_VALUE);
    long minKeys = in.varint("bloom min keys", 0, max);
    long fragments = version >= 3 ? in.varint("range tombstone fragment count", 0, max) : 0;
    in.expectEnd();
    try {
      SstOptions options =
          new SstOptions(
              blockSize, restartInterval, bitsPerKey, minKeys, new Compression(codec, level));
      return new SstMetadata(
          entries,
          puts,
          deletes,
          merges,
          distinct,
          smallest,
          largest,
          minSeq,
          maxSeq,
          keyBytes,
          valueBytes,
          blocks,
          uncompressed,
          stored,
          options,
          fragments);
    } catch (IllegalArgumentException e) {
      throw in.corrupt("inconsistent metadata: " + e.getMessage());
    }
  }

  /**
   * Checks the range tombstones read from the block at {@code blockOffset} against this metadata:
   * as many fragments as it counts, keys within its key range, seqs within its seq range.
   */
  void checkRangeTombstones(String objectKey, long blockOffset, RangeTombstones tombstones) {
    String problem = null;
    if (tombstones.fragmentCount() != rangeTombstoneCount) {
      problem =
          "the metadata counts "
              + rangeTombstoneCount
              + " range tombstone fragments, the block holds "
              + tombstones.fragmentCount();
    } else if (tombstones.isEmpty()) {
      return;
    } else if (Arrays.compareUnsigned(tombstones.smallestStart(), smallestKey) < 0
        || Arrays.compareUnsigned(tombstones.largestEnd(), largestKey) > 0) {
      problem = "range tombstones outside the table's key range";
    } else if (tombstones.minSeq() < minSeq || tombstones.maxSeq() > maxSeq) {
      problem = "range tombstone seqs outside the table's seq range";
    }
    if (problem != null) {
      throw new CorruptObjectException(objectKey, blockOffset, problem);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SstMetadata m
        && entryCount == m.entryCount
        && putCount == m.putCount
        && deleteCount == m.deleteCount
        && mergeCount == m.mergeCount
        && distinctKeyCount == m.distinctKeyCount
        && Arrays.equals(smallestKey, m.smallestKey)
        && Arrays.equals(largestKey, m.largestKey)
        && minSeq == m.minSeq
        && maxSeq == m.maxSeq
        && rawKeyBytes == m.rawKeyBytes
        && rawValueBytes == m.rawValueBytes
        && dataBlockCount == m.dataBlockCount
        && dataBytesUncompressed == m.dataBytesUncompressed
        && dataBytesStored == m.dataBytesStored
        && options.equals(m.options)
        && rangeTombstoneCount == m.rangeTombstoneCount;
  }

  @Override
  public int hashCode() {
    int h = Long.hashCode(entryCount);
    h = 31 * h + Arrays.hashCode(smallestKey);
    h = 31 * h + Arrays.hashCode(largestKey);
    h = 31 * h + Long.hashCode(maxSeq);
    h = 31 * h + Long.hashCode(dataBytesStored);
    return 31 * h + options.hashCode();
  }

  @Override
  public String toString() {
    return "SstMetadata[entries="
        + entryCount
        + " (put "
        + putCount
        + ", delete "
        + deleteCount
        + ", merge "
        + mergeCount
        + "), distinctKeys="
        + distinctKeyCount
        + ", keys=["
        + Bytes.describe(smallestKey)
        + ", "
        + Bytes.describe(largestKey)
        + "], seqs=["
        + minSeq
        + ", "
        + maxSeq
        + "], rawKeyBytes="
        + rawKeyBytes
        + ", rawValueBytes="
        + rawValueBytes
        + ", dataBlocks="
        + dataBlockCount
        + ", dataBytesUncompressed="
        + dataBytesUncompressed
        + ", dataBytesStored="
        + dataBytesStored
        + ", rangeTombstones="
        + rangeTombstoneCount
        + ", options="
        + options
        + "]";
  }
}
