/**
 * The object-store abstraction ShaleDB keeps all of its durable state in, with in-memory, local
 * directory and S3 implementations and decorators. {@link dev.shaledb.objectstore.ObjectStore}
 * states the contract; {@link dev.shaledb.objectstore.ObjectStores#open(String)} opens a store from
 * a URI.
 */
package dev.shaledb.objectstore;
