package dev.shaledb.view;

/**
 * Where a {@link Memtable} keeps its keys and values: appended into large chunks rather than one
 * array per key and per value.
 *
 * <p>Why: a memtable's entries live for seconds, through several young collections, and a
 * generational collector copies every live young object at each of them. One array per value made
 * that copying the largest CPU cost of a sustained ingest after the skip-list insert itself
 * (docs/benchmarks.md, issue 21 profile). Chunks are few and large (with G1, as large as half a
 * region or more they are allocated outside the young generation and never copied), so the
 * collector moves only the small nodes.
 *
 * <p>Invariants: bytes once written into a chunk never change and are never reused while the
 * memtable is reachable; a record larger than a quarter of a chunk gets an array of its own, so a
 * chunk wastes at most a quarter of itself at its end. Thread-safe: {@link #copy} serializes on the
 * arena, the only shared state.
 */
final class MemtableArena {
  /** The largest chunk (4 MiB): large enough to be humongous for G1 on heaps up to 16 GiB. */
  static final int MAX_CHUNK_BYTES = 4 << 20;

  /** The smallest chunk (64 KiB), for small memtables. */
  static final int MIN_CHUNK_BYTES = 64 << 10;

  private final int chunkBytes;
  private byte[] chunk; // guarded by this
  private int used; // guarded by this

  /** An arena for a memtable of about {@code capacityBytes}: chunks of a sixteenth of it. */
  MemtableArena(long capacityBytes) {
    this.chunkBytes =
        (int) Math.max(MIN_CHUNK_BYTES, Math.min(MAX_CHUNK_BYTES, capacityBytes / 16));
    this.chunk = new byte[0];
  }

  /** The bytes of one chunk. */
  int chunkBytes() {
    return chunkBytes;
  }

  /**
   * Copies {@code key} and then {@code value} (null: none) next to each other into the arena and
   * returns where: the array, and the key's offset in it via {@code offsetOut[0]}.
   */
  byte[] copy(byte[] key, byte[] value, int[] offsetOut) {
    int size = key.length + (value == null ? 0 : value.length);
    byte[] target;
    int offset;
    if (size > chunkBytes / 4) {
      target = new byte[size];
      offset = 0;
    } else {
      synchronized (this) {
        if (chunk.length - used < size) {
          chunk = new byte[chunkBytes];
          used = 0;
        }
        target = chunk;
        offset = used;
        used += size;
      }
    }
    System.arraycopy(key, 0, target, offset, key.length);
    if (value != null) {
      System.arraycopy(value, 0, target, offset + key.length, value.length);
    }
    offsetOut[0] = offset;
    return target;
  }
}
