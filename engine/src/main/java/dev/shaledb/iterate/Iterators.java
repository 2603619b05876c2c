package dev.shaledb.iterate;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.SstIterator;
import java.util.function.Consumer;

/** Factories for {@link EntryIterator}s over other sources. */
public final class Iterators {
  private static final EntryIterator EMPTY = new Empty();

  private Iterators() {}

  /**
   * An adapter over a table iterator, which already filters by its own {@code maxSeq}. The table
   * iterator copies keys and values; the adapter does so at most once per entry and only when
   * asked.
   */
  public static EntryIterator of(SstIterator it) {
    return of(it, e -> {});
  }

  /**
   * As {@link #of(SstIterator)}, handing every {@link CorruptObjectException} the table iterator
   * throws (a damaged block it loads) to {@code onCorrupt} before it propagates.
   */
  public static EntryIterator of(SstIterator it, Consumer<CorruptObjectException> onCorrupt) {
    return new SstAdapter(
        requireNonNull(it, "it is null"), requireNonNull(onCorrupt, "onCorrupt is null"));
  }

  /** An iterator with no entries; it is never valid. */
  public static EntryIterator empty() {
    return EMPTY;
  }

  private static final class SstAdapter implements EntryIterator {
    private final SstIterator it;
    private final Consumer<CorruptObjectException> onCorrupt;
    private byte[] key;
    private byte[] value;
    private boolean valueLoaded;

    SstAdapter(SstIterator it, Consumer<CorruptObjectException> onCorrupt) {
      this.it = it;
      this.onCorrupt = onCorrupt;
    }

    @Override
    public boolean isValid() {
      return it.isValid();
    }

    // Moving loads blocks, so that is where damage shows; accessors read a verified block.
    @Override
    public void next() {
      try {
        it.next();
      } catch (CorruptObjectException e) {
        throw reported(e);
      }
      moved();
    }

    @Override
    public void seekToFirst() {
      try {
        it.seekToFirst();
      } catch (CorruptObjectException e) {
        throw reported(e);
      }
      moved();
    }

    @Override
    public void prepareSeek(byte[] target) {
      it.prepareSeek(target); // damage in what it starts to read goes to the read-ahead's onDamage
    }

    @Override
    public void seek(byte[] target) {
      try {
        it.seek(target);
      } catch (CorruptObjectException e) {
        throw reported(e);
      }
      moved();
    }

    @Override
    public void seekToLast() {
      try {
        it.seekToLast();
      } catch (CorruptObjectException e) {
        throw reported(e);
      }
      moved();
    }

    @Override
    public void seekBefore(byte[] target) {
      try {
        it.seekBefore(target);
      } catch (CorruptObjectException e) {
        throw reported(e);
      }
      moved();
    }

    @Override
    public void prev() {
      try {
        it.prev();
      } catch (CorruptObjectException e) {
        throw reported(e);
      }
      moved();
    }

    private CorruptObjectException reported(CorruptObjectException e) {
      onCorrupt.accept(e);
      return e;
    }

    private void moved() {
      key = null;
      value = null;
      valueLoaded = false;
    }

    @Override
    public byte[] key() {
      if (key == null) {
        key = it.key();
      }
      return key;
    }

    @Override
    public long seq() {
      return it.seq();
    }

    @Override
    public EntryKind kind() {
      return it.kind();
    }

    @Override
    public long expireAtMillis() {
      return it.expireAtMillis();
    }

    @Override
    public void close() {
      it.close();
    }

    @Override
    public byte[] value() {
      if (!valueLoaded) {
        value = it.value();
        valueLoaded = true;
      }
      return value;
    }
  }

  private static final class Empty implements EntryIterator {
    @Override
    public boolean isValid() {
      return false;
    }

    @Override
    public void next() {
      throw notPositioned();
    }

    @Override
    public void seekToFirst() {}

    @Override
    public void seek(byte[] target) {
      requireNonNull(target, "target is null");
    }

    @Override
    public void seekToLast() {}

    @Override
    public void seekBefore(byte[] target) {
      requireNonNull(target, "target is null");
    }

    @Override
    public void prev() {
      throw notPositioned();
    }

    @Override
    public byte[] key() {
      throw notPositioned();
    }

    @Override
    public long seq() {
      throw notPositioned();
    }

    @Override
    public EntryKind kind() {
      throw notPositioned();
    }

    @Override
    public byte[] value() {
      throw notPositioned();
    }

    @Override
    public long expireAtMillis() {
      throw notPositioned();
    }

    private static IllegalStateException notPositioned() {
      return new IllegalStateException("iterator is not positioned on an entry");
    }
  }
}
