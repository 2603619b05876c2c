package dev.shaledb.cli;

import static dev.shaledb.objectstore.Futures.join;
import static java.util.Objects.requireNonNull;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.error.UnsupportedFormatException;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestKeys;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.sst.RangeReader;
import dev.shaledb.sst.SstInfo;
import dev.shaledb.sst.SstIterator;
import dev.shaledb.sst.SstReader;
import dev.shaledb.sst.SstReaderOptions;
import dev.shaledb.table.TableKeys;
import dev.shaledb.wal.WalKeys;
import dev.shaledb.wal.WalReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads every object a database needs and checks it as the engine would, without stopping at the
 * first problem: the latest manifest and the manifests checkpoints pin, every table they list
 * (whole: the footer's body checksum, each block's CRC32C with its binding to the table id and
 * offset, entry order, the metadata, and the size and checksum the manifest recorded), and the WAL
 * from the replay anchor on (each object decoded whole, which checks its checksums).
 *
 * <p>Objects older than that (WAL objects below the anchor, superseded manifests, tables no
 * manifest lists) are garbage and not checked.
 */
final class Verification {
  /** Something wrong with object {@code key}: {@code offset} is -1 when it is the whole object. */
  record Problem(String key, long offset, String problem) {
    Problem {
      requireNonNull(key, "key is null");
      requireNonNull(problem, "problem is null");
    }
  }

  /** What was read and what was wrong. */
  record Report(int manifests, int tables, int walObjects, long bytes, List<Problem> problems) {
    Report {
      problems = List.copyOf(problems);
    }

    boolean healthy() {
      return problems.isEmpty();
    }
  }

  private final ObjectStore store;
  private final String path;
  private final List<Problem> problems = new ArrayList<>();
  private int manifests;
  private int tables;
  private int walObjects;
  private long bytes;

  private Verification(ObjectStore store, String path) {
    this.store = store;
    this.path = path;
  }

  /** Checks the database; {@code latest} was read (and so checked) already. */
  static Report run(ObjectStore store, String path, Manifest latest) {
    Verification v = new Verification(store, path);
    v.manifests++;
    Map<String, TableInfo> live = new LinkedHashMap<>();
    v.collectTables(latest, live);
    for (Checkpoint c : latest.state().checkpoints()) {
      v.pinnedManifest(c).ifPresent(m -> v.collectTables(m, live));
    }
    for (TableInfo table : live.values()) {
      v.table(table);
    }
    v.wal(latest.state().flushedWalId(), latest.state().nextWalId());
    return new Report(v.manifests, v.tables, v.walObjects, v.bytes, v.problems);
  }

  private Optional<Manifest> pinnedManifest(Checkpoint c) {
    String key = ManifestKeys.key(path, c.manifestId());
    try {
      Optional<Manifest> m = new ManifestStore(store, path).read(c.manifestId());
      manifests++;
      if (m.isEmpty()) {
        problems.add(
            new Problem(key, -1, "missing or retired, but checkpoint " + c.id() + " pins it"));
      }
      return m;
    } catch (CorruptObjectException e) {
      problems.add(new Problem(e.key(), e.offset(), problemOf(e)));
    } catch (UnsupportedFormatException e) {
      problems.add(new Problem(key, -1, e.getMessage()));
    }
    return Optional.empty();
  }

  private void collectTables(Manifest manifest, Map<String, TableInfo> live) {
    for (TablesCommand.LiveTable t : TablesCommand.live(manifest.state())) {
      live.putIfAbsent(t.table().id(), t.table());
    }
  }

  private void table(TableInfo table) {
    String key = TableKeys.key(table.homeOr(path), table.id());
    byte[] object;
    try {
      object = join(store.get(key)).data();
    } catch (ObjectNotFoundException e) {
      problems.add(new Problem(key, -1, "missing, but a manifest lists it"));
      return;
    }
    tables++;
    bytes += object.length;
    if (object.length != table.sizeBytes()) {
      problems.add(
          new Problem(
              key, -1, "is " + object.length + " bytes, the manifest says " + table.sizeBytes()));
      return;
    }
    try {
      // Opening with the id checks that this object is the table built as that id. Reading every
      // block first names the damaged block's offset; SstReader.verify, which checks the body's
      // checksum before the blocks, would only say that the body (offset 0) is damaged.
      SstReader reader =
          SstReader.open(key, table.id(), RangeReader.of(object), SstReaderOptions.defaults());
      SstIterator blocks = reader.iterator(Long.MAX_VALUE);
      for (blocks.seekToFirst(); blocks.isValid(); blocks.next()) {
        // Decoding each block checks its CRC32C and its binding to the table id and offset.
      }
      SstInfo info = SstReader.verify(key, object);
      if (info.crc32c() != table.crc32c()) {
        problems.add(new Problem(key, -1, "checksum differs from the one the manifest recorded"));
      } else if (!Arrays.equals(info.smallestKey(), table.smallestKey())
          || !Arrays.equals(info.largestKey(), table.largestKey())
          || info.minSeq() != table.minSeq()
          || info.maxSeq() != table.maxSeq()) {
        problems.add(new Problem(key, -1, "key or seq range differs from the manifest's"));
      }
    } catch (CorruptObjectException e) {
      problems.add(new Problem(e.key(), e.offset(), problemOf(e)));
    } catch (UnsupportedFormatException e) {
      problems.add(new Problem(key, -1, e.getMessage()));
    }
  }

  /**
   * Every WAL object from the anchor on: {@code [anchor, nextWalId)} must all exist (the manifest
   * promises it); after that the log runs on to the first absent id.
   */
  private void wal(long flushedWalId, long nextWalId) {
    WalReader reader = new WalReader(store, path);
    for (long id = Math.max(1, flushedWalId); ; id++) {
      String key = WalKeys.key(path, id);
      try {
        Optional<?> object = reader.read(id);
        if (object.isEmpty()) {
          if (id < nextWalId) {
            problems.add(
                new Problem(
                    key, -1, "missing, but the manifest says the WAL reaches " + nextWalId));
            continue;
          }
          return;
        }
        walObjects++;
        bytes += join(store.head(key)).size();
      } catch (CorruptObjectException e) {
        walObjects++;
        problems.add(new Problem(e.key(), e.offset(), problemOf(e)));
      } catch (UnsupportedFormatException e) {
        walObjects++;
        problems.add(new Problem(key, -1, e.getMessage()));
      }
    }
  }

  /** The exception's problem alone: its message repeats the key and offset a Problem holds. */
  static String problemOf(CorruptObjectException e) {
    String prefix = "corrupt object '" + e.key() + "' at offset " + e.offset() + ": ";
    String message = e.getMessage();
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }
}
