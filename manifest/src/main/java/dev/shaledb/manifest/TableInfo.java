package dev.shaledb.manifest;

import static java.util.Objects.requireNonNull;

import dev.shaledb.format.Limits;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A reference from the manifest to one table object {@code sst/<id>.sst}: everything a reader needs
 * to decide whether to open it, and the length and checksum to verify it against.
 *
 * @param id the table's unique id, 1 to 64 characters of {@code [0-9A-Za-z_-]} (a ULID or UUIDv7
 *     string, for example); it names the object, so it needs no coordination between writers
 * @param sizeBytes the table object's exact length in bytes, positive
 * @param smallestKey the smallest user key in the table, 1 to 65,535 bytes
 * @param largestKey the largest user key, not smaller than {@code smallestKey} (unsigned order)
 * @param minSeq the smallest sequence number in the table, not negative
 * @param maxSeq the largest sequence number, not smaller than {@code minSeq}
 * @param crc32c the CRC32C of the whole table object
 * @param home null if the object is in this database's own {@code sst/} folder; otherwise the path
 *     of the database whose folder holds it: a clone shares its source's tables without copying
 *     them (docs/gc.md, "Clones"). The home database owns the object (only its garbage collector
 *     deletes it); this database may read it while it holds a {@link ClonePin}
 */
public record TableInfo(
    String id,
    long sizeBytes,
    byte[] smallestKey,
    byte[] largestKey,
    long minSeq,
    long maxSeq,
    int crc32c,
    String home) {
  /** The longest user key, in bytes (also the WAL's limit). */
  public static final int MAX_KEY_BYTES = Limits.MAX_KEY_BYTES;

  private static final Pattern ID = Pattern.compile("[0-9A-Za-z_-]{1,64}");

  public TableInfo {
    validateId(id);
    if (sizeBytes <= 0) {
      throw new IllegalArgumentException("sizeBytes is not positive: " + sizeBytes);
    }
    smallestKey = validateKey(smallestKey, "smallestKey");
    largestKey = validateKey(largestKey, "largestKey");
    if (Arrays.compareUnsigned(smallestKey, largestKey) > 0) {
      throw new IllegalArgumentException("smallestKey sorts after largestKey in table " + id);
    }
    if (minSeq < 0) {
      throw new IllegalArgumentException("minSeq is negative: " + minSeq);
    }
    if (maxSeq < minSeq) {
      throw new IllegalArgumentException("maxSeq " + maxSeq + " is below minSeq " + minSeq);
    }
    if (home != null) {
      ManifestKeys.validateDbPath(home);
    }
  }

  /** A table in this database's own folder. */
  public TableInfo(
      String id,
      long sizeBytes,
      byte[] smallestKey,
      byte[] largestKey,
      long minSeq,
      long maxSeq,
      int crc32c) {
    this(id, sizeBytes, smallestKey, largestKey, minSeq, maxSeq, crc32c, null);
  }

  /** This reference with the object's home set; see {@link #home()}. */
  public TableInfo withHome(String home) {
    return new TableInfo(id, sizeBytes, smallestKey, largestKey, minSeq, maxSeq, crc32c, home);
  }

  /** Whether the object lives in another database's folder (a table a clone shares). */
  public boolean isBorrowed() {
    return home != null;
  }

  /** The path of the database whose folder holds the object: {@link #home()} or {@code ownPath}. */
  public String homeOr(String ownPath) {
    return home != null ? home : ownPath;
  }

  /** Returns {@code id} if it is a valid table id, otherwise throws naming the problem. */
  public static String validateId(String id) {
    requireNonNull(id, "id is null");
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          "table id is not 1-64 chars of [0-9A-Za-z_-]: '" + id + "'");
    }
    return id;
  }

  private static byte[] validateKey(byte[] key, String name) {
    requireNonNull(key, name + " is null");
    if (key.length == 0 || key.length > MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          name + " length " + key.length + " is not 1.." + MAX_KEY_BYTES);
    }
    return key.clone();
  }

  /** A copy of the smallest key. */
  @Override
  public byte[] smallestKey() {
    return smallestKey.clone();
  }

  /** A copy of the largest key. */
  @Override
  public byte[] largestKey() {
    return largestKey.clone();
  }

  byte[] smallestKeyRef() {
    return smallestKey;
  }

  byte[] largestKeyRef() {
    return largestKey;
  }

  /** Whether the key ranges of this table and {@code other} share at least one key. */
  public boolean overlaps(TableInfo other) {
    return Arrays.compareUnsigned(smallestKey, other.largestKey) <= 0
        && Arrays.compareUnsigned(other.smallestKey, largestKey) <= 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TableInfo t
        && id.equals(t.id)
        && sizeBytes == t.sizeBytes
        && Arrays.equals(smallestKey, t.smallestKey)
        && Arrays.equals(largestKey, t.largestKey)
        && minSeq == t.minSeq
        && maxSeq == t.maxSeq
        && crc32c == t.crc32c
        && Objects.equals(home, t.home);
  }

  @Override
  public int hashCode() {
    int h = id.hashCode();
    h = 31 * h + Long.hashCode(sizeBytes);
    h = 31 * h + Arrays.hashCode(smallestKey);
    h = 31 * h + Arrays.hashCode(largestKey);
    h = 31 * h + Long.hashCode(minSeq);
    h = 31 * h + Long.hashCode(maxSeq);
    h = 31 * h + crc32c;
    return 31 * h + Objects.hashCode(home);
  }

  @Override
  public String toString() {
    HexFormat hex = HexFormat.of();
    return "TableInfo[id="
        + id
        + ", sizeBytes="
        + sizeBytes
        + ", keys=["
        + hex.formatHex(smallestKey)
        + ", "
        + hex.formatHex(largestKey)
        + "], seqs=["
        + minSeq
        + ", "
        + maxSeq
        + "], crc32c="
        + Integer.toHexString(crc32c)
        + (home == null ? "" : ", home='" + home + "'")
        + "]";
  }
}
