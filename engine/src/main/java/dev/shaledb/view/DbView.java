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

  /**
   * This view after the oldest frozen memtable became a table listed in {@code next}. A newer
   * manifest the view adopted first may have dropped the memtable already ({@link #withManifest}).
   */
  public DbView flushed(Frozen done, Manifest next) {
    List<Frozen> list = new ArrayList<>(frozen);
    if (!list.remove(done) && done.lastSeq() > manifest.lastFlushedSeq()) {
      throw new IllegalStateException("flushed memtable is not frozen");
    }
    return new DbView(active, list, manifest, manifestId).withManifest(next);
  }

  /**
   * This view reading the tables of {@code m}, unless the view already has a later version: the
   * flusher and the compactor publish concurrently, and every version includes all earlier ones.
   * Frozen memtables whose every version {@code m}'s tables hold ({@code lastSeq <=
   * lastFlushedSeq}) leave the view in the same step: a compaction published after a flush may
   * reach the view before the flusher does, and the view would otherwise show that memtable's
   * versions twice (chaos seeds 20261512, 20261808, 20262804; reads fold an operand once anyway).
   */
  public DbView withManifest(Manifest m) {
    if (m.id() <= manifestId) {
      return this;
    }
    long flushedSeq = m.state().lastFlushedSeq();
    List<Frozen> kept = new ArrayList<>(frozen.size());
    for (Frozen f : frozen) {
      if (f.lastSeq() > flushedSeq) {
        kept.add(f);
      }
    }
    return new DbView(active, kept, m.state(), m.id());
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
