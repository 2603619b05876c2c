package dev.shaledb.iterate;

import static dev.shaledb.Testing.b;

import dev.shaledb.KeyValue;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.RangeReader;
import dev.shaledb.sst.SstBuilder;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.sst.SstReader;
import dev.shaledb.view.Memtable;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/** Builders, models and probes shared by the tests of this package. */
public final class EntryTesting {
  /** Internal order: key ascending (unsigned), then seq descending. */
  public static final Comparator<SstEntry> ORDER =
      (a, b) -> {
        int c = Arrays.compareUnsigned(a.key(), b.key());
        return c != 0 ? c : Long.compare(b.seq(), a.seq());
      };

  public static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;

  private EntryTesting() {}

  public static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  /** A table of {@code entries} (any order) with small blocks, so tables span several blocks. */
  public static SstReader table(String name, List<SstEntry> entries) {
    List<SstEntry> sorted = new ArrayList<>(entries);
    sorted.sort(ORDER);
    try (SstBuilder builder = SstBuilder.inMemory(SstOptions.defaults().withBlockSize(256), name)) {
      for (SstEntry e : sorted) {
        builder.add(e.key(), e.seq(), e.kind(), e.value(), SstEntry.NO_EXPIRY);
      }
      builder.finish();
      ByteBuffer buffer = builder.bytes();
      byte[] bytes = new byte[buffer.remaining()];
      buffer.duplicate().get(bytes);
      return SstReader.open(name, RangeReader.of(bytes));
    }
  }

  public static Memtable memtable(List<SstEntry> entries) {
    Memtable m = new Memtable();
    for (SstEntry e : entries) {
      m.add(e.key(), e.seq(), e.kind(), e.value());
    }
    return m;
  }

  /** Every entry from the iterator's current position to its end. */
  public static List<SstEntry> drain(EntryIterator it) {
    List<SstEntry> out = new ArrayList<>();
    for (; it.isValid(); it.next()) {
      out.add(new SstEntry(it.key(), it.seq(), it.kind(), it.value(), SstEntry.NO_EXPIRY));
    }
    return out;
  }

  public static List<SstEntry> drainFromFirst(EntryIterator it) {
    it.seekToFirst();
    return drain(it);
  }

  public static List<KeyValue> drain(VisibleIterator it) {
    List<KeyValue> out = new ArrayList<>();
    while (it.hasNext()) {
      out.add(it.next());
    }
    return out;
  }

  /** The model: distinct versions in internal order with seq <= maxSeq. */
  public static List<SstEntry> versionsAt(List<SstEntry> sortedVersions, long maxSeq) {
    List<SstEntry> out = new ArrayList<>();
    for (SstEntry e : sortedVersions) {
      if (e.seq() <= maxSeq) {
        out.add(e);
      }
    }
    return out;
  }

  /** The model: what a user sees in [start, end) at maxSeq. */
  public static List<KeyValue> visibleAt(
      List<SstEntry> sortedVersions, byte[] start, byte[] end, long maxSeq) {
    TreeMap<byte[], SstEntry> newest = new TreeMap<>(UNSIGNED);
    for (SstEntry e : sortedVersions) {
      if (e.seq() <= maxSeq) {
        newest.putIfAbsent(e.key(), e);
      }
    }
    List<KeyValue> out = new ArrayList<>();
    for (SstEntry e : newest.values()) {
      boolean inRange =
          (start == null || Arrays.compareUnsigned(e.key(), start) >= 0)
              && (end == null || Arrays.compareUnsigned(e.key(), end) < 0);
      if (inRange && e.kind() == EntryKind.PUT) {
        out.add(new KeyValue(e.key(), e.value()));
      }
    }
    return out;
  }

  /** Wraps an iterator, counting seeks, moves and closes, and optionally failing on close. */
  public static final class Probe implements EntryIterator {
    final EntryIterator delegate;
    final RuntimeException closeFailure;
    Runnable onClose = () -> {};
    int seeks;
    int closes;
    int moves; // next() and prev() calls

    Probe(EntryIterator delegate) {
      this(delegate, null);
    }

    Probe(EntryIterator delegate, RuntimeException closeFailure) {
      this.delegate = delegate;
      this.closeFailure = closeFailure;
    }

    @Override
    public boolean isValid() {
      return delegate.isValid();
    }

    @Override
    public void next() {
      moves++;
      delegate.next();
    }

    @Override
    public void seekToFirst() {
      seeks++;
      delegate.seekToFirst();
    }

    @Override
    public void seek(byte[] target) {
      seeks++;
      delegate.seek(target);
    }

    @Override
    public void seekToLast() {
      seeks++;
      delegate.seekToLast();
    }

    @Override
    public void seekBefore(byte[] target) {
      seeks++;
      delegate.seekBefore(target);
    }

    @Override
    public void prev() {
      moves++;
      delegate.prev();
    }

    @Override
    public void skipOlder(long seq, byte[] target) {
      delegate.skipOlder(seq, target);
    }

    @Override
    public byte[] key() {
      return delegate.key();
    }

    @Override
    public long seq() {
      return delegate.seq();
    }

    @Override
    public EntryKind kind() {
      return delegate.kind();
    }

    @Override
    public byte[] value() {
      return delegate.value();
    }

    @Override
    public long expireAtMillis() {
      return delegate.expireAtMillis();
    }

    @Override
    public void close() {
      closes++;
      onClose.run();
      delegate.close();
      if (closeFailure != null) {
        throw closeFailure;
      }
    }
  }
}
