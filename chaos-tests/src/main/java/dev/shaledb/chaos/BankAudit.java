package dev.shaledb.chaos;

import dev.shaledb.Db;
import dev.shaledb.DbIterator;
import dev.shaledb.DbReader;
import dev.shaledb.DbReaderOptions;
import dev.shaledb.KeyValue;
import dev.shaledb.ReadOptions;
import dev.shaledb.Snapshot;
import dev.shaledb.error.DbNotFoundException;
import dev.shaledb.objectstore.ObjectStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One way of reading every account of the {@link BankRun} at one moment and summing the balances.
 * Each must see the same total whatever transfers run concurrently, because every transfer is one
 * atomic batch. A {@code DbReader} audit plugs in as another implementation once it exists.
 */
public interface BankAudit {
  /** A name for the report and failures. */
  String name();

  /** The sum of all balances, or -1 if some account is missing while others exist. */
  long sum(Db db, int accounts);

  /** Whether this audit is consistent under concurrent transfers (a single get per key is not). */
  boolean pointInTime();

  /** The key of account {@code i}. */
  static String account(int i) {
    return String.format("acct%03d", i);
  }

  /**
   * Sums the accounts a durable-state {@link DbReader} sees: every transfer is one batch in one WAL
   * object, so a reader's view is a point in time too. Returns 0 for a database not created yet.
   */
  static long sumReader(ObjectStore store, String path, int accounts) {
    DbReaderOptions options = DbReaderOptions.builder().pollInterval(Duration.ZERO).build();
    try (DbReader reader = DbReader.open(store, path, options);
        DbIterator it = reader.scanPrefix("acct".getBytes(StandardCharsets.UTF_8))) {
      long sum = 0;
      int seen = 0;
      while (it.hasNext()) {
        sum += balance(it.next().value());
        seen++;
      }
      return seen == accounts ? sum : seen == 0 ? 0 : -1;
    } catch (DbNotFoundException e) {
      return 0;
    }
  }

  /** The balance a value holds: its text up to the first ':'. */
  static long balance(byte[] value) {
    String s = new String(value, StandardCharsets.UTF_8);
    return Long.parseLong(s.substring(0, s.indexOf(':')));
  }

  /** Sums by {@link Db#get}, one key at a time: only valid while no transfer runs. */
  BankAudit GETS =
      new BankAudit() {
        @Override
        public String name() {
          return "get";
        }

        @Override
        public long sum(Db db, int accounts) {
          return sumGets(db, accounts, ReadOptions.defaults());
        }

        @Override
        public boolean pointInTime() {
          return false;
        }
      };

  /** Sums one scan of the account range. */
  BankAudit SCAN =
      new BankAudit() {
        @Override
        public String name() {
          return "scan";
        }

        @Override
        public long sum(Db db, int accounts) {
          long sum = 0;
          int seen = 0;
          try (DbIterator it = db.scanPrefix("acct".getBytes(StandardCharsets.UTF_8))) {
            while (it.hasNext()) {
              KeyValue kv = it.next();
              sum += balance(kv.value());
              seen++;
            }
          }
          return seen == accounts ? sum : seen == 0 ? 0 : -1;
        }

        @Override
        public boolean pointInTime() {
          return true;
        }
      };

  /** Sums gets at one snapshot. */
  BankAudit SNAPSHOT =
      new BankAudit() {
        @Override
        public String name() {
          return "snapshot";
        }

        @Override
        public long sum(Db db, int accounts) {
          try (Snapshot s = db.snapshot()) {
            return sumGets(db, accounts, ReadOptions.defaults().withSnapshot(s));
          }
        }

        @Override
        public boolean pointInTime() {
          return true;
        }
      };

  private static long sumGets(Db db, int accounts, ReadOptions options) {
    long sum = 0;
    int seen = 0;
    for (int i = 0; i < accounts; i++) {
      byte[] v = db.get(account(i).getBytes(StandardCharsets.UTF_8), options);
      if (v != null) {
        sum += balance(v);
        seen++;
      }
    }
    return seen == accounts ? sum : seen == 0 ? 0 : -1;
  }
}
