package dev.shaledb.support;

import static java.util.Objects.requireNonNull;

import dev.shaledb.DbListener;
import dev.shaledb.error.CorruptObjectException;
import java.util.Collections;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a {@link DbListener} about each {@link CorruptObjectException} where it is detected: the
 * engine hands one of these to every place that decodes stored bytes (its table store, and the
 * manifest and WAL readers it opens), which report before the exception goes on.
 *
 * <p>Reporting is idempotent per exception: a detection reported by a table open and seen again by
 * the read that triggered the open is told once. Exceptions are remembered weakly, by identity.
 * What the listener throws is logged and attached to the corruption as suppressed, so it never
 * replaces it. Thread-safe.
 */
public final class CorruptionReporter implements Consumer<CorruptObjectException> {
  private static final Logger LOG = LoggerFactory.getLogger(CorruptionReporter.class);

  /** Reports to nobody. */
  public static final CorruptionReporter NONE = new CorruptionReporter(DbListener.NONE);

  private final DbListener listener;
  // Throwable keeps Object's identity equals and hashCode, so this is an identity set.
  private final Set<CorruptObjectException> reported =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

  public CorruptionReporter(DbListener listener) {
    this.listener = requireNonNull(listener, "listener is null");
  }

  /** Tells the listener about {@code e} unless it was told already. */
  @Override
  public void accept(CorruptObjectException e) {
    requireNonNull(e, "e is null");
    if (listener == DbListener.NONE || !reported.add(e)) {
      return;
    }
    try {
      listener.onCorruptionDetected(e);
    } catch (RuntimeException thrown) {
      e.addSuppressed(thrown);
      LOG.debug("DbListener.onCorruptionDetected threw; the corruption goes on", thrown);
    }
  }

  /** Reports {@code e} and returns it, for {@code throw reporter.reported(...)}. */
  public CorruptObjectException reported(CorruptObjectException e) {
    accept(e);
    return e;
  }
}
