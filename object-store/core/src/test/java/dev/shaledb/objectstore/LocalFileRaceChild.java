package dev.shaledb.objectstore;

import static dev.shaledb.objectstore.Futures.join;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A contender in {@link LocalFileCrossProcessRaceTest}, run in its own JVM. Waits for a start file,
 * then races with its threads on {@code ifAbsent} creations and {@code ifMatch} increments,
 * printing one {@code WIN <round> <name>} line per creation it won.
 */
public final class LocalFileRaceChild {
  private LocalFileRaceChild() {}

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]);
    String name = args[1];
    int threads = Integer.parseInt(args[2]);
    int rounds = Integer.parseInt(args[3]);
    int increments = Integer.parseInt(args[4]);
    Path go = root.resolve("go");
    while (!Files.exists(go)) {
      Thread.sleep(1);
    }
    try (LocalFileObjectStore store = new LocalFileObjectStore(root.resolve("store"))) {
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        String contender = name + "-" + t;
        Thread worker = new Thread(() -> race(store, contender, rounds, increments));
        workers.add(worker);
        worker.start();
      }
      for (Thread worker : workers) {
        worker.join();
      }
    }
    System.out.println("DONE " + name);
  }

  private static void race(ObjectStore store, String contender, int rounds, int increments) {
    for (int r = 0; r < rounds; r++) {
      try {
        join(store.put("absent/" + r, contender.getBytes(UTF_8), PutCondition.ifAbsent()));
        synchronized (System.out) {
          System.out.println("WIN " + r + " " + contender);
        }
      } catch (PreconditionFailedException lost) {
        // another contender created it first
      }
    }
    for (int i = 0; i < increments; i++) {
      while (true) {
        ObjectContent current = join(store.get("counter"));
        long value = Long.parseLong(new String(current.data(), UTF_8));
        try {
          join(
              store.put(
                  "counter",
                  Long.toString(value + 1).getBytes(UTF_8),
                  PutCondition.ifMatch(current.meta().version())));
          break;
        } catch (PreconditionFailedException lost) {
          // someone else incremented first: read again
        }
      }
    }
  }
}
