/**
 * Optimistic transactions ({@link dev.shaledb.txn.TransactionImpl}) and the conflict index their
 * commits are checked against under the write lock ({@link dev.shaledb.txn.ConflictIndex}); see
 * docs/transactions.md for the guarantees and the bounds.
 *
 * <p>Internal: public only so the engine's other packages can use it; not API, and may change in
 * any release. The API is {@code dev.shaledb} (docs/architecture.md, "Packages").
 */
package dev.shaledb.txn;
