/**
 * Read-only readers: how a {@link dev.shaledb.DbReader} follows the writer by polling the manifest
 * and tailing the WAL ({@link dev.shaledb.reader.ReaderCatchUp}) into an immutable {@link
 * dev.shaledb.reader.ReaderView} (docs/readers.md).
 *
 * <p>Internal: public only so the engine's other packages can use it; not API, and may change in
 * any release. The API is {@code dev.shaledb} (docs/architecture.md, "Packages").
 */
package dev.shaledb.reader;
