package dev.shaledb.wal;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.FencedException;
import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PreconditionFailedException;
import dev.shaledb.objectstore.PutCondition;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Performs WAL puts with {@code ifAbsent} and resolves the ones that did not plainly succeed by
 * reading back the header at their id: our write id means it landed; a newer epoch means we are
 * fenced; an older epoch means a fenced writer's late put took the id.
 */
final class WalPuts {
  /** Where the outcome of each attempt goes; called on the writer's executor. */
  interface Listener {
    void landed(Segment.Attempt attempt);

    void takenByOlderEpoch(Segment.Attempt attempt);

    void failed(Segment.Attempt attempt, RuntimeException cause);
  }

  private static final int MAX_UNKNOWN_OUTCOMES = 10;

  private final ObjectStore store;
  private final String dbPath;
  private final long epoch;
  private final Executor executor;
  private final Listener listener;
  private final Consumer<? super CorruptObjectException> onCorrupt;

  WalPuts(
      ObjectStore store,
      String dbPath,
      long epoch,
      Executor executor,
      Listener listener,
      Consumer<? super CorruptObjectException> onCorrupt) {
    this.store = store;
    this.dbPath = dbPath;
    this.epoch = epoch;
    this.executor = executor;
    this.listener = listener;
    this.onCorrupt = onCorrupt;
  }

  void start(List<Segment.Attempt> attempts) {
    for (Segment.Attempt attempt : attempts) {
      put(attempt);
    }
  }

  private void put(Segment.Attempt a) {
    CompletableFuture<ObjectMeta> put;
    try {
      put = store.put(WalKeys.key(dbPath, a.id()), a.object(), PutCondition.ifAbsent());
    } catch (RuntimeException e) {
      put = CompletableFuture.failedFuture(e);
    }
    put.whenCompleteAsync((meta, error) -> guarded(a, () -> afterPut(a, error)), executor);
  }

  private void afterPut(Segment.Attempt a, Throwable error) {
    if (error == null) {
      listener.landed(a);
      return;
    }
    RuntimeException cause = Futures.unwrap(error);
    if (cause instanceof PreconditionFailedException || cause instanceof OutcomeUnknownException) {
      resolve(a, cause);
    } else {
      listener.failed(a, cause);
    }
  }

  private void resolve(Segment.Attempt a, RuntimeException cause) {
    String key = WalKeys.key(dbPath, a.id());
    store
        .get(key, ByteRange.of(0, WalObjectHeader.SIZE))
        .whenCompleteAsync(
            (content, error) ->
                guarded(
                    a,
                    () -> {
                      if (error != null) {
                        afterMissingHeader(a, cause, Futures.unwrap(error));
                      } else {
                        judge(a, decodeHeader(key, a.id(), content.data()));
                      }
                    }),
            executor);
  }

  private WalObjectHeader decodeHeader(String key, long walId, byte[] data) {
    try {
      return WalCodec.decodeHeader(key, walId, data);
    } catch (CorruptObjectException e) {
      throw WalReader.reported(onCorrupt, e);
    }
  }

  private void afterMissingHeader(
      Segment.Attempt a, RuntimeException cause, RuntimeException read) {
    if (!(read instanceof ObjectNotFoundException)) {
      listener.failed(a, read);
    } else if (++a.unknownOutcomes > MAX_UNKNOWN_OUTCOMES) {
      listener.failed(
          a,
          new OutcomeUnknownException(
              "could not learn whether " + WalKeys.key(dbPath, a.id()) + " was written", cause));
    } else {
      put(a); // it did not land (yet): the same bytes may be put again, only one copy can land
    }
  }

  private void judge(Segment.Attempt a, WalObjectHeader found) {
    if (found.writeId().equals(a.writeId())) {
      listener.landed(a);
    } else if (found.epoch() > epoch) {
      listener.failed(
          a,
          new FencedException(
              "this writer was fenced: another writer (epoch "
                  + found.epoch()
                  + ", this one's is "
                  + epoch
                  + ") opened the database and wrote WAL id "
                  + a.id()
                  + ". This instance accepts no more writes; close it. Only one writer may have"
                  + " a database open: if a second one was not meant to run, find what else"
                  + " opened it as a writer (readers and a standalone compactor do not fence"
                  + " writers)"));
    } else if (found.epoch() < epoch) {
      listener.takenByOlderEpoch(a);
    } else {
      listener.failed(
          a, new IllegalStateException("WAL id " + a.id() + " holds another object of our epoch"));
    }
  }

  private void guarded(Segment.Attempt a, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      listener.failed(a, e);
    }
  }
}
