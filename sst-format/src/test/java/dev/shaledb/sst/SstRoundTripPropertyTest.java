package dev.shaledb.sst;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.testing.Seeds;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Seeded round trips: random entry sets, with and without range tombstones (or only those), every
 * codec and layout; reading back must equal the input and agree with a TreeMap model for get, seek
 * and scans, and the tombstones with {@link RangeTombstones#of} of those added. {@code
 * -Dshaledb.long=true} runs many more cases; {@code -Dseed=N} replays one run.
 */
class SstRoundTripPropertyTest {
  private static final boolean LONG = Boolean.getBoolean("shaledb.long");

  @Test
  void randomTablesRoundTrip() {
    Seeds.Gen gen = Seeds.gen("SstRoundTripPropertyTest.randomTablesRoundTrip");
    int cases = LONG ? 1500 : 120;
    for (int i = 0; i < cases; i++) {
      long caseSeed = gen.random().nextLong();
      checkCase(new Seeds.Gen(caseSeed), gen + " case " + i + " (case seed " + caseSeed + ")");
    }
  }

  @Test
  void everyCodecAndBlockSizeOnOneDataSet() {
    Seeds.Gen gen = Seeds.gen("SstRoundTripPropertyTest.everyCodecAndBlockSizeOnOneDataSet");
    List<SstEntry> entries = SstTesting.randomEntries(gen, 800, true);
    Compression[] codecs = {Compression.none(), Compression.lz4(), Compression.zstd(1)};
    for (Compression codec : codecs) {
      for (int blockSize : new int[] {1, 100, 4096, 256 * 1024}) {
        SstOptions options =
            SstOptions.defaults()
                .withCompression(codec)
                .withBlockSize(blockSize)
                .withBloomMinKeys(0);
        byte[] table = SstTesting.build(options, entries);
        checkTable(new Seeds.Gen(gen.random().nextLong()), entries, table, gen + " " + options);
      }
    }
  }

  private void checkCase(Seeds.Gen gen, String description) {
    List<SstEntry> entries =
        gen.chance(0.05)
            ? List.of()
            : SstTesting.randomEntries(gen, gen.chance(0.1) ? 3000 : 200, true);
    List<RangeTombstone> tombstones =
        entries.isEmpty() || gen.chance(0.4)
            ? SstTesting.randomTombstones(gen, entries, gen.chance(0.2) ? 200 : 6)
            : List.of();
    SstOptions options = SstTesting.randomOptions(gen);
    String where =
        description
            + " "
            + options
            + " entries="
            + entries.size()
            + " tombstones="
            + tombstones.size();
    byte[] table = SstTesting.build(options, entries, tombstones);
    SstInfo info =
        checkStreamingBuilderWritesTheSameBytes(options, entries, tombstones, table, where);
    checkTombstones(gen, table, entries, tombstones, info, where);
    if (!entries.isEmpty()) {
      checkTable(gen, entries, table, where);
    }
  }

  private SstInfo checkStreamingBuilderWritesTheSameBytes(
      SstOptions options,
      List<SstEntry> entries,
      List<RangeTombstone> tombstones,
      byte[] table,
      String where) {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    SstInfo info;
    try (SstBuilder builder = SstBuilder.create(options, stream, "table-1")) {
      tombstones.forEach(builder::addRangeTombstone);
      entries.forEach(builder::add);
      info = builder.finish();
    }
    assertThat(stream.toByteArray()).as(where).isEqualTo(table);
    assertThat(SstReader.verify("t", table)).as(where).isEqualTo(info);
    assertThat(info.size()).isEqualTo(table.length);
    assertThat(info.entryCount()).isEqualTo(entries.size());
    return info;
  }

