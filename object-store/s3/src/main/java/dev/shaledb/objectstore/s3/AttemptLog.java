package dev.shaledb.objectstore.s3;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * What the SDK's retry layer did with one write request: the attempts it transmitted and, for each,
 * whether the server can have applied it. A write that failed after several attempts is ambiguous
 * only if one of them may have been applied; this log is how {@link S3Writes} tells.
 *
 * <p>An attempt provably was <em>not</em> applied when it got a 4xx answer (S3 rejects before it
 * writes), or when its body publisher was subscribed during the attempt but never handed over the
 * request's last byte: S3 never applies a PUT whose body is shorter than its Content-Length. Every
 * other attempt (a 2xx, a 5xx, a dropped connection, a timeout) may have been applied. The log is
 * attached to a request as an execution attribute and fed by {@link Interceptor}, installed once on
 * the client.
 */
final class AttemptLog {
  static final ExecutionAttribute<AttemptLog> ATTRIBUTE =
      new ExecutionAttribute<>("dev.shaledb.attempt-log");

  private static final class Attempt {
    int status;
    boolean bodySubscribed;
    long bodyBytes;
  }

  private final long bodyLength;
  private final List<Attempt> attempts = new ArrayList<>();
  // Bytes read before the first transmission (request signing) count for no attempt.
  private Attempt current = new Attempt();

  /** A log for a request whose body has {@code bodyLength} bytes, or -1 if not tracked. */
  AttemptLog(long bodyLength) {
    this.bodyLength = bodyLength;
  }

  synchronized int attempts() {
    return attempts.size();
  }

  /** Whether any transmitted attempt may have been applied by the server. */
  synchronized boolean anyMayHaveApplied() {
    for (Attempt a : attempts) {
      if (mayHaveApplied(a)) {
        return true;
      }
    }
    return false;
  }

  private boolean mayHaveApplied(Attempt a) {
    if (a.status >= 400 && a.status < 500) {
      return false;
    }
    if (a.status >= 200 && a.status < 300) {
      return true;
    }
    return !(bodyLength > 0 && a.bodySubscribed && a.bodyBytes < bodyLength);
  }

  private synchronized void attemptStarted() {
    current = new Attempt();
    attempts.add(current);
  }

  private synchronized void responseReceived(int status) {
    current.status = status;
  }

  private synchronized Attempt subscribed() {
    current.bodySubscribed = true;
    return current;
  }

  private synchronized void sent(Attempt attempt, long bytes) {
    attempt.bodyBytes += bytes;
  }

  /** Wraps {@code body} so that the bytes each attempt pulls from it are counted. */
  AsyncRequestBody track(AsyncRequestBody body) {
    return new AsyncRequestBody() {
      @Override
      public Optional<Long> contentLength() {
        return body.contentLength();
      }

      @Override
      public String contentType() {
        return body.contentType();
      }

      @Override
      public void subscribe(Subscriber<? super ByteBuffer> downstream) {
        body.subscribe(new CountingSubscriber(downstream));
      }
    };
  }

  private final class CountingSubscriber implements Subscriber<ByteBuffer> {
    private final Subscriber<? super ByteBuffer> downstream;
    private Attempt attempt;

    CountingSubscriber(Subscriber<? super ByteBuffer> downstream) {
      this.downstream = downstream;
    }

    @Override
    public void onSubscribe(Subscription subscription) {
      attempt = subscribed();
      downstream.onSubscribe(subscription);
    }

    @Override
    public void onNext(ByteBuffer buffer) {
      sent(attempt, buffer.remaining());
      downstream.onNext(buffer);
    }

    @Override
    public void onError(Throwable t) {
      downstream.onError(t);
    }

    @Override
    public void onComplete() {
      downstream.onComplete();
    }
  }

  /** Feeds the {@link AttemptLog} attached to a request, if any; one instance per client. */
  static final class Interceptor implements ExecutionInterceptor {
    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      AttemptLog log = attributes.getAttribute(ATTRIBUTE);
      if (log != null) {
        log.attemptStarted();
      }
    }

    @Override
    public void afterTransmission(
        Context.AfterTransmission context, ExecutionAttributes attributes) {
      AttemptLog log = attributes.getAttribute(ATTRIBUTE);
      if (log != null) {
        log.responseReceived(context.httpResponse().statusCode());
      }
    }
  }
}
