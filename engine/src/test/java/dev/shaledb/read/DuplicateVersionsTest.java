package dev.shaledb.read;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.KeyValue;
import dev.shaledb.MergeOperator;
import dev.shaledb.iterate.VisibleIterator;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.support.CorruptionReporter;
import dev.shaledb.table.TableStore;
import dev.shaledb.view.DbView;
import dev.shaledb.view.Memtable;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Chaos seeds 20261512, 20261808 and 20262804: for a moment after a flush, a view may show a
 * memtable's versions twice (the memtable, and the table of a newer manifest the view adopted
 * first). Harmless for a put; a merge operand must still be folded once, by point reads and scans.
 */
class DuplicateVersionsTest {
  static final MergeOperator CONCAT =
      (key, base, operands) -> {
        StringBuilder s = new StringBuilder(base == null ? "" : new String(base));
        operands.forEach(op -> s.append(new String(op)));
        return s.toString().getBytes(StandardCharsets.UTF_8);
      };

  private static Memtable operands() {
    Memtable m = new Memtable();
    m.add(b("k"), 2, EntryKind.MERGE, b("b"));
    m.add(b("k"), 3, EntryKind.MERGE, b("c"));
    return m;
  }

  @Test
  void seed20262804_anOperandTwoSourcesHoldIsFoldedOnce() {
    Memtable base = new Memtable();
    base.add(b("k"), 1, EntryKind.PUT, b("a"));
    DbView view =
        new DbView(
            new Memtable(),
            List.of(
                new DbView.Frozen(operands(), 3, 0),
                new DbView.Frozen(operands(), 3, 0),
                new DbView.Frozen(base, 1, 0)),
            ManifestState.initial(),
            1);
    ReadPath reads =
        new ReadPath(
            new TableStore(new InMemoryObjectStore(), "db", null, CorruptionReporter.NONE),
            CONCAT,
            Clock.systemUTC());
    assertThat(reads.get(view, b("k"), 3)).asString().isEqualTo("abc");
    assertThat(reads.multiGet(view, new byte[][] {b("k")}, 3)[0]).asString().isEqualTo("abc");
    for (boolean reverse : new boolean[] {false, true}) {
      try (VisibleIterator it = reads.scan(view, null, null, 3, reverse, 0)) {
        KeyValue kv = it.next();
        assertThat(new String(kv.value())).as("reverse=%s", reverse).isEqualTo("abc");
        assertThat(it.hasNext()).isFalse();
      }
    }
  }

  static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
