package dev.shaledb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.ObjectStoreMetrics;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChartTest {
  @Test
  void drawsAPngOfTheSweep(@TempDir Path dir) throws IOException {
    List<PhaseResult> sweep =
        List.of(point(1, 40, 26_000_000, 40_000_000), point(8, 300, 27_000_000, 60_000_000));
    Path file = dir.resolve("charts/sweep.png");
    Chart.render(file, sweep, "test");
    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image.getWidth()).isEqualTo(1000);
    assertThat(image.getHeight()).isEqualTo(440);
    int colored = 0;
    for (int x = 0; x < image.getWidth(); x += 2) {
      for (int y = 0; y < image.getHeight(); y += 2) {
        int rgb = image.getRGB(x, y) & 0xFFFFFF;
        int r = rgb >> 16;
        int b = rgb & 0xFF;
        if (b > 150 && r < 100 || r > 150 && b < 100) {
          colored++;
        }
      }
    }
    assertThat(colored).as("pixels of the plotted series").isGreaterThan(50);
  }

  @Test
  void axesEndAtRoundNumbers() {
    assertThat(Chart.niceCeiling(0)).isEqualTo(1);
    assertThat(Chart.niceCeiling(981)).isEqualTo(1000);
    assertThat(Chart.niceCeiling(1001)).isEqualTo(2000);
    assertThat(Chart.niceCeiling(0.3)).isEqualTo(0.5);
  }

  static PhaseResult point(int threads, long ops, long p50, long p99) {
    return new PhaseResult(
        "durable put c=" + threads,
        threads,
        ops,
        ops,
        1_000_000_000L,
        p50,
        p99,
        p99,
        new ObjectStoreMetrics(Map.of(), 0, 0),
        "");
  }
}
