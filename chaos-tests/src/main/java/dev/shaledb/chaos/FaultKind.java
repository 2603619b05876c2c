package dev.shaledb.chaos;

/** A fault {@link FaultInjectingObjectStore} injected, as counted by its {@code stats()}. */
public enum FaultKind {
  /** 500 InternalError, retryable; the request was not applied. */
  ERROR_500,
  /** 500 InternalError, retryable, on a put or delete that was applied first. */
  ERROR_500_APPLIED,
  /** 503 SlowDown, retryable; not applied. */
  ERROR_503,
  /** 429 Too Many Requests, retryable; not applied. */
  ERROR_429,
  /** A PUT failed with 503 SlowDown because a burst of failing PUTs was under way. */
  PUT_BURST,
  /** Timed out before the request reached the store: not applied, reported as unknown. */
  TIMEOUT_BEFORE_APPLY,
  /** Timed out after the store applied the request: applied, reported as unknown. */
  TIMEOUT_AFTER_APPLY,
  /** An {@code ifAbsent} put was applied and then answered with 412, as an SDK retry would. */
  PHANTOM_CONFLICT,
  /** A read returned its bytes with one bit flipped. */
  CORRUPT_BIT_FLIP,
  /** A read returned its bytes with a range zeroed. */
  CORRUPT_ZEROED_RANGE,
  /** A read returned fewer bytes than it should have. */
  CORRUPT_TRUNCATED,
  /** A read returned another object's bytes. */
  CORRUPT_FOREIGN_BYTES,
  /** A request was delayed by the plan's latency and jitter. */
  LATENCY,
  /** A request was refused because the process had crashed. */
  CRASH_REJECTED
}
