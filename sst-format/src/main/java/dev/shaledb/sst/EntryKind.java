package dev.shaledb.sst;

/**
 * What an {@link SstEntry} records for its key. The codes are part of the persistent format and
 * never change meaning.
 */
public enum EntryKind {
  /** The key has the entry's value. */
  PUT(0),
  /** The key was deleted; the entry has no value (a tombstone). */
  DELETE(1),
  /** An operand for a future merge operator; stored like a PUT, interpreted by the engine. */
  MERGE(2);

  private static final EntryKind[] BY_CODE = {PUT, DELETE, MERGE};

  private final int code;

  EntryKind(int code) {
    this.code = code;
  }

  /** The kind's persistent code (see docs/formats/sst.md). */
  int code() {
    return code;
  }

  /** The kind with {@code code}, or null if the code is unknown. */
  static EntryKind fromCode(int code) {
    return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
  }

  /** Whether entries of this kind carry a value. */
  public boolean hasValue() {
    return this != DELETE;
  }
}
