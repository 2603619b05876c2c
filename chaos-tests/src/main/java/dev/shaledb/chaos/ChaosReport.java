package dev.shaledb.chaos;

import dev.shaledb.objectstore.ObjectStoreMetrics;
import dev.shaledb.objectstore.RequestPricing;
import dev.shaledb.objectstore.RequestType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The chaos run's report: every tier adds its runs ({@link #add}) and {@link #write} renders the
 * whole as {@code chaos-report.txt} and {@code chaos-report.json}, ending with {@code N passed, N
 * failed}. Rows the engine cannot produce yet say why. One report per JVM ({@link #shared()}), so
 * test classes of one surefire run add up. Thread-safe.
 */
public final class ChaosReport {
  private static final ChaosReport SHARED = new ChaosReport();

  private final Tally total = new Tally();
  private final Map<RequestType, Long> requests = new EnumMap<>(RequestType.class);
  private final List<String> failures = new ArrayList<>();
  private final Map<String, double[]> tiers = new LinkedHashMap<>();
  private long passed;
  private long failed;

  public static ChaosReport shared() {
    return SHARED;
  }

  /**
   * Adds one run (a seed or a kill cycle) of {@code tier} that took {@code nanos}: passed if its
   * tally has no finding, else failed with {@code replay} saying how to run it again.
   */
  public synchronized void add(
      String tier, Tally run, ObjectStoreMetrics metrics, long nanos, String replay) {
    total.addAll(run);
    if (metrics != null) {
      for (RequestType t : RequestType.values()) {
        requests.merge(t, metrics.requests(t), Long::sum);
      }
    }
    double[] t = tiers.computeIfAbsent(tier, k -> new double[3]);
    t[0]++;
    t[1] += nanos / 1e9;
    if (run.findings().isEmpty()) {
      passed++;
    } else {
      failed++;
      t[2]++;
      failures.add(replay + "\n  " + String.join("\n  ", first(run.findings(), 5)));
    }
  }

  public synchronized long failed() {
    return failed;
  }

  /** Writes both files into {@code dir}; returns the text. */
  public synchronized String write(Path dir) {
    String text = text();
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("chaos-report.txt"), text, StandardCharsets.UTF_8);
      Files.writeString(dir.resolve("chaos-report.json"), json(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text;
  }

  private String text() {
    StringBuilder sb = new StringBuilder("ShaleDB chaos report\n\n");
    tiers.forEach(
        (name, t) ->
            sb.append(
                String.format(
                    "tier %-12s %8.0f runs %6.0f failed %9.1f s  %7.2f runs/s%n",
                    name, t[0], t[2], t[1], t[1] == 0 ? 0 : t[0] / t[1])));
    sb.append('\n');
    for (Stat s : Stat.values()) {
      if (!Stat.CORRUPTION_ACCOUNT.contains(s)) {
        sb.append(row(s.label(), total.get(s), s.mustBeZero()));
      }
    }
    corruptionAccount(sb);
    sb.append("\ncrashes injected per crash point\n");
    Map<CrashPoint, Long> crashes = total.crashes();
    for (CrashPoint p : CrashPoint.values()) {
      long n = crashes.getOrDefault(p, 0L);
      String where = p.atEngineHook() ? "engine hook" : p.atRequestBoundary() ? "store" : "harness";
      String note = n > 0 || p == CrashPoint.AT_OP_COUNT ? "" : " (not reached in this run)";
      sb.append(String.format("  %-28s %-12s %10d%s%n", p, where, n, note));
    }
    sb.append(
        "\nstalls injected per point (past GC's minAge: a GC run with minAge 0 there, then on)\n");
    Map<StallPoint, Long> stalls = total.stalls();
    for (StallPoint p : StallPoint.values()) {
      long n = stalls.getOrDefault(p, 0L);
      String note = n > 0 ? "" : " (not reached in this run)";
      sb.append(String.format("  %-28s %-12s %10d%s%n", p, p.where(), n, note));
    }
    sb.append("\nfaults injected per kind\n");
    total.faults().forEach((k, n) -> sb.append(String.format("  %-28s %10d%n", k, n)));
    sb.append("\nobject-store requests (reaching the store)\n");
    long acked = total.get(Stat.WRITES_ACKED) + total.get(Stat.KILL_WRITES_ACKED);
    requests.forEach((k, n) -> sb.append(String.format("  %-28s %10d%n", k, n)));
    sb.append(
        String.format(
            "  $ per million acknowledged writes (S3 Standard): %.2f%n", costPerMillion(acked)));
    sb.append("\ndurable-ack latency per fault class (p50 / p99 µs, count)\n");
    total
        .ackLatencies()
        .forEach(
            (c, v) ->
                sb.append(
                    String.format("  %-16s %10d %10d %10d%n", c, v[0] / 1000, v[1] / 1000, v[2])));
    if (!failures.isEmpty()) {
      sb.append("\nfailures (replay each with the line shown)\n");
      for (String f : first(failures, 20)) {
        sb.append(f).append('\n');
      }
    }
    sb.append('\n').append(passed).append(" passed, ").append(failed).append(" failed\n");
    return sb.toString();
  }

  private static String row(String label, long n, boolean mustBeZero) {
    return String.format("%-66s %12d%s%n", label, n, mustBeZero ? "  (must be 0)" : "");
  }

  /**
   * The corruption account: every injected corruption is detected, shown not inspected, unresolved
   * or undetected (see {@link CorruptionAudit}); a gap between the sum and the injected count is
   * shown too.
   */
  private void corruptionAccount(StringBuilder sb) {
    long injected = corruptionsInjected();
    sb.append(
        String.format(
            "%-66s %12d%n", "corruptions injected vs detected (CorruptionAudit)", injected));
    for (Stat s : Stat.CORRUPTION_ACCOUNT) {
      sb.append(row("  " + s.label(), total.get(s), s.mustBeZero()));
    }
    long gap = injected - accounted();
    if (gap != 0) {
      sb.append(row("  not accounted (a run ended before its audit)", gap, true));
    }
    sb.append(
        "  (no reply is lost unseen to a crash: only replies a live process receives are damaged,\n"
            + "   and an engine thread decodes what it received even if its process died)\n");
  }

  /** The injected corruptions the audit placed in one class or another. */
  private long accounted() {
    long n = 0;
    for (Stat s : Stat.CORRUPTION_ACCOUNT) {
      if (s != Stat.DETECTIONS_UNMATCHED) {
        n += total.get(s);
      }
    }
    return n;
  }

  private long corruptionsInjected() {
    long n = 0;
    for (Map.Entry<FaultKind, Long> e : total.faults().entrySet()) {
      if (e.getKey().name().startsWith("CORRUPT_")) {
        n += e.getValue();
      }
    }
    return n;
  }

  private double costPerMillion(long acked) {
    if (acked == 0) {
      return 0;
    }
    RequestPricing pricing = RequestPricing.s3Standard();
    double usd = 0;
    for (Map.Entry<RequestType, Long> e : requests.entrySet()) {
      usd += pricing.cost(e.getKey(), e.getValue());
    }
    return usd / acked * 1e6;
  }

  private String json() {
    StringBuilder sb = new StringBuilder("{\n  \"tiers\": {");
    String sep = "";
    for (Map.Entry<String, double[]> e : tiers.entrySet()) {
      double[] t = e.getValue();
      sb.append(sep)
          .append(
              String.format(
                  "\"%s\": {\"runs\": %.0f, \"failed\": %.0f, \"seconds\": %.1f}",
                  e.getKey(), t[0], t[2], t[1]));
      sep = ", ";
    }
    sb.append("},\n  \"rows\": {");
    sep = "";
    for (Stat s : Stat.values()) {
      sb.append(sep).append("\n    \"").append(s.name().toLowerCase()).append("\": ");
      sb.append(total.get(s));
      sep = ",";
    }
    sb.append(",\n    \"corruptions_injected\": ").append(corruptionsInjected());
    sb.append(",\n    \"corruptions_not_accounted\": ").append(corruptionsInjected() - accounted());
    sb.append("\n  },\n  \"crash_points\": ").append(map(total.crashes()));
    sb.append(",\n  \"stalls\": ").append(map(total.stalls()));
    sb.append(",\n  \"faults\": ").append(map(total.faults()));
    sb.append(",\n  \"requests\": ").append(map(requests));
    long acked = total.get(Stat.WRITES_ACKED) + total.get(Stat.KILL_WRITES_ACKED);
    sb.append(String.format(",\n  \"usd_per_million_acked_writes\": %.4f", costPerMillion(acked)));
    sb.append(",\n  \"ack_latency_us\": {");
    sep = "";
    for (Map.Entry<String, long[]> e : total.ackLatencies().entrySet()) {
      long[] v = e.getValue();
      sb.append(sep)
          .append(
              String.format(
                  "\"%s\": {\"p50\": %d, \"p99\": %d, \"count\": %d}",
                  e.getKey(), v[0] / 1000, v[1] / 1000, v[2]));
      sep = ", ";
    }
    sb.append("},\n  \"passed\": ").append(passed).append(", \"failed\": ").append(failed);
    sb.append(",\n  \"failures\": [");
    sep = "";
    for (String f : first(failures, 20)) {
      sb.append(sep).append('"').append(escape(f)).append('"');
      sep = ", ";
    }
    return sb.append("]\n}\n").toString();
  }

  private static String map(Map<? extends Enum<?>, Long> m) {
    StringBuilder sb = new StringBuilder("{");
    String sep = "";
    for (Map.Entry<? extends Enum<?>, Long> e : m.entrySet()) {
      sb.append(sep).append('"').append(e.getKey().name()).append("\": ").append(e.getValue());
      sep = ", ";
    }
    return sb.append('}').toString();
  }

  private static String escape(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static List<String> first(List<String> list, int n) {
    return list.size() > n ? list.subList(0, n) : list;
  }
}
