package dev.shaledb.txn;

import dev.shaledb.Transaction;
import dev.shaledb.WriteOptions;
import dev.shaledb.error.TransactionConflictException;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Compare-and-set on one key as a snapshot-isolation transaction: read the key, compare, write. The
 * commit's write-write check makes it atomic against every other write of the process: it succeeds
 * only if nobody wrote the key since the read. A lost race is run again from a new snapshot, at
 * most {@link #MAX_ATTEMPTS} times (each loss means another write of the key committed, so the
 * process as a whole makes progress).
 */
public final class ConditionalWrite {
  static final int MAX_ATTEMPTS = 100;

  private ConditionalWrite() {}

  /**
   * Sets {@code key} to {@code update} (null: deletes it) if its value is {@code expected} (null:
   * absent); whether it did. A {@code false} answer is what the key held at one moment during the
   * call.
   */
  public static boolean compareAndSet(
      Supplier<Transaction> begin,
      byte[] key,
      byte[] expected,
      byte[] update,
      WriteOptions options) {
    for (int attempt = 1; ; attempt++) {
      try (Transaction t = begin.get()) {
        if (!Arrays.equals(t.get(key), expected)) {
          return false;
        }
        if (update == null) {
          t.delete(key);
        } else {
          t.put(key, update);
        }
        t.commit(options);
        return true;
      } catch (TransactionConflictException e) {
        if (attempt == MAX_ATTEMPTS) {
          throw new TransactionConflictException(
              "the key was written by others during each of "
                  + MAX_ATTEMPTS
                  + " attempts; nothing was applied: "
                  + e.getMessage(),
              e.key());
        }
      }
    }
  }
}
