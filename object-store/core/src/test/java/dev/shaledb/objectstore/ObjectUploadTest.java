package dev.shaledb.objectstore;

import static dev.shaledb.objectstore.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.testing.Seeds;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * How {@link ObjectUpload} drives a store's multipart upload: which requests, when, how many parts
 * in flight and how much memory, and what a failure does. The store is in memory; its upload
 * requests are recorded and can be held or failed.
 */
class ObjectUploadTest {
  private static final int PART = 1000;

  /** Records every upload request, and holds or fails the ones a test asks for. */
  private static final class ScriptedUploads extends ForwardingObjectStore {
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> puts = new CopyOnWriteArrayList<>();
    final Map<String, CompletableFuture<Void>> holds = new ConcurrentHashMap<>();
    final Map<String, RuntimeException> failures = new ConcurrentHashMap<>();

    ScriptedUploads() {
      super(new InMemoryObjectStore(Clock.systemUTC(), PART));
    }

    @Override
    public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
      puts.add(key + ":" + data.remaining());
      return super.put(key, data, condition);
    }

    @Override
    public MultipartUpload multipartUpload(String key) {
      return MultipartUpload.intercepted(delegate.multipartUpload(key), this::request);
    }

    private <T> CompletableFuture<T> request(
        MultipartUpload.Request request, Supplier<CompletableFuture<T>> send) {
      String name = name(request);
      requests.add(name);
      RuntimeException failure = failures.get(name);
      CompletableFuture<Void> hold =
          holds.getOrDefault(name, CompletableFuture.completedFuture(null));
      return hold.thenCompose(
          v -> failure != null ? CompletableFuture.<T>failedFuture(failure) : send.get());
    }

