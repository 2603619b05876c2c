package dev.shaledb.sst;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.testing.Seeds;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The resident index's search (a prefix-window binary search) against a linear scan. */
class BlockIndexTest {

  @Test
  void findAgreesWithALinearScan() {
    Seeds.Gen gen = Seeds.gen("BlockIndexTest.findAgreesWithALinearScan");
    for (int round = 0; round < 300; round++) {
      byte[] prefix = gen.bytes(gen.intBetween(0, 12));
      TreeSet<byte[]> set = new TreeSet<>(Arrays::compareUnsigned);
      int n = gen.intBetween(1, 40);
      while (set.size() < n) {
        byte[] suffix = gen.bytes(gen.intBetween(0, 12));
        if (gen.chance(0.3)) {
          Arrays.fill(suffix, (byte) (gen.chance(0.5) ? 0 : 0xFF));
        }
        byte[] k = Arrays.copyOf(prefix, prefix.length + suffix.length);
        System.arraycopy(suffix, 0, k, prefix.length, suffix.length);
        if (k.length > 0) {
          set.add(k);
        }
      }
      List<byte[]> seps = new ArrayList<>(set);
      if (gen.chance(0.3) && seps.size() > 1) {
        byte[] last = seps.get(seps.size() - 1);
        seps.set(seps.size() - 1, Separators.successor(last, last.length));
      }
      if (gen.chance(0.2) && seps.size() > 1) {
        seps.set(1, seps.get(0));
      }
      BlockIndex index = index(seps);
      for (int probe = 0; probe < 100; probe++) {
        byte[] key = probeKey(gen, seps);
        assertThat(index.find(key))
            .as(gen + " round " + round + " key " + Bytes.describe(key))
            .isEqualTo(linear(seps, key));
      }
    }
  }

  @Test
  void blocksMustBeContiguousAndSeparatorsOrdered() {
    List<byte[]> seps = List.of(SstTesting.key("b"), SstTesting.key("a"));
    assertThatThrownBy(() -> index(seps))
        .isInstanceOf(CorruptObjectException.class)
        .hasMessageContaining("out of order");
  }

  private static BlockIndex index(List<byte[]> seps) {
    IndexBuilder builder = new IndexBuilder();
    for (int i = 0; i < seps.size(); i++) {
      builder.add(seps.get(i), new BlockHandle(100L * i, 100));
    }
    LittleEndianSink raw = builder.finish();
    LittleEndianReader in =
        new LittleEndianReader("k", 0, "index block", raw.array(), 0, raw.size());
    return BlockIndex.decode(in, raw.array(), 0, raw.size(), 100L * seps.size(), false);
  }

  private static int linear(List<byte[]> seps, byte[] key) {
    for (int i = 0; i < seps.size(); i++) {
      if (Arrays.compareUnsigned(seps.get(i), key) >= 0) {
        return i;
      }
    }
    return seps.size();
  }

  private static byte[] probeKey(Seeds.Gen gen, List<byte[]> seps) {
    byte[] base = seps.get(gen.intBetween(0, seps.size() - 1));
    switch (gen.intBetween(0, 3)) {
      case 0:
        return base;
      case 1:
        return base.length > 1 ? Arrays.copyOf(base, gen.intBetween(1, base.length - 1)) : base;
      case 2:
        {
          byte[] k = Arrays.copyOf(base, base.length + gen.intBetween(1, 10));
          k[k.length - 1] = (byte) gen.intBetween(0, 255);
          return k;
        }
      default:
        return gen.bytes(gen.intBetween(1, 20));
    }
  }
}
