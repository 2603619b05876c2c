package dev.shaledb.bench;

import dev.shaledb.CompactionOptions;
import dev.shaledb.objectstore.ObjectStores;
import dev.shaledb.objectstore.RequestPricing;
import dev.shaledb.objectstore.RequestType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Prints the {@code ingest} command's results, checks issue 21's targets, and writes them out. */
final class IngestReport {
  private static final RequestPricing STANDARD = RequestPricing.s3Standard();
  private static final RequestPricing EXPRESS = RequestPricing.s3ExpressOneZone();

  /** The time-series table prints at most about this many rows; JSON and chart get every one. */
  private static final int ROWS = 30;

  /**
   * One of issue 21's targets for sustained ingest.
   *
   * @param what the target, as printed
   * @param measured the measured figure, as printed
   * @param met whether it was met
   */
  record Target(String what, String measured, boolean met) {}

  private final IngestOptions options;
  private final String where;
  private final PrintStream out = System.out;

  /** {@code where} is the store's URI; it is printed and reported without its keys. */
  IngestReport(IngestOptions options, String where) {
    this.options = options;
    this.where = ObjectStores.redact(where);
  }

  String title() {
    return String.format(
        Locale.ROOT,
        "ShaleDB ingest %s, %d writers, %d/%d-byte random writes%s",
        options.simulateS3() ? "on simulated S3" : "on " + where,
        options.threads(),
        options.keySize(),
        options.valueSize(),
        options.simulateS3() ? " (PUT 25 ms, GET 15 ms median)" : "");
  }

  void header() {
    out.printf(
        "%s%nstore %s; %,d distinct keys; %.0f s per engine; memtable %s; GC minAge %s; seed %d%n",
        title(),
        where,
        options.keys(),
        options.seconds(),
        options.memtableMegabytes() == 0 ? "the default" : options.memtableMegabytes() + " MiB",
        options.gcMinAgeSeconds() == 0
            ? "the default"
            : options.gcMinAgeSeconds() + " s (GC every 10 s or that age if shorter)",
        options.seed());
  }

  void summary(IngestResult r) {
    WriteLoad s = r.shaledb();
    out.printf("%nShaleDB (puts without waiting for durability, WAL and compaction on)%n");
    load(s);
    row("stall (engine: memory, L0)", percent(r.stallPercent()) + " of writer time");
    row(
        "space amplification",
        String.format(
            Locale.ROOT,
            "mean %.2f, max %.2f (%d samples; tables + memtables over distinct keys x entry)",
            r.spaceAmpMean(),
            r.spaceAmpMax(),
            r.samples().size()));
    row(
        "write amplification",
        String.format(
            Locale.ROOT,
            "tables %.2f (flush + compaction bytes / user bytes), all PUT bytes %.2f",
            r.writeAmpTables(),
            r.writeAmpAllPuts()));
    row(
        "L0 tables",
        String.format(
            Locale.ROOT,
            "max %d, at the end %d; sorted runs max %d, at the end %d; %,d compactions, %,d"
                + " uploads condemned by GC and redone",
            r.maxL0Tables(),
            r.l0TablesAtEnd(),
            r.maxSortedRuns(),
            r.sortedRunsAtEnd(),
            r.compactions(),
            r.condemnedUploads()));
    StringBuilder requests = new StringBuilder();
    for (RequestType type : RequestType.values()) {
      requests.append(String.format(Locale.ROOT, "%s %,d  ", type, r.store().requests(type)));
    }
    row("requests", requests.toString().trim());
    row(
        "request cost per GB ingested",
        Report.dollars(r.dollarsPerGb(STANDARD))
            + " on S3 Standard, "
            + Report.dollars(r.dollarsPerGb(EXPRESS))
            + " on S3 Express One Zone (storage and transfer excluded)");
    series(r.samples());
    if (r.rocksdb() != null) {
      out.printf("%nRocksDB (local temporary directory, WAL on, no sync, RocksKv's options)%n");
      load(r.rocksdb());
      row("ShaleDB / RocksDB", String.format(Locale.ROOT, "%.2fx", r.ratio()));
    }
    out.printf("%nTargets (issue 21)%n");
    for (Target t : targets(r)) {
      out.printf("  %-38s %-28s %s%n", t.what(), t.measured(), t.met() ? "met" : "MISSED");
    }
    if (r.rocksdb() == null) {
      out.printf("  %-38s %s%n", "user data MB/s >= 0.8 x RocksDB", "not measured (--no-rocksdb)");
    }
  }

