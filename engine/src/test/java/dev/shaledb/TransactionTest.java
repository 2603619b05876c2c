package dev.shaledb;

import static dev.shaledb.Testing.b;
import static dev.shaledb.Testing.keys;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.TransactionConflictException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a {@link Transaction} promises, case by case; the model test covers the combinations. */
class TransactionTest {
  private Db db;

  @BeforeEach
  void open() {
    db = Db.open(new InMemoryObjectStore(), "db");
  }

  @AfterEach
  void close() {
    db.close();
  }

  private static String s(byte[] v) {
    return v == null ? null : new String(v, java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void readsSeeTheSnapshotUnderTheTransactionsOwnWrites() {
    db.put(b("a"), b("1"));
    db.put(b("b"), b("2"));
    db.put(b("c"), b("3"));
    try (Transaction t = db.beginTransaction()) {
      db.put(b("a"), b("later")); // after the snapshot: not seen
      t.put(b("b"), b("own"));
      t.delete(b("c"));
      t.put(b("d"), b("new"));
      assertThat(s(t.get(b("a")))).isEqualTo("1");
      assertThat(s(t.get(b("b")))).isEqualTo("own");
      assertThat(t.get(b("c"))).isNull();
      assertThat(t.multiGet(List.of(b("a"), b("b"), b("c"), b("d"), b("e"))))
          .extracting(TransactionTest::s)
          .containsExactly("1", "own", null, "new", null);
      try (DbIterator it = t.scan(null, null)) {
        assertThat(keys(it)).containsExactly("a", "b", "d");
      }
      try (DbIterator it = t.scanReverse(b("b"), null)) {
        assertThat(keys(it)).containsExactly("d", "b");
      }
      try (DbIterator it = t.scan(null, null)) {
        it.seek(b("c"));
        assertThat(s(it.next().key())).isEqualTo("d");
        it.seekToLast();
        assertThat(s(it.next().key())).isEqualTo("d");
        assertThat(it.hasNext()).isFalse();
        it.seekToFirst();
        assertThat(keys(it)).containsExactly("a", "b", "d");
      }
      assertThat(s(db.get(b("b")))).as("nothing is visible before commit").isEqualTo("2");
      t.commit();
      assertThat(t.commitSequence()).isPositive();
    }
    assertThat(s(db.get(b("a")))).isEqualTo("later");
    assertThat(s(db.get(b("b")))).isEqualTo("own");
    assertThat(db.get(b("c"))).isNull();
    assertThat(s(db.get(b("d")))).isEqualTo("new");
  }

  @Test
  void aWriteWriteConflictFailsTheLaterCommitNamesTheKeyAndAppliesNothing() {
    db.put(b("k"), b("0"));
    Transaction first = db.beginTransaction();
    Transaction second = db.beginTransaction();
    first.put(b("k"), b("first"));
    second.put(b("k"), b("second"));
    second.put(b("other"), b("x"));
    first.commit();
    assertThatThrownBy(second::commit)
        .isInstanceOfSatisfying(
            TransactionConflictException.class,
            e -> {
              assertThat(e.key()).isEqualTo(b("k"));
              assertThat(e.getMessage()).contains("\"k\"").contains("writes");
            });
    assertThat(s(db.get(b("k")))).isEqualTo("first");
    assertThat(db.get(b("other"))).as("nothing of the failed transaction").isNull();
    assertThatThrownBy(() -> second.put(b("k"), b("again")))
        .isInstanceOf(IllegalStateException.class);
    second.close();
  }

  @Test
  void commitAsyncAppliesAtOnceAndCompletesWhenDurableOrThrowsAConflictAtOnce() {
    Transaction t = db.beginTransaction();
    Transaction loser = db.beginTransaction();
    t.put(b("k"), b("async"));
    loser.put(b("k"), b("loser"));
    java.util.concurrent.CompletableFuture<Void> durable = t.commitAsync();
    assertThat(s(db.get(b("k")))).as("visible when commitAsync returns").isEqualTo("async");
    assertThat(t.commitSequence()).isPositive();
    durable.join();
    assertThatThrownBy(loser::commitAsync).isInstanceOf(TransactionConflictException.class);
    assertThat(s(db.get(b("k")))).isEqualTo("async");
    assertThatThrownBy(t::commitAsync).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aPlainWriteAfterTheSnapshotConflictsToo() {
    Transaction t = db.beginTransaction();
    t.put(b("k"), b("txn"));
    db.put(b("k"), b("plain"));
    assertThatThrownBy(t::commit).isInstanceOf(TransactionConflictException.class);
    assertThat(s(db.get(b("k")))).isEqualTo("plain");
  }

  /** Two on-call doctors each go off call if the other is on: SI lets both, serializable one. */
  @Test
  void writeSkewCommitsUnderSnapshotIsolationAndIsRefusedUnderSerializable() {
    for (IsolationLevel level : IsolationLevel.values()) {
      db.put(b("alice"), b("on"));
      db.put(b("bob"), b("on"));
      TransactionOptions options = new TransactionOptions(level, 1000);
      Transaction a = db.beginTransaction(options);
      Transaction bob = db.beginTransaction(options);
      assertThat(s(a.get(b("bob")))).isEqualTo("on");
      assertThat(s(bob.get(b("alice")))).isEqualTo("on");
      a.put(b("alice"), b("off"));
      bob.put(b("bob"), b("off"));
      a.commit();
      if (level == IsolationLevel.SNAPSHOT) {
        bob.commit();
        assertThat(s(db.get(b("alice"))) + s(db.get(b("bob")))).isEqualTo("offoff");
      } else {
        assertThatThrownBy(bob::commit)
            .isInstanceOfSatisfying(
                TransactionConflictException.class, e -> assertThat(e.key()).isEqualTo(b("alice")));
        assertThat(s(db.get(b("bob")))).isEqualTo("on");
      }
    }
  }

  @Test
  void aSerializableScanConflictsWithAnInsertIntoItsRange() {
    db.put(b("order/1"), b("x"));
    Transaction t = db.beginTransaction(TransactionOptions.serializable());
    try (DbIterator it = t.scan(b("order/"), b("order0"))) {
      assertThat(keys(it)).containsExactly("order/1");
    }
    t.put(b("count"), b("1"));
    db.put(b("order/2"), b("y")); // a phantom
    db.put(b("zzz"), b("outside the range"));
    assertThatThrownBy(t::commit)
        .isInstanceOfSatisfying(
            TransactionConflictException.class, e -> assertThat(e.key()).isEqualTo(b("order/2")));
    assertThat(db.get(b("count"))).isNull();
  }

  @Test
  void readOnlyTransactionsAlwaysCommitAndRollbackOrCloseDiscard() {
    Transaction reader = db.beginTransaction(TransactionOptions.serializable());
    reader.get(b("k"));
    db.put(b("k"), b("v"));
    reader.commit();
    assertThat(reader.commitSequence()).isEqualTo(-1);

    Transaction rolled = db.beginTransaction();
    rolled.put(b("r"), b("1"));
    rolled.rollback();
    rolled.close(); // idempotent after rollback
    try (Transaction closed = db.beginTransaction()) {
      closed.put(b("c"), b("1"));
    }
    assertThat(db.get(b("r"))).isNull();
    assertThat(db.get(b("c"))).isNull();
    assertThatThrownBy(rolled::commit)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("rolled back");
  }

  @Test
  void misuseFailsWithItsExceptionAndLeavesTheDatabaseAsItWas() {
    Transaction t = db.beginTransaction();
    t.put(b("k"), b("v"));
    t.commit();
    assertThatThrownBy(t::commit)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("committed");
    assertThatThrownBy(() -> t.get(b("k"))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> t.delete(b("k"))).isInstanceOf(IllegalStateException.class);
    assertThat(s(db.get(b("k")))).isEqualTo("v");

    try (Transaction big = db.beginTransaction()) {
      byte[] value = new byte[16 << 20];
      big.put(b("big0"), value);
      big.put(b("big1"), value);
      big.put(b("big2"), value);
      assertThatThrownBy(() -> big.put(b("big3"), value))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("unchanged");
      assertThatThrownBy(() -> big.put(null, b("v"))).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> big.put(new byte[0], b("v")))
          .isInstanceOf(IllegalArgumentException.class);
      big.put(b("big0"), b("small")); // replacing a key frees its bytes
      big.put(b("big3"), value);
      big.commit();
    }
    assertThat(db.get(b("big3"))).hasSize(16 << 20);
    assertThat(s(db.get(b("big0")))).isEqualTo("small");
  }

  @Test
  void aTransactionOnAClosedDatabaseFailsWithDbClosed() {
    Transaction t = db.beginTransaction();
    t.put(b("k"), b("v"));
    db.close();
    assertThatThrownBy(() -> t.get(b("x"))).isInstanceOf(DbClosedException.class);
    assertThatThrownBy(t::commit).isInstanceOf(DbClosedException.class);
    assertThatThrownBy(() -> db.beginTransaction()).isInstanceOf(DbClosedException.class);
    t.close();
  }

  @Test
  void aTransactionOlderThanTheConflictHistoryFailsInsteadOfMissingAConflict() {
    db.close();
    db =
        Db.open(
            new InMemoryObjectStore(),
            "db",
            DbOptions.builder().conflictHistoryBytes(4096).build());
    Transaction old = db.beginTransaction();
    old.put(b("mine"), b("1"));
    for (int i = 0; i < 100; i++) {
      db.put(b("other-" + i), b("x")); // more keys than 4 KiB of history holds
    }
    assertThatThrownBy(old::commit)
        .isInstanceOfSatisfying(
            TransactionConflictException.class,
            e -> {
              assertThat(e.key()).isNull();
              assertThat(e.getMessage()).contains("conflictHistoryBytes");
            });
    assertThat(db.get(b("mine"))).isNull();
    try (Transaction fresh = db.beginTransaction()) {
      fresh.put(b("mine"), b("2"));
      fresh.commit();
    }
    assertThat(s(db.get(b("mine")))).isEqualTo("2");
  }

  @Test
  void serializablePointReadsPastTheLimitCollapseIntoARangeThatStillCatchesConflicts() {
    for (int i = 0; i < 10; i++) {
      db.put(b("k" + i), b("0"));
    }
    Transaction t = db.beginTransaction(TransactionOptions.serializable().withMaxTrackedReads(3));
    for (int i = 0; i < 10; i += 2) {
      t.get(b("k" + i));
    }
    t.put(b("result"), b("1"));
    db.put(
        b("k5"), b("1")); // not read, but inside the collapsed range: a (documented) false conflict
    assertThatThrownBy(t::commit).isInstanceOf(TransactionConflictException.class);
  }

  @Test
  void openTransactionsDoNotHoldBackFlushesAndKeepWhatTheyRead() throws Exception {
    db.close();
    db = Db.open(new InMemoryObjectStore(), "db", DbModelPropertyTest.tinyOptions());
    for (int i = 0; i < 200; i++) {
      db.put(b(String.format("k%03d", i)), b("old" + i));
    }
    try (Transaction t = db.beginTransaction()) {
      for (int i = 0; i < 200; i++) {
        db.put(b(String.format("k%03d", i)), b("new" + i));
      }
      db.engine().flushMemtables();
      assertThat(db.awaitCompactions(java.time.Duration.ofSeconds(30))).isTrue();
      assertThat(db.stats().memtableFlushes()).isPositive();
      for (int i = 0; i < 200; i += 7) {
        assertThat(s(t.get(b(String.format("k%03d", i))))).isEqualTo("old" + i);
      }
    }
  }

  @Test
  void conditionalWritesSeeTheCurrentValue() {
    assertThat(db.putIfAbsent(b("k"), b("1"))).isTrue();
    assertThat(db.putIfAbsent(b("k"), b("2"))).isFalse();
    assertThat(db.compareAndSet(b("k"), b("2"), b("3"), WriteOptions.durable())).isFalse();
    assertThat(db.compareAndSet(b("k"), b("1"), b("3"), WriteOptions.durable())).isTrue();
    assertThat(db.compareAndSet(b("k"), b("3"), null, WriteOptions.durable())).isTrue();
    assertThat(db.get(b("k"))).isNull();
    assertThat(db.compareAndSet(b("k"), null, b("4"), WriteOptions.noWait())).isTrue();
    assertThat(s(db.get(b("k")))).isEqualTo("4");
    assertThatThrownBy(() -> db.compareAndSet(null, null, b("x"), WriteOptions.durable()))
        .isInstanceOf(NullPointerException.class);
    assertThat(s(db.get(b("k")))).isEqualTo("4");
  }

  /** Counters incremented by compare-and-set from racing threads lose no increment. */
  @Test
  void racingCompareAndSetIncrementsLoseNothing() throws Exception {
    int threads = 4;
    int increments = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 5; round++) {
        byte[] key = b("counter-" + round);
        db.put(key, b("0"));
        List<Future<Integer>> work = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          work.add(
              pool.submit(
                  () -> {
                    int lost = 0;
                    for (int i = 0; i < increments; i++) {
                      while (true) {
                        byte[] current = db.get(key);
                        byte[] next = b(Integer.toString(Integer.parseInt(s(current)) + 1));
                        if (db.compareAndSet(key, current, next, WriteOptions.noWait())) {
                          break;
                        }
                        lost++;
                      }
                    }
                    return lost;
                  }));
        }
        int lost = 0;
        for (Future<Integer> f : work) {
          lost += f.get();
        }
        assertThat(s(db.get(key))).isEqualTo(Integer.toString(threads * increments));
        assertThat(lost).as("round " + round + ": compare-and-set lost races").isNotNegative();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void racingTransactionsOnOneKeyCommitExactlyOncePerWinner() throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 50; round++) {
        byte[] key = b("hot-" + round);
        List<Transaction> txns = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          Transaction txn = db.beginTransaction();
          txn.put(key, b("t" + t));
          txns.add(txn);
        }
        List<Future<Boolean>> commits = new ArrayList<>();
        for (Transaction txn : txns) {
          commits.add(
              pool.submit(
                  () -> {
                    try {
                      txn.commit(WriteOptions.noWait());
                      return true;
                    } catch (TransactionConflictException e) {
                      return false;
                    }
                  }));
        }
        int winners = 0;
        int winner = -1;
        for (int t = 0; t < threads; t++) {
          if (commits.get(t).get()) {
            winners++;
            winner = t;
          }
        }
        assertThat(winners).as("round " + round).isEqualTo(1);
        assertThat(s(db.get(key))).isEqualTo("t" + winner);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void keysAreComparedAsUnsignedBytes() {
    byte[] high = {(byte) 0xF0};
    byte[] low = {0x10};
    Transaction t = db.beginTransaction(TransactionOptions.serializable());
    try (DbIterator it = t.scan(high, null)) {
      assertThat(it.hasNext()).isFalse();
    }
    t.put(b("x"), b("1"));
    db.put(low, b("outside")); // below the scanned range [0xF0, ...): no conflict
    t.commit();
    assertThat(Arrays.equals(db.get(b("x")), b("1"))).isTrue();
  }
}
