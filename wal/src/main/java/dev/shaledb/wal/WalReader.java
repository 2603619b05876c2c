package dev.shaledb.wal;

import static dev.shaledb.objectstore.Futures.join;
import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStore;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Reads WAL objects and replays the log. Every method blocks on the object store; a torn or damaged
 * object fails with {@link CorruptObjectException} naming its key, and is never skipped. Each such
 * exception is first handed to the reader's corruption observer, if it has one, where it is
 * detected: also when nobody waits for it any more, as for an object replay read ahead past the
 * point where it stopped.
 */
public final class WalReader {
  /** How many objects replay reads ahead of the one it is applying. */
  static final int READ_AHEAD = 4;

  private final ObjectStore store;
  private final String dbPath;
  private final Consumer<? super CorruptObjectException> onCorrupt;

  public WalReader(ObjectStore store, String dbPath) {
    this(store, dbPath, e -> {});
  }

  /**
   * A reader that hands every {@link CorruptObjectException} it detects to {@code onCorrupt} once,
   * on the detecting thread, before it is thrown. An exception {@code onCorrupt} throws replaces
   * nothing: it is attached to the corruption as suppressed.
   */
  public WalReader(
      ObjectStore store, String dbPath, Consumer<? super CorruptObjectException> onCorrupt) {
    this.store = requireNonNull(store, "store is null");
    this.dbPath = WalKeys.validateDbPath(dbPath);
    this.onCorrupt = requireNonNull(onCorrupt, "onCorrupt is null");
  }

  /** WAL object {@code walId}, or empty if no object has that id. */
  public Optional<WalObject> read(long walId) {
    return Optional.ofNullable(join(fetch(walId)));
  }

  /** The header of WAL object {@code walId} (one ranged GET), or empty if it does not exist. */
  public Optional<WalObjectHeader> readHeader(long walId) {
    try {
      return Optional.of(readHeader(store, dbPath, walId));
    } catch (ObjectNotFoundException absent) {
      return Optional.empty();
    } catch (CorruptObjectException e) {
      throw reported(onCorrupt, e);
    }
  }

  static WalObjectHeader readHeader(ObjectStore store, String dbPath, long walId) {
    String key = WalKeys.key(dbPath, walId);
    byte[] head = join(store.get(key, ByteRange.of(0, WalObjectHeader.SIZE))).data();
    return WalCodec.decodeHeader(key, walId, head);
  }

  /**
   * Replays the log after the manifest's replay anchor and hands every surviving batch, in log
   * order, to {@code sink}. Reads from {@code anchorId + 1} up to the first absent id.
   *
   * <p>The rules (why they are safe is in {@code docs/protocol.md}): the anchor's header (if {@code
   * anchorId > 0}) gives the starting epoch and chain; an object of a lower epoch than the highest
   * seen so far is a fenced writer's late put and is skipped; an object of a higher epoch must be
   * that writer's fence and starts its chain; an object of the current epoch is applied only if its
   * {@code prevId} is the last applied object of the chain, otherwise it is an orphan the writer
   * re-placed, and is skipped.
   *
   * @param anchorId the manifest's {@code flushedWalId}: 0, or an existing object whose contents
   *     are already in tables
   * @throws ReplayAnchorMissingException if {@code anchorId > 0} and that object does not exist
   */
  public WalReplay replay(long anchorId, Consumer<? super ReplayedBatch> sink) {
    requireNonNull(sink, "sink is null");
    if (anchorId < 0) {
      throw new IllegalArgumentException("anchorId is negative: " + anchorId);
    }
    Chain chain = new Chain(dbPath, anchorId, onCorrupt);
    if (anchorId > 0) {
      WalObjectHeader anchor =
          readHeader(anchorId)
              .orElseThrow(() -> new ReplayAnchorMissingException(WalKeys.key(dbPath, anchorId)));
      chain.start(anchor);
    }
    ArrayDeque<CompletableFuture<WalObject>> ahead = new ArrayDeque<>();
    long nextToFetch = anchorId + 1;
    long id = anchorId + 1;
    while (true) {
      while (ahead.size() < READ_AHEAD) {
        ahead.add(fetch(nextToFetch++));
      }
      WalObject object = join(ahead.poll());
      if (object == null) {
        return chain.result(id);
      }
      chain.accept(object, sink);
      id++;
    }
  }

  /** Reads and decodes one object; completes with null if it does not exist. */
  private CompletableFuture<WalObject> fetch(long walId) {
    String key = WalKeys.key(dbPath, walId);
    return store
        .get(key)
        .handle(
            (content, error) -> {
              if (error != null) {
                RuntimeException cause = dev.shaledb.objectstore.Futures.unwrap(error);
                if (cause instanceof ObjectNotFoundException) {
                  return null;
                }
                throw cause;
              }
              try {
                return WalCodec.decode(key, walId, content.data());
              } catch (CorruptObjectException e) {
                // Reported here: replay may have stopped before it would join this read-ahead.
                throw reported(onCorrupt, e);
              }
            });
  }

  /**
   * Tells {@code onCorrupt} about {@code e} and returns it; what the observer throws is kept with
   * {@code e}, not instead of it.
   */
  static CorruptObjectException reported(
      Consumer<? super CorruptObjectException> onCorrupt, CorruptObjectException e) {
    try {
      onCorrupt.accept(e);
    } catch (RuntimeException thrown) {
      e.addSuppressed(thrown);
    }
    return e;
  }
}