  List<Target> targets(IngestResult r) {
    double mbps = r.shaledb().mbPerSecond();
    List<Target> targets = new ArrayList<>();
    if (r.rocksdb() != null) {
      targets.add(
          new Target(
              "user data MB/s >= 0.8 x RocksDB",
              String.format(Locale.ROOT, "%.2fx", r.ratio()),
              r.ratio() >= 0.8));
    }
    targets.add(new Target("user data MB/s >= 50", mb(mbps), mbps >= 50));
    targets.add(
        new Target(
            "space amplification mean <= 1.5",
            String.format(Locale.ROOT, "%.2f", r.spaceAmpMean()),
            r.spaceAmpMean() <= 1.5));
    targets.add(
        new Target(
            "space amplification max <= 2.5",
            String.format(Locale.ROOT, "%.2f", r.spaceAmpMax()),
            r.spaceAmpMax() <= 2.5));
    long longest = r.shaledb().longestPutNanos();
    targets.add(
        new Target(
            "no put over 1 s", "longest " + Report.millis(longest), longest <= 1_000_000_000L));
    // Not one of the figures: that compaction keeps up, so the runs a read merges stay
    // bounded (writers are paced from maxRuns on, up to twice it).
    int maxRuns = CompactionOptions.defaults().maxRuns();
    targets.add(
        new Target(
            "sorted runs <= 2 x maxRuns (" + 2 * maxRuns + ")",
            "max " + r.maxSortedRuns(),
            r.maxSortedRuns() <= 2 * maxRuns));
    return targets;
  }

  private void load(WriteLoad w) {
    row(
        "user data",
        String.format(
            Locale.ROOT,
            "%s (%,d puts, %.2f GB in %.1f s)",
            mb(w.mbPerSecond()),
            w.puts(),
            w.userBytes() / 1e9,
            w.nanos() / 1e9));
    row("put p50 / p99", Report.millis(w.p50Nanos()) + " / " + Report.millis(w.p99Nanos()));
    row("longest put", Report.millis(w.longestPutNanos()));
    row("puts held >= 1 ms", percent(w.blockedPercent()) + " of writer time");
  }

  /** The time series, thinned to about {@link #ROWS} rows. */
  private void series(List<IngestSample> samples) {
    if (samples.isEmpty()) {
      return;
    }
    out.printf(
        "  %8s %9s %5s %5s %9s %8s %8s%n",
        "at s", "MB/s", "L0", "runs", "space amp", "stall", "held");
    int step = Math.max(1, (samples.size() + ROWS - 1) / ROWS);
    for (int i = step - 1; i < samples.size(); i += step) {
      IngestSample p = samples.get(i);
      out.printf(
          Locale.ROOT,
          "  %8.1f %9.1f %5d %5d %9.2f %8s %8s%n",
          p.endSeconds(),
          p.mbPerSecond(),
          p.l0Tables(),
          p.sortedRuns(),
          p.spaceAmplification(),
          percent(p.stallPercent()),
          percent(p.blockedPercent()));
    }
  }

  private void row(String name, String value) {
    out.printf("  %-30s %s%n", name, value);
  }

