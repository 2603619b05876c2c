package dev.shaledb.support;

import dev.shaledb.MergeOperator;
import dev.shaledb.error.MergeOperatorException;
import dev.shaledb.format.Limits;
import java.util.Collections;
import java.util.List;

/** Calls of the user's {@link MergeOperator}, with its failures turned into one exception. */
public final class Merges {
  private Merges() {}

  /**
   * Runs {@code operator}'s full merge of {@code operands} (oldest first) over {@code base},
   * turning a missing operator, what it throws and a null or oversized result into a {@link
   * MergeOperatorException} that names the key.
   */
  public static byte[] fullMerge(
      MergeOperator operator, byte[] key, byte[] base, List<byte[]> operands) {
    if (operator == null) {
      throw new MergeOperatorException(
          "key "
              + Keys.describe(key)
              + " has merge operands but no merge operator is configured"
              + " (DbOptions.mergeOperator, DbReaderOptions.mergeOperator)",
          key,
          null);
    }
    byte[] merged;
    try {
      merged = operator.fullMerge(key, base, Collections.unmodifiableList(operands));
    } catch (RuntimeException e) {
      throw new MergeOperatorException(
          "merge operator "
              + operator.name()
              + " failed on key "
              + Keys.describe(key)
              + " with "
              + operands.size()
              + " operand(s): "
              + e,
          key,
          e);
    }
    if (merged == null || merged.length > Limits.MAX_VALUE_BYTES) {
      throw new MergeOperatorException(
          "merge operator "
              + operator.name()
              + " returned "
              + (merged == null ? "null" : merged.length + " bytes (over the 16 MiB limit)")
              + " for key "
              + Keys.describe(key),
          key,
          null);
    }
    return merged;
  }
}
