package dev.shaledb.chaos;

import dev.shaledb.Db;
import dev.shaledb.DbOptions;
import dev.shaledb.WriteBatch;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStores;
import dev.shaledb.sst.SstOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The child JVM of the kill -9 tier: opens the database on a store given by URI (a {@code file:}
 * directory, or an {@code s3://} bucket on the parent's S3 test server) and writes unique values
 * until it is killed, printing one line per event and flushing each: {@code B <n> <key> <token>|-}
 * before a write call (a put of the value with that token, or a delete), {@code A <n>} once it
 * returned, {@code F <n>} if it failed. The parent reads the lines, which survive the kill in the
 * pipe, into an {@link ExpectedState}.
 *
 * <p>Arguments: store URI (see {@link ObjectStores#open}), writer id, seed, number of keys.
 */
public final class KillChild {
  private KillChild() {}

  public static void main(String[] args) {
    String storeUri = args[0];
    int writer = Integer.parseInt(args[1]);
    SplittableRandom random = new SplittableRandom(Long.parseLong(args[2]));
    int keys = Integer.parseInt(args[3]);
    exitWhenParentDies();
    PrintStream out = new PrintStream(System.out, false, StandardCharsets.UTF_8);
    DbOptions options =
        DbOptions.builder()
            .memtableBytes(16 << 10)
            .maxUnflushedBytes(4 << 20)
            .tableOptions(SstOptions.defaults().withBlockSize(512))
            .build();
    ObjectStore store = ObjectStores.open(storeUri);
    Db db = Db.open(store, SeedRun.PATH, options);
    out.println("READY");
    out.flush();
    for (long n = 0; ; n++) {
      String key = Workload.key(random.nextInt(keys));
      WriteBatch batch = new WriteBatch();
      String token;
      if (random.nextInt(10) == 0) {
        batch.delete(key.getBytes(StandardCharsets.UTF_8));
        token = "-";
      } else {
        batch.put(
            key.getBytes(StandardCharsets.UTF_8),
            UniqueValues.encode(writer, n, key, random.nextInt(200)));
        token = writer + ":" + n;
      }
      out.println("B " + n + " " + key + " " + token);
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
