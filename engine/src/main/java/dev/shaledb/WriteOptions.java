package dev.shaledb;

/**
 * How a write is acknowledged.
 *
 * @param awaitDurable {@code true} (the default): the call returns once the write is in a WAL
 *     object in the object store, so it survives a crash. {@code false}: the call returns once the
 *     write is in the memtable and the WAL buffer; it becomes durable with the next WAL upload
 *     (another durable write, {@link Db#flush()}, or the WAL flush interval) and is lost if the
 *     process dies before that.
 */
public record WriteOptions(boolean awaitDurable) {
  private static final WriteOptions DURABLE = new WriteOptions(true);
  private static final WriteOptions NO_WAIT = new WriteOptions(false);

  /** The default: wait until the write is durable. */
  public static WriteOptions durable() {
    return DURABLE;
  }

  /** Return once the write is in memory; it becomes durable shortly after. */
  public static WriteOptions noWait() {
    return NO_WAIT;
  }
}
