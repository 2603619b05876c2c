/**
 * ShaleDB's sorted string table (SST): the immutable, self-describing, checksummed file format that
 * memtable flushes and compactions write to the object store (the WAL has a format of its own). The
 * byte layout is specified in {@code docs/formats/sst.md}.
 *
 * <p>{@link dev.shaledb.sst.SstBuilder} writes a table from entries in order and returns an {@link
 * dev.shaledb.sst.SstInfo} for the manifest; {@link dev.shaledb.sst.SstReader} opens one from its
 * tail through a {@link dev.shaledb.sst.RangeReader}, answers point lookups and iterates with
 * {@link dev.shaledb.sst.SstIterator}, fetching data blocks through a pluggable {@link
 * dev.shaledb.sst.BlockCache}. The module does no I/O of its own.
 */
package dev.shaledb.sst;
