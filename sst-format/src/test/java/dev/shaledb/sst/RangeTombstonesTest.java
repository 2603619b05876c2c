package dev.shaledb.sst;

import static dev.shaledb.sst.SstTesting.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.sst.RangeTombstones.Fragment;
import dev.shaledb.testing.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link RangeTombstones} against a brute-force model, a plain list of tombstones, over many seeded
 * cases ({@code -Dseed=N} replays a run; each failure names its case seed). Keys come from a tiny
 * alphabet so that tombstones overlap, nest and touch often.
 */
class RangeTombstonesTest {
  private static final byte[] ALPHABET = {0x00, 0x01, 0x7F, (byte) 0x80, (byte) 0xFF};

  @Test
  void randomSetsAgreeWithTheModel() {
    Seeds.Gen gen = Seeds.gen("RangeTombstonesTest.randomSetsAgreeWithTheModel");
    int cases = Boolean.getBoolean("shaledb.long") ? 20_000 : 2_000;
    int overlapping = 0;
    for (int i = 0; i < cases; i++) {
      long caseSeed = gen.random().nextLong();
      String where = gen + " case " + i + " (case seed " + caseSeed + ")";
      Seeds.Gen c = new Seeds.Gen(caseSeed);
      List<RangeTombstone> model = randomTombstones(c);
      RangeTombstones set = RangeTombstones.of(model);
      checkAgainstModel(c, set, model, where);
      checkUnion(c, set, model, where);
      checkClip(c, set, model, where);
      checkRetain(c, set, model, where);
      if (set.fragments().stream().anyMatch(f -> f.seqs().length > 1)) {
        overlapping++;
      }
    }
    assertThat(overlapping).as("cases where tombstones overlapped").isGreaterThan(cases / 4);
  }

  private static void checkAgainstModel(
      Seeds.Gen gen, RangeTombstones set, List<RangeTombstone> model, String where) {
    checkCanonical(set, where);
    List<RangeTombstone> shuffled = new ArrayList<>(model);
    Collections.shuffle(shuffled, new java.util.Random(gen.random().nextLong()));
    assertThat(RangeTombstones.of(shuffled)).as(where + " order").isEqualTo(set);
    assertThat(RangeTombstones.of(set.toTombstones())).as(where + " toTombstones").isEqualTo(set);
    assertThat(set.isEmpty()).isEqualTo(model.isEmpty());
    assertThat(set.smallestStart())
        .as(where)
        .isEqualTo(
            model.stream().map(RangeTombstone::start).min(Arrays::compareUnsigned).orElse(null));
    assertThat(set.largestEnd())
        .as(where)
        .isEqualTo(
            model.stream().map(RangeTombstone::end).max(Arrays::compareUnsigned).orElse(null));
    assertThat(set.minSeq())
        .as(where)
        .isEqualTo(model.stream().mapToLong(t -> t.seq()).min().orElse(-1));
    assertThat(set.maxSeq())
        .as(where)
        .isEqualTo(model.stream().mapToLong(t -> t.seq()).max().orElse(-1));
    for (byte[] key : probes(gen, model)) {
      long[] covering = coveringSeqs(model, key);
      Fragment f = set.fragmentAt(key);
      if (covering.length == 0) {
        assertThat(f).as(where + " fragmentAt " + Bytes.describe(key)).isNull();
      } else {
        assertThat(f.seqs()).as(where + " seqs at " + Bytes.describe(key)).isEqualTo(covering);
        assertThat(Arrays.compareUnsigned(f.start(), key)).isLessThanOrEqualTo(0);
        assertThat(Arrays.compareUnsigned(key, f.end())).isLessThan(0);
      }
      assertThat(set.fragmentIndexAtOrAfter(key))
          .as(where + " fragmentIndexAtOrAfter " + Bytes.describe(key))
          .isEqualTo(firstEndingAfter(set, key));
      for (long maxSeq : maxSeqs(gen, model)) {
        assertThat(set.coveringSeq(key, maxSeq))
            .as(where + " coveringSeq " + Bytes.describe(key) + " at " + maxSeq)
            .isEqualTo(modelCoveringSeq(model, key, maxSeq));
        if (f != null) {
          assertThat(f.seqAtOrBelow(maxSeq)).isEqualTo(modelCoveringSeq(model, key, maxSeq));
        }
        checkCoveredSpan(gen, set, model, key, maxSeq, where);
      }
    }
  }

