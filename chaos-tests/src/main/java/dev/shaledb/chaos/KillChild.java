package dev.shaledb.chaos;

import dev.shaledb.Db;
import dev.shaledb.DbOptions;
import dev.shaledb.Transaction;
import dev.shaledb.WriteBatch;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStores;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The child JVM of the kill -9 tier: opens the database on a store given by URI (a {@code file:}
 * directory, or an {@code s3://} bucket on the parent's S3 test server) and writes unique values
 * until it is killed, printing one line per event and flushing each: {@code B <n> <key> <token>|-}
 * for each key of write call {@code n} before the call (a put of the value with that token, or a
 * delete), {@code A <n>} once it returned, {@code F <n>} if it failed. Odd-numbered calls commit
 * their writes as a transaction rather than a batch, so kills also land inside commits; one in
 * twenty even-numbered calls is a range delete of one to four consecutive keys instead (a delete of
 * each for the oracle). The parent reads the lines, which survive the kill in the pipe, into an
 * {@link ExpectedState}.
 *
 * <p>Arguments: store URI (see {@link ObjectStores#open}), writer id, seed, number of keys, and
 * optionally the {@link KillProfile} (default {@code SMALL}) and a disk cache directory. With a
 * disk cache (and no memory block cache) the child also reads two random keys after each write
 * call, so it is killed while its cache is being written, and prints {@code X <key>} for a value
 * that is not one a writer made for that key (corrupt data returned), as {@code X <key> end}.
 */
public final class KillChild {
  private KillChild() {}

  public static void main(String[] args) {
    String storeUri = args[0];
    int writer = Integer.parseInt(args[1]);
    SplittableRandom random = new SplittableRandom(Long.parseLong(args[2]));
    int keys = Integer.parseInt(args[3]);
    KillProfile profile = args.length > 4 ? KillProfile.valueOf(args[4]) : KillProfile.SMALL;
    exitWhenParentDies();
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    ObjectStore store = ObjectStores.open(storeUri);
    Path cacheDir = args.length > 5 && !args[5].isEmpty() ? Path.of(args[5]) : null;
    DbOptions options = profile.childOptions();
    if (cacheDir != null) {
      options = options.toBuilder().blockCacheBytes(0).diskCache(cacheDir, 4L << 20).build();
    }
    // Reads draw from a generator of their own, so the writes are those of a child without them.
    SplittableRandom reads = new SplittableRandom(Long.parseLong(args[2]) ^ 0x7265616473L);
    Db db = Db.open(store, SeedRun.PATH, options);
    out.println("READY");
    out.flush();
    if (cacheDir != null) {
      // Every key twice, before any write: most live in tables earlier children flushed, so these
      // reads reach the disk cache (a block is admitted on its second miss) while the kill may
      // come.
      for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < keys; k++) {
          checkRead(db, KeySpace.key(k), out);
        }
        out.flush();
      }
    }
    long seq = 0;
    for (long n = 0; ; n++) {
      // Every key of a batch is a write of its own for the oracle, with its own value counter.
      WriteBatch batch = new WriteBatch();
      List<byte[][]> ops = new ArrayList<>();
      Set<String> inBatch = new HashSet<>();
      StringBuilder begun = new StringBuilder();
      boolean ranged = n % 2 == 0 && random.nextInt(20) == 0;
      if (ranged) {
        // A range delete of 1 to 4 consecutive keys: a delete of each for the oracle.
        int from = random.nextInt(keys);
        int width = 1 + random.nextInt(4);
        for (int i = from; i < Math.min(from + width, keys); i++) {
          inBatch.add(KeySpace.key(i));
          begun.append("B ").append(n).append(' ').append(KeySpace.key(i)).append(" -\n");
        }
        batch.deleteRange(
            KeySpace.key(from).getBytes(StandardCharsets.UTF_8),
            KeySpace.key(from + width).getBytes(StandardCharsets.UTF_8));
      }
      while (!ranged && inBatch.size() < Math.min(profile.keysPerBatch(), keys)) {
        String key = KeySpace.key(random.nextInt(keys));
        if (!inBatch.add(key)) {
          continue;
        }
        String token;
        if (random.nextInt(10) == 0) {
          batch.delete(key.getBytes(StandardCharsets.UTF_8));
          ops.add(new byte[][] {key.getBytes(StandardCharsets.UTF_8), null});
          token = "-";
        } else {
          byte[] value = UniqueValues.encode(writer, seq, key, profile.padding(random));
          batch.put(key.getBytes(StandardCharsets.UTF_8), value);
          ops.add(new byte[][] {key.getBytes(StandardCharsets.UTF_8), value});
          token = writer + ":" + seq++;
        }
        begun.append("B ").append(n).append(' ').append(key).append(' ').append(token);
        begun.append('\n');
      }
      out.print(begun);
      out.flush();
      try {
        if (n % 2 == 1) {
          // Every other call commits the same writes as a transaction, so kills land in commits.
          try (Transaction t = db.beginTransaction()) {
            for (byte[][] op : ops) {
              if (op[1] == null) {
                t.delete(op[0]);
              } else {
                t.put(op[0], op[1]);
              }
            }
            t.commit();
          }
        } else {
          db.write(batch);
        }
        out.println("A " + n);
      } catch (RuntimeException e) {
        out.println("F " + n + " " + e);
      }
      for (int i = 0; cacheDir != null && i < 2; i++) {
        checkRead(db, KeySpace.key(reads.nextInt(keys)), out);
      }
      out.flush();
    }
  }

  /** Reads {@code key} and prints {@code X <key> end} if its value was not written for it. */
  private static void checkRead(Db db, String key, PrintStream out) {
    try {
      byte[] value = db.get(key.getBytes(StandardCharsets.UTF_8));
      UniqueValues.Token token = value == null ? null : UniqueValues.decode(value);
      if (value != null && (token == null || !token.key().equals(key))) {
        out.println("X " + key + " end"); // "end": a line the kill cut short is no finding
      }
    } catch (RuntimeException e) {
      // a failed read is no wrong data; the parent verifies the database itself
    }
  }

  /**
   * The parent never writes to this process's stdin, so it ends only when the parent is gone. A
   * child orphaned by a crashed or killed test JVM would otherwise write (and fail) forever.
   */
  private static void exitWhenParentDies() {
    Thread guard =
        new Thread(
            () -> {
              try {
                while (System.in.read() >= 0) {
                  // Nothing is ever sent; keep waiting for the end of the stream.
                }
              } catch (IOException e) {
                // A broken pipe means the same as its end.
              }
              Runtime.getRuntime().halt(3);
            },
            "exit-when-parent-dies");
    guard.setDaemon(true);
    guard.start();
  }
}
