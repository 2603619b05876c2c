package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * Values that say who wrote them: {@code <writer>:<counter>:<key>:<padding length>:<crc32>}
 * followed by that many {@code '.'} bytes. The pair (writer, counter) is unique within a run, so a
 * value read back names exactly one write; the key and the checksum make damaged or misplaced bytes
 * ({@link #decode} returns null) distinguishable from a value that was really written.
 */
public final class UniqueValues {
  private UniqueValues() {}

  /** A decoded value: the write's identity and the key it was written under. */
  public record Token(int writer, long counter, String key) {
    public Token {
      requireNonNull(key, "key is null");
    }

    /** The identity of the write, as the oracle indexes it. */
    public String id() {
      return writer + ":" + counter;
    }
  }

  /** The value of write {@code (writer, counter)} under {@code key}, padded by {@code padding}. */
  public static byte[] encode(int writer, long counter, String key, int padding) {
    if (padding < 0) {
      throw new IllegalArgumentException("padding is negative: " + padding);
    }
    String head = writer + ":" + counter + ":" + key + ":" + padding;
    String text = head + ":" + Long.toHexString(crc(head)) + "|";
    byte[] prefix = text.getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(prefix, prefix.length + padding);
    Arrays.fill(out, prefix.length, out.length, (byte) '.');
    return out;
  }

  /** The token of {@code value}, or null if the bytes are not a value {@link #encode} made. */
  public static Token decode(byte[] value) {
    if (value == null) {
      return null;
    }
    int bar = -1;
    for (int i = 0; i < value.length; i++) {
      if (value[i] == '|') {
        bar = i;
        break;
      }
    }
    if (bar < 0) {
      return null;
    }
    String text = new String(value, 0, bar, StandardCharsets.UTF_8);
    int lastColon = text.lastIndexOf(':');
    if (lastColon < 0) {
      return null;
    }
    String head = text.substring(0, lastColon);
    if (!Long.toHexString(crc(head)).equals(text.substring(lastColon + 1))) {
      return null;
    }
    String[] parts = head.split(":", -1);
    if (parts.length != 4) {
      return null;
    }
    try {
      int padding = Integer.parseInt(parts[3]);
      if (value.length != bar + 1 + padding) {
        return null;
      }
      for (int i = bar + 1; i < value.length; i++) {
        if (value[i] != '.') {
          return null;
        }
      }
      return new Token(Integer.parseInt(parts[0]), Long.parseLong(parts[1]), parts[2]);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static long crc(String s) {
    CRC32 crc = new CRC32();
    crc.update(s.getBytes(StandardCharsets.UTF_8));
    return crc.getValue();
  }
}
