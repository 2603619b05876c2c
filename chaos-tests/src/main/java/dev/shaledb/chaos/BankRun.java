package dev.shaledb.chaos;

import dev.shaledb.Db;
import dev.shaledb.Transaction;
import dev.shaledb.TransactionOptions;
import dev.shaledb.WriteBatch;
import dev.shaledb.WriteOptions;
import dev.shaledb.error.SnapshotTooOldException;
import dev.shaledb.error.TransactionConflictException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.MeteredObjectStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The bank workload for one seed: {@code accounts} accounts created in one batch, then transfers,
 * each a transaction that reads two balances and writes both, several open at once so that they
 * race (and conflict), under the seed's faults and crash points. While transfers run, an auditor
 * thread sums the balances by scan and by snapshot; between cycles every audit runs on the
 * recovered database. The total never changes (or is 0 if the opening batch never landed).
 */
public final class BankRun {
  private static final long OPENING_BALANCE = 1000;
  private static final List<BankAudit> AUDITS =
      List.of(BankAudit.GETS, BankAudit.SCAN, BankAudit.SNAPSHOT);

  private final long seed;
  private final int accounts;
  private final int transfers;
  private final SplittableRandom random;
  private final FaultPlan plan;
  private final InMemoryObjectStore raw = new InMemoryObjectStore();
  private final MeteredObjectStore shared = new MeteredObjectStore(raw);
  private final CorruptionAudit corruption = new CorruptionAudit(raw);
  private final Tally tally = new Tally();
  private final Stalls stalls;
  private final Map<FaultKind, Long> faults =
      java.util.Collections.synchronizedMap(new EnumMap<>(FaultKind.class));
  private long counter;
  private int nextProcess = 1;

  public BankRun(long seed, int accounts, int transfers) {
    this.seed = seed;
    this.accounts = accounts;
    this.transfers = transfers;
    this.random = new SplittableRandom(seed);
    this.plan = SeedRun.planFor(seed);
    this.stalls = new Stalls(raw, SeedRun.PATH, seed, tally, !plan.equals(FaultPlan.none()));
  }

  public FaultPlan plan() {
    return plan;
  }

  public MeteredObjectStore store() {
    return shared;
  }

  public Tally run() {
    int done = 0;
    try {
      while (done < transfers && tally.findings().isEmpty()) {
        done += cycle(Math.min(transfers - done, 20 + random.nextInt(150)));
        audit(reopen(), true);
      }
    } catch (RuntimeException | InterruptedException | java.util.concurrent.ExecutionException e) {
      tally.finding("bank harness or engine failure: " + SeedRun.stackHead(e));
    } finally {
      stalls.close();
    }
    corruption.classify(tally);
    tally.faults(faults);
    return tally;
  }

  private int cycle(int n) throws InterruptedException, java.util.concurrent.ExecutionException {
    ChaosProcess p = open();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService auditor = Executors.newSingleThreadExecutor();
    int done = 0;
    try {
      Future<?> audits =
          auditor.submit(
              () -> {
                while (!stop.get() && !p.isDead()) {
                  audit(p.db(), false);
                  java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                }
              });
      Db db = p.db();
      if (BankAudit.SCAN.sum(db, accounts) == 0) {
        WriteBatch open = new WriteBatch();
        for (int i = 0; i < accounts; i++) {
          open.put(key(i), value(OPENING_BALANCE));
        }
        db.write(open);
      }
      while (done < n && !p.isDead()) {
        done += transfers(db);
      }
      stop.set(true);
      audits.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("bank auditor did not stop", e);
    } catch (RuntimeException e) {
      // A failed write or read ends this process, as a crash would.
    } finally {
      stop.set(true);
      auditor.shutdown();
      auditor.awaitTermination(30, TimeUnit.SECONDS);
      CrashPoint fired = p.boundary().fired();
      p.kill(faults);
      if (fired != null) {
        tally.crash(fired);
      }
    }
    return Math.max(done, 1);
  }

