package dev.shaledb.manifest;

/**
 * The two roles that may change a database, each fenced by its own epoch in the manifest: at most
 * one writer and at most one compactor hold the current epoch of their role at a time.
 */
public enum Role {
  /** Appends to the WAL, flushes memtables to L0 tables and advances the WAL replay point. */
  WRITER,
  /** Merges L0 tables and sorted runs into new sorted runs. */
  COMPACTOR
}
