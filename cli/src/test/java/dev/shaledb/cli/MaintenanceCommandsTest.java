package dev.shaledb.cli;

import static dev.shaledb.cli.Cli.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.CompactionOptions;
import dev.shaledb.DbOptions;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.Manifest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaintenanceCommandsTest {
  @TempDir Path dir;

  @BeforeEach
  void createDatabase() {
    Cli.write(dir, "db", db -> db.put(b("a"), b("1")));
  }

  @Test
  void checkpointCreateListAndDelete() {
    Cli refused = Cli.on(dir, "db", "checkpoint", "create", "nightly");
    assertThat(refused.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(refused.err()).startsWith("shaledb: checkpoint create opens a writer");
    assertThat(Cli.latest(dir, "db").state().checkpoints()).isEmpty();

    Instant before = Instant.now();
    Cli create = Cli.on(dir, "db", "checkpoint", "create", "nightly", "--ttl", "7d", "--force");
    assertThat(create.exitCode()).isZero();
    Checkpoint c = Cli.latest(dir, "db").state().checkpoints().get(0);
    assertThat(c.name()).isEqualTo("nightly");
    assertThat(c.expireAt())
        .isBetween(
            before.plus(Duration.ofDays(7)).minusSeconds(60),
            before.plus(Duration.ofDays(7)).plusSeconds(60));
    assertThat(create.out()).isEqualTo("created " + CheckpointCommand.line(c) + "\n");

    Cli list = Cli.on(dir, "db", "checkpoint", "list");
    assertThat(list.out()).isEqualTo(CheckpointCommand.line(c) + "\n1 checkpoint\n");
    assertThat(Cli.on(dir, "db", "--json", "checkpoint", "list").out())
        .isEqualTo(
            "{\"checkpoints\":[{\"id\":\""
                + c.id()
                + "\",\"name\":\"nightly\",\"manifestId\":"
                + c.manifestId()
                + ",\"expireAt\":\""
                + c.expireAt()
                + "\"}]}\n");

    Manifest beforeDelete = Cli.latest(dir, "db");
    Cli unknown =
        Cli.on(dir, "db", "checkpoint", "delete", UUID.randomUUID().toString(), "--force");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.NO);
    assertThat(unknown.err()).startsWith("shaledb: no checkpoint ");
    assertThat(Cli.latest(dir, "db").state().writerEpoch())
        .as("a mistyped id fences nobody")
        .isEqualTo(beforeDelete.state().writerEpoch());

    Cli delete = Cli.on(dir, "db", "checkpoint", "delete", c.id().toString(), "--force");
    assertThat(delete.exitCode()).isZero();
    assertThat(delete.out()).isEqualTo("deleted checkpoint " + c.id() + "\n");
    assertThat(Cli.latest(dir, "db").state().checkpoints()).isEmpty();
  }

  @Test
  void getAndScanReadACheckpointAsItWasPinned() {
    Cli.on(dir, "db", "checkpoint", "create", "pin", "--force");
    UUID id = Cli.latest(dir, "db").state().checkpoints().get(0).id();
    Cli.write(
        dir,
        "db",
        db -> {
          db.put(b("a"), b("changed"));
          db.put(b("b"), b("new"));
        });

    assertThat(Cli.on(dir, "db", "get", "a").out()).isEqualTo("changed\n");
    assertThat(Cli.on(dir, "db", "get", "a", "--checkpoint", id.toString()).out()).isEqualTo("1\n");
    assertThat(Cli.on(dir, "db", "scan", "--checkpoint", id.toString()).out()).isEqualTo("a\t1\n");

    Cli unknown = Cli.on(dir, "db", "get", "a", "--checkpoint", UUID.randomUUID().toString());
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.NO);
    assertThat(unknown.err()).startsWith("shaledb: ").contains("checkpoint");
    assertThat(unknown.err().lines()).hasSize(1);
  }

  @Test
  void badDurationsAndIdsAreUsageErrors() {
    Cli ttl = Cli.on(dir, "db", "checkpoint", "create", "x", "--ttl", "soon", "--force");
    assertThat(ttl.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(ttl.err()).contains("'soon' is not a duration");

    Cli id = Cli.on(dir, "db", "checkpoint", "delete", "not-a-uuid", "--force");
    assertThat(id.exitCode()).isEqualTo(ExitCodes.USAGE);
  }

  @Test
  void gcDeletesWhatNothingReferences() {
    Cli.write(dir, "db", db -> db.put(b("b"), b("2")));
    Cli.write(dir, "db", db -> db.put(b("c"), b("3")));
    int walObjects = walObjects();

    Cli gc = Cli.on(dir, "db", "gc", "--min-age", "0s", "--json");

    assertThat(gc.exitCode()).isZero();
    assertThat(gc.out()).startsWith("{\"latestManifestId\":").contains("\"manifestsRetired\":");
    assertThat(gc.out()).doesNotContain("\"walObjectsDeleted\":0,");
    assertThat(walObjects()).isLessThan(walObjects);
    assertThat(Cli.on(dir, "db", "verify").exitCode()).isZero();
    assertThat(Cli.on(dir, "db", "get", "a").out()).isEqualTo("1\n");
  }

  @Test
  void compactMergesL0IntoASortedRun() {
    DbOptions noCompaction = DbOptions.builder().compaction(CompactionOptions.disabled()).build();
    for (int i = 0; i < 4; i++) {
      String k = "k" + i;
      Cli.write(dir, "db", noCompaction, db -> db.put(b(k), b("v")));
    }
    assertThat(Cli.latest(dir, "db").state().l0()).hasSizeGreaterThanOrEqualTo(4);

    Cli refused = Cli.on(dir, "db", "compact");
    assertThat(refused.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(refused.err())
        .isEqualTo(
            "shaledb: compact opens a compactor, which stops the running one (the writer's own"
                + " unless compaction runs elsewhere); pass --force to do it anyway\n");
    Cli compact = Cli.on(dir, "db", "compact", "--force", "--timeout", "2m");

    assertThat(compact.exitCode()).isZero();
    assertThat(compact.out()).startsWith("done: ").endsWith("now 0 tables in L0, 1 sorted run\n");
    assertThat(Cli.latest(dir, "db").state().sortedRuns()).hasSize(1);
    assertThat(Cli.on(dir, "db", "scan").out()).isEqualTo("a\t1\nk0\tv\nk1\tv\nk2\tv\nk3\tv\n");
  }

  private int walObjects() {
    try (Target target = new Target(Cli.uri(dir), "db")) {
      return WalCommand.list(target).size();
    }
  }
}