  /**
   * The tombstones read back as added; the version, key range and seq range as the entries and
   * tombstones say; one suffix read of the tail length opens the table.
   */
  private void checkTombstones(
      Seeds.Gen gen,
      byte[] table,
      List<SstEntry> entries,
      List<RangeTombstone> tombstones,
      SstInfo info,
      String where) {
    SstTesting.CountingReader counting = new SstTesting.CountingReader(table);
    SstReader reader =
        SstReader.open(
            "t",
            "table-1",
            counting,
            SstReaderOptions.defaults()
                .withTailReadSize(
                    Math.max(SstReaderOptions.MIN_TAIL_READ_SIZE, info.tailLength())));
    assertThat(counting.reads.get()).as(where + " reads beyond the tail").isZero();
    RangeTombstones expected = RangeTombstones.of(tombstones);
    assertThat(reader.rangeTombstones()).as(where).isEqualTo(expected);
    assertThat(reader.formatVersion()).as(where).isEqualTo(tombstones.isEmpty() ? 2 : 3);
    SstMetadata m = reader.metadata();
    assertThat(m.rangeTombstoneCount()).isEqualTo(expected.fragmentCount());
    List<byte[]> lows = new ArrayList<>();
    List<byte[]> highs = new ArrayList<>();
    List<Long> seqs = new ArrayList<>();
    for (SstEntry e : entries) {
      lows.add(e.key());
      highs.add(e.key());
      seqs.add(e.seq());
    }
    for (RangeTombstone t : tombstones) {
      lows.add(t.start());
      highs.add(t.end());
      seqs.add(t.seq());
    }
    byte[] smallest = lows.stream().min(java.util.Arrays::compareUnsigned).orElseThrow();
    byte[] largest = highs.stream().max(java.util.Arrays::compareUnsigned).orElseThrow();
    assertThat(m.smallestKey()).as(where).isEqualTo(smallest).isEqualTo(info.smallestKey());
    assertThat(m.largestKey()).as(where).isEqualTo(largest).isEqualTo(info.largestKey());
    assertThat(m.minSeq()).as(where).isEqualTo(Collections.min(seqs)).isEqualTo(info.minSeq());
    assertThat(m.maxSeq()).as(where).isEqualTo(Collections.max(seqs)).isEqualTo(info.maxSeq());
    if (entries.isEmpty()) {
      SstIterator it = reader.iterator(Long.MAX_VALUE);
      it.seekToFirst();
      assertThat(it.isValid()).as(where).isFalse();
      byte[] probe = gen.bytes(gen.intBetween(1, 6));
      assertThat(reader.get(probe, Long.MAX_VALUE)).as(where).isEmpty();
    }
  }

  private void checkTable(Seeds.Gen gen, List<SstEntry> entries, byte[] table, String where) {
    TableModel model = new TableModel(entries);
    int tailRead = gen.chance(0.5) ? 64 + gen.intBetween(0, 300) : 64 * 1024;
    SstReaderOptions readerOptions = SstReaderOptions.defaults().withTailReadSize(tailRead);
    if (gen.chance(0.7)) {
      readerOptions = readerOptions.withBlockCache(new SstTesting.MapBlockCache());
    }
    SstReader reader = SstReader.open("t", RangeReader.of(table), readerOptions);

    assertThat(SstTesting.readAll(reader, Long.MAX_VALUE)).as(where).isEqualTo(entries);
    long snapshot = randomSeq(gen, entries);
    assertThat(SstTesting.readAll(reader, snapshot))
        .as(where + " snapshot " + snapshot)
        .isEqualTo(model.scan(null, null, snapshot));
    checkGets(gen, reader, model, entries, where);
    checkSeeks(gen, reader, model, entries, where);
    checkMetadata(reader, entries, where);
  }

