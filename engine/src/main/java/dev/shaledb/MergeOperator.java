package dev.shaledb;

import java.util.List;

/**
 * Combines the operands written by {@link Db#merge(byte[], byte[])} with a key's value, so a
 * read-modify-write (a counter, an append, a set union) costs one blind write instead of a read and
 * a write.
 *
 * <p>A key's value is folded from its newest {@code PUT}, {@code DELETE} or expired value (the
 * <em>base</em>; an absent base is {@code null}) and every operand written after it, oldest first:
 * {@code fullMerge(key, base, [op1, op2, ...])}. Reads fold on demand; compaction folds chains that
 * no snapshot needs in between and stores the result as a plain value, so a key's chain stays
 * short. The operator needs to be neither associative nor commutative: operands are always handed
 * over in write order, and chains are folded only down to a base unless {@link #partialMerge} says
 * otherwise.
 *
 * <p>Implementations must be deterministic and pure (the same arguments always give the same
 * result): a fold may run in a reader, the writer or a compactor, at any time, any number of times.
 * Use the same operator ({@link #name()}) in every {@link Db}, {@link DbReader} and {@link
 * Compactor} of a database. An exception thrown by the operator fails the read with {@link
 * dev.shaledb.error.MergeOperatorException} naming the key; a compaction that meets one keeps the
 * operands unfolded. Stored data is never changed by a failing operator.
 */
public interface MergeOperator {
  /** A name for messages and logs; the default is the class name. */
  default String name() {
    return getClass().getName();
  }

  /**
   * The value of {@code key} after {@code operands}, oldest first, are applied to {@code base}.
   *
   * @param key the key; must not be modified
   * @param base the value the operands apply to, or null when the key had none
   * @param operands at least one operand, oldest first; must not be modified
   * @return the new value, not null, at most 16 MiB
   */
  byte[] fullMerge(byte[] key, byte[] base, List<byte[]> operands);

  /**
   * One operand equivalent to applying {@code operands} (oldest first, at least two) in order, or
   * null if they cannot be combined without the base. Lets compaction shorten a chain whose base
   * lies in an older table; only associative operators can. The default returns null.
   */
  default byte[] partialMerge(byte[] key, List<byte[]> operands) {
    return null;
  }
}
