package dev.shaledb.cli;

import static dev.shaledb.cli.Cli.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.manifest.ManifestKeys;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrorsTest {
  @TempDir Path dir;

  @Test
  void noDatabaseAtThePath() {
    Cli info = Cli.on(dir, "nothing", "info");

    assertThat(info.exitCode()).isEqualTo(ExitCodes.NO_DATABASE);
    assertThat(info.out()).isEmpty();
    assertThat(info.err())
        .isEqualTo(
            "shaledb: no database at path 'nothing' in store '"
                + Cli.uri(dir)
                + "' (no manifest under 'nothing/manifest/')\n");
  }

  @Test
  void aMissingDirectoryIsNoDatabaseAndIsNotCreated() {
    Path missing = dir.resolve("missing");

    Cli get = Cli.run("--store", Cli.uri(missing), "get", "k");

    assertThat(get.exitCode()).isEqualTo(ExitCodes.NO_DATABASE);
    assertThat(get.err()).startsWith("shaledb: no database at path '' in store 'file:");
    assertThat(missing).doesNotExist();
  }

  @Test
  void usageErrorsExitTwoWithOneLine() {
    Cli unknown = Cli.run("--store", Cli.uri(dir), "frobnicate");
    assertThat(unknown.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(unknown.err())
        .isEqualTo("shaledb: Unmatched argument at index 2: 'frobnicate' (see 'shaledb --help')\n");

    Cli noStore = Cli.run("info");
    assertThat(noStore.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(noStore.err())
        .isEqualTo(
            "shaledb: missing --store URI (file:/dir, s3://bucket[/prefix][?...] or memory:)\n");

    Cli badScheme = Cli.run("--store", "ftp://host/x", "info");
    assertThat(badScheme.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badScheme.err()).startsWith("shaledb: unknown object store scheme 'ftp'");

    Cli badHex = Cli.run("--store", Cli.uri(dir), "--hex", "get", "xyz");
    assertThat(badHex.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(badHex.err()).startsWith("shaledb: key 'xyz' is not hex");

    Cli missingArgument = Cli.run("--store", Cli.uri(dir), "get");
    assertThat(missingArgument.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(missingArgument.err()).contains("Missing required parameter: 'KEY'");
  }

  @Test
  void aNewerManifestFormatIsNamedAndNoStackTraceIsPrinted() {
    Cli.write(dir, "", db -> db.put(b("a"), b("1")));
    long id = Cli.latest(dir, "").id();
    // The major version follows the 4-byte magic; the trailing CRC32C covers it.
    String manifest = ManifestKeys.key("", id);
    ByteBuffer bytes = ByteBuffer.wrap(Cli.read(dir, manifest));
    bytes.putShort(4, (short) 2);
    CRC32C crc = new CRC32C();
    crc.update(bytes.array(), 0, bytes.capacity() - 4);
    bytes.putInt(bytes.capacity() - 4, (int) crc.getValue());
    Cli.overwrite(dir, manifest, bytes.array());

    Cli info = Cli.on(dir, "", "info");

    assertThat(info.exitCode()).isEqualTo(ExitCodes.NEWER_FORMAT);
    assertThat(info.err()).startsWith("shaledb: object '").contains("format version");
    assertThat(info.err().lines()).hasSize(1);
    assertThat(Cli.on(dir, "", "--verbose", "info").err()).contains("\tat dev.shaledb.");
  }
}
