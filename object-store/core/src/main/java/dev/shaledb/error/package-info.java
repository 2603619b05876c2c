/**
 * The one exception hierarchy of ShaleDB's public API.
 *
 * <p>Every failure a caller can act on is an unchecked {@link dev.shaledb.error.DbException} or a
 * subtype; the subtype says what happened and what is safe to do next:
 *
 * <ul>
 *   <li>{@link dev.shaledb.error.CorruptObjectException}: a persistent object failed a checksum or
 *       structural check; it names the object key and byte offset. Data is never returned from it.
 *   <li>{@link dev.shaledb.error.UnsupportedFormatException}: an object was written by a newer or
 *       foreign format version; nothing was read from it.
 *   <li>{@link dev.shaledb.error.OutcomeUnknownException}: a write may or may not have been applied
 *       and the store could not tell which. Callers must re-read before deciding.
 *   <li>{@link dev.shaledb.error.FencedException}: another writer or compactor took over; this
 *       instance will never change the database again.
 *   <li>{@link dev.shaledb.error.DbClosedException}: use after {@code close()}.
 *   <li>{@link dev.shaledb.error.DbNotFoundException}: a reader, compactor or garbage collector was
 *       opened on a path that holds no database; nothing was created.
 *   <li>{@link dev.shaledb.error.DbAlreadyOpenException}: a second writer of a database this
 *       process has open on the same store; nothing was opened, and the first writes on.
 *   <li>{@link dev.shaledb.error.ForeignObjectsException}: a database was to be created under a
 *       path holding other objects or files; nothing was created.
 *   <li>{@link dev.shaledb.error.WriteStallException}: a write could not get memory within its
 *       timeout because flushes fell behind; it was not applied.
 *   <li>{@link dev.shaledb.error.TransactionConflictException}: a transaction or conditional write
 *       met a write committed after its snapshot; nothing of it was applied, and running it again
 *       is safe.
 *   <li>{@link dev.shaledb.error.BulkLoadModeException}: a write asked for durability at
 *       acknowledgement from a database in bulk-load mode, which has no WAL; it was not applied.
 *   <li>{@link dev.shaledb.error.MergeOperatorException}: a read met merge operands that the
 *       configured merge operator could not fold (it threw, or none is configured); nothing stored
 *       changed.
 *   <li>{@code dev.shaledb.objectstore.ObjectStoreException} and its subtypes: the object store
 *       failed or refused a request.
 * </ul>
 *
 * <p>Bad arguments (null, empty or oversized keys) are reported with the JDK's {@link
 * java.lang.NullPointerException} and {@link java.lang.IllegalArgumentException}, with a message
 * naming the argument; misuse of an object's life cycle (a transaction used after its commit) with
 * {@link java.lang.IllegalStateException}.
 */
package dev.shaledb.error;
