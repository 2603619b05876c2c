package dev.shaledb.sst;

/** The running statistics a builder records in the metadata block. */
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

  SstMetadata toMetadata(
      byte[] smallestKey,
      byte[] largestKey,
      long dataBlocks,
      long dataBytesUncompressed,
      long dataBytesStored,
      SstOptions options) {
    return new SstMetadata(
        entries,
        puts,
        deletes,
        merges,
        distinctKeys,
        smallestKey,
        largestKey,
        minSeq,
        maxSeq,
        keyBytes,
        valueBytes,
        dataBlocks,
        dataBytesUncompressed,
        dataBytesStored,
        options);
  }
}
