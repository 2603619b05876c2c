package dev.shaledb.compaction;

import dev.shaledb.CompactionOptions;
import dev.shaledb.iterate.EntryIterator;
import dev.shaledb.iterate.MergingIterator;
import dev.shaledb.iterate.Retention;
import dev.shaledb.iterate.SortedRunIterator;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.sst.SstBuilder;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.table.TableIds;
import dev.shaledb.table.TableStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Executes one {@link CompactionJob}: splits the key space into ranges, merges each range on its
 * own thread (newest version first, dropping what no reader can see) into tables of about the
 * target size, uploads them while the next one is built, and returns the output run. Publishing it
 * is the caller's; until then the outputs are unreferenced objects that GC removes if the process
 * dies.
 */
public final class CompactionRunner {
  private final TableStore tables;
  private final TableIds ids;
  private final SstOptions tableOptions;
  private final CompactionOptions options;
  private final Executor parts;
  private final BooleanSupplier stopped;

  /** What a compaction produced. */
  record Output(SortedRun run, long bytesRead, long bytesWritten, long entriesDropped) {}

  CompactionRunner(
      TableStore tables,
      TableIds ids,
      SstOptions tableOptions,
      CompactionOptions options,
      Executor parts,
      BooleanSupplier stopped) {
    this.tables = tables;
    this.ids = ids;
    this.tableOptions = tableOptions;
    this.options = options;
    this.parts = parts;
    this.stopped = stopped;
  }

  /**
   * Runs {@code job}, keeping every version newer than {@code retainSeq} and, below it, only the
   * newest version of each key (not even that if it is a tombstone and the job is at the bottom).
   */
  Output run(CompactionJob job, long retainSeq) {
    List<byte[]> splits = CompactionSplits.choose(job, options.subcompactions(), tables);
    List<CompletableFuture<Part>> futures = new ArrayList<>();
    for (int i = 0; i <= splits.size(); i++) {
      byte[] from = i == 0 ? null : splits.get(i - 1);
      byte[] to = i == splits.size() ? null : splits.get(i);
      futures.add(CompletableFuture.supplyAsync(() -> mergeRange(job, from, to, retainSeq), parts));
    }
    List<TableInfo> outputs = new ArrayList<>();
    long written = 0;
    long dropped = 0;
    for (CompletableFuture<Part> f : futures) {
      Part part = Futures.join(f);
      outputs.addAll(part.tables());
      written += part.bytesWritten();
      dropped += part.dropped();
    }
    SortedRun run = outputs.isEmpty() ? null : new SortedRun(outputs);
    return new Output(run, job.inputBytes(), written, dropped);
  }

  private record Part(List<TableInfo> tables, long bytesWritten, long dropped) {}

  private Part mergeRange(CompactionJob job, byte[] from, byte[] to, long retainSeq) {
    List<TableInfo> out = new ArrayList<>();
    List<CompletableFuture<ObjectMeta>> uploads = new ArrayList<>();
    long written = 0;
    long dropped = 0;
    Retention retention = new Retention(retainSeq, job.bottom());
    SstBuilder builder = null;
    String builderId = null;
    byte[] lastKey = null;
    try (EntryIterator it = open(job)) {
      if (from == null) {
        it.seekToFirst();
      } else {
        it.seek(from);
      }
      for (long n = 0; it.isValid(); it.next(), n++) {
        byte[] key = it.key();
        if (to != null && Arrays.compareUnsigned(key, to) >= 0) {
          break;
        }
        if ((n & 1023) == 0 && stopped.getAsBoolean()) {
          throw new CancellationException("compaction stopped");
        }
        if (!retention.keep(key, it.seq(), it.kind())) {
          dropped++;
          continue;
        }
        boolean newKey = lastKey == null || !Arrays.equals(lastKey, key);
        if (builder != null && newKey && builder.estimatedSize() >= options.targetTableBytes()) {
          written += finish(builder, builderId, out, uploads);
          builder = null;
        }
        if (builder == null) {
          builderId = ids.next();
          builder = SstBuilder.inMemory(tableOptions, builderId);
        }
        builder.add(key, it.seq(), it.kind(), it.value(), SstEntry.NO_EXPIRY);
        lastKey = key;
      }
      if (builder != null) {
        written += finish(builder, builderId, out, uploads);
        builder = null;
      }
      for (CompletableFuture<ObjectMeta> upload : uploads) {
        Futures.join(upload);
      }
      return new Part(out, written, dropped);
    } finally {
      if (builder != null) {
        builder.close();
      }
    }
  }

  /**
   * Finishes {@code builder}'s table and starts its upload once the previous one is done, so one
   * table uploads while the next is built and memory stays at two tables per part.
   */
  private long finish(
      SstBuilder builder,
      String id,
      List<TableInfo> out,
      List<CompletableFuture<ObjectMeta>> uploads) {
    try (builder) {
      TableInfo table = TableStore.describe(id, builder.finish());
      if (!uploads.isEmpty()) {
        Futures.join(uploads.get(uploads.size() - 1));
      }
      uploads.add(tables.uploadAsync(id, builder.bytes()));
      tables.warm(id, builder.bytes());
      out.add(table);
      return table.sizeBytes();
    }
  }

  private EntryIterator open(CompactionJob job) {
    List<EntryIterator> sources = new ArrayList<>();
    for (TableInfo t : job.l0()) {
      sources.add(tables.compactionIterator(t));
    }
    for (SortedRun run : job.runs()) {
      sources.add(new SortedRunIterator(run.tables(), tables::compactionIterator));
    }
    return new MergingIterator(sources);
  }
}
