package dev.shaledb.cli;

import static dev.shaledb.cli.Cli.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.manifest.Manifest;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteCommandsTest {
  @TempDir Path dir;

  @BeforeEach
  void createDatabase() {
    Cli.write(dir, "db", db -> db.put(b("k"), b("old")));
  }

  @Test
  void putWithoutForceRefusesAndLeavesTheDatabaseAlone() {
    Manifest before = Cli.latest(dir, "db");

    Cli put = Cli.on(dir, "db", "put", "k", "new");

    assertThat(put.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(put.out()).isEmpty();
    assertThat(put.err())
        .isEqualTo(
            "shaledb: put opens a writer, which stops the database's running writer (its next"
                + " write fails with FencedException); pass --force to do it anyway\n");
    Manifest after = Cli.latest(dir, "db");
    assertThat(after.id()).isEqualTo(before.id());
    assertThat(after.state().writerEpoch()).isEqualTo(before.state().writerEpoch());
    assertThat(Cli.on(dir, "db", "get", "k").out()).isEqualTo("old\n");
  }

  @Test
  void deleteWithoutForceRefuses() {
    Manifest before = Cli.latest(dir, "db");

    Cli delete = Cli.on(dir, "db", "delete", "k");

    assertThat(delete.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(delete.err()).startsWith("shaledb: delete opens a writer, which stops");
    assertThat(Cli.latest(dir, "db").id()).isEqualTo(before.id());
  }

  @Test
  void putAndDeleteWithForceWriteDurablyAndFenceTheWriter() {
    long epoch = Cli.latest(dir, "db").state().writerEpoch();

    Cli put = Cli.on(dir, "db", "put", "k", "new", "--force");
    assertThat(put.exitCode()).isZero();
    assertThat(put.out()).isEqualTo("put 'k': durable\n");
    assertThat(Cli.on(dir, "db", "get", "k").out()).isEqualTo("new\n");
    assertThat(Cli.latest(dir, "db").state().writerEpoch()).isEqualTo(epoch + 1);

    Cli delete = Cli.on(dir, "db", "--json", "delete", "--force", "k");
    assertThat(delete.exitCode()).isZero();
    assertThat(delete.out()).isEqualTo("{\"command\":\"delete\",\"key\":\"k\",\"durable\":true}\n");
    assertThat(Cli.on(dir, "db", "get", "k").exitCode()).isEqualTo(ExitCodes.NO);
  }

  @Test
  void putWithForceDoesNotCreateADatabase() {
    Cli put = Cli.on(dir, "typo", "put", "k", "v", "--force");

    assertThat(put.exitCode()).isEqualTo(ExitCodes.NO_DATABASE);
    assertThat(put.err())
        .isEqualTo(
            "shaledb: no database at path 'typo' in store '"
                + Cli.uri(dir)
                + "' (no manifest under 'typo/manifest/')\n");
    assertThat(Cli.on(dir, "typo", "info").exitCode()).isEqualTo(ExitCodes.NO_DATABASE);
  }
}
