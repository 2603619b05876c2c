package dev.shaledb.sst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.testing.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Scans reading ahead ({@link ReadAhead}): they return exactly what block-by-block scans return,
 * read far fewer times, never past their range's last block, and every damaged block they fetch is
 * either reported or never decoded as data.
 */
class ReadAheadTest {
  private static final String KEY = "db/sst/01J.sst";

  /** Reads of the object's data (not its tail), as {@code [offset, length]}. */
  private static class RecordingReader implements RangeReader {
    final RangeReader delegate;
    final List<long[]> reads = new CopyOnWriteArrayList<>();

    RecordingReader(byte[] table) {
      this.delegate = RangeReader.of(table);
    }

    @Override
    public byte[] read(long offset, int length) {
      reads.add(new long[] {offset, length});
      return delegate.read(offset, length);
    }

    @Override
    public Tail readTail(int length) {
      return delegate.readTail(length);
    }
  }

  private static List<SstEntry> entries(int n) {
    List<SstEntry> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(SstEntry.put(SstTesting.key(String.format("key-%06d", i)), 10 + i, new byte[40]));
    }
    return out;
  }

  private static SstOptions options() {
    return new SstOptions(512, 16, 10, 0, Compression.none());
  }

  @Test
  void aColdFullScanReadsInGrowingWindowsAndReturnsEveryEntry() {
    List<SstEntry> entries = entries(5000);
    byte[] table = SstTesting.build(options(), entries);
    RecordingReader recording = new RecordingReader(table);
    SstReader reader = SstReader.open(KEY, recording);
    int blocks = reader.index().count();
    assertThat(blocks).as("blocks").isGreaterThan(400);
    List<SstEntry> seen =
        SstTesting.readAll(
            reader.scan(null, null, Long.MAX_VALUE, ReadAhead.upTo(1 << 20, e -> {})));
    assertThat(seen).isEqualTo(entries);
    // One block after the seek, then windows of 64 KiB, 256 KiB, 1 MiB: a few reads, not one a
    // block.
    assertThat(recording.reads).hasSizeLessThanOrEqualTo(5);
    assertThat(recording.reads.get(0)[1])
        .as("the seek reads one block")
        .isEqualTo(reader.index().length(0));
    long covered = recording.reads.stream().mapToLong(r -> r[1]).sum();
    assertThat(covered)
        .as("each byte once")
        .isEqualTo(reader.index().offset(blocks - 1) + reader.index().length(blocks - 1));
  }

  @Test
  void aScanThatStaysInItsFirstBlockReadsOnlyThatBlock() {
    byte[] table = SstTesting.build(options(), entries(5000));
    RecordingReader recording = new RecordingReader(table);
    SstReader reader = SstReader.open(KEY, recording);
    SstIterator it = reader.scan(null, null, Long.MAX_VALUE, ReadAhead.upTo(1 << 20, e -> {}));
    it.next();
    it.next();
    assertThat(recording.reads).hasSize(1);
  }

  @Test
  void windowsNeverPassTheBlockHoldingTheUpperBound() {
    List<SstEntry> entries = entries(5000);
    byte[] table = SstTesting.build(options(), entries);
    RecordingReader recording = new RecordingReader(table);
    SstReader reader = SstReader.open(KEY, recording);
    byte[] to = SstTesting.key("key-002000");
    List<SstEntry> seen =
        SstTesting.readAll(
            reader.scan(
                SstTesting.key("key-000100"),
                to,
                Long.MAX_VALUE,
                ReadAhead.upTo(8 << 20, e -> {})));
    assertThat(seen).isEqualTo(entries.subList(100, 2000));
    int last = reader.index().find(to);
    long end = reader.index().offset(last) + reader.index().length(last);
    assertThat(recording.reads).allSatisfy(r -> assertThat(r[0] + r[1]).isLessThanOrEqualTo(end));
  }

  @Test
  void aSeekStartsAgainWithOneBlock() {
    byte[] table = SstTesting.build(options(), entries(5000));
    RecordingReader recording = new RecordingReader(table);
    SstReader reader = SstReader.open(KEY, recording);
    SstIterator it = reader.iterator(Long.MAX_VALUE, null, ReadAhead.upTo(1 << 20, e -> {}));
    it.seek(SstTesting.key("key-000000"));
    for (int i = 0; i < 300; i++) {
      it.next();
    }
    int before = recording.reads.size();
    it.seek(SstTesting.key("key-004000"));
    assertThat(it.key()).isEqualTo(SstTesting.key("key-004000"));
    assertThat(recording.reads).hasSize(before + 1);
    long[] seekRead = recording.reads.get(before);
    assertThat(seekRead[1]).isEqualTo(reader.index().length(reader.index().find(it.key())));
  }

  /** Asynchronous reads held until released, so a test sees which were issued before a call. */
  private static final class HeldReader extends RecordingReader {
    final List<CompletableFuture<byte[]>> held = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> gates = new CopyOnWriteArrayList<>();

    HeldReader(byte[] table) {
      super(table);
    }

    @Override
    public CompletableFuture<byte[]> readAsync(long offset, int length) {
      CompletableFuture<Void> gate = new CompletableFuture<>();
      gates.add(gate);
      CompletableFuture<byte[]> read = gate.thenApply(ignored -> read(offset, length));
      held.add(read);
      return read;
    }

    void release() {
      gates.forEach(g -> g.complete(null));
    }
  }

  /**
   * A merge calls {@code prepareSeek} on every source before seeking any, so N tables' seeks wait
   * for one round of reads together: the reads are all issued before the first seek, and the seeks
   * read nothing more.
   */
  @Test
  void prepareSeekIssuesTheSeeksReadSoThatTheSeekWaitsForItInsteadOfReading() {
    List<SstEntry> entries = entries(5000);
    byte[] table = SstTesting.build(options(), entries);
    List<HeldReader> stores = new ArrayList<>();
    List<SstIterator> its = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      HeldReader held = new HeldReader(table);
      SstReader reader = SstReader.open(KEY, held);
      SstIterator it = reader.iterator(Long.MAX_VALUE, null, ReadAhead.upTo(1 << 20, e -> {}));
      stores.add(held);
      its.add(it);
    }
    byte[] target = SstTesting.key("key-003000");
    its.forEach(it -> it.prepareSeek(target));
    assertThat(stores).allSatisfy(s -> assertThat(s.held).hasSize(1));
    assertThat(stores).allSatisfy(s -> assertThat(s.held.get(0)).isNotDone());
    assertThat(stores).allSatisfy(s -> assertThat(s.reads).isEmpty());
    stores.forEach(HeldReader::release);
    for (int i = 0; i < its.size(); i++) {
      its.get(i).seek(target);
      assertThat(its.get(i).key()).isEqualTo(target);
      assertThat(stores.get(i).reads).as("the seek used the prepared read").hasSize(1);
      assertThat(stores.get(i).held).hasSize(1);
      SstReader reader = SstReader.open(KEY, RangeReader.of(table));
      assertThat(stores.get(i).reads.get(0)[0])
          .isEqualTo(reader.index().offset(reader.index().find(target)));
    }
    // A seek elsewhere than prepared reads its own block; a null target prepares the first block.
    SstIterator first = its.get(0);
    first.prepareSeek(null);
    stores.get(0).release();
    first.seek(SstTesting.key("key-000000"));
    assertThat(stores.get(0).reads).hasSize(2);
    assertThat(stores.get(0).reads.get(1)[0]).isZero();
    first.prepareSeek(target);
    stores.get(0).release();
    first.seek(SstTesting.key("key-001000"));
    assertThat(first.key()).isEqualTo(SstTesting.key("key-001000"));
    assertThat(stores.get(0).reads).as("prepared, then a different block read").hasSize(4);
    assertThat(stores.get(0).held).hasSize(3);
  }

  // Before (chaos bank seeds 50261231, 50262149): a compaction's merge prepared the seeks of all
  // its
  // tables with ReadAhead.NONE, whose onDamage tells nobody; when an earlier source failed, a later
  // one's damaged block was never waited for, so never reported.
  @Test
  void seed50261231_anIteratorWithoutReadAheadNeverReadsBeforeItIsAsked() {
    byte[] table = SstTesting.build(options(), entries(5000));
    HeldReader held = new HeldReader(table);
    SstIterator it = SstReader.open(KEY, held).iterator(Long.MAX_VALUE, null, ReadAhead.NONE);
    it.prepareSeek(SstTesting.key("key-003000"));
    assertThat(held.held).isEmpty();
    it.seek(SstTesting.key("key-003000"));
    assertThat(held.reads).hasSize(1);
  }

  /** Damage in a prepared block is told as it arrives, and the seek fails with it. */
  @Test
  void damageInAPreparedBlockIsToldAndFailsTheSeek() {
    List<SstEntry> entries = entries(5000);
    byte[] table = SstTesting.build(options(), entries);
    SstReader intact = SstReader.open(KEY, RangeReader.of(table));
    byte[] target = SstTesting.key("key-002500");
    int b = intact.index().find(target);
    long victim = intact.index().offset(b) + 7;
    byte[] damaged = table.clone();
    damaged[(int) victim] ^= 0x10;
    List<CorruptObjectException> told = new CopyOnWriteArrayList<>();
    SstIterator it =
        SstReader.open(KEY, RangeReader.of(damaged))
            .iterator(Long.MAX_VALUE, null, ReadAhead.upTo(1 << 20, told::add));
    it.prepareSeek(target);
    assertThat(told).hasSize(1);
    assertThatThrownBy(() -> it.seek(target)).isInstanceOf(CorruptObjectException.class);
  }

  /**
   * The window after the one being read is fetched ahead; a scan that stops before it never decodes
   * its blocks, so its first block is verified as it arrives and damage there is told.
   */
  @Test
  void damageInAWindowTheScanNeverReachesIsToldAsItArrives() {
    byte[] table = SstTesting.build(options(), entries(5000));
    RecordingReader probe = new RecordingReader(table);
    SstReader probing = SstReader.open(KEY, probe);
    SstIterator it = probing.scan(null, null, Long.MAX_VALUE, ReadAhead.upTo(1 << 20, e -> {}));
    while (it.isValid() && probe.reads.size() < 3) {
      it.next();
    }
    long aheadOffset = probe.reads.get(2)[0]; // the second window, fetched ahead of the first
    byte[] damaged = table.clone();
    damaged[(int) aheadOffset + 3] ^= 0x20;
    List<CorruptObjectException> told = new CopyOnWriteArrayList<>();
    SstReader reader = SstReader.open(KEY, RangeReader.of(damaged));
    SstIterator scan = reader.scan(null, null, Long.MAX_VALUE, ReadAhead.upTo(1 << 20, told::add));
    scan.next(); // still in block 0
    for (int i = 0; i < 20; i++) {
      scan.next(); // into block 1: the first window is read, the second fetched ahead
    }
    assertThat(told).singleElement().satisfies(e -> assertThat(e.offset()).isEqualTo(aheadOffset));
    // A scan that gets there fails with the same detection.
    assertThatThrownBy(
            () -> {
              while (scan.isValid()) {
                scan.next();
              }
            })
        .isSameAs(told.get(0));
  }

  @Test
  void damageInALaterBlockOfAWindowFailsTheScanThere() {
    List<SstEntry> entries = entries(5000);
    byte[] table = SstTesting.build(options(), entries);
    SstReader intact = SstReader.open(KEY, RangeReader.of(table));
    long victim = intact.index().offset(5);
    byte[] damaged = table.clone();
    damaged[(int) victim + 1] ^= 0x01;
    List<CorruptObjectException> told = new CopyOnWriteArrayList<>();
    SstIterator scan =
        SstReader.open(KEY, RangeReader.of(damaged))
            .scan(null, null, Long.MAX_VALUE, ReadAhead.upTo(1 << 20, told::add));
    List<SstEntry> seen = new ArrayList<>();
    assertThatThrownBy(
            () -> {
              for (; scan.isValid(); scan.next()) {
                seen.add(scan.entry());
              }
            })
        .isInstanceOfSatisfying(
            CorruptObjectException.class, e -> assertThat(e.offset()).isEqualTo(victim));
    assertThat(seen).isEqualTo(entries.subList(0, seen.size()));
    assertThat(told).as("block 5 is not a window's first").isEmpty();
  }

  /**
   * Chaos seed 20264966 deadlocked: a window's completion, on the store's thread, put its first
   * block in the block cache and waited there on a loader that was itself waiting for that store
   * thread. Completions must never touch the cache.
   */
  @Test
  void seed20264966_windowCompletionsNeverUseTheBlockCache() throws Exception {
    List<SstEntry> entries = entries(5000);
    byte[] table = SstTesting.build(options(), entries);
    java.util.concurrent.ExecutorService storeThread =
        java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "store"));
    try {
      RangeReader async =
          new RangeReader() {
            final RangeReader inMemory = RangeReader.of(table);

            @Override
            public byte[] read(long offset, int length) {
              return inMemory.read(offset, length);
            }

            @Override
            public java.util.concurrent.CompletableFuture<byte[]> readAsync(
                long offset, int length) {
              return java.util.concurrent.CompletableFuture.supplyAsync(
                  () -> inMemory.read(offset, length), storeThread);
            }

            @Override
            public Tail readTail(int length) {
              return inMemory.readTail(length);
            }
          };
      List<String> cacheThreads = new CopyOnWriteArrayList<>();
      SstTesting.MapBlockCache map = new SstTesting.MapBlockCache();
      BlockCache recording =
          (key, offset, loader) -> {
            cacheThreads.add(Thread.currentThread().getName());
            return map.get(key, offset, loader);
          };
      SstReader reader =
          SstReader.open(
              KEY, async, new SstReaderOptions(SstReaderOptions.DEFAULT_TAIL_READ_SIZE, recording));
      List<SstEntry> seen =
          SstTesting.readAll(
              reader.scan(null, null, Long.MAX_VALUE, ReadAhead.upTo(1 << 20, e -> {})));
      assertThat(seen).isEqualTo(entries);
      assertThat(cacheThreads).as("cache calls").isNotEmpty().doesNotContain("store");
      assertThat(map.blocks).as("every block cached").hasSize(reader.index().count());
    } finally {
      storeThread.shutdownNow();
    }
  }

  /**
   * A sequential read-ahead (a compaction's merge) reads from its seek in windows of its size: the
   * prepared seek starts the first, the seek reads nothing more, entering the first window starts
   * the two after it, and the windows cover the rest of the range once each.
   */
  @Test
  void aSequentialReadAheadStartsWindowsAtThePreparedSeekAndReadsOnInThem() {
    List<SstEntry> entries = entries(5000);
    byte[] table = SstTesting.build(options(), entries);
    RecordingReader recording = new RecordingReader(table);
    SstReader reader = SstReader.open(KEY, recording);
    int window = 16 << 10;
    byte[] from = SstTesting.key("key-001000");
    byte[] to = SstTesting.key("key-004000");
    SstIterator it =
        reader.iterator(Long.MAX_VALUE, from, to, ReadAhead.sequential(window, e -> {}));
    it.prepareSeek(null);
    assertThat(recording.reads).as("the first window, started by the prepare").hasSize(1);
    int first = reader.index().find(from);
    assertThat(recording.reads.get(0)[0]).isEqualTo(reader.index().offset(first));
    it.seekToFirst();
    assertThat(it.key()).isEqualTo(from);
    assertThat(recording.reads).as("the seek took the window; two more are ahead").hasSize(3);
    List<SstEntry> seen = new ArrayList<>();
    for (; it.isValid(); it.next()) {
      seen.add(it.entry());
    }
    assertThat(seen).isEqualTo(entries.subList(1000, 4000));
    int last = reader.index().find(to);
    long expected = reader.index().offset(first);
    for (long[] read : recording.reads) {
      assertThat(read[0]).as("contiguous, each byte once").isEqualTo(expected);
      assertThat(read[1]).isLessThanOrEqualTo(window);
      expected += read[1];
    }
    assertThat(expected).isEqualTo(reader.index().offset(last) + reader.index().length(last));
    assertThat(recording.reads.size()).isLessThan((last - first) / 4);
  }

  /**
   * Closing an iterator lets go of its windows, also those still in flight: their bytes are garbage
   * once they arrive, yet each still verifies its first block then, so damage a reply carried is
   * told even though nobody reads it.
   */
  @Test
  void closingLetsGoOfTheWindowsAndThoseInFlightStillTellDamage() {
    byte[] table = SstTesting.build(options(), entries(5000));
    int window = 16 << 10;
    RecordingReader probe = new RecordingReader(table);
    SstIterator probing =
        SstReader.open(KEY, probe)
            .iterator(Long.MAX_VALUE, null, ReadAhead.sequential(window, e -> {}));
    probing.prepareSeek(null);
    probing.seekToFirst();
    long thirdWindow = probe.reads.get(2)[0];
    byte[] damaged = table.clone();
    damaged[(int) thirdWindow + 5] ^= 0x40;
    List<CorruptObjectException> told = new CopyOnWriteArrayList<>();
    WeakReader weak = new WeakReader(damaged);
    SstIterator it =
        SstReader.open(KEY, weak)
            .iterator(Long.MAX_VALUE, null, ReadAhead.sequential(window, told::add));
    it.prepareSeek(null);
    weak.releaseFirst();
    it.seekToFirst();
    assertThat(weak.gates).as("the first window read, two in flight").hasSize(3);
    System.gc();
    assertThat(weak.arrived.get(0).get())
        .as("the window being read is held (this test sees what an iterator holds)")
        .isNotNull();
    it.close();
    assertThat(it.isValid()).isFalse();
    weak.release();
    assertThat(told)
        .as("damage in a window that arrived after the close")
        .singleElement()
        .satisfies(e -> assertThat(e.offset()).isEqualTo(thirdWindow));
    for (int i = 0; i < 10 && weak.arrived.stream().anyMatch(r -> r.get() != null); i++) {
      System.gc();
    }
    assertThat(weak.arrived).as("nothing read ahead is held").allMatch(r -> r.get() == null);
    java.lang.ref.Reference.reachabilityFence(it); // held by the iterator, it would not be garbage
  }

  /**
   * Reads held until released, remembering their replies only weakly: what an iterator lets go of
   * becomes garbage.
   */
  private static final class WeakReader implements RangeReader {
    final List<CompletableFuture<Void>> gates = new CopyOnWriteArrayList<>();
    final List<java.lang.ref.WeakReference<byte[]>> arrived = new CopyOnWriteArrayList<>();
    private final RangeReader delegate;

    WeakReader(byte[] table) {
      this.delegate = RangeReader.of(table);
    }

    @Override
    public byte[] read(long offset, int length) {
      return delegate.read(offset, length);
    }

    @Override
    public CompletableFuture<byte[]> readAsync(long offset, int length) {
      CompletableFuture<Void> gate = new CompletableFuture<>();
      gates.add(gate);
      return gate.thenApply(
          ignored -> {
            byte[] bytes = delegate.read(offset, length);
            arrived.add(new java.lang.ref.WeakReference<>(bytes));
            return bytes;
          });
    }

    @Override
    public Tail readTail(int length) {
      return delegate.readTail(length);
    }

    void releaseFirst() {
      gates.get(0).complete(null);
    }

    void release() {
      gates.forEach(g -> g.complete(null));
    }
  }

  @Test
  void randomTablesBoundsAndWindowsScanAsBlockByBlock() {
    Seeds.Gen gen = Seeds.gen("ReadAheadTest.randomTablesBoundsAndWindowsScanAsBlockByBlock");
    for (int c = 0; c < 150; c++) {
      List<SstEntry> entries = SstTesting.randomEntries(gen, gen.chance(0.2) ? 3000 : 300, false);
      SstOptions options = SstTesting.randomOptions(gen);
      byte[] table = SstTesting.build(options, entries);
      String where = gen + " case " + c + " " + options;
      TableModel model = new TableModel(entries);
      List<byte[]> keys = model.keys();
      byte[] from = gen.chance(0.3) ? null : keys.get(gen.intBetween(0, keys.size() - 1));
      byte[] to = gen.chance(0.3) ? null : keys.get(gen.intBetween(0, keys.size() - 1));
      long maxSeq = gen.chance(0.5) ? Long.MAX_VALUE : gen.intBetween(0, 1 << 20);
      int initial = gen.intBetween(0, 4096);
      boolean sequential = gen.chance(0.5);
      ReadAhead readAhead =
          sequential
              ? ReadAhead.sequential(gen.intBetween(1, 1 << 18), e -> {})
              : new ReadAhead(initial, initial + gen.intBetween(0, 1 << 18), e -> {});
      SstReader reader = SstReader.open(KEY, RangeReader.of(table));
      List<SstEntry> expected = SstTesting.readAll(reader.scan(from, to, maxSeq));
      assertThat(expected).as(where).isEqualTo(model.scan(from, to, maxSeq));
      assertThat(SstTesting.readAll(reader.scan(from, to, maxSeq, readAhead)))
          .as(where)
          .isEqualTo(expected);
      // Prepared as a merge prepares it, then sought to a random key in range.
      byte[] target = keys.get(gen.intBetween(0, keys.size() - 1));
      SstIterator prepared = reader.iterator(maxSeq, from, to, readAhead);
      prepared.prepareSeek(gen.chance(0.5) ? null : target);
      prepared.seek(target);
      List<SstEntry> fromTarget = SstTesting.readAll(reader.scan(target, to, maxSeq));
      if (from != null && Arrays.compareUnsigned(target, from) < 0) {
        fromTarget = expected;
      }
      assertThat(SstTesting.readAll(prepared)).as(where + " sought").isEqualTo(fromTarget);
    }
  }
}
