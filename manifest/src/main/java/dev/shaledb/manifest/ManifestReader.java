package dev.shaledb.manifest;

import static dev.shaledb.objectstore.Futures.join;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStore;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Finds and reads manifest versions without LIST. Manifest ids are dense forever (a version is
 * retired by overwriting it with zero bytes, never deleted), so "id exists" is true exactly for
 * {@code 1..latest}: the latest id is found by probing forward from a known id and galloping (1, 2,
 * 4, ... ahead, then binary search) instead of listing.
 */
final class ManifestReader {
  /** What a manifest key holds. */
  sealed interface Slot {}

  /** No object has the key. */
  record Absent() implements Slot {}

  /** A retired (zero-length) version. */
  record Retired() implements Slot {}

  /** A live version. */
  record Live(Manifest manifest) implements Slot {}

  private final ObjectStore store;
  private final String dbPath;
  private final Consumer<? super CorruptObjectException> onCorrupt;

  /** {@code onCorrupt} hears of every corruption this reader detects, before it is thrown. */
  ManifestReader(
      ObjectStore store, String dbPath, Consumer<? super CorruptObjectException> onCorrupt) {
    this.store = store;
    this.dbPath = dbPath;
    this.onCorrupt = onCorrupt;
  }

  /**
   * The latest live manifest, searching forward from {@code known} (a version known to exist, or
   * null to bootstrap from id 1); empty if the database has no manifest.
   */
  Optional<Manifest> latest(Manifest known) {
    return latest(known == null ? 0 : known.id(), known);
  }

  /** The latest live manifest, given that version {@code existingId} exists. */
  Manifest latestAfter(long existingId) {
    return latest(existingId, null)
        .orElseThrow(() -> new IllegalStateException("manifest " + existingId + " vanished"));
  }

  private Optional<Manifest> latest(long from, Manifest best) {
    while (true) {
      long last = lastExisting(from);
      if (last == 0) {
        return Optional.empty();
      }
      if (best != null && last == best.id()) {
        return Optional.of(best);
      }
      Slot slot = read(last);
      if (slot instanceof Live live) {
        return Optional.of(live.manifest());
      }
      if (slot instanceof Absent) {
        throw reported(
            new CorruptObjectException(
                ManifestKeys.key(dbPath, last),
                -1,
                "manifest vanished; manifest keys are never deleted"));
      }
      // Retired between our probe and our read, so newer versions exist: search on from there.
      from = last;
    }
  }

  /** The largest existing id, given that {@code known} exists (0: nothing known). */
  long lastExisting(long known) {
    long present = known;
    long step = 1;
    while (exists(known + step)) {
      present = known + step;
      if (step > Long.MAX_VALUE / 4) {
        throw new IllegalStateException("manifest ids beyond " + present);
      }
      step <<= 1;
    }
    long absent = known + step;
    while (absent - present > 1) {
      long mid = present + (absent - present) / 2;
      if (exists(mid)) {
        present = mid;
      } else {
        absent = mid;
      }
    }
    return present;
  }

  boolean exists(long id) {
    try {
      join(store.head(ManifestKeys.key(dbPath, id)));
      return true;
    } catch (ObjectNotFoundException absent) {
      return false;
    }
  }

  /**
   * What key {@code id} holds. A live version's bytes must decode as version {@code id}: bytes that
   * record another id (a misdirected read, a stale cache, a copied object) are {@link
   * CorruptObjectException}, never another version's state.
   */
  Slot read(long id) {
    String key = ManifestKeys.key(dbPath, id);
    ObjectContent content;
    try {
      content = join(store.get(key));
    } catch (ObjectNotFoundException absent) {
      return new Absent();
    }
    if (content.data().length != content.meta().size()) {
      // Cut short in transit: a live version must not pass for a retired one (or a shorter one).
      throw reported(
          new CorruptObjectException(
              key,
              content.data().length,
              "read returned "
                  + content.data().length
                  + " of "
                  + content.meta().size()
                  + " bytes"));
    }
    if (content.data().length == 0) {
      return new Retired();
    }
    ManifestCodec.Decoded decoded;
    try {
      decoded = ManifestCodec.decode(key, id, content.data());
    } catch (CorruptObjectException e) {
      throw reported(e);
    }
    return new Live(new Manifest(id, decoded.state(), decoded.writeId()));
  }

  /** Tells the observer about {@code e}; what it throws is kept with {@code e}, not instead. */
  private CorruptObjectException reported(CorruptObjectException e) {
    try {
      onCorrupt.accept(e);
    } catch (RuntimeException thrown) {
      e.addSuppressed(thrown);
    }
    return e;
  }
}
