/**
 * ShaleDB, an embedded LSM-tree key-value store whose only durable home is an object store.
 *
 * <p>The public API: {@link dev.shaledb.Db} (the one writer: writes, reads, snapshots, scans,
 * checkpoints, garbage collection) with {@link dev.shaledb.DbOptions}, {@link
 * dev.shaledb.WriteBatch}, {@link dev.shaledb.WriteOptions}, {@link dev.shaledb.ReadOptions},
 * {@link dev.shaledb.DbIterator}, {@link dev.shaledb.KeyValue}, {@link dev.shaledb.Snapshot},
 * {@link dev.shaledb.DbStats} and {@link dev.shaledb.DbListener}; {@link dev.shaledb.DbReader} for
 * any number of read-only processes; a standalone {@link dev.shaledb.Compactor} and {@link
 * dev.shaledb.GarbageCollector}. Exceptions are in {@code dev.shaledb.error}; stores in {@code
 * dev.shaledb.objectstore}.
 *
 * <p>This package holds the public API and nothing else. The engine's internals live in packages
 * named by what they do ({@code core}, {@code write}, {@code view}, {@code read}, {@code iterate},
 * {@code table}, {@code compaction}, {@code gc}, {@code reader}, {@code support}); their classes
 * are public only so those packages can use each other, and are not API. How the pieces fit:
 * docs/architecture.md; the protocol and why no acknowledged write is lost: docs/protocol.md.
 */
package dev.shaledb;
