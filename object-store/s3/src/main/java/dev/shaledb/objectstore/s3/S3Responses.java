package dev.shaledb.objectstore.s3;

import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.InvalidRangeException;
import dev.shaledb.objectstore.ObjectContent;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStoreException;
import dev.shaledb.objectstore.RangeSlicer;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Turns S3 responses into {@link ObjectMeta} and {@link ObjectContent}; ranges on the wire. */
final class S3Responses {
  private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+)");
  private static final Pattern UNSATISFIED_RANGE = Pattern.compile("bytes \\*/(\\d+)");

  private S3Responses() {}

  /** The HTTP Range header for {@code range}, or null to read the whole object. */
  static String rangeHeader(ByteRange range) {
    if (range instanceof ByteRange.Bounded b) {
      // offset + length does not overflow (ByteRange checks it), so the end is exact.
      return "bytes=" + b.offset() + "-" + (b.offset() + b.length() - 1);
    }
    if (range instanceof ByteRange.Suffix s) {
      return "bytes=-" + s.length();
    }
    return null;
  }

  static ObjectMeta meta(String key, HeadObjectResponse r) {
    return new ObjectMeta(key, r.contentLength(), version(r.eTag()), instant(r.lastModified()));
  }

  static ObjectMeta meta(String key, S3Object o) {
    return new ObjectMeta(key, o.size(), version(o.eTag()), instant(o.lastModified()));
  }

  /**
   * The bytes of a GET of {@code range}. With a Content-Range the server cut the range, which must
   * be exactly the asked range cut at the object's end. Without one it sent the whole object (a
   * plain GET, or a server that ignores Range), and the range is cut here with the same rules, so
   * every store answers alike; the body must then match its Content-Length, or, without one, be at
   * least as long as the range needs, since nothing else says the body is the whole object.
   *
   * <p>An answer that contradicts the request fails with a non-retryable {@link
   * ObjectStoreException}: it is the server's answer that is wrong, not the object (which is what
   * {@link dev.shaledb.error.CorruptObjectException} reports), and asking again brings the same.
   */
  static ObjectContent content(String key, ByteRange range, GetObjectResponse r, byte[] data) {
    String contentRange = r.contentRange();
    if (contentRange == null) {
      Long length = r.contentLength();
      if (length != null && length != data.length) {
        throw refused(key, range, data.length + " bytes with Content-Length " + length);
      }
      if (length == null && data.length < bytesNeeded(range)) {
        throw refused(
            key,
            range,
            data.length + " bytes, and no Content-Range or Content-Length saying that is all");
      }
      ObjectMeta meta =
          new ObjectMeta(key, data.length, version(r.eTag()), instant(r.lastModified()));
      if (range instanceof ByteRange.All) {
        return new ObjectContent(meta, 0, data);
      }
      return RangeSlicer.slice(new RangeSlicer.Source(meta, data), range);
    }
    Matcher m = CONTENT_RANGE.matcher(contentRange);
    if (!m.matches()) {
      throw new ObjectStoreException(
          "S3 GET of '" + key + "' has a malformed Content-Range: " + contentRange, false);
    }
    long first = Long.parseLong(m.group(1));
    long last = Long.parseLong(m.group(2));
    long size = Long.parseLong(m.group(3));
    long expected = last - first + 1;
    if (data.length != expected || last >= size) {
      throw new ObjectStoreException(
          "S3 GET of '"
              + key
              + "' returned "
              + data.length
              + " bytes for Content-Range "
              + contentRange,
          true);
    }
    if (!isCutOf(key, range, size, first, last)) {
      throw refused(key, range, "Content-Range " + contentRange);
    }
    ObjectMeta meta = new ObjectMeta(key, size, version(r.eTag()), instant(r.lastModified()));
    return new ObjectContent(meta, first, data);
  }

  /** Whether bytes {@code first..last} of {@code size} are exactly {@code range} cut at the end. */
  private static boolean isCutOf(String key, ByteRange range, long size, long first, long last) {
    try {
      long[] span = RangeSlicer.resolve(key, range, size);
      return first == span[0] && last + 1 == span[1];
    } catch (InvalidRangeException e) {
      return false; // a partial answer to a range its own size says is outside the object
    }
  }

  /** The least body a whole-object answer must have for {@code range} to lie inside it. */
  private static long bytesNeeded(ByteRange range) {
    if (range instanceof ByteRange.Bounded b) {
      return b.offset() + b.length();
    }
    if (range instanceof ByteRange.Suffix s) {
      return s.length();
    }
    return 0;
  }

  private static ObjectStoreException refused(String key, ByteRange range, String cameBack) {
    String asked = range instanceof ByteRange.All ? "the whole object" : rangeHeader(range);
    return new ObjectStoreException(
        "S3 GET of '" + key + "' asked for " + asked + " and got " + cameBack, false);
  }

  /** The object size a 416 answer reports in its Content-Range, or -1 if it has none. */
  static long sizeOfUnsatisfiedRange(Throwable t) {
    if (S3Errors.unwrap(t) instanceof AwsServiceException e
        && e.awsErrorDetails() != null
        && e.awsErrorDetails().sdkHttpResponse() != null) {
      return e.awsErrorDetails()
          .sdkHttpResponse()
          .firstMatchingHeader("Content-Range")
          .map(UNSATISFIED_RANGE::matcher)
          .filter(Matcher::matches)
          .map(m -> Long.parseLong(m.group(1)))
          .orElse(-1L);
    }
    return -1;
  }

  /** The ETag without its quotes: S3 quotes it in headers and XML alike. */
  static String version(String eTag) {
    return versionIfPresent(eTag)
        .orElseThrow(() -> new ObjectStoreException("S3 response has no ETag", false));
  }

  /**
   * The ETag without its quotes, or empty if the answer has none: missing, empty, or a quoted empty
   * string. Ceph RGW 16 completes a multipart upload with {@code <ETag></ETag>}.
   */
  static Optional<String> versionIfPresent(String eTag) {
    String version = eTag;
    if (version != null
        && version.length() >= 2
        && version.startsWith("\"")
        && version.endsWith("\"")) {
      version = version.substring(1, version.length() - 1);
    }
    return version == null || version.isEmpty() ? Optional.empty() : Optional.of(version);
  }

  /** The quoted form for If-Match, as S3 documents it. */
  static String quoted(String version) {
    return "\"" + version + "\"";
  }

  /**
   * A missing Last-Modified is an unknown time, never the epoch: garbage collection would take an
   * object "written in 1970" for infinitely old.
   */
  private static Instant instant(Instant lastModified) {
    return lastModified == null ? ObjectMeta.UNKNOWN_TIME : lastModified;
  }
}
