package dev.shaledb.bench;

import static java.util.Objects.requireNonNull;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;
import javax.imageio.ImageIO;

/**
 * Draws the driver's charts as PNG with java.awt in headless mode: panels of lines, two panels to a
 * row, linear value axes from 0. The durable-write sweep ({@link #render(Path, List, String)})
 * plots against a log-scale concurrency axis; a time series (the {@code ingest} command) against
 * seconds.
 */
final class Chart {
  private static final int WIDTH = 1000;
  private static final int ROW_HEIGHT = 400;
  private static final int PANEL = WIDTH / 2;
  private static final Color[] COLORS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c)
  };

  /** Up to this many points per line are marked with dots; more would blur into the line. */
  private static final int DOTS_UP_TO = 20;

  /**
   * One series, drawn as a line in its own color.
   *
   * @param name its legend
   * @param xs the x values, ascending
   * @param ys the y values; NaN leaves a gap
   */
  record Line(String name, double[] xs, double[] ys) {
    Line {
      requireNonNull(name, "name is null");
      if (xs.length != ys.length) {
        throw new IllegalArgumentException(xs.length + " x values but " + ys.length + " y values");
      }
      xs = xs.clone();
      ys = ys.clone();
    }

    static <T> Line of(String name, List<T> points, ToDoubleFunction<T> x, ToDoubleFunction<T> y) {
      return new Line(
          name, points.stream().mapToDouble(x).toArray(), points.stream().mapToDouble(y).toArray());
    }
  }

  /**
   * One plot.
   *
   * @param label the title above it
   * @param xLabel the caption of the x axis
   * @param logX whether x is a concurrency axis (log scale, a tick at every x) rather than linear
   *     from 0
   * @param lines at most three
   */
  record Panel(String label, String xLabel, boolean logX, List<Line> lines) {
    Panel {
      requireNonNull(label, "label is null");
      requireNonNull(xLabel, "xLabel is null");
      lines = List.copyOf(lines);
      if (lines.isEmpty() || lines.size() > COLORS.length) {
        throw new IllegalArgumentException("a panel draws 1 to 3 lines, not " + lines.size());
      }
    }
  }

  private Chart() {}

  /** Durable-write throughput and latency (p50, p99) against writer concurrency. */
  static void render(Path file, List<PhaseResult> sweep, String title) {
    String x = "concurrent writers (log scale)";
    render(
        file,
        title,
        List.of(
            new Panel(
                "durable writes/s",
                x,
                true,
                List.of(
                    Line.of("writes/s", sweep, PhaseResult::threads, PhaseResult::opsPerSecond))),
            new Panel(
                "durable-ack latency (ms)",
                x,
                true,
                List.of(
                    Line.of("p50", sweep, PhaseResult::threads, p -> p.p50Nanos() / 1e6),
                    Line.of("p99", sweep, PhaseResult::threads, p -> p.p99Nanos() / 1e6)))));
  }

  /** Draws {@code panels} two to a row under {@code title}. */
  static void render(Path file, String title, List<Panel> panels) {
    System.setProperty("java.awt.headless", "true");
    int rows = (panels.size() + 1) / 2;
    BufferedImage image =
        new BufferedImage(WIDTH, 40 + rows * ROW_HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(title, 20, 24);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      for (int i = 0; i < panels.size(); i++) {
        panel(g, (i % 2) * PANEL, 60 + (i / 2) * ROW_HEIGHT, panels.get(i));
      }
    } finally {
      g.dispose();
    }
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      if (!ImageIO.write(image, "png", file.toFile())) {
        throw new IOException("no PNG writer");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static void panel(Graphics2D g, int x0, int top, Panel panel) {
    int left = x0 + 70;
    int right = x0 + PANEL - 20;
    int bottom = top + ROW_HEIGHT - 70;
    double maxX = 0;
    double maxY = 0;
    for (Line line : panel.lines()) {
      for (int i = 0; i < line.xs().length; i++) {
        maxX = Math.max(maxX, line.xs()[i]);
        maxY = Double.isNaN(line.ys()[i]) ? maxY : Math.max(maxY, line.ys()[i]);
      }
    }
    maxY = niceCeiling(maxY);
    // a linear axis ends at the first multiple of a round step (about 5 of them) past the data
    double step = niceCeiling(maxX / 5);
    XAxis axis =
        panel.logX()
            ? new XAxis(true, Math.max(1, Math.log(Math.max(1, maxX)) / Math.log(2)), left, right)
            : new XAxis(false, step * Math.max(1, Math.ceil(maxX / step)), left, right);
    g.setColor(Color.BLACK);
    g.drawString(panel.label(), left, top - 12);
    g.drawLine(left, bottom, right, bottom);
    g.drawLine(left, top, left, bottom);
    for (int i = 0; i <= 4; i++) {
      int y = bottom - (bottom - top) * i / 4;
      g.setColor(new Color(0xdddddd));
      g.drawLine(left + 1, y, right, y);
      g.setColor(Color.BLACK);
      String tick = number(maxY * i / 4);
      g.drawString(tick, left - 8 - g.getFontMetrics().stringWidth(tick), y + 4);
    }
    double[] ticks =
        panel.logX()
            ? panel.lines().get(0).xs()
            : DoubleStream.iterate(0, x -> x <= axis.max * 1.0001, x -> x + step).toArray();
    for (double x : ticks) {
      String tick = number(x);
      g.drawString(tick, axis.of(x) - g.getFontMetrics().stringWidth(tick) / 2, bottom + 16);
    }
    g.drawString(panel.xLabel(), (left + right) / 2 - 80, bottom + 36);
    List<Line> lines = panel.lines();
    for (int s = 0; s < lines.size(); s++) {
      Line line = lines.get(s);
      g.setColor(COLORS[s]);
      g.setStroke(new BasicStroke(2f));
      boolean dots = line.xs().length <= DOTS_UP_TO;
      int lastX = -1;
      int lastY = -1;
      for (int i = 0; i < line.xs().length; i++) {
        if (Double.isNaN(line.ys()[i])) {
          lastX = -1;
          continue;
        }
        int x = axis.of(line.xs()[i]);
        int y = bottom - (int) ((bottom - top) * line.ys()[i] / maxY);
        if (dots) {
          g.fillOval(x - 4, y - 4, 8, 8);
        }
        if (lastX >= 0) {
          g.drawLine(lastX, lastY, x, y);
        }
        lastX = x;
        lastY = y;
      }
      // legend on the label line, right-aligned, clear of the data
      g.drawString(line.name(), right - 70 * (lines.size() - s), top - 12);
    }
    g.setStroke(new BasicStroke(1f));
  }

  /** Maps x values to pixels: log2 of x over {@code max} (a log axis) or x over {@code max}. */
  private record XAxis(boolean log, double max, int left, int right) {
    int of(double x) {
      double fraction = log ? Math.log(x) / Math.log(2) / max : x / max;
      return left + 20 + (int) ((right - left - 40) * fraction);
    }
  }

  /** 1, 2 or 5 times a power of ten, at least {@code value}. */
  static double niceCeiling(double value) {
    if (!(value > 0)) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
    for (double step : new double[] {1, 2, 5, 10}) {
      if (step * magnitude >= value) {
        return step * magnitude;
      }
    }
    return 10 * magnitude;
  }

  private static String number(double v) {
    if (v >= 1000) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    if (v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return v * 10 == Math.rint(v * 10)
        ? String.format(Locale.ROOT, "%.1f", v)
        : String.format(Locale.ROOT, "%.2f", v);
  }
}
