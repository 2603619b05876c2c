package dev.shaledb;

/**
 * What a read sees.
 *
 * @param durableOnly {@code false} (the default): every write this {@code Db} has accepted,
 *     including {@code awaitDurable=false} writes not yet uploaded. {@code true}: only writes that
 *     are durable in the object store, i.e. what a reopen after a crash would see.
 * @param snapshot if not null, read the database as it was when the snapshot was taken ({@code
 *     durableOnly} then limits the view further to what was durable when reading)
 */
public record ReadOptions(boolean durableOnly, Snapshot snapshot) {
  private static final ReadOptions DEFAULTS = new ReadOptions(false, null);

  /** Read everything accepted so far, at the latest state. */
  public static ReadOptions defaults() {
    return DEFAULTS;
  }

  /** These options reading only durable data, or also in-memory data. */
  public ReadOptions withDurableOnly(boolean value) {
    return new ReadOptions(value, snapshot);
  }

  /** These options reading at {@code value} (null: the latest state). */
  public ReadOptions withSnapshot(Snapshot value) {
    return new ReadOptions(durableOnly, value);
  }
}
