package dev.shaledb.wal;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.shaledb.manifest.FenceableManifest;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.ObjectStore;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.LongSupplier;

/** Opens WAL writers the way the engine will, and builds batches and raw objects for tests. */
final class TestWal {
  private TestWal() {}

  /** A writer opened through the whole protocol, with what its replay recovered. */
  record Opened(
      FenceableManifest manifest,
      WalFence fence,
      WalReplay replay,
      List<ReplayedBatch> replayed,
      WalWriter writer) {}

  /**
   * The engine's writer open: raise the writer epoch, fence the WAL, re-check the epoch, replay,
   * continue after the fence.
   */
  static Opened open(ObjectStore store, String path, WalWriterOptions options) {
    return open(store, path, options, System::nanoTime);
  }

  /** As above, the writer timing its puts by {@code nanoTime}. */
  static Opened open(
      ObjectStore store, String path, WalWriterOptions options, LongSupplier nanoTime) {
    FenceableManifest manifest = FenceableManifest.openWriter(new ManifestStore(store, path));
    ManifestState state = manifest.latest().state();
    WalFence fence = WalFence.place(store, path, manifest.epoch(), state.nextWalId());
    manifest.refresh();
    List<ReplayedBatch> replayed = new ArrayList<>();
    WalReplay replay = new WalReader(store, path).replay(state.flushedWalId(), replayed::add);
    WalWriter writer = WalWriter.open(store, path, options, fence, replay, e -> {}, nanoTime);
    return new Opened(manifest, fence, replay, replayed, writer);
  }

  /** A WAL-only open with a given epoch (no manifest), starting the search for a slot at 1. */
  static WalWriter openWalOnly(
      ObjectStore store, String path, long epoch, WalWriterOptions options) {
    WalFence fence = WalFence.place(store, path, epoch, 1);
    WalReplay replay = new WalReader(store, path).replay(0, b -> {});
    return WalWriter.open(store, path, options, fence, replay);
  }

  /** Everything a fresh replay from the start recovers. */
  static List<ReplayedBatch> replayAll(ObjectStore store, String path) {
    List<ReplayedBatch> out = new ArrayList<>();
    new WalReader(store, path).replay(0, out::add);
    return out;
  }

  /** The keys of the recovered entries, in log order. */
  static List<String> keys(List<ReplayedBatch> batches) {
    List<String> keys = new ArrayList<>();
    for (ReplayedBatch b : batches) {
      for (WalEntry e : b.batch().entries()) {
        keys.add(new String(e.key(), UTF_8));
      }
    }
    return keys;
  }

  static WalBatch batch(long seq, String key) {
    return WalBatch.of(seq, WalEntry.put(key.getBytes(UTF_8), ("v-" + key).getBytes(UTF_8)));
  }

  /** The encoded bytes of a regular WAL object, as any writer would write it. */
  static byte[] object(long id, long epoch, long prevId, WalBatch... batches) {
    List<BatchCodec.Encoded> encoded = new ArrayList<>();
    for (WalBatch b : batches) {
      encoded.add(BatchCodec.encode(b));
    }
    WalObjectHeader header =
        new WalObjectHeader(id, epoch, prevId, UUID.randomUUID(), false, batches.length);
    return WalCodec.encode(header, encoded);
  }

  static byte[] fence(long id, long epoch) {
    return WalCodec.encode(
        new WalObjectHeader(id, epoch, 0, UUID.randomUUID(), true, 0), List.of());
  }

  /** Options for fast tests: tiny objects allowed, no timer unless asked. */
  static WalWriterOptions options() {
    return WalWriterOptions.defaults().withFlushInterval(null);
  }
}
