package dev.shaledb.chaos;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The counters of one run (a seed, a kill cycle, or a whole report): {@link Stat}s, crashes per
 * {@link CrashPoint}, stalls per {@link StallPoint}, faults per {@link FaultKind}, durable-ack
 * latencies per fault class, and the findings that failed it. Thread-safe (one lock); {@link
 * #addAll} merges a finished run.
 */
public final class Tally {
  private final Map<Stat, Long> stats = new EnumMap<>(Stat.class);
  private final Map<CrashPoint, Long> crashes = new EnumMap<>(CrashPoint.class);
  private final Map<FaultKind, Long> faults = new EnumMap<>(FaultKind.class);
  private final Map<StallPoint, Long> stalls = new EnumMap<>(StallPoint.class);
  private final Map<String, Histogram> ackLatency = new TreeMap<>();
  private final List<String> findings = new ArrayList<>();

  public synchronized void add(Stat stat, long n) {
    stats.merge(stat, n, Long::sum);
  }

  public void inc(Stat stat) {
    add(stat, 1);
  }

  public synchronized long get(Stat stat) {
    return stats.getOrDefault(stat, 0L);
  }

  public synchronized void crash(CrashPoint point) {
    crashes.merge(point, 1L, Long::sum);
  }

  public synchronized void stall(StallPoint point) {
    stalls.merge(point, 1L, Long::sum);
  }

  public synchronized void faults(Map<FaultKind, Long> counts) {
    counts.forEach((k, n) -> faults.merge(k, n, Long::sum));
  }

  public synchronized void ackLatency(List<String> faultClasses, long nanos) {
    for (String c : faultClasses) {
      ackLatency.computeIfAbsent(c, x -> new Histogram()).record(nanos);
    }
  }

  public synchronized void finding(String finding) {
    findings.add(finding);
  }

  public synchronized List<String> findings() {
    return List.copyOf(findings);
  }

  public synchronized Map<CrashPoint, Long> crashes() {
    return Collections.unmodifiableMap(new EnumMap<>(crashes));
  }

  public synchronized Map<StallPoint, Long> stalls() {
    return Collections.unmodifiableMap(new EnumMap<>(stalls));
  }

  public synchronized Map<FaultKind, Long> faults() {
    return Collections.unmodifiableMap(new EnumMap<>(faults));
  }

  /** {p50, p99, count} in nanoseconds per fault class. */
  public synchronized Map<String, long[]> ackLatencies() {
    Map<String, long[]> out = new TreeMap<>();
    ackLatency.forEach(
        (c, h) -> out.put(c, new long[] {h.quantileNanos(0.5), h.quantileNanos(0.99), h.count()}));
    return out;
  }

  /** Adds every counter, histogram and finding of {@code other} to this one. */
  public void addAll(Tally other) {
    Map<Stat, Long> s;
    Map<CrashPoint, Long> c;
    Map<FaultKind, Long> f;
    Map<StallPoint, Long> st;
    List<String> fs;
    Map<String, Histogram> lat;
    synchronized (other) {
      s = new EnumMap<>(other.stats);
      c = new EnumMap<>(other.crashes);
      f = new EnumMap<>(other.faults);
      st = new EnumMap<>(other.stalls);
      fs = new ArrayList<>(other.findings);
      lat = new TreeMap<>();
      other.ackLatency.forEach(
          (k, h) -> {
            Histogram copy = new Histogram();
            copy.merge(h);
            lat.put(k, copy);
          });
    }
    synchronized (this) {
      s.forEach((k, n) -> stats.merge(k, n, Long::sum));
      c.forEach((k, n) -> crashes.merge(k, n, Long::sum));
      f.forEach((k, n) -> faults.merge(k, n, Long::sum));
      st.forEach((k, n) -> stalls.merge(k, n, Long::sum));
      findings.addAll(fs);
      lat.forEach((k, h) -> ackLatency.computeIfAbsent(k, x -> new Histogram()).merge(h));
    }
  }
}
