package dev.shaledb.cli;

import static dev.shaledb.cli.Cli.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.DbOptions;
import dev.shaledb.WriteBatch;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStores;
import dev.shaledb.table.TableKeys;
import dev.shaledb.wal.WalKeys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCommandTest {
  @TempDir Path dir;

  private ManifestState state;

  @BeforeEach
  void createDatabase() {
    Cli.write(
        dir,
        "db",
        db -> {
          WriteBatch batch = new WriteBatch();
          for (int i = 0; i < 2000; i++) {
            batch.put(b("key-" + i), b("value-" + i));
          }
          db.write(batch);
          db.createCheckpoint("pin", Duration.ofDays(1));
        });
    Cli.write(dir, "db", db -> db.put(b("more"), b("x")));
    // The last writer leaves its write in the WAL only, so verify has WAL objects to replay.
    Cli.write(
        dir, "db", DbOptions.builder().flushOnClose(false).build(), db -> db.put(b("wal"), b("y")));
    state = Cli.latest(dir, "db").state();
    assertThat(state.l0()).hasSize(2);
  }

  @Test
  void aHealthyDatabaseExitsZero() {
    Cli verify = Cli.on(dir, "db", "verify");

    assertThat(verify.exitCode()).isZero();
    assertThat(verify.err()).isEmpty();
    // The latest manifest, the checkpoint's; both tables; the anchor and what follows it.
    long wal;
    try (Target target = new Target(Cli.uri(dir), "db")) {
      wal = WalCommand.list(target).stream().filter(o -> o.id() >= state.flushedWalId()).count();
    }
    assertThat(wal).isGreaterThan(1);
    assertThat(verify.out())
        .startsWith("healthy: read 2 manifests, 2 tables, " + wal + " WAL objects (")
        .endsWith("; 0 problems\n");
    Cli json = Cli.on(dir, "db", "verify", "--json");
    assertThat(json.out())
        .startsWith("{\"healthy\":true,\"manifests\":2,\"tables\":2,\"walObjects\":" + wal + ",")
        .endsWith(",\"problems\":[]}\n");
  }

  @Test
  void aFlippedByteInATableIsReportedWithTheOffsetOfItsBlock() {
    TableInfo big = state.l0().get(1);
    String key = TableKeys.key("db", big.id());
    byte[] bytes = Cli.read(dir, key);
    int flipped = bytes.length / 3; // in a data block: the tail is a small part of this table
    bytes[flipped] ^= 0x40;
    Cli.overwrite(dir, key, bytes);

    Cli verify = Cli.on(dir, "db", "verify");

    assertThat(verify.exitCode()).isEqualTo(ExitCodes.NO);
    Matcher problem =
        Pattern.compile("PROBLEM " + key + " at offset (\\d+): data block checksum mismatch.*\n")
            .matcher(verify.out());
    assertThat(problem.lookingAt()).as(verify.out()).isTrue();
    long blockOffset = Long.parseLong(problem.group(1));
    assertThat(blockOffset).isPositive().isLessThanOrEqualTo(flipped);
    assertThat(verify.out())
        .contains("DAMAGED: read 2 manifests, 2 tables, ")
        .endsWith("; 1 problem\n");
  }

  @Test
  void missingAndDamagedObjectsAreAllReported() {
    String table = TableKeys.key("db", state.l0().get(0).id());
    try (ObjectStore store = ObjectStores.open(Cli.uri(dir))) {
      Futures.join(store.delete(table));
    }
    String wal = WalKeys.key("db", state.flushedWalId() + 1);
    byte[] bytes = Cli.read(dir, wal);
    Cli.overwrite(dir, wal, Arrays.copyOf(bytes, bytes.length - 3));

    Cli verify = Cli.on(dir, "db", "verify", "--json");

    assertThat(verify.exitCode()).isEqualTo(ExitCodes.NO);
    assertThat(verify.out())
        .startsWith("{\"healthy\":false,")
        .contains(
            "{\"key\":\""
                + table
                + "\",\"offset\":-1,\"problem\":\"missing, but a manifest lists it\"}")
        .contains("{\"key\":\"" + wal + "\",\"offset\":");
  }

  @Test
  void aDamagedLatestManifestIsAProblemNotACrash() {
    String key = ManifestKeys.key("db", Cli.latest(dir, "db").id());
    byte[] bytes = Cli.read(dir, key);
    bytes[bytes.length / 2] ^= 1;
    Cli.overwrite(dir, key, bytes);

    Cli verify = Cli.on(dir, "db", "verify");

    assertThat(verify.exitCode()).isEqualTo(ExitCodes.NO);
    assertThat(verify.out()).startsWith("PROBLEM " + key + " at offset ").contains("checksum");
  }
}
