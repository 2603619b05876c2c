package dev.shaledb.sst;

/** The running statistics of a builder's entries, recorded in the metadata block. */
final class TableStats {
  long entries;
  long puts;
  long deletes;
  long merges;
  long distinctKeys;
  long minSeq = Long.MAX_VALUE;
  long maxSeq = -1;
  long keyBytes;
  long valueBytes;

  void add(EntryKind kind, long seq, int keyLen, int valueLen, boolean newKey) {
    entries++;
    switch (kind) {
      case PUT:
        puts++;
        break;
      case DELETE:
        deletes++;
        break;
      default:
        merges++;
    }
    if (newKey) {
      distinctKeys++;
    }
    minSeq = Math.min(minSeq, seq);
    maxSeq = Math.max(maxSeq, seq);
    keyBytes += keyLen;
    valueBytes += valueLen;
  }

  /** The metadata of a table with these entries and {@code tombstones}, whose seqs count too. */
  SstMetadata toMetadata(
      byte[] smallestKey,
      byte[] largestKey,
      long dataBlocks,
      long dataBytesUncompressed,
      long dataBytesStored,
      SstOptions options,
      RangeTombstones tombstones) {
    boolean any = !tombstones.isEmpty();
    return new SstMetadata(
        entries,
        puts,
        deletes,
        merges,
        distinctKeys,
        smallestKey,
        largestKey,
        any ? Math.min(minSeq, tombstones.minSeq()) : minSeq,
        any ? Math.max(maxSeq, tombstones.maxSeq()) : maxSeq,
        keyBytes,
        valueBytes,
        dataBlocks,
        dataBytesUncompressed,
        dataBytesStored,
        options,
        tombstones.fragmentCount());
  }
}
