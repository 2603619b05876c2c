package dev.shaledb.compaction;

import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.table.TableStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The output uploads of one compaction part: up to {@code max} in flight while the part builds its
 * next table, so the merge waits for an upload only when that many are still going. Memory stays at
 * {@code max + 1} tables per part: those uploading and the one being built. A failed upload fails
 * the part at its next table (or at the end), not after the whole merge; the tables already up stay
 * unreferenced, for GC. Not thread-safe: it belongs to the part's thread.
 */
final class Uploads {
  private final TableStore tables;
  private final int max;
  private final List<CompletableFuture<ObjectMeta>> inFlight = new ArrayList<>();

  Uploads(TableStore tables, int max) {
    this.tables = tables;
    this.max = max;
  }

  /**
   * Starts uploading table {@code id}, first waiting until fewer than {@code max} are in flight.
   */
  void start(String id, ByteBuffer bytes) {
    while (running() >= max) {
      Futures.join(CompletableFuture.anyOf(inFlight.toArray(new CompletableFuture<?>[0])));
    }
    inFlight.add(tables.uploadAsync(id, bytes));
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
