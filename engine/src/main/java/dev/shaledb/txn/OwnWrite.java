package dev.shaledb.txn;

import java.util.List;

/**
 * A transaction's last word on one key: a value, a delete, or merge operands (oldest first) still
 * waiting for the database's value at the snapshot to fold over. A merge over an own put or delete
 * is folded when it is taken in, so operands only ever wait on the database.
 *
 * @param value the put's value, or null
 * @param operands the pending operands, or null; exactly one of value and operands is set unless
 *     the write is a delete
 */
record OwnWrite(byte[] value, List<byte[]> operands) {
  static final OwnWrite DELETE = new OwnWrite(null, null);

  static OwnWrite put(byte[] value) {
    return new OwnWrite(value, null);
  }

  static OwnWrite merges(List<byte[]> operands) {
    return new OwnWrite(null, List.copyOf(operands));
  }

  boolean isDelete() {
    return value == null && operands == null;
  }

  /** Bytes of keys and values this write takes in a batch, as WriteBatch counts them. */
  long size(byte[] key, long perEntry) {
    if (operands == null) {
      return perEntry + key.length + (value == null ? 0 : value.length);
    }
    long total = 0;
    for (byte[] op : operands) {
      total += perEntry + key.length + op.length;
    }
    return total;
  }

  /** What the write shows over {@code base} (the database's value at the snapshot, or null). */
  byte[] over(byte[] key, byte[] base, Folder folder) {
    if (operands == null) {
      return value;
    }
    return folder.fold(key, base, operands);
  }

  /** Folds own operands over a base value. */
  @FunctionalInterface
  interface Folder {
    byte[] fold(byte[] key, byte[] base, List<byte[]> operands);
  }
}
