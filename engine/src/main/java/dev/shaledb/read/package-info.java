/**
 * The read path: point reads through a view's memtables, L0 tables and sorted runs ({@link
 * dev.shaledb.read.ReadPath}), scans that survive compaction and collection of the tables they
 * started on ({@link dev.shaledb.read.ScanIterator}, docs/protocol.md §7), and the registry of open
 * snapshots ({@link dev.shaledb.read.Snapshots}) that tells flushes and compaction what to keep.
 *
 * <p>Internal: public only so the engine's other packages can use it; not API, and may change in
 * any release. The API is {@code dev.shaledb} (docs/architecture.md, "Packages").
 */
package dev.shaledb.read;
