package dev.shaledb.objectstore;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The record a passed {@link StoreProbe} leaves, so later opens skip the checks: magic {@code
 * SHPV}, format version 1, the length of the body, the body (UTF-8 {@code key=<its own
 * key>\nstore=<the store's identity>\n}) and a CRC32C of everything before it, all big-endian
 * (docs/formats/probe.md). The body names its own key, so a record copied under another key does
 * not count. A record that is damaged, of another version, or for another store counts as absent:
 * the probe runs again and writes a fresh one. It is a cache of a check, never data, so nothing is
 * lost by ignoring it.
 */
final class ProbeRecord {
  private static final byte[] MAGIC = {'S', 'H', 'P', 'V'};
  private static final byte VERSION = 1;
  private static final int HEADER = MAGIC.length + 1 + Integer.BYTES;

  private ProbeRecord() {}

  static byte[] encode(String key, String identity) {
    byte[] body = body(key, identity);
    ByteBuffer out = ByteBuffer.allocate(HEADER + body.length + Integer.BYTES);
    out.order(ByteOrder.BIG_ENDIAN).put(MAGIC).put(VERSION).putInt(body.length).put(body);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.array();
  }

  /** What a stored record says. */
  enum State {
    ABSENT,
    MATCHES,
    /** Intact, but for another key or store (a copied database). */
    OTHER,
    /** Not an intact version-1 record: wrong magic or version, truncated, or a bad checksum. */
    DAMAGED
  }

  /** A record's state; for a damaged one, where and what. */
  record Verdict(State state, long offset, String problem) {
    static final Verdict ABSENT = new Verdict(State.ABSENT, -1, "");
    static final Verdict MATCHES = new Verdict(State.MATCHES, -1, "");
    static final Verdict OTHER = new Verdict(State.OTHER, -1, "");

    static Verdict damaged(long offset, String problem) {
      return new Verdict(State.DAMAGED, offset, problem);
    }
  }

  static Verdict check(byte[] bytes, String key, String identity) {
    if (bytes.length < HEADER + Integer.BYTES) {
      return Verdict.damaged(bytes.length, "store probe record truncated at " + bytes.length);
    }
    if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      return Verdict.damaged(0, "not a store probe record (bad magic)");
    }
    if (bytes[MAGIC.length] != VERSION) {
      return Verdict.damaged(MAGIC.length, "store probe record of version " + bytes[MAGIC.length]);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes);
    int length = in.getInt(MAGIC.length + 1);
    if (length < 0 || length != bytes.length - HEADER - Integer.BYTES) {
      return Verdict.damaged(MAGIC.length + 1, "store probe record length " + length + " is wrong");
    }
    CRC32C crc = new CRC32C();
    crc.update(bytes, 0, HEADER + length);
    if ((int) crc.getValue() != in.getInt(HEADER + length)) {
      return Verdict.damaged(HEADER + length, "store probe record checksum mismatch");
    }
    byte[] expected = body(key, identity);
    return Arrays.equals(bytes, HEADER, HEADER + length, expected, 0, expected.length)
        ? Verdict.MATCHES
        : Verdict.OTHER;
  }

  static Verdict read(ObjectStore store, String key, String identity) {
    try {
      return check(Futures.join(store.get(key)).data(), key, identity);
    } catch (ObjectNotFoundException e) {
      return Verdict.ABSENT;
    }
  }

  static void write(ObjectStore store, String key, String identity) {
    Futures.join(store.put(key, encode(key, identity), PutCondition.none()));
  }

  private static byte[] body(String key, String identity) {
    return ("key=" + key + "\nstore=" + identity + "\n").getBytes(UTF_8);
  }
}
