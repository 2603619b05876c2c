package dev.shaledb.wal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WalValueTypesTest {
  private static final byte[] K = "k".getBytes(UTF_8);

  @Test
  void entriesValidateAndCopy() {
    assertThatThrownBy(() -> WalEntry.put(null, K)).hasMessage("key is null");
    assertThatThrownBy(() -> WalEntry.put(new byte[0], K)).hasMessageContaining("key length 0");
    assertThatThrownBy(() -> WalEntry.put(new byte[65_536], K)).hasMessageContaining("65536");
    assertThatThrownBy(() -> WalEntry.put(K, null)).hasMessage("value of a put is null");
    assertThatThrownBy(() -> new WalEntry(WalEntry.Kind.DELETE, K, K))
        .hasMessageContaining("no value");
    assertThatThrownBy(() -> WalEntry.put(K, new byte[WalEntry.MAX_VALUE_BYTES + 1]))
        .hasMessageContaining("exceeds");
    byte[] key = "a".getBytes(UTF_8);
    WalEntry e = WalEntry.put(key, K);
    key[0] = 'z';
    assertThat(e.key()).isEqualTo("a".getBytes(UTF_8));
    assertThat(e).isEqualTo(WalEntry.put("a".getBytes(UTF_8), K));
    assertThat(e.hashCode()).isEqualTo(WalEntry.put("a".getBytes(UTF_8), K).hashCode());
    assertThat(WalEntry.delete(K).value()).isNull();
    assertThat(e.toString()).contains("PUT", "61");
  }

  @Test
  void batchesValidate() {
    assertThatThrownBy(() -> new WalBatch(1, List.of())).hasMessageContaining("no entries");
    assertThatThrownBy(() -> WalBatch.of(0, WalEntry.delete(K))).hasMessageContaining("firstSeq 0");
    assertThatThrownBy(() -> WalBatch.of(Long.MAX_VALUE, WalEntry.delete(K)))
        .hasMessageContaining("firstSeq");
    assertThatThrownBy(() -> new WalBatch(1, null)).hasMessage("entries is null");
    WalEntry big = WalEntry.put(K, new byte[WalEntry.MAX_VALUE_BYTES]);
    assertThatThrownBy(() -> WalBatch.of(1, big, big, big, big)).hasMessageContaining("encodes to");
    assertThat(WalBatch.of(5, WalEntry.delete(K), WalEntry.delete(K)).lastSeq()).isEqualTo(6);
  }

  @Test
  void headersValidate() {
    UUID w = new UUID(1, 1);
    assertThatThrownBy(() -> new WalObjectHeader(0, 1, 0, w, true, 0))
        .hasMessageContaining("walId");
    assertThatThrownBy(() -> new WalObjectHeader(1, 0, 0, w, true, 0))
        .hasMessageContaining("epoch");
    assertThatThrownBy(() -> new WalObjectHeader(3, 1, 3, w, false, 1))
        .hasMessageContaining("prevId");
    assertThatThrownBy(() -> new WalObjectHeader(3, 1, 0, w, true, 1))
        .hasMessageContaining("fence has batches");
    assertThatThrownBy(() -> new WalObjectHeader(3, 1, 2, w, false, 0))
        .hasMessageContaining("must be a fence");
    assertThatThrownBy(() -> new WalObjectHeader(3, 1, 2, w, true, 0))
        .hasMessageContaining("previous id");
    assertThatThrownBy(() -> new WalObjectHeader(3, 1, 2, null, false, 1))
        .hasMessage("writeId is null");
  }

  @Test
  void keysFormatAndParse() {
    assertThat(WalKeys.key("", 1)).isEqualTo("wal/00000000000000000001.wal");
    assertThat(WalKeys.key("a/b", 12)).isEqualTo("a/b/wal/00000000000000000012.wal");
    assertThat(WalKeys.parseId("a/b", "a/b/wal/00000000000000000012.wal")).hasValue(12);
    assertThat(WalKeys.parseId("a/b", "a/b/wal/0000000000000000001x.wal")).isEmpty();
    assertThat(WalKeys.parseId("a/b", "a/b/wal/99999999999999999999.wal")).isEmpty();
    assertThat(WalKeys.parseId("a", "a/wal/00000000000000000000.wal")).isEmpty();
    assertThat(WalKeys.parseId("a", "a/manifest/00000000000000000001.manifest")).isEmpty();
    assertThatThrownBy(() -> WalKeys.key("", 0)).hasMessageContaining("not positive");
    assertThatThrownBy(() -> WalKeys.validateDbPath("a/"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WalKeys.validateDbPath("a/../b"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void optionsValidate() {
    WalWriterOptions d = WalWriterOptions.defaults();
    assertThat(d.maxInFlight()).isEqualTo(1);
    assertThatThrownBy(() -> d.withMaxInFlight(0)).hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> d.withMaxObjectBytes(10)).hasMessageContaining("too small");
    assertThatThrownBy(() -> d.withMaxBufferedBytes(1000)).hasMessageContaining("maxBufferedBytes");
    assertThatThrownBy(() -> d.withFlushInterval(Duration.ZERO))
        .hasMessageContaining("flushInterval");
    assertThatThrownBy(() -> d.withCloseTimeout(null)).hasMessage("closeTimeout is null");
    assertThat(d.withMaxObjectBytes(128 << 20).maxBufferedBytes()).isEqualTo(128L << 20);
  }
}
