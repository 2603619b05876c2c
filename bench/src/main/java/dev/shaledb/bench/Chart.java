package dev.shaledb.bench;

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
import javax.imageio.ImageIO;

/**
 * Draws durable-write throughput and latency (p50, p99) against writer concurrency as a PNG, with
 * java.awt in headless mode: two panels, a log-scale concurrency axis, linear value axes from 0.
 */
final class Chart {
  private static final int WIDTH = 1000;
  private static final int HEIGHT = 440;
  private static final int PANEL = WIDTH / 2;
  private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728)};

  private Chart() {}

  static void render(Path file, List<PhaseResult> sweep, String title) {
    System.setProperty("java.awt.headless", "true");
    BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(title, 20, 24);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      panel(
          g, 0, sweep, "durable writes/s", new String[] {"writes/s"}, p -> p.opsPerSecond(), null);
      panel(
          g,
          PANEL,
          sweep,
          "durable-ack latency (ms)",
          new String[] {"p50", "p99"},
          p -> p.p50Nanos() / 1e6,
          p -> p.p99Nanos() / 1e6);
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

  @SafeVarargs
  private static void panel(
      Graphics2D g,
      int x0,
      List<PhaseResult> sweep,
      String label,
      String[] names,
      ToDoubleFunction<PhaseResult>... series) {
    int left = x0 + 70;
    int right = x0 + PANEL - 20;
    int top = 60;
    int bottom = HEIGHT - 50;
    double maxX = sweep.stream().mapToInt(PhaseResult::threads).max().orElse(1);
    double logMax = Math.max(1, Math.log(maxX) / Math.log(2));
    double maxY = 0;
    for (ToDoubleFunction<PhaseResult> s : series) {
      if (s != null) {
        maxY = Math.max(maxY, sweep.stream().mapToDouble(s).max().orElse(0));
      }
    }
    maxY = niceCeiling(maxY);
    g.setColor(Color.BLACK);
    g.drawString(label, left, top - 12);
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
    for (PhaseResult p : sweep) {
      int x = xOf(p.threads(), left, right, logMax);
      String tick = Integer.toString(p.threads());
      g.drawString(tick, x - g.getFontMetrics().stringWidth(tick) / 2, bottom + 16);
    }
    g.drawString("concurrent writers (log scale)", (left + right) / 2 - 80, bottom + 36);
    for (int s = 0; s < series.length; s++) {
      if (series[s] == null) {
        continue;
      }
      g.setColor(COLORS[s % COLORS.length]);
      g.setStroke(new BasicStroke(2f));
      int lastX = -1;
      int lastY = -1;
      for (PhaseResult p : sweep) {
        int x = xOf(p.threads(), left, right, logMax);
        int y = bottom - (int) ((bottom - top) * series[s].applyAsDouble(p) / maxY);
        g.fillOval(x - 4, y - 4, 8, 8);
        if (lastX >= 0) {
          g.drawLine(lastX, lastY, x, y);
        }
        lastX = x;
        lastY = y;
      }
      // legend on the label line, right-aligned, clear of the data
      g.drawString(names[s], right - 70 * (series.length - s), top - 12);
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static int xOf(int threads, int left, int right, double logMax) {
    double fraction = Math.log(threads) / Math.log(2) / logMax;
    return left + 20 + (int) ((right - left - 40) * fraction);
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
    return v == Math.rint(v)
        ? String.format(Locale.ROOT, "%.0f", v)
        : String.format(Locale.ROOT, "%.1f", v);
  }
}
