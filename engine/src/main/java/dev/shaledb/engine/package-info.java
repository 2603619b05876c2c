/**
 * Internal to ShaleDB: the engine's in-memory and read-path building blocks, used by {@code
 * dev.shaledb.Db} and not part of the public API. The classes are public only because the engine
 * lives in another package; their signatures may change in any release.
 *
 * <p>{@link dev.shaledb.engine.Memtable} holds recent writes; every source of entries (memtables,
 * tables, sorted runs of tables) is read through an {@link dev.shaledb.engine.EntryIterator}, which
 * returns every version of every key in internal order: key ascending by unsigned bytes, then
 * sequence number descending. {@link dev.shaledb.engine.MergingIterator} merges sources, {@link
 * dev.shaledb.engine.SortedRunIterator} walks a run of non-overlapping tables, and {@link
 * dev.shaledb.engine.VisibleIterator} turns versions into what a user sees at a snapshot.
 */
package dev.shaledb.engine;
