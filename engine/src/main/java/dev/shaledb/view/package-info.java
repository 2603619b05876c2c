/**
 * What the database consists of at one moment, as reads see it: the memtables ({@link
 * dev.shaledb.view.Memtable} with its {@link dev.shaledb.view.KeyFilter}) and the manifest version
 * of the tables, held together in an immutable {@link dev.shaledb.view.DbView} behind one {@link
 * dev.shaledb.view.ViewRef}. The write path changes the view; the read path only reads it.
 *
 * <p>Internal: public only so the engine's other packages can use it; not API, and may change in
 * any release. The API is {@code dev.shaledb} (docs/architecture.md, "Packages").
 */
package dev.shaledb.view;
