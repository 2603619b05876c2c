package dev.shaledb.chaos;

import dev.shaledb.MergeOperator;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The harness's merge operator: a merged value lists what it was folded from, so the oracle can
 * tell which writes a read saw. A merged value is {@code FE 'M'}, a flag (1: a base follows), a u16
 * count, then count length-prefixed parts: the base put's value if any, then each operand, oldest
 * first. Operands and bases that are themselves merged values (a partial merge, a folded value read
 * back as a base) are flattened, so a merged value always names one base (or none) and single
 * operands. Neither associative in spirit nor commutative: order is kept and checked.
 */
final class ChaosMerge {
  private static final byte MAGIC0 = (byte) 0xFE;
  private static final byte MAGIC1 = 'M';

  /** A merged value: its base put's value (null: none) and its operands, oldest first. */
  record Merged(byte[] base, List<byte[]> operands) {}

  static final MergeOperator OPERATOR =
      new MergeOperator() {
        @Override
        public String name() {
          return "chaos-list";
        }

        @Override
        public byte[] fullMerge(byte[] key, byte[] base, List<byte[]> operands) {
          byte[] b = null;
          List<byte[]> parts = new ArrayList<>();
          if (base != null) {
            Merged m = decode(base);
            if (m == null) {
              b = base;
            } else {
              b = m.base();
              parts.addAll(m.operands());
            }
          }
          flatten(operands, parts);
          return encode(b, parts);
        }

        @Override
        public byte[] partialMerge(byte[] key, List<byte[]> operands) {
          List<byte[]> parts = new ArrayList<>();
          flatten(operands, parts);
          return encode(null, parts);
        }
      };

  private ChaosMerge() {}

  private static void flatten(List<byte[]> operands, List<byte[]> into) {
    for (byte[] op : operands) {
      Merged m = decode(op);
      if (m == null) {
        into.add(op);
      } else {
        into.addAll(m.operands()); // a partial merge has no base
      }
    }
  }

  static byte[] encode(byte[] base, List<byte[]> operands) {
    int size = 5 + (base == null ? 0 : 4 + base.length);
    for (byte[] op : operands) {
      size += 4 + op.length;
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.put(MAGIC0).put(MAGIC1).put((byte) (base == null ? 0 : 1));
    out.putShort((short) operands.size());
    if (base != null) {
      out.putInt(base.length).put(base);
    }
    for (byte[] op : operands) {
      out.putInt(op.length).put(op);
    }
    return out.array();
  }

  /** The parts of a merged value, or null if {@code value} is not one (or is malformed). */
  static Merged decode(byte[] value) {
    if (value == null || value.length < 5 || value[0] != MAGIC0 || value[1] != MAGIC1) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(value);
    in.position(2);
    int flag = in.get();
    int count = Short.toUnsignedInt(in.getShort());
    if (flag != 0 && flag != 1) {
      return null;
    }
    try {
      byte[] base = flag == 1 ? part(in) : null;
      List<byte[]> ops = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        ops.add(part(in));
      }
      return in.hasRemaining() ? null : new Merged(base, ops);
    } catch (RuntimeException malformed) {
      return null;
    }
  }

  private static byte[] part(ByteBuffer in) {
    int n = in.getInt();
    byte[] b = new byte[n];
    in.get(b);
    return b;
  }
}
