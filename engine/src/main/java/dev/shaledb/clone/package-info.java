/**
 * Clones: {@link dev.shaledb.clone.CloneCreation} makes a new database that shares the tables of a
 * version of another one, held by a checkpoint there ({@link dev.shaledb.manifest.ClonePin});
 * {@link dev.shaledb.clone.CloneRelease}, run by the clone's garbage collector, drops that
 * checkpoint once no live version of the clone lists a shared table. Why no collector on either
 * side can delete a table the other still needs: docs/gc.md, "Clones".
 *
 * <p>Internal: public only so the engine's other packages can use it; not API, and may change in
 * any release. The API is {@code dev.shaledb} (docs/architecture.md, "Packages").
 */
package dev.shaledb.clone;
