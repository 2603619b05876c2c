package dev.shaledb.objectstore;

import static dev.shaledb.objectstore.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.testing.Seeds;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ranged reads through a small channel cache while objects are replaced and deleted, by the reading
 * store and by a second store on the same directory (another process). Every read must return the
 * bytes of exactly one version, with that version's metadata, and no older than the last write that
 * completed before it began.
 *
 * <p>Each key has a seeded script of writes, run in order by one writer: a put of generation {@code
 * g} or a delete. A generation's bytes are 64-byte blocks, each an 8-byte header holding {@code g}
 * and 56 bytes that depend on {@code g} and the position, so a read of at least 128 bytes names its
 * generation and any byte of another version betrays a mix. Sizes repeat across generations, so a
 * replacement of equal size must be told apart by the file alone.
 */
class LocalFileReadRaceTest {
  private static final int ROUNDS = 8;
  private static final int KEYS = 8;
  private static final int OPS_PER_KEY = 20;
  private static final int READERS = 3;
  private static final int CAPACITY = 4;
  private static final int BLOCK = 64;
  private static final int[] SIZES = {BLOCK * 8, BLOCK * 40, BLOCK * 130 + 17};

  @TempDir Path dir;

  /** A read seen by a reader, checked against the writers' results after the round. */
  private record Observed(int key, int op, String version) {}

  @Test
  void concurrentRangedReadsReturnOneWholeVersionNoOlderThanTheLastCompletedWrite()
      throws Exception {
    Seeds.Gen gen = Seeds.gen("LocalFileReadRaceTest");
    int found = 0;
    int notFound = 0;
    int newer = 0;
    for (int round = 0; round < ROUNDS; round++) {
      Path root = dir.resolve("round-" + round);
      LocalPaths.DirectorySync noSync = d -> {};
      // Scripts: op 0 is a put made before the round starts; later ops put (mostly) or delete.
      boolean[][] deletes = new boolean[KEYS][OPS_PER_KEY];
      for (int k = 0; k < KEYS; k++) {
        for (int i = 1; i < OPS_PER_KEY; i++) {
          deletes[k][i] = gen.chance(0.2);
        }
      }
      AtomicIntegerArray started = new AtomicIntegerArray(KEYS);
      AtomicIntegerArray completed = new AtomicIntegerArray(KEYS);
      Map<Integer, String> versions = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<Observed> observed = new ConcurrentLinkedQueue<>();
      AtomicInteger roundNotFound = new AtomicInteger();
      AtomicInteger roundNewer = new AtomicInteger();
      AtomicBoolean writing = new AtomicBoolean(true);
      ExecutorService threads = Executors.newFixedThreadPool(READERS + 2);
      try (LocalFileObjectStore reader = new LocalFileObjectStore(root, null, noSync, CAPACITY);
          LocalFileObjectStore other = new LocalFileObjectStore(root, null, noSync, CAPACITY)) {
        for (int k = 0; k < KEYS; k++) {
          versions.put(
              k * OPS_PER_KEY,
              join(reader.put(key(k), content(k, 0), PutCondition.none())).version());
          started.set(k, 1);
          completed.set(k, 1);
        }
        List<Future<?>> writers = new ArrayList<>();
        for (int w = 0; w < 2; w++) {
          int first = w;
          SplittableRandom random = gen.random().split();
          writers.add(
              threads.submit(
                  () -> {
                    // Writer w owns every other key and runs their scripts interleaved.
                    for (int i = 1; i < OPS_PER_KEY; i++) {
                      for (int k = first; k < KEYS; k += 2) {
                        ObjectStore by = random.nextBoolean() ? reader : other;
                        started.set(k, i + 1);
                        if (deletes[k][i]) {
                          join(by.delete(key(k)));
                        } else {
                          ObjectMeta meta =
                              join(by.put(key(k), content(k, i), PutCondition.none()));
                          versions.put(k * OPS_PER_KEY + i, meta.version());
                        }
                        completed.set(k, i + 1);
                      }
                    }
                    return null;
                  }));
        }
        List<Future<?>> readers = new ArrayList<>();
        for (int r = 0; r < READERS; r++) {
          SplittableRandom random = gen.random().split();
          readers.add(
              threads.submit(
                  () -> {
                    while (writing.get()) {
                      int k = random.nextInt(KEYS);
                      // This op and every op before it completed before the read began.
                      int from = completed.get(k) - 1;
                      int offset = random.nextInt(SIZES[0] - 2 * BLOCK);
                      int length = 2 * BLOCK + random.nextInt(SIZES[2]);
                      ObjectContent got;
                      try {
                        got = join(reader.get(key(k), ByteRange.of(offset, length)));
                      } catch (ObjectNotFoundException e) {
                        int to = started.get(k) - 1;
                        assertThat(anyDelete(deletes[k], from, to))
                            .as(
                                "key %d not found, but ops %d..%d delete nothing (%s)",
                                k, from, to, gen)
                            .isTrue();
                        roundNotFound.incrementAndGet();
                        continue;
                      }
                      int op = check(k, got, gen);
                      int to = started.get(k) - 1;
                      assertThat(op)
                          .as(
                              "key %d: read op %d, ops %d..%d could be seen (%s)",
                              k, op, from, to, gen)
                          .isBetween(from, to);
                      if (op > from) {
                        roundNewer.incrementAndGet();
                      }
                      observed.add(new Observed(k, op, got.meta().version()));
                    }
                    return null;
                  }));
        }
        for (Future<?> writer : writers) {
          writer.get(120, TimeUnit.SECONDS);
        }
        writing.set(false);
        for (Future<?> r : readers) {
          r.get(60, TimeUnit.SECONDS);
        }
        assertThat(reader.openChannels()).isLessThanOrEqualTo(CAPACITY);
      } finally {
        threads.shutdownNow();
      }
      for (Observed o : observed) {
        assertThat(o.version())
            .as("key %d: the version read with op %d's bytes (%s)", o.key(), o.op(), gen)
            .isEqualTo(versions.get(o.key() * OPS_PER_KEY + o.op()));
      }
      found += observed.size();
      notFound += roundNotFound.get();
      newer += roundNewer.get();
    }
    // The race happened: reads found objects, found them deleted, and saw writes land mid-read.
    assertThat(found).as("reads that returned bytes").isGreaterThan(ROUNDS * 10);
    assertThat(notFound).as("reads that found the key deleted").isPositive();
    assertThat(newer).as("reads that saw a write that completed while they ran").isPositive();
  }

