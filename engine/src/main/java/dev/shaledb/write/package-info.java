/**
 * The write path, which data flows through in one direction: {@link dev.shaledb.write.WritePath}
 * (sequence numbers, WAL append, memtable insert, visibility) → {@link dev.shaledb.write.Flusher}
 * (frozen memtables become L0 tables, published in the manifest) → table store and manifest. Both
 * share one {@link dev.shaledb.write.WriterState}; neither calls back into the other. {@link
 * dev.shaledb.write.WalApply} is the one routine that applies WAL entries to a memtable (writes,
 * {@link dev.shaledb.write.Recovery} and readers); {@link dev.shaledb.write.MemoryBudget} slows and
 * stops writers (docs/engine.md, docs/protocol.md §5).
 *
 * <p>Internal: public only so the engine's other packages can use it; not API, and may change in
 * any release. The API is {@code dev.shaledb} (docs/architecture.md, "Packages").
 */
package dev.shaledb.write;
