package dev.shaledb.gc;

import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The manifest half of a garbage collection run: decides which versions are live, reads their
 * states and retires the others (docs/gc.md).
 *
 * <p>A version is live if it is the latest, if it was superseded (its successor was created) less
 * than {@code minAge} ago by the store's clock, or if an unexpired checkpoint of the latest state
 * pins it. Every other version is retired, except versions pinned by an expired checkpoint that the
 * writer has not removed yet ({@link ManifestStore#retire} refuses those).
 *
 * <p>To avoid listing the whole chain every run, the sweep remembers a low-water mark: every id at
 * or below it is retired or was pinned when the mark passed it; the pinned ones are remembered and
 * retired once their pin is gone. Being superseded is permanent, so a version the mark passed never
 * becomes live again except through a checkpoint that pins it. Versions are immutable, so the
 * states of live versions are cached. Not thread-safe: the collector serialises runs.
 */
public final class ManifestSweep {
  /**
   * A live version; {@code pinOnly} if only a checkpoint keeps it (readers use its tables only).
   */
  record LiveVersion(long id, ManifestState state, boolean pinOnly) {}

  /** What one sweep found and did. */
  record Outcome(List<LiveVersion> live, int retired) {}

  private final ObjectStore store;
  private final String path;
  private final ManifestStore manifests;
  private final Duration minAge;
  private final TreeSet<Long> pinnedBelowMark = new TreeSet<>();
  private final Map<Long, ManifestState> states = new HashMap<>();
  private long mark;
  private int retired;

  ManifestSweep(ObjectStore store, String path, ManifestStore manifests, Duration minAge) {
    this.store = store;
    this.path = path;
    this.manifests = manifests;
    this.minAge = minAge;
  }

  /** The low-water mark: every id at or below it is retired or pinned. */
  long mark() {
    return mark;
  }

  Outcome sweep(Manifest latest, Instant now) {
    Set<Long> pinned = new HashSet<>();
    Set<Long> protectedPins = new TreeSet<>();
    for (Checkpoint c : latest.state().checkpoints()) {
      pinned.add(c.manifestId());
      if (!c.isExpired(now)) {
        protectedPins.add(c.manifestId());
      }
    }
    Map<Long, Boolean> live = new TreeMap<>(); // id -> pinOnly
    retired = 0;

    // Versions the mark already passed: only pins are left there.
    for (long id : new ArrayList<>(pinnedBelowMark)) {
      if (protectedPins.contains(id)) {
        live.put(id, true);
      } else if (!pinned.contains(id) && retire(id)) {
        pinnedBelowMark.remove(id);
      }
    }
    for (long id : protectedPins) {
      if (id <= mark) {
        live.putIfAbsent(id, true); // pinned by a tool after the mark passed it; read may miss
      }
    }

    TreeMap<Long, ObjectMeta> listed = listAbove(mark, latest.id());
    boolean contiguous = true;
    for (long id = mark + 1; id < latest.id(); id++) {
      ObjectMeta meta = listed.get(id);
      boolean passable;
      if (meta == null) {
        passable = false; // impossible by M1 (ids are dense); stay conservative
      } else if (meta.size() == 0) {
        passable = true;
      } else if (supersededRecently(listed.get(id + 1), now)) {
        live.put(id, false);
        passable = false;
      } else if (protectedPins.contains(id)) {
        live.put(id, true);
        passable = true;
      } else if (pinned.contains(id)) {
        passable = true; // expired pin: retired once the writer removes the checkpoint
      } else {
        passable = retire(id);
      }
      if (contiguous && passable) {
        mark = id;
        if (pinned.contains(id) && meta.size() > 0) {
          pinnedBelowMark.add(id);
        }
      } else {
        contiguous = false;
      }
    }
    live.put(latest.id(), false);
    states.put(latest.id(), latest.state());
    return new Outcome(readStates(live), retired);
  }

  /** Superseded less than minAge ago; a successor missing from the listing counts as now. */
  private boolean supersededRecently(ObjectMeta successor, Instant now) {
    Instant supersededAt = successor == null ? now : successor.lastModified();
    // A retired successor's lastModified is its retirement, later than its creation: that only
    // makes this version look younger, the safe direction.
    // An unknown time (ObjectMeta.UNKNOWN_TIME) counts as just now: recent, kept.
    return !supersededAt.isBefore(now.minus(minAge));
  }

  private TreeMap<Long, ObjectMeta> listAbove(long after, long upTo) {
    String startAfter = after == 0 ? null : ManifestKeys.key(path, after);
    List<ObjectMeta> listing = Futures.join(store.list(ManifestKeys.prefix(path), startAfter));
    TreeMap<Long, ObjectMeta> byId = new TreeMap<>();
    for (ObjectMeta meta : listing) {
      OptionalLong id = ManifestKeys.parseId(path, meta.key());
      if (id.isPresent() && id.getAsLong() > after && id.getAsLong() <= upTo) {
        byId.put(id.getAsLong(), meta);
      }
    }
    return byId;
  }

  /** Retires {@code id}; true if it is retired now (by us or someone else). */
  private boolean retire(long id) {
    try {
      if (manifests.retire(id)) {
        retired++;
      }
      states.remove(id);
      return true;
    } catch (IllegalStateException pinnedMeanwhile) {
      return false;
    }
  }

  private List<LiveVersion> readStates(Map<Long, Boolean> live) {
    List<LiveVersion> out = new ArrayList<>(live.size());
    for (Map.Entry<Long, Boolean> e : live.entrySet()) {
      long id = e.getKey();
      ManifestState state = states.get(id);
      if (state == null) {
        Optional<Manifest> read = manifests.read(id);
        if (read.isEmpty()) {
          continue; // retired by another collector with a shorter minAge
        }
        state = read.get().state();
        states.put(id, state);
      }
      out.add(new LiveVersion(id, state, e.getValue()));
    }
    states.keySet().retainAll(live.keySet());
    return out;
  }
}
