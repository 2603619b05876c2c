package dev.shaledb.cli;

import static dev.shaledb.cli.Cli.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.wal.WalKeys;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TablesAndWalTest {
  @TempDir Path dir;

  @Test
  void tablesListsEveryLiveTableWithItsRanges() {
    Cli.write(dir, "db", db -> db.put(b("a"), b("1")));
    Cli.write(
        dir,
        "db",
        db -> {
          db.put(b("m"), b("2"));
          db.put(b("z"), b("3"));
        });
    ManifestState s = Cli.latest(dir, "db").state();
    TableInfo newest = s.l0().get(0);
    TableInfo oldest = s.l0().get(1);

    Cli tables = Cli.on(dir, "db", "tables");

    assertThat(tables.exitCode()).isZero();
    assertThat(tables.out().lines())
        .hasSize(4)
        .element(1)
        .asString()
        .startsWith("L0     " + newest.id())
        .endsWith(String.format("%-21s  [m .. z]", newest.minSeq() + ".." + newest.maxSeq()));
    assertThat(tables.out()).contains(oldest.id()).endsWith("2 tables\n");

    Cli json = Cli.on(dir, "db", "tables", "--json");
    assertThat(json.out())
        .startsWith(
            "{\"tables\":[{\"id\":\""
                + newest.id()
                + "\",\"level\":\"L0\",\"bytes\":"
                + newest.sizeBytes()
                + ",\"smallestKey\":\"m\",\"largestKey\":\"z\",\"minSeq\":"
                + newest.minSeq()
                + ",\"maxSeq\":"
                + newest.maxSeq()
                + "},{\"id\":\""
                + oldest.id()
                + "\"");
  }

  @Test
  void walListsTheObjectsAndWhichOnesReplayNeeds() {
    Cli.write(dir, "db", db -> db.put(b("a"), b("1")));
    Cli.write(dir, "db", db -> db.put(b("b"), b("2")));
    ManifestState s = Cli.latest(dir, "db").state();
    long anchor = s.flushedWalId();
    long size = Cli.read(dir, WalKeys.key("db", anchor)).length;

    Cli wal = Cli.on(dir, "db", "wal");

    assertThat(wal.exitCode()).isZero();
    assertThat(wal.out())
        .startsWith("flushed through " + anchor + ", next " + s.nextWalId() + "\n")
        .contains(String.format("%20d %10s  replay anchor%n", anchor, Text.size(size)))
        .contains(String.format("%20d", 1) + " ");
    Cli json = Cli.on(dir, "db", "wal", "--json");
    assertThat(json.out())
        .contains(
            "{\"id\":"
                + anchor
                + ",\"key\":\""
                + WalKeys.key("db", anchor)
                + "\",\"bytes\":"
                + size
                + ",\"state\":\"replay anchor\"}");
  }
}
