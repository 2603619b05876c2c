package dev.shaledb.cli;

import static dev.shaledb.cli.Cli.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestState;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfoCommandTest {
  @TempDir Path dir;

  @Test
  void describesTheLatestManifestInWords() {
    Cli.write(dir, "orders", db -> db.put(b("a"), b("1")));
    Cli.write(dir, "orders", db -> db.put(b("b"), b("2")));
    ManifestState s = Cli.latest(dir, "orders").state();
    assertThat(s.l0()).hasSize(2);

    Cli info = Cli.on(dir, "orders", "info");

    assertThat(info.exitCode()).isZero();
    assertThat(info.err()).isEmpty();
    assertThat(info.out())
        .contains("manifest         " + Cli.latest(dir, "orders").id() + " (write id ")
        .contains("epochs           writer 2, compactor " + s.compactorEpoch())
        .contains("L0               2 tables, ")
        .contains("sorted runs      0")
        .contains(
            "WAL              flushed through "
                + s.flushedWalId()
                + ", next "
                + s.nextWalId()
                + " (replay from "
                + (s.flushedWalId() + 1)
                + ")")
        .contains("lastFlushedSeq   " + s.lastFlushedSeq())
        .contains("checkpoints      0")
        .contains("table floor      (none)");
  }

  @Test
  void jsonHasEveryFieldOfTheManifest() {
    Cli.write(
        dir,
        "",
        db -> {
          db.put(b("a"), b("1"));
          db.createCheckpoint("before \"migration\"", Duration.ofDays(7));
        });
    Manifest m = Cli.latest(dir, "");
    ManifestState s = m.state();

    Cli info = Cli.on(dir, "", "info", "--json");

    assertThat(info.exitCode()).isZero();
    assertThat(info.out().strip())
        .startsWith("{\"store\":\"" + Cli.uri(dir) + "\",\"path\":\"\",")
        .contains("\"manifestId\":" + m.id() + ",\"writeId\":\"" + m.writeId() + "\"")
        .contains("\"writerEpoch\":1,\"compactorEpoch\":" + s.compactorEpoch())
        .contains("\"l0\":{\"tables\":1,\"bytes\":" + s.l0().get(0).sizeBytes() + "}")
        .contains("\"sortedRuns\":[]")
        .contains(
            "\"flushedWalId\":"
                + s.flushedWalId()
                + ",\"nextWalId\":"
                + s.nextWalId()
                + ",\"lastFlushedSeq\":"
                + s.lastFlushedSeq())
        .contains(
            "\"checkpoints\":[{\"id\":\""
                + s.checkpoints().get(0).id()
                + "\",\"name\":\"before \\\"migration\\\"\",\"manifestId\":"
                + s.checkpoints().get(0).manifestId()
                + ",\"expireAt\":\""
                + s.checkpoints().get(0).expireAt()
                + "\"}]")
        .endsWith("\"condemnedThrough\":\"\",\"cloneOf\":[],\"borrowedTables\":0}");
  }

  @Test
  void globalOptionsMayFollowTheCommand() {
    Cli.write(dir, "db", db -> db.put(b("a"), b("1")));

    Cli info = Cli.run("info", "--store", Cli.uri(dir), "--path", "db", "--json");

    assertThat(info.exitCode()).isZero();
    assertThat(info.out()).contains("\"path\":\"db\"");
  }
}
