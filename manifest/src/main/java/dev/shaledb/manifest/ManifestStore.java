package dev.shaledb.manifest;

import static dev.shaledb.objectstore.Futures.join;
import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.DbException;
import dev.shaledb.error.FencedException;
import dev.shaledb.error.OutcomeUnknownException;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PreconditionFailedException;
import dev.shaledb.objectstore.PutCondition;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Reads and publishes the manifest chain of one database.
 *
 * <p>Publishing reads the latest version {@code n}, applies a change to its state and creates
 * version {@code n + 1} with {@link PutCondition#ifAbsent()}. If another process created {@code n +
 * 1} first, the change is applied again to the new latest version and retried, so changes are
 * functions of the latest state and concurrent publishers never overwrite each other. (The first
 * attempt may use the cached latest state without reading it, so a change must accept any valid
 * state.) A put with an unknown outcome is resolved by reading the version back and comparing the
 * random write id each version carries.
 *
 * <p>The latest version is cached: with a cached id {@code c}, {@link #readLatest()} costs one HEAD
 * of {@code c + 1} when nothing changed; without one it gallops from id 1. It never LISTs. Every
 * method blocks on the object store. A damaged version fails with {@link CorruptObjectException},
 * which is first handed to the instance's corruption observer, if it has one. Instances are
 * thread-safe; several instances (in one or many processes) may serve the same database.
 */
public final class ManifestStore {
  /** How many times a publish is retried after losing a race before giving up. */
  public static final int DEFAULT_MAX_ATTEMPTS = 100;

  private static final int MAX_UNKNOWN_OUTCOMES = 10;

  private final ObjectStore store;
  private final String dbPath;
  private final int maxAttempts;
  private final Supplier<UUID> writeIds;
  private final ManifestReader reader;
  private final AtomicReference<Manifest> cache = new AtomicReference<>();

  /** A store for the database at {@code dbPath} ("" for the store root). */
  public ManifestStore(ObjectStore store, String dbPath) {
    this(store, dbPath, e -> {});
  }

  /**
   * As {@link #ManifestStore(ObjectStore, String)}, handing every {@link CorruptObjectException}
   * this instance detects to {@code onCorrupt} once, on the detecting thread, before it is thrown.
   * An exception {@code onCorrupt} throws replaces nothing: it is attached to the corruption as
   * suppressed.
   */
  public ManifestStore(
      ObjectStore store, String dbPath, Consumer<? super CorruptObjectException> onCorrupt) {
    this(store, dbPath, DEFAULT_MAX_ATTEMPTS, UUID::randomUUID, onCorrupt);
  }

  /**
   * As {@link #ManifestStore(ObjectStore, String)}, with the retry bound and the source of write
   * ids injected. Write ids must be unique across every publisher of the database (the default is
   * {@link UUID#randomUUID()}).
   */
  public ManifestStore(
      ObjectStore store, String dbPath, int maxPublishAttempts, Supplier<UUID> writeIds) {
    this(store, dbPath, maxPublishAttempts, writeIds, e -> {});
  }

  private ManifestStore(
      ObjectStore store,
      String dbPath,
      int maxPublishAttempts,
      Supplier<UUID> writeIds,
      Consumer<? super CorruptObjectException> onCorrupt) {
    this.store = requireNonNull(store, "store is null");
    this.dbPath = ManifestKeys.validateDbPath(dbPath);
    if (maxPublishAttempts < 1) {
      throw new IllegalArgumentException(
          "maxPublishAttempts is not positive: " + maxPublishAttempts);
    }
    this.maxAttempts = maxPublishAttempts;
    this.writeIds = requireNonNull(writeIds, "writeIds is null");
    this.reader = new ManifestReader(store, dbPath, requireNonNull(onCorrupt, "onCorrupt is null"));
  }

  public String dbPath() {
    return dbPath;
  }

  /** The latest version, or empty if the database has none (it was never created). */
  public Optional<Manifest> readLatest() {
    Optional<Manifest> latest = reader.latest(cache.get());
    latest.ifPresent(this::remember);
    return latest;
  }

  /** The latest version this instance has seen, without any request. */
  public Optional<Manifest> cached() {
    return Optional.ofNullable(cache.get());
  }

  /**
   * Version {@code id}, or empty if it does not exist or was retired. Throws {@link
   * dev.shaledb.error.CorruptObjectException} if its object is damaged or holds another version.
   */
  public Optional<Manifest> read(long id) {
    ManifestKeys.key(dbPath, id);
    return reader.read(id) instanceof ManifestReader.Live live
        ? Optional.of(live.manifest())
        : Optional.empty();
  }

  /**
   * Publishes {@code change} applied to the latest state (to {@link ManifestState#initial()} if the
   * database has no manifest yet) without any role: for tools such as checkpoint creation. The
   * change must not modify the epochs or the WAL fields ({@code flushedWalId}, {@code nextWalId},
   * {@code lastFlushedSeq}), which only the current writer may move; it may be applied several
   * times, to successive states, the first time possibly to a cached one.
   */
  public Manifest publish(UnaryOperator<ManifestState> change) {
    requireNonNull(change, "change is null");
    return publish(
        null,
        0,
        base -> {
          ManifestState next = requireNonNull(change.apply(base), "change returned null");
          if (next.writerEpoch() != base.writerEpoch()
              || next.compactorEpoch() != base.compactorEpoch()) {
            throw new IllegalArgumentException("an unfenced change must not modify the epochs");
          }
          if (next.flushedWalId() != base.flushedWalId()
              || next.nextWalId() != base.nextWalId()
              || next.lastFlushedSeq() != base.lastFlushedSeq()) {
            throw new IllegalArgumentException("an unfenced change must not modify the WAL fields");
          }
          return next;
        });
  }

  /**
   * Creates the database with {@code state} as version 1 (a clone's first state, which need not be
   * {@link ManifestState#initial()}). Returns the version, or empty if the database already has a
   * version 1 (someone else's; an unknown outcome of our own put is resolved by the write id).
   */
  public Optional<Manifest> create(ManifestState state) {
    requireNonNull(state, "state is null");
    UUID writeId = requireNonNull(writeIds.get(), "write id is null");
    if (!land(1, ManifestCodec.encode(1, state, writeId), writeId)) {
      return Optional.empty();
    }
    Manifest created = new Manifest(1, state, writeId);
    remember(created);
    return Optional.of(created);
  }

  /**
   * Publishes, without a role, a checkpoint {@code id} that never expires. With {@code alongside}
   * null it pins the very version this call publishes (see {@link
   * FenceableManifest#addCheckpoint}); otherwise it pins the version that checkpoint {@code
   * alongside} pins, which must still be in the state this version lands on, so that version has
   * been pinned without a gap and cannot have been retired. Throws {@link IllegalStateException} if
   * {@code alongside} is not there.
   */
  public Manifest addCheckpoint(UUID id, String name, UUID alongside) {
    requireNonNull(id, "id is null");
    new Checkpoint(id, 1, null, name); // a bad name fails before any request
    return publishAt(
        null,
        0,
        (versionId, base) -> {
          long pinned = versionId;
          if (alongside != null) {
            pinned =
                base.checkpoints().stream()
                    .filter(c -> c.id().equals(alongside))
                    .findFirst()
                    .orElseThrow(
                        () ->
                            new IllegalStateException(
                                "checkpoint " + alongside + " of '" + dbPath + "' is gone"))
                    .manifestId();
          }
          return base.toBuilder().addCheckpoint(new Checkpoint(id, pinned, null, name)).build();
        });
  }

  /**
   * Marks version {@code id} retired by overwriting it with zero bytes, so it can no longer be read
   * while its key keeps blocking any stale publisher. Refuses the latest version and versions
   * pinned by a checkpoint of the latest state. Returns false if it was already retired.
   */
  public boolean retire(long id) {
    String key = ManifestKeys.key(dbPath, id);
    Manifest latest = readLatest().orElseThrow(() -> new IllegalStateException("no manifest"));
    if (id >= latest.id()) {
      throw new IllegalArgumentException(
          "cannot retire manifest " + id + ": the latest is " + latest.id());
    }
    if (latest.state().checkpoints().stream().anyMatch(c -> c.manifestId() == id)) {
      throw new IllegalStateException("manifest " + id + " is pinned by a checkpoint");
    }
    ObjectMeta meta;
    try {
      meta = join(store.head(key));
    } catch (ObjectNotFoundException missing) {
      throw new IllegalStateException("manifest " + id + " is missing below the latest", missing);
    }
    if (meta.size() == 0) {
      return false;
    }
    try {
      join(store.put(key, new byte[0], PutCondition.ifMatch(meta.version())));
      return true;
    } catch (PreconditionFailedException concurrentlyRetired) {
      return false;
    } catch (OutcomeUnknownException unknown) {
      // Ceph RGW answers a lost If-Match race with 500, which the store cannot resolve. Every
      // retirement writes the same zero bytes, so an empty object means retired, whoever did it.
      if (join(store.head(key)).size() == 0) {
        return false;
      }
      throw unknown;
    }
  }

  /**
   * Publishes {@code change} as the next version; with a {@code role}, fails with {@link
   * FencedException} once the latest state's epoch for it exceeds {@code epoch}.
   */
  Manifest publish(Role role, long epoch, UnaryOperator<ManifestState> change) {
    return publishAt(role, epoch, (id, base) -> change.apply(base));
  }

  /**
   * A change that also learns the id of the version it will be published as, e.g. to pin that very
   * version with a checkpoint. Like every change it may be applied several times, each time with
   * the id its result would get.
   */
  @FunctionalInterface
  interface VersionedChange {
    ManifestState apply(long id, ManifestState base);
  }

  /** As {@link #publish(Role, long, UnaryOperator)}, telling the change its version's id. */
  Manifest publishAt(Role role, long epoch, VersionedChange change) {
    Manifest base = cache.get();
    if (base == null) {
      base = readLatest().orElse(null);
    }
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      ManifestState baseState = base == null ? ManifestState.initial() : base.state();
      if (role != null && baseState.epoch(role) > epoch) {
        throw fenced(role, epoch, base);
      }
      long id = base == null ? 1 : base.id() + 1;
      ManifestState next = requireNonNull(change.apply(id, baseState), "change returned null");
      // Against the very base this version is published on (M2): a table a collector condemned
      // before this publish can never be listed by it, however long the publisher stalled.
      baseState.requireNoneCondemned(next);
      baseState.requireNoNewBorrowedTables(next);
      UUID writeId = requireNonNull(writeIds.get(), "write id is null");
      byte[] bytes = ManifestCodec.encode(id, next, writeId);
      if (land(id, bytes, writeId)) {
        Manifest published = new Manifest(id, next, writeId);
        remember(published);
        return published;
      }
      // Lost the race for id: someone else's version is there now; start from it.
      base = reader.latestAfter(id);
      remember(base);
    }
    throw new DbException(
        "gave up publishing a manifest of '" + dbPath + "' after " + maxAttempts + " conflicts");
  }

  static FencedException fenced(Role role, long epoch, Manifest latest) {
    return new FencedException(
        role.name().toLowerCase(java.util.Locale.ROOT)
            + " epoch "
            + epoch
            + " was superseded by epoch "
            + latest.state().epoch(role)
            + " (manifest "
            + latest.id()
            + ")");
  }

  /**
   * Creates version {@code id}; false if someone else's version got there first. After an unknown
   * outcome, a slot found retired cannot say whose version it held (ours may have landed, been
   * superseded and retired during a long stall), so that is reported as {@link
   * OutcomeUnknownException} rather than taken for a lost race: re-applying the change on top could
   * apply it twice.
   */
  private boolean land(long id, byte[] bytes, UUID writeId) {
    String key = ManifestKeys.key(dbPath, id);
    boolean ambiguous = false;
    OutcomeUnknownException last = null;
    for (int tries = 0; tries <= MAX_UNKNOWN_OUTCOMES; tries++) {
      try {
        join(store.put(key, bytes, PutCondition.ifAbsent()));
        return true;
      } catch (PreconditionFailedException taken) {
        if (ambiguous) {
          // An earlier attempt of ours with an unknown outcome may be the one that took it.
          return isOurs(key, id, writeId, last);
        }
        // A first answer of 412 may still be our own put: a store or SDK that retried it inside
        // one request answers the retry's 412 (a "phantom" conflict). Taking it for a lost race
        // would apply the change a second time on top of itself, so read the write id back.
        return reader.read(id) instanceof ManifestReader.Live live
            && live.manifest().writeId().equals(writeId);
      } catch (OutcomeUnknownException unknown) {
        ambiguous = true;
        last = unknown;
        ManifestReader.Slot slot = reader.read(id);
        if (!(slot instanceof ManifestReader.Absent)) {
          return isOurs(key, slot, writeId, last);
        }
        // Not there (yet): putting the same bytes again is safe, only one copy can land.
      }
    }
    throw new OutcomeUnknownException(
        "could not learn whether manifest " + key + " was published", last);
  }

  private boolean isOurs(String key, long id, UUID writeId, OutcomeUnknownException cause) {
    return isOurs(key, reader.read(id), writeId, cause);
  }

  private static boolean isOurs(
      String key, ManifestReader.Slot slot, UUID writeId, OutcomeUnknownException cause) {
    if (slot instanceof ManifestReader.Live live) {
      return live.manifest().writeId().equals(writeId);
    }
    throw new OutcomeUnknownException(
        "could not learn whether manifest "
            + key
            + " was published: the version there was retired before its write id could be read",
        cause);
  }

  private void remember(Manifest manifest) {
    cache.accumulateAndGet(manifest, (old, now) -> old == null || now.id() > old.id() ? now : old);
  }
}
