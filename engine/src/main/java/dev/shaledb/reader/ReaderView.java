package dev.shaledb.reader;

import static java.util.Objects.requireNonNull;

import dev.shaledb.DbReader;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.read.ReadPath;
import dev.shaledb.view.DbView;
import dev.shaledb.view.Memtable;

/**
 * What a {@link DbReader} reads, as one immutable value: a manifest version (its tables), the
 * memtable of replayed WAL writes newer than that manifest's {@code lastFlushedSeq}, and the
 * sequence number reads use. The catch-up replaces the whole value, so a read that took it sees one
 * consistent state of the database.
 *
 * <p>The memtable may receive versions above {@code seq} while this view is current; reads at
 * {@code seq} never see them (the {@link Memtable} contract), and the view that makes them visible
 * is published only after all of a WAL replay's entries are in.
 *
 * @param manifest the manifest version whose tables are read
 * @param memtable replayed writes with sequence numbers above {@code manifest}'s lastFlushedSeq
 * @param seq reads see versions up to this sequence number
 * @param dbView the same sources in the shape {@link ReadPath} takes (no frozen memtables)
 */
public record ReaderView(Manifest manifest, Memtable memtable, long seq, DbView dbView) {
  public ReaderView {
    requireNonNull(manifest, "manifest is null");
    requireNonNull(memtable, "memtable is null");
    requireNonNull(dbView, "dbView is null");
  }

  /** The view over {@code manifest}'s tables and {@code memtable}, read at {@code seq}. */
  public static ReaderView of(Manifest manifest, Memtable memtable, long seq) {
    // The one place a reader builds a DbView: if DbView gains fields, only this line changes.
    return new ReaderView(manifest, memtable, seq, new DbView(memtable, manifest));
  }

  public long manifestId() {
    return manifest.id();
  }

  public long lastFlushedSeq() {
    return manifest.state().lastFlushedSeq();
  }
}
