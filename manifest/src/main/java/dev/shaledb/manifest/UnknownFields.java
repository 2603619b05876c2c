package dev.shaledb.manifest;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Optional (non-critical) manifest fields written by a newer minor version of the format that this
 * build does not understand. They are carried through every change and written back unchanged, so
 * an older writer never drops a newer writer's optional data; a newer version may only add fields
 * this way whose meaning survives an older writer changing the fields it does know. Fields that
 * would not survive that are marked critical, and this build refuses such manifests instead (see
 * {@code docs/formats/manifest.md}).
 *
 * @param fields field tag (an unknown, non-critical tag) to its raw value, as read-only buffers
 */
public record UnknownFields(NavigableMap<Integer, ByteBuffer> fields) {
  private static final UnknownFields NONE = new UnknownFields(new TreeMap<>());

  public UnknownFields {
    requireNonNull(fields, "fields is null");
    TreeMap<Integer, ByteBuffer> copy = new TreeMap<>();
    for (Map.Entry<Integer, ByteBuffer> e : fields.entrySet()) {
      int tag = requireNonNull(e.getKey(), "tag is null");
      if (!ManifestCodec.isUnknownOptionalTag(tag)) {
        throw new IllegalArgumentException(
            "tag 0x" + Integer.toHexString(tag) + " is known or critical, not an unknown field");
      }
      ByteBuffer value = requireNonNull(e.getValue(), "value is null");
      ByteBuffer owned = ByteBuffer.allocate(value.remaining()).put(value.duplicate()).flip();
      copy.put(tag, owned.asReadOnlyBuffer());
    }
    fields = Collections.unmodifiableNavigableMap(copy);
  }

  /** No unknown fields. */
  public static UnknownFields none() {
    return NONE;
  }

  public boolean isEmpty() {
    return fields.isEmpty();
  }

  /** The value of {@code tag} as a fresh array, or null. */
  byte[] value(int tag) {
    ByteBuffer value = fields.get(tag);
    if (value == null) {
      return null;
    }
    byte[] out = new byte[value.remaining()];
    value.duplicate().get(out);
    return out;
  }
}
