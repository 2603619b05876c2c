/**
 * The local disk cache below the memory block cache: {@link dev.shaledb.cache.DiskCache} keeps
 * table byte ranges in append-only segment files under a byte budget, verifies every entry before
 * use and is never the durable copy (docs/engine.md, "Caches").
 *
 * <p>Internal: public only so the engine's other packages can use it; not API, and may change in
 * any release. The API is {@code dev.shaledb} (docs/architecture.md, "Packages").
 */
package dev.shaledb.cache;
