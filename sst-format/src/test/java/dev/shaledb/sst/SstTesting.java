package dev.shaledb.sst;

import dev.shaledb.testing.Seeds;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

/** Builders, generators and models shared by the tests. */
final class SstTesting {
  /** Table order: key ascending (unsigned), then seq descending. */
  static final Comparator<SstEntry> TABLE_ORDER =
      (a, b) -> {
        int c = Arrays.compareUnsigned(a.key(), b.key());
        return c != 0 ? c : Long.compare(b.seq(), a.seq());
      };

  private SstTesting() {}

  static byte[] toArray(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  static byte[] build(SstOptions options, List<SstEntry> entries) {
    return build(options, entries, "table-1");
  }

  static byte[] build(SstOptions options, List<SstEntry> entries, String tableId) {
    return build(options, entries, List.of(), tableId);
  }

  static byte[] build(SstOptions options, List<SstEntry> entries, List<RangeTombstone> tombstones) {
    return build(options, entries, tombstones, "table-1");
  }

  static byte[] build(
      SstOptions options, List<SstEntry> entries, List<RangeTombstone> tombstones, String tableId) {
    try (SstBuilder builder = SstBuilder.inMemory(options, tableId)) {
      entries.forEach(builder::add);
      tombstones.forEach(builder::addRangeTombstone);
      builder.finish();
      return toArray(builder.bytes());
    }
  }

  /**
   * Random range tombstones over the keys of {@code entries} (or random keys if there are none):
   * bounds at, next to and between existing keys, overlapping and nested, seqs above, between and
   * below the entries' seqs.
   */
  static List<RangeTombstone> randomTombstones(Seeds.Gen gen, List<SstEntry> entries, int max) {
    int n = gen.intBetween(1, max);
    List<RangeTombstone> out = new ArrayList<>();
    while (out.size() < n) {
      byte[] a = boundNear(gen, entries);
      byte[] b = boundNear(gen, entries);
      int c = Arrays.compareUnsigned(a, b);
      if (c == 0) {
        continue;
      }
      long seq =
          entries.isEmpty() || gen.chance(0.3)
              ? gen.random().nextLong(0, Long.MAX_VALUE)
              : entries.get(gen.intBetween(0, entries.size() - 1)).seq() + gen.intBetween(-1, 1);
      seq = Math.max(0, seq);
      out.add(c < 0 ? new RangeTombstone(a, b, seq) : new RangeTombstone(b, a, seq));
    }
    return out;
  }

  private static byte[] boundNear(Seeds.Gen gen, List<SstEntry> entries) {
    if (entries.isEmpty() || gen.chance(0.2)) {
      return gen.bytes(gen.intBetween(1, 6));
    }
    byte[] k = entries.get(gen.intBetween(0, entries.size() - 1)).key();
    if (gen.chance(0.5) || k.length == SstEntry.MAX_KEY_LENGTH) {
      return k;
    }
    return Arrays.copyOf(k, k.length + 1); // the key right after k
  }

  static SstReader open(byte[] table) {
    return SstReader.open("test/table.sst", RangeReader.of(table));
  }

  static List<SstEntry> readAll(SstIterator it) {
    List<SstEntry> out = new ArrayList<>();
    for (; it.isValid(); it.next()) {
      out.add(it.entry());
    }
    return out;
  }

  static List<SstEntry> readAll(SstReader reader, long maxSeq) {
    SstIterator it = reader.iterator(maxSeq);
    it.seekToFirst();
    return readAll(it);
  }

  static byte[] key(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** An unbounded block cache over a map, counting its misses. */
  static final class MapBlockCache implements BlockCache {
    final java.util.concurrent.ConcurrentHashMap<String, DecodedBlock> blocks =
        new java.util.concurrent.ConcurrentHashMap<>();
    final AtomicInteger misses = new AtomicInteger();

    @Override
    public DecodedBlock get(
        String objectKey, long blockOffset, java.util.function.Supplier<DecodedBlock> loader) {
      return blocks.computeIfAbsent(
          objectKey + "@" + blockOffset,
          k -> {
            misses.incrementAndGet();
            return loader.get();
          });
    }
  }

  /** A RangeReader that counts its calls. */
  static final class CountingReader implements RangeReader {
    final RangeReader delegate;
    final AtomicInteger tailReads = new AtomicInteger();
    final AtomicInteger reads = new AtomicInteger();

    CountingReader(byte[] table) {
      this.delegate = RangeReader.of(table);
    }

    @Override
    public byte[] read(long offset, int length) {
      reads.incrementAndGet();
      return delegate.read(offset, length);
    }

    @Override
    public Tail readTail(int length) {
      tailReads.incrementAndGet();
      return delegate.readTail(length);
    }
  }

  /**
   * Random sorted entry sets: keys of random lengths, with long shared prefixes, from tiny
   * alphabets (many 0x00 and 0xFF bytes), several versions per key, empty and large values, all
   * kinds, some expiries.
   */
  static List<SstEntry> randomEntries(Seeds.Gen gen, int maxKeys, boolean allowHuge) {
    int keyStyle = gen.intBetween(0, 3);
    int keyCount = gen.intBetween(1, maxKeys);
    byte[] prefix = gen.bytes(gen.chance(0.3) ? gen.intBetween(100, 3000) : gen.intBetween(0, 8));
    TreeSet<byte[]> keys = new TreeSet<>(Arrays::compareUnsigned);
    while (keys.size() < keyCount) {
      keys.add(randomKey(gen, keyStyle, prefix));
    }
    double deleteRate = gen.chance(0.2) ? 0.9 : 0.15;
    int maxVersions = gen.chance(0.2) ? 40 : 3;
    List<SstEntry> out = new ArrayList<>();
    for (byte[] key : keys) {
      int versions = gen.chance(0.7) ? 1 : gen.intBetween(1, maxVersions);
      long[] seqs = distinctSeqs(gen, versions);
      for (long seq : seqs) {
        out.add(randomEntry(gen, key, seq, deleteRate, allowHuge));
      }
    }
    return out;
  }

  private static byte[] randomKey(Seeds.Gen gen, int style, byte[] prefix) {
    switch (style) {
      case 0:
        return gen.bytes(gen.intBetween(1, 24));
      case 1:
        {
          byte[] k = new byte[gen.intBetween(1, 6)];
          byte[] alphabet = {0x00, 0x01, 0x7F, (byte) 0x80, (byte) 0xFE, (byte) 0xFF};
          for (int i = 0; i < k.length; i++) {
            k[i] = alphabet[gen.intBetween(0, alphabet.length - 1)];
          }
          return k;
        }
      case 2:
        {
          byte[] suffix = gen.bytes(gen.intBetween(prefix.length == 0 ? 1 : 0, 6));
          byte[] k =
              Arrays.copyOf(
                  prefix, Math.min(SstEntry.MAX_KEY_LENGTH, prefix.length + suffix.length));
          System.arraycopy(suffix, 0, k, prefix.length, k.length - prefix.length);
          return k.length == 0 ? new byte[] {1} : k;
        }
      default:
        return key(String.format("user%08d", gen.intBetween(0, 99_999_999)));
    }
  }

  private static long[] distinctSeqs(Seeds.Gen gen, int n) {
    TreeSet<Long> seqs = new TreeSet<>(Comparator.reverseOrder());
    boolean high = gen.chance(0.1);
    while (seqs.size() < n) {
      seqs.add(
          high
              ? Long.MAX_VALUE - gen.random().nextLong(1000)
              : gen.random().nextLong(gen.chance(0.5) ? 100 : 1L << 62));
    }
    return seqs.stream().mapToLong(Long::longValue).toArray();
  }

  private static SstEntry randomEntry(
      Seeds.Gen gen, byte[] key, long seq, double deleteRate, boolean allowHuge) {
    long expiry = gen.chance(0.1) ? gen.random().nextLong(0, Long.MAX_VALUE) : SstEntry.NO_EXPIRY;
    if (gen.chance(deleteRate)) {
      return SstEntry.delete(key, seq).withExpiry(expiry);
    }
    int length = allowHuge && gen.chance(0.02) ? 64 * 1024 : gen.skewedLength(300);
    byte[] value = gen.chance(0.5) ? gen.bytes(length) : compressible(gen, length);
    EntryKind kind = gen.chance(0.1) ? EntryKind.MERGE : EntryKind.PUT;
    return new SstEntry(key, seq, kind, value, expiry);
  }

  private static byte[] compressible(Seeds.Gen gen, int length) {
    byte[] v = new byte[length];
    byte b = (byte) gen.intBetween(0, 255);
    for (int i = 0; i < length; i++) {
      if (gen.chance(0.1)) {
        b = (byte) gen.intBetween(0, 255);
      }
      v[i] = b;
    }
    return v;
  }

  static SstOptions randomOptions(Seeds.Gen gen) {
    int[] blockSizes = {1, 64, 256, 1024, 4096, 65536};
    int[] restarts = {1, 2, 3, 16, 128};
    Compression[] codecs = {
      Compression.none(), Compression.lz4(), Compression.zstd(), Compression.zstd(19)
    };
    return new SstOptions(
        blockSizes[gen.intBetween(0, blockSizes.length - 1)],
        restarts[gen.intBetween(0, restarts.length - 1)],
        gen.chance(0.2) ? 0 : gen.intBetween(1, 20),
        gen.chance(0.5) ? 0 : SstOptions.DEFAULT_BLOOM_MIN_KEYS,
        codecs[gen.intBetween(0, codecs.length - 1)]);
  }
}
