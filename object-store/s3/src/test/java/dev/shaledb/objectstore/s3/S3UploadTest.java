package dev.shaledb.objectstore.s3;

import static dev.shaledb.objectstore.Futures.join;
import static dev.shaledb.objectstore.s3.FaultInjectingBlobStore.applyThenFail;
import static dev.shaledb.objectstore.s3.FaultInjectingBlobStore.passThrough;
import static dev.shaledb.objectstore.s3.FaultInjectingBlobStore.reject;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.objectstore.MeteredObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectNotFoundException;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.ObjectUpload;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.objectstore.RequestType;
import dev.shaledb.testing.Seeds;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Streamed uploads on S3 (S3Proxy): real multipart uploads whose parts go out while the object is
 * written, and which never stay behind after a failure or an abort; and what a process that died
 * mid-upload leaves (an incomplete upload, for the bucket's lifecycle rule).
 */
class S3UploadTest extends FaultyS3TestBase {
  private static final int PART = (int) S3Config.MIN_PART_SIZE;

  @Override
  S3Config.Builder configure(S3Config.Builder config) {
    return config.partSizeBytes(PART);
  }

  private static ByteBuffer data(String name, int size) {
    return ByteBuffer.wrap(Seeds.gen(name).bytes(size));
  }

  private int incompleteUploads() {
    return faults.delegate().listMultipartUploads(bucket).size();
  }

  /** Waits until {@code n} puts, parts or completions of {@code key} reached the server. */
  private static void awaitWrites(String key, int n) throws InterruptedException {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (faults.writes(key) < n) {
      assertThat(System.nanoTime()).as("%d writes of %s", n, key).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  @Test
  void aStreamedObjectGoesUpInPartsWhileItIsWritten() throws Exception {
    ByteBuffer bytes = data("streamed", 2 * PART + 1);
    try (ObjectUpload upload = store.upload("streamed")) {
      upload.write(bytes.duplicate());
      awaitWrites("streamed", 2); // both full parts, before the completion
      assertThat(incompleteUploads()).isEqualTo(1);
      assertThatThrownBy(() -> join(store.head("streamed")))
          .isInstanceOf(ObjectNotFoundException.class);
      ObjectMeta meta = join(upload.complete());
      assertThat(meta.size()).isEqualTo(2L * PART + 1);
      assertThat(meta.version()).as("a multipart ETag").endsWith("-3");
    }
    assertThat(faults.writes("streamed")).as("3 parts and 1 completion").isEqualTo(4);
    assertThat(incompleteUploads()).isZero();
    assertThat(ByteBuffer.wrap(join(store.get("streamed")).data())).isEqualTo(bytes);
  }

  @Test
  void aStreamedObjectOfAtMostOnePartIsOnePut() {
    ByteBuffer bytes = data("one-part", PART);
    try (ObjectUpload upload = store.upload("one-part")) {
      upload.write(bytes.duplicate());
      join(upload.complete());
    }
    assertThat(faults.writes("one-part")).isEqualTo(1);
    assertThat(ByteBuffer.wrap(join(store.get("one-part")).data())).isEqualTo(bytes);
  }

  @Test
  void aFailedPartAbortsTheUploadAndNothingStaysBehind() {
    faults.onNextWrite("broken", reject(400, "InvalidPart"));
    ObjectUpload upload = store.upload("broken");
    // The failed part surfaces in a later write if it failed before that write, else in complete().
    assertThatThrownBy(
            () -> {
              upload.write(data("broken", 3 * PART + 1));
              join(upload.complete());
            })
        .isInstanceOf(ObjectStoreException.class)
        .hasMessageContaining("broken");
    assertThat(incompleteUploads()).as("aborted before complete() answered").isZero();
    assertThatThrownBy(() -> join(store.head("broken")))
        .isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void anAbortedUploadLeavesNoIncompleteUpload() throws Exception {
    ObjectUpload upload = store.upload("dropped");
    upload.write(data("dropped", 2 * PART + 1));
    awaitWrites("dropped", 2);
    join(upload.abort());
    assertThat(incompleteUploads()).isZero();
    assertThatThrownBy(() -> join(store.head("dropped")))
        .isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void aCompletionWhoseAnswerWasLostSucceedsByWriteId() {
    // Two parts, then the completion: applied, its answer lost; the SDK's retry finds the upload
    // gone (NoSuchUpload), and the write id in the object's metadata says it is ours.
    faults.onNextWrite("lost", passThrough());
    faults.onNextWrite("lost", passThrough());
    faults.onNextWrite("lost", applyThenFail(500, "InternalError"));
    ByteBuffer bytes = data("lost", PART + 10);
    ObjectMeta meta;
    try (ObjectUpload upload = store.upload("lost")) {
      upload.write(bytes.duplicate());
      meta = join(upload.complete());
    }
    assertThat(meta.version()).isEqualTo(join(store.head("lost")).version());
    assertThat(ByteBuffer.wrap(join(store.get("lost")).data())).isEqualTo(bytes);
  }

  @Test
  void aWriterThatDiesMidUploadLeavesAnIncompleteUploadForTheLifecycleRule() throws Exception {
    ObjectUpload upload = store.upload("orphan");
    upload.write(data("orphan", PART + 1));
    awaitWrites("orphan", 1);
    // The process dies here: neither complete() nor abort(). S3 keeps (and bills) the part until
    // the bucket's AbortIncompleteMultipartUpload rule removes it (docs/s3.md); nothing is visible.
    assertThat(incompleteUploads()).isEqualTo(1);
    assertThatThrownBy(() -> join(store.head("orphan")))
        .isInstanceOf(ObjectNotFoundException.class);
    join(upload.abort());
    assertThat(incompleteUploads()).isZero();
  }

  /** Records the operation of every request the SDK transmits, retries included. */
  private static final class Operations implements ExecutionInterceptor {
    final List<String> sent = new CopyOnWriteArrayList<>();

    @Override
    public void beforeTransmission(
        Context.BeforeTransmission context, ExecutionAttributes attributes) {
      sent.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
    }
  }

  @Test
  void aThirtyTwoMibObjectInSixteenMibPartsCostsFourRequestsStreamedOrPutWhole() {
    int size = 32 << 20;
    Operations operations = new Operations();
    S3Config config = server.config(bucket).build(); // default parts: 16 MiB, threshold 16 MiB
    assertThat(config.partSizeBytes()).isEqualTo(16L << 20);
    ByteBuffer bytes = data("32mib", size);
    try (S3ObjectStore s3 = S3ObjectStore.open(config, List.of(operations));
        MeteredObjectStore metered = new MeteredObjectStore(s3)) {
      try (ObjectUpload upload = metered.upload("streamed-32")) {
        upload.write(bytes.duplicate());
        join(upload.complete());
      }
      List<String> streamed = List.copyOf(operations.sent);
      long streamedPuts = metered.snapshot().requests(RequestType.PUT);
      operations.sent.clear();
      join(metered.put("put-32", bytes.duplicate(), PutCondition.none()));
      List<String> whole = List.copyOf(operations.sent);
      long wholePuts = metered.snapshot().requests(RequestType.PUT) - streamedPuts;
      System.out.printf(
          "32 MiB in 16 MiB parts: streamed %s (metered PUTs %d); whole put %s (metered PUTs %d)%n",
          streamed, streamedPuts, whole, wholePuts);
      List<String> fourRequests =
          List.of("CreateMultipartUpload", "UploadPart", "UploadPart", "CompleteMultipartUpload");
      assertThat(streamed).isEqualTo(fourRequests);
      assertThat(streamedPuts).as("metered as billed").isEqualTo(4);
      // A whole put above the threshold goes up in the same parts inside the S3 store, which the
      // metering above it sees as one put.
      assertThat(whole).isEqualTo(fourRequests);
      assertThat(wholePuts).isEqualTo(1);
    }
    assertThat(incompleteUploads()).isZero();
  }
}