  /**
   * {@code coveredUntil} and {@code coveredFrom} name a span around {@code key} in which every key
   * is covered at {@code seq} or above, and {@code coveredUntil} stops where coverage does.
   */
  private static void checkCoveredSpan(
      Seeds.Gen gen,
      RangeTombstones set,
      List<RangeTombstone> model,
      byte[] key,
      long maxSeq,
      String where) {
    long covering = modelCoveringSeq(model, key, maxSeq);
    long seq = covering <= 0 || gen.chance(0.5) ? covering : gen.random().nextLong(0, covering);
    if (seq < 0) {
      seq = gen.random().nextLong(0, 1000);
    }
    String at = where + " span at " + Bytes.describe(key) + " seq " + seq + " max " + maxSeq;
    byte[] until = set.coveredUntil(key, seq, maxSeq);
    byte[] from = set.coveredFrom(key, seq, maxSeq);
    if (covering < seq) {
      assertThat(until).as(at).isNull();
      assertThat(from).as(at).isNull();
      return;
    }
    assertThat(Arrays.compareUnsigned(key, until)).as(at).isLessThan(0);
    assertThat(Arrays.compareUnsigned(from, key)).as(at).isLessThanOrEqualTo(0);
    assertThat(modelCoveringSeq(model, until, maxSeq)).as(at + " past the end").isLessThan(seq);
    assertThat(modelCoveringSeq(model, from, maxSeq))
        .as(at + " at the start")
        .isGreaterThanOrEqualTo(seq);
    for (byte[] probe : probes(gen, model)) {
      boolean inside =
          Arrays.compareUnsigned(from, probe) <= 0 && Arrays.compareUnsigned(probe, until) < 0;
      if (inside) {
        assertThat(modelCoveringSeq(model, probe, maxSeq))
            .as(at + " inside at " + Bytes.describe(probe))
            .isGreaterThanOrEqualTo(seq);
      }
    }
  }

