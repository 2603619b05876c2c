package dev.shaledb.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.Db;
import dev.shaledb.DbIterator;
import dev.shaledb.KeyValue;
import dev.shaledb.objectstore.LocalFileObjectStore;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStores;
import dev.shaledb.objectstore.s3.RgwTarget;
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
import java.util.concurrent.atomic.AtomicReference;
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
 *
 * <p>Every {@value #LARGE_EVERY}th S3 cycle is a large-object one ({@link KillProfile#LARGE}): its
 * child writes to a second database whose tables exceed the multipart threshold, on a server that
 * fails some part uploads ({@link MultipartWatch}), so kills and errors land inside multipart
 * uploads; {@link MultipartAudit} then checks that none became a visible partial object.
 *
 * <p>The RGW tier runs the same lanes against a Ceph RADOS Gateway outside the build ({@link
 * #acknowledgedWritesSurviveKillNineOnRgw}).
 */
class KillNineTest {
  /** Every this many S3 cycles one is a large-object cycle; the quick tier's five hold one. */
  static final int LARGE_EVERY = 3;

  /** S3's smallest part, and the threshold of the large-object database's children. */
  private static final long PART_BYTES = 5L << 20;

  private static final String LARGE_BUCKET = "shaledb-kill9-large";

  /**
   * A large child is killed after a random number of acknowledged write calls below this, not after
   * a random time: about 75 calls fill a memtable, so the kill lands anywhere in up to three
   * flushes (and a compaction, once L0 has filled), however slowly a loaded machine runs the child.
   * Half of the kills are then aimed, because a kill at a random moment lands inside an upload only
   * now and then: held back until the child has completed an upload and a part of the next one
   * reaches the server, so that the cycle both publishes a table sent in parts and cuts one short.
   */
  private static final int LARGE_MAX_ACKS_BEFORE_KILL = 225;

  /** One database the tier's children write to, and what the parent knows of it. */
  private record Lane(
      String tier,
      String storeUri,
      Supplier<ObjectStore> verifyStore,
      KillProfile profile,
      ExpectedState oracle,
      MultipartAudit audit,
      Path diskCache) {
    Lane(
        String tier,
        String storeUri,
        Supplier<ObjectStore> verifyStore,
        KillProfile profile,
        ExpectedState oracle,
        MultipartAudit audit) {
      this(tier, storeUri, verifyStore, profile, oracle, audit, null);
    }

    Lane(String tier, String storeUri, Supplier<ObjectStore> verifyStore, KillProfile profile) {
      this(tier, storeUri, verifyStore, profile, new ExpectedState(), null);
    }

    /** Without the store URI's keys. */
    @Override
    public String toString() {
      return "Lane[" + tier + ", " + ObjectStores.redact(storeUri) + ", " + profile + "]";
    }
  }

  @AfterAll
  static void writeReport() {
    ChaosReport.shared().write(ChaosTiers.reportDir());
  }

  @Test
  @Timeout(value = 24, unit = TimeUnit.HOURS)
  void acknowledgedWritesSurviveKillNine(@TempDir Path dir) throws Exception {
    String tier = "kill-9";
    Lane lane =
        new Lane(
            tier,
            "file:" + dir.toAbsolutePath(),
            () -> new LocalFileObjectStore(dir),
            KillProfile.SMALL);
    runTier(seed(tier), lane, null, ChaosTiers.KILLS);
  }

  /**
   * The same with a disk cache that every child takes over from the one killed before it, and reads
   * through (issue 17, item 7): kills land while the cache is being written, and no read may return
   * a value that is not one written for its key.
   */
  @Test
  @Timeout(value = 24, unit = TimeUnit.HOURS)
  void killsWhileTheDiskCacheIsWrittenReturnNoCorruptData(@TempDir Path dir) throws Exception {
    String tier = "kill-9 disk cache";
    Path store = java.nio.file.Files.createDirectory(dir.resolve("store"));
    Lane lane =
        new Lane(
            tier,
            "file:" + store.toAbsolutePath(),
            () -> new LocalFileObjectStore(store),
            KillProfile.SMALL,
            new ExpectedState(),
            null,
            dir.resolve("cache"));
    runTier(seed(tier), lane, null, ChaosTiers.KILLS);
  }

  /**
   * The same over HTTP: the child's engine talks to an S3 server in this JVM, so the kill also cuts
   * requests in flight on the wire, and the SDK's own retries are part of what is killed.
   */
  @Test
  @Timeout(value = 24, unit = TimeUnit.HOURS)
  void acknowledgedWritesSurviveKillNineOnS3() throws Exception {
    long seed = seed("kill-9 s3");
    AtomicReference<MultipartWatch> watch = new AtomicReference<>();
    try (S3TestServer server =
        S3TestServer.start(
            store -> {
              watch.set(new MultipartWatch(store, LARGE_BUCKET, seed));
              return watch.get();
            })) {
      String bucket = server.createBucket();
      server.createBucket(LARGE_BUCKET);
      try (MultipartAudit audit =
          new MultipartAudit(server, LARGE_BUCKET, SeedRun.PATH, watch.get())) {
        Lane small =
            new Lane(
                "kill-9 s3",
                uri(server, bucket, ""),
                () -> server.newStore(bucket),
                KillProfile.SMALL);
        String parts = "&partSizeBytes=" + PART_BYTES + "&multipartThresholdBytes=" + PART_BYTES;
        Lane large =
            new Lane(
                "kill-9 s3 large",
                uri(server, LARGE_BUCKET, parts),
                () -> server.newStore(LARGE_BUCKET),
                KillProfile.LARGE,
                new ExpectedState(),
                audit);
        runTier(seed, small, large, ChaosTiers.S3_KILLS);
      }
    }
  }

  /**
   * The same lanes against the Ceph RGW of the RGW tier ({@link RgwTarget}; skipped unless it is
   * configured), each under its own prefix of the tier's bucket: {@code chaos.rgwKills} cycles
   * (default 3), every {@value #LARGE_EVERY}th a large-object one. RGW runs outside this JVM, so
   * nothing fails part uploads on purpose and kills are not aimed at them; the audit still lists
   * the uploads a kill left incomplete and reads every table object whole.
   */
  @Test
  @Timeout(value = 24, unit = TimeUnit.HOURS)
  void acknowledgedWritesSurviveKillNineOnRgw() throws Exception {
    RgwTarget rgw = RgwTarget.assumeConfigured();
    long seed = seed("kill-9 rgw");
    String smallPrefix = rgw.uniquePrefix("kill9-small");
    String largePrefix = rgw.uniquePrefix("kill9-large");
    try (MultipartAudit audit =
        new MultipartAudit(rgw.client(), rgw.bucket(), largePrefix, SeedRun.PATH, null)) {
      Lane small =
          new Lane(
              "kill-9 rgw",
              rgw.storeUri(smallPrefix, ""),
              () -> rgw.newStore(smallPrefix),
              KillProfile.SMALL);
      String parts = "&partSizeBytes=" + PART_BYTES + "&multipartThresholdBytes=" + PART_BYTES;
      Lane large =
          new Lane(
              "kill-9 rgw large",
              rgw.storeUri(largePrefix, parts),
              () -> rgw.newStore(largePrefix),
              KillProfile.LARGE,
              new ExpectedState(),
              audit);
      runTier(seed, small, large, ChaosTiers.RGW_KILLS);
    } finally {
      rgw.deletePrefix(smallPrefix);
      rgw.deletePrefix(largePrefix);
    }
  }

  private static String uri(S3TestServer server, String bucket, String extra) {
    return "s3://"
        + bucket
        + "?endpoint="
        + URLEncoder.encode(server.endpoint().toString(), StandardCharsets.UTF_8)
        + "&region="
        + S3TestServer.REGION
        + "&pathStyle=true&accessKey="
        + S3TestServer.ACCESS_KEY
        + "&secretKey="
        + S3TestServer.SECRET_KEY
        + extra;
  }

  private static long seed(String tier) {
    Long replay = ChaosTiers.replaySeed();
    return replay != null ? replay : ChaosTiers.baseSeed("KillNineTest " + tier);
  }

  /**
   * Kills a child {@code cycles} times, checking after each: on {@code large} every {@link
   * #LARGE_EVERY}th cycle if given, else on {@code small}.
   */
  private static void runTier(long seed, Lane small, Lane large, int cycles) throws Exception {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> failures = new ArrayList<>();
    for (int cycle = 1; cycle <= cycles && failures.size() < 3; cycle++) {
      Lane lane = large != null && cycle % LARGE_EVERY == 0 ? large : small;
      long start = System.nanoTime();
      Tally tally = new Tally();
      tally.inc(Stat.KILL_CYCLES);
      if (lane.profile() == KillProfile.LARGE) {
        tally.inc(Stat.KILL_LARGE_CYCLES);
      }
      runChild(lane, cycle, random, tally);
      try (ObjectStore store = lane.verifyStore().get()) {
        if (lane.audit() != null) {
          lane.audit().afterKill(store, tally);
        }
        verify(store, lane, tally);
      }
      String how =
          ChaosTiers.replay("KillNineTest", seed) + "  # " + lane.tier() + " cycle " + cycle;
      ChaosReport.shared()
          .add(lane.tier(), tally, null, System.nanoTime() - start, how + " (not exact)");
      if (!tally.findings().isEmpty()) {
        failures.add(how + "\n  " + String.join("\n  ", tally.findings()));
      }
    }
    assertThat(failures).as("kill -9 cycles that lost promises").isEmpty();
  }

  private static void runChild(Lane lane, int writer, SplittableRandom random, Tally tally)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path events = Files.createTempFile("kill9-events-", ".txt");
    boolean large = lane.profile() == KillProfile.LARGE;
    MultipartWatch watch = large ? lane.audit().watch() : null;
    long completedBefore = watch != null ? watch.counts().completed() : 0;
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx" + lane.profile().heapMiB() + "m",
                "-XX:TieredStopAtLevel=1",
                "-Dlogback.configurationFile=kill-child-logback.xml",
                "-cp",
                System.getProperty("java.class.path"),
                KillChild.class.getName(),
                lane.storeUri(),
                Integer.toString(writer),
                Long.toString(random.nextLong()),
                Integer.toString(large ? lane.profile().keys() : ChaosTiers.KEYS),
                lane.profile().name(),
                lane.diskCache() == null ? "" : lane.diskCache().toString())
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
    if (large) {
      awaitAcks(child, events, random.nextInt(LARGE_MAX_ACKS_BEFORE_KILL));
      // Aimed kills need the server's view of parts; a server without a watch gets none.
      if (watch != null
          && random.nextBoolean()
          && watch.awaitPartAfterCompletion(completedBefore, child::isAlive, 60_000)) {
        tally.inc(Stat.KILLS_AIMED_AT_UPLOADS);
        Thread.sleep(random.nextInt(50));
      }
    } else {
      Thread.sleep(50 + random.nextInt(1500));
    }
    child.destroyForcibly();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    // Read from a file, not a pipe: when a child exits, the JDK drains its pipe into a buffer
    // under a reader blocked on it, which can then see "stream closed" and lose the last lines.
    List<String> lines = Files.readAllLines(events, StandardCharsets.UTF_8);
    Files.deleteIfExists(events);
    replay(lines, writer, lane.oracle(), tally);
    if (lane.diskCache() != null) {
      tally.inc(Stat.DISK_CACHE_PROCESSES);
      // Not vacuous: the children did write their caches (and were killed while they did).
      if (Files.isDirectory(lane.diskCache())) {
        try (var files = Files.list(lane.diskCache())) {
          for (Path f : files.filter(p -> p.toString().endsWith(".dat")).toList()) {
            tally.add(Stat.DISK_CACHE_BYTES_LEFT, Files.size(f));
          }
        }
      }
    }
  }

  /** Waits until the child acknowledged {@code acks} writes, died, or a minute passed. */
  private static void awaitAcks(Process child, Path events, int acks) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (child.isAlive() && System.nanoTime() < deadline) {
      long acked =
          Files.readAllLines(events, StandardCharsets.UTF_8).stream()
              .filter(l -> l.startsWith("A "))
              .count();
      if (acked >= acks) {
        return;
      }
      Thread.sleep(10);
    }
  }

  /** Feeds the child's events into the oracle in the order it printed them. */
  private static void replay(List<String> lines, int writer, ExpectedState oracle, Tally tally) {
    Map<String, List<Write>> open = new HashMap<>();
    for (String line : lines) {
      String[] f = line.split(" ", 4);
      // The kill may cut the last line short; a cut "B" line's write never started.
      if (f[0].equals("B") && f.length == 4) {
        Write w =
            f[3].equals("-")
                ? oracle.beginDelete(writer, f[2])
                : oracle.beginPut(writer, f[2], f[3]);
        List<Write> call = open.computeIfAbsent(f[1], n -> new ArrayList<>());
        if (call.isEmpty()) {
          tally.inc(Stat.WRITES_ATTEMPTED);
        }
        call.add(w);
      } else if ((f[0].equals("A") || f[0].equals("F"))
          && f.length >= 2
          && open.containsKey(f[1])) {
        boolean acked = f[0].equals("A");
        oracle.end(
            open.remove(f[1]),
            acked ? ExpectedState.Outcome.DURABLE : ExpectedState.Outcome.FAILED);
        tally.inc(acked ? Stat.KILL_WRITES_ACKED : Stat.WRITES_FAILED);
      } else if (f[0].equals("X") && f.length == 3 && f[2].equals("end")) {
        tally.inc(Stat.CORRUPT_DATA_RETURNED);
        tally.finding("kill -9 child read a value not written for key " + f[1]);
      }
    }
    oracle.crashed(writer);
  }

  private static void verify(ObjectStore store, Lane lane, Tally tally) {
    Map<String, byte[]> actual = new TreeMap<>();
    try (Db db = Db.open(store, SeedRun.PATH, lane.profile().verifyOptions())) {
      try (DbIterator it = db.scan(null, null)) {
        while (it.hasNext()) {
          KeyValue kv = it.next();
          actual.put(new String(kv.key(), StandardCharsets.UTF_8), kv.value());
        }
      }
      tally.inc(Stat.RECOVERIES_OK);
      if (lane.profile().collectsAfterVerify()) {
        collectGarbage(db, tally);
      }
    } catch (RuntimeException e) {
      tally.inc(Stat.RECOVERIES_FAILED);
      tally.finding("reopen after kill -9 failed: " + SeedRun.stackHead(e));
      return;
    }
    for (ExpectedState.Finding f : lane.oracle().verify(actual)) {
      tally.inc(
          f.violation() == ExpectedState.Violation.LOST_ACKED_WRITE
              ? Stat.LOST_ACKED
              : f.violation() == ExpectedState.Violation.RESURRECTED_DELETE
                  ? Stat.RESURRECTED
                  : Stat.PHANTOM);
      tally.finding("after kill -9: " + f);
    }
  }

  private static void collectGarbage(Db db, Tally tally) {
    try {
      db.collectGarbage();
    } catch (RuntimeException e) {
      tally.finding("garbage collection after the check failed: " + SeedRun.stackHead(e));
    }
  }
}
