package dev.shaledb.manifest;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * A named, optionally expiring pin on one manifest version: garbage collection keeps that manifest
 * and every object it references until the checkpoint is removed or expires.
 *
 * <p>Part of ShaleDB's public API, returned by {@code Db.createCheckpoint} and {@code
 * Db.listCheckpoints}: kept source-compatible across minor releases like the types of {@code
 * dev.shaledb}. The rest of this package is not API.
 *
 * @param id the checkpoint's unique id
 * @param manifestId the pinned manifest id, at least 1
 * @param expireAt when the pin lapses, or null for never
 * @param name a label for people, at most {@value #MAX_NAME_BYTES} UTF-8 bytes; may be empty
 */
public record Checkpoint(UUID id, long manifestId, Instant expireAt, String name) {
  /** The longest name, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 255;

  public Checkpoint {
    requireNonNull(id, "id is null");
    requireNonNull(name, "name is null");
    if (manifestId < 1) {
      throw new IllegalArgumentException("manifestId is not positive: " + manifestId);
    }
    int nameBytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (nameBytes > MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          "checkpoint name is " + nameBytes + " UTF-8 bytes, more than " + MAX_NAME_BYTES);
    }
  }

  /** Whether the checkpoint has lapsed at {@code now}. */
  public boolean isExpired(Instant now) {
    requireNonNull(now, "now is null");
    return expireAt != null && !now.isBefore(expireAt);
  }
}
