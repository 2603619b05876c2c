package dev.shaledb.wal;

import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Holds back every WAL put except fences until the test releases it, with a chosen outcome: this
 * lets a seeded test land a writer's puts late, out of order, ambiguously or never.
 */
final class ParkingObjectStore extends ForwardingObjectStore {
  /** How a released put ends. */
  enum Outcome {
    APPLY,
    APPLY_THEN_TIME_OUT,
    TIME_OUT_WITHOUT_APPLYING,
    FAIL
  }

  private record Parked(
      String key, ByteBuffer data, PutCondition condition, CompletableFuture<ObjectMeta> result) {}

  private final List<Parked> parked = new ArrayList<>();

  ParkingObjectStore(ObjectStore delegate) {
    super(delegate);
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    if (!key.contains("/wal/") || data.remaining() == WalObjectHeader.FENCE_OBJECT_SIZE) {
      return super.put(key, data, condition);
    }
    ByteBuffer copy = ByteBuffer.allocate(data.remaining()).put(data.duplicate()).flip();
    CompletableFuture<ObjectMeta> result = new CompletableFuture<>();
    parked.add(new Parked(key, copy, condition, result));
    return result;
  }

  int parkedCount() {
    return parked.size();
  }

  /** Releases parked put {@code index} with {@code outcome}; returns its key. */
  String release(int index, Outcome outcome) {
    Parked p = parked.remove(index);
    switch (outcome) {
      case APPLY ->
          delegate
              .put(p.key(), p.data(), p.condition())
              .whenComplete(
                  (meta, error) -> {
                    if (error != null) {
                      p.result().completeExceptionally(error);
                    } else {
                      p.result().complete(meta);
                    }
                  });
      case APPLY_THEN_TIME_OUT -> {
        delegate.put(p.key(), p.data(), p.condition());
        p.result().completeExceptionally(timeout(p.key()));
      }
      case TIME_OUT_WITHOUT_APPLYING -> p.result().completeExceptionally(timeout(p.key()));
      case FAIL ->
          p.result().completeExceptionally(new ObjectStoreException("injected failure", false));
    }
    return p.key();
  }

  private static OutcomeUnknownException timeout(String key) {
    return new OutcomeUnknownException("put of " + key + " timed out", new TimeoutException());
  }
}
