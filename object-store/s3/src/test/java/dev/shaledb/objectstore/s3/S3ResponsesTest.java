package dev.shaledb.objectstore.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.InvalidRangeException;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStoreException;
import java.time.Instant;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Parsing of S3 answers, with synthetic SDK responses: what a server may send, not what it should.
 */
class S3ResponsesTest {
  private static final Instant WRITTEN = Instant.parse("2024-05-06T07:08:09Z");
  private static final byte[] OBJECT = "0123456789abcdefghij".getBytes(UTF_8);

  private static byte[] slice(int from, int to) {
    return Arrays.copyOfRange(OBJECT, from, to);
  }

  private static GetObjectResponse.Builder get() {
    return GetObjectResponse.builder().eTag("\"etag\"").lastModified(WRITTEN);
  }

  @Test
  void partialAnswerMatchingTheAskedRangeIsAccepted() {
    ObjectContent got =
        S3Responses.content(
            "k", ByteRange.of(5, 4), get().contentRange("bytes 5-8/20").build(), slice(5, 9));
    assertThat(got.offset()).isEqualTo(5);
    assertThat(got.data()).isEqualTo(slice(5, 9));
    assertThat(got.meta()).isEqualTo(new ObjectMeta("k", 20, "etag", WRITTEN));

    ObjectContent cut =
        S3Responses.content(
            "k",
            ByteRange.of(15, 100),
            get().contentRange("bytes 15-19/20").build(),
            slice(15, 20));
    assertThat(cut.offset()).isEqualTo(15);

    ObjectContent tail =
        S3Responses.content(
            "k", ByteRange.suffix(3), get().contentRange("bytes 17-19/20").build(), slice(17, 20));
    assertThat(tail.data()).isEqualTo(slice(17, 20));
  }

  @Test
  void partialAnswerThatStartsElsewhereThanAskedIsRefused() {
    assertRefused(
        ByteRange.of(5, 4),
        get().contentRange("bytes 9-12/20").build(),
        slice(9, 13),
        "bytes=5-8",
        "bytes 9-12/20");
    assertRefused(
        ByteRange.suffix(3),
        get().contentRange("bytes 10-12/20").build(),
        slice(10, 13),
        "bytes=-3",
        "bytes 10-12/20");
  }

  @Test
  void partialAnswerThatEndsBeforeTheAskedRangeDoesIsRefused() {
    // Starts right, has exactly the bytes its Content-Range claims, but the object goes on.
    assertRefused(
        ByteRange.of(5, 4),
        get().contentRange("bytes 5-6/20").build(),
        slice(5, 7),
        "bytes=5-8",
        "bytes 5-6/20");
  }

  @Test
  void wholeObjectAnswerWithoutContentLengthShorterThanAskedIsRefused() {
    // No Content-Range and no Content-Length: nothing says the 4 bytes are the whole object.
    assertRefused(ByteRange.of(0, 10), get().build(), slice(0, 4), "bytes=0-9", "4 bytes");
    assertRefused(ByteRange.suffix(6), get().build(), slice(0, 4), "bytes=-6", "4 bytes");
  }

  @Test
  void wholeObjectAnswerWhoseBodyDisagreesWithItsContentLengthIsRefused() {
    assertRefused(
        ByteRange.all(), get().contentLength(20L).build(), slice(0, 12), "whole", "12 bytes");
  }

  @Test
  void wholeObjectAnswerToARangedReadIsCutHere() {
    ObjectContent withLength =
        S3Responses.content("k", ByteRange.of(18, 10), get().contentLength(20L).build(), OBJECT);
    assertThat(withLength.offset()).isEqualTo(18);
    assertThat(withLength.data()).isEqualTo(slice(18, 20));
    assertThat(withLength.meta().size()).isEqualTo(20);

    ObjectContent withoutLength =
        S3Responses.content("k", ByteRange.of(2, 3), get().build(), OBJECT);
    assertThat(withoutLength.data()).isEqualTo(slice(2, 5));
    ObjectContent whole = S3Responses.content("k", ByteRange.all(), get().build(), OBJECT);
    assertThat(whole.data()).isEqualTo(OBJECT);
  }

  private static void assertRefused(
      ByteRange range, GetObjectResponse response, byte[] body, String asked, String cameBack) {
    assertThatThrownBy(() -> S3Responses.content("db/sst/7.sst", range, response, body))
        .as("%s answered by %s", range, response)
        .isInstanceOfSatisfying(
            ObjectStoreException.class, e -> assertThat(e.isRetryable()).isFalse())
        .isNotInstanceOf(InvalidRangeException.class)
        .hasMessageContaining("db/sst/7.sst")
        .hasMessageContaining(asked)
        .hasMessageContaining(cameBack);
  }

  @Test
  void missingLastModifiedIsAnUnknownTimeNeverTheEpoch() {
    HeadObjectResponse head = HeadObjectResponse.builder().eTag("\"e\"").contentLength(3L).build();
    assertThat(S3Responses.meta("k", head).lastModified()).isEqualTo(ObjectMeta.UNKNOWN_TIME);

    S3Object listed = S3Object.builder().key("k").eTag("\"e\"").size(3L).build();
    assertThat(S3Responses.meta("k", listed).lastModified()).isEqualTo(ObjectMeta.UNKNOWN_TIME);

    GetObjectResponse got = GetObjectResponse.builder().eTag("\"e\"").build();
    assertThat(S3Responses.content("k", ByteRange.all(), got, OBJECT).meta().lastModified())
        .isEqualTo(ObjectMeta.UNKNOWN_TIME);
  }

  @Test
  void reportedLastModifiedIsKept() {
    HeadObjectResponse head =
        HeadObjectResponse.builder().eTag("\"e\"").contentLength(3L).lastModified(WRITTEN).build();
    assertThat(S3Responses.meta("k", head).lastModified()).isEqualTo(WRITTEN);
  }
}
