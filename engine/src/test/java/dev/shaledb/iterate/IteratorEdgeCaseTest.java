package dev.shaledb.iterate;

import static dev.shaledb.Testing.b;
import static dev.shaledb.iterate.EntryTesting.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.KeyValue;
import dev.shaledb.error.DbClosedException;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstReader;
import dev.shaledb.view.Memtable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class IteratorEdgeCaseTest {

  @Test
  void mergeOfNoOrEmptyChildrenIsEmpty() {
    try (MergingIterator none = new MergingIterator(List.of())) {
      none.seekToFirst();
      assertThat(none.isValid()).isFalse();
      none.seek(b("a"));
      assertThat(none.isValid()).isFalse();
      assertThatThrownBy(none::next).isInstanceOf(IllegalStateException.class);
    }
    MergingIterator empties =
        new MergingIterator(
            List.of(Iterators.empty(), new Memtable().iterator(Long.MAX_VALUE), Iterators.empty()));
    try (VisibleIterator it = new VisibleIterator(empties, null, null, Long.MAX_VALUE)) {
      assertThat(it.hasNext()).isFalse();
      assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }
  }

  @Test
  void emptyIteratorRejectsAccessors() {
    EntryIterator it = Iterators.empty();
    it.seekToFirst();
    assertThat(it.isValid()).isFalse();
    assertThatThrownBy(it::key).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(it::value).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(it::next).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void deletedKeysAreSkippedAndAnAllDeletedRangeIsEmpty() {
    Memtable newer = new Memtable();
    newer.add(b("b"), 10, EntryKind.DELETE, null);
    newer.add(b("c"), 11, EntryKind.DELETE, null);
    newer.add(b("d"), 12, EntryKind.PUT, b("d12"));
    SstReader older =
        EntryTesting.table(
            "old",
            List.of(
                SstEntry.put(b("a"), 1, b("a1")),
                SstEntry.put(b("b"), 2, b("b2")),
                SstEntry.put(b("c"), 3, b("c3")),
                SstEntry.delete(b("d"), 4)));

    assertThat(scan(newer, older, null, null, Long.MAX_VALUE))
        .containsExactly(kv("a", "a1"), kv("d", "d12"));
    assertThat(scan(newer, older, b("b"), b("d"), Long.MAX_VALUE)).isEmpty();
    // At a snapshot before the deletes, the old values are back.
    assertThat(scan(newer, older, b("b"), b("d"), 9)).containsExactly(kv("b", "b2"), kv("c", "c3"));
    assertThat(scan(newer, older, null, null, 4))
        .containsExactly(kv("a", "a1"), kv("b", "b2"), kv("c", "c3"));
    assertThat(scan(newer, older, null, null, 0)).isEmpty();
  }

  @Test
  void startAtOrAfterEndIsEmptyWithoutTouchingTheSource() {
    Memtable m = new Memtable();
    m.add(b("b"), 1, EntryKind.PUT, b("b1"));
    for (byte[][] bounds :
        new byte[][][] {{b("b"), b("b")}, {b("c"), b("a")}, {b("b"), new byte[0]}}) {
      EntryTesting.Probe source = new EntryTesting.Probe(m.iterator(10));
      try (VisibleIterator it = new VisibleIterator(source, bounds[0], bounds[1], 10)) {
        assertThat(it.hasNext()).isFalse();
      }
      assertThat(source.seeks).isZero();
      assertThat(source.closes).isOne();
    }
  }

  @Test
  void keysWithHighBytesSortUnsigned() {
    Memtable m = new Memtable();
    m.add(bytes(0xFF), 1, EntryKind.PUT, b("ff"));
    m.add(bytes(0x00), 2, EntryKind.PUT, b("00"));
    m.add(bytes(0xFF, 0xFF), 3, EntryKind.PUT, b("ffff"));
    SstReader table =
        EntryTesting.table(
            "high",
            List.of(
                SstEntry.put(bytes(0x7F), 4, b("7f")),
                SstEntry.put(bytes(0x80), 5, b("80")),
                SstEntry.put(bytes(0xFF, 0x00), 6, b("ff00")),
                SstEntry.put(bytes(0xFF), 0, b("ff-old"))));

    assertThat(values(scan(m, table, null, null, Long.MAX_VALUE)))
        .containsExactly("00", "7f", "80", "ff", "ff00", "ffff");
    assertThat(values(scan(m, table, bytes(0x80), bytes(0xFF)))).containsExactly("80");
    assertThat(values(scan(m, table, bytes(0xFF), null))).containsExactly("ff", "ff00", "ffff");
    assertThat(values(scan(m, table, bytes(0xFF, 0x00), bytes(0xFF, 0xFF))))
        .containsExactly("ff00");
    assertThat(values(scan(m, table, bytes(0xFF, 0xFF, 0x00), null))).isEmpty();
  }

  @Test
  void aVersionInSeveralChildrenIsReturnedOnceFromTheEarliest() {
    Memtable first = new Memtable();
    Memtable second = new Memtable();
    Memtable third = new Memtable();
    first.add(b("k"), 5, EntryKind.PUT, b("first"));
    second.add(b("k"), 5, EntryKind.PUT, b("second"));
    third.add(b("k"), 5, EntryKind.PUT, b("third"));
    third.add(b("k"), 4, EntryKind.PUT, b("older"));
    second.add(b("l"), 6, EntryKind.PUT, b("l"));

    try (MergingIterator it =
        new MergingIterator(List.of(third.iterator(10), first.iterator(10), second.iterator(10)))) {
      // Children are newest first, so the first listed copy (third's) wins.
      assertThat(EntryTesting.drainFromFirst(it))
          .containsExactly(
              SstEntry.put(b("k"), 5, b("third")),
              SstEntry.put(b("k"), 4, b("older")),
              SstEntry.put(b("l"), 6, b("l")));
    }
    try (MergingIterator it =
        new MergingIterator(List.of(second.iterator(10), first.iterator(10)))) {
      it.seek(b("k"));
      assertThat(it.value()).isEqualTo(b("second"));
      it.next();
      assertThat(it.key()).isEqualTo(b("l"));
    }
  }

  @Test
  void visibleIteratorReturnsCopiesAndRejectsUseAfterClose() {
    Memtable m = new Memtable();
    m.add(b("a"), 1, EntryKind.PUT, b("v"));
    m.add(b("b"), 2, EntryKind.PUT, b("w"));
    EntryTesting.Probe source = new EntryTesting.Probe(m.iterator(5));
    VisibleIterator it = new VisibleIterator(source, null, null, 5);
    assertThat(source.seeks).as("seeks lazily").isZero();

    KeyValue first = it.next();
    first.key()[0] = 'z';
    first.value()[0] = 'z';
    assertThat(m.get(b("a"), 5).value()).isEqualTo(b("v"));

    it.close();
    it.close();
    assertThat(source.closes).isOne();
    assertThatThrownBy(it::hasNext)
        .isInstanceOf(DbClosedException.class)
        .hasMessage("iterator is closed");
    assertThatThrownBy(it::next).isInstanceOf(DbClosedException.class);
  }

  @Test
  void mergeClosesEveryChildEvenWhenOneFails() {
    IllegalStateException boom = new IllegalStateException("boom");
    IllegalStateException bang = new IllegalStateException("bang");
    EntryTesting.Probe a = new EntryTesting.Probe(Iterators.empty(), boom);
    EntryTesting.Probe b = new EntryTesting.Probe(Iterators.empty());
    EntryTesting.Probe c = new EntryTesting.Probe(Iterators.empty(), bang);
    MergingIterator it = new MergingIterator(List.of(a, b, c));

    assertThatThrownBy(it::close).isSameAs(boom);
    assertThat(boom.getSuppressed()).containsExactly(bang);
    it.close();
    assertThat(List.of(a.closes, b.closes, c.closes)).containsExactly(1, 1, 1);
  }

  @Test
  void sortedRunOpensOneTableAtATimeAndSkipsEmptyOnes() {
    List<TableInfo> infos = new ArrayList<>();
    List<SstReader> readers = new ArrayList<>();
    addTable(infos, readers, SstEntry.put(b("a"), 1, b("a1")), SstEntry.put(b("c"), 2, b("c2")));
    // Only versions above the snapshot: the run must move past it.
    addTable(infos, readers, SstEntry.put(b("d"), 50, b("d50")));
    addTable(infos, readers, SstEntry.put(b("f"), 3, b("f3")), SstEntry.delete(b("g"), 4));
    List<String> opened = new ArrayList<>();
    List<EntryTesting.Probe> probes = new ArrayList<>();
    SortedRunIterator run =
        new SortedRunIterator(
            infos,
            info -> {
              opened.add(info.id());
              int i = Integer.parseInt(info.id().substring(1));
              EntryTesting.Probe p =
                  new EntryTesting.Probe(Iterators.of(readers.get(i).iterator(10)));
              probes.add(p);
              return p;
            });
    assertThat(opened).as("lazy").isEmpty();

    run.seek(b("e"));
    assertThat(opened).containsExactly("t2");
    assertThat(run.key()).isEqualTo(b("f"));

    run.seek(b("b"));
    assertThat(run.key()).isEqualTo(b("c"));
    run.next();
    assertThat(run.key()).isEqualTo(b("f"));
    assertThat(opened).containsExactly("t2", "t0", "t1", "t2");
    assertThat(probes.subList(0, 3)).allSatisfy(p -> assertThat(p.closes).isOne());

    run.seek(b("f\0"));
    assertThat(run.key()).isEqualTo(b("g"));
    assertThat(opened).as("reuses the open table").hasSize(4);
    run.next();
    assertThat(run.isValid()).isFalse();

    run.seek(b("h"));
    assertThat(run.isValid()).isFalse();
    assertThat(probes.get(3).closes).isOne();
    run.seekToFirst();
    assertThat(run.key()).isEqualTo(b("a"));
    run.close();
    run.close();
    assertThat(probes).allSatisfy(p -> assertThat(p.closes).isOne());
  }

  @Test
  void sortedRunRejectsOverlappingTables() {
    List<TableInfo> infos = new ArrayList<>();
    List<SstReader> readers = new ArrayList<>();
    addTable(infos, readers, SstEntry.put(b("a"), 1, b("v")), SstEntry.put(b("d"), 1, b("v")));
    addTable(infos, readers, SstEntry.put(b("c"), 2, b("v")));
    assertThatThrownBy(() -> new SortedRunIterator(infos, info -> Iterators.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overlap");
    assertThatThrownBy(
            () ->
                new SortedRunIterator(
                    List.of(infos.get(1), infos.get(0)), info -> Iterators.empty()))
        .isInstanceOf(IllegalArgumentException.class);
    try (SortedRunIterator empty = new SortedRunIterator(List.of(), info -> Iterators.empty())) {
      empty.seekToFirst();
      assertThat(empty.isValid()).isFalse();
      empty.seek(b("a"));
      assertThat(empty.isValid()).isFalse();
    }
  }

  @Test
  void aBoundedRunNeverOpensTablesBeyondItsRange() {
    List<TableInfo> infos = new ArrayList<>();
    List<SstReader> readers = new ArrayList<>();
    for (int t = 0; t < 10; t++) {
      addTable(
          infos,
          readers,
          SstEntry.put(b("k" + t + "0"), 1, b("v")),
          SstEntry.put(b("k" + t + "9"), 2, b("v")));
    }
    byte[][] smallest = infos.stream().map(TableInfo::smallestKey).toArray(byte[][]::new);
    byte[][] largest = infos.stream().map(TableInfo::largestKey).toArray(byte[][]::new);
    List<String> opened = new ArrayList<>();
    byte[] start = b("k7");
    byte[] end = b("k2");
    // Table iterators that end at the range's end, as a scan's do: every table after the first
    // yields nothing, and walking on through them would open each one.
    java.util.function.Function<TableInfo, EntryIterator> opener =
        info -> {
          opened.add(info.id());
          SstReader r = readers.get(Integer.parseInt(info.id().substring(1)));
          return Iterators.of(r.iterator(10, null, end, dev.shaledb.sst.ReadAhead.NONE));
        };
    try (SortedRunIterator run =
        new SortedRunIterator(infos, smallest, largest, null, end, opener)) {
      run.seek(b("k1"));
      assertThat(EntryTesting.drain(run)).hasSize(2);
      assertThat(opened).containsExactly("t1");
      opened.clear();
      run.seek(b("k5"));
      assertThat(run.isValid()).isFalse();
      assertThat(opened).as("a seek past the end").isEmpty();
    }
    java.util.function.Function<TableInfo, EntryIterator> unbounded =
        info -> {
          opened.add(info.id());
          return Iterators.of(readers.get(Integer.parseInt(info.id().substring(1))).iterator(10));
        };
    try (SortedRunIterator run =
        new SortedRunIterator(infos, smallest, largest, start, null, unbounded)) {
      opened.clear();
      run.seekBefore(b("k8"));
      int n = 0;
      for (; run.isValid(); run.prev()) {
        n++;
      }
      assertThat(n).as("versions of tables 7 and 6... down to the start").isEqualTo(2);
      assertThat(opened).containsExactly("t7");
    }
  }

  private static void addTable(
      List<TableInfo> infos, List<SstReader> readers, SstEntry... entries) {
    String id = "t" + infos.size();
    SstReader reader = EntryTesting.table(id, List.of(entries));
    readers.add(reader);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (SstEntry e : entries) {
      min = Math.min(min, e.seq());
      max = Math.max(max, e.seq());
    }
    infos.add(
        new TableInfo(
            id,
            reader.objectSize(),
            entries[0].key(),
            entries[entries.length - 1].key(),
            min,
            max,
            0));
  }

  private static List<KeyValue> scan(Memtable m, SstReader table, byte[] start, byte[] end) {
    return scan(m, table, start, end, Long.MAX_VALUE);
  }

  private static List<KeyValue> scan(
      Memtable m, SstReader table, byte[] start, byte[] end, long maxSeq) {
    MergingIterator source =
        new MergingIterator(List.of(m.iterator(maxSeq), Iterators.of(table.iterator(maxSeq))));
    try (VisibleIterator it = new VisibleIterator(source, start, end, maxSeq)) {
      return EntryTesting.drain(it);
    }
  }

  private static List<String> values(List<KeyValue> kvs) {
    List<String> out = new ArrayList<>();
    for (KeyValue kv : kvs) {
      out.add(new String(kv.value(), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static KeyValue kv(String k, String v) {
    return new KeyValue(b(k), b(v));
  }
}
