package dev.shaledb.objectstore;

import dev.shaledb.error.DbClosedException;
import dev.shaledb.error.OutcomeUnknownException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One call through a {@link RetryingObjectStore}: its attempts, their failures and its outcome, as
 * that class documents. Futures are completed outside the call's lock, so callers' dependent stages
 * never run while it is held.
 */
final class RetryingCall<T> {
  /** What a call's attempts can do to the store, which decides how its failure is reported. */
  enum Kind {
    PUT,
    CONDITIONAL_PUT,
    OTHER
  }

  // Enough to see a pattern of failures without holding on to every one of a long run.
  private static final int MAX_SUPPRESSED = 8;

  private final String what;
  private final Kind kind;
  private final Supplier<CompletableFuture<T>> request;
  private final RetryingObjectStore owner;
  private final CompletableFuture<T> result = new CompletableFuture<>();
  private final List<Throwable> failures = new ArrayList<>();
  private int attempts;
  private boolean inFlight;
  private boolean mayHaveApplied;
  private boolean finished;
  private Future<?> retry;

  RetryingCall(
      String what, Kind kind, Supplier<CompletableFuture<T>> request, RetryingObjectStore owner) {
    this.what = what;
    this.kind = kind;
    this.request = request;
    this.owner = owner;
  }

  CompletableFuture<T> result() {
    return result;
  }

  void start() {
    attempt();
  }

  private void attempt() {
    synchronized (this) {
      if (finished) {
        return;
      }
      attempts++;
      inFlight = true;
      retry = null;
    }
    CompletableFuture<T> sent;
    try {
      sent = request.get();
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    sent.whenComplete(this::attempted);
  }

  private void attempted(T value, Throwable error) {
    Throwable outcome;
    long delay;
    synchronized (this) {
      inFlight = false;
      if (finished) {
        return;
      }
      if (error == null) {
        finished = true;
        outcome = null;
        delay = -1;
      } else {
        Throwable failure = unwrap(error);
        failures.add(failure);
        if (kind != Kind.OTHER && isRetryable(failure)) {
          mayHaveApplied = true;
        }
        outcome = finalOutcome(failure);
        finished = outcome != null;
        delay = finished ? -1 : owner.backoffNanos(attempts);
      }
    }
    if (delay >= 0) {
      scheduleRetry(delay);
    } else {
      complete(value, outcome);
    }
  }

  /** The failure to report after {@code failure}, or null to retry. Holds the lock. */
  private Throwable finalOutcome(Throwable failure) {
    if (!isRetryable(failure)) {
      return ambiguous() ? giveUp(failure, "then failed with " + failure) : failure;
    }
    if (attempts >= owner.maxAttempts()) {
      return giveUp(failure, "failed after " + attempts + " attempt(s), last with " + failure);
    }
    if (owner.isClosed()) {
      return closedOutcome();
    }
    return null;
  }

  private void scheduleRetry(long delayNanos) {
    Future<?> scheduled;
    try {
      scheduled = owner.scheduler().schedule(this::attempt, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      Throwable outcome;
      synchronized (this) {
        Throwable last = failures.get(failures.size() - 1);
        outcome = giveUp(last, "could not be retried after " + last + " (scheduler rejected it)");
        outcome.addSuppressed(e);
        finished = true;
      }
      complete(null, outcome);
      return;
    }
    synchronized (this) {
      if (finished) {
        scheduled.cancel(false);
      } else {
        retry = scheduled;
      }
    }
  }

  /** Ends the call because its store closed. */
  void abort() {
    Throwable outcome;
    synchronized (this) {
      if (finished) {
        return;
      }
      if (retry != null) {
        retry.cancel(false);
      }
      if (inFlight && kind != Kind.OTHER) {
        mayHaveApplied = true;
      }
      outcome = closedOutcome();
      finished = true;
    }
    complete(null, outcome);
  }

  private Throwable closedOutcome() {
    DbClosedException closed = new DbClosedException("object store");
    if (ambiguous()) {
      return giveUp(closed, "was cut short: " + closed.getMessage());
    }
    suppressEarlier(closed, closed);
    return closed;
  }

  private boolean ambiguous() {
    return kind == Kind.CONDITIONAL_PUT && mayHaveApplied;
  }

  /** A new exception that ends the call with {@code last} as its cause. */
  private RuntimeException giveUp(Throwable last, String why) {
    RuntimeException out;
    if (ambiguous()) {
      out =
          new OutcomeUnknownException(
              what
                  + " "
                  + why
                  + "; an earlier attempt may have been applied, so a refusal may answer our own"
                  + " write",
              last);
    } else if (last instanceof OutcomeUnknownException) {
      out = new OutcomeUnknownException(what + " " + why, last);
    } else {
      out = new ObjectStoreException(what + " " + why, isRetryable(last), last);
    }
    suppressEarlier(out, last);
    return out;
  }

  private void suppressEarlier(Throwable target, Throwable last) {
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    seen.add(target);
    seen.add(last);
    for (Throwable f : failures) {
      if (seen.size() - 2 >= MAX_SUPPRESSED) {
        break;
      }
      if (seen.add(f)) {
        target.addSuppressed(f);
      }
    }
  }

  private void complete(T value, Throwable outcome) {
    if (outcome == null) {
      result.complete(value);
    } else {
      result.completeExceptionally(outcome);
    }
  }

  static boolean isRetryable(Throwable t) {
    return t instanceof OutcomeUnknownException
        || (t instanceof ObjectStoreException e && e.isRetryable());
  }

  private static Throwable unwrap(Throwable t) {
    Throwable cause = t;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
