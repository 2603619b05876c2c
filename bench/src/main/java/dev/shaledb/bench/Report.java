package dev.shaledb.bench;

import dev.shaledb.objectstore.ObjectStores;
import dev.shaledb.objectstore.RequestPricing;
import dev.shaledb.objectstore.RequestType;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints the driver's results as they come, its summary, and the same facts as JSON values. */
final class Report {
  private static final RequestPricing STANDARD = RequestPricing.s3Standard();
  private static final RequestPricing EXPRESS = RequestPricing.s3ExpressOneZone();
  private static final String ROW = "%-32s %4s %9s %10s %9s %9s %9s %6s %6s %5s %5s %5s %8s %8s%n";

  private final DbBenchOptions options;
  private final String where;
  private final String path;
  private final PrintStream out = System.out;

  /** {@code where} is the store's URI; it is printed and reported without its keys. */
  Report(DbBenchOptions options, String where, String path) {
    this.options = options;
    this.where = ObjectStores.redact(where);
    this.path = path;
  }

  String title() {
    return String.format(
        Locale.ROOT,
        "ShaleDB %s, %d/%d-byte entries%s%s",
        options.simulateS3() ? "on simulated S3" : "on " + schemeOf(where),
        options.keySize(),
        options.valueSize(),
        options.walInFlight() > 0 ? ", " + options.walInFlight() + " WAL PUTs in flight" : "",
        options.simulateS3()
            ? String.format(
                Locale.ROOT,
                " (PUT %.0f ms, GET %.0f ms median)",
                options.putLatencyMillis(),
                options.getLatencyMillis())
            : "");
  }

  void header() {
    out.printf(
        "%s%nstore %s, path %s; %,d keys; %.0f s per timed phase; seed %d%n",
        title(), where, path, options.num(), options.seconds(), options.seed());
    if (options.simulateS3()) {
      out.printf(
          "simulated latency: lognormal around the median (sigma 0.2), 1 %% of requests 3-6x"
              + " slower, %.0f MB/s per request%n",
          LatencyModel.S3_BYTES_PER_SECOND / 1e6);
    }
    out.printf(
        "latencies are per call; requests and MB are the object-store traffic of the phase%n");
    out.printf(
        ROW, "phase", "thr", "ops", "ops/s", "p50", "p99", "p99.9", "PUT", "GET", "HEAD", "LIST",
        "DEL", "MB up", "MB down");
  }

  void phase(PhaseResult p) {
    boolean single = p.ops() <= 1;
    out.printf(
        ROW,
        p.name(),
        p.threads(),
        String.format("%,d", p.ops()),
        single ? "" : String.format("%,.0f", p.opsPerSecond()),
        single ? millis(p.nanos()) : millis(p.p50Nanos()),
        single ? "" : millis(p.p99Nanos()),
        single ? "" : millis(p.p999Nanos()),
        p.requests(RequestType.PUT),
        p.requests(RequestType.GET),
        p.requests(RequestType.HEAD),
        p.requests(RequestType.LIST),
        p.requests(RequestType.DELETE),
        String.format("%.2f", p.store().bytesUploaded() / 1e6),
        String.format("%.2f", p.store().bytesDownloaded() / 1e6));
    if (!p.note().isEmpty()) {
      out.printf("    %s%n", p.note());
    }
  }

  void summary(List<PhaseResult> phases, List<PhaseResult> sweep, double writeAmplification) {
    out.printf(
        "%nAPI cost (requests only; storage and transfer excluded)%n%-32s %12s %12s %14s %14s %9s%n",
        "phase", "$/M writes", "Express", "$/month here", "Express", "req/s");
    for (PhaseResult p : phases) {
      if (p.writes() > 0 || p.name().equals("idle")) {
        out.printf(
            "%-32s %12s %12s %14s %14s %9.1f%n",
            p.name(),
            dollars(p.costPerMillionWrites(STANDARD)),
            dollars(p.costPerMillionWrites(EXPRESS)),
            dollars(p.costPerMonth(STANDARD)),
            dollars(p.costPerMonth(EXPRESS)),
            p.requestsPerSecond());
      }
    }
    out.printf(
        "  ($/M writes: the phase's requests per million writes; $/month: running it 30 days; first"
            + " at S3 Standard prices, then as Express: the same requests at S3 Express One Zone"
            + " prices)%n");
    if (sweep.size() > 1) {
      out.printf(
          "%nDurable writes vs concurrency%n%8s %12s %10s %10s %10s %12s %12s%n",
          "writers", "writes/s", "p50", "p99", "p99.9", "WAL PUT/s", "writes/PUT");
      for (PhaseResult p : sweep) {
        out.printf(
            "%8d %,12.0f %10s %10s %10s %12.1f %12.1f%n",
            p.threads(),
            p.opsPerSecond(),
            millis(p.p50Nanos()),
            millis(p.p99Nanos()),
            millis(p.p999Nanos()),
            p.requests(RequestType.PUT) / p.seconds(),
            p.ops() / (double) Math.max(1, p.requests(RequestType.PUT)));
      }
    }
    out.printf(
        "%nwrite amplification: %.2f (bytes uploaded / key+value bytes written, WAL + tables +"
            + " manifests)%n",
        writeAmplification);
    targets(phases, sweep);
  }

