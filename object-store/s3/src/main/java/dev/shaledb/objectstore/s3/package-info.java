/**
 * The S3 store: {@link dev.shaledb.objectstore.s3.S3ObjectStore} on Amazon S3 or an S3-compatible
 * server, through the AWS SDK's async client over Netty, configured by {@link
 * dev.shaledb.objectstore.s3.S3Config}.
 *
 * <p>It lives in its own module, {@code dev.shaledb:shaledb-object-store-s3}, so that the AWS SDK
 * and Netty are on the classpath only of those who open S3 stores. With the module on the
 * classpath, {@code ObjectStores.open("s3://bucket/prefix?...")} finds the store through {@link
 * dev.shaledb.objectstore.s3.S3ObjectStoreProvider} ({@link java.util.ServiceLoader}), which also
 * lists the URI's parameters. Everything else here is package-private. docs/s3.md explains how to
 * connect and which differences between S3 implementations the store absorbs.
 */
package dev.shaledb.objectstore.s3;
