/**
 * Garbage collection and checkpoints: one run of {@link dev.shaledb.gc.Collector} retires manifest
 * versions ({@link dev.shaledb.gc.ManifestSweep}), raises the table floor and deletes condemned
 * tables ({@link dev.shaledb.gc.TableCondemnation}) and WAL objects; {@link
 * dev.shaledb.gc.GcService} runs it on a schedule; {@link dev.shaledb.gc.Checkpoints} creates,
 * lists, deletes and expires checkpoints. Why it is safe whatever the timing: docs/gc.md.
 *
 * <p>Internal: public only so the engine's other packages can use it; not API, and may change in
 * any release. The API is {@code dev.shaledb} (docs/architecture.md, "Packages").
 */
package dev.shaledb.gc;
