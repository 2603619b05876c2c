package dev.shaledb.objectstore.s3;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Beneath S3Proxy's front end, lists as an S3 Express One Zone directory bucket does, by AWS's
 * ListObjectsV2 reference: keys in no particular order (here shuffled, across pages too), {@code
 * StartAfter} refused, a prefix that does not end in '/' refused, and the prefixes of in-progress
 * multipart uploads listed as common prefixes. Records the prefix of every listing.
 */
public final class DirectoryBucketBlobStore extends ForwardingBlobStore {
  /** The prefix of every ListObjectsV2 request that reached this store ("" for none). */
  final List<String> listedPrefixes = new CopyOnWriteArrayList<>();

  public DirectoryBucketBlobStore(BlobStore delegate) {
    super(delegate);
  }

  /** The prefix of every listing so far, to show a test's listings went through these rules. */
  public List<String> listedPrefixes() {
    return List.copyOf(listedPrefixes);
  }

  @Override
  public ListObjectsV2Response list(ListObjectsV2Request request) {
    String prefix = request.prefix() == null ? "" : request.prefix();
    listedPrefixes.add(prefix);
    if (request.startAfter() != null) {
      throw S3Exceptions.invalidArgument("StartAfter is not supported by directory buckets");
    }
    if (!prefix.isEmpty() && !prefix.endsWith("/")) {
      throw S3Exceptions.invalidArgument("a directory bucket's prefix must end in '/'");
    }
    List<S3Object> all = new ArrayList<>();
    String token = null;
    do {
      ListObjectsV2Response page =
          super.list(
              ListObjectsV2Request.builder()
                  .bucket(request.bucket())
                  .prefix(request.prefix())
                  .continuationToken(token)
                  .maxKeys(1000)
                  .build());
      all.addAll(page.contents());
      token = page.nextContinuationToken();
    } while (token != null);
    // The same order for the same contents, so that pages fit together.
    Collections.shuffle(all, new Random(all.size() * 31L + prefix.hashCode()));
    int from =
        request.continuationToken() == null ? 0 : Integer.parseInt(request.continuationToken());
    int max = request.maxKeys() == null ? 1000 : request.maxKeys();
    int to = Math.min(all.size(), from + max);
    boolean more = to < all.size();
    return ListObjectsV2Response.builder()
        .name(request.bucket())
        .prefix(request.prefix())
        .maxKeys(max)
        .keyCount(to - from)
        .contents(all.subList(from, to))
        .commonPrefixes(from == 0 ? uploadPrefixes(request.bucket(), prefix) : List.of())
        .isTruncated(more)
        .nextContinuationToken(more ? Integer.toString(to) : null)
        .build();
  }

  /** The next level of the keys of in-progress multipart uploads under {@code prefix}. */
  private List<CommonPrefix> uploadPrefixes(String bucket, String prefix) {
    List<CommonPrefix> out = new ArrayList<>();
    for (var upload : delegate().listMultipartUploads(bucket)) {
      String key = upload.key();
      if (key.startsWith(prefix)) {
        int slash = key.indexOf('/', prefix.length());
        String common = slash < 0 ? key : key.substring(0, slash + 1);
        out.add(CommonPrefix.builder().prefix(common).build());
      }
    }
    return out;
  }
}
