package dev.shaledb.view;

import static java.util.Objects.requireNonNull;

import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestState;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a read consults, as one immutable value: the active memtable, the frozen ones waiting
 * for their flush (newest first), and the manifest state listing the tables. Writers and the
 * flusher replace the whole view, so a reader that took it sees one consistent database.
 */
public record DbView(
    Memtable active, List<Frozen> frozen, ManifestState manifest, long manifestId) {
  public DbView {
    requireNonNull(active, "active is null");
    frozen = List.copyOf(frozen);
    requireNonNull(manifest, "manifest is null");
  }

  public DbView(Memtable active, Manifest manifest) {
    this(active, List.of(), manifest.state(), manifest.id());
  }

  /**
   * A memtable that no longer takes writes.
   *
   * @param lastSeq the highest sequence number it holds (and every lower one is in it or older)
   * @param anchorWalId a WAL id whose object and all before it hold only writes up to {@code
   *     lastSeq}: the replay anchor to publish once this memtable is in a table
   */
  public record Frozen(Memtable memtable, long lastSeq, long anchorWalId) {}

  /** This view with the active memtable frozen and {@code next} taking writes. */
  public DbView freeze(Memtable next, long lastSeq, long anchorWalId) {
    List<Frozen> list = new ArrayList<>(frozen.size() + 1);
    list.add(new Frozen(active, lastSeq, anchorWalId));
    list.addAll(frozen);
    return new DbView(next, list, manifest, manifestId);
  }

  /** This view after the oldest frozen memtable became a table listed in {@code next}. */
  public DbView flushed(Frozen done, Manifest next) {
    List<Frozen> list = new ArrayList<>(frozen);
    if (!list.remove(done)) {
      throw new IllegalStateException("flushed memtable is not frozen");
    }
    return new DbView(active, list, manifest, manifestId).withManifest(next);
  }

  /**
   * This view reading the tables of {@code m}, unless the view already has a later version: the
   * flusher and the compactor publish concurrently, and every version includes all earlier ones.
   */
  public DbView withManifest(Manifest m) {
    return m.id() <= manifestId ? this : new DbView(active, frozen, m.state(), m.id());
  }

  /** The oldest frozen memtable, or null. */
  public Frozen oldestFrozen() {
    return frozen.isEmpty() ? null : frozen.get(frozen.size() - 1);
  }

  /** Bytes held by all memtables. */
  public long unflushedBytes() {
    long bytes = active.approximateBytes();
    for (Frozen f : frozen) {
      bytes += f.memtable().approximateBytes();
    }
    return bytes;
  }
}
