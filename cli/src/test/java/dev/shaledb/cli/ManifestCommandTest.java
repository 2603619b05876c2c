package dev.shaledb.cli;

import static dev.shaledb.cli.Cli.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.manifest.TableInfo;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestCommandTest {
  @TempDir Path dir;

  private Manifest latest;

  @BeforeEach
  void createDatabase() {
    Cli.write(
        dir,
        "db",
        db -> {
          db.put(b("a"), b("1"));
          db.createCheckpoint("pin", Duration.ofDays(1));
        });
    Cli.write(dir, "db", db -> db.put(b("b"), b("2")));
    latest = Cli.latest(dir, "db");
    assertThat(latest.id()).isGreaterThan(3);
  }

  @Test
  void historyListsEveryVersionNewestFirstAndMarksRetiredOnes() {
    // A retired version is a zero-byte object (docs/gc.md).
    Cli.overwrite(dir, ManifestKeys.key("db", 1), new byte[0]);

    Cli history = Cli.on(dir, "db", "manifest", "--history");

    assertThat(history.exitCode()).isZero();
    var lines = history.out().lines().toList();
    assertThat(lines.get(0)).contains("id", "lastModified", "status", "writer", "checkpoints");
    assertThat(lines.get(1).trim()).startsWith(latest.id() + " ").contains(" live ");
    assertThat(lines.get(lines.size() - 2).trim()).startsWith("1 ").contains(" retired ");
    assertThat(lines).hasSize((int) latest.id() + 2);
    assertThat(lines.get(lines.size() - 1)).isEqualTo(latest.id() + " versions");

    Cli limited = Cli.on(dir, "db", "--json", "manifest", "--history", "--limit", "2");
    assertThat(limited.out())
        .startsWith("{\"versions\":[{\"id\":" + latest.id() + ",\"bytes\":")
        .contains(
            ",\"status\":\"live\",\"writerEpoch\":"
                + latest.state().writerEpoch()
                + ",\"compactorEpoch\":"
                + latest.state().compactorEpoch()
                + ",\"l0Tables\":"
                + latest.state().l0().size()
                + ",\"sortedRuns\":0,\"checkpoints\":1}")
        .endsWith("],\"total\":" + latest.id() + ",\"truncated\":true}\n");
    assertThat(limited.out().split("\"id\":")).hasSize(3);
  }

  @Test
  void dumpPrintsEveryFieldOfAVersion() {
    TableInfo t = latest.state().l0().get(0);

    Cli dump = Cli.on(dir, "db", "manifest", "--dump", "latest");

    assertThat(dump.exitCode()).isZero();
    assertThat(Cli.on(dir, "db", "manifest", "--dump", String.valueOf(latest.id())).out())
        .isEqualTo(dump.out());
    assertThat(dump.out())
        .startsWith(
            "{\"id\":"
                + latest.id()
                + ",\"writeId\":\""
                + latest.writeId()
                + "\",\"writerEpoch\":"
                + latest.state().writerEpoch())
        .contains(
            "\"flushedWalId\":"
                + latest.state().flushedWalId()
                + ",\"nextWalId\":"
                + latest.state().nextWalId()
                + ",\"lastFlushedSeq\":"
                + latest.state().lastFlushedSeq()
                + ",\"l0\":[{\"id\":\""
                + t.id()
                + "\",\"bytes\":"
                + t.sizeBytes()
                + ",\"smallestKey\":\"b\",\"largestKey\":\"b\",\"minSeq\":"
                + t.minSeq()
                + ",\"maxSeq\":"
                + t.maxSeq()
                + ",\"crc32c\":"
                + Integer.toUnsignedLong(t.crc32c())
                + "}")
        .contains("\"checkpoints\":[{\"id\":\"" + latest.state().checkpoints().get(0).id())
        .endsWith(",\"condemnedThrough\":\"\",\"cloneOf\":[],\"unknownFieldTags\":[]}\n");

    Cli.overwrite(dir, ManifestKeys.key("db", 1), new byte[0]);
    Cli retired = Cli.on(dir, "db", "manifest", "--dump", "1");
    assertThat(retired.exitCode()).isEqualTo(ExitCodes.NO);
    assertThat(retired.err()).startsWith("shaledb: manifest 1 does not exist or was retired");
    assertThat(Cli.on(dir, "db", "manifest", "--dump", "soon").exitCode())
        .isEqualTo(ExitCodes.USAGE);
    assertThat(Cli.on(dir, "db", "manifest").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(Cli.on(dir, "nothing", "manifest", "--history").exitCode())
        .isEqualTo(ExitCodes.NO_DATABASE);
  }
}
