package dev.shaledb.bench.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Keys, values and scratch directories of the db_bench workloads. Keys are db_bench's: the key
 * number big-endian in 8 bytes, padded with {@code '0'} to the key size, so numeric and byte order
 * agree and fillseq writes in key order. Values are random bytes (incompressible; both engines run
 * without compression).
 */
public final class BenchData {
  /** Distinct values cycled through by the writers; more than fit in a CPU cache. */
  private static final int VALUE_POOL = 4096;

  private BenchData() {}

  /** Parses a {@code "keyBytes/valueBytes"} parameter such as {@code "16/100"}. */
  public static int[] sizes(String keyValue) {
    String[] parts = keyValue.split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("expected keyBytes/valueBytes, not '" + keyValue + "'");
    }
    int key = Integer.parseInt(parts[0]);
    int value = Integer.parseInt(parts[1]);
    if (key < 8 || value < 0) {
      throw new IllegalArgumentException("keys need at least 8 bytes: '" + keyValue + "'");
    }
    return new int[] {key, value};
  }

  /** A fresh key buffer of {@code size} bytes for {@link #setKey}. */
  public static byte[] newKey(int size) {
    byte[] key = new byte[size];
    java.util.Arrays.fill(key, (byte) '0');
    return key;
  }

  /** Writes key number {@code n} into {@code key} (made by {@link #newKey}). */
  public static byte[] setKey(byte[] key, long n) {
    for (int i = 7; i >= 0; i--) {
      key[i] = (byte) n;
      n >>>= 8;
    }
    return key;
  }

  /** A pool of random values of {@code size} bytes; take them round robin. */
  public static byte[][] values(int size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[][] values = new byte[VALUE_POOL][size];
    for (byte[] value : values) {
      random.nextBytes(value);
    }
    return values;
  }

  public static byte[] value(byte[][] pool, long n) {
    return pool[(int) (n & (VALUE_POOL - 1))];
  }

  /** Writes keys {@code 0..num-1} in order and makes them durable. */
  public static void fillSeq(KvEngine kv, long num, int keySize, byte[][] values) {
    byte[] key = newKey(keySize);
    for (long i = 0; i < num; i++) {
      kv.put(setKey(key, i), value(values, i));
    }
    kv.flush();
  }

  public static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void deleteTree(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
