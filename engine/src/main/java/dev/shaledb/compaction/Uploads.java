package dev.shaledb.compaction;

import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.table.TableStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The output uploads of one compaction part: up to {@code max} completing while the part builds its
 * next table, so the merge waits for an upload only when that many are still going. Tables stream
 * to the store as they are built ({@link TableStore#openUpload}), so memory stays at {@code max +
 * 1} uploads' buffers per part (a few parts each), not whole tables. A failed upload fails the part
 * at its next table (or at the end), not after the whole merge; the tables already up stay
 * unreferenced, for GC. Not thread-safe: it belongs to the part's thread.
 */
final class Uploads {
  private final int max;
  private final List<CompletableFuture<ObjectMeta>> inFlight = new ArrayList<>();

  Uploads(int max) {
    this.max = max;
  }

  /** Waits until fewer than {@code max} uploads are completing, so another table may start. */
  void awaitRoom() {
    while (running() >= max) {
      Futures.join(CompletableFuture.anyOf(inFlight.toArray(new CompletableFuture<?>[0])));
    }
  }

  /** Tracks a table's upload, whose completion {@code completion} is. */
  void add(CompletableFuture<ObjectMeta> completion) {
    inFlight.add(completion);
  }

  /** Waits for every upload started; rethrows the first failure. */
  void awaitAll() {
    while (!inFlight.isEmpty()) {
      Futures.join(CompletableFuture.anyOf(inFlight.toArray(new CompletableFuture<?>[0])));
      running();
    }
  }

  /** Forgets finished uploads, throwing if one failed; returns how many are still running. */
  private int running() {
    for (int i = inFlight.size() - 1; i >= 0; i--) {
      CompletableFuture<ObjectMeta> f = inFlight.get(i);
      if (f.isDone()) {
        Futures.join(f); // a failed upload fails the part now
        inFlight.remove(i);
      }
    }
    return inFlight.size();
  }
}
