package dev.shaledb.sst;

import static dev.shaledb.sst.SstTesting.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reader behaviour: how many reads it makes, the cache seam, snapshots, bounds and misuse. */
class SstReaderTest {

  private static List<SstEntry> entries(int n) {
    List<SstEntry> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] k = key(String.format("key%06d", i * 2));
      out.add(SstEntry.put(k, 1000 + i, key("v" + i)));
      if (i % 3 == 0) {
        out.add(SstEntry.delete(k, 500 + i));
      }
    }
    return out;
  }

  @Test
  void aTailReadOfTailLengthOpensWithOneRequest() {
    byte[] table = SstTesting.build(SstOptions.defaults().withBloomMinKeys(0), entries(5000));
    SstInfo info = SstReader.verify("t", table);
    assertThat(info.tailLength()).isGreaterThan(1000);
    SstTesting.CountingReader reader = new SstTesting.CountingReader(table);
    SstReader.open("t", reader, SstReaderOptions.defaults().withTailReadSize(info.tailLength()));
    assertThat(reader.tailReads.get()).isEqualTo(1);
    assertThat(reader.reads.get()).isZero();
  }

  @Test
  void aShortTailReadCostsExactlyOneMoreRead() {
    byte[] table = SstTesting.build(SstOptions.defaults().withBloomMinKeys(0), entries(5000));
    SstTesting.CountingReader reader = new SstTesting.CountingReader(table);
    SstReader sst = SstReader.open("t", reader, SstReaderOptions.defaults().withTailReadSize(64));
    assertThat(reader.tailReads.get()).isEqualTo(1);
    assertThat(reader.reads.get()).isEqualTo(1);
    assertThat(sst.get(key("key000010"), Long.MAX_VALUE)).isPresent();
  }

  @Test
  void anotherBlockSourceSharesTheTailAndReadsBlocksThroughItsOwnReaderAndCache() {
    List<SstEntry> entries = entries(3000);
    byte[] table = SstTesting.build(SstOptions.defaults().withBloomMinKeys(0), entries);
    SstTesting.MapBlockCache shared = new SstTesting.MapBlockCache();
    SstReader open =
        SstReader.open(
            "t", RangeReader.of(table), SstReaderOptions.defaults().withBlockCache(shared));
    SstTesting.CountingReader own = new SstTesting.CountingReader(table);
    SstReader other = open.withBlockSource(own, BlockCache.none());
    assertThat(own.tailReads.get() + own.reads.get()).as("no I/O to make it").isZero();
    assertThat(SstTesting.readAll(other, Long.MAX_VALUE)).isEqualTo(entries);
    assertThat(own.reads.get()).isEqualTo(open.index().count());
    assertThat(shared.blocks).as("the shared cache is bypassed").isEmpty();
    assertThat(other.rangeTombstones()).isSameAs(open.rangeTombstones());
  }

  @Test
  void aPointLookupReadsAtMostOneBlockAndNoneForFilteredKeys() {
    List<SstEntry> entries = entries(5000);
    byte[] table = SstTesting.build(SstOptions.defaults().withBloomMinKeys(0), entries);
    SstTesting.CountingReader reader = new SstTesting.CountingReader(table);
    SstReader sst = SstReader.open("t", reader);
    assertThat(sst.hasFilter()).isTrue();
    int before = reader.reads.get();
    assertThat(sst.get(key("key000020"), Long.MAX_VALUE))
        .contains(SstEntry.put(key("key000020"), 1010, key("v10")));
    assertThat(reader.reads.get() - before).isEqualTo(1);

    int blockReads = 0;
    int misses = 1000;
    for (int i = 0; i < misses; i++) {
      int r = reader.reads.get();
      assertThat(sst.get(key(String.format("key%06d", i * 2 + 1)), Long.MAX_VALUE)).isEmpty();
      blockReads += reader.reads.get() - r;
    }
    assertThat(blockReads).as("only filter false positives read a block").isLessThan(misses / 50);
    assertThat(sst.get(key("a"), Long.MAX_VALUE)).isEmpty();
    assertThat(sst.get(key("z"), Long.MAX_VALUE)).isEmpty();
    assertThat(sst.mayContain(key("z"))).isFalse();
  }

  @Test
  void theBlockCacheServesRepeatedReads() {
    byte[] table = SstTesting.build(SstOptions.defaults(), entries(2000));
    SstTesting.CountingReader reader = new SstTesting.CountingReader(table);
    SstTesting.MapBlockCache cache = new SstTesting.MapBlockCache();
    SstReader sst = SstReader.open("t", reader, SstReaderOptions.defaults().withBlockCache(cache));
    int before = reader.reads.get();
    for (int round = 0; round < 3; round++) {
      SstTesting.readAll(sst, Long.MAX_VALUE);
    }
    assertThat(cache.misses.get()).isEqualTo((int) sst.metadata().dataBlockCount());
    assertThat(reader.reads.get() - before).isEqualTo(cache.misses.get());
    assertThat(cache.blocks.values()).allSatisfy(b -> assertThat(b.weight()).isPositive());
  }

  @Test
  void aCacheReturningAnotherTablesBlockIsRejected() {
    byte[] table = SstTesting.build(SstOptions.defaults(), entries(100));
    SstReader other = SstTesting.open(table);
    DecodedBlock foreign = other.blocks().block(0);
    SstReader sst =
        SstReader.open(
            "another.sst",
            RangeReader.of(table),
            SstReaderOptions.defaults().withBlockCache((k, o, loader) -> foreign));
    assertThatThrownBy(() -> sst.get(key("key000000"), Long.MAX_VALUE))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void snapshotsHideNewerVersions() {
    List<SstEntry> versions =
        List.of(
            SstEntry.put(key("k"), 30, key("v30")),
            SstEntry.delete(key("k"), 20),
            SstEntry.put(key("k"), 10, key("v10")));
    SstReader sst = SstTesting.open(SstTesting.build(SstOptions.defaults(), versions));
    assertThat(sst.get(key("k"), Long.MAX_VALUE)).contains(versions.get(0));
    assertThat(sst.get(key("k"), 29)).contains(versions.get(1));
    assertThat(sst.get(key("k"), 19)).contains(versions.get(2));
    assertThat(sst.get(key("k"), 9)).isEmpty();
    assertThat(SstTesting.readAll(sst, 25)).containsExactly(versions.get(1), versions.get(2));
  }

  @Test
  void versionsSpanningBlocksAreFound() {
    List<SstEntry> versions = new ArrayList<>();
    versions.add(SstEntry.put(key("a"), 1, key("a")));
    for (int seq = 200; seq > 0; seq--) {
      versions.add(SstEntry.put(key("m"), seq, new byte[20]));
    }
    versions.add(SstEntry.put(key("z"), 1, key("z")));
    SstReader sst =
        SstTesting.open(SstTesting.build(SstOptions.defaults().withBlockSize(128), versions));
    assertThat(sst.metadata().dataBlockCount()).isGreaterThan(10);
    for (int seq = 1; seq <= 200; seq++) {
      assertThat(sst.get(key("m"), seq).orElseThrow().seq()).isEqualTo(seq);
    }
    SstIterator it = sst.iterator(5);
    it.seek(key("m"));
    assertThat(it.seq()).isEqualTo(5);
    it.next();
    assertThat(it.seq()).isEqualTo(4);
  }

  @Test
  void iteratorsHonourBoundsAndRefuseMisuse() {
    SstReader sst = SstTesting.open(SstTesting.build(SstOptions.defaults(), entries(100)));
    SstIterator it = sst.scan(key("key000010"), key("key000016"), Long.MAX_VALUE);
    List<String> keys = new ArrayList<>();
    for (; it.isValid(); it.next()) {
      keys.add(new String(it.key(), java.nio.charset.StandardCharsets.UTF_8));
      assertThat(it.keyLength()).isEqualTo(9);
    }
    assertThat(keys).containsExactly("key000010", "key000012", "key000012", "key000014");
    assertThatThrownBy(it::next).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(it::key).isInstanceOf(IllegalStateException.class);

    it.seek(key("a"));
    assertThat(it.key()).as("seek below the lower bound clamps").isEqualTo(key("key000010"));
    assertThat(it.compareKey(key("key000010"))).isZero();
    assertThat(it.value()).isEqualTo(key("v5"));
    assertThat(it.valueLength()).isEqualTo(2);
    assertThat(it.kind()).isEqualTo(EntryKind.PUT);
    assertThat(it.expireAtMillis()).isEqualTo(SstEntry.NO_EXPIRY);
    it.seek(key("key000013"));
    assertThat(it.key()).isEqualTo(key("key000014"));
    it.seek(key("key000015"));
    assertThat(it.isValid()).as("the upper bound is exclusive").isFalse();
    it.seek(key("zzz"));
    assertThat(it.isValid()).isFalse();

    SstIterator fresh = sst.iterator(Long.MAX_VALUE);
    assertThat(fresh.isValid()).as("iterators start unpositioned").isFalse();
    assertThatThrownBy(() -> fresh.seek(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> sst.iterator(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sst.get(key("k"), -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sst.get(null, 1)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> SstReader.open(null, RangeReader.of(new byte[0])))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void oneReaderServesManyThreads() throws Exception {
    List<SstEntry> entries = entries(3000);
    SstReader sst =
        SstReader.open(
            "t",
            RangeReader.of(SstTesting.build(SstOptions.defaults().withBloomMinKeys(0), entries)),
            SstReaderOptions.defaults().withBlockCache(new SstTesting.MapBlockCache()));
    TableModel model = new TableModel(entries);
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Boolean>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int offset = t;
        results.add(
            pool.submit(
                () -> {
                  for (int i = offset; i < entries.size(); i += 4) {
                    SstEntry e = entries.get(i);
                    if (!sst.get(e.key(), e.seq()).equals(model.get(e.key(), e.seq()))) {
                      return false;
                    }
                  }
                  return SstTesting.readAll(sst, Long.MAX_VALUE).equals(entries);
                }));
      }
      for (java.util.concurrent.Future<Boolean> r : results) {
        assertThat(r.get(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void describesItself() {
    byte[] table = SstTesting.build(SstOptions.defaults(), entries(10));
    SstReader sst = SstReader.open("db/x.sst", RangeReader.of(table));
    assertThat(sst.objectKey()).isEqualTo("db/x.sst");
    assertThat(sst.objectSize()).isEqualTo(table.length);
    assertThat(sst.formatVersion()).isEqualTo(2);
    assertThat(sst.metadata().entryCount()).isEqualTo(14);
    assertThat(sst.metadata().toString()).contains("entries=14");
  }
}
