package dev.shaledb.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * One append-only segment file of the disk cache, {@code segment-<id>.dat}, and once it is sealed
 * its index {@code segment-<id>.idx}: the entries it holds and where, with a CRC32C over the index.
 * A restart reads the index of every sealed segment instead of the segment itself, so it takes time
 * proportional to the number of entries, not bytes; a segment without a valid index (the one being
 * written when the process died, or a damaged index) is scanned and cut after its last intact
 * entry.
 *
 * <p>Appends and sealing happen on the cache's one writer thread; reads are positional and may run
 * on any thread at any time. A read of a closed (evicted) segment fails, which the cache treats as
 * a miss. Nothing here is trusted on its own: every entry read is verified by {@link CacheEntry}.
 */
final class Segment {
  private static final int INDEX_MAGIC = 0x31584453; // "SDX1" little-endian
  private static final byte INDEX_VERSION = 1;

  /** An entry of this segment: the range it holds and where its stored form starts. */
  record Entry(String objectKey, long offset, int length, long position) {
    int size() {
      return CacheEntry.size(CacheEntry.keyBytes(objectKey).length, length);
    }
  }

  final long id;
  private final Path data;
  private final Path index;
  private final FileChannel channel;
  private final List<Entry> entries;
  private volatile long size;

  private Segment(long id, Path dir, FileChannel channel, List<Entry> entries, long size) {
    this.id = id;
    this.data = dataPath(dir, id);
    this.index = indexPath(dir, id);
    this.channel = channel;
    this.entries = entries;
    this.size = size;
  }

  static Path dataPath(Path dir, long id) {
    return dir.resolve(String.format("segment-%019d.dat", id));
  }

  static Path indexPath(Path dir, long id) {
    return dir.resolve(String.format("segment-%019d.idx", id));
  }

  /** The id of a segment data file's name, or -1 if the name is not one. */
  static long idOf(String fileName) {
    if (!fileName.startsWith("segment-") || !fileName.endsWith(".dat") || fileName.length() != 31) {
      return -1;
    }
    try {
      return Long.parseLong(fileName.substring(8, 27));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** A new, empty segment to append to. */
  static Segment create(Path dir, long id) throws IOException {
    FileChannel channel =
        FileChannel.open(
            dataPath(dir, id),
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE);
    return new Segment(id, dir, channel, new ArrayList<>(), 0);
  }

  /**
   * An existing segment after a restart, from its index or else by a scan that cuts it after its
   * last intact entry; entries larger than {@code maxEntryBytes} are taken as damage.
   */
  static Segment recover(Path dir, long id, int maxEntryBytes) throws IOException {
    FileChannel channel =
        FileChannel.open(dataPath(dir, id), StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      long fileSize = channel.size();
      List<Entry> entries = readIndex(indexPath(dir, id), fileSize);
      if (entries == null) {
        entries = new ArrayList<>();
        long end = scan(channel, fileSize, maxEntryBytes, entries);
        if (end < fileSize) {
          channel.truncate(end);
        }
        Segment s = new Segment(id, dir, channel, entries, end);
        s.seal();
        return s;
      }
      return new Segment(id, dir, channel, entries, fileSize);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static long scan(FileChannel ch, long fileSize, int maxEntryBytes, List<Entry> out)
      throws IOException {
    long pos = 0;
    while (fileSize - pos >= CacheEntry.OVERHEAD) {
      int keyLength = CacheEntry.keyLength(read(ch, pos, CacheEntry.PREFIX));
      if (keyLength < 0 || fileSize - pos < CacheEntry.OVERHEAD + keyLength) {
        break;
      }
      ByteBuffer range = read(ch, pos + CacheEntry.PREFIX + keyLength + 8, 4);
      int length = range.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
      long size = (long) CacheEntry.OVERHEAD + keyLength + length;
      if (length < 0 || size > maxEntryBytes || size > fileSize - pos) {
        break;
      }
      CacheEntry.Header h = CacheEntry.verify(read(ch, pos, (int) size).array());
      if (h == null) {
        break;
      }
      out.add(new Entry(h.objectKey(), h.offset(), h.length(), pos));
      pos += size;
    }
    return pos;
  }

  private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(length);
    while (b.hasRemaining()) {
      if (ch.read(b, position + b.position()) < 0) {
        break;
      }
    }
    return b.flip();
  }

  /** The entries of a valid index whose entries lie within {@code fileSize}, else null. */
  private static List<Entry> readIndex(Path path, long fileSize) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return null;
    }
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
      CRC32C crc = new CRC32C();
      crc.update(bytes, 0, bytes.length - 4);
      if (bytes.length < 17
          || b.getInt(bytes.length - 4) != (int) crc.getValue()
          || b.getInt() != INDEX_MAGIC
          || b.get() != INDEX_VERSION
          || b.getLong() != fileSize) {
        return null;
      }
      int count = b.getInt();
      List<Entry> entries = new ArrayList<>(Math.min(count, bytes.length / 22));
      for (int i = 0; i < count; i++) {
        byte[] key = new byte[b.getShort() & 0xFFFF];
        b.get(key);
        Entry e =
            new Entry(
                new String(key, StandardCharsets.UTF_8), b.getLong(), b.getInt(), b.getLong());
        if (e.length() < 0 || e.position() < 0 || e.position() > fileSize - e.size()) {
          return null;
        }
        entries.add(e);
      }
      return b.remaining() == 4 ? entries : null;
    } catch (RuntimeException e) { // a count or length that runs past the end: damage
      return null;
    }
  }

  /** Appends an encoded entry; the caller publishes it only after this returns. */
  Entry append(String objectKey, long offset, int length, ByteBuffer encoded) throws IOException {
    long position = size;
    int n = encoded.remaining();
    while (encoded.hasRemaining()) {
      channel.write(encoded, position + (n - encoded.remaining()));
    }
    size = position + n;
    Entry e = new Entry(objectKey, offset, length, position);
    entries.add(e);
    return e;
  }

  /** Reads the stored form of {@code e}; fewer bytes if the file was cut. */
  byte[] read(long position, int size) throws IOException {
    ByteBuffer b = read(channel, position, size);
    if (b.remaining() == size) {
      return b.array();
    }
    byte[] shorter = new byte[b.remaining()];
    b.get(shorter);
    return shorter;
  }

  /** Writes this segment's index, so a restart need not scan it. */
  void seal() throws IOException {
    int bytes = 4 + 1 + 8 + 4 + 4;
    for (Entry e : entries) {
      bytes += 2 + CacheEntry.keyBytes(e.objectKey()).length + 8 + 4 + 8;
    }
    ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(INDEX_MAGIC).put(INDEX_VERSION).putLong(size).putInt(entries.size());
    for (Entry e : entries) {
      byte[] key = CacheEntry.keyBytes(e.objectKey());
      b.putShort((short) key.length).put(key).putLong(e.offset()).putInt(e.length());
      b.putLong(e.position());
    }
    CRC32C crc = new CRC32C();
    crc.update(b.array(), 0, b.position());
    b.putInt((int) crc.getValue());
    Path tmp = index.resolveSibling(index.getFileName() + ".tmp");
    Files.write(tmp, b.array());
    Files.move(tmp, index, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  List<Entry> entries() {
    return entries;
  }

  long size() {
    return size;
  }

  void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing to keep: a cache file that does not close is as good as gone
    }
  }

  /** Closes and deletes the segment's files (reads still running then fail: misses). */
  void delete() throws IOException {
    close();
    Files.deleteIfExists(index);
    Files.deleteIfExists(data);
  }
}
