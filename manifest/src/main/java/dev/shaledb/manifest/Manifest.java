package dev.shaledb.manifest;

import static java.util.Objects.requireNonNull;

import java.util.UUID;

/**
 * One published manifest version.
 *
 * @param id its position in the chain, at least 1
 * @param state the database state it describes
 * @param writeId a random id its publisher embedded, which lets a publisher whose put had an
 *     unknown outcome recognise its own version
 */
public record Manifest(long id, ManifestState state, UUID writeId) {
  public Manifest {
    if (id < 1) {
      throw new IllegalArgumentException("manifest id is not positive: " + id);
    }
    requireNonNull(state, "state is null");
    requireNonNull(writeId, "writeId is null");
  }
}
