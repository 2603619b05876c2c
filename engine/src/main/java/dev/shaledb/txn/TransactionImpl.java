package dev.shaledb.txn;

import static java.util.Objects.requireNonNull;

import dev.shaledb.DbIterator;
import dev.shaledb.IsolationLevel;
import dev.shaledb.ReadOptions;
import dev.shaledb.Snapshot;
import dev.shaledb.Transaction;
import dev.shaledb.TransactionOptions;
import dev.shaledb.WriteBatch;
import dev.shaledb.WriteOptions;
import dev.shaledb.support.Keys;
import dev.shaledb.support.Merges;
import dev.shaledb.wal.WalEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Transaction}: its own writes in a sorted map (last write of a key wins), reads at its
 * snapshot, and at commit one batch handed to the write path with a check that runs under the write
 * lock (docs/transactions.md).
 *
 * <p>Invariants: the snapshot and the conflict registration are released exactly once, by the first
 * of commit, rollback and close (a commit that reaches its check deregisters there, under the write
 * lock, and releases only the snapshot after); a commit that fails for any reason applies nothing
 * unless the write path accepted the batch, in which case the failure is the write path's (a fence
 * or WAL failure, reported as for any write); the own writes never exceed {@link
 * WriteBatch#MAX_BATCH_BYTES}, checked before a write is taken in, so a refused write leaves the
 * transaction as it was.
 */
public final class TransactionImpl implements Transaction {
  private enum State {
    OPEN,
    COMMITTED,
    ROLLED_BACK
  }

  /** What {@link WriteBatch} counts per entry beyond its key and value. */
  private static final long ENTRY_BYTES = 8;

  private final TransactionHost host;
  private final Snapshot snapshot;
  private final IsolationLevel isolation;
  private final ReadOptions atSnapshot;
  private final TreeMap<byte[], OwnWrite> writes = new TreeMap<>(Arrays::compareUnsigned);
  private final ReadSet reads;
  private long bytes;
  private long commitSeq = -1;
  private boolean deregistered; // by the commit's check, under the write lock
  private State state = State.OPEN;

  public TransactionImpl(TransactionHost host, Snapshot snapshot, TransactionOptions options) {
    this.host = requireNonNull(host, "host is null");
    this.snapshot = requireNonNull(snapshot, "snapshot is null");
    this.isolation = options.isolation();
    this.atSnapshot = ReadOptions.defaults().withSnapshot(snapshot);
    this.reads = new ReadSet(options.maxTrackedReads());
  }

  @Override
  public synchronized byte[] get(byte[] key) {
    checkOpen();
    Keys.checkKey(key);
    OwnWrite own = writes.get(key);
    if (own != null && own.operands() == null) {
      return own.isDelete() ? null : own.value().clone();
    }
    readKey(key);
    byte[] base = host.get(key, atSnapshot);
    return own == null ? base : own.over(key, base, this::fold);
  }

  private byte[] fold(byte[] key, byte[] base, List<byte[]> operands) {
    return Merges.fullMerge(host.mergeOperator(), key, base, operands);
  }

  @Override
  public synchronized List<byte[]> multiGet(List<byte[]> keys) {
    checkOpen();
    byte[][] checked = Keys.checkKeys(keys);
    List<byte[]> out = new ArrayList<>(checked.length);
    List<Integer> fromDb = new ArrayList<>();
    for (int i = 0; i < checked.length; i++) {
      OwnWrite own = writes.get(checked[i]);
      out.add(own == null || own.value() == null ? null : own.value().clone());
      if (own == null || own.operands() != null) {
        fromDb.add(i);
      }
    }
    byte[][] dbKeys = new byte[fromDb.size()][];
    for (int j = 0; j < dbKeys.length; j++) {
      dbKeys[j] = checked[fromDb.get(j)];
      readKey(dbKeys[j]);
    }
    byte[][] values = dbKeys.length == 0 ? new byte[0][] : host.multiGet(dbKeys, atSnapshot);
    for (int j = 0; j < values.length; j++) {
      OwnWrite own = writes.get(dbKeys[j]);
      out.set(fromDb.get(j), own == null ? values[j] : own.over(dbKeys[j], values[j], this::fold));
    }
    return out;
  }

  @Override
  public DbIterator scan(byte[] startInclusive, byte[] endExclusive) {
    return scan(startInclusive, endExclusive, false);
  }

  @Override
  public DbIterator scanReverse(byte[] startInclusive, byte[] endExclusive) {
    return scan(startInclusive, endExclusive, true);
  }

  private synchronized DbIterator scan(byte[] start, byte[] end, boolean reverse) {
    checkOpen();
    byte[] from = start == null ? null : Keys.checkBound(start, "startInclusive").clone();
    byte[] to = end == null ? null : Keys.checkBound(end, "endExclusive").clone();
    if (isolation == IsolationLevel.SERIALIZABLE) {
      reads.addRange(from, to);
    }
    NavigableMap<byte[], OwnWrite> range = writes;
    if (from != null && to != null) {
      range =
          Arrays.compareUnsigned(from, to) < 0
              ? writes.subMap(from, true, to, false)
              : new TreeMap<>();
    } else if (from != null) {
      range = writes.tailMap(from, true);
    } else if (to != null) {
      range = writes.headMap(to, false);
    }
    // A copy: the iterator shows the own writes as of now, as a database iterator shows the
    // database as of its creation.
    TreeMap<byte[], OwnWrite> own = new TreeMap<>(Arrays::compareUnsigned);
    own.putAll(range);
    return new OverlayIterator(own, r -> host.scan(from, to, atSnapshot, r), this::fold, reverse);
  }

  @Override
  public synchronized void put(byte[] key, byte[] value) {
    checkOpen();
    Keys.checkKey(key);
    Keys.checkValue(value);
    take(key.clone(), OwnWrite.put(value.clone()));
  }

  @Override
  public synchronized void delete(byte[] key) {
    checkOpen();
    Keys.checkKey(key);
    take(key.clone(), OwnWrite.DELETE);
  }

  @Override
  public synchronized void merge(byte[] key, byte[] operand) {
    checkOpen();
    Keys.checkKey(key);
    Keys.checkValue(operand);
    byte[] k = key.clone();
    OwnWrite before = writes.get(k);
    if (before == null || before.operands() != null) {
      // Waits for the snapshot's value: a read now would put the key in the read set.
      List<byte[]> ops = new ArrayList<>(before == null ? List.of() : before.operands());
      ops.add(operand.clone());
      take(k, OwnWrite.merges(ops));
    } else {
      take(k, OwnWrite.put(fold(k, before.value(), List.of(operand.clone()))));
    }
  }

  private void take(byte[] key, OwnWrite value) {
    OwnWrite before = writes.get(key);
    long after =
        bytes + value.size(key, ENTRY_BYTES) - (before == null ? 0 : before.size(key, ENTRY_BYTES));
    if (after > WriteBatch.MAX_BATCH_BYTES) {
      throw new IllegalArgumentException(
          "transaction would exceed the maximum of "
              + WriteBatch.MAX_BATCH_BYTES
              + " bytes of writes (one WAL batch); it holds "
              + bytes
              + " bytes in "
              + writes.size()
              + " keys, unchanged");
    }
    writes.put(key, value);
    bytes = after;
  }

  private void readKey(byte[] key) {
    if (isolation == IsolationLevel.SERIALIZABLE) {
      reads.addKey(key.clone());
    }
  }

  @Override
  public void commit() {
    commit(WriteOptions.durable());
  }

  @Override
  public synchronized void commit(WriteOptions options) {
    requireNonNull(options, "options is null");
    checkOpen();
    try {
      if (!writes.isEmpty()) {
        long seq = snapshot.sequence();
        commitSeq = host.write(batch(), bytes, options, index -> check(index, seq));
      }
      // A read-only transaction read one consistent snapshot: it is serializable as it is.
      state = State.COMMITTED;
    } finally {
      ended();
    }
  }

  @Override
  public synchronized CompletableFuture<Void> commitAsync() {
    checkOpen();
    try {
      CompletableFuture<Void> durable = CompletableFuture.completedFuture(null);
      if (!writes.isEmpty()) {
        long seq = snapshot.sequence();
        long[] last = new long[1];
        durable = host.writeAsync(batch(), bytes, index -> check(index, seq), last);
        commitSeq = last[0];
      }
      state = State.COMMITTED;
      return durable;
    } finally {
      ended();
    }
  }

  private List<WalEntry> batch() {
    List<WalEntry> batch = new ArrayList<>(writes.size());
    for (Map.Entry<byte[], OwnWrite> e : writes.entrySet()) {
      OwnWrite w = e.getValue();
      if (w.operands() != null) {
        for (byte[] op : w.operands()) {
          batch.add(WalEntry.merge(e.getKey(), op));
        }
      } else {
        batch.add(w.isDelete() ? WalEntry.delete(e.getKey()) : WalEntry.put(e.getKey(), w.value()));
      }
    }
    return batch;
  }

  /**
   * After a commit, whether or not it applied: what failed was not applied, or is the write path's.
   */
  private void ended() {
    if (state == State.OPEN) {
      state = State.ROLLED_BACK;
    }
    release();
  }

  /** Under the write lock: first committer wins on keys written; serializable also on reads. */
  private void check(ConflictIndex index, long seq) {
    try {
      index.checkFloor(seq);
      for (byte[] key : writes.keySet()) {
        index.checkKey(key, seq, "writes");
      }
      if (isolation == IsolationLevel.SERIALIZABLE) {
        reads.check(index, seq);
      }
    } finally {
      // Deregistered in the same critical section, saving the write lock a third acquisition per
      // transaction: the commit's own writes need no recording for it.
      index.close(seq);
      deregistered = true;
    }
  }

  @Override
  public synchronized void rollback() {
    checkOpen();
    state = State.ROLLED_BACK;
    release();
  }

  private void release() {
    writes.clear();
    try {
      if (!deregistered) {
        host.closeTransaction(snapshot.sequence());
      }
    } finally {
      snapshot.close();
    }
  }

  @Override
  public long snapshotSequence() {
    return snapshot.sequence();
  }

  @Override
  public synchronized long commitSequence() {
    if (state != State.COMMITTED) {
      throw new IllegalStateException("the transaction is not committed");
    }
    return commitSeq;
  }

  @Override
  public IsolationLevel isolation() {
    return isolation;
  }

  @Override
  public synchronized void close() {
    if (state == State.OPEN) {
      state = State.ROLLED_BACK;
      release();
    }
  }

  private void checkOpen() {
    if (state != State.OPEN) {
      throw new IllegalStateException(
          "the transaction is "
              + (state == State.COMMITTED ? "committed" : "rolled back")
              + ": begin a new one");
    }
  }
}
