package dev.shaledb;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.MergeOperatorException;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.sst.SstOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Merge operators through the public API: reads at every level, compaction, failures. */
class MergeTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  /** A counter: operands and values are 8-byte big-endian longs; associative. */
  static final MergeOperator COUNTER =
      new MergeOperator() {
        @Override
        public String name() {
          return "counter";
        }

        @Override
        public byte[] fullMerge(byte[] key, byte[] base, List<byte[]> operands) {
          long sum = base == null ? 0 : ByteBuffer.wrap(base).getLong();
          for (byte[] op : operands) {
            sum += ByteBuffer.wrap(op).getLong();
          }
          return ByteBuffer.allocate(8).putLong(sum).array();
        }

        @Override
        public byte[] partialMerge(byte[] key, List<byte[]> operands) {
          return fullMerge(key, null, operands);
        }
      };

  /** Not associative: v -> 2v + op over text numbers, base "1"; only whole chains fold. */
  static final MergeOperator AFFINE =
      (key, base, operands) -> {
        long v = base == null ? 1 : Long.parseLong(new String(base, StandardCharsets.UTF_8));
        for (byte[] op : operands) {
          v = 2 * v + Long.parseLong(new String(op, StandardCharsets.UTF_8));
        }
        return Long.toString(v).getBytes(StandardCharsets.UTF_8);
      };

  static byte[] n(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  static long n(byte[] v) {
    return ByteBuffer.wrap(v).getLong();
  }

  static DbOptions options(MergeOperator op) {
    return CompactionTest.options(CompactionTest.small().build()).toBuilder()
        .mergeOperator(op)
        .tableOptions(SstOptions.defaults().withBlockSize(1024))
        .build();
  }

  @Test
  void operandsFoldOverTheValueFromEveryLevelInWriteOrder() throws Exception {
    try (Db db = Db.open(store, "db", options(AFFINE))) {
      db.merge(b("k"), b("3")); // 2*1+3 = 5 over no base
      assertThat(db.get(b("k"))).asString().isEqualTo("5");
      db.engine().flushMemtables(); // the operand goes to L0
      db.merge(b("k"), b("1")); // 11
      assertThat(db.get(b("k"))).asString().isEqualTo("11");
      db.put(b("k"), b("10"));
      db.merge(b("k"), b("0"));
      db.engine().flushMemtables();
      db.merge(b("k"), b("2")); // (2*10+0)*2+2 = 42
      assertThat(db.get(b("k"))).asString().isEqualTo("42");
      assertThat(db.multiGet(List.of(b("k"), b("x")))).containsExactly(b("42"), null);
      assertThat(values(db.scan(null, null))).containsExactly("k=42");
      assertThat(values(db.scanReverse(null, null))).containsExactly("k=42");
      db.delete(b("k"));
      db.merge(b("k"), b("4"));
      assertThat(db.get(b("k"))).asString().isEqualTo("6");
    }
  }

  @Test
  void compactionFoldsChainsIntoOneValueAndKeepsWhatASnapshotNeeds() throws Exception {
    try (Db db = Db.open(store, "db", options(COUNTER))) {
      for (int round = 0; round < 6; round++) {
        for (int k = 0; k < 200; k++) {
          db.merge(b("c" + k), n(k), WriteOptions.noWait());
        }
        if (round == 2) {
          db.engine().flushMemtables();
        }
      }
      Snapshot snapshot = db.snapshot();
      for (int k = 0; k < 200; k++) {
        db.merge(b("c" + k), n(1000), WriteOptions.noWait());
      }
      db.engine().flushMemtables();
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      for (int k = 0; k < 200; k++) {
        assertThat(n(db.get(b("c" + k)))).isEqualTo(6L * k + 1000);
        assertThat(n(db.get(b("c" + k), ReadOptions.defaults().withSnapshot(snapshot))))
            .isEqualTo(6L * k);
      }
      snapshot.close();
    }
    try (Db db = Db.open(store, "db", options(COUNTER))) {
      assertThat(n(db.get(b("c7")))).isEqualTo(6L * 7 + 1000);
    }
  }

  @Test
  void anOperatorThatThrowsFailsTheReadNamingTheKeyAndChangesNothing() throws Exception {
    MergeOperator picky =
        (key, base, operands) -> {
          for (byte[] op : operands) {
            if (op.length == 0) {
              throw new IllegalArgumentException("empty operand");
            }
          }
          return COUNTER.fullMerge(key, base, operands);
        };
    try (Db db = Db.open(store, "db", options(picky))) {
      db.put(b("a"), n(5));
      db.merge(b("a"), new byte[0]);
      db.put(b("b"), n(1));
      assertThatThrownBy(() -> db.get(b("a")))
          .isInstanceOf(MergeOperatorException.class)
          .hasMessageContaining("\"a\"")
          .hasMessageContaining("empty operand");
      assertThat(n(db.get(b("b")))).isEqualTo(1);
      db.engine().flushMemtables();
      assertThat(db.awaitCompactions(WAIT)).isTrue();
      // Compaction could not fold the chain either, so it kept it as written.
      assertThatThrownBy(() -> db.get(b("a"))).isInstanceOf(MergeOperatorException.class);
      db.put(b("a"), n(9));
      assertThat(n(db.get(b("a")))).isEqualTo(9);
    }
  }

  @Test
  void operandsWithoutAnOperatorFailOnlyTheReadsOfTheirKeys() {
    try (Db db = Db.open(store, "db", options(COUNTER))) {
      db.merge(b("m"), n(1));
      db.put(b("p"), n(2));
    }
    try (Db db = Db.open(store, "db", options(null))) {
      assertThatThrownBy(() -> db.get(b("m")))
          .isInstanceOf(MergeOperatorException.class)
          .hasMessageContaining("no merge operator is configured");
      assertThat(n(db.get(b("p")))).isEqualTo(2);
    }
    try (Db db = Db.open(store, "db", options(COUNTER))) {
      assertThat(n(db.get(b("m")))).isEqualTo(1);
    }
  }

  @Test
  void aTransactionFoldsItsOperandsOverItsSnapshotAndCommitsThemAsOperands() {
    try (Db db = Db.open(store, "db", options(COUNTER))) {
      db.put(b("a"), n(10));
      try (Transaction t = db.beginTransaction()) {
        t.merge(b("a"), n(1));
        t.merge(b("a"), n(2));
        t.merge(b("new"), n(5));
        assertThat(n(t.get(b("a")))).isEqualTo(13);
        assertThat(values(t.scan(null, null))).hasSize(2);
        db.merge(b("other"), n(1)); // does not conflict
        t.commit();
      }
      assertThat(n(db.get(b("a")))).isEqualTo(13);
      assertThat(n(db.get(b("new")))).isEqualTo(5);
      try (Transaction t = db.beginTransaction()) {
        t.put(b("a"), n(100));
        t.merge(b("a"), n(1)); // folds over the own put at once
        assertThat(n(t.get(b("a")))).isEqualTo(101);
        t.commit();
      }
      assertThat(n(db.get(b("a")))).isEqualTo(101);
    }
  }

  @Test
  void aReaderFoldsWithItsOwnOperatorAndFailsPreciselyWithout() {
    try (Db db = Db.open(store, "db", options(COUNTER))) {
      db.put(b("c"), n(1));
      db.merge(b("c"), n(2));
      db.engine().flushMemtables();
      db.merge(b("c"), n(3));
      DbReaderOptions manual = DbReaderOptions.builder().pollInterval(Duration.ZERO).build();
      try (DbReader reader =
          DbReader.open(store, "db", manual.toBuilder().mergeOperator(COUNTER).build())) {
        assertThat(n(reader.get(b("c")))).isEqualTo(6);
        assertThat(values(reader.scan(null, null))).containsExactly("c=6");
      }
      try (DbReader reader = DbReader.open(store, "db", manual)) {
        assertThatThrownBy(() -> reader.get(b("c")))
            .isInstanceOf(MergeOperatorException.class)
            .hasMessageContaining("no merge operator");
      }
    }
  }

  @Test
  void theOperatorsOfADatabaseAndItsCompactionMustAgree() {
    MergeOperator other = (k, b, ops) -> b;
    assertThatThrownBy(
            () ->
                DbOptions.builder()
                    .mergeOperator(COUNTER)
                    .compaction(CompactionOptions.builder().mergeOperator(other).build())
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("different operators");
    DbOptions o = DbOptions.builder().mergeOperator(COUNTER).build();
    assertThat(o.compaction().mergeOperator()).isSameAs(COUNTER);
  }

  static List<String> values(DbIterator it) {
    List<String> out = new ArrayList<>();
    try (it) {
      while (it.hasNext()) {
        KeyValue kv = it.next();
        String v =
            kv.value().length == 8 && kv.value()[0] == 0
                ? Long.toString(n(kv.value()))
                : new String(kv.value(), StandardCharsets.UTF_8);
        out.add(new String(kv.key(), StandardCharsets.UTF_8) + "=" + v);
      }
    }
    return out;
  }
}
