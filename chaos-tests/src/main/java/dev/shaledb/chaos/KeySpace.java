package dev.shaledb.chaos;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The keys of the oracle workload: key {@code i} is {@code k0000}-style text, so keys sort by
 * index; their UTF-8 bytes are what the database stores. An instance picks random keys of a
 * workload's {@code size} keys from the workload's generator, one draw per pick, as the workload
 * always drew them (a seed's history depends on the order and bounds of its draws).
 */
final class KeySpace {
  private final SplittableRandom random;
  private final int size;

  KeySpace(SplittableRandom random, int size) {
    this.random = random;
    this.size = size;
  }

  /** The key with index {@code i}. */
  static String key(int i) {
    return String.format("k%04d", i);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static List<byte[]> keyBytes(String[] keys) {
    List<byte[]> list = new ArrayList<>();
    for (String k : keys) {
      list.add(bytes(k));
    }
    return list;
  }

  /** How many keys the workload uses: indexes {@code [0, size)}. */
  int size() {
    return size;
  }

  /** A random index of {@code [0, size)}: one draw. */
  int randomIndex() {
    return random.nextInt(size);
  }

  /** The key of a {@link #randomIndex()}. */
  String randomKey() {
    return key(randomIndex());
  }
}
