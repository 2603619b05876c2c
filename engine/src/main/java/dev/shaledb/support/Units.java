package dev.shaledb.support;

import java.time.Duration;
import java.util.Locale;
import java.util.StringJoiner;

/** Numbers with their units for one-line descriptions ({@code DbStats}, {@code DbOptions}). */
public final class Units {
  private static final String[] BINARY = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

  private Units() {}

  /** "512 B", "1.5 KiB", "64 MiB" (whole numbers without decimals). */
  public static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < BINARY.length - 1) {
      value /= 1024;
      unit++;
    }
    String number =
        value == Math.rint(value)
            ? String.valueOf((long) value)
            : String.format(Locale.ROOT, "%.1f", value);
    return number + " " + BINARY[unit];
  }

  /** "1 get", "2 gets", "3 batches". */
  public static String count(long n, String noun) {
    if (n == 1) {
      return n + " " + noun;
    }
    boolean es =
        noun.endsWith("s") || noun.endsWith("x") || noun.endsWith("ch") || noun.endsWith("sh");
    return n + " " + noun + (es ? "es" : "s");
  }

  /** "850 us", "1.2 ms", "3.0 s" from microseconds. */
  public static String micros(long micros) {
    if (micros < 1000) {
      return micros + " us";
    }
    if (micros < 1_000_000) {
      return String.format(Locale.ROOT, "%.1f ms", micros / 1e3);
    }
    return String.format(Locale.ROOT, "%.1f s", micros / 1e6);
  }

  /** "30 s", "15 min", "100 ms", "1 h 30 min": the largest units that say it exactly. */
  public static String duration(Duration d) {
    if (d.isZero()) {
      return "0 s";
    }
    if (d.toNanosPart() % 1_000_000 != 0 || d.toMillis() < 1) {
      return d.toNanos() / 1000 + " us";
    }
    StringJoiner parts = new StringJoiner(" ");
    if (d.toDays() > 0) {
      parts.add(d.toDays() + " d");
    }
    if (d.toHoursPart() > 0) {
      parts.add(d.toHoursPart() + " h");
    }
    if (d.toMinutesPart() > 0) {
      parts.add(d.toMinutesPart() + " min");
    }
    if (d.toSecondsPart() > 0) {
      parts.add(d.toSecondsPart() + " s");
    }
    if (d.toMillisPart() > 0) {
      parts.add(d.toMillisPart() + " ms");
    }
    return parts.toString();
  }

  /** Joins the non-empty parts of a description with "; ". */
  public static final class Line {
    private final StringJoiner parts;

    public Line(String name) {
      this.parts = new StringJoiner("; ", name + "{", "}");
    }

    /** Adds {@code part}. */
    public Line add(String part) {
      parts.add(part);
      return this;
    }

    /** Adds {@code part} only if {@code when}. */
    public Line addIf(boolean when, String part) {
      if (when) {
        parts.add(part);
      }
      return this;
    }

    @Override
    public String toString() {
      return parts.toString();
    }
  }
}
