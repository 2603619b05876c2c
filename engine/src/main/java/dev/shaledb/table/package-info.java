/**
 * Tables in the object store: {@link dev.shaledb.table.TableStore} (upload, open, read, the block
 * cache and warming), their object keys ({@link dev.shaledb.table.TableKeys}) and ids ({@link
 * dev.shaledb.table.TableIds}, which never issue an id at or below a table floor).
 *
 * <p>Internal: public only so the engine's other packages can use it; not API, and may change in
 * any release. The API is {@code dev.shaledb} (docs/architecture.md, "Packages").
 */
package dev.shaledb.table;
