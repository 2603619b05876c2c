package dev.shaledb.iterate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.MergeOperator;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.RangeTombstone;
import dev.shaledb.sst.RangeTombstones;
import dev.shaledb.sst.SstEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A rewrite must not change what any reader at or above {@code retainSeq} sees, whatever older data
 * lies below the rewritten versions (none at the bottom): checked by folding random version stacks
 * before and after, with merge operators that are associative or not (or none), expiry and range
 * tombstones.
 */
class VersionRewriterPropertyTest {
  static final byte[] KEY = {'k'};
  static final byte[] KEY_END = {'k', 0};

  /** The expiry field's mark of a range tombstone in a version list (read as a delete). */
  static final long RANGE = -2;

  /** Appends operands: associative, so it offers a partial merge. */
  static final MergeOperator APPEND =
      new MergeOperator() {
        @Override
        public byte[] fullMerge(byte[] key, byte[] base, List<byte[]> operands) {
          StringBuilder s = new StringBuilder(base == null ? "_" : str(base));
          for (byte[] op : operands) {
            s.append(str(op));
          }
          return s.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] partialMerge(byte[] key, List<byte[]> operands) {
          StringBuilder s = new StringBuilder();
          operands.forEach(op -> s.append(str(op)));
          return s.toString().getBytes(StandardCharsets.UTF_8);
        }
      };

  /** x -> 3x + op: not associative, so no partial merge. */
  static final MergeOperator AFFINE =
      (key, base, operands) -> {
        long x = base == null ? 7 : Long.parseLong(str(base));
        for (byte[] op : operands) {
          x = (3 * x + Long.parseLong(str(op))) % 1_000_003;
        }
        return Long.toString(x).getBytes(StandardCharsets.UTF_8);
      };

  record V(long seq, EntryKind kind, byte[] value, long expireAt) {}

  @Test
  void readersAtOrAboveRetainSeqSeeTheSameBeforeAndAfter() {
    for (long seed = 1; seed <= 3000; seed++) {
      check(seed);
    }
  }

  private static void check(long seed) {
    Random rnd = new Random(seed);
    boolean affine = rnd.nextBoolean();
    MergeOperator op = affine ? AFFINE : APPEND;
    boolean numeric = affine;
    long now = 1_000;
    // Upper versions (rewritten) have seqs 20..40; lower ones (untouched, below) 1..19.
    List<V> upper = versions(rnd, 20, 40, numeric, now);
    boolean bottom = rnd.nextBoolean();
    List<V> lower = bottom ? List.of() : versions(rnd, 1, 19, numeric, now);
    long retainSeq = 18 + rnd.nextInt(25);
    // The compaction drops what expired before `cutoff`; readers' clocks are at or after it.
    long cutoff = now - 50 + rnd.nextInt(100);
    List<RangeTombstone> ranges = new ArrayList<>();
    for (V v : upper) {
      if (v.expireAt() == RANGE) {
        ranges.add(new RangeTombstone(KEY, KEY_END, v.seq()));
      }
    }
    RangeTombstones in = RangeTombstones.of(ranges);
    VersionRewriter.Policy policy =
        new VersionRewriter.Policy(
            retainSeq, bottom, rnd.nextInt(5) == 0 ? null : op, cutoff, null, in);
    List<V> out = new ArrayList<>();
    VersionRewriter rw =
        new VersionRewriter(
            policy, (k, seq, kind, value, exp) -> out.add(new V(seq, kind, value, exp)));
    for (V v : upper) {
      if (v.expireAt() != RANGE) {
        rw.add(KEY, v.seq(), v.kind(), v.value(), v.expireAt());
      }
    }
    rw.finish();
    for (int i = 1; i < out.size(); i++) {
      assertThat(out.get(i).seq()).as("seed %d: order", seed).isLessThan(out.get(i - 1).seq());
    }
    // What the rewrite writes of the tombstones, as deletes among the versions.
    for (RangeTombstone t : in.retain(retainSeq, bottom).toTombstones()) {
      out.add(new V(t.seq(), EntryKind.DELETE, null, RANGE));
    }
    out.sort((a, b) -> Long.compare(b.seq(), a.seq()));
    for (long readerNow : new long[] {Math.max(cutoff, now - 40), cutoff + 30, now + 200}) {
      for (long snapshot = retainSeq; snapshot <= 45; snapshot++) {
        String before = read(upper, lower, snapshot, readerNow, op);
        String after = read(out, lower, snapshot, readerNow, op);
        assertThat(after)
            .as("seed %d, snapshot %d, now %d: %s -> %s", seed, snapshot, readerNow, upper, out)
            .isEqualTo(before);
      }
    }
  }

  /** Random versions with distinct seqs in [lo, hi], newest first. */
  private static List<V> versions(Random rnd, int lo, int hi, boolean numeric, long now) {
    List<V> out = new ArrayList<>();
    for (long seq = hi; seq >= lo; seq--) {
      if (rnd.nextInt(3) != 0) {
        continue;
      }
      int k = rnd.nextInt(12);
      if (k >= 10) {
        out.add(new V(seq, EntryKind.DELETE, null, RANGE)); // a range tombstone covering the key
        continue;
      }
      EntryKind kind = k < 5 ? EntryKind.MERGE : k < 8 ? EntryKind.PUT : EntryKind.DELETE;
      byte[] value =
          kind == EntryKind.DELETE
              ? null
              : (numeric ? Integer.toString(rnd.nextInt(100)) : "" + (char) ('a' + rnd.nextInt(26)))
                  .getBytes(StandardCharsets.UTF_8);
      long exp =
          kind != EntryKind.DELETE && rnd.nextInt(4) == 0
              ? now - 100 + rnd.nextInt(300)
              : SstEntry.NO_EXPIRY;
      out.add(new V(seq, kind, value, exp));
    }
    return out;
  }

  /** What a reader at {@code snapshot} and {@code now} sees of upper over lower. */
  static String read(List<V> upper, List<V> lower, long snapshot, long now, MergeOperator op) {
    ValueFold fold = new ValueFold(op, now);
    fold.reset(KEY);
    for (List<V> level : List.of(upper, lower)) {
      for (V v : level) {
        long exp = v.expireAt() == RANGE ? SstEntry.NO_EXPIRY : v.expireAt();
        if (v.seq() <= snapshot && fold.offerOlder(v.kind(), v.value(), exp)) {
          return str(fold.result());
        }
      }
    }
    return str(fold.result());
  }

  static String str(byte[] b) {
    return b == null ? "<none>" : new String(b, StandardCharsets.UTF_8);
  }
}
