package dev.shaledb.chaos;

import dev.shaledb.error.FencedException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The cycles of a {@link SeedRun} where two writers meet: a zombie paused past its fencing and
 * resumed, and two writers opening at once. Both leave the database to the run's verification.
 */
final class WriterRaces {
  private final SeedRun run;

  WriterRaces(SeedRun run) {
    this.run = run;
  }

  /** A writer paused past its fencing, then resumed: none of its later writes may succeed. */
  int zombieCycle(int budget) {
    ChaosProcess zombie = run.openWithRetries(null, 0, false);
    Workload zw = run.workload(zombie);
    int done = run.runOps(zw, zombie, budget / 3);
    zombie.boundary().pause();
    ExecutorService pending = Executors.newSingleThreadExecutor();
    ChaosProcess next = null;
    try {
      Future<Boolean> stalled = pending.submit(() -> zw.put(KeySpace.key(0), true));
      next = run.openWithRetries(null, 0, false);
      long fencedAt = run.oracle.tick();
      Workload nw = run.workload(next);
      done += run.runOps(nw, next, budget / 3);
      zombie.boundary().resume();
      zw.skipReadChecks();
      boolean stalledAcked = await(stalled);
      if (stalledAcked) {
        run.tally.inc(Stat.ZOMBIE_ACKS);
        run.tally.finding(
            "zombie write acknowledged after the next writer opened at tick " + fencedAt);
      }
      run.tally.inc(Stat.ZOMBIE_ATTEMPTS);
      for (int i = 0; i < 5; i++) {
        run.tally.inc(Stat.ZOMBIE_ATTEMPTS);
        if (zw.put(KeySpace.key(run.random.nextInt(run.keys)), true)) {
          run.tally.inc(Stat.ZOMBIE_ACKS);
          run.tally.finding("zombie write acknowledged after fencing (attempt " + i + ")");
        } else if (Causes.causedBy(zw.writeFailure(), FencedException.class)) {
          run.tally.inc(Stat.ZOMBIE_FENCED);
        }
      }
      if (zw.sawFenced()) {
        run.tally.inc(Stat.WRITERS_FENCED);
      }
      zw.finishHeld();
      run.end(zombie, false, null);
      done += run.runOps(nw, next, budget / 3);
      nw.finishHeld();
      run.end(next, run.random.nextBoolean() && nw.writeFailure() == null && !next.isDead(), null);
    } finally {
      pending.shutdownNow();
      zombie.close();
      if (next != null) {
        next.close();
      }
    }
    return Math.max(done, 1);
  }

  /** Two writers open at once; once both opened, at most one may still acknowledge writes. */
  int twinCycle(int budget) {
    run.tally.inc(Stat.TWIN_OPENS);
    ExecutorService opener = Executors.newFixedThreadPool(2);
    List<ChaosProcess> opened = new ArrayList<>();
    try {
      List<Future<ChaosProcess>> futures = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        ChaosProcess.Spec spec = run.spec();
        futures.add(
            opener.submit(
                () ->
                    ChaosProcess.open(
                        run.shared,
                        SeedRun.PATH,
                        spec,
                        b -> {},
                        run.faultsSync(),
                        run.corruption,
                        run.stalls)));
      }
      for (Future<ChaosProcess> f : futures) {
        try {
          opened.add(f.get(60, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException e) {
          run.tally.inc(Stat.OPEN_FAILURES_RETRIED);
        } catch (Exception e) {
          throw new IllegalStateException("twin open did not finish", e);
        }
      }
      List<Workload> ws = new ArrayList<>();
      for (ChaosProcess p : opened) {
        run.tally.inc(Stat.PROCESSES);
        Workload w = run.workload(p);
        w.skipReadChecks();
        ws.add(w);
      }
      int ackers = 0;
      int done = 0;
      for (Workload w : ws) {
        boolean acked = false;
        for (int i = 0; i < Math.max(1, budget / 8); i++) {
          done++;
          acked |= w.put(KeySpace.key(run.random.nextInt(run.keys)), true);
        }
        ackers += acked ? 1 : 0;
      }
      if (ackers > 1) {
        run.tally.inc(Stat.TWIN_DOUBLE_ACKS);
        run.tally.finding("both writers opened at once acknowledged writes after both opened");
      }
      for (int i = 0; i < opened.size(); i++) {
        if (ws.get(i).sawFenced()) {
          run.tally.inc(Stat.WRITERS_FENCED);
        }
        run.end(opened.get(i), false, null);
      }
      return Math.max(done, 1);
    } finally {
      opener.shutdownNow();
      for (ChaosProcess p : opened) {
        p.close();
      }
    }
  }

  private static boolean await(Future<Boolean> f) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      return false;
    } catch (Exception e) {
      throw new IllegalStateException("a resumed zombie write did not finish", e);
    }
  }
}
