package dev.shaledb.iterate;

import dev.shaledb.CompactionFilter;
import dev.shaledb.MergeOperator;
import dev.shaledb.format.Limits;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.RangeTombstones;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.support.Keys;
import dev.shaledb.support.Merges;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a rewrite (a flush or a compaction) writes for the versions it reads, fed every version in
 * internal order (key ascending, sequence number descending) and handing what it keeps to a {@link
 * Sink} in the same order.
 *
 * <p>Invariant: every reader at a sequence number {@code >= retainSeq} reads exactly what it read
 * before, by {@link ValueFold}'s rules (docs/compaction.md gives the argument). To that end:
 *
 * <ul>
 *   <li>Versions above {@code retainSeq} are kept as they are (an expired one as a DELETE).
 *   <li>Of the rest, only what the newest one gives a reader at {@code retainSeq} is kept: a PUT; a
 *       DELETE, unless at the bottom (no older data below), where it hides nothing; or a chain of
 *       merge operands folded into one PUT when its base (a PUT or DELETE) is in the input or
 *       nothing lies below, else combined by {@link MergeOperator#partialMerge} or kept as written.
 *       Chains holding a value with an expiry are kept as written: their result changes with time.
 *   <li>A PUT or MERGE that expired before {@code expiredBefore} becomes a DELETE at its sequence
 *       number, which is how readers see it, so an older value never shows through it.
 *   <li>The compaction filter, if any, is asked about the one PUT kept at or below {@code
 *       retainSeq}; a removed value becomes a DELETE (or nothing, at the bottom).
 *   <li>A range tombstone of the input at or below {@code retainSeq} reads as a DELETE at its
 *       sequence number among a key's versions: the versions it hides go, and it ends a merge chain
 *       as a base would. The tombstones themselves are the caller's to write ({@link
 *       RangeTombstones#retain} keeps the ones a reader needs).
 * </ul>
 *
 * <p>A merge operator that throws leaves its chain as written (counted in {@link
 * #operatorFailures()}); the data is not changed. Memory is one chain of operands at a time. Not
 * thread-safe; call {@link #finish()} after the last version.
 */
public final class VersionRewriter {
  private static final Logger LOG = LoggerFactory.getLogger(VersionRewriter.class);

  /** Where kept versions go, in internal order. */
  @FunctionalInterface
  public interface Sink {
    void accept(byte[] key, long seq, EntryKind kind, byte[] value, long expireAtMillis);
  }

  /**
   * How to rewrite.
   *
   * @param retainSeq the oldest sequence number any reader may read at
   * @param bottom whether the output has no older data below it
   * @param operator folds merge chains; null keeps them as written
   * @param expiredBefore values expiring before this moment (ms since the epoch) are dropped;
   *     {@link Long#MIN_VALUE} keeps all
   * @param filter the user's compaction filter, or null
   * @param tombstones the range tombstones of the input
   */
  public record Policy(
      long retainSeq,
      boolean bottom,
      MergeOperator operator,
      long expiredBefore,
      CompactionFilter filter,
      RangeTombstones tombstones) {
    /** Plain retention: no folding, no expiry, no filter, no range tombstones. */
    public static Policy retention(long retainSeq, boolean bottom) {
      return new Policy(retainSeq, bottom, null, Long.MIN_VALUE, null, RangeTombstones.empty());
    }

    /** This policy for an input with {@code ranges}. */
    public Policy withTombstones(RangeTombstones ranges) {
      return new Policy(retainSeq, bottom, operator, expiredBefore, filter, ranges);
    }
  }

  /** A version; a virtual one stands for a covering range tombstone and is never written. */
  private record Version(
      long seq, EntryKind kind, byte[] value, long expireAtMillis, boolean virtual) {}

  private final Policy policy;
  private final Sink sink;
  private final List<Version> chain = new ArrayList<>();
  private byte[] key;
  private boolean settled;
  // The newest range tombstone at or below retainSeq covering the key, or -1.
  private long deletedAt = -1;
  private long dropped;
  private long operatorFailures;

  public VersionRewriter(Policy policy, Sink sink) {
    this.policy = policy;
    this.sink = sink;
  }

  /** Feeds the next version; versions of one key must arrive newest first. */
  public void add(byte[] k, long seq, EntryKind kind, byte[] value, long expireAtMillis) {
    if (key == null || !Arrays.equals(key, k)) {
      finishKey();
      key = k;
      settled = false;
      RangeTombstones ranges = policy.tombstones();
      deletedAt = ranges.isEmpty() ? -1 : ranges.coveringSeq(k, policy.retainSeq());
    }
    if (kind.hasValue()
        && expireAtMillis != SstEntry.NO_EXPIRY
        && expireAtMillis < policy.expiredBefore()) {
      kind = EntryKind.DELETE;
      value = null;
      expireAtMillis = SstEntry.NO_EXPIRY;
    }
    if (seq > policy.retainSeq()) {
      sink.accept(k, seq, kind, value, expireAtMillis);
      return;
    }
    if (settled) {
      dropped++;
      return;
    }
    if (seq < deletedAt) {
      // Hidden by a range tombstone every reader sees; it ends a chain as a delete would.
      dropped++;
      if (chain.isEmpty()) {
        settled = true;
      } else {
        closeOnTombstone();
      }
      return;
    }
    if (kind == EntryKind.MERGE || !chain.isEmpty()) {
      chain.add(new Version(seq, kind, value, expireAtMillis, false));
      if (kind != EntryKind.MERGE) {
        closeChain(true);
      }
      return;
    }
    settled = true;
    if (kind == EntryKind.PUT) {
      keepValue(seq, value, expireAtMillis);
    } else if (policy.bottom()) {
      dropped++;
    } else {
      sink.accept(k, seq, kind, null, SstEntry.NO_EXPIRY);
    }
  }

  /** Flushes the last key's pending chain. */
  public void finish() {
    finishKey();
    key = null;
  }

  /** Versions not written: hidden from every reader, folded or removed. */
  public long dropped() {
    return dropped;
  }

  /** Merge chains left as written because the operator threw. */
  public long operatorFailures() {
    return operatorFailures;
  }

  private void finishKey() {
    if (!chain.isEmpty()) {
      if (deletedAt >= 0) {
        closeOnTombstone();
      } else {
        closeChain(false);
      }
    }
  }

  private void closeOnTombstone() {
    chain.add(new Version(deletedAt, EntryKind.DELETE, null, SstEntry.NO_EXPIRY, true));
    closeChain(true);
  }

  /** Writes the chain of operands (newest first), ending in its base if {@code baseFound}. */
  private void closeChain(boolean baseFound) {
    settled = true;
    Version newest = chain.get(0);
    List<Version> ops = baseFound ? chain.subList(0, chain.size() - 1) : chain;
    boolean foldable = policy.operator() != null;
    for (int i = 0; i < chain.size() && foldable; i++) {
      foldable = chain.get(i).expireAtMillis() == SstEntry.NO_EXPIRY;
    }
    try {
      boolean full = baseFound || policy.bottom();
      if (foldable && full) {
        Version base = baseFound ? chain.get(chain.size() - 1) : null;
        byte[] b = base != null && base.kind() == EntryKind.PUT ? base.value() : null;
        byte[] merged =
            operate(() -> Merges.fullMerge(policy.operator(), key, b, oldestFirst(ops)));
        if (merged != null) {
          dropped += chain.size() - (chain.get(chain.size() - 1).virtual() ? 2 : 1);
          keepValue(newest.seq(), merged, SstEntry.NO_EXPIRY);
          return;
        }
      } else if (foldable && ops.size() >= 2) {
        byte[] combined = operate(() -> policy.operator().partialMerge(key, oldestFirst(ops)));
        if (combined != null && combined.length <= Limits.MAX_VALUE_BYTES) {
          dropped += ops.size() - 1;
          sink.accept(key, newest.seq(), EntryKind.MERGE, combined, SstEntry.NO_EXPIRY);
          writeAll(chain.subList(ops.size(), chain.size()));
          return;
        }
      }
      writeAll(chain);
    } finally {
      chain.clear();
    }
  }

  /** Runs a call of the merge operator; null if it threw (logged once per rewrite, counted). */
  private byte[] operate(Supplier<byte[]> call) {
    try {
      return call.get();
    } catch (RuntimeException e) {
      operatorFailures++;
      if (operatorFailures == 1) {
        LOG.warn(
            "merge operator {} failed on key {}; its operands are kept as written: {}",
            policy.operator().name(),
            Keys.describe(key),
            e.toString());
      }
      return null;
    }
  }

  private void writeAll(List<Version> versions) {
    for (Version v : versions) {
      if (!v.virtual()) {
        sink.accept(key, v.seq(), v.kind(), v.value(), v.expireAtMillis());
      }
    }
  }

  private static List<byte[]> oldestFirst(List<Version> ops) {
    List<byte[]> out = new ArrayList<>(ops.size());
    for (int i = ops.size() - 1; i >= 0; i--) {
      out.add(ops.get(i).value());
    }
    return out;
  }

  /** Writes the PUT kept at or below retainSeq, as the compaction filter decides. */
  private void keepValue(long seq, byte[] value, long expireAtMillis) {
    CompactionFilter filter = policy.filter();
    if (filter == null) {
      sink.accept(key, seq, EntryKind.PUT, value, expireAtMillis);
      return;
    }
    CompactionFilter.Decision d =
        filter.filter(new CompactionFilter.Entry(key, value, seq, expireAtMillis, policy.bottom()));
    switch (d.action()) {
      case KEEP -> sink.accept(key, seq, EntryKind.PUT, value, expireAtMillis);
      case CHANGE -> {
        if (d.value().length > Limits.MAX_VALUE_BYTES) {
          throw new IllegalStateException(
              "compaction filter returned a value of "
                  + d.value().length
                  + " bytes for key "
                  + Keys.describe(key)
                  + ", over the 16 MiB limit");
        }
        sink.accept(key, seq, EntryKind.PUT, d.value(), expireAtMillis);
      }
      case REMOVE -> {
        dropped++;
        if (!policy.bottom()) {
          sink.accept(key, seq, EntryKind.DELETE, null, SstEntry.NO_EXPIRY);
        }
      }
    }
  }
}
