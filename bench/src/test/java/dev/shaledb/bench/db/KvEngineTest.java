package dev.shaledb.bench.db;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Both adapters behave alike, so a benchmark's ratio compares the same work. */
class KvEngineTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"shaledb", "rocksdb"})
  void putGetScanAndReopen(String engine) {
    byte[][] values = BenchData.values(100, 1);
    try (KvEngine kv = KvEngine.open(engine, dir, true)) {
      BenchData.fillSeq(kv, 300, 16, values);
      kv.put(BenchData.setKey(BenchData.newKey(16), 7), "seven".getBytes(UTF_8));
      assertThat(kv.get(BenchData.setKey(BenchData.newKey(16), 7)))
          .asString(UTF_8)
          .isEqualTo("seven");
      assertThat(kv.get(BenchData.setKey(BenchData.newKey(16), 300))).isNull();
      kv.flush();
    }
    try (KvEngine kv = KvEngine.open(engine, dir, false)) {
      kv.awaitCompactions();
      assertThat(kv.get(BenchData.setKey(BenchData.newKey(16), 7)))
          .asString(UTF_8)
          .isEqualTo("seven");
      assertThat(kv.get(BenchData.setKey(BenchData.newKey(16), 8))).isEqualTo(values[8]);
      List<Long> seen = new ArrayList<>();
      try (KvEngine.Cursor cursor = kv.scan(BenchData.setKey(BenchData.newKey(16), 290))) {
        while (cursor.next()) {
          seen.add(java.nio.ByteBuffer.wrap(cursor.key()).getLong());
        }
      }
      assertThat(seen).containsExactly(290L, 291L, 292L, 293L, 294L, 295L, 296L, 297L, 298L, 299L);
      try (KvEngine.Cursor cursor = kv.scan(null)) {
        assertThat(cursor.next()).isTrue();
        assertThat(java.nio.ByteBuffer.wrap(cursor.key()).getLong()).isZero();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bogus"})
  void unknownEngine(String engine) {
    assertThatThrownBy(() -> KvEngine.open(engine, dir, true))
        .hasMessageContaining("unknown engine 'bogus'");
  }

  @org.junit.jupiter.api.Test
  void keysSortLikeTheirNumbers() {
    byte[] a = BenchData.setKey(BenchData.newKey(20), 255).clone();
    byte[] b = BenchData.setKey(BenchData.newKey(20), 256).clone();
    assertThat(java.util.Arrays.compareUnsigned(a, b)).isNegative();
    assertThat(a).hasSize(20);
    assertThat(a[19]).isEqualTo((byte) '0');
  }
}
