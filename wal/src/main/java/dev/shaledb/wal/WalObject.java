package dev.shaledb.wal;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A decoded WAL object: its header and its batches, in the order they were appended.
 *
 * @param header the header; {@code header.batchCount() == batches.size()}
 * @param batches the batches, empty for a fence
 */
public record WalObject(WalObjectHeader header, List<WalBatch> batches) {
  public WalObject {
    requireNonNull(header, "header is null");
    batches = List.copyOf(requireNonNull(batches, "batches is null"));
    if (batches.size() != header.batchCount()) {
      throw new IllegalArgumentException(
          "header says " + header.batchCount() + " batches, got " + batches.size());
    }
  }
}
