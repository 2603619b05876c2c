package dev.shaledb.txn;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.TransactionConflictException;
import org.junit.jupiter.api.Test;

/**
 * The conflict index alone: what it keeps, what it drops, and that dropping never hides a conflict.
 */
class ConflictIndexTest {
  private static byte[] k(String s) {
    return s.getBytes(UTF_8);
  }

  @Test
  void keysWrittenAfterASnapshotConflictAndOlderOnesDoNot() {
    ConflictIndex index = new ConflictIndex(1 << 20);
    index.open(10);
    index.record(k("a"), 11);
    index.record(k("b"), 12);
    assertThatThrownBy(() -> index.checkKey(k("a"), 10, "writes"))
        .isInstanceOf(TransactionConflictException.class)
        .hasMessageContaining("\"a\"")
        .hasMessageContaining("11");
    assertThatCode(() -> index.checkKey(k("a"), 11, "writes")).doesNotThrowAnyException();
    assertThatCode(() -> index.checkKey(k("c"), 0, "writes")).doesNotThrowAnyException();
    assertThatThrownBy(() -> index.checkRange(k("b"), k("c"), 10))
        .isInstanceOfSatisfying(
            TransactionConflictException.class, e -> assertThat(e.key()).isEqualTo(k("b")));
    assertThatCode(() -> index.checkRange(k("c"), null, 10)).doesNotThrowAnyException();
    assertThatCode(() -> index.checkRange(null, k("a"), 10)).doesNotThrowAnyException();
  }

  @Test
  void entriesNoOpenSnapshotNeedsAreDroppedAndTheLastCloseEmptiesIt() {
    ConflictIndex index = new ConflictIndex(1 << 20);
    index.open(10);
    index.open(20);
    index.record(k("a"), 11);
    index.record(k("b"), 21);
    index.record(k("a"), 22);
    index.close(10); // oldest open is now 20: ("a",11) is useless, but "a" was written again at 22
    assertThat(index.size()).isEqualTo(2);
    assertThatThrownBy(() -> index.checkKey(k("a"), 20, "writes"))
        .isInstanceOf(TransactionConflictException.class);
    index.close(20);
    assertThat(index.tracking()).isFalse();
    assertThat(index.size()).isZero();
  }

  @Test
  void pastItsBudgetTheOldestGoAndTheFloorFailsTransactionsBelowIt() {
    ConflictIndex index = new ConflictIndex(4 * (ConflictIndex.ENTRY_OVERHEAD + 2));
    index.open(0);
    index.open(5);
    for (int i = 1; i <= 6; i++) {
      index.record(k("k" + i), i);
    }
    assertThat(index.size()).isEqualTo(4);
    // Keys 1 and 2 were dropped: a snapshot below 2 cannot be checked key by key.
    assertThatThrownBy(() -> index.checkFloor(0))
        .isInstanceOfSatisfying(
            TransactionConflictException.class, e -> assertThat(e.key()).isNull());
    assertThatCode(() -> index.checkFloor(5)).doesNotThrowAnyException();
    assertThatThrownBy(() -> index.checkKey(k("k6"), 5, "read"))
        .isInstanceOf(TransactionConflictException.class);
  }

  @Test
  void aBudgetBelowOneEntryIsRefused() {
    assertThatThrownBy(() -> new ConflictIndex(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("below one entry");
  }
}
