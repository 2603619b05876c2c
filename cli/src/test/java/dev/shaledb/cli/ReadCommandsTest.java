package dev.shaledb.cli;

import static dev.shaledb.cli.Cli.b;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadCommandsTest {
  @TempDir Path dir;

  @BeforeEach
  void createDatabase() {
    Cli.write(
        dir,
        "db",
        db -> {
          for (String k : new String[] {"a", "ab", "abc", "b", "ba", "c"}) {
            db.put(b(k), b("v-" + k));
          }
          db.put(new byte[] {0, (byte) 0xff}, new byte[] {1, 2});
        });
    // A second writer deletes "ba" in a newer table: reads must merge the two.
    Cli.write(dir, "db", db -> db.delete(b("ba")));
  }

  @Test
  void getPrintsTheValueOrExitsOneWhenAbsent() {
    Cli found = Cli.on(dir, "db", "get", "ab");
    assertThat(found.exitCode()).isZero();
    assertThat(found.out()).isEqualTo("v-ab\n");

    Cli deleted = Cli.on(dir, "db", "get", "ba");
    assertThat(deleted.exitCode()).isEqualTo(ExitCodes.NO);
    assertThat(deleted.out()).isEmpty();
    assertThat(deleted.err()).isEqualTo("shaledb: key 'ba' not found\n");
  }

  @Test
  void getInHexAndJson() {
    Cli hex = Cli.on(dir, "db", "--hex", "get", "00ff");
    assertThat(hex.out()).isEqualTo("0102\n");

    Cli json = Cli.on(dir, "db", "--json", "get", "abc");
    assertThat(json.out()).isEqualTo("{\"key\":\"abc\",\"found\":true,\"value\":\"v-abc\"}\n");

    Cli absent = Cli.on(dir, "db", "--json", "get", "zz");
    assertThat(absent.exitCode()).isEqualTo(ExitCodes.NO);
    assertThat(absent.out()).isEqualTo("{\"key\":\"zz\",\"found\":false,\"value\":null}\n");
  }

  @Test
  void scanPrintsKeysAndValuesInOrderAndBinaryAsHex() {
    Cli all = Cli.on(dir, "db", "scan");
    assertThat(all.exitCode()).isZero();
    assertThat(all.out())
        .isEqualTo("0x00ff\t0x0102\na\tv-a\nab\tv-ab\nabc\tv-abc\nb\tv-b\nc\tv-c\n");
    assertThat(all.err()).isEmpty();
  }

  @Test
  void scanHonoursBoundsPrefixReverseAndLimit() {
    assertThat(Cli.on(dir, "db", "scan", "--start", "ab", "--end", "b").out())
        .isEqualTo("ab\tv-ab\nabc\tv-abc\n");
    assertThat(Cli.on(dir, "db", "scan", "--prefix", "a", "--reverse").out())
        .isEqualTo("abc\tv-abc\nab\tv-ab\na\tv-a\n");

    Cli limited = Cli.on(dir, "db", "scan", "--start", "a", "--limit", "2");
    assertThat(limited.exitCode()).isZero();
    assertThat(limited.out()).isEqualTo("a\tv-a\nab\tv-ab\n");
    assertThat(limited.err()).isEqualTo("shaledb: stopped after 2 entries (--limit; 0 for all)\n");
  }

  @Test
  void scanAsJsonSaysWhetherItWasTruncated() {
    assertThat(Cli.on(dir, "db", "--json", "scan", "--prefix", "ab", "--limit", "1").out())
        .isEqualTo("{\"entries\":[{\"key\":\"ab\",\"value\":\"v-ab\"}],\"truncated\":true}\n");
    assertThat(Cli.on(dir, "db", "--json", "--hex", "scan", "--end", "61").out())
        .isEqualTo("{\"entries\":[{\"key\":\"00ff\",\"value\":\"0102\"}],\"truncated\":false}\n");
  }

  @Test
  void scanRejectsPrefixWithBounds() {
    Cli bad = Cli.on(dir, "db", "scan", "--prefix", "a", "--start", "b");
    assertThat(bad.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err())
        .isEqualTo(
            "shaledb: --prefix cannot be combined with --start or --end (see 'shaledb scan"
                + " --help')\n");
  }
}
