package dev.shaledb.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.LocalFileObjectStore;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6's long run: 10M random overwrites of 100k keys with compaction on must end with bounded
 * space. Behind {@code -Psoak} (about two minutes); the quick variant runs in every build.
 */
class OverwriteSoakTest {
  @Test
  void aShortOverwriteRunKeepsSpaceBounded() throws Exception {
    Map<String, Object> r =
        OverwriteBench.measure(
            OverwriteBench.Options.parse(
                new String[] {"--writes", "300000", "--keys", "20000", "--memtable-mb", "1"}),
            new InMemoryObjectStore());
    assertThat((long) r.get("compactions")).isPositive();
    assertThat((double) r.get("space_amp_after_settling")).isLessThanOrEqualTo(1.5);
  }

  @Test
  @EnabledIfSystemProperty(named = "shaledb.soak", matches = "true")
  void tenMillionOverwritesEndWithBoundedSpace(@TempDir Path dir) throws Exception {
    Map<String, Object> r =
        OverwriteBench.measure(
            OverwriteBench.Options.parse(new String[] {"--writes", "10000000", "--keys", "100000"}),
            new LocalFileObjectStore(dir));
    assertThat((double) r.get("space_amp_after_settling")).isLessThanOrEqualTo(1.5);
    assertThat((double) r.get("space_amp_mean_during_ingest")).isLessThanOrEqualTo(1.5);
    assertThat((double) r.get("longest_put_millis")).as("no stall over 1 s").isLessThan(1000);
  }
}
