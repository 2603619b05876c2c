package dev.shaledb.cli;

import static dev.shaledb.cli.Cli.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.Manifest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CloneCommandTest {
  @TempDir Path dir;

  @BeforeEach
  void createDatabase() {
    Cli.write(dir, "db", db -> db.put(b("a"), b("1")));
  }

  @Test
  void cloneSharesTheTablesAndTheCloneReadsLikeTheSource() {
    Cli clone = Cli.on(dir, "db", "clone", "copy");
    assertThat(clone.exitCode()).isZero();
    Checkpoint pin = Cli.latest(dir, "db").state().checkpoints().get(0);
    assertThat(pin.name()).isEqualTo("clone:copy");
    assertThat(clone.out())
        .startsWith("cloned 'db' (manifest ")
        .contains("to 'copy': 1 table (")
        .endsWith("shared, none copied; pinned by checkpoint " + pin.id() + " of the source\n");
    assertThat(Cli.on(dir, "copy", "get", "a").out()).isEqualTo("1\n");
    assertThat(Cli.on(dir, "copy", "verify").exitCode()).isZero();
    assertThat(Cli.on(dir, "copy", "info").out())
        .contains(
            "clone of         'db' manifest "
                + pin.manifestId()
                + " (its checkpoint "
                + pin.id()
                + "); 1 table still shared\n");
    assertThat(Cli.on(dir, "copy", "--json", "info").out())
        .contains("\"cloneOf\":[{\"source\":\"db\",\"checkpointId\":\"" + pin.id())
        .contains("\"borrowedTables\":1");
    assertThat(Cli.on(dir, "copy", "tables").out()).contains("  shared, in 'db'\n");
    assertThat(Cli.on(dir, "copy", "--json", "tables").out()).contains("\"home\":\"db\"");
    assertThat(Cli.on(dir, "db", "tables").out()).doesNotContain("shared");

    Cli json = Cli.on(dir, "db", "--json", "clone", "copy2");
    assertThat(json.out())
        .startsWith("{\"source\":\"db\",\"target\":\"copy2\",")
        .contains("\"sharedTables\":1");
  }

  @Test
  void aCloneFromACheckpointAndTheRefusalsChangeNothing() {
    Cli.on(dir, "db", "checkpoint", "create", "pin", "--force");
    UUID id = Cli.latest(dir, "db").state().checkpoints().get(0).id();
    Cli.write(dir, "db", db -> db.put(b("a"), b("2")));
    Cli.write(dir, "db", db -> db.createCheckpoint("flush", Duration.ofMinutes(1)));

    assertThat(Cli.on(dir, "db", "clone", "old", "--checkpoint", id.toString()).exitCode())
        .isZero();
    assertThat(Cli.on(dir, "old", "get", "a").out()).isEqualTo("1\n");

    Manifest before = Cli.latest(dir, "db");
    Cli exists = Cli.on(dir, "db", "clone", "old");
    assertThat(exists.exitCode()).isEqualTo(ExitCodes.OTHER);
    assertThat(exists.err())
        .isEqualTo("shaledb: a database already exists at 'old': a clone needs an empty path\n");
    Cli unknown = Cli.on(dir, "db", "clone", "new", "--checkpoint", UUID.randomUUID().toString());
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.NO);
    assertThat(unknown.err()).startsWith("shaledb: no checkpoint ");
    Cli none = Cli.on(dir, "nothing", "clone", "new");
    assertThat(none.exitCode()).isEqualTo(ExitCodes.NO_DATABASE);
    // A refused clone leaves the source's state as it was (a pin that was placed is removed).
    assertThat(Cli.latest(dir, "db").state().checkpoints()).isEqualTo(before.state().checkpoints());
    assertThat(dir.resolve("new")).doesNotExist();
  }
}
