package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

/** The precondition of a {@link ObjectStore#put}: none, absent, or a given current version. */
public sealed interface PutCondition {

  /** Unconditional: creates or replaces the object. */
  static PutCondition none() {
    return None.INSTANCE;
  }

  /** Creates the object only if the key is free (S3 {@code If-None-Match: *}). */
  static PutCondition ifAbsent() {
    return IfAbsent.INSTANCE;
  }

  /**
   * Replaces the object only if its current version is {@code version} (S3 {@code If-Match}). On S3
   * a version is an ETag, which for a single PUT is the MD5 of the bytes: writing the same bytes
   * again keeps the version, so two puts conditioned on it can both succeed. Use it only where
   * equal bytes mean an equal outcome (the engine's one use writes zero bytes to retire a
   * manifest).
   */
  static PutCondition ifMatch(String version) {
    return new IfMatch(version);
  }

  /** See {@link PutCondition#none()}. */
  enum None implements PutCondition {
    INSTANCE
  }

  /** See {@link PutCondition#ifAbsent()}. */
  enum IfAbsent implements PutCondition {
    INSTANCE
  }

  /** See {@link PutCondition#ifMatch(String)}. */
  record IfMatch(String version) implements PutCondition {
    public IfMatch {
      requireNonNull(version, "version is null");
      if (version.isEmpty()) {
        throw new IllegalArgumentException("version is empty");
      }
    }
  }
}
