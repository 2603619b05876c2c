package dev.shaledb.manifest;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.shaledb.testing.Seeds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Builders of tables and random manifest states for tests. */
final class TestStates {
  private TestStates() {}

  static TableInfo table(String id, String smallest, String largest) {
    return new TableInfo(id, 100, smallest.getBytes(UTF_8), largest.getBytes(UTF_8), 1, 2, 7);
  }

  /** A random valid state: random epochs, WAL ids, L0 tables, runs, checkpoints. */
  static ManifestState random(Seeds.Gen gen) {
    long flushed = gen.random().nextLong(0, 1_000_000);
    int[] nextTable = {0};
    List<TableInfo> l0 = new ArrayList<>();
    for (int i = gen.intBetween(0, 5); i > 0; i--) {
      l0.add(randomTable(gen, nextTable, "k" + gen.intBetween(0, 9), "z"));
    }
    List<SortedRun> runs = new ArrayList<>();
    for (int r = gen.intBetween(0, 3); r > 0; r--) {
      List<TableInfo> tables = new ArrayList<>();
      int n = gen.intBetween(1, 4);
      for (int t = 0; t < n; t++) {
        tables.add(randomTable(gen, nextTable, "r" + t + "a", "r" + t + "b"));
      }
      runs.add(new SortedRun(tables));
    }
    List<Checkpoint> checkpoints = new ArrayList<>();
    for (int c = gen.intBetween(0, 2); c > 0; c--) {
      Instant expiry =
          gen.chance(0.5) ? null : Instant.ofEpochSecond(gen.random().nextLong(0, 1L << 40), 123);
      checkpoints.add(
          new Checkpoint(
              new UUID(gen.random().nextLong(), gen.random().nextLong()),
              gen.random().nextLong(1, 1000),
              expiry,
              gen.chance(0.5) ? "" : "cp-" + c + "-ü"));
    }
    return new ManifestState(
        gen.random().nextLong(0, Long.MAX_VALUE),
        gen.random().nextLong(0, 1000),
        flushed,
        flushed + gen.random().nextLong(1, 1000),
        gen.random().nextLong(0, Long.MAX_VALUE),
        l0,
        runs,
        checkpoints,
        UnknownFields.none());
  }

  private static TableInfo randomTable(Seeds.Gen gen, int[] next, String lo, String hi) {
    long minSeq = gen.random().nextLong(0, 1000);
    return new TableInfo(
        "t" + next[0]++ + "-" + gen.intBetween(0, 999),
        gen.random().nextLong(1, 1L << 40),
        lo.getBytes(UTF_8),
        hi.getBytes(UTF_8),
        minSeq,
        minSeq + gen.random().nextLong(0, 1000),
        gen.random().nextInt());
  }
}
