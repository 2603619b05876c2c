/**
 * The manifest: the single, versioned description of a ShaleDB database (its epochs, WAL replay
 * point and table lists), stored as a dense chain of immutable snapshots {@code manifest/<20-digit
 * id>.manifest} and changed only by conditional creation of the next id.
 *
 * <p>{@link dev.shaledb.manifest.ManifestStore} reads and publishes versions; {@link
 * dev.shaledb.manifest.FenceableManifest} adds the writer and compactor epochs that fence zombies.
 * {@link dev.shaledb.manifest.ManifestState} and its parts are immutable records. The binary format
 * is documented in {@code docs/formats/manifest.md}, the protocol in {@code docs/protocol.md}.
 */
package dev.shaledb.manifest;
