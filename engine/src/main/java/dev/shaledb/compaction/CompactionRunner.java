package dev.shaledb.compaction;

import dev.shaledb.CompactionOptions;
import dev.shaledb.iterate.EntryIterator;
import dev.shaledb.iterate.VersionRewriter;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.RangeTombstones;
import dev.shaledb.sst.SstBuilder;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.table.TableIds;
import dev.shaledb.table.TableStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Executes one {@link CompactionJob}: opens its inputs (their suffix GETs in flight together),
 * splits the key space into ranges, merges each range on its own thread (newest version first,
 * dropping what no reader can see) into tables of about the target size, uploads them while the
 * next one is built, and returns the output run. Each range streams its inputs ahead of the merge
 * ({@link CompactionInputs}), so its CPU overlaps its reads. Publishing it is the caller's; until
 * then the outputs are unreferenced objects that GC removes if the process dies.
 */
public final class CompactionRunner {
  private final TableStore tables;
  private final TableIds ids;
  private final SstOptions tableOptions;
  private final CompactionOptions options;
  private final Clock clock;
  private final Executor parts;
  private final BooleanSupplier stopped;

  /** What a compaction produced. */
  record Output(SortedRun run, long bytesRead, long bytesWritten, long entriesDropped) {}

  CompactionRunner(
      TableStore tables,
      TableIds ids,
      SstOptions tableOptions,
      CompactionOptions options,
      Clock clock,
      Executor parts,
      BooleanSupplier stopped) {
    this.tables = tables;
    this.ids = ids;
    this.tableOptions = tableOptions;
    this.options = options;
    this.clock = clock;
    this.parts = parts;
    this.stopped = stopped;
  }

  /**
   * Runs {@code job}, keeping every version newer than {@code retainSeq} and, below it, what a
   * reader at {@code retainSeq} sees ({@link VersionRewriter}: merge chains folded, expired values
   * and the compaction filter's removals dropped or turned into tombstones).
   */
  Output run(CompactionJob job, long retainSeq) {
    tables.openAll(job.tables());
    List<byte[]> splits = CompactionSplits.choose(job, options.subcompactions(), tables);
    RangeTombstones ranges = inputTombstones(job);
    VersionRewriter.Policy policy =
        new VersionRewriter.Policy(
            retainSeq,
            job.bottom(),
            options.mergeOperator(),
            clock.millis() - options.expiryGrace().toMillis(),
            options.compactionFilter(),
            ranges);
    RangeTombstones kept = ranges.retain(retainSeq, job.bottom());
    List<CompletableFuture<Part>> futures = new ArrayList<>();
    for (int i = 0; i <= splits.size(); i++) {
      byte[] from = i == 0 ? null : splits.get(i - 1);
      byte[] to = i == splits.size() ? null : splits.get(i);
      futures.add(
          CompletableFuture.supplyAsync(
              () -> mergeRange(job, from, to, policy, kept.clip(from, to)), parts));
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

  /** The range tombstones of every input table (all open: {@link TableStore#openAll}). */
  private RangeTombstones inputTombstones(CompactionJob job) {
    List<RangeTombstones> all = new ArrayList<>();
    for (TableInfo t : job.tables()) {
      RangeTombstones r = tables.table(t).reader().rangeTombstones();
      if (!r.isEmpty()) {
        all.add(r);
      }
    }
    return all.isEmpty() ? RangeTombstones.empty() : RangeTombstones.union(all);
  }

  private Part mergeRange(
      CompactionJob job,
      byte[] from,
      byte[] to,
      VersionRewriter.Policy policy,
      RangeTombstones tombstones) {
    PartWriter writer = new PartWriter(from, to, tombstones);
    VersionRewriter rewriter = new VersionRewriter(policy, writer);
    try (CompactionInputs inputs = new CompactionInputs(job, from, to, tables)) {
      EntryIterator it = inputs.merge();
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
        rewriter.add(key, it.seq(), it.kind(), it.value(), it.expireAtMillis());
      }
      rewriter.finish();
      writer.finishPart();
      for (CompletableFuture<ObjectMeta> upload : writer.uploads) {
        Futures.join(upload);
      }
      return new Part(writer.out, writer.written, rewriter.dropped());
    } finally {
      writer.abandon();
    }
  }

  /**
   * Cuts the versions kept into tables of about the target size, between keys, and gives each table
   * the range tombstones of its stretch of the part: from the previous cut (or the part's start) to
   * the next table's first key (or the part's end). A tombstone that spans a cut is so split, and
   * the earlier table's largest key is the cut, equal to the next table's smallest: the two touch,
   * which sorted runs allow.
   */
  private final class PartWriter implements VersionRewriter.Sink {
    final List<TableInfo> out = new ArrayList<>();
    final List<CompletableFuture<ObjectMeta>> uploads = new ArrayList<>();
    long written;
    private final byte[] partEnd;
    private final RangeTombstones tombstones;
    private byte[] tableStart;
    private SstBuilder builder;
    private String builderId;
    private byte[] lastKey;

    PartWriter(byte[] from, byte[] to, RangeTombstones tombstones) {
      this.tableStart = from;
      this.partEnd = to;
      this.tombstones = tombstones;
    }

    @Override
    public void accept(byte[] key, long seq, EntryKind kind, byte[] value, long expireAtMillis) {
      boolean newKey = lastKey == null || !Arrays.equals(lastKey, key);
      if (builder != null && newKey && builder.estimatedSize() >= options.targetTableBytes()) {
        finishTable(key);
      }
      if (builder == null) {
        start();
      }
      builder.add(key, seq, kind, value, expireAtMillis);
      lastKey = key;
    }

    private void start() {
      builderId = ids.next();
      builder = SstBuilder.inMemory(tableOptions, builderId);
    }

    /** Ends the current table before {@code cut} (null: the part's end). */
    private void finishTable(byte[] cut) {
      if (!tombstones.isEmpty()) {
        RangeTombstones mine = tombstones.clip(tableStart, cut);
        if (!mine.isEmpty() && builder == null) {
          start(); // a stretch with tombstones and no versions
        }
        if (builder != null) {
          builder.addRangeTombstones(mine);
        }
      }
      tableStart = cut;
      if (builder != null) {
        SstBuilder b = builder;
        builder = null;
        written += finish(b, builderId, out, uploads);
      }
    }

    void finishPart() {
      finishTable(partEnd);
    }

    void abandon() {
      if (builder != null) {
        builder.close();
        builder = null;
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
}
