/**
 * The parts of an open database and their lifecycle: {@link dev.shaledb.core.DbCore} wires the
 * write path, the read path, compaction, garbage collection and checkpoints together, opens them in
 * recovery order and closes them in reverse; {@link dev.shaledb.Db} is its public face.
 *
 * <p>Internal: public only so the engine's other packages can use it; not API, and may change in
 * any release. The API is {@code dev.shaledb} (docs/architecture.md, "Packages").
 */
package dev.shaledb.core;