  private void targets(List<PhaseResult> phases, List<PhaseResult> sweep) {
    out.printf(
        "%nTargets%s (c=N: N concurrent writers)%n",
        options.simulateS3() ? "" : ", meaningful with --simulate-s3");
    for (PhaseResult p : sweep) {
      out.printf(
          "  c=%d: %.2f WAL PUTs per durable write (%.1f writes per PUT)%n",
          p.threads(),
          p.perOp(RequestType.PUT),
          p.ops() / (double) Math.max(1, p.requests(RequestType.PUT)));
    }
    for (PhaseResult p : sweep) {
      if (p.threads() == 1) {
        double bound = 1.3 * options.putLatencyMillis() * 1e6;
        out.printf(
            "  durable p50 at 1 writer %s, target <= 1.3 x PUT median = %s: %s%n",
            millis(p.p50Nanos()), millis((long) bound), verdict(p.p50Nanos() <= bound));
      }
      if (p.threads() == 64) {
        String how =
            options.window() == 1
                ? "blocking puts, capped at 64 / durable latency by Little's law; try --window 16"
                : options.window() + " writeAsync calls in flight per writer";
        out.printf(
            "  64 durable writers %,.0f writes/s, target >= 20,000: %s (%s)%n",
            p.opsPerSecond(), verdict(p.opsPerSecond() >= 20_000), how);
      }
    }
    for (PhaseResult p : phases) {
      if (p.name().equals("idle")) {
        out.printf(
            "  idle database %.2f requests/s, target <= 1: %s%n",
            p.requestsPerSecond(), verdict(p.requestsPerSecond() <= 1));
      }
      if (p.name().startsWith("multiget")) {
        latencyTarget("multiGet of " + ReadPhases.MULTIGET_KEYS + " cold keys", p, 2, "call");
      }
      if (p.name().equals("scan 10000, uncached")) {
        latencyTarget("cold scan of " + ReadPhases.SCAN_ENTRIES + " entries", p, 3, "scan");
      }
      if (p.name().equals("readrandom, uncached")) {
        out.printf(
            "  %.3f GETs per uncached point read (table opens included), target <= 1: %s%n",
            p.perOp(RequestType.GET), verdict(p.perOp(RequestType.GET) < 1.01));
      }
    }
  }

  Map<String, Object> toJson(List<PhaseResult> phases, List<PhaseResult> sweep) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("title", title());
    config.put("store", where);
    config.put("simulateS3", options.simulateS3());
    config.put("putLatencyMillis", options.putLatencyMillis());
    config.put("getLatencyMillis", options.getLatencyMillis());
    config.put("keyBytes", options.keySize());
    config.put("valueBytes", options.valueSize());
    config.put("num", options.num());
    config.put("secondsPerPhase", options.seconds());
    config.put("seed", options.seed());
    config.put("walInFlight", options.walInFlight());
    config.put("bulkLoad", options.bulkLoad());
    config.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("config", config);
    root.put("phases", phases.stream().map(Report::json).toList());
    List<Object> points = new ArrayList<>();
    for (PhaseResult p : sweep) {
      points.add(json(p));
    }
    root.put("sweep", points);
    return root;
  }

  private static Map<String, Object> json(PhaseResult p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", p.name());
    m.put("threads", p.threads());
    m.put("ops", p.ops());
    m.put("writes", p.writes());
    m.put("seconds", p.seconds());
    m.put("opsPerSecond", p.opsPerSecond());
    m.put("p50Micros", p.p50Nanos() / 1e3);
    m.put("p99Micros", p.p99Nanos() / 1e3);
    m.put("p999Micros", p.p999Nanos() / 1e3);
    Map<String, Object> requests = new LinkedHashMap<>();
    for (RequestType type : RequestType.values()) {
      requests.put(type.name(), p.requests(type));
    }
    m.put("requests", requests);
    m.put("bytesUploaded", p.store().bytesUploaded());
    m.put("bytesDownloaded", p.store().bytesDownloaded());
    m.put("costPerMillionWritesS3Standard", p.costPerMillionWrites(STANDARD));
    m.put("costPerMillionWritesS3Express", p.costPerMillionWrites(EXPRESS));
    m.put("costPerMonthS3Standard", p.costPerMonth(STANDARD));
    m.put("costPerMonthS3Express", p.costPerMonth(EXPRESS));
    m.put("note", p.note());
    return m;
  }

  /** A target of {@code gets} GET latencies (the simulated median) for phase {@code p}'s p50. */
  private void latencyTarget(String what, PhaseResult p, int gets, String per) {
    double bound = gets * options.getLatencyMillis() * 1e6;
    out.printf(
        "  %s p50 %s, target <= %d x GET median = %s: %s (%.1f GETs per %s)%n",
        what,
        millis(p.p50Nanos()),
        gets,
        millis((long) bound),
        verdict(p.p50Nanos() <= bound),
        p.perOp(RequestType.GET),
        per);
  }

  private static String verdict(boolean met) {
    return met ? "met" : "MISSED";
  }

  private static String schemeOf(String uri) {
    int colon = uri.indexOf(':');
    return colon < 0 ? uri : uri.substring(0, colon + 1);
  }

  static String dollars(double usd) {
    if (Double.isNaN(usd)) {
      return "-";
    }
    return usd >= 100
        ? String.format(Locale.ROOT, "$%,.0f", usd)
        : String.format(Locale.ROOT, "$%.4f", usd);
  }

  /** A latency in the unit that keeps three significant digits readable. */
  static String millis(long nanos) {
    if (nanos >= 10_000_000_000L) {
      return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
    if (nanos >= 1_000_000) {
      return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
    }
    return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
  }
}
