package dev.shaledb.objectstore.s3;

import dev.shaledb.objectstore.ObjectKeys;
import dev.shaledb.objectstore.ObjectStoreException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/**
 * The client, bucket, key prefix and encryption a store works with. ShaleDB's keys never contain
 * the prefix: it is added on the way out and stripped from listings. Every request on an object
 * takes its encryption headers from {@link #sse()}; {@link #head} is the one HEAD of the store, so
 * the HEADs that resolve puts carry an SSE-C key as reads do.
 */
record S3Bucket(S3AsyncClient client, String name, String prefix, S3Sse sse) {
  /** Without encryption headers. */
  S3Bucket(S3AsyncClient client, String name, String prefix) {
    this(client, name, prefix, new S3Sse(S3Encryption.none()));
  }

  /** The S3 key of {@code key}; validates it, including the length with the prefix. */
  String s3Key(String key) {
    ObjectKeys.validate(key);
    String full = prefix + key;
    int bytes = full.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > ObjectKeys.MAX_KEY_BYTES) {
      throw new IllegalArgumentException(
          "key with the store's prefix '"
              + prefix
              + "' is "
              + bytes
              + " UTF-8 bytes, more than "
              + ObjectKeys.MAX_KEY_BYTES
              + ": '"
              + key
              + "'");
    }
    return full;
  }

  /** The store key of an S3 key listed under the prefix. */
  String storeKey(String s3Key) {
    if (!s3Key.startsWith(prefix)) {
      throw new ObjectStoreException(
          "S3 listed '" + s3Key + "', which is outside the prefix '" + prefix + "'", false);
    }
    return s3Key.substring(prefix.length());
  }

  CompletableFuture<HeadObjectResponse> head(String key) {
    return client.headObject(b -> sse.head(b.bucket(name).key(s3Key(key))));
  }
}
