package dev.shaledb;

import static java.util.Objects.requireNonNull;

import dev.shaledb.core.DbCore;
import dev.shaledb.core.OpenWriters;
import dev.shaledb.gc.Checkpoints;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.support.Keys;
import dev.shaledb.txn.ConditionalWrite;
import dev.shaledb.wal.WalEntry;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * A key-value database whose only durable home is an object store.
 *
 * <p>Keys and values are byte arrays; keys are ordered by unsigned bytes, 1 to 65,535 bytes long;
 * values are at most 16 MiB. Every write gets a sequence number; a {@link WriteBatch} is applied
 * atomically under one. By default a write returns once it is durable in the object store ({@link
 * WriteOptions}). Reads see every accepted write unless {@link ReadOptions} says otherwise.
 *
 * <p>For an initial load, {@link DbOptions#bulkLoad()} opens the database without a WAL: writes
 * (with {@link WriteOptions#noWait()}; durable ones are refused with {@link
 * dev.shaledb.error.BulkLoadModeException}) are uploaded once, as tables, and become durable only
 * when their memtable's flush is published; a crash loses every write since. {@link #flush()} and
 * {@link #close()} publish them.
 *
 * <p>One process at a time may write a database: {@link #open} fences the previous writer, whose
 * next write (and every later one) fails with {@link dev.shaledb.error.FencedException}. No write
 * that was acknowledged as durable is ever lost, whichever writer crashes or stalls; see
 * docs/protocol.md.
 *
 * <p>Thread-safe. The database does not close the {@link ObjectStore} it was opened on.
 *
 * <p>Exceptions: arguments are checked first ({@link NullPointerException}, {@link
 * IllegalArgumentException}) and a rejected call changes nothing. Use after {@link #close()} throws
 * {@link dev.shaledb.error.DbClosedException}; a corrupt object read throws {@link
 * dev.shaledb.error.CorruptObjectException} naming it; a write blocked too long by the memory
 * budget throws {@link dev.shaledb.error.WriteStallException}; a durable write whose upload has an
 * unknown outcome throws {@link dev.shaledb.error.OutcomeUnknownException} (it may or may not be
 * durable; a reopen tells).
 */
public final class Db implements AutoCloseable {
  private final DbCore engine;
  private final OpenWriters.Registration registration;

  private Db(DbCore engine, OpenWriters.Registration registration) {
    this.engine = engine;
    this.registration = registration;
  }

  /** Opens (or creates) the database at the root of {@code store} with default options. */
  public static Db open(ObjectStore store) {
    return open(store, "", DbOptions.defaults());
  }

  /** Opens (or creates) the database under {@code path} in {@code store} with default options. */
  public static Db open(ObjectStore store, String path) {
    return open(store, path, DbOptions.defaults());
  }

  /**
   * Opens (or creates) the database under {@code path} ("" for the store root): fences any previous
   * writer, replays its durable WAL objects, and starts serving. Blocks until that is done.
   *
   * @throws dev.shaledb.error.FencedException if another writer opened the database meanwhile
   * @throws dev.shaledb.error.UnsupportedFormatException if the path holds another format version
   * @throws dev.shaledb.error.ForeignObjectsException if the path has no database yet but holds
   *     other objects or files, unless {@link DbOptions#allowForeignObjects()}; nothing is created
   * @throws dev.shaledb.error.DbAlreadyOpenException if this process has the database open already
   *     on the same store instance (and neither open allows an in-process takeover); nothing is
   *     opened, and the open instance is unaffected
   */
  public static Db open(ObjectStore store, String path, DbOptions options) {
    requireNonNull(store, "store is null");
    requireNonNull(path, "path is null");
    requireNonNull(options, "options is null");
    ManifestKeys.validateDbPath(path);
    OpenWriters.Registration registration =
        options.allowInProcessTakeover() ? OpenWriters.NONE : OpenWriters.register(store, path);
    try {
      return new Db(DbCore.open(store, path, options), registration);
    } catch (RuntimeException | Error e) {
      registration.release();
      throw e;
    }
  }

  /** Stores {@code value} under {@code key}; returns when durable. */
  public void put(byte[] key, byte[] value) {
    put(key, value, WriteOptions.durable());
  }

  /** Stores {@code value} under {@code key}. */
  public void put(byte[] key, byte[] value, WriteOptions options) {
    write(new WriteBatch().put(key, value), options);
  }

  /**
   * Stores {@code value} under {@code key} until {@code ttl} after now by this writer's clock; see
   * {@link WriteBatch#put(byte[], byte[], Duration)}. Returns when durable.
   */
  public void put(byte[] key, byte[] value, Duration ttl) {
    write(new WriteBatch().put(key, value, ttl), WriteOptions.durable());
  }

  /**
   * Merges {@code operand} into {@code key}'s value with {@link DbOptions#mergeOperator()}: reads
   * see {@code fullMerge(key, value before, [operands since, oldest first])}. A blind write:
   * nothing is read. Returns when durable.
   */
  public void merge(byte[] key, byte[] operand) {
    merge(key, operand, WriteOptions.durable());
  }

  /** As {@link #merge(byte[], byte[])}, with {@code options}. */
  public void merge(byte[] key, byte[] operand, WriteOptions options) {
    write(new WriteBatch().merge(key, operand), options);
  }

  /**
   * Deletes every key {@code k} with {@code startInclusive <= k < endExclusive} in one write of
   * constant size, however many keys the range holds: reads skip what it covers without visiting
   * each key, and compaction drops the covered versions. Returns when durable.
   *
   * @throws IllegalArgumentException if {@code startInclusive} does not sort before {@code
   *     endExclusive}; nothing is written
   */
  public void deleteRange(byte[] startInclusive, byte[] endExclusive) {
    deleteRange(startInclusive, endExclusive, WriteOptions.durable());
  }

  /** As {@link #deleteRange(byte[], byte[])}, with {@code options}. */
  public void deleteRange(byte[] startInclusive, byte[] endExclusive, WriteOptions options) {
    write(new WriteBatch().deleteRange(startInclusive, endExclusive), options);
  }

  /** Removes {@code key} (a no-op if absent); returns when durable. */
  public void delete(byte[] key) {
    delete(key, WriteOptions.durable());
  }

  /** Removes {@code key} (a no-op if absent). */
  public void delete(byte[] key, WriteOptions options) {
    write(new WriteBatch().delete(key), options);
  }

  /** Applies {@code batch} atomically; returns when durable. */
  public void write(WriteBatch batch) {
    write(batch, WriteOptions.durable());
  }

  /** Applies {@code batch} atomically: all of its operations become visible together, or none. */
  public void write(WriteBatch batch, WriteOptions options) {
    requireNonNull(batch, "batch is null");
    requireNonNull(options, "options is null");
    engine.write(entries(batch), batch.approximateBytes(), options);
  }

  /**
   * Applies {@code batch} atomically as {@link #write(WriteBatch)} does, without waiting for
   * durability: the batch is visible to reads when this returns, and the future completes when it
   * is durable, or exceptionally with the error a durable {@link #write} would have thrown (a
   * {@link dev.shaledb.error.DbException}). One thread can so keep many durable writes in flight;
   * they share WAL uploads, which is how a few threads reach tens of thousands of durable writes a
   * second on S3. Like {@link #write}, the call itself may block when the memory budget is
   * exhausted.
   *
   * @throws dev.shaledb.error.BulkLoadModeException in bulk-load mode, where no write is durable
   *     before a flush; nothing is written
   */
  public CompletableFuture<Void> writeAsync(WriteBatch batch) {
    requireNonNull(batch, "batch is null");
    return engine.writeAsync(entries(batch), batch.approximateBytes());
  }

  private List<WalEntry> entries(WriteBatch batch) {
    return batch.entries(engine.nowMillis());
  }

  /** The value of {@code key}, or null if absent. */
  public byte[] get(byte[] key) {
    return get(key, ReadOptions.defaults());
  }

  /** The value of {@code key} as {@code options} sees the database, or null if absent. */
  public byte[] get(byte[] key, ReadOptions options) {
    Keys.checkKey(key);
    requireNonNull(options, "options is null");
    return engine.get(key, options);
  }

  /**
   * The values of {@code keys}, in order: element {@code i} is what {@link #get(byte[])} would
   * return for {@code keys.get(i)}, or null if absent. See {@link #multiGet(List, ReadOptions)}.
   */
  public List<byte[]> multiGet(List<byte[]> keys) {
    return multiGet(keys, ReadOptions.defaults());
  }

  /**
   * The values of {@code keys} as {@code options} sees the database, in order: element {@code i} is
   * the value of {@code keys.get(i)}, or null if absent. Keys may repeat. Every key is read at one
   * sequence number of one state, so the result is consistent as a snapshot's would be, even while
   * writes go on.
   *
   * <p>Keys not in memory are looked up source by source, and each source's block reads are issued
   * together, so N keys not in the block cache cost about one GET latency per table source holding
   * some of them rather than N (docs/engine.md, "Reading many keys"). An empty list returns an
   * empty list without a request.
   *
   * @return an unmodifiable list of {@code keys.size()} values (null for absent keys)
   * @throws NullPointerException if {@code keys}, one of its keys or {@code options} is null
   * @throws IllegalArgumentException if a key is empty or too long (the message names its index)
   */
  public List<byte[]> multiGet(List<byte[]> keys, ReadOptions options) {
    byte[][] checked = Keys.checkKeys(keys);
    requireNonNull(options, "options is null");
    return Collections.unmodifiableList(Arrays.asList(engine.multiGet(checked, options)));
  }

  /**
   * The keys in {@code [startInclusive, endExclusive)} in ascending order; a null bound is
   * unbounded. The iterator can seek ({@link DbIterator}).
   */
  public DbIterator scan(byte[] startInclusive, byte[] endExclusive) {
    return scan(startInclusive, endExclusive, ReadOptions.defaults());
  }

  /** The keys in {@code [startInclusive, endExclusive)} as {@code options} sees the database. */
  public DbIterator scan(byte[] startInclusive, byte[] endExclusive, ReadOptions options) {
    return scan(startInclusive, endExclusive, options, false);
  }

  /**
   * The keys in {@code [startInclusive, endExclusive)} in descending order, from the largest; a
   * null bound is unbounded. Reads as {@link #scan(byte[], byte[])} does, backwards: no range is
   * materialized.
   */
  public DbIterator scanReverse(byte[] startInclusive, byte[] endExclusive) {
    return scanReverse(startInclusive, endExclusive, ReadOptions.defaults());
  }

  /** As {@link #scanReverse(byte[], byte[])}, as {@code options} sees the database. */
  public DbIterator scanReverse(byte[] startInclusive, byte[] endExclusive, ReadOptions options) {
    return scan(startInclusive, endExclusive, options, true);
  }

  private DbIterator scan(byte[] start, byte[] end, ReadOptions options, boolean reverse) {
    Keys.checkBound(start, "startInclusive");
    Keys.checkBound(end, "endExclusive");
    requireNonNull(options, "options is null");
    return engine.scan(start, end, options, reverse);
  }

  /** The keys starting with {@code prefix}, ascending. */
  public DbIterator scanPrefix(byte[] prefix) {
    return scanPrefix(prefix, ReadOptions.defaults());
  }

  /** The keys starting with {@code prefix} as {@code options} sees the database. */
  public DbIterator scanPrefix(byte[] prefix, ReadOptions options) {
    requireNonNull(prefix, "prefix is null");
    Keys.checkBound(prefix, "prefix");
    return scan(prefix, Keys.prefixEnd(prefix), options, false);
  }

  /** The keys starting with {@code prefix}, descending. */
  public DbIterator scanPrefixReverse(byte[] prefix) {
    return scanPrefixReverse(prefix, ReadOptions.defaults());
  }

  /** The keys starting with {@code prefix}, descending, as {@code options} sees the database. */
  public DbIterator scanPrefixReverse(byte[] prefix, ReadOptions options) {
    requireNonNull(prefix, "prefix is null");
    Keys.checkBound(prefix, "prefix");
    return scan(prefix, Keys.prefixEnd(prefix), options, true);
  }

  /** A consistent view of the database as of now, for repeatable reads. */
  public Snapshot snapshot() {
    return engine.snapshot();
  }

  /** A transaction with snapshot isolation; see {@link Transaction}. */
  public Transaction beginTransaction() {
    return beginTransaction(TransactionOptions.snapshotIsolation());
  }

  /** A transaction isolated as {@code options} says; see {@link Transaction}. */
  public Transaction beginTransaction(TransactionOptions options) {
    requireNonNull(options, "options is null");
    return engine.beginTransaction(options);
  }

  /** Puts {@code value} under {@code key} if the key is absent; durable when it returns true. */
  public boolean putIfAbsent(byte[] key, byte[] value) {
    return compareAndSet(key, null, value, WriteOptions.durable());
  }

  /**
   * Sets {@code key} to {@code update} (null deletes it) if its current value equals {@code
   * expected} (null: the key is absent), atomically against every other write of this process;
   * returns whether it did. A {@code false} answer is what the key held at one moment during the
   * call. Durable as {@code options} asks.
   *
   * @throws dev.shaledb.error.TransactionConflictException if other writes of the key won the race
   *     a hundred times in a row; nothing was applied
   */
  public boolean compareAndSet(byte[] key, byte[] expected, byte[] update, WriteOptions options) {
    Keys.checkKey(key);
    if (update != null) {
      Keys.checkValue(update);
    }
    requireNonNull(options, "options is null");
    return ConditionalWrite.compareAndSet(
        () -> engine.beginTransaction(TransactionOptions.snapshotIsolation()),
        key,
        expected,
        update,
        options);
  }

  /**
   * Makes every write accepted so far durable; returns when it is. In bulk-load mode ({@link
   * DbOptions#bulkLoad()}) that freezes the active memtable and uploads every memtable as tables
   * listed in a published manifest, on the calling thread.
   *
   * @throws dev.shaledb.error.FencedException if another writer opened the database; in bulk-load
   *     mode the writes not yet flushed are then lost
   */
  public void flush() {
    engine.flush();
  }

  /**
   * Waits until this process's compactor has nothing left to do (for example before measuring space
   * or read amplification). Returns false on timeout, and at once if compaction is disabled here.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean awaitCompactions(Duration timeout) throws InterruptedException {
    requireNonNull(timeout, "timeout is null");
    return engine.awaitCompactions(timeout);
  }

  /** For tests in this package. */
  DbCore engine() {
    return engine;
  }

  /**
   * Collects garbage now, on the calling thread (see {@link GarbageCollector} and docs/gc.md):
   * removes expired checkpoints, retires old manifest versions and deletes unreferenced tables and
   * WAL objects, keeping everything {@link DbOptions#gc()}'s {@code minAge} protects. Runs are
   * serialised with the periodic ones.
   *
   * @throws dev.shaledb.error.FencedException if another writer opened the database
   */
  public GcResult collectGarbage() {
    return engine.collectGarbage();
  }

  /**
   * Flushes the memtables, then pins the resulting manifest version with a checkpoint; as {@link
   * #createCheckpoint(String, Duration, boolean)} with {@code flushFirst} true.
   */
  public Checkpoint createCheckpoint(String name, Duration lifetime) {
    return createCheckpoint(name, lifetime, true);
  }

  /**
   * Publishes a checkpoint: a pin on the manifest version it is published in, so that version and
   * every table it lists survive garbage collection until the checkpoint expires or is deleted. The
   * pinned version is {@link Checkpoint#manifestId()}; it holds the tables only (open it with a
   * reader of that manifest version), not the WAL.
   *
   * @param name a label, at most {@value Checkpoint#MAX_NAME_BYTES} UTF-8 bytes; may be empty
   * @param lifetime how long the pin lasts, measured with the object store's clock, positive and at
   *     most 36,500 days; null for a checkpoint that never expires
   * @param flushFirst true: upload every write accepted before this call as tables first, so the
   *     checkpoint holds all of them; false: pin the tables as they are (writes still only in the
   *     memtables or the WAL are not in the checkpoint)
   * @throws dev.shaledb.error.FencedException if another writer opened the database
   */
  public Checkpoint createCheckpoint(String name, Duration lifetime, boolean flushFirst) {
    Checkpoints.checkArguments(name, lifetime);
    return engine.createCheckpoint(name, lifetime, flushFirst);
  }

  /**
   * Creates a clone of this database at {@code targetPath} in the same store: flushes the memtables
   * (so the clone holds every write accepted before this call, durable or not), then creates a new
   * database that shares this one's tables without copying them; see {@link Clones}.
   *
   * @throws dev.shaledb.error.DbExistsException if a database exists at {@code targetPath}
   * @throws dev.shaledb.error.FencedException if another writer opened this database
   */
  public CloneInfo createClone(String targetPath) {
    ManifestKeys.validateDbPath(requireNonNull(targetPath, "targetPath is null"));
    return Clones.info(engine.createClone(targetPath), targetPath);
  }

  /**
   * The checkpoints of the latest manifest version, oldest first. Expired checkpoints stay listed
   * until garbage collection removes them; {@link Checkpoint#isExpired} tells.
   */
  public List<Checkpoint> listCheckpoints() {
    return engine.listCheckpoints();
  }

  /**
   * Removes checkpoint {@code id}; its version and tables become garbage unless something else
   * keeps them. Returns false (publishing nothing) if there is no such checkpoint.
   */
  public boolean deleteCheckpoint(UUID id) {
    requireNonNull(id, "id is null");
    return engine.deleteCheckpoint(id);
  }

  /** Counters since open. */
  public DbStats stats() {
    return engine.stats();
  }

  /**
   * Stops accepting writes, makes accepted ones durable, flushes the memtables to tables (unless
   * {@link DbOptions#flushOnClose()} is false), stops background work and releases caches.
   * Idempotent; the first failure is thrown once and the database is closed regardless. In
   * bulk-load mode a close that returns normally has published every accepted write; if it could
   * not (the database was fenced, or an upload failed), it throws, and those writes are lost.
   */
  @Override
  public void close() {
    try {
      engine.close();
    } finally {
      registration.release(); // from now on this process may open the database again
    }
  }
}
