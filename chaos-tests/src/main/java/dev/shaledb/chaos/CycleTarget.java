package dev.shaledb.chaos;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The database a {@link SeedRun} cycle runs its process on: the seed's own ({@link SeedRun#PATH})
 * or its clone ({@link CloneChaos}), each with its own oracle, stalls (whose GC runs collect that
 * database) and late puts of its dead processes, landed by its next verification.
 *
 * @param path the database's path in the shared store
 * @param oracle what the database may hold
 * @param stalls stalls of this database's processes, and their GC runs
 * @param pendingLate the crash boundaries of its dead processes, whose late puts are yet to land
 * @param rewriteBorrowed whether its processes rewrite the tables they borrow from a source
 * @param isClone whether it is a clone, verified into the clone rows of the report
 */
record CycleTarget(
    String path,
    ExpectedState oracle,
    Stalls stalls,
    List<CrashPointStore> pendingLate,
    boolean rewriteBorrowed,
    boolean isClone) {
  CycleTarget {
    requireNonNull(path, "path is null");
    requireNonNull(oracle, "oracle is null");
    requireNonNull(stalls, "stalls is null");
    requireNonNull(pendingLate, "pendingLate is null");
  }
}
