package dev.shaledb.view;

import static dev.shaledb.Testing.b;
import static dev.shaledb.iterate.EntryTesting.ORDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.iterate.EntryIterator;
import dev.shaledb.iterate.EntryTesting;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.testing.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MemtableTest {
  private static final boolean LONG = Boolean.getBoolean("shaledb.long");

  @Test
  void ordersKeysByUnsignedBytesAroundTheEightBytePrefix() {
    byte[][] keys = {
      {1},
      {1, 0},
      {1, 0, 0, 0, 0, 0, 0, 0},
      {1, 0, 0, 0, 0, 0, 0, 0, 0},
      {1, 0, 0, 0, 0, 0, 0, 0, 1},
      {1, 2, 3, 4, 5, 6, 7, 8, 9},
      {1, 2, 3, 4, 5, 6, 7, 8, (byte) 0xFF},
      {1, 2, 3, 4, 5, 6, 7, 9},
      {(byte) 0x80},
      {
        (byte) 0xFF,
        (byte) 0xFF,
        (byte) 0xFF,
        (byte) 0xFF,
        (byte) 0xFF,
        (byte) 0xFF,
        (byte) 0xFF,
        (byte) 0xFF,
        0
      },
      {0x7F, (byte) 0xFF},
      {0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
    };
    List<byte[]> shuffled = new ArrayList<>(Arrays.asList(keys));
    java.util.Collections.shuffle(shuffled, new java.util.Random(7));
    Memtable memtable = new Memtable();
    long seq = 1;
    for (byte[] k : shuffled) {
      memtable.add(k, seq++, EntryKind.PUT, new byte[] {1});
    }
    List<byte[]> expected = new ArrayList<>(Arrays.asList(keys));
    expected.sort(Arrays::compareUnsigned);
    List<byte[]> actual = new ArrayList<>();
    try (EntryIterator it = memtable.iterator(Long.MAX_VALUE)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        actual.add(it.key());
      }
    }
    assertThat(actual).containsExactlyElementsOf(expected);
    for (byte[] k : keys) {
      assertThat(memtable.get(k, Long.MAX_VALUE)).isNotNull();
      assertThat(memtable.get(Arrays.copyOf(k, k.length + 1), Long.MAX_VALUE))
          .as("a key one zero byte longer is another key")
          .satisfiesAnyOf(
              e -> assertThat(e).isNull(),
              e -> assertThat(Arrays.asList(keys)).anyMatch(x -> Arrays.equals(x, e.key())));
    }
  }

  @Test
  void aMemtableFarPastItsFilterCapacityStillFindsEveryKeyAndNoOther() {
    Memtable memtable = new Memtable(1);
    int keys = 30_000;
    for (int i = 0; i < keys; i++) {
      memtable.add(b("k" + i), i + 1, EntryKind.PUT, b("v" + i));
    }
    for (int i = 0; i < keys; i++) {
      assertThat(memtable.get(b("k" + i), Long.MAX_VALUE).value()).isEqualTo(b("v" + i));
      assertThat(memtable.get(b("x" + i), Long.MAX_VALUE)).isNull();
    }
    assertThatThrownBy(() -> new Memtable(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void getReturnsTheNewestVersionAtOrBelowMaxSeq() {
    Memtable m = new Memtable();
    byte[] k = b("k");
    m.add(k, 9, EntryKind.PUT, b("v9"));
    m.add(k, 1, EntryKind.PUT, b("v1"));
    m.add(k, 7, EntryKind.DELETE, null);
    m.add(k, 5, EntryKind.PUT, b("v5"));
    m.add(b("j"), 3, EntryKind.PUT, b("j3"));

    assertThat(m.get(k, 0)).isNull();
    assertThat(m.get(k, 1)).isEqualTo(SstEntry.put(k, 1, b("v1")));
    assertThat(m.get(k, 4)).isEqualTo(SstEntry.put(k, 1, b("v1")));
    assertThat(m.get(k, 5)).isEqualTo(SstEntry.put(k, 5, b("v5")));
    assertThat(m.get(k, 7)).isEqualTo(SstEntry.delete(k, 7));
    assertThat(m.get(k, 8)).isEqualTo(SstEntry.delete(k, 7));
    assertThat(m.get(k, Long.MAX_VALUE)).isEqualTo(SstEntry.put(k, 9, b("v9")));
    assertThat(m.get(b("j"), 2)).isNull();
    assertThat(m.get(b("k\0"), Long.MAX_VALUE)).isNull();
    assertThat(m.get(b("a"), Long.MAX_VALUE)).isNull();
    assertThat(m.get(b("z"), Long.MAX_VALUE)).isNull();
  }

  @Test
  void tracksSizeCountAndMaxSeq() {
    Memtable m = new Memtable();
    assertThat(m.isEmpty()).isTrue();
    assertThat(m.maxSeq()).isZero();
    assertThat(m.approximateBytes()).isZero();

    m.add(b("abc"), 10, EntryKind.PUT, new byte[100]);
    m.add(b("abc"), 4, EntryKind.DELETE, null);
    m.add(b("x"), 7, EntryKind.PUT, new byte[0]);

    assertThat(m.isEmpty()).isFalse();
    assertThat(m.entryCount()).isEqualTo(3);
    assertThat(m.maxSeq()).isEqualTo(10);
    assertThat(m.approximateBytes()).isEqualTo(3 + 100 + 3 + 1 + 3 * Memtable.ENTRY_OVERHEAD_BYTES);
  }

  @Test
  void rejectsInvalidEntriesWithoutChangingState() {
    Memtable m = new Memtable();
    m.add(b("k"), 1, EntryKind.PUT, b("v"));

    assertThatThrownBy(() -> m.add(b("k"), 2, EntryKind.MERGE, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("MERGE");
    assertThatThrownBy(() -> m.add(b("k"), 2, EntryKind.DELETE, null, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expireAtMillis");
    assertThatThrownBy(() -> m.addRangeTombstone(b("z"), b("a"), 2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.add(b("k"), 2, EntryKind.PUT, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.add(b("k"), 2, EntryKind.DELETE, b("v")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.add(b("k"), -1, EntryKind.PUT, b("v")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.add(new byte[0], 2, EntryKind.PUT, b("v")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> m.add(null, 2, EntryKind.PUT, b("v")))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> m.add(b("k"), 1, EntryKind.DELETE, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("already");

    assertThat(m.entryCount()).isEqualTo(1);
    assertThat(m.maxSeq()).isEqualTo(1);
    assertThat(m.get(b("k"), 5)).isEqualTo(SstEntry.put(b("k"), 1, b("v")));
  }

  @Test
  void iteratorFiltersBySnapshotAndSeeksPastInvisibleVersions() {
    Memtable m = new Memtable();
    m.add(b("b"), 2, EntryKind.PUT, b("b2"));
    m.add(b("b"), 8, EntryKind.PUT, b("b8"));
    m.add(b("a"), 9, EntryKind.PUT, b("a9"));
    m.add(b("c"), 3, EntryKind.DELETE, null);
    m.add(b("c"), 1, EntryKind.PUT, b("c1"));

    EntryIterator it = m.iterator(5);
    assertThat(it.isValid()).as("unpositioned").isFalse();
    assertThat(EntryTesting.drainFromFirst(it))
        .containsExactly(
            SstEntry.put(b("b"), 2, b("b2")),
            SstEntry.delete(b("c"), 3),
            SstEntry.put(b("c"), 1, b("c1")));

    it.seek(b("b"));
    assertThat(it.seq()).isEqualTo(2);
    it.seek(b("bb"));
    assertThat(it.key()).isEqualTo(b("c"));
    it.seek(new byte[0]);
    assertThat(it.key()).isEqualTo(b("b"));
    it.seek(b("d"));
    assertThat(it.isValid()).isFalse();
    assertThatThrownBy(it::next).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(it::key).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void randomOperationsMatchTheModel() {
    Seeds.Gen g = Seeds.gen("MemtableTest.randomOperationsMatchTheModel");
    Memtable m = new Memtable();
    List<SstEntry> versions = new ArrayList<>();
    for (long seq = 1; seq <= 2000; seq++) {
      byte[] k = EntryTesting.bytes(g.intBetween(0, 255), g.intBetween(0, 3));
      SstEntry e = g.chance(0.3) ? SstEntry.delete(k, seq) : SstEntry.put(k, seq, g.bytes(4));
      m.add(e.key(), e.seq(), e.kind(), e.value());
      versions.add(e);
    }
    versions.sort(ORDER);
    for (int i = 0; i < 50; i++) {
      long maxSeq = g.intBetween(0, 2001);
      assertIteratesAsModel(g, m, versions, maxSeq);
      for (int j = 0; j < 20; j++) {
        byte[] k = EntryTesting.bytes(g.intBetween(0, 255), g.intBetween(0, 3));
        assertThat(m.get(k, maxSeq)).as(g + " get").isEqualTo(newest(versions, k, maxSeq));
      }
    }
  }

  /**
   * Values from empty to larger than a quarter of a chunk (an array of their own) fill many arena
   * chunks; every version still reads back as added, and the arrays a caller added or got are its
   * own.
   */
  @Test
  void versionsAcrossArenaChunksMatchTheModel() {
    Seeds.Gen g = Seeds.gen("MemtableTest.versionsAcrossArenaChunksMatchTheModel");
    Memtable m = new Memtable(16L * MemtableArena.MIN_CHUNK_BYTES);
    int quarter = MemtableArena.MIN_CHUNK_BYTES / 4;
    List<SstEntry> versions = new ArrayList<>();
    for (long seq = 1; seq <= 3000; seq++) {
      byte[] k = EntryTesting.bytes(g.intBetween(0, 255), g.intBetween(0, 20));
      int size = g.chance(0.02) ? g.intBetween(quarter - 8, 3 * quarter) : g.intBetween(0, 600);
      SstEntry e = g.chance(0.1) ? SstEntry.delete(k, seq) : SstEntry.put(k, seq, g.bytes(size));
      byte[] key = e.key().clone();
      byte[] value = e.value() == null ? null : e.value().clone();
      m.add(key, e.seq(), e.kind(), value);
      // The caller reuses its arrays: the memtable must have copied them.
      Arrays.fill(key, (byte) 0x5A);
      if (value != null) {
        Arrays.fill(value, (byte) 0x5A);
      }
      versions.add(e);
    }
    versions.sort(ORDER);
    for (int i = 0; i < 20; i++) {
      assertIteratesAsModel(g, m, versions, g.intBetween(0, 3001));
    }
    SstEntry any = versions.get(g.intBetween(0, versions.size() - 1));
    SstEntry got = m.get(any.key(), Long.MAX_VALUE);
    assertThat(got).isNotNull();
    if (got.value() != null && got.value().length > 0) {
      byte[] before = got.value().clone();
      got.value()[0]++;
      assertThat(m.get(any.key(), Long.MAX_VALUE).value())
          .as(g + " get hands out copies")
          .isEqualTo(before);
    }
  }

  /** The memtable's versions at {@code maxSeq} are the model's {@code versions} at it. */
  private static void assertIteratesAsModel(
      Seeds.Gen g, Memtable m, List<SstEntry> versions, long maxSeq) {
    assertThat(EntryTesting.drainFromFirst(m.iterator(maxSeq)))
        .as(g + " maxSeq " + maxSeq)
        .isEqualTo(EntryTesting.versionsAt(versions, maxSeq));
  }

  /**
   * Writers add versions above a published snapshot while readers iterate and look up at that
   * snapshot: the readers must see exactly the versions at or below it, every time.
   */
  @Test
  void readersAtASnapshotSeeExactlyItsVersionsWhileWritersAdd() throws Exception {
    Seeds.Gen gen =
        Seeds.gen("MemtableTest.readersAtASnapshotSeeExactlyItsVersionsWhileWritersAdd");
    int rounds = LONG ? 1000 : 100;
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      for (int round = 0; round < rounds; round++) {
        raceRound(gen, pool, gen + " round " + round);
      }
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private static void raceRound(Seeds.Gen gen, ExecutorService pool, String label)
      throws Exception {
    Memtable m = new Memtable();
    List<SstEntry> visible = new ArrayList<>();
    long snapshot = 300;
    for (long seq = 1; seq <= snapshot; seq++) {
      byte[] k = EntryTesting.bytes(gen.intBetween(0, 40));
      SstEntry e = gen.chance(0.2) ? SstEntry.delete(k, seq) : SstEntry.put(k, seq, b("v" + seq));
      m.add(e.key(), e.seq(), e.kind(), e.value());
      visible.add(e);
    }
    visible.sort(ORDER);
    AtomicLong nextSeq = new AtomicLong(snapshot + 1);
    AtomicBoolean writing = new AtomicBoolean(true);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> writers = new ArrayList<>();
    List<Future<?>> readers = new ArrayList<>();
    for (int w = 0; w < 2; w++) {
      SplittableRandom r = gen.random().split();
      writers.add(
          pool.submit(
              () -> {
                go.await();
                for (int i = 0; i < 1000; i++) {
                  // Newer versions of visible keys land right before their visible versions;
                  // two-byte keys land between visible keys.
                  byte[] k =
                      r.nextBoolean()
                          ? EntryTesting.bytes(r.nextInt(42))
                          : EntryTesting.bytes(r.nextInt(42), r.nextInt(3));
                  m.add(k, nextSeq.getAndIncrement(), EntryKind.PUT, b("new"));
                }
                return null;
              }));
    }
    for (int rd = 0; rd < 2; rd++) {
      SplittableRandom r = gen.random().split();
      readers.add(
          pool.submit(
              () -> {
                go.await();
                do {
                  assertThat(EntryTesting.drainFromFirst(m.iterator(snapshot)))
                      .as(label + " full scan")
                      .isEqualTo(visible);
                  byte[] k = EntryTesting.bytes(r.nextInt(42));
                  assertThat(m.get(k, snapshot))
                      .as(label + " get")
                      .isEqualTo(newest(visible, k, snapshot));
                  EntryIterator it = m.iterator(snapshot);
                  it.seek(k);
                  int from = firstAtOrAfter(visible, k);
                  assertThat(EntryTesting.drain(it))
                      .as(label + " seek")
                      .isEqualTo(visible.subList(from, visible.size()));
                } while (writing.get());
                return null;
              }));
    }
    go.countDown();
    for (Future<?> f : writers) {
      f.get(30, TimeUnit.SECONDS);
    }
    writing.set(false);
    for (Future<?> f : readers) {
      f.get(30, TimeUnit.SECONDS);
    }
    assertThat(m.entryCount()).isEqualTo(snapshot + 2000);
    assertThat(m.maxSeq()).isEqualTo(snapshot + 2000);
  }

  private static int firstAtOrAfter(List<SstEntry> sorted, byte[] k) {
    int i = 0;
    while (i < sorted.size() && Arrays.compareUnsigned(sorted.get(i).key(), k) < 0) {
      i++;
    }
    return i;
  }

  private static SstEntry newest(List<SstEntry> sorted, byte[] k, long maxSeq) {
    for (SstEntry e : sorted) {
      if (Arrays.equals(e.key(), k) && e.seq() <= maxSeq) {
        return e;
      }
    }
    return null;
  }
}
