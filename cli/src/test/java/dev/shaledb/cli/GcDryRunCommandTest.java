package dev.shaledb.cli;

import static dev.shaledb.cli.Cli.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.CompactionOptions;
import dev.shaledb.DbOptions;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStores;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gc --dry-run} changes nothing (but the clock probe) and a run after it does just that. */
class GcDryRunCommandTest {
  private static final String PROBE = "db/gc/clock";

  @TempDir Path dir;

  /** Every object's bytes and lastModified, the clock probe aside. */
  private Map<String, String> objects() {
    Map<String, String> all = new TreeMap<>();
    try (ObjectStore store = ObjectStores.open(Cli.uri(dir))) {
      for (ObjectMeta meta : Futures.join(store.list(""))) {
        if (meta.key().equals(PROBE)) {
          assertThat(meta.size()).isZero();
          continue;
        }
        byte[] data = Futures.join(store.get(meta.key())).data();
        all.put(meta.key(), meta.lastModified() + " " + java.util.HexFormat.of().formatHex(data));
      }
    }
    return all;
  }

  @Test
  void aDryRunChangesNothingAndARealRunDeletesExactlyWhatItReported() {
    DbOptions noCompaction = DbOptions.builder().compaction(CompactionOptions.disabled()).build();
    for (int i = 0; i < 4; i++) {
      String k = "k" + i;
      Cli.write(dir, "db", noCompaction, db -> db.put(b(k), b("v")));
    }
    assertThat(Cli.on(dir, "db", "compact", "--until-idle", "--force").exitCode()).isZero();
    Map<String, String> before = objects();

    Cli dry = Cli.on(dir, "db", "--json", "gc", "--dry-run", "--min-age", "0s");

    assertThat(dry.exitCode()).isZero();
    assertThat(objects()).isEqualTo(before);
    assertThat(dry.out()).startsWith("{\"dryRun\":true,").contains("\"truncated\":false}");
    TreeSet<String> planned = new TreeSet<>();
    Matcher key = Pattern.compile("\"key\":\"([^\"]+)\"").matcher(dry.out());
    while (key.find()) {
      planned.add(key.group(1));
    }
    // Non-vacuity: the four L0 tables the compaction replaced, and flushed WAL objects.
    assertThat(planned.stream().filter(k -> k.startsWith("db/sst/"))).hasSize(4);
    assertThat(planned.stream().filter(k -> k.startsWith("db/wal/"))).isNotEmpty();
    Matcher retire = Pattern.compile("\"manifestsToRetire\":\\[([0-9,]*)\\]").matcher(dry.out());
    assertThat(retire.find()).isTrue();
    assertThat(retire.group(1)).isNotEmpty();

    Cli text = Cli.on(dir, "db", "gc", "--dry-run", "--min-age", "0s", "--limit", "1");
    assertThat(text.out())
        .startsWith("dry run: would retire ")
        .contains("delete 4 tables and ")
        .contains("; nothing was changed\n")
        .contains("\nretire  manifest 1\n")
        .endsWith("(lists cut at 1 each; --limit 0 shows all)\n");
    assertThat(objects()).isEqualTo(before);

    Cli gc = Cli.on(dir, "db", "--json", "gc", "--min-age", "0s");

    assertThat(gc.exitCode()).isZero();
    Map<String, String> after = objects();
    TreeSet<String> deleted = new TreeSet<>(before.keySet());
    deleted.removeAll(after.keySet());
    assertThat(deleted).isEqualTo(planned);
    int retired = retire.group(1).split(",").length;
    assertThat(gc.out())
        .contains("\"manifestsRetired\":" + retired + ",")
        .contains("\"tablesDeleted\":4,");
    assertThat(Cli.on(dir, "db", "scan").out()).isEqualTo("k0\tv\nk1\tv\nk2\tv\nk3\tv\n");
  }
}
