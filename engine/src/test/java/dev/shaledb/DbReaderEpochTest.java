package dev.shaledb;

import static dev.shaledb.Testing.b;
import static dev.shaledb.Testing.keys;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.wal.WalBatch;
import dev.shaledb.wal.WalEntry;
import dev.shaledb.wal.WalFormat;
import dev.shaledb.wal.WalGc;
import dev.shaledb.wal.WalKeys;
import dev.shaledb.wal.WalObjectHeader;
import dev.shaledb.wal.WalReader;
import dev.shaledb.wal.WalReplay;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A reader across writer changes and garbage collection: it must replay exactly what the next
 * writer's recovery replays (new epochs, fenced writers' late objects and orphans skipped), and
 * find its way back when GC deleted the WAL objects it was about to read.
 */
class DbReaderEpochTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  private Db crashAndReopen(Db db, CrashableStore[] current) {
    db.flush();
    current[0].crash();
    try {
      db.close();
    } catch (RuntimeException expected) {
      // the store is dead
    }
    current[0] = new CrashableStore(store);
    return Db.open(current[0], "db", DbReaderTest.writerOptions(64 << 20));
  }

  private void putWal(long id, long epoch, long prevId, WalBatch batch) {
    WalObjectHeader header = new WalObjectHeader(id, epoch, prevId, UUID.randomUUID(), false, 1);
    store
        .put(
            WalKeys.key("db", id),
            WalFormat.encode(header, List.of(batch)),
            PutCondition.ifAbsent())
        .join();
  }

  @Test
  void followsNewWritersAndSkipsLateObjectsAndOrphansAsRecoveryDoes() {
    CrashableStore[] current = {new CrashableStore(store)};
    Db db = Db.open(current[0], "db", DbReaderTest.writerOptions(64 << 20));
    try (DbReader reader = DbReader.open(store, "db", DbReaderTest.manual())) {
      db.put(b("a"), b("1"));
      db.put(b("b"), b("1"));
      reader.refresh();
      assertThat(reader.get(b("a"))).isEqualTo(b("1"));

      db = crashAndReopen(db, current); // epoch 2 fences epoch 1
      db.put(b("a"), b("2"));
      reader.refresh();
      assertThat(reader.get(b("a"))).isEqualTo(b("2"));
      assertThat(reader.get(b("b"))).isEqualTo(b("1"));

      db.flush();
      current[0].crash();
      ManifestState state = new ManifestStore(store, "db").readLatest().orElseThrow().state();
      WalReplay log = new WalReader(store, "db").replay(state.flushedWalId(), x -> {});
      long n = log.firstAbsentId();
      long epoch = log.maxEpoch();
      long seq = log.lastSeq();
      // n: an orphan of the current writer (its predecessor was re-placed); n + 1: a late object
      // of the fenced writer; n + 2: the current writer's next object on its chain.
      putWal(
          n, epoch, log.chainTailId() - 1, WalBatch.of(seq + 1, WalEntry.put(b("orphan"), b("x"))));
      putWal(n + 1, epoch - 1, n, WalBatch.of(seq + 2, WalEntry.put(b("zombie"), b("x"))));
      putWal(
          n + 2,
          epoch,
          log.chainTailId(),
          new WalBatch(seq + 3, List.of(WalEntry.put(b("a"), b("3")), WalEntry.delete(b("b")))));
      reader.refresh();
      assertThat(keys(reader.scan(null, null))).containsExactly("a");
      assertThat(reader.get(b("a"))).isEqualTo(b("3"));

      try {
        db.close();
      } catch (RuntimeException expected) {
        // the store is dead
      }
      current[0] = new CrashableStore(store);
      db = Db.open(current[0], "db", DbReaderTest.writerOptions(64 << 20));
      assertThat(keys(db.scan(null, null))).containsExactly("a"); // recovery agrees
      assertThat(db.get(b("a"))).isEqualTo(b("3"));
      db.put(b("c"), b("4"));
      db.close(); // flushes everything to tables
      reader.refresh();
      assertThat(keys(reader.scan(null, null))).containsExactly("a", "c");
      assertThat(reader.stats().memtableEntries()).isZero();
    }
  }

  @Test
  void restartsFromTheNewAnchorWhenGcDeletedWhatItWasReading() {
    AtomicReference<Runnable> beforeNextWalGet = new AtomicReference<>();
    ObjectStore hooked =
        new ForwardingObjectStore(store) {
          @Override
          public CompletableFuture<ObjectContent> get(String key, ByteRange range) {
            Runnable hook = key.contains("/wal/") ? beforeNextWalGet.getAndSet(null) : null;
            if (hook != null) {
              hook.run();
            }
            return super.get(key, range);
          }
        };
    Db db = Db.open(store, "db", DbReaderTest.writerOptions(64 << 20));
    try (DbReader reader = DbReader.open(hooked, "db", DbReaderTest.manual())) {
      db.put(b("a"), b("1"));
      reader.refresh(); // the chain tail is now a.
      db.put(b("b"), b("2")); // the next WAL object exists, so the reader will replay from a
      Db writer = db;
      // Between the reader's manifest probe (nothing new yet) and its WAL reads: the writer
      // flushes (anchor = b's object) and GC deletes the objects below the anchor, a's included.
      beforeNextWalGet.set(
          () -> {
            writer.close();
            long anchor =
                new ManifestStore(store, "db").readLatest().orElseThrow().state().flushedWalId();
            List<ObjectMeta> listing = store.list(WalKeys.prefix("db")).join();
            for (ObjectMeta m :
                WalGc.deletable("db", listing, anchor, new WalReader(store, "db"))) {
              store.delete(m.key()).join();
            }
          });
      reader.refresh();
      assertThat(beforeNextWalGet.get()).isNull();
      assertThat(reader.get(b("a"))).isEqualTo(b("1"));
      assertThat(reader.get(b("b"))).isEqualTo(b("2"));
      assertThat(reader.stats().memtableEntries()).isZero();
      assertThat(reader.stats().manifestSwitches()).isEqualTo(1);
    }
  }
}
