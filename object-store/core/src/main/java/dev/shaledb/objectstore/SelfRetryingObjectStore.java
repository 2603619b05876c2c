package dev.shaledb.objectstore;

/**
 * A store that retries transient failures itself, such as the S3 store (inside the AWS SDK). The
 * {@link ObjectStore} contract allows exactly one retry layer per stack, so {@link
 * RetryingObjectStore} refuses to wrap one. A store implementation in another module declares its
 * own retry layer by implementing this interface instead of {@link ObjectStore}.
 */
public interface SelfRetryingObjectStore extends ObjectStore {}
