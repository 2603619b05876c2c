package dev.shaledb.wal;

import dev.shaledb.error.DbException;

/**
 * The WAL object a replay was to start after (its anchor) does not exist. For a reader this is
 * expected when it worked from an old manifest version: garbage collection deleted the WAL below a
 * newer anchor, and a newer manifest says where to continue. For a writer's recovery, whose anchor
 * no collector may move past (docs/protocol.md §3 step 1), it means objects were lost, and the
 * recovery reports it as corruption. Not a corruption by itself: nothing read was damaged.
 */
public final class ReplayAnchorMissingException extends DbException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public ReplayAnchorMissingException(String key) {
    super("the WAL replay anchor '" + key + "' does not exist");
    this.key = key;
  }

  /** The key of the missing anchor. */
  public String key() {
    return key;
  }
}
