package dev.shaledb.compaction;

import dev.shaledb.CompactionOptions;
import dev.shaledb.iterate.EntryIterator;
import dev.shaledb.iterate.VersionRewriter;
import dev.shaledb.manifest.SortedRun;
import dev.shaledb.manifest.TableInfo;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.RangeTombstones;
import dev.shaledb.sst.SstBuilder;
import dev.shaledb.sst.SstOptions;
import dev.shaledb.table.TableIds;
import dev.shaledb.table.TableStore;
import dev.shaledb.table.TableUpload;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Executes one {@link CompactionJob}: opens its inputs (their suffix GETs in flight together),
 * splits the key space into ranges, merges each range on its own thread (newest version first,
 * dropping what no reader can see) into tables of about the target size, and returns the output
 * run. Each range streams its inputs ahead of the merge ({@link CompactionInputs}) and uploads up
 * to {@link CompactionOptions#maxUploadsPerPart} finished tables while it builds the next, so the
 * merge's CPU overlaps both. A range that fails stops the others, and the job fails once all have
 * stopped. Publishing the run is the caller's; until then the outputs are unreferenced objects that
 * GC removes if the process dies.
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
    AtomicBoolean partFailed = new AtomicBoolean();
    BooleanSupplier stop = () -> partFailed.get() || stopped.getAsBoolean();
    List<CompletableFuture<Part>> futures = new ArrayList<>();
    for (int i = 0; i <= splits.size(); i++) {
      byte[] from = i == 0 ? null : splits.get(i - 1);
      byte[] to = i == splits.size() ? null : splits.get(i);
      futures.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return mergeRange(job, from, to, policy, kept.clip(from, to), stop);
                } catch (RuntimeException e) {
                  partFailed.set(true);
                  throw e;
                }
              },
              parts));
    }
    List<TableInfo> outputs = new ArrayList<>();
    long written = 0;
    long dropped = 0;
    RuntimeException failure = null;
    // Every part is waited for, so that none still merges or starts uploads once the job is
    // retried.
    for (CompletableFuture<Part> f : futures) {
      try {
        Part part = Futures.join(f);
        outputs.addAll(part.tables());
        written += part.bytesWritten();
        dropped += part.dropped();
      } catch (RuntimeException e) {
        failure = firstCause(failure, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    SortedRun run = outputs.isEmpty() ? null : new SortedRun(outputs);
    return new Output(run, job.inputBytes(), written, dropped);
  }

  /**
   * The failure to report of two: parts stopped because another failed end with a {@link
   * CancellationException}, which must not hide the failure that stopped them.
   */
  private static RuntimeException firstCause(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    if (first instanceof CancellationException && !(next instanceof CancellationException)) {
      next.addSuppressed(first);
      return next;
    }
    first.addSuppressed(next);
    return first;
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
      RangeTombstones tombstones,
      BooleanSupplier stop) {
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
        if ((n & 1023) == 0 && stop.getAsBoolean()) {
          throw new CancellationException("compaction stopped");
        }
        rewriter.add(key, it.seq(), it.kind(), it.value(), it.expireAtMillis());
      }
      rewriter.finish();
      writer.finishPart();
      writer.uploads.awaitAll();
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
    final Uploads uploads = new Uploads(options.maxUploadsPerPart());
    long written;
    private final byte[] partEnd;
    private final RangeTombstones tombstones;
    private byte[] tableStart;
    private SstBuilder builder;
    private TableUpload upload;
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
      uploads.awaitRoom();
      builderId = ids.next();
      upload = tables.openUpload(builderId, options.warmBlockCache());
      builder = upload.builder(tableOptions);
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
        written += finish();
      }
    }

    void finishPart() {
      finishTable(partEnd);
    }

    /** Discards the table being built, if any: its upload is aborted, nothing becomes visible. */
    void abandon() {
      if (builder != null) {
        builder.close();
        builder = null;
      }
      if (upload != null) {
        upload.close();
        upload = null;
      }
    }

    /**
     * Finishes the table being built and completes its upload, which went up in parts while it was
     * built; the outputs keep the order they were built in (key order), whatever order their
     * uploads complete in.
     */
    private long finish() {
      try (SstBuilder b = builder;
          TableUpload u = upload) {
        builder = null;
        upload = null;
        TableInfo table = TableStore.describe(builderId, b.finish());
        uploads.add(u.complete());
        out.add(table);
        return table.sizeBytes();
      }
    }
  }
}