  private void checkGets(
      Seeds.Gen gen, SstReader reader, TableModel model, List<SstEntry> entries, String where) {
    for (int i = 0; i < Math.min(entries.size(), 400); i++) {
      SstEntry e = entries.get(gen.intBetween(0, entries.size() - 1));
      for (long maxSeq : new long[] {Long.MAX_VALUE, e.seq(), Math.max(0, e.seq() - 1)}) {
        assertThat(reader.get(e.key(), maxSeq))
            .as(where + " get " + e + " at " + maxSeq)
            .isEqualTo(model.get(e.key(), maxSeq));
        assertThat(twoStepGet(reader, e.key(), maxSeq))
            .as(where + " two-step get " + e + " at " + maxSeq)
            .isEqualTo(model.get(e.key(), maxSeq));
      }
    }
    for (int i = 0; i < 200; i++) {
      byte[] probe = probeKey(gen, entries);
      long maxSeq = randomSeq(gen, entries);
      Optional<SstEntry> expected = model.get(probe, maxSeq);
      assertThat(reader.get(probe, maxSeq)).as(where + " probe " + i).isEqualTo(expected);
      assertThat(twoStepGet(reader, probe, maxSeq))
          .as(where + " two-step probe " + i)
          .isEqualTo(expected);
    }
  }

  /** A lookup in the two steps a multi-key read takes: find the block, read it, look up. */
  private static Optional<SstEntry> twoStepGet(SstReader reader, byte[] key, long maxSeq) {
    int b = reader.blockFor(key);
    return b < 0 ? Optional.empty() : reader.get(key, maxSeq, b, reader.readBlockAsync(b).join());
  }

  private void checkSeeks(
      Seeds.Gen gen, SstReader reader, TableModel model, List<SstEntry> entries, String where) {
    for (int i = 0; i < 50; i++) {
      byte[] target = probeKey(gen, entries);
      long maxSeq = randomSeq(gen, entries);
      SstIterator it = reader.iterator(maxSeq);
      it.seek(target);
      List<SstEntry> expected = model.scan(target, null, maxSeq);
      assertThat(take(it, 5)).as(where + " seek " + i).isEqualTo(first(expected, 5));

      byte[] to = probeKey(gen, entries);
      SstIterator scan = reader.scan(target, to, maxSeq);
      assertThat(SstTesting.readAll(scan))
          .as(where + " scan " + i)
          .isEqualTo(model.scan(target, to, maxSeq));
    }
  }

  private void checkMetadata(SstReader reader, List<SstEntry> entries, String where) {
    SstMetadata m = reader.metadata();
    assertThat(m.entryCount()).as(where).isEqualTo(entries.size());
    assertThat(m.deleteCount())
        .isEqualTo(entries.stream().filter(e -> e.kind() == EntryKind.DELETE).count());
  }

  /** An existing key, a key next to one, or a random key. */
  private static byte[] probeKey(Seeds.Gen gen, List<SstEntry> entries) {
    byte[] base = entries.get(gen.intBetween(0, entries.size() - 1)).key();
    switch (gen.intBetween(0, 4)) {
      case 0:
        return base;
      case 1:
        {
          byte[] longer = java.util.Arrays.copyOf(base, base.length + 1);
          longer[base.length] = (byte) gen.intBetween(0, 255);
          return longer;
        }
      case 2:
        return base.length > 1 ? java.util.Arrays.copyOf(base, base.length - 1) : base;
      case 3:
        {
          byte[] changed = base.clone();
          changed[changed.length - 1] += (byte) (gen.chance(0.5) ? 1 : -1);
          return changed;
        }
      default:
        return gen.bytes(gen.intBetween(1, 8));
    }
  }

  private static long randomSeq(Seeds.Gen gen, List<SstEntry> entries) {
    if (gen.chance(0.3)) {
      return Long.MAX_VALUE;
    }
    long seq = entries.get(gen.intBetween(0, entries.size() - 1)).seq();
    return gen.chance(0.5) ? seq : Math.max(0, seq - 1);
  }

  private static List<SstEntry> take(SstIterator it, int n) {
    List<SstEntry> out = new ArrayList<>();
    for (; it.isValid() && out.size() < n; it.next()) {
      out.add(it.entry());
    }
    return out;
  }

  private static List<SstEntry> first(List<SstEntry> list, int n) {
    return list.subList(0, Math.min(n, list.size()));
  }
}
