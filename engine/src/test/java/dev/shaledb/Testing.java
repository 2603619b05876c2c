package dev.shaledb;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayList;
import java.util.List;

/** Small helpers the engine's tests share. */
public final class Testing {
  private Testing() {}

  /** The UTF-8 bytes of {@code s}: keys and values written as text. */
  public static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  /** The keys {@code it} returns, as text; closes it. */
  public static List<String> keys(DbIterator it) {
    List<String> out = new ArrayList<>();
    try (it) {
      it.forEachRemaining(kv -> out.add(new String(kv.key(), UTF_8)));
    }
    return out;
  }
}
