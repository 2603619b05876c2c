package dev.shaledb.sst;

/** Where a stored block lies in the object: its payload plus its 9-byte trailer. */
record BlockHandle(long offset, int length) {}