    private static String name(MultipartUpload.Request request) {
      return switch (request.kind()) {
        case START -> "start";
        case PART -> "part " + request.part() + ":" + request.bytes();
        case COMPLETE -> "complete " + request.part();
        case ABORT -> "abort";
      };
    }
  }

  private final ScriptedUploads store = new ScriptedUploads();

  private static ByteBuffer bytes(int n) {
    return ByteBuffer.wrap(Seeds.gen("ObjectUploadTest/" + n).bytes(n));
  }

  @Test
  void anObjectOfAtMostOnePartGoesUpAsOnePut() {
    for (int size : new int[] {0, 1, PART}) {
      ObjectUpload upload = store.upload("small/" + size);
      upload.write(bytes(size));
      assertThat(join(upload.complete()).size()).isEqualTo(size);
    }
    assertThat(store.requests).as("no multipart request at all").isEmpty();
    assertThat(store.puts).containsExactly("small/0:0", "small/1:1", "small/" + PART + ":" + PART);
  }

  @Test
  void partsGoOutWhileWritingAndTheLastAtCompletion() {
    ObjectUpload upload = store.upload("big");
    upload.write(bytes(PART)); // a full part, but the object may end here
    assertThat(store.requests).isEmpty();
    upload.write(bytes(1));
    assertThat(store.requests).containsExactly("start", "part 1:1000");
    upload.write(bytes(2 * PART)); // 1,001 + 2,000 bytes: three full parts and one byte
    assertThat(store.requests)
        .containsExactly("start", "part 1:1000", "part 2:1000", "part 3:1000");
    ObjectMeta meta = join(upload.complete());
    assertThat(store.requests)
        .containsExactly(
            "start", "part 1:1000", "part 2:1000", "part 3:1000", "part 4:1", "complete 4");
    assertThat(meta.size()).isEqualTo(3 * PART + 1);
    assertThat(store.puts).as("the delegate's own upload, not this store's put").isEmpty();
    assertThat(join(store.get("big")).data()).hasSize(3 * PART + 1);
  }

  @Test
  void atMostTheGivenNumberOfPartsAreInFlightAndAWriteWaitsForASlot() throws Exception {
    CompletableFuture<Void> first = new CompletableFuture<>();
    store.holds.put("part 1:1000", first);
    store.holds.put("part 2:1000", new CompletableFuture<>());
    ObjectUpload upload = ObjectUpload.open(store, "big", 2);
    upload.write(bytes(2 * PART + 1)); // parts 1 and 2 in flight, held
    CompletableFuture<Void> third = CompletableFuture.runAsync(() -> upload.write(bytes(PART)));
    Thread.sleep(200);
    assertThat(third).as("waits while two parts are in flight").isNotDone();
    assertThat(store.requests).containsExactly("start", "part 1:1000", "part 2:1000");
    first.complete(null);
    third.get(10, TimeUnit.SECONDS);
    assertThat(store.requests).contains("part 3:1000");
    store.holds.get("part 2:1000").complete(null);
    assertThat(join(upload.complete()).size()).isEqualTo(3 * PART + 1);
    assertThat(upload.peakBufferBytes())
        .as("two parts in flight and one filling")
        .isLessThanOrEqualTo(3L * PART);
  }

  @Test
  void bufferMemoryStaysWithinThePartsInFlightWhateverTheObjectSize() {
    ObjectUpload upload = store.upload("big");
    ByteBuffer chunk = bytes(333);
    for (int i = 0; i < 300; i++) { // 100 parts
      upload.write(chunk.duplicate());
    }
    assertThat(join(upload.complete()).size()).isEqualTo(300 * 333);
    assertThat(upload.peakBufferBytes())
        .isLessThanOrEqualTo((ObjectUpload.DEFAULT_PARTS_IN_FLIGHT + 1L) * PART);
    assertThat(store.requests).hasSize(1 + 100 + 1);
  }

  @Test
  void aFailedPartFailsTheUploadAbortsItOnceAndNothingIsVisible() {
    ObjectStoreException lost = new ObjectStoreException("part lost", true);
    store.failures.put("part 2:1000", lost);
    ObjectUpload upload = store.upload("big");
    upload.write(bytes(2 * PART + 1)); // part 2 fails as it is sent
    assertThatThrownBy(() -> upload.write(bytes(1))).isSameAs(lost);
    assertThatThrownBy(() -> join(upload.complete())).isSameAs(lost);
    join(upload.abort());
    upload.close();
    assertThat(store.requests).containsOnlyOnce("abort");
    assertThat(store.requests).doesNotContain("complete 3", "part 3:1");
    assertThatThrownBy(() -> join(store.head("big"))).isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void anAbortWaitsForThePartsInFlight() {
    CompletableFuture<Void> held = new CompletableFuture<>();
    store.holds.put("part 1:1000", held);
    ObjectUpload upload = store.upload("big");
    upload.write(bytes(PART + 1));
    CompletableFuture<Void> aborted = upload.abort();
    assertThat(aborted).isNotDone();
    assertThat(store.requests).doesNotContain("abort");
    held.complete(null);
    join(aborted);
    assertThat(store.requests).containsExactly("start", "part 1:1000", "abort");
  }

  @Test
  void aFailedCompletionAbortsTheUpload() {
    ObjectStoreException refused = new ObjectStoreException("completion refused", false);
    store.failures.put("complete 2", refused);
    ObjectUpload upload = store.upload("big");
    upload.write(bytes(PART + 1));
    assertThatThrownBy(() -> join(upload.complete())).isSameAs(refused);
    assertThat(store.requests)
        .containsExactly("start", "part 1:1000", "part 2:1", "complete 2", "abort");
    assertThatThrownBy(() -> join(store.head("big"))).isInstanceOf(ObjectNotFoundException.class);
  }

  @Test
  void aFailedStartFailsTheUploadWithoutSendingParts() {
    ObjectStoreException refused = new ObjectStoreException("no uploads here", false);
    store.failures.put("start", refused);
    ObjectUpload upload = store.upload("big");
    upload.write(bytes(PART + 1));
    assertThatThrownBy(() -> join(upload.complete())).isSameAs(refused);
    assertThat(store.requests).doesNotContain("part 1:1000").contains("abort");
  }

  @Test
  void anInterruptedWaitFailsAndAbortsTheUpload() {
    store.holds.put("part 1:1000", new CompletableFuture<>());
    ObjectUpload upload = ObjectUpload.open(store, "big", 1);
    upload.write(bytes(PART + 1));
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> upload.write(bytes(PART)))
          .isInstanceOf(ObjectStoreException.class)
          .hasMessageContaining("interrupted while waiting to send a part of 'big'");
      assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
    } finally {
      Thread.interrupted();
    }
    store.holds.get("part 1:1000").complete(null);
    assertThat(store.requests).contains("abort");
  }

  @Test
  void anObjectOfMoreThanTheMostPartsIsRefused() {
    ObjectStore tiny = new InMemoryObjectStore(Clock.systemUTC(), 1);
    ObjectUpload upload = tiny.upload("huge");
    List<RuntimeException> thrown = new ArrayList<>();
    try {
      upload.write(ByteBuffer.allocate(MultipartUpload.MAX_PARTS + 1));
    } catch (IllegalArgumentException e) {
      thrown.add(e);
    }
    assertThat(thrown)
        .singleElement()
        .satisfies(e -> assertThat(e).hasMessage("'huge' needs more than 10000 parts of 1 bytes"));
    assertThatThrownBy(() -> join(upload.complete())).isSameAs(thrown.get(0));
  }

  @Test
  void partsInFlightMustBePositive() {
    assertThatThrownBy(() -> ObjectUpload.open(store, "k", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("partsInFlight is below 1: 0");
  }
}
