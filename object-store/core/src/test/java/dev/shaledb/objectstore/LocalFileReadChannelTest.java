package dev.shaledb.objectstore;

import static dev.shaledb.objectstore.Futures.join;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.shaledb.error.DbClosedException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads of a {@link LocalFileObjectStore} through its cached channels: a cached channel never
 * serves a replaced or deleted object, whoever replaced or deleted it, and the cache stays bounded.
 * A second store on the same directory stands for another process: it shares nothing with the first
 * but the files (and the key locks, which reads do not take).
 */
class LocalFileReadChannelTest {
  private static final LocalPaths.DirectorySync NO_SYNC = d -> {};

  @TempDir Path dir;

  private static byte[] bytes(String s) {
    return s.getBytes(UTF_8);
  }

  private LocalFileObjectStore store(int openFiles) {
    return new LocalFileObjectStore(dir, null, NO_SYNC, openFiles);
  }

  @Test
  void anObjectReplacedByThisStoreIsReadFromItsNewFile() {
    try (LocalFileObjectStore store = store(8)) {
      join(store.put("k", bytes("first"), PutCondition.none()));
      assertThat(join(store.get("k", ByteRange.of(1, 3))).data()).isEqualTo(bytes("irs"));
      assertThat(store.openChannels()).as("the first read cached its channel").isEqualTo(1);

      ObjectMeta second = join(store.put("k", bytes("2econ"), PutCondition.none()));
      ObjectContent got = join(store.get("k", ByteRange.of(1, 3)));
      assertThat(got.data()).isEqualTo(bytes("eco"));
      assertThat(got.meta()).isEqualTo(second);
    }
  }

  @Test
  void anObjectReplacedByAnotherStoreIsReadFromItsNewFile() {
    try (LocalFileObjectStore reader = store(8);
        LocalFileObjectStore other = store(8)) {
      join(reader.put("k", bytes("first"), PutCondition.none()));
      join(reader.get("k"));
      // Same size, and possibly the same modification time: only the file key tells them apart.
      ObjectMeta theirs = join(other.put("k", bytes("THEIR"), PutCondition.none()));
      assertThat(reader.openChannels()).as("the old file's channel is still cached").isEqualTo(1);
      ObjectContent got = join(reader.get("k", ByteRange.suffix(3)));
      assertThat(got.data()).isEqualTo(bytes("EIR"));
      assertThat(got.meta()).isEqualTo(theirs);

      // Deleted and created again (a hard link, for ifAbsent) by the other store.
      join(other.delete("k"));
      ObjectMeta again = join(other.put("k", bytes("again"), PutCondition.ifAbsent()));
      got = join(reader.get("k"));
      assertThat(got.data()).isEqualTo(bytes("again"));
      assertThat(got.meta()).isEqualTo(again);
    }
  }

  @Test
  void aDeletedObjectIsNotFoundAlthoughItsChannelIsCached() throws IOException {
    try (LocalFileObjectStore reader = store(8);
        LocalFileObjectStore other = store(8)) {
      join(reader.put("mine", bytes("x"), PutCondition.none()));
      join(reader.put("theirs", bytes("y"), PutCondition.none()));
      join(reader.get("mine"));
      join(reader.get("theirs"));
      assertThat(reader.openChannels()).isEqualTo(2);

      join(reader.delete("mine"));
      assertThat(reader.openChannels()).as("a delete drops its channel at once").isEqualTo(1);
      assertThatThrownBy(() -> join(reader.get("mine")))
          .isInstanceOf(ObjectNotFoundException.class);

      join(other.delete("theirs"));
      assertThat(reader.openChannels()).as("another process's delete is not seen yet").isEqualTo(1);
      assertThatThrownBy(() -> join(reader.get("theirs", ByteRange.of(0, 1))))
          .isInstanceOf(ObjectNotFoundException.class);
      assertThat(reader.openChannels()).as("the read that found it gone dropped it").isZero();
      assertThat(openObjectFiles()).as("no deleted file is held open").isZero();
    }
  }

  @Test
  void theCacheKeepsAtMostItsCapacityOfChannelsOpenAndCloseClosesThem() throws IOException {
    int capacity = 4;
    LocalFileObjectStore store = store(capacity);
    try {
      for (int i = 0; i < 20; i++) {
        join(store.put("t/" + i, bytes("object " + i), PutCondition.none()));
        assertThat(join(store.get("t/" + i, ByteRange.of(0, 6))).data()).isEqualTo(bytes("object"));
        assertThat(store.openChannels()).isEqualTo(Math.min(i + 1, capacity));
        assertThat(openObjectFiles())
            .as("evicted channels are closed")
            .isLessThanOrEqualTo(capacity);
      }
      // Reading a cached key again keeps it: the least recently used is evicted.
      join(store.get("t/16"));
      join(store.get("t/0"));
      join(store.get("t/16"));
      assertThat(store.openChannels()).isEqualTo(capacity);
    } finally {
      store.close();
    }
    assertThat(store.openChannels()).isZero();
    assertThat(openObjectFiles()).as("close() closes every channel").isZero();
    store.close();
    assertThatThrownBy(() -> join(store.get("t/0"))).isInstanceOf(DbClosedException.class);
  }

  @Test
  void aStoreWithoutChannelsStillReads() {
    try (LocalFileObjectStore store = store(0)) {
      join(store.put("k", bytes("abc"), PutCondition.none()));
      assertThat(join(store.get("k", ByteRange.of(1, 1))).data()).isEqualTo(bytes("b"));
      assertThat(store.openChannels()).isZero();
    }
  }

  @Test
  void anInterruptedReaderClosesTheSharedChannelAndTheNextReadOpensItAgain() {
    // Reads run on the caller's thread, so the caller's interrupt reaches the channel.
    try (LocalFileObjectStore store = new LocalFileObjectStore(dir, Runnable::run, NO_SYNC, 8)) {
      join(store.put("k", bytes("payload"), PutCondition.none()));
      join(store.get("k"));
      Thread.currentThread().interrupt();
      try {
        assertThatThrownBy(() -> join(store.get("k")))
            .isInstanceOf(ObjectStoreException.class)
            .hasMessageContaining("ClosedByInterruptException");
      } finally {
        assertThat(Thread.interrupted()).as("the interrupt is left for the caller").isTrue();
      }
      assertThat(join(store.get("k", ByteRange.of(3, 4))).data()).isEqualTo(bytes("load"));
      assertThat(store.openChannels()).isEqualTo(1);
    }
  }

  /** Open descriptors of this JVM on object files under the test's directory (Linux only). */
  private long openObjectFiles() throws IOException {
    Path fds = Path.of("/proc/self/fd");
    assumeThat(Files.isDirectory(fds)).as("/proc/self/fd lists open files").isTrue();
    Path root = dir.toRealPath();
    try (Stream<Path> links = Files.list(fds)) {
      return links
          .map(
              link -> {
                try {
                  return Files.readSymbolicLink(link).toString();
                } catch (IOException e) {
                  return ""; // closed since the listing
                }
              })
          .filter(target -> target.startsWith(root.toString()) && target.contains("%o"))
          .count();
    }
  }
}