  /**
   * One to three transfers as transactions, interleaved on this thread so that the seed replays
   * them: all read their two balances, then all write, then they commit in a random order. Two that
   * share an account conflict; if a stale one committed, the audits' sums would be off. Returns the
   * transfers committed (at least 1, so a cycle ends).
   */
  private int transfers(Db db) {
    int k = 1 + random.nextInt(3);
    List<Transaction> open = new ArrayList<>();
    try {
      for (int i = 0; i < k; i++) {
        Transaction t =
            db.beginTransaction(
                random.nextBoolean()
                    ? TransactionOptions.serializable()
                    : TransactionOptions.snapshotIsolation());
        open.add(t);
        int from = random.nextInt(accounts);
        int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
        long a = BankAudit.balance(t.get(key(from)));
        long b = BankAudit.balance(t.get(key(to)));
        long amount = random.nextInt(50);
        t.put(key(from), value(a - amount));
        t.put(key(to), value(b + amount));
      }
      Collections.shuffle(open, new java.util.Random(random.nextLong()));
      int committed = 0;
      for (Transaction t : open) {
        try {
          t.commit(random.nextBoolean() ? WriteOptions.durable() : WriteOptions.noWait());
          tally.inc(Stat.BANK_TRANSFERS);
          committed++;
        } catch (TransactionConflictException e) {
          tally.inc(Stat.BANK_CONFLICTS);
        }
      }
      return Math.max(committed, 1);
    } finally {
      open.forEach(Transaction::close);
    }
  }

  private ChaosProcess open() {
    for (int attempt = 0; ; attempt++) {
      boolean arm = attempt == 0 && random.nextBoolean();
      CrashPoint point = arm ? CrashPoint.values()[random.nextInt(6)] : null;
      int nth = 1 + random.nextInt(20);
      ChaosProcess.Spec spec =
          new ChaosProcess.Spec(
              nextProcess++,
              attempt < 4 ? plan : FaultPlan.none(),
              seed * 31 + nextProcess,
              ChaosProcess.tinyOptions());
      try {
        tally.inc(Stat.PROCESSES);
        return ChaosProcess.open(
            shared,
            SeedRun.PATH,
            spec,
            b -> {
              if (point != null) {
                b.arm(point, nth);
              }
            },
            faults,
            corruption,
            stalls);
      } catch (RuntimeException e) {
        if (attempt >= 4) {
          throw e;
        }
        tally.inc(Stat.OPEN_FAILURES_RETRIED);
      }
    }
  }

  private Db reopen() {
    return Db.open(shared, SeedRun.PATH, ChaosProcess.tinyOptions());
  }

  /** Runs the audits; {@code all} includes the get audit and closes {@code db} after. */
  private void audit(Db db, boolean all) {
    try {
      for (BankAudit audit : AUDITS) {
        if (!all && !audit.pointInTime()) {
          continue;
        }
        long sum;
        try {
          sum = audit.sum(db, accounts);
        } catch (RuntimeException e) {
          if (all) {
            throw e;
          }
          continue; // a dead or faulty process's read failing is not a broken sum
        }
        check(audit.name(), sum, all);
      }
      // A read-only reader in another "process": the durable state must balance too. It may
      // stall in its catch-up, and a stall's GC may collect the tables it then scans.
      Long readerSum = null;
      for (int attempt = 0; readerSum == null && attempt < 3; attempt++) {
        try {
          readerSum = BankAudit.sumReader(stalls.readerStore(shared), SeedRun.PATH, accounts);
        } catch (RuntimeException e) {
          if (Causes.causedBy(e, SnapshotTooOldException.class)) {
            tally.inc(Stat.READS_TOO_OLD); // allowed: the reader opens again
          } else if (all) {
            throw e;
          } else {
            readerSum = 0L; // the store under a dying writer may be mid-change; recovery re-checks
          }
        }
      }
      if (readerSum != null) {
        check("reader", readerSum, all);
      }
    } finally {
      if (all) {
        db.close();
      }
    }
  }

  private void check(String audit, long sum, boolean all) {
    tally.inc(Stat.BANK_AUDITS);
    if (sum != 0 && sum != accounts * OPENING_BALANCE) {
      tally.inc(Stat.BANK_AUDITS_FAILED);
      tally.finding("bank audit by " + audit + " summed " + sum + (all ? " after recovery" : ""));
    }
  }

  private static byte[] key(int i) {
    return BankAudit.account(i).getBytes(StandardCharsets.UTF_8);
  }

  private byte[] value(long balance) {
    return (balance + ":" + seed + ":" + counter++).getBytes(StandardCharsets.UTF_8);
  }
}