  Map<String, Object> toJson(IngestResult r) {
    Map<String, Object> config = new LinkedHashMap<>();
    config.put("title", title());
    config.put("store", where);
    config.put("simulateS3", options.simulateS3());
    config.put("seconds", options.seconds());
    config.put("threads", options.threads());
    config.put("keys", options.keys());
    config.put("keyBytes", options.keySize());
    config.put("valueBytes", options.valueSize());
    config.put("memtableMegabytes", options.memtableMegabytes());
    config.put("gcMinAgeSeconds", options.gcMinAgeSeconds());
    config.put("seed", options.seed());
    config.put("availableProcessors", Runtime.getRuntime().availableProcessors());
    Map<String, Object> shale = json(r.shaledb());
    shale.put("distinctKeys", r.distinctKeys());
    shale.put("stallPercent", r.stallPercent());
    shale.put("spaceAmpMean", r.spaceAmpMean());
    shale.put("spaceAmpMax", r.spaceAmpMax());
    shale.put("writeAmpTables", r.writeAmpTables());
    shale.put("writeAmpAllPuts", r.writeAmpAllPuts());
    shale.put("compactions", r.compactions());
    shale.put("condemnedUploads", r.condemnedUploads());
    shale.put("l0TablesMax", r.maxL0Tables());
    shale.put("l0TablesAtEnd", r.l0TablesAtEnd());
    shale.put("sortedRunsMax", r.maxSortedRuns());
    shale.put("sortedRunsAtEnd", r.sortedRunsAtEnd());
    Map<String, Object> requests = new LinkedHashMap<>();
    for (RequestType type : RequestType.values()) {
      requests.put(type.name(), r.store().requests(type));
    }
    shale.put("requests", requests);
    shale.put("bytesUploaded", r.store().bytesUploaded());
    shale.put("dollarsPerGbS3Standard", r.dollarsPerGb(STANDARD));
    shale.put("dollarsPerGbS3Express", r.dollarsPerGb(EXPRESS));
    List<Object> samples = new ArrayList<>();
    for (IngestSample p : r.samples()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("endSeconds", p.endSeconds());
      m.put("mbPerSecond", p.mbPerSecond());
      m.put("l0Tables", p.l0Tables());
      m.put("sortedRuns", p.sortedRuns());
      m.put("spaceAmplification", p.spaceAmplification());
      m.put("stallPercent", p.stallPercent());
      m.put("blockedPercent", p.blockedPercent());
      samples.add(m);
    }
    shale.put("samples", samples);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("config", config);
    root.put("shaledb", shale);
    root.put("rocksdb", r.rocksdb() == null ? null : json(r.rocksdb()));
    root.put("ratio", r.ratio());
    Map<String, Object> targets = new LinkedHashMap<>();
    for (Target t : targets(r)) {
      Map<String, Object> target = new LinkedHashMap<>();
      target.put("measured", t.measured());
      target.put("met", t.met());
      targets.put(t.what(), target);
    }
    root.put("targets", targets);
    return root;
  }

  private static Map<String, Object> json(WriteLoad w) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("puts", w.puts());
    m.put("userBytes", w.userBytes());
    m.put("seconds", w.nanos() / 1e9);
    m.put("mbPerSecond", w.mbPerSecond());
    m.put("putP50Micros", w.p50Nanos() / 1e3);
    m.put("putP99Micros", w.p99Nanos() / 1e3);
    m.put("longestPutMillis", w.longestPutNanos() / 1e6);
    m.put("blockedPercent", w.blockedPercent());
    m.put("intervalMbPerSecond", w.intervals());
    return m;
  }

  /**
   * MB/s (both engines), L0 tables and sorted runs, space amplification and stalls against time.
   */
  void chart(Path file, IngestResult r) {
    List<IngestSample> s = r.samples();
    String x = "seconds";
    List<Chart.Line> rates = new ArrayList<>();
    rates.add(Chart.Line.of("ShaleDB", s, IngestSample::endSeconds, IngestSample::mbPerSecond));
    if (r.rocksdb() != null) {
      // RocksDB's intervals are its own run's, at the same offsets from its start
      List<Double> rocks = r.rocksdb().intervals();
      double[] xs = new double[rocks.size()];
      for (int i = 0; i < xs.length; i++) {
        xs[i] = (i + 1) * options.intervalSeconds();
      }
      rates.add(new Chart.Line("RocksDB", xs, rocks.stream().mapToDouble(d -> d).toArray()));
    }
    Chart.render(
        file,
        title(),
        List.of(
            new Chart.Panel("user data MB/s", x, false, rates),
            new Chart.Panel(
                "L0 tables and sorted runs",
                x,
                false,
                List.of(
                    Chart.Line.of("L0", s, IngestSample::endSeconds, p -> p.l0Tables()),
                    Chart.Line.of("runs", s, IngestSample::endSeconds, p -> p.sortedRuns()))),
            new Chart.Panel(
                "space amplification",
                x,
                false,
                List.of(
                    Chart.Line.of(
                        "space", s, IngestSample::endSeconds, IngestSample::spaceAmplification))),
            new Chart.Panel(
                "writer time slowed (%)",
                x,
                false,
                List.of(
                    Chart.Line.of("stall", s, IngestSample::endSeconds, IngestSample::stallPercent),
                    Chart.Line.of(
                        "held", s, IngestSample::endSeconds, IngestSample::blockedPercent)))));
  }

  private static String mb(double mbPerSecond) {
    return String.format(Locale.ROOT, "%.1f MB/s", mbPerSecond);
  }

  private static String percent(double p) {
    return String.format(Locale.ROOT, "%.1f %%", p);
  }
}