  private static String key(int k) {
    return "race/key-" + k;
  }

  private static boolean anyDelete(boolean[] deletes, int from, int to) {
    for (int i = Math.max(from, 0); i <= to; i++) {
      if (deletes[i]) {
        return true;
      }
    }
    return false;
  }

  /** Generation of op {@code op} of key {@code k}; unique across keys. */
  private static long generation(int k, int op) {
    return (long) k * OPS_PER_KEY + op;
  }

  private static byte[] content(int k, int op) {
    long g = generation(k, op);
    // Pairs of generations share a size: only the file tells such a replacement apart.
    byte[] data = new byte[SIZES[(int) (g / 2 % SIZES.length)]];
    for (int i = 0; i < data.length; i++) {
      long x = (g + 1) * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L;
      data[i] = (byte) (x ^ (x >>> 29));
    }
    for (int block = 0; block + 8 <= data.length; block += BLOCK) {
      ByteBuffer.wrap(data, block, 8).putLong(g);
    }
    return data;
  }

  /** The op whose bytes {@code got} holds, having checked that every byte is that op's. */
  private static int check(int k, ObjectContent got, Seeds.Gen gen) {
    int firstHeader = (int) ((got.offset() + BLOCK - 1) / BLOCK * BLOCK - got.offset());
    long g = ByteBuffer.wrap(got.data(), firstHeader, 8).getLong();
    int op = (int) (g - generation(k, 0));
    assertThat(op)
        .as("key %d: generation %d is not this key's (%s)", k, g, gen)
        .isBetween(0, OPS_PER_KEY - 1);
    byte[] whole = content(k, op);
    assertThat(got.meta().size()).as("key %d op %d: size (%s)", k, op, gen).isEqualTo(whole.length);
    for (int i = 0; i < got.data().length; i++) {
      if (got.data()[i] != whole[(int) got.offset() + i]) {
        throw new AssertionError(
            "key " + k + ": byte " + (got.offset() + i) + " is not op " + op + "'s (" + gen + ")");
      }
    }
    return op;
  }
}
