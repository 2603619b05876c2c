/**
 * Iterators over entries in internal order (key ascending, sequence number descending): the {@link
 * dev.shaledb.iterate.EntryIterator} contract, merging, sorted runs, the visibility filter that
 * turns versions into what a reader at a sequence number sees, and {@link
 * dev.shaledb.iterate.VersionRewriter}, the rule of which versions a flush or a compaction keeps.
 *
 * <p>Internal: public only so the engine's other packages can use it; not API, and may change in
 * any release. The API is {@code dev.shaledb} (docs/architecture.md, "Packages").
 */
package dev.shaledb.iterate;
