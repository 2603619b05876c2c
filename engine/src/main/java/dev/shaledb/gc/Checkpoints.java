package dev.shaledb.gc;

import static java.util.Objects.requireNonNull;

import dev.shaledb.DbListener;
import dev.shaledb.clone.CloneCreation;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.FenceableManifest;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.support.StoreClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The writer's checkpoint operations. A checkpoint pins the manifest version that publishes it
 * ({@link FenceableManifest#addCheckpoint}), so the pinned version exists, holds everything flushed
 * before the call, and is protected from retirement from the moment it appears. Expiry times are
 * taken from the object store's clock, the clock garbage collection compares them with.
 */
public final class Checkpoints {
  /** The longest lifetime accepted; longer ones should be null (never expires). */
  static final Duration MAX_LIFETIME = Duration.ofDays(36_500);

  private final FenceableManifest writer;
  private final ObjectStore store;
  private final String path;
  private final Supplier<UUID> ids;
  private final DbListener listener;

  public Checkpoints(
      FenceableManifest writer,
      ObjectStore store,
      String path,
      Supplier<UUID> ids,
      DbListener listener) {
    this.writer = writer;
    this.store = store;
    this.path = path;
    this.ids = ids;
    this.listener = listener;
  }

  /** Checks createCheckpoint's arguments; a rejected call makes no request. */
  public static void checkArguments(String name, Duration lifetime) {
    requireNonNull(name, "name is null");
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > Checkpoint.MAX_NAME_BYTES) {
      throw new IllegalArgumentException(
          "checkpoint name is " + bytes + " UTF-8 bytes, more than " + Checkpoint.MAX_NAME_BYTES);
    }
    if (lifetime != null) {
      if (lifetime.isNegative() || lifetime.isZero()) {
        throw new IllegalArgumentException("lifetime is not positive: " + lifetime);
      }
      if (lifetime.compareTo(MAX_LIFETIME) > 0) {
        throw new IllegalArgumentException(
            "lifetime "
                + lifetime
                + " is longer than "
                + MAX_LIFETIME.toDays()
                + " days; use null for a checkpoint that never expires");
      }
    }
  }

  /** Publishes a checkpoint of the latest state; expires {@code lifetime} from now, or never. */
  public Checkpoint create(String name, Duration lifetime) {
    Instant expireAt = lifetime == null ? null : StoreClock.now(store, path).plus(lifetime);
    UUID id = requireNonNull(ids.get(), "checkpoint id is null");
    listener.onCheckpointPublishing(name);
    Manifest published = writer.addCheckpoint(id, expireAt, name);
    return new Checkpoint(id, published.id(), expireAt, name);
  }

  /**
   * Clones the latest published state (the caller flushes first) into a new database at {@code
   * target}, through a temporary checkpoint: one that expires in an hour, so a crash leaves nothing
   * behind for long, and that this writer removes once the clone holds a pin of its own.
   */
  public CloneCreation.Created cloneTo(String target) {
    Checkpoint source = create("clone source (temporary)", Duration.ofHours(1));
    try {
      return CloneCreation.create(
          store, path, target, source.id(), new CorruptionReporter(listener));
    } finally {
      delete(source.id());
    }
  }

  /**
   * The checkpoints of the latest state, including expired ones garbage collection has not removed.
   */
  public List<Checkpoint> list() {
    return writer.refresh().state().checkpoints();
  }

  /** Removes checkpoint {@code id}; false if the latest state has no such checkpoint. */
  public boolean delete(UUID id) {
    if (!contains(writer.refresh().state(), id)) {
      return false;
    }
    AtomicBoolean found = new AtomicBoolean();
    writer.update(
        s -> {
          // Applied again after a lost race, so decide on every base.
          found.set(contains(s, id));
          return without(s, c -> c.id().equals(id));
        });
    return found.get();
  }

  /** Removes the checkpoints expired at {@code now} (the writer's part of garbage collection). */
  public Collector.Pruned pruneExpired(Instant now) {
    AtomicInteger removed = new AtomicInteger();
    Manifest latest =
        writer.update(
            s -> {
              ManifestState next = without(s, c -> c.isExpired(now));
              removed.set(s.checkpoints().size() - next.checkpoints().size());
              return next;
            });
    return new Collector.Pruned(latest, removed.get());
  }

  private static boolean contains(ManifestState state, UUID id) {
    return state.checkpoints().stream().anyMatch(c -> c.id().equals(id));
  }

  private static ManifestState without(
      ManifestState state, java.util.function.Predicate<Checkpoint> drop) {
    List<Checkpoint> kept = new ArrayList<>();
    for (Checkpoint c : state.checkpoints()) {
      if (!drop.test(c)) {
        kept.add(c);
      }
    }
    return state.toBuilder().checkpoints(kept).build();
  }
}
