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
  void mergesCarryAnOperandWithThePutLimits() {
    assertThatThrownBy(() -> WalEntry.merge(K, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("operand is null");
    assertThatThrownBy(() -> WalEntry.merge(K, new byte[WalEntry.MAX_VALUE_BYTES + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("value length 16777217 exceeds 16777216");
    assertThatThrownBy(() -> WalEntry.merge(new byte[0], K))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("key length 0 is not 1..65535");
    byte[] operand = {1, 2};
    WalEntry e = WalEntry.merge(K, operand);
    operand[0] = 9;
    assertThat(e.value()).containsExactly(1, 2);
    assertThat(e.kind()).isEqualTo(WalEntry.Kind.MERGE);
    assertThat(e.hasExpiry()).isFalse();
    assertThat(WalEntry.merge(K, new byte[0]).value()).isEmpty();
  }

  @Test
  void rangeDeletesNeedAnEndThatSortsAfterTheStart() {
    assertThatThrownBy(() -> WalEntry.deleteRange(K, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("end of a range delete is null");
    assertThatThrownBy(() -> WalEntry.deleteRange(null, K))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("key is null");
    assertThatThrownBy(() -> WalEntry.deleteRange(new byte[] {0}, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("range end length 0 is not 1..65535");
    assertThatThrownBy(() -> WalEntry.deleteRange(new byte[] {0}, new byte[65_536]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("range end length 65536 is not 1..65535");
    String notBefore = "range start must sort strictly before its end (unsigned bytes)";
    assertThatThrownBy(() -> WalEntry.deleteRange(b("k"), b("k")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(notBefore);
    assertThatThrownBy(() -> WalEntry.deleteRange(b("ab"), b("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(notBefore);
    // Unsigned order: 0x80 sorts after 0x7f although it is negative as a Java byte.
    assertThatThrownBy(() -> WalEntry.deleteRange(new byte[] {(byte) 0x80}, new byte[] {0x7f}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(notBefore);
    assertThat(WalEntry.deleteRange(new byte[] {0x7f}, new byte[] {(byte) 0x80}).rangeEnd())
        .containsExactly(0x80);
    byte[] end = b("ab");
    WalEntry range = WalEntry.deleteRange(b("a"), end);
    end[0] = 'z';
    assertThat(range.rangeEnd()).isEqualTo(b("ab"));
    assertThat(range.value()).isEqualTo(b("ab"));
    range.rangeEnd()[0] = 'z';
    assertThat(range.rangeEnd()).isEqualTo(b("ab"));
    assertThat(range.toString()).isEqualTo("DELETE_RANGE[61..6162]");
  }

  @Test
  void onlyARangeDeleteHasARangeEnd() {
    assertThatThrownBy(() -> WalEntry.put(K, K).rangeEnd())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a PUT has no range end");
    assertThatThrownBy(() -> WalEntry.delete(K).rangeEnd())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a DELETE has no range end");
    assertThatThrownBy(() -> WalEntry.merge(K, K).rangeEnd())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a MERGE has no range end");
  }

  @Test
  void onlyPutsAndMergesExpireAndNeverBeforeZero() {
    assertThatThrownBy(() -> new WalEntry(WalEntry.Kind.DELETE, K, null, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a DELETE cannot expire; only PUT and MERGE can");
    assertThatThrownBy(() -> new WalEntry(WalEntry.Kind.DELETE_RANGE, b("a"), b("b"), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a DELETE_RANGE cannot expire; only PUT and MERGE can");
    assertThatThrownBy(() -> WalEntry.put(K, K, -2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expireAtMillis -2 is negative and not NO_EXPIRY");
    assertThatThrownBy(() -> WalEntry.merge(K, K, Long.MIN_VALUE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expireAtMillis " + Long.MIN_VALUE + " is negative and not NO_EXPIRY");
    assertThat(WalEntry.put(K, K, 0).hasExpiry()).isTrue();
    assertThat(WalEntry.merge(K, K, Long.MAX_VALUE).expireAtMillis()).isEqualTo(Long.MAX_VALUE);
    assertThat(WalEntry.put(K, K, WalEntry.NO_EXPIRY)).isEqualTo(WalEntry.put(K, K));
    assertThat(new WalEntry(WalEntry.Kind.PUT, K, K).expireAtMillis()).isEqualTo(-1);
    assertThat(WalEntry.delete(K).hasExpiry()).isFalse();
    assertThat(WalEntry.deleteRange(b("a"), b("b")).hasExpiry()).isFalse();
  }

  @Test
  void theExpiryTakesPartInEqualityAndText() {
    WalEntry five = WalEntry.put(K, K, 5);
    assertThat(five).isEqualTo(WalEntry.put(K, K, 5));
    assertThat(five.hashCode()).isEqualTo(WalEntry.put(K, K, 5).hashCode());
    assertThat(five).isNotEqualTo(WalEntry.put(K, K, 6)).isNotEqualTo(WalEntry.put(K, K));
    assertThat(five.hashCode()).isNotEqualTo(WalEntry.put(K, K).hashCode());
    assertThat(five).isNotEqualTo(WalEntry.merge(K, K, 5));
    assertThat(five.toString()).isEqualTo("PUT[6b=1B expires 5]");
    assertThat(WalEntry.merge(K, K).toString()).isEqualTo("MERGE[6b=1B]");
  }

  @Test
  void kindCodesAreThePersistentFormat() {
    assertThat(WalEntry.Kind.values()).extracting(k -> k.code).containsExactly(1, 2, 3, 4);
    assertThat(WalEntry.Kind.ofCode(4)).isEqualTo(WalEntry.Kind.DELETE_RANGE);
    assertThat(WalEntry.Kind.ofCode(0)).isNull();
    assertThat(WalEntry.Kind.ofCode(5)).isNull();
  }

  @Test
  void encodedSizesCountEveryField() {
    assertThat(WalEntry.put(K, new byte[10]).encodedSize()).isEqualTo(1 + 2 + 1 + 4 + 10);
    assertThat(WalEntry.put(K, new byte[10], 7).encodedSize()).isEqualTo(1 + 2 + 1 + 8 + 4 + 10);
    assertThat(WalEntry.merge(K, new byte[3]).encodedSize()).isEqualTo(1 + 2 + 1 + 4 + 3);
    assertThat(WalEntry.merge(K, new byte[3], 7).encodedSize()).isEqualTo(1 + 2 + 1 + 8 + 4 + 3);
    assertThat(WalEntry.delete(K).encodedSize()).isEqualTo(1 + 2 + 1);
    assertThat(WalEntry.deleteRange(b("a"), b("bcd")).encodedSize()).isEqualTo(1 + 2 + 1 + 2 + 3);
    assertThat(WalEntry.put(K, K).needsVersion2()).isFalse();
    assertThat(WalEntry.delete(K).needsVersion2()).isFalse();
    assertThat(WalEntry.put(K, K, 0).needsVersion2()).isTrue();
    assertThat(WalEntry.merge(K, K).needsVersion2()).isTrue();
    assertThat(WalEntry.deleteRange(b("a"), b("b")).needsVersion2()).isTrue();
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
    assertThat(d.maxInFlight()).isEqualTo(3);
    assertThat(d.overlapFraction()).isEqualTo(0.25);
    assertThatThrownBy(() -> d.withOverlapFraction(-0.1)).hasMessageContaining("overlapFraction");
    assertThatThrownBy(() -> d.withOverlapFraction(Double.NaN))
        .hasMessageContaining("overlapFraction");
    assertThatThrownBy(() -> d.withOverlapFraction(11)).hasMessageContaining("overlapFraction");
    assertThat(d.withMaxInFlight(3).overlapFraction()).isEqualTo(0.25);
    assertThatThrownBy(() -> d.withMaxInFlight(0)).hasMessageContaining("maxInFlight");
    assertThatThrownBy(() -> d.withMaxObjectBytes(10)).hasMessageContaining("too small");
    assertThatThrownBy(() -> d.withMaxBufferedBytes(1000)).hasMessageContaining("maxBufferedBytes");
    assertThatThrownBy(() -> d.withFlushInterval(Duration.ZERO))
        .hasMessageContaining("flushInterval");
    assertThatThrownBy(() -> d.withCloseTimeout(null)).hasMessage("closeTimeout is null");
    assertThat(d.withMaxObjectBytes(128 << 20).maxBufferedBytes()).isEqualTo(128L << 20);
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }
}
