package dev.shaledb.objectstore.s3;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 server for tests: S3Proxy embedded in the test JVM on a loopback ephemeral port, over
 * an in-memory store with S3's flat key space ({@link FlatKeysBlobStore}), made linearizable per
 * key by {@link AtomicConditionsBlobStore}. Requests are signed with AWS SigV4 and checked against
 * {@link #ACCESS_KEY}/{@link #SECRET_KEY}.
 *
 * <p>Start one per test class (starting takes about a second) and give each test its own bucket via
 * {@link #newStore()}. Objects live on the test JVM's heap until {@link #close()}.
 *
 * <p>Known quirk: S3Proxy checks {@code If-Match} once before it reads the request body, and may
 * then answer 412 and close the connection, so that the client sees a reset instead. {@code
 * S3ObjectStore} counts such an attempt as not applied when its body was not fully sent, and
 * otherwise resolves it by write id, as it must on real S3.
 *
 * <p>Modules that reuse this class from the object-store-s3 test-jar need the test dependencies
 * {@code dev.shaledb:shaledb-object-store-s3} (the store itself), {@code org.gaul:s3proxy}, {@code
 * com.fasterxml.jackson.core:jackson-annotations} and {@code ch.qos.logback:logback-classic}
 * (versions managed in the parent POM).
 */
public final class S3TestServer implements AutoCloseable {
  public static final String ACCESS_KEY = "shaledb-test-key";
  public static final String SECRET_KEY = "shaledb-test-secret";
  public static final String REGION = "us-east-1";

  private static final AtomicInteger BUCKETS = new AtomicInteger();

  private final BlobStore blobStore;
  private final S3Proxy proxy;
  private final URI endpoint;
  private final AtomicBoolean closed = new AtomicBoolean();

  private S3TestServer(BlobStore blobStore, S3Proxy proxy) {
    this.blobStore = blobStore;
    this.proxy = proxy;
    this.endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  /** Starts a server and waits until it accepts requests. */
  public static S3TestServer start() {
    return start(UnaryOperator.identity());
  }

  /**
   * Starts a server whose in-memory store is wrapped by {@code decorator} beneath the per-key
   * guard, for example to inject faults.
   */
  public static S3TestServer start(UnaryOperator<BlobStore> decorator) {
    requireNonNull(decorator, "decorator is null");
    TestLogging.quiet();
    BlobStore store =
        new AtomicConditionsBlobStore(
            decorator.apply(
                new FlatKeysBlobStore(BlobStores.create("transient", new Properties()))));
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(store)
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    try {
      proxy.start();
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (!"STARTED".equals(proxy.getState())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
        }
        Thread.sleep(10);
      }
    } catch (Exception e) {
      stopQuietly(proxy);
      store.close();
      throw new IllegalStateException("cannot start S3Proxy", e);
    }
    return new S3TestServer(store, proxy);
  }

  /** The HTTP endpoint, e.g. {@code http://127.0.0.1:41234}. */
  public URI endpoint() {
    return endpoint;
  }

  /** Creates a bucket with a name no other test of this JVM uses, and returns the name. */
  public String createBucket() {
    String name = "shaledb-test-" + BUCKETS.incrementAndGet();
    createBucket(name);
    return name;
  }

  /** Creates {@code name} unless it exists. */
  public void createBucket(String name) {
    if (!blobStore.containerExists(name)) {
      blobStore.createContainer(name);
    }
  }

  /** A config for {@code bucket} on this server, to adjust and build. */
  public S3Config.Builder config(String bucket) {
    return S3Config.builder(bucket)
        .endpoint(endpoint)
        .pathStyle(true)
        .region(REGION)
        .credentials(ACCESS_KEY, SECRET_KEY);
  }

  /** A store on a fresh, empty bucket. */
  public S3ObjectStore newStore() {
    return newStore(createBucket());
  }

  /** A store on {@code "bucket"} or {@code "bucket/prefix/"}; the bucket is created if missing. */
  public S3ObjectStore newStore(String bucketOrPrefix) {
    int slash = bucketOrPrefix.indexOf('/');
    String bucket = slash < 0 ? bucketOrPrefix : bucketOrPrefix.substring(0, slash);
    String prefix = slash < 0 ? "" : bucketOrPrefix.substring(slash + 1);
    createBucket(bucket);
    return S3ObjectStore.open(config(bucket).prefix(prefix).build());
  }

  /** Stops the server and drops every object. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      stopQuietly(proxy);
      blobStore.close();
    }
  }

  private static void stopQuietly(S3Proxy proxy) {
    try {
      proxy.stop();
    } catch (Exception e) {
      Logger log = LoggerFactory.getLogger(S3TestServer.class);
      log.warn("stopping S3Proxy failed", e);
    }
  }
}
