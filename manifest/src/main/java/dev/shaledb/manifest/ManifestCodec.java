package dev.shaledb.manifest;

import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.UnsupportedFormatException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;
import java.util.zip.CRC32C;

/**
 * The binary manifest format (see {@code docs/formats/manifest.md}): a fixed header, a sequence of
 * tagged fields, and a CRC32C of everything before it.
 *
 * <p>Since version 1.1 a manifest records the id it was written as, so that a read of one version
 * that returns another version's intact bytes (a misdirected read, a stale cache, a copied object)
 * is refused instead of silently rolling the state back. Version 1.0 manifests, which lack the
 * field, still decode, unchecked.
 *
 * <p>The minor version in the header is informational: it is the newest minor version whose field
 * the bytes contain (3 with touching run tables, else 2 with a table floor, else 1), so bytes that
 * use no newer field stay exactly the bytes an older build writes.
 */
final class ManifestCodec {
  static final int MAGIC = 0x53484D46; // "SHMF"
  static final int MAJOR_VERSION = 1;

  /** The newest minor version this build reads; written when run tables touch (1.3). */
  static final int MINOR_VERSION = 3;

  /** The minor version written with a table floor but no touching run tables (1.2). */
  static final int MINOR_VERSION_WITH_FLOOR = 2;

  /** The minor version written when no 1.2 or 1.3 field is present, so such bytes stay 1.1. */
  static final int MINOR_VERSION_WITHOUT_FLOOR = 1;

  static final int HEADER_BYTES = 12;
  static final int TRAILER_BYTES = 4;
  static final int CRITICAL = 0x8000;

  static final int TAG_WRITE_ID = CRITICAL | 1;
  static final int TAG_WRITER_EPOCH = CRITICAL | 2;
  static final int TAG_COMPACTOR_EPOCH = CRITICAL | 3;
  static final int TAG_FLUSHED_WAL_ID = CRITICAL | 4;
  static final int TAG_NEXT_WAL_ID = CRITICAL | 5;
  static final int TAG_LAST_FLUSHED_SEQ = CRITICAL | 6;
  static final int TAG_L0 = CRITICAL | 7;
  static final int TAG_SORTED_RUNS = CRITICAL | 8;
  static final int TAG_CHECKPOINTS = CRITICAL | 9;

  /**
   * The table floor (1.2), written only when set. Critical: a build that does not enforce the floor
   * could publish a condemned table, so it must refuse such a manifest rather than carry the field.
   */
  static final int TAG_CONDEMNED_THROUGH = CRITICAL | 10;

  /**
   * Touching run tables (1.3): an empty value, written exactly when some sorted run has touching
   * neighbours ({@link SortedRun#hasTouchingTables()}). Builds before 1.3 call such a run corrupt;
   * being critical, the field makes them refuse the manifest as too new instead of misreporting
   * corruption. A manifest whose runs touch without it is corrupt.
   */
  static final int TAG_TOUCHING_RUN_TABLES = CRITICAL | 11;

  /**
   * A clone's pins and the homes of its borrowed tables (1.4), written exactly when the state has
   * clone pins. Critical: a build that does not know it would look for borrowed tables in its own
   * folder and would never release the pins.
   */
  static final int TAG_CLONE = CRITICAL | 12;

  /** The minor version written with the clone field (1.4). */
  static final int MINOR_VERSION_WITH_CLONE = 4;

  private static final int LAST_KNOWN_TAG = TAG_CLONE;

  /**
   * The id the manifest was written as, bound to its write id (1.1). Optional, not critical, so
   * that 1.0 builds still read 1.1 manifests; but a 1.0 build carries optional fields it does not
   * know into every version it publishes, so this field would then claim the previous version's id.
   * The write id it repeats tells the two apart: every publish has a fresh one, so a field whose
   * write id differs from the manifest's was carried forward, not written for this version, and is
   * ignored.
   */
  static final int TAG_MANIFEST_ID = 0x0001;

  /**
   * A decoded manifest body.
   *
   * @param recordedId the id the object says it was written as, checked against the id it was read
   *     as; empty if it does not say (written by a 1.0 build)
   */
  record Decoded(ManifestState state, UUID writeId, OptionalLong recordedId) {}

