package dev.shaledb.chaos;

import static dev.shaledb.chaos.KeySpace.bytes;
import static dev.shaledb.chaos.KeySpace.key;

import dev.shaledb.DbIterator;
import dev.shaledb.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * How a checked scan of the oracle workload reads its range {@code [key(from), key(to))}: forward
 * or in reverse, from its bound or after a seek, seekToFirst or seekToLast. Each shape says which
 * keys its read vouches for, so the caller checks them against the {@link ExpectedState} exactly as
 * a forward scan's: every key of the vouched range either seen with its value or absent.
 *
 * <p>Shapes are drawn from a generator of their own, so adding them changed no other draw of a
 * seed's history.
 */
final class ScanShapes {
  /** The shapes; {@link #FORWARD} is the scan the workload always ran. */
  enum Shape {
    FORWARD,
    REVERSE,
    /** Forward: read a little, seek (often backwards, sometimes between keys), read to the end. */
    FORWARD_SEEK,
    /** Reverse: read a little, seek, read to the end (downwards). */
    REVERSE_SEEK,
    /** Forward after seekToLast: the largest visible key, then nothing. */
    FORWARD_LAST,
    /** Reverse after seekToFirst: the smallest visible key, then nothing. */
    REVERSE_FIRST
  }

  /**
   * What a scan read: it vouches for {@code [from, to)} with {@code seen}, and for each key of
   * {@code early} (read before a seek) with its value; {@code problem} is non-null if the keys came
   * out of their order or outside what the seek allowed.
   */
  record Read(
      Shape shape,
      int from,
      int to,
      Map<String, byte[]> seen,
      Map<String, byte[]> early,
      String problem) {}

  private final SplittableRandom shapes;

  ScanShapes(long seed) {
    this.shapes = new SplittableRandom(seed);
  }

  Shape next() {
    Shape[] all = Shape.values();
    // Half the scans stay plain forward ones.
    return shapes.nextBoolean() ? Shape.FORWARD : all[shapes.nextInt(all.length)];
  }

  /** Whether a held iterator runs in reverse. */
  boolean reverse() {
    return shapes.nextBoolean();
  }

  /**
   * Reads {@code [key(from), key(to))} in {@code shape} with the scans {@code forward} and {@code
   * reverse} open (start inclusive, end exclusive).
   */
  Read read(
      Shape shape,
      int from,
      int to,
      BiFunction<byte[], byte[], DbIterator> forward,
      BiFunction<byte[], byte[], DbIterator> reverse) {
    boolean backwards =
        shape == Shape.REVERSE || shape == Shape.REVERSE_SEEK || shape == Shape.REVERSE_FIRST;
    byte[] start = bytes(key(from));
    byte[] end = bytes(key(to));
    Map<String, byte[]> early = new LinkedHashMap<>();
    Map<String, byte[]> seen = new LinkedHashMap<>();
    int lo = from;
    int hi = to;
    try (DbIterator it = backwards ? reverse.apply(start, end) : forward.apply(start, end)) {
      switch (shape) {
        case FORWARD, REVERSE -> {}
        case FORWARD_SEEK, REVERSE_SEEK -> {
          String order = drain(it, early, 1 + shapes.nextInt(2), backwards);
          if (order != null) {
            return new Read(shape, from, to, seen, early, order);
          }
          // Anywhere in or just outside the range, at a key or between two.
          int at = Math.max(from - 1 + shapes.nextInt(to - from + 2), 0);
          boolean between = shapes.nextBoolean();
          String target = key(at) + (between ? "5" : "");
          it.seek(bytes(target));
          if (!backwards) {
            lo = Math.min(Math.max(at + (between ? 1 : 0), from), to); // first key >= target
          } else {
            hi = Math.max(Math.min(at + 1, to), from); // last key <= target
          }
        }
        case FORWARD_LAST -> it.seekToLast();
        case REVERSE_FIRST -> it.seekToFirst();
      }
      String order = drain(it, seen, Integer.MAX_VALUE, backwards);
      if (shape == Shape.FORWARD_LAST || shape == Shape.REVERSE_FIRST) {
        if (seen.size() > 1) {
          order = "more than one key after " + shape + ": " + seen.keySet();
        } else if (seen.size() == 1) {
          int k = index(seen.keySet().iterator().next());
          // Nothing visible beyond the one key, toward the bound it was sought from.
          if (shape == Shape.FORWARD_LAST) {
            lo = Math.max(Math.min(k, to), from);
          } else {
            hi = Math.min(Math.max(k + 1, from), to);
          }
        }
      }
      if (order == null) {
        order = outside(seen, lo, hi);
      }
      return new Read(shape, lo, hi, seen, early, order);
    }
  }

  /** Reads up to {@code n} entries into {@code into}; a message if they came out of order. */
  private static String drain(DbIterator it, Map<String, byte[]> into, int n, boolean backwards) {
    String last = null;
    for (int i = 0; i < n && it.hasNext(); i++) {
      KeyValue kv = it.next();
      String k = new String(kv.key(), StandardCharsets.UTF_8);
      if (last != null && (backwards ? k.compareTo(last) >= 0 : k.compareTo(last) <= 0)) {
        return (backwards ? "reverse" : "forward") + " scan returned " + k + " after " + last;
      }
      into.put(k, kv.value());
      last = k;
    }
    return null;
  }

  /** A message if a key after a seek lies outside {@code [lo, hi)}, else null. */
  private static String outside(Map<String, byte[]> seen, int lo, int hi) {
    for (String k : seen.keySet()) {
      if (k.compareTo(key(lo)) < 0 || k.compareTo(key(hi)) >= 0) {
        return "scan returned " + k + " outside [" + key(lo) + ", " + key(hi) + ") after a seek";
      }
    }
    return null;
  }

  /** The index of a workload key {@code k%04d}, or -1 for a key of another shape. */
  private static int index(String key) {
    try {
      return Integer.parseInt(key.substring(1));
    } catch (NumberFormatException | IndexOutOfBoundsException e) {
      return -1;
    }
  }
}
