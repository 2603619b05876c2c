/**
 * The object-store abstraction ShaleDB keeps all of its durable state in, with the in-memory and
 * local-directory stores and the decorators. {@link dev.shaledb.objectstore.ObjectStore} states the
 * contract; {@link dev.shaledb.objectstore.ObjectStores#open(String)} opens a store from a URI.
 *
 * <p>This package has no third-party dependency. Stores with a heavy client live in modules of
 * their own and join {@code ObjectStores.open} through {@link
 * dev.shaledb.objectstore.ObjectStoreProvider}: the S3 store is {@code dev.shaledb.objectstore.s3}
 * in {@code dev.shaledb:shaledb-object-store-s3}. {@link dev.shaledb.objectstore.RangeSlicer} and
 * {@link dev.shaledb.objectstore.ObjectKeys} are the basics such stores share with the built-in
 * ones.
 */
package dev.shaledb.objectstore;
