package dev.shaledb.wal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Pins the WAL format's bytes with committed objects of both versions ({@code
 * src/test/resources/golden/}): they must decode to the expected entries, and the encoder must
 * still produce exactly them. Objects already in users' stores are read forever, so a codec change
 * that alters these bytes fails the build instead of slipping through a round trip test.
 *
 * <p>The files were made by {@link #regenerate()}; rerun it only for a deliberate new format
 * version (adding a file, never rewriting an old one): {@code mvn -pl wal -am verify
 * -Dtest=WalGoldenFilesTest -Dsurefire.failIfNoSpecifiedTests=false -DregenerateGoldenWal=true}.
 */
class WalGoldenFilesTest {
  private static final UUID WRITE_ID = new UUID(0x0123456789abcdefL, 0xfedcba9876543210L);

  /** Only PUT and DELETE without expiry: written as version 1, byte-identical to older builds. */
  static final WalObject V1 =
      new WalObject(
          new WalObjectHeader(2, 1, 1, WRITE_ID, false, 2),
          List.of(
              WalBatch.of(1, WalEntry.put(b("apple"), b("red")), WalEntry.delete(b("banana"))),
              WalBatch.of(3, WalEntry.put(b("cherry"), new byte[0]))));

  /** Every kind, with and without expiry: version 2. */
  static final WalObject V2 =
      new WalObject(
          new WalObjectHeader(3, 1, 2, WRITE_ID, false, 2),
          List.of(
              WalBatch.of(
                  10,
                  WalEntry.put(b("a"), b("1")),
                  WalEntry.put(b("b"), b("2"), 1_700_000_000_000L),
                  WalEntry.delete(b("c"))),
              WalBatch.of(
                  13,
                  WalEntry.merge(b("d"), b("+1")),
                  WalEntry.merge(b("e"), b("+2"), 1_800_000_000_000L),
                  WalEntry.deleteRange(b("f"), b("h")))));

  @Test
  void version1GoldenFileDecodesAndIsWhatTheEncoderWrites() {
    assertGolden("v1.wal", 1, V1);
  }

  @Test
  void version2GoldenFileDecodesAndIsWhatTheEncoderWrites() {
    assertGolden("v2.wal", 2, V2);
  }

  private static void assertGolden(String name, int version, WalObject expected) {
    byte[] golden = read(name);
    assertThat(RawWal.version(golden)).isEqualTo(version);
    long walId = expected.header().walId();
    assertThat(WalFormat.decode("golden/" + name, walId, golden)).isEqualTo(expected);
    assertThat(WalFormat.encode(expected.header(), expected.batches())).isEqualTo(golden);
  }

  @Test
  @EnabledIfSystemProperty(named = "regenerateGoldenWal", matches = "true")
  void regenerate() throws IOException {
    Path dir = Path.of("src/test/resources/golden");
    Files.createDirectories(dir);
    Files.write(dir.resolve("v1.wal"), WalFormat.encode(V1.header(), V1.batches()));
    Files.write(dir.resolve("v2.wal"), WalFormat.encode(V2.header(), V2.batches()));
  }

  private static byte[] read(String name) {
    try (InputStream in = WalGoldenFilesTest.class.getResourceAsStream("/golden/" + name)) {
      assertThat(in).as("golden file %s on the test classpath", name).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }
}
