package dev.shaledb.write;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.sst.EntryKind;
import dev.shaledb.view.Memtable;
import dev.shaledb.wal.WalBatch;
import dev.shaledb.wal.WalEntry;
import java.util.List;
import org.junit.jupiter.api.Test;

class WalApplyTest {
  private final WalBatch batch =
      new WalBatch(
          10,
          List.of(
              WalEntry.put(b("a"), b("1")), WalEntry.delete(b("b")), WalEntry.put(b("c"), b("3"))));

  @Test
  void entryIGetsFirstSeqPlusIAndItsKind() {
    Memtable m = new Memtable();
    assertThat(WalApply.apply(batch, 0, m)).isEqualTo(12);
    assertThat(m.get(b("a"), Long.MAX_VALUE).seq()).isEqualTo(10);
    assertThat(m.get(b("a"), Long.MAX_VALUE).value()).isEqualTo(b("1"));
    assertThat(m.get(b("b"), Long.MAX_VALUE).seq()).isEqualTo(11);
    assertThat(m.get(b("b"), Long.MAX_VALUE).kind()).isEqualTo(EntryKind.DELETE);
    assertThat(m.get(b("c"), Long.MAX_VALUE).seq()).isEqualTo(12);
  }

  @Test
  void versionsAtOrBelowWhatIsAppliedAreSkipped() {
    Memtable m = new Memtable();
    assertThat(WalApply.apply(batch, 11, m)).isEqualTo(12);
    assertThat(m.get(b("a"), Long.MAX_VALUE)).isNull();
    assertThat(m.get(b("b"), Long.MAX_VALUE)).isNull();
    assertThat(m.get(b("c"), Long.MAX_VALUE).seq()).isEqualTo(12);
    // Applying again (a reader's retry, a replay over a flushed range) adds nothing.
    assertThat(WalApply.apply(batch, 12, m)).isEqualTo(12);
    assertThat(m.approximateBytes()).isPositive();
  }
}
