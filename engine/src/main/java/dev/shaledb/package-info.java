/**
 * ShaleDB's embedded API: {@code Db}, its options, batches and iterators. The engine that
 * implements it (memtables, flushes, recovery, caches) arrives with the engine issue; see
 * docs/architecture.md.
 */
package dev.shaledb;
