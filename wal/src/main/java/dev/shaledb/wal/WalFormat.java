package dev.shaledb.wal;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes whole WAL objects, for tools, tests and benchmarks; writers and readers use
 * it implicitly. The format is described in {@code docs/formats/wal.md}.
 */
public final class WalFormat {
  private WalFormat() {}

  /**
   * The bytes of a WAL object with {@code header} and {@code batches}, in format version 1 unless
   * an entry needs version 2 (a merge, a range delete or an expiry).
   */
  public static byte[] encode(WalObjectHeader header, List<WalBatch> batches) {
    requireNonNull(header, "header is null");
    requireNonNull(batches, "batches is null");
    List<BatchCodec.Encoded> encoded = new ArrayList<>(batches.size());
    for (WalBatch batch : batches) {
      encoded.add(BatchCodec.encode(batch));
    }
    return WalCodec.encode(header, encoded);
  }

  /**
   * Decodes the WAL object {@code data} read from {@code key}, which must hold WAL id {@code
   * walId}.
   *
   * @throws dev.shaledb.error.CorruptObjectException if it is torn, damaged or inconsistent
   * @throws dev.shaledb.error.UnsupportedFormatException if a newer format version wrote it
   */
  public static WalObject decode(String key, long walId, byte[] data) {
    requireNonNull(key, "key is null");
    requireNonNull(data, "data is null");
    return WalCodec.decode(key, walId, data);
  }
}
