package dev.shaledb.chaos;

/**
 * One write of one key as the oracle ({@link ExpectedState}) records it: a batch records one per
 * key, all begun before the call. Its ticks say when the call began and returned, its flags whether
 * the database promised it, and its expiry window when a put or merge with a time to live can have
 * expired ({@link Expiry}).
 */
public final class Write {
  /** Tick of a write whose call has not returned. */
  static final long OPEN = Long.MAX_VALUE;

  /** The expiry of a write without a time to live. */
  static final long NEVER = Long.MAX_VALUE;

  final int process;
  final String key;
  final String id;
  final long invoke;
  final boolean merge;
  long ret = OPEN;
  boolean acked;

  /** The tick at which {@link #acked} became true. */
  long ackTick = OPEN;

  boolean accepted;

  /** Acknowledged only by a durable-only read's promise, not by a call that returned. */
  boolean promised;

  /** The time to live in milliseconds, 0 for none, and the writer's clock skew. */
  final long ttl;

  final long skew;

  /**
   * The earliest and latest expiry the writer's clock can have stamped ({@link #NEVER} for none):
   * the time at the begin tick and at the end tick, plus skew and TTL; the latest is {@link #NEVER}
   * while the call is open.
   */
  long expiresFrom = NEVER;

  long expiresBy = NEVER;

  Write(int process, String key, String id, long invoke, boolean merge, long ttl, long skew) {
    this.process = process;
    this.key = key;
    this.id = id;
    this.invoke = invoke;
    this.merge = merge;
    this.ttl = ttl;
    this.skew = skew;
  }

  /** A copy of {@code w}, for an oracle forked from this one. */
  Write(Write w) {
    this(w.process, w.key, w.id, w.invoke, w.merge, w.ttl, w.skew);
    ret = w.ret;
    acked = w.acked;
    ackTick = w.ackTick;
    accepted = w.accepted;
    promised = w.promised;
    expiresFrom = w.expiresFrom;
    expiresBy = w.expiresBy;
  }

  void ack(long tick) {
    if (!acked) {
      acked = true;
      ackTick = tick;
    }
  }

  boolean isDelete() {
    return id == null;
  }

  /** Whether this write has expired for every now from {@code earliestNow} on. */
  boolean surelyExpired(long earliestNow) {
    return expiresBy <= earliestNow;
  }

  /** Whether this write may have expired for a now up to {@code latestNow}. */
  boolean mayHaveExpired(long latestNow) {
    return expiresFrom <= latestNow;
  }

  /** Whether the write reads as a delete for some now in the window: a delete, or expiring. */
  boolean mayDelete(long latestNow) {
    return isDelete() || mayHaveExpired(latestNow);
  }

  /** The call began when the shared time was {@code time}: the earliest expiry it can have. */
  void began(long time) {
    if (ttl > 0) {
      expiresFrom = Expiry.saturatedSum(time, skew, ttl);
    }
  }

  /** The call returned (or its process died) at {@code tick}, when the time was {@code time}. */
  void returned(long tick, long time) {
    ret = tick;
    if (ttl > 0) {
      expiresBy = Expiry.saturatedSum(time, skew, ttl);
    }
  }

  @Override
  public String toString() {
    return (id == null ? "delete" : (merge ? "merge " : "put ") + id)
        + "@p"
        + process
        + "["
        + invoke
        + ","
        + (ret == OPEN ? "open" : ret)
        + (promised ? ",promised" : acked ? ",acked" : "")
        + "]"
        + (ttl > 0 ? " expiring in [" + expiresFrom + "," + expiresBy + "]" : "");
  }
}