  private ManifestCodec() {}

  /** Whether {@code tag} may be carried in {@link UnknownFields}: optional and unknown to us. */
  static boolean isUnknownOptionalTag(int tag) {
    return tag > 0 && tag < CRITICAL && tag != TAG_MANIFEST_ID;
  }

  /** Encodes {@code state} as manifest version {@code id}, the only id it will decode as. */
  static byte[] encode(long id, ManifestState state, UUID writeId) {
    if (id < 1) {
      throw new IllegalArgumentException("manifest id is not positive: " + id);
    }
    requireNonNull(state, "state is null");
    requireNonNull(writeId, "writeId is null");
    BigEndianSink out = new BigEndianSink(256);
    boolean floor = !state.condemnedThrough().isEmpty();
    boolean touching = hasTouchingRunTables(state);
    boolean clone = !state.clonePins().isEmpty();
    int minor =
        clone
            ? MINOR_VERSION_WITH_CLONE
            : touching
                ? MINOR_VERSION
                : floor ? MINOR_VERSION_WITH_FLOOR : MINOR_VERSION_WITHOUT_FLOOR;
    out.u32(MAGIC).u16(MAJOR_VERSION).u16(minor).u32(0);
    field(out, TAG_WRITE_ID, b -> uuid(b, writeId));
    field(out, TAG_MANIFEST_ID, b -> uuid(b.u64(id), writeId));
    field(out, TAG_WRITER_EPOCH, b -> b.u64(state.writerEpoch()));
    field(out, TAG_COMPACTOR_EPOCH, b -> b.u64(state.compactorEpoch()));
    field(out, TAG_FLUSHED_WAL_ID, b -> b.u64(state.flushedWalId()));
    field(out, TAG_NEXT_WAL_ID, b -> b.u64(state.nextWalId()));
    field(out, TAG_LAST_FLUSHED_SEQ, b -> b.u64(state.lastFlushedSeq()));
    field(out, TAG_L0, b -> StateFields.writeTables(b, state.l0()));
    field(out, TAG_SORTED_RUNS, b -> StateFields.writeRuns(b, state.sortedRuns()));
    field(out, TAG_CHECKPOINTS, b -> StateFields.writeCheckpoints(b, state.checkpoints()));
    if (floor) {
      byte[] floorId =
          state.condemnedThrough().getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      field(out, TAG_CONDEMNED_THROUGH, b -> b.bytes(floorId));
    }
    if (touching) {
      field(out, TAG_TOUCHING_RUN_TABLES, b -> {});
    }
    if (clone) {
      field(out, TAG_CLONE, b -> StateFields.writeClone(b, state));
    }
    for (Map.Entry<Integer, ByteBuffer> e : state.unknownFields().fields().entrySet()) {
      byte[] value = state.unknownFields().value(e.getKey());
      field(out, e.getKey(), b -> b.bytes(value));
    }
    out.patchU32(8, out.size() - HEADER_BYTES);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, out.size());
    out.u32((int) crc.getValue());
    return out.toByteArray();
  }

  private static boolean hasTouchingRunTables(ManifestState state) {
    for (SortedRun run : state.sortedRuns()) {
      if (run.hasTouchingTables()) {
        return true;
      }
    }
    return false;
  }

  private static BigEndianSink uuid(BigEndianSink out, UUID uuid) {
    return out.u64(uuid.getMostSignificantBits()).u64(uuid.getLeastSignificantBits());
  }

  private static void field(
      BigEndianSink out, int tag, java.util.function.Consumer<BigEndianSink> value) {
    out.u16(tag).u32(0);
    int start = out.size();
    value.accept(out);
    out.patchU32(start - 4, out.size() - start);
  }

  /**
   * Decodes manifest version {@code id}, read from {@code key}. Throws {@link
   * CorruptObjectException} if the bytes are damaged or record that they were written as another
   * version, and {@link UnsupportedFormatException} if they need a newer build.
   */
  static Decoded decode(String key, long id, byte[] data) {
    BigEndianSource in = new BigEndianSource(key, data, 0, data.length);
    if (data.length < HEADER_BYTES + TRAILER_BYTES) {
      throw in.corruptAt(-1, "manifest of " + data.length + " bytes is shorter than its header");
    }
    if (in.u32("magic") != MAGIC) {
      throw in.corruptAt(0, "not a ShaleDB manifest (bad magic)");
    }
    int crcAt = data.length - TRAILER_BYTES;
    CRC32C crc = new CRC32C();
    crc.update(data, 0, crcAt);
    if ((int) crc.getValue()
        != new BigEndianSource(key, data, crcAt, data.length).u32("checksum")) {
      throw in.corruptAt(crcAt, "manifest checksum mismatch");
    }
    int major = in.u16("major version");
    int minor = in.u16("minor version");
    if (major > MAJOR_VERSION) {
      throw new UnsupportedFormatException(key, "manifest", major, MAJOR_VERSION);
    }
    if (major == 0) {
      throw in.corruptAt(4, "manifest major version 0");
    }
    int bodyLength = in.length("body length", crcAt - HEADER_BYTES);
    if (bodyLength != crcAt - HEADER_BYTES) {
      throw in.corruptAt(8, "body length " + bodyLength + " does not match object size");
    }
    return decodeFields(key, id, minor, in.slice(bodyLength, "body"));
  }

  private static Decoded decodeFields(String key, long id, int minor, BigEndianSource body) {
    Map<Integer, BigEndianSource> known = new HashMap<>();
    Map<Integer, Integer> offsets = new HashMap<>();
    TreeMap<Integer, ByteBuffer> unknown = new TreeMap<>();
    while (body.remaining() > 0) {
      int at = body.position();
      int tag = body.u16("field tag");
      int length = body.length("field length", body.remaining());
      BigEndianSource value = body.slice(length, "field value");
      if (known.containsKey(tag) || unknown.containsKey(tag)) {
        throw body.corruptAt(at, "field 0x" + Integer.toHexString(tag) + " appears twice");
      }
      if (isKnownTag(tag)) {
        known.put(tag, value);
        offsets.put(tag, at);
      } else if (isUnknownOptionalTag(tag)) {
        unknown.put(tag, ByteBuffer.wrap(value.bytes(length, "unknown field")));
      } else {
        String format =
            "manifest with unknown critical field 0x" + Integer.toHexString(tag) + ", minor";
        throw new UnsupportedFormatException(key, format, minor, MINOR_VERSION);
      }
    }
    return new FieldReader(body, known, offsets).read(id, new UnknownFields(unknown));
  }

  private static boolean isKnownTag(int tag) {
    return (tag >= TAG_WRITE_ID && tag <= LAST_KNOWN_TAG) || tag == TAG_MANIFEST_ID;
  }

  /** Reads the known fields, each of which must be present unless optional. */
  private record FieldReader(
      BigEndianSource body, Map<Integer, BigEndianSource> fields, Map<Integer, Integer> offsets) {

    Decoded read(long expectedId, UnknownFields unknown) {
      BigEndianSource id = field(TAG_WRITE_ID);
      UUID writeId = new UUID(id.u64("write id"), id.u64("write id"));
      id.expectEnd("write id");
      // Before the state: another version's state is valid, only its id can give it away.
      OptionalLong recordedId = recordedId(writeId, expectedId);
      int stateAt = offsets.getOrDefault(TAG_WRITER_EPOCH, body.position());
      boolean touchingDeclared = touchingRunTables();
      BigEndianSource cloneField = fields.get(TAG_CLONE);
      ManifestState state;
      try {
        StateFields.Clone clone =
            cloneField == null
                ? new StateFields.Clone(List.of(), Map.of())
                : StateFields.readClone(cloneField);
        state =
            new ManifestState(
                u64(TAG_WRITER_EPOCH, "writer epoch"),
                u64(TAG_COMPACTOR_EPOCH, "compactor epoch"),
                u64(TAG_FLUSHED_WAL_ID, "flushed WAL id"),
                u64(TAG_NEXT_WAL_ID, "next WAL id"),
                u64(TAG_LAST_FLUSHED_SEQ, "last flushed seq"),
                homed(StateFields.readTables(field(TAG_L0)), clone.homes()),
                homedRuns(StateFields.readRuns(field(TAG_SORTED_RUNS)), clone.homes()),
                StateFields.readCheckpoints(field(TAG_CHECKPOINTS)),
                unknown,
                condemnedThrough(),
                clone.pins());
        if (!state.tableIds().containsAll(clone.homes().keySet())) {
          throw new IllegalArgumentException("the clone field names tables that are not listed");
        }
      } catch (IllegalArgumentException invalid) {
        throw body.corruptAt(stateAt, "invalid manifest state: " + invalid.getMessage(), invalid);
      }
      if (!touchingDeclared && hasTouchingRunTables(state)) {
        throw body.corruptAt(
            offsets.get(TAG_SORTED_RUNS),
            "sorted run tables touch, but field 0x"
                + Integer.toHexString(TAG_TOUCHING_RUN_TABLES)
                + " that must declare it is missing");
      }
      return new Decoded(state, writeId, recordedId);
    }

    /** {@code tables} with the homes the clone field gives them; each home is used once. */
    private static List<TableInfo> homed(List<TableInfo> tables, Map<String, String> homes) {
      if (homes.isEmpty()) {
        return tables;
      }
      List<TableInfo> out = new ArrayList<>(tables.size());
      for (TableInfo t : tables) {
        String home = homes.get(t.id());
        out.add(home == null ? t : t.withHome(home));
      }
      return out;
    }

    private static List<SortedRun> homedRuns(List<SortedRun> runs, Map<String, String> homes) {
      if (homes.isEmpty()) {
        return runs;
      }
      List<SortedRun> out = new ArrayList<>(runs.size());
      for (SortedRun run : runs) {
        out.add(new SortedRun(homed(run.tables(), homes)));
      }
      return out;
    }

    /**
     * Whether the manifest declares touching run tables (1.3). A declaration without touching runs
     * is accepted: it only keeps older builds out, and this build never writes one.
     */
    private boolean touchingRunTables() {
      BigEndianSource value = fields.get(TAG_TOUCHING_RUN_TABLES);
      if (value == null) {
        return false;
      }
      if (value.remaining() != 0) {
        throw value.corruptAt(
            value.position(),
            "field 0x"
                + Integer.toHexString(TAG_TOUCHING_RUN_TABLES)
                + " (touching run tables) has "
                + value.remaining()
                + " bytes, expected none");
      }
      return true;
    }

    /**
     * The id this very version records, which must be {@code expectedId}; empty if it records none,
     * or only one a 1.0 writer carried over from an older version.
     */
    private OptionalLong recordedId(UUID writeId, long expectedId) {
      BigEndianSource value = fields.get(TAG_MANIFEST_ID);
      if (value == null) {
        return OptionalLong.empty();
      }
      int at = value.position();
      long id = value.u64("manifest id");
      UUID boundTo = new UUID(value.u64("manifest id write id"), value.u64("manifest id write id"));
      value.expectEnd("manifest id");
      if (!boundTo.equals(writeId)) {
        return OptionalLong.empty();
      }
      if (id != expectedId) {
        throw body.corruptAt(
            at,
            "the object holds manifest "
                + Long.toUnsignedString(id)
                + ", not manifest "
                + expectedId
                + " (a misdirected read, a stale cache or a copied object)");
      }
      return OptionalLong.of(id);
    }

    /** The table floor (1.2), "" when absent. */
    private String condemnedThrough() {
      BigEndianSource value = fields.get(TAG_CONDEMNED_THROUGH);
      if (value == null) {
        return "";
      }
      return new String(
          value.bytes(value.remaining(), "table floor"),
          java.nio.charset.StandardCharsets.US_ASCII);
    }

    private long u64(int tag, String what) {
      BigEndianSource value = field(tag);
      long v = value.nonNegative(what);
      value.expectEnd(what);
      return v;
    }

    private BigEndianSource field(int tag) {
      BigEndianSource value = fields.get(tag);
      if (value == null) {
        throw missing(tag);
      }
      return value;
    }

    private CorruptObjectException missing(int tag) {
      return body.corruptAt(
          body.position(), "required field 0x" + Integer.toHexString(tag) + " is missing");
    }
  }
}
