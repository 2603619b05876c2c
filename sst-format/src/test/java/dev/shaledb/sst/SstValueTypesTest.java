package dev.shaledb.sst;

import static dev.shaledb.sst.SstTesting.key;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SstValueTypesTest {

  @Test
  void entryValidatesItsFields() {
    assertThatThrownBy(() -> SstEntry.put(null, 1, new byte[0]))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key is null");
    assertThatThrownBy(() -> SstEntry.put(new byte[0], 1, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("key length");
    assertThatThrownBy(() -> SstEntry.put(new byte[SstEntry.MAX_KEY_LENGTH + 1], 1, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SstEntry.put(key("k"), -1, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("seq");
    assertThatThrownBy(() -> SstEntry.put(key("k"), 1, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("value is null");
    assertThatThrownBy(() -> new SstEntry(key("k"), 1, EntryKind.DELETE, new byte[0], -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no value");
    assertThatThrownBy(() -> SstEntry.put(key("k"), 1, new byte[0]).withExpiry(-2))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SstEntry(key("k"), 1, null, null, -1))
        .isInstanceOf(NullPointerException.class);
    assertThat(SstEntry.put(new byte[SstEntry.MAX_KEY_LENGTH], Long.MAX_VALUE, new byte[0]).seq())
        .isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void entriesCompareArraysByContent() {
    SstEntry a = SstEntry.put(key("k"), 1, key("v")).withExpiry(5);
    SstEntry b = SstEntry.put(key("k"), 1, key("v")).withExpiry(5);
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(SstEntry.put(key("k"), 1, key("w")).withExpiry(5));
    assertThat(a.toString()).contains("0x6b", "seq=1", "expireAtMillis=5");
    assertThat(SstEntry.delete(key("k"), 1).hasExpiry()).isFalse();
    assertThat(SstEntry.delete(key("k"), 1).toString()).contains("value=null");
  }

  @Test
  void optionsValidateTheirFields() {
    SstOptions d = SstOptions.defaults();
    assertThat(d.blockSize()).isEqualTo(4096);
    assertThat(d.restartInterval()).isEqualTo(16);
    assertThat(d.bloomBitsPerKey()).isEqualTo(10);
    assertThat(d.compression()).isEqualTo(Compression.none());
    assertThatThrownBy(() -> d.withBlockSize(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withBlockSize(SstOptions.MAX_BLOCK_SIZE + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withRestartInterval(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withBloomBitsPerKey(65))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withBloomMinKeys(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> d.withCompression(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("compression is null");
  }

  @Test
  void compressionValidatesTheLevel() {
    assertThat(Compression.zstd().level()).isEqualTo(3);
    assertThatThrownBy(() -> Compression.zstd(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Compression.zstd(23)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Compression(CompressionCodec.LZ4, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Compression(null, 0)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void readerOptionsValidateTheirFields() {
    assertThat(SstReaderOptions.defaults().tailReadSize()).isEqualTo(64 * 1024);
    assertThatThrownBy(() -> SstReaderOptions.defaults().withTailReadSize(63))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SstReaderOptions.defaults().withBlockCache(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void infoValidatesItsFields() {
    byte[] a = key("a");
    byte[] b = key("b");
    assertThatThrownBy(() -> new SstInfo(100, b, a, 0, 1, 1, 0, 70))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SstInfo(100, a, b, 2, 1, 1, 0, 70))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SstInfo(100, a, b, 0, 1, -1, 0, 70))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new SstInfo(100, a, b, 0, 1, 0, 0, 70).entryCount())
        .as("a table of range tombstones only")
        .isZero();
    assertThatThrownBy(() -> new SstInfo(100, a, b, 0, 1, 1, 0, 101))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new SstInfo(100, a, b, 0, 1, 1, 0, 70))
        .isEqualTo(new SstInfo(100, key("a"), key("b"), 0, 1, 1, 0, 70));
  }

  @Test
  void persistentCodesNeverChange() {
    assertThat(EntryKind.PUT.code()).isZero();
    assertThat(EntryKind.DELETE.code()).isEqualTo(1);
    assertThat(EntryKind.MERGE.code()).isEqualTo(2);
    assertThat(EntryKind.fromCode(3)).isNull();
    assertThat(CompressionCodec.NONE.id()).isZero();
    assertThat(CompressionCodec.LZ4.id()).isEqualTo(1);
    assertThat(CompressionCodec.ZSTD.id()).isEqualTo(2);
    assertThat(CompressionCodec.fromId(3)).isNull();
  }
}
