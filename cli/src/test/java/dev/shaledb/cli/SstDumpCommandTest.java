package dev.shaledb.cli;

import static dev.shaledb.cli.Cli.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.WriteBatch;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.table.TableKeys;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SstDumpCommandTest {
  @TempDir Path dir;

  private TableInfo table;

  @BeforeEach
  void createDatabase() {
    Cli.write(
        dir,
        "db",
        db -> {
          WriteBatch batch = new WriteBatch();
          for (int i = 0; i < 2000; i++) {
            batch.put(b(String.format("key-%04d", i)), b("value-" + i));
          }
          db.write(batch);
          // In the memtable still, so the flush drops the 100 keys it covers and keeps it.
          db.deleteRange(b("key-0100"), b("key-0200"));
        });
    table = Cli.latest(dir, "db").state().l0().get(0);
  }

  @Test
  void textShowsTheTableAndABoundedIndex() {
    Cli dump = Cli.on(dir, "db", "sst-dump", table.id());

    assertThat(dump.exitCode()).isZero();
    assertThat(dump.err()).isEmpty();
    assertThat(dump.out())
        .startsWith(
            "table            " + table.id() + " (" + TableKeys.key("db", table.id()) + ")\n")
        .contains("format           version 3, ")
        .contains(" stored, compression NONE\n")
        .contains("(" + table.sizeBytes() + " bytes)")
        .contains("entries          1900: 1900 puts, 0 deletes, 0 merges; 1900 distinct keys\n")
        .contains("keys             [key-0000 .. key-1999]\n")
        .contains("filter           bloom, ")
        .contains("range tombstones 1\n  [key-0100 .. key-0200) seqs [")
        .contains("  block     offset       size  keys\n")
        .contains("      0          0 ")
        .doesNotContain("PROBLEM");
    Matcher blocks = Pattern.compile("data             (\\d+) blocks").matcher(dump.out());
    assertThat(blocks.find()).isTrue();
    int count = Integer.parseInt(blocks.group(1));
    assertThat(count).isGreaterThan(3);
    assertThat(dump.out()).contains("[key-0000 .. key-").contains(" .. key-1999]\n");

    Cli limited = Cli.on(dir, "db", "sst-dump", table.id(), "--limit", "2");
    assertThat(limited.out())
        .contains("index            2 blocks (cut at --limit)\n")
        .containsPattern("\n +1 +\\d+ ")
        .doesNotContainPattern("\n +2 +\\d+ ");
  }

  @Test
  void entriesFromAStartKeyAreBoundedAndTheJsonSaysSo() {
    Cli dump =
        Cli.on(
            dir,
            "db",
            "--json",
            "sst-dump",
            table.id(),
            "--entries",
            "--start",
            "key-1000",
            "--limit",
            "3");

    assertThat(dump.exitCode()).isZero();
    assertThat(dump.out())
        .startsWith(
            "{\"id\":\""
                + table.id()
                + "\",\"key\":\""
                + TableKeys.key("db", table.id())
                + "\",\"bytes\":"
                + table.sizeBytes()
                + ",\"formatVersion\":3,\"entryCount\":1900,")
        .contains("\"filter\":{\"kind\":\"bloom\",\"bits\":")
        .contains("\"rangeTombstones\":[{\"start\":\"key-0100\",\"end\":\"key-0200\",\"seqs\":[")
        .contains("\"indexTruncated\":true,\"index\":[{\"block\":0,\"offset\":0,")
        .contains("\"firstKey\":\"key-0000\"")
        .contains(
            "\"entries\":[{\"key\":\"key-1000\",\"seq\":1001,\"kind\":\"PUT\",\"value\":\"value-1000\","
                + "\"expireAt\":null},{\"key\":\"key-1001\",")
        .contains("{\"key\":\"key-1002\",")
        .doesNotContain("\"key-1003\"")
        .endsWith("],\"entriesTruncated\":true,\"problems\":[]}\n");
  }

  @Test
  void aDamagedBlockIsReportedWithKeyAndOffset() {
    String key = TableKeys.key("db", table.id());
    byte[] bytes = Cli.read(dir, key);
    bytes[bytes.length / 3] ^= 0x40;
    Cli.overwrite(dir, key, bytes);

    Cli dump = Cli.on(dir, "db", "sst-dump", table.id(), "--entries", "--limit", "0");

    assertThat(dump.exitCode()).isEqualTo(ExitCodes.NO);
    assertThat(dump.out())
        .containsPattern("\nPROBLEM " + key + " at offset \\d+: data block checksum mismatch");
    assertThat(dump.out().lines().filter(l -> l.startsWith("PROBLEM"))).hasSize(1);
  }

  @Test
  void unknownAndMalformedIdsAreRefused() {
    Cli missing = Cli.on(dir, "db", "sst-dump", "0123456789abcdef0123456789abcdef");
    assertThat(missing.exitCode()).isEqualTo(ExitCodes.NO);
    assertThat(missing.err()).startsWith("shaledb: no table 0123456789abcdef0123456789abcdef");
    assertThat(Cli.on(dir, "db", "sst-dump", "../manifest/x").exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(Cli.on(dir, "db", "sst-dump", table.id(), "--start", "k").exitCode())
        .isEqualTo(ExitCodes.USAGE);
  }
}