  private static void checkUnion(
      Seeds.Gen gen, RangeTombstones set, List<RangeTombstone> model, String where) {
    int parts = gen.intBetween(1, 4);
    List<List<RangeTombstone>> groups = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      groups.add(new ArrayList<>());
    }
    for (RangeTombstone t : model) {
      groups.get(gen.intBetween(0, parts - 1)).add(t);
    }
    List<RangeTombstones> sets = new ArrayList<>();
    for (List<RangeTombstone> g : groups) {
      sets.add(RangeTombstones.of(g));
    }
    RangeTombstones union = RangeTombstones.union(sets);
    checkCanonical(union, where + " union");
    assertThat(union).as(where + " union of " + parts).isEqualTo(set);
  }

  private static void checkClip(
      Seeds.Gen gen, RangeTombstones set, List<RangeTombstone> model, String where) {
    byte[] from = gen.chance(0.2) ? null : randomKey(gen);
    byte[] to = gen.chance(0.2) ? null : randomKey(gen);
    List<RangeTombstone> clipped = new ArrayList<>();
    for (RangeTombstone t : model) {
      byte[] start = from != null && Arrays.compareUnsigned(t.start(), from) < 0 ? from : t.start();
      byte[] end = to != null && Arrays.compareUnsigned(t.end(), to) > 0 ? to : t.end();
      if (Arrays.compareUnsigned(start, end) < 0) {
        clipped.add(new RangeTombstone(start, end, t.seq()));
      }
    }
    RangeTombstones clip = set.clip(from, to);
    String what =
        where
            + " clip "
            + (from == null ? "null" : Bytes.describe(from))
            + " "
            + (to == null ? "null" : Bytes.describe(to));
    checkCanonical(clip, what);
    assertThat(clip).as(what).isEqualTo(RangeTombstones.of(clipped));
  }

  /**
   * Checks retain by its definition per key, and by what it is for: readers at or above retainSeq
   * see the same covering seq (or, at the bottom, none where only seqs up to retainSeq covered).
   */
  private static void checkRetain(
      Seeds.Gen gen, RangeTombstones set, List<RangeTombstone> model, String where) {
    long retainSeq = maxSeqs(gen, model)[gen.intBetween(0, 3)];
    boolean bottom = gen.chance(0.5);
    RangeTombstones kept = set.retain(retainSeq, bottom);
    String what = where + " retain(" + retainSeq + ", " + bottom + ")";
    checkCanonical(kept, what);
    for (byte[] key : probes(gen, model)) {
      long[] covering = coveringSeqs(model, key);
      List<Long> expected = new ArrayList<>();
      boolean olderKept = bottom;
      for (long s : covering) {
        if (s > retainSeq || !olderKept) {
          expected.add(s);
          olderKept |= s <= retainSeq;
        }
      }
      Fragment f = kept.fragmentAt(key);
      long[] got = f == null ? new long[0] : f.seqs();
      assertThat(got)
          .as(what + " at " + Bytes.describe(key))
          .isEqualTo(expected.stream().mapToLong(Long::longValue).toArray());
      for (long maxSeq : new long[] {retainSeq, retainSeq + 1, Long.MAX_VALUE}) {
        if (maxSeq < retainSeq) {
          continue;
        }
        long before = modelCoveringSeq(model, key, maxSeq);
        long after = kept.coveringSeq(key, maxSeq);
        assertThat(after)
            .as(what + " reader at " + maxSeq + " of " + Bytes.describe(key))
            .isEqualTo(bottom && before <= retainSeq ? -1 : before);
      }
    }
  }

  /** Sorted, not overlapping, touching fragments with different seqs, seqs strictly descending. */
  private static void checkCanonical(RangeTombstones set, String where) {
    List<Fragment> fs = set.fragments();
    assertThat(set.fragmentCount()).isEqualTo(fs.size());
    for (int i = 0; i < fs.size(); i++) {
      Fragment f = fs.get(i);
      assertThat(Arrays.compareUnsigned(f.start(), f.end())).as(where).isNegative();
      assertThat(f.seqs()).as(where).isNotEmpty();
      for (int s = 1; s < f.seqs().length; s++) {
        assertThat(f.seqs()[s]).as(where).isLessThan(f.seqs()[s - 1]);
      }
      if (i > 0) {
        Fragment p = fs.get(i - 1);
        int c = Arrays.compareUnsigned(p.end(), f.start());
        assertThat(c).as(where + " fragments " + (i - 1) + ", " + i).isLessThanOrEqualTo(0);
        if (c == 0) {
          assertThat(f.seqs()).as(where + " uncoalesced at " + i).isNotEqualTo(p.seqs());
        }
      }
    }
  }

  private static long modelCoveringSeq(List<RangeTombstone> model, byte[] key, long maxSeq) {
    long best = -1;
    for (RangeTombstone t : model) {
      if (covers(t, key) && t.seq() <= maxSeq) {
        best = Math.max(best, t.seq());
      }
    }
    return best;
  }

  /** The distinct seqs of the tombstones covering {@code key}, descending. */
  private static long[] coveringSeqs(List<RangeTombstone> model, byte[] key) {
    TreeSet<Long> seqs = new TreeSet<>(Collections.reverseOrder());
    for (RangeTombstone t : model) {
      if (covers(t, key)) {
        seqs.add(t.seq());
      }
    }
    return seqs.stream().mapToLong(Long::longValue).toArray();
  }

  private static boolean covers(RangeTombstone t, byte[] key) {
    return Arrays.compareUnsigned(t.start(), key) <= 0 && Arrays.compareUnsigned(key, t.end()) < 0;
  }

  private static int firstEndingAfter(RangeTombstones set, byte[] key) {
    List<Fragment> fs = set.fragments();
    int i = 0;
    while (i < fs.size() && Arrays.compareUnsigned(fs.get(i).end(), key) <= 0) {
      i++;
    }
    return i;
  }

  private static List<RangeTombstone> randomTombstones(Seeds.Gen gen) {
    int n = gen.chance(0.05) ? 0 : gen.intBetween(1, gen.chance(0.2) ? 60 : 8);
    boolean fewSeqs = gen.chance(0.5); // equal seqs make fragments that must coalesce
    List<RangeTombstone> out = new ArrayList<>();
    while (out.size() < n) {
      byte[] a = randomKey(gen);
      byte[] b = randomKey(gen);
      int c = Arrays.compareUnsigned(a, b);
      if (c != 0) {
        long seq = fewSeqs ? gen.intBetween(0, 3) : gen.random().nextLong(0, 1000);
        if (gen.chance(0.02)) {
          seq = Long.MAX_VALUE - gen.intBetween(0, 1);
        }
        out.add(c < 0 ? new RangeTombstone(a, b, seq) : new RangeTombstone(b, a, seq));
      }
    }
    return out;
  }

  private static byte[] randomKey(Seeds.Gen gen) {
    byte[] k = new byte[gen.intBetween(1, 3)];
    for (int i = 0; i < k.length; i++) {
      k[i] = ALPHABET[gen.intBetween(0, ALPHABET.length - 1)];
    }
    return k;
  }

  /** Every start and end, keys just before and after them, and random keys. */
  private static List<byte[]> probes(Seeds.Gen gen, List<RangeTombstone> model) {
    List<byte[]> out = new ArrayList<>();
    for (RangeTombstone t : model) {
      for (byte[] k : new byte[][] {t.start(), t.end()}) {
        out.add(k);
        byte[] longer = Arrays.copyOf(k, k.length + 1);
        out.add(longer);
        if (k.length > 1) {
          out.add(Arrays.copyOf(k, k.length - 1));
        }
      }
    }
    for (int i = 0; i < 10; i++) {
      out.add(randomKey(gen));
    }
    return out;
  }

  /** MAX, 0, and seqs of the model and just below them. */
  private static long[] maxSeqs(Seeds.Gen gen, List<RangeTombstone> model) {
    long[] out = {Long.MAX_VALUE, 0, 0, 0};
    for (int i = 2; i < out.length && !model.isEmpty(); i++) {
      long seq = model.get(gen.intBetween(0, model.size() - 1)).seq();
      out[i] = gen.chance(0.5) ? seq : Math.max(0, seq - 1);
    }
    out[1] = gen.random().nextLong(0, 1000);
    return out;
  }

  @Test
  void overlappingTombstonesAreFragmentedAndEqualNeighboursCoalesced() {
    RangeTombstones set =
        RangeTombstones.of(
            List.of(
                new RangeTombstone(key("c"), key("g"), 7),
                new RangeTombstone(key("a"), key("e"), 5),
                new RangeTombstone(key("c"), key("g"), 7),
                new RangeTombstone(key("g"), key("h"), 7)));
    assertThat(set.fragments())
        .containsExactly(
            new Fragment(key("a"), key("c"), new long[] {5}),
            new Fragment(key("c"), key("e"), new long[] {7, 5}),
            new Fragment(key("e"), key("h"), new long[] {7}));
    assertThat(set.coveringSeq(key("d"), 6)).isEqualTo(5);
    assertThat(set.coveringSeq(key("d"), 4)).isEqualTo(-1);
    assertThat(set.coveringSeq(key("h"), Long.MAX_VALUE)).isEqualTo(-1);
    assertThat(set.fragmentIndexAtOrAfter(key("c"))).isEqualTo(1);
    assertThat(set.fragmentIndexAtOrAfter(key("h"))).isEqualTo(3);
    assertThat(set.retain(6, false)).isEqualTo(set);
    assertThat(set.retain(7, false).fragments())
        .containsExactly(
            new Fragment(key("a"), key("c"), new long[] {5}),
            new Fragment(key("c"), key("h"), new long[] {7}));
    assertThat(set.retain(6, true).fragments())
        .containsExactly(new Fragment(key("c"), key("h"), new long[] {7}));
    assertThat(set.clip(key("b"), key("d")).fragments())
        .containsExactly(
            new Fragment(key("b"), key("c"), new long[] {5}),
            new Fragment(key("c"), key("d"), new long[] {7, 5}));
    assertThat(set.clip(null, null)).isSameAs(set);
    assertThat(set.clip(key("d"), key("d"))).isEqualTo(RangeTombstones.empty());
    assertThat(set.toString()).contains("0x63", "[7, 5]");
  }

  @Test
  void anEmptySetAnswersNothing() {
    RangeTombstones empty = RangeTombstones.of(List.of());
    assertThat(empty).isSameAs(RangeTombstones.empty());
    assertThat(empty.isEmpty()).isTrue();
    assertThat(empty.fragmentCount()).isZero();
    assertThat(empty.coveringSeq(key("a"), Long.MAX_VALUE)).isEqualTo(-1);
    assertThat(empty.fragmentAt(key("a"))).isNull();
    assertThat(empty.fragmentIndexAtOrAfter(key("a"))).isZero();
    assertThat(empty.smallestStart()).isNull();
    assertThat(empty.largestEnd()).isNull();
    assertThat(empty.minSeq()).isEqualTo(-1);
    assertThat(empty.maxSeq()).isEqualTo(-1);
    assertThat(empty.toTombstones()).isEmpty();
    assertThat(RangeTombstones.union(List.of(empty, empty))).isSameAs(empty);
    assertThat(empty.retain(0, true)).isSameAs(empty);
  }

  @Test
  void invalidTombstonesAreRejectedWithClearMessages() {
    assertThatThrownBy(() -> new RangeTombstone(null, key("b"), 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("start is null");
    assertThatThrownBy(() -> new RangeTombstone(key("a"), null, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("end is null");
    assertThatThrownBy(() -> new RangeTombstone(new byte[0], key("b"), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("range start length must be in [1, " + SstEntry.MAX_KEY_LENGTH + "]: 0");
    byte[] huge = new byte[SstEntry.MAX_KEY_LENGTH + 1];
    assertThatThrownBy(() -> new RangeTombstone(key("a"), huge, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("range end length must be in");
    assertThatThrownBy(() -> new RangeTombstone(key("b"), key("b"), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("range start 0x62 must sort strictly before its end 0x62");
    assertThatThrownBy(() -> new RangeTombstone(new byte[] {(byte) 0x80}, new byte[] {0x7F}, 1))
        .as("unsigned order")
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strictly before");
    assertThatThrownBy(() -> new RangeTombstone(key("a"), key("b"), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("range tombstone seq is negative: -1");
    assertThat(new RangeTombstone(key("a"), new byte[] {(byte) 0x80}, 0).seq()).isZero();
  }

  @Test
  void invalidFragmentsAndBoundsAreRejected() {
    assertThatThrownBy(() -> new Fragment(key("a"), key("b"), new long[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a fragment needs at least one seq");
    assertThatThrownBy(() -> new Fragment(key("a"), key("b"), new long[] {3, 3}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strictly descending: [3, 3]");
    assertThatThrownBy(() -> new Fragment(key("a"), key("b"), new long[] {-2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("non-negative");
    assertThatThrownBy(() -> new Fragment(key("b"), key("a"), new long[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strictly before");
    RangeTombstones set = RangeTombstones.of(List.of(new RangeTombstone(key("a"), key("b"), 1)));
    assertThatThrownBy(() -> set.clip(new byte[0], null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("range from length");
    assertThatThrownBy(() -> RangeTombstones.of(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> set.coveringSeq(null, 1)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void equalityIsByContent() {
    RangeTombstone a = new RangeTombstone(key("a"), key("b"), 1);
    RangeTombstone same = new RangeTombstone(key("a"), key("b"), 1);
    assertThat(a).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(a).isNotEqualTo(new RangeTombstone(key("a"), key("c"), 1));
    assertThat(a).isNotEqualTo(new RangeTombstone(key("a"), key("b"), 2));
    assertThat(a.toString()).isEqualTo("RangeTombstone[0x61, 0x62) @1");
    Fragment f = new Fragment(key("a"), key("b"), new long[] {2, 1});
    Fragment g = new Fragment(key("a"), key("b"), new long[] {2, 1});
    assertThat(f).isEqualTo(g).hasSameHashCodeAs(g);
    assertThat(f).isNotEqualTo(new Fragment(key("a"), key("b"), new long[] {2}));
    assertThat(RangeTombstones.of(List.of(a))).isEqualTo(RangeTombstones.of(List.of(same, a)));
    assertThat(RangeTombstones.of(List.of(a)).hashCode())
        .isEqualTo(RangeTombstones.of(List.of(same)).hashCode());
  }
}
