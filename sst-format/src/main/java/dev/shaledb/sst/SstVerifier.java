package dev.shaledb.sst;

import dev.shaledb.error.CorruptObjectException;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Checks a complete table (a scrubber's or a disk cache's job): the footer's checksum of the body,
 * every block, the order of all entries, and the metadata's counts and ranges against the entries
 * and range tombstones (opening the table already checked the tombstones themselves).
 */
final class SstVerifier {
  private SstVerifier() {}

  static SstInfo verify(String objectKey, byte[] object) {
    SstReader reader =
        SstReader.open(
            objectKey,
            RangeReader.of(object),
            SstReaderOptions.defaults()
                .withTailReadSize(
                    Math.max(
                        SstReaderOptions.MIN_TAIL_READ_SIZE, Math.min(object.length, 1 << 30))));
    Footer footer = reader.footer();
    CRC32C body = new CRC32C();
    body.update(object, 0, (int) footer.start());
    if ((int) body.getValue() != footer.bodyCrc()) {
      throw new CorruptObjectException(objectKey, 0, "body checksum mismatch");
    }
    checkEntries(reader);
    CRC32C whole = new CRC32C();
    whole.update(object, 0, object.length);
    SstMetadata m = reader.metadata();
    return new SstInfo(
        object.length,
        m.smallestKey(),
        m.largestKey(),
        m.minSeq(),
        m.maxSeq(),
        m.entryCount(),
        (int) whole.getValue(),
        footer.tailLength());
  }

  private static void checkEntries(SstReader reader) {
    SstMetadata m = reader.metadata();
    long[] byKind = new long[EntryKind.values().length];
    long count = 0;
    long minSeq = Long.MAX_VALUE;
    long maxSeq = -1;
    byte[] first = null;
    byte[] prev = null;
    long prevSeq = 0;
    SstIterator it = reader.iterator(Long.MAX_VALUE);
    for (it.seekToFirst(); it.isValid(); it.next()) {
      byte[] key = it.key();
      long seq = it.seq();
      if (prev != null) {
        int c = Arrays.compareUnsigned(prev, key);
        if (c > 0 || (c == 0 && seq >= prevSeq)) {
          throw mismatch(reader, "entries out of order across blocks");
        }
      } else {
        first = key;
      }
      prev = key;
      prevSeq = seq;
      count++;
      byKind[it.kind().ordinal()]++;
      minSeq = Math.min(minSeq, seq);
      maxSeq = Math.max(maxSeq, seq);
    }
    RangeTombstones tombstones = reader.rangeTombstones();
    if (!tombstones.isEmpty()) {
      first = first == null ? tombstones.smallestStart() : min(first, tombstones.smallestStart());
      prev = prev == null ? tombstones.largestEnd() : max(prev, tombstones.largestEnd());
      minSeq = Math.min(minSeq, tombstones.minSeq());
      maxSeq = Math.max(maxSeq, tombstones.maxSeq());
    }
    boolean ok =
        count == m.entryCount()
            && byKind[EntryKind.PUT.ordinal()] == m.putCount()
            && byKind[EntryKind.DELETE.ordinal()] == m.deleteCount()
            && byKind[EntryKind.MERGE.ordinal()] == m.mergeCount()
            && minSeq == m.minSeq()
            && maxSeq == m.maxSeq()
            && Arrays.equals(first, m.smallestKey())
            && Arrays.equals(prev, m.largestKey());
    if (!ok) {
      throw mismatch(reader, "metadata does not match the entries");
    }
  }

  private static byte[] min(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b) <= 0 ? a : b;
  }

  private static byte[] max(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b) >= 0 ? a : b;
  }

  private static CorruptObjectException mismatch(SstReader reader, String problem) {
    return new CorruptObjectException(reader.objectKey(), reader.footer().metaOffset(), problem);
  }
}
