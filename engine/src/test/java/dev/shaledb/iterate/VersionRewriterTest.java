package dev.shaledb.iterate;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.CompactionFilter;
import dev.shaledb.MergeOperator;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.RangeTombstones;
import dev.shaledb.sst.SstEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VersionRewriterTest {
  record Out(String key, long seq, EntryKind kind, String value, long expireAt) {
    @Override
    public String toString() {
      return key + "@" + seq + ":" + kind + (value == null ? "" : "=" + value);
    }
  }

  private final List<Out> out = new ArrayList<>();

  private VersionRewriter rewriter(
      long retainSeq, boolean bottom, MergeOperator op, CompactionFilter filter) {
    return new VersionRewriter(
        new VersionRewriter.Policy(
            retainSeq, bottom, op, Long.MIN_VALUE, filter, RangeTombstones.empty()),
        (k, seq, kind, value, exp) ->
            out.add(
                new Out(
                    new String(k, StandardCharsets.UTF_8),
                    seq,
                    kind,
                    value == null ? null : new String(value, StandardCharsets.UTF_8),
                    exp)));
  }

  private static void put(VersionRewriter r, String k, long seq, String v) {
    r.add(b(k), seq, EntryKind.PUT, b(v), SstEntry.NO_EXPIRY);
  }

  private static void merge(VersionRewriter r, String k, long seq, String v) {
    r.add(b(k), seq, EntryKind.MERGE, b(v), SstEntry.NO_EXPIRY);
  }

  @Test
  void keepsEveryVersionAboveTheOldestReaderAndTheNewestBelowIt() {
    VersionRewriter r = rewriter(10, false, null, null);
    put(r, "a", 15, "x");
    put(r, "a", 12, "y");
    put(r, "a", 9, "z");
    put(r, "a", 5, "w");
    r.add(b("b"), 3, EntryKind.DELETE, null, SstEntry.NO_EXPIRY);
    put(r, "b", 2, "v");
    r.finish();
    assertThat(out).hasToString("[a@15:PUT=x, a@12:PUT=y, a@9:PUT=z, b@3:DELETE]");
    assertThat(r.dropped()).isEqualTo(2);
  }

  @Test
  void atTheBottomATombstoneGoesWithWhatItHides() {
    VersionRewriter r = rewriter(Long.MAX_VALUE, true, null, null);
    r.add(b("a"), 7, EntryKind.DELETE, null, SstEntry.NO_EXPIRY);
    put(r, "a", 4, "x");
    put(r, "b", 6, "y");
    r.finish();
    assertThat(out).hasToString("[b@6:PUT=y]");
  }

  @Test
  void withoutAnOperatorAMergeChainIsKeptDownToItsBase() {
    VersionRewriter r = rewriter(Long.MAX_VALUE, false, null, null);
    merge(r, "a", 9, "3");
    merge(r, "a", 8, "2");
    put(r, "a", 7, "1");
    put(r, "a", 6, "0");
    r.finish();
    assertThat(out).hasToString("[a@9:MERGE=3, a@8:MERGE=2, a@7:PUT=1]");
  }

  @Test
  void aChainIsFoldedOverItsBaseOrAtTheBottomAndOnlyPartlyAboveOlderData() {
    MergeOperator append =
        new MergeOperator() {
          @Override
          public byte[] fullMerge(byte[] key, byte[] base, List<byte[]> ops) {
            StringBuilder s = new StringBuilder(base == null ? "_" : new String(base));
            ops.forEach(o -> s.append(new String(o)));
            return b(s.toString());
          }

          @Override
          public byte[] partialMerge(byte[] key, List<byte[]> ops) {
            StringBuilder s = new StringBuilder();
            ops.forEach(o -> s.append(new String(o)));
            return b(s.toString());
          }
        };
    VersionRewriter r = rewriter(Long.MAX_VALUE, false, append, null);
    merge(r, "a", 9, "c");
    merge(r, "a", 8, "b");
    put(r, "a", 7, "a");
    merge(r, "b", 5, "y");
    merge(r, "b", 4, "x");
    r.finish();
    assertThat(out).hasToString("[a@9:PUT=abc, b@5:MERGE=xy]");
    out.clear();
    VersionRewriter bottom = rewriter(Long.MAX_VALUE, true, append, null);
    merge(bottom, "b", 5, "y");
    merge(bottom, "b", 4, "x");
    bottom.finish();
    assertThat(out).hasToString("[b@5:PUT=_xy]");
  }

  @Test
  void anOperatorThatThrowsLeavesTheChainAsWritten() {
    MergeOperator broken =
        (key, base, ops) -> {
          throw new IllegalStateException("boom");
        };
    VersionRewriter r = rewriter(Long.MAX_VALUE, true, broken, null);
    merge(r, "a", 9, "2");
    put(r, "a", 8, "1");
    r.finish();
    assertThat(out).hasToString("[a@9:MERGE=2, a@8:PUT=1]");
    assertThat(r.operatorFailures()).isEqualTo(1);
  }

  @Test
  void expiredValuesBecomeTombstonesAtTheirSequenceNumber() {
    VersionRewriter r =
        new VersionRewriter(
            new VersionRewriter.Policy(
                Long.MAX_VALUE, false, null, 1000, null, RangeTombstones.empty()),
            (k, seq, kind, value, exp) ->
                out.add(new Out(new String(k), seq, kind, value == null ? null : "v", exp)));
    r.add(b("a"), 9, EntryKind.PUT, b("x"), 999);
    r.add(b("a"), 8, EntryKind.PUT, b("y"), SstEntry.NO_EXPIRY);
    r.add(b("b"), 7, EntryKind.PUT, b("z"), 1000);
    r.finish();
    assertThat(out).hasToString("[a@9:DELETE, b@7:PUT=v]");
    assertThat(out.get(1).expireAt()).isEqualTo(1000);
  }

  @Test
  void theFilterSeesOnlyTheValueNoSnapshotNeedsAndItsRemovalsHideOlderVersions() {
    List<Long> asked = new ArrayList<>();
    CompactionFilter filter =
        e -> {
          asked.add(e.seq());
          String v = new String(e.value());
          return v.equals("drop")
              ? CompactionFilter.Decision.REMOVE
              : v.equals("old")
                  ? CompactionFilter.Decision.change(b("new"))
                  : CompactionFilter.Decision.KEEP;
        };
    VersionRewriter r = rewriter(10, false, null, filter);
    put(r, "a", 12, "drop"); // above retainSeq: a snapshot needs it as it is
    put(r, "a", 9, "drop");
    put(r, "a", 4, "x");
    put(r, "b", 8, "old");
    put(r, "c", 7, "keep");
    r.finish();
    assertThat(out).hasToString("[a@12:PUT=drop, a@9:DELETE, b@8:PUT=new, c@7:PUT=keep]");
    assertThat(asked).containsExactly(9L, 8L, 7L);
    out.clear();
    VersionRewriter bottom = rewriter(10, true, null, filter);
    put(bottom, "a", 9, "drop");
    bottom.finish();
    assertThat(out).isEmpty();
  }

  @Test
  void aFilterDecisionCarriesAValueExactlyWhenItChangesOne() {
    assertThatThrownBy(() -> new CompactionFilter.Decision(CompactionFilter.Action.CHANGE, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("exactly a CHANGE carries a value");
    assertThatThrownBy(() -> new CompactionFilter.Decision(CompactionFilter.Action.KEEP, b("x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
