/**
 * The write-ahead log: durable, fenced, group-committed storage of write batches as contiguous
 * objects {@code wal/<20-digit id>.wal}.
 *
 * <p>A writer opens in four steps, after raising its writer epoch in the manifest: {@link
 * dev.shaledb.wal.WalFence#place} puts an empty fence object at the first free WAL id; the caller
 * re-reads the manifest and stops if a newer writer appeared; {@link
 * dev.shaledb.wal.WalReader#replay} hands every surviving batch to the engine; {@link
 * dev.shaledb.wal.WalWriter#open} continues the log after the fence. The protocol and why it is
 * safe are in {@code docs/protocol.md}, the object format in {@code docs/formats/wal.md}.
 */
package dev.shaledb.wal;
