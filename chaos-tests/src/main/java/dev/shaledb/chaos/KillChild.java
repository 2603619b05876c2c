package dev.shaledb.chaos;

import dev.shaledb.Db;
import dev.shaledb.WriteBatch;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStores;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The child JVM of the kill -9 tier: opens the database on a store given by URI (a {@code file:}
 * directory, or an {@code s3://} bucket on the parent's S3 test server) and writes unique values
 * until it is killed, printing one line per event and flushing each: {@code B <n> <key> <token>|-}
 * for each key of write call {@code n} before the call (a put of the value with that token, or a
 * delete), {@code A <n>} once it returned, {@code F <n>} if it failed. The parent reads the lines,
 * which survive the kill in the pipe, into an {@link ExpectedState}.
 *
 * <p>Arguments: store URI (see {@link ObjectStores#open}), writer id, seed, number of keys, and
 * optionally the {@link KillProfile} (default {@code SMALL}).
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
    Db db = Db.open(store, SeedRun.PATH, profile.childOptions());
    out.println("READY");
    out.flush();
    long seq = 0;
    for (long n = 0; ; n++) {
      // Every key of a batch is a write of its own for the oracle, with its own value counter.
      WriteBatch batch = new WriteBatch();
      Set<String> inBatch = new HashSet<>();
      StringBuilder begun = new StringBuilder();
      while (inBatch.size() < Math.min(profile.keysPerBatch(), keys)) {
        String key = Workload.key(random.nextInt(keys));
        if (!inBatch.add(key)) {
          continue;
        }
        String token;
        if (random.nextInt(10) == 0) {
          batch.delete(key.getBytes(StandardCharsets.UTF_8));
          token = "-";
        } else {
          batch.put(
              key.getBytes(StandardCharsets.UTF_8),
              UniqueValues.encode(writer, seq, key, profile.padding(random)));
          token = writer + ":" + seq++;
        }
        begun.append("B ").append(n).append(' ').append(key).append(' ').append(token);
        begun.append('\n');
      }
      out.print(begun);
      out.flush();
      try {
        db.write(batch);
        out.println("A " + n);
      } catch (RuntimeException e) {
        out.println("F " + n + " " + e);
      }
      out.flush();
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
