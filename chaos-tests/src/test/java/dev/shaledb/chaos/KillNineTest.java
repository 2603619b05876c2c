package dev.shaledb.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.Db;
import dev.shaledb.DbIterator;
import dev.shaledb.KeyValue;
import dev.shaledb.objectstore.LocalFileObjectStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.s3.S3TestServer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real-kill tier: a child JVM ({@link KillChild}) writes on {@link LocalFileObjectStore}, or
 * over HTTP on an S3 server running in this JVM, and is killed with {@code destroyForcibly}
 * (SIGKILL) at a random moment; the parent replays the child's printed events into the oracle,
 * reopens the directory and checks every key. Not deterministic: the moment of the kill is
 * wall-clock time, and a failing cycle is reproduced by running the tier again with its seed, not
 * exactly.
 */
class KillNineTest {
  @AfterAll
  static void writeReport() {
    ChaosReport.shared().write(ChaosTiers.reportDir());
  }

  @Test
  @Timeout(value = 24, unit = TimeUnit.HOURS)
  void acknowledgedWritesSurviveKillNine(@TempDir Path dir) throws Exception {
    runTier(
        "kill-9",
        "file:" + dir.toAbsolutePath(),
        () -> new LocalFileObjectStore(dir),
        ChaosTiers.KILLS);
  }

  /**
   * The same over HTTP: the child's engine talks to an S3 server in this JVM, so the kill also cuts
   * requests in flight on the wire, and the SDK's own retries are part of what is killed.
   */
  @Test
  @Timeout(value = 24, unit = TimeUnit.HOURS)
  void acknowledgedWritesSurviveKillNineOnS3() throws Exception {
    try (S3TestServer server = S3TestServer.start()) {
      String bucket = server.createBucket();
      String uri =
          "s3://"
              + bucket
              + "?endpoint="
              + URLEncoder.encode(server.endpoint().toString(), StandardCharsets.UTF_8)
              + "&region="
              + S3TestServer.REGION
              + "&pathStyle=true&accessKey="
              + S3TestServer.ACCESS_KEY
              + "&secretKey="
              + S3TestServer.SECRET_KEY;
      runTier("kill-9 s3", uri, () -> server.newStore(bucket), ChaosTiers.S3_KILLS);
    }
  }

  /** Kills a child writing to {@code storeUri} {@code cycles} times, checking after each. */
  private static void runTier(
      String tier, String storeUri, Supplier<ObjectStore> verifyStore, int cycles)
      throws Exception {
    Long replay = ChaosTiers.replaySeed();
    long seed = replay != null ? replay : ChaosTiers.baseSeed("KillNineTest " + tier);
    SplittableRandom random = new SplittableRandom(seed);
    ExpectedState oracle = new ExpectedState();
    List<String> failures = new ArrayList<>();
    for (int cycle = 1; cycle <= cycles && failures.size() < 3; cycle++) {
      long start = System.nanoTime();
      Tally tally = new Tally();
      tally.inc(Stat.KILL_CYCLES);
      runChild(storeUri, cycle, random, oracle, tally);
      try (ObjectStore store = verifyStore.get()) {
        verify(store, oracle, tally);
      }
      String how = ChaosTiers.replay("KillNineTest", seed) + "  # " + tier + " cycle " + cycle;
      ChaosReport.shared().add(tier, tally, null, System.nanoTime() - start, how + " (not exact)");
      if (!tally.findings().isEmpty()) {
        failures.add(how + "\n  " + String.join("\n  ", tally.findings()));
      }
    }
    assertThat(failures).as("kill -9 cycles that lost promises").isEmpty();
  }

  private static void runChild(
      String storeUri, int writer, SplittableRandom random, ExpectedState oracle, Tally tally)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path events = Files.createTempFile("kill9-events-", ".txt");
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=kill-child-logback.xml",
                "-cp",
                System.getProperty("java.class.path"),
                KillChild.class.getName(),
                storeUri,
                Integer.toString(writer),
                Long.toString(random.nextLong()),
                Integer.toString(ChaosTiers.KEYS))
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectOutput(events.toFile())
            .start();
    long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!events.toFile().exists() || !Files.readAllLines(events).contains("READY")) {
      if (!child.isAlive() || System.nanoTime() > readyBy) {
        break;
      }
      Thread.sleep(20);
    }
    Thread.sleep(50 + random.nextInt(1500));
    child.destroyForcibly();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    // Read from a file, not a pipe: when a child exits, the JDK drains its pipe into a buffer
    // under a reader blocked on it, which can then see "stream closed" and lose the last lines.
    List<String> lines = Files.readAllLines(events, StandardCharsets.UTF_8);
    Files.deleteIfExists(events);
    replay(lines, writer, oracle, tally);
  }

  /** Feeds the child's events into the oracle in the order it printed them. */
  private static void replay(List<String> lines, int writer, ExpectedState oracle, Tally tally) {
    Map<String, ExpectedState.Write> open = new HashMap<>();
    for (String line : lines) {
      String[] f = line.split(" ", 4);
      // The kill may cut the last line short; a cut "B" line's write never started.
      if (f[0].equals("B") && f.length == 4) {
        tally.inc(Stat.WRITES_ATTEMPTED);
        ExpectedState.Write w =
            f[3].equals("-")
                ? oracle.beginDelete(writer, f[2])
                : oracle.beginPut(writer, f[2], f[3]);
        open.put(f[1], w);
      } else if ((f[0].equals("A") || f[0].equals("F"))
          && f.length >= 2
          && open.containsKey(f[1])) {
        ExpectedState.Write w = open.remove(f[1]);
        boolean acked = f[0].equals("A");
        oracle.end(
            List.of(w), acked ? ExpectedState.Outcome.DURABLE : ExpectedState.Outcome.FAILED);
        tally.inc(acked ? Stat.KILL_WRITES_ACKED : Stat.WRITES_FAILED);
      }
    }
    oracle.crashed(writer);
  }

  private static void verify(ObjectStore store, ExpectedState oracle, Tally tally) {
    Map<String, byte[]> actual = new TreeMap<>();
    try (Db db =
            Db.open(
                store,
                SeedRun.PATH,
                ChaosProcess.tinyOptions().toBuilder().flushOnClose(false).build());
        DbIterator it = db.scan(null, null)) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        actual.put(new String(kv.key(), StandardCharsets.UTF_8), kv.value());
      }
      tally.inc(Stat.RECOVERIES_OK);
    } catch (RuntimeException e) {
      tally.inc(Stat.RECOVERIES_FAILED);
      tally.finding("reopen after kill -9 failed: " + SeedRun.stackHead(e));
      return;
    }
    for (ExpectedState.Finding f : oracle.verify(actual)) {
      tally.inc(
          f.violation() == ExpectedState.Violation.LOST_ACKED_WRITE
              ? Stat.LOST_ACKED
              : f.violation() == ExpectedState.Violation.RESURRECTED_DELETE
                  ? Stat.RESURRECTED
                  : Stat.PHANTOM);
      tally.finding("after kill -9: " + f);
    }
  }
}
