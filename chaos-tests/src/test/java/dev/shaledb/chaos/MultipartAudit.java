package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.s3.S3TestServer;
import dev.shaledb.sst.SstReader;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.ListMultipartUploadsResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

/**
 * What the parent checks of a large-object database after each kill, before anything opens it
 * again: which multipart uploads the kill left incomplete (ListMultipartUploads over HTTP, as an
 * operator would ask S3), and that no partial object became visible. Only tables exceed the
 * multipart threshold (WAL objects are cut at 4 MiB, manifests are small), so every table object
 * listed, referenced or orphaned, is read whole and must pass {@link SstReader#verify}: a table
 * assembled from some of its parts fails its body checksum.
 *
 * <p>Incomplete uploads stay through the next child's open and run, as they would on S3, and are
 * aborted at the audit after, as a bucket's AbortIncompleteMultipartUpload rule would; that keeps
 * their parts from piling up on the test server's heap.
 *
 * <p>On a server outside the test JVM (the Ceph RGW tier) there is no {@link MultipartWatch}: the
 * audit cannot count uploads begun, completed and aborted, nor tell when the dead child's last
 * requests have ended, so it waits {@value #UNWATCHED_SETTLE_MILLIS} ms instead, and still counts
 * the uploads left incomplete and verifies every listed table whole.
 */
final class MultipartAudit implements AutoCloseable {
  /** Without a watch, how long the server gets to finish a killed child's requests. */
  static final long UNWATCHED_SETTLE_MILLIS = 2_000;

  private final MultipartWatch watch; // null on a server the test cannot watch
  private final String bucket;
  private final String prefix; // the database's keys in its store
  private final String uploadPrefix; // the same in the bucket
  private final S3AsyncClient client;
  private Set<String> seenOpen = Set.of();
  private MultipartWatch.Counts last;

  /** Audits database {@code path} in {@code bucket} of {@code server}, watched by {@code watch}. */
  MultipartAudit(S3TestServer server, String bucket, String path, MultipartWatch watch) {
    this(client(server), bucket, "", path, requireNonNull(watch, "watch is null"));
  }

  /**
   * Audits database {@code path} of a store on {@code bucket} under {@code storePrefix} ("" for the
   * bucket's root), through {@code client}, which {@link #close()} closes; {@code watch} is null
   * when the server cannot be watched.
   */
  MultipartAudit(
      S3AsyncClient client, String bucket, String storePrefix, String path, MultipartWatch watch) {
    this.client = requireNonNull(client, "client is null");
    this.bucket = requireNonNull(bucket, "bucket is null");
    this.prefix = path + "/";
    this.uploadPrefix = storePrefix + prefix;
    this.watch = watch;
    this.last = watch == null ? null : watch.counts();
  }

  /** An SDK client of {@code server}, as an operator's tool would talk to S3. */
  static S3AsyncClient client(S3TestServer server) {
    return S3AsyncClient.builder()
        .endpointOverride(server.endpoint())
        .region(Region.of(S3TestServer.REGION))
        .forcePathStyle(true)
        .credentialsProvider(
            StaticCredentialsProvider.create(
                AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)))
        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
        .build();
  }

  /** The server-side watch of the audited bucket, or null if there is none. */
  MultipartWatch watch() {
    return watch;
  }

  /** Audits the database in {@code store} after a kill; the child must be dead. */
  void afterKill(ObjectStore store, Tally tally) throws InterruptedException {
    // The server may still be reading the dead child's last requests; a completion it finishes
    // later would otherwise be counted as left incomplete.
    if (watch == null) {
      Thread.sleep(UNWATCHED_SETTLE_MILLIS);
    } else if (!watch.awaitQuiet(200, 10_000)) {
      tally.finding("multipart requests of the killed child still in progress after 10 s");
    }
    Map<String, MultipartUpload> open = openUploads();
    Set<String> left = new HashSet<>(open.keySet());
    left.removeAll(seenOpen);
    tally.add(Stat.MULTIPART_LEFT_BY_KILL, left.size());
    if (watch != null) {
      account(watch.counts().minus(last), left.size(), tally);
    }
    for (String id : seenOpen) {
      MultipartUpload upload = open.remove(id);
      if (upload != null) {
        client
            .abortMultipartUpload(
                b -> b.bucket(bucket).key(upload.key()).uploadId(upload.uploadId()))
            .join();
      }
    }
    if (watch != null) {
      // After this audit's own aborts (of uploads an earlier cycle left): counted into the next
      // cycle, they showed as aborts no upload of that cycle explained (seed 20261206).
      last = watch.counts();
    }
    seenOpen = Set.copyOf(open.keySet());
    verifyTables(store, tally);
  }

  /** Checks the watch's counts of one cycle against the uploads it left incomplete. */
  private static void account(MultipartWatch.Counts cycle, int left, Tally tally) {
    tally.add(Stat.MULTIPART_COMPLETED, cycle.completed());
    tally.add(Stat.MULTIPART_ABORTED, cycle.aborted());
    tally.add(Stat.PART_ERRORS_INJECTED, cycle.partErrors());
    long unaccounted = cycle.begun() - cycle.completed() - cycle.aborted() - left;
    if (unaccounted != 0) {
      tally.finding(
          "the server listed "
              + left
              + " new incomplete uploads, but of "
              + cycle
              + " this cycle "
              + unaccounted
              + " are unaccounted for");
    }
  }

  private Map<String, MultipartUpload> openUploads() {
    Map<String, MultipartUpload> open = new HashMap<>();
    String keyMarker = null;
    String idMarker = null;
    ListMultipartUploadsResponse page;
    do {
      String km = keyMarker;
      String im = idMarker;
      page =
          client
              .listMultipartUploads(
                  b -> b.bucket(bucket).prefix(uploadPrefix).keyMarker(km).uploadIdMarker(im))
              .join();
      for (MultipartUpload u : page.uploads()) {
        open.put(u.uploadId(), u);
      }
      keyMarker = page.nextKeyMarker();
      idMarker = page.nextUploadIdMarker();
    } while (Boolean.TRUE.equals(page.isTruncated()) && keyMarker != null);
    return open;
  }

  private void verifyTables(ObjectStore store, Tally tally) {
    for (ObjectMeta meta : store.list(prefix + "sst/").join()) {
      byte[] bytes = store.get(meta.key()).join().data();
      try {
        if (bytes.length != meta.size()) {
          throw new IllegalStateException(bytes.length + " bytes read, " + meta.size() + " listed");
        }
        SstReader.verify(meta.key(), bytes);
        tally.inc(Stat.TABLES_VERIFIED_WHOLE);
      } catch (RuntimeException e) {
        tally.inc(Stat.PARTIAL_OBJECTS_VISIBLE);
        tally.finding("visible table object " + meta.key() + " is not whole: " + e);
      }
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
