package dev.shaledb.chaos;

import static dev.shaledb.objectstore.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.error.CorruptObjectException;
import dev.shaledb.objectstore.ByteRange;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.SstBuilder;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** How {@link CorruptionAudit} matches detections to damaged reads and judges the rest. */
class CorruptionAuditTest {
  private static final String TABLE = "db/sst/t.sst";
  private static final String MANIFEST = "db/manifest/00000000000000000002.manifest";

  private final InMemoryObjectStore store = new InMemoryObjectStore();
  private final CorruptionAudit audit = new CorruptionAudit(store);
  private final CorruptionLedger ledger = audit.process(1);
  private final SstLayout layout;
  private final long size;

  CorruptionAuditTest() {
    try (SstBuilder builder =
        SstBuilder.inMemory(SstOptions.defaults().withBlockSize(256), "table-1")) {
      for (int i = 0; i < 200; i++) {
        byte[] key = String.format("k%04d", i).getBytes(StandardCharsets.UTF_8);
        builder.add(key, i + 1, EntryKind.PUT, new byte[20], SstEntry.NO_EXPIRY);
      }
      builder.finish();
      ByteBuffer bytes = builder.bytes();
      size = bytes.remaining();
      join(store.put(TABLE, bytes, PutCondition.ifAbsent()));
    }
    layout = SstLayout.read(store, TABLE);
  }

  @Test
  void theLayoutTilesTheDataBlocksUpToTheTail() {
    assertThat(layout).isNotNull();
    assertThat(layout.blockStarts()).hasSizeGreaterThan(3);
    long at = 0;
    for (int i = 0; i < layout.blockStarts().length; i++) {
      assertThat(layout.blockStarts()[i]).isEqualTo(at);
      at += layout.blockLengths()[i];
    }
    assertThat(at).isEqualTo(layout.dataEnd()).isLessThan(size);
    assertThat(SstLayout.read(store, "db/sst/missing.sst")).isNull();
  }

  @Test
  void aDetectionMatchesTheDamagedReadOfItsKeyMadeBeforeIt() {
    ledger.damaged(read(MANIFEST, ByteRange.all(), 0, 300, 10, 11));
    ledger.detected(new CorruptObjectException("db/other", 5, "not ours"));
    ledger.detected(new CorruptObjectException(MANIFEST, 296, "manifest checksum mismatch"));
    Tally tally = new Tally();
    audit.classify(tally);
    assertThat(tally.get(Stat.CORRUPTIONS_DETECTED)).isEqualTo(1);
    assertThat(tally.get(Stat.DETECTIONS_UNMATCHED)).isEqualTo(1);
    assertThat(tally.get(Stat.CORRUPTIONS_UNDETECTED)).isZero();
    assertThat(tally.findings()).isEmpty();
  }

  @Test
  void aDamagedManifestNobodyReportedIsUndetectedAndFailsTheRun() {
    ledger.detected(new CorruptObjectException(MANIFEST, 10, "reported before the damage"));
    ledger.damaged(read(MANIFEST, ByteRange.all(), 0, 300, 10, 11));
    Tally tally = new Tally();
    audit.classify(tally);
    assertThat(tally.get(Stat.CORRUPTIONS_UNDETECTED)).isEqualTo(1);
    assertThat(tally.get(Stat.DETECTIONS_UNMATCHED)).isEqualTo(1);
    assertThat(tally.findings()).singleElement().asString().contains("undetected", MANIFEST);
  }

  /**
   * Seed 5041: a table's suffix read (its data-block damage never decoded) and a later read of one
   * of those blocks were both damaged; ranked by offset alone, the suffix read took the block
   * read's detection and the block read was called undetected.
   */
  @Test
  void seed5041TheDetectionGoesToTheBlockReadNotToTheSuffixReadThatSpannedIt() {
    long second = layout.blockStarts()[1];
    int length = layout.blockLengths()[1];
    ledger.damaged(read(TABLE, ByteRange.suffix(64 << 10), 0, (int) size, second, second + 1));
    ledger.damaged(
        read(TABLE, ByteRange.of(second, length), second, length, second + 2, second + 9));
    ledger.detected(new CorruptObjectException(TABLE, second, "data block read returned 3 bytes"));
    Tally tally = new Tally();
    audit.classify(tally);
    assertThat(tally.get(Stat.CORRUPTIONS_DETECTED)).isEqualTo(1);
    assertThat(tally.get(Stat.CORRUPTIONS_SKIPPED_TAIL_READ_DATA)).isEqualTo(1);
    assertThat(tally.get(Stat.CORRUPTIONS_UNDETECTED)).isZero();
    assertThat(tally.findings()).isEmpty();
  }

  @Test
  void tableReadsAreJudgedByWhichBytesTheirDecoderLooksAt() {
    long dataEnd = layout.dataEnd();
    ByteRange tail = ByteRange.suffix(64 << 10);
    long second = layout.blockStarts()[1];
    long secondEnd = second + layout.blockLengths()[1];
    int whole = (int) size;
    // An open decodes the tail only.
    assertThat(judge(tail, 0, whole, 5, 6)).isEqualTo(Stat.CORRUPTIONS_SKIPPED_TAIL_READ_DATA);
    assertThat(judge(tail, 0, whole, dataEnd, dataEnd + 1)).isEqualTo(Stat.CORRUPTIONS_UNDETECTED);
    // A block read decodes its block; a chunk its first block at once, the rest maybe.
    int chunk = (int) (size - second);
    ByteRange chunked = ByteRange.of(second, 4 << 20);
    assertThat(judge(chunked, second, chunk, second + 1, second + 2))
        .isEqualTo(Stat.CORRUPTIONS_UNDETECTED);
    assertThat(judge(chunked, second, chunk, secondEnd, secondEnd + 1))
        .isEqualTo(Stat.CORRUPTIONS_UNRESOLVED_CHUNK);
    assertThat(judge(chunked, second, chunk, dataEnd + 3, size))
        .isEqualTo(Stat.CORRUPTIONS_SKIPPED_PAST_DATA);
    assertThat(
            judge(
                ByteRange.of(second, layout.blockLengths()[1]),
                second,
                layout.blockLengths()[1],
                secondEnd - 1,
                secondEnd))
        .isEqualTo(Stat.CORRUPTIONS_UNDETECTED);
    // Nothing is claimed about a table whose layout is unknown.
    DamagedRead r = read(TABLE, chunked, second, chunk, secondEnd, secondEnd + 1);
    assertThat(CorruptionAudit.judge(new CorruptionLedger.Damage(r, null)))
        .isEqualTo(Stat.CORRUPTIONS_UNRESOLVED_NO_LAYOUT);
  }

  private Stat judge(ByteRange range, long offset, int length, long from, long to) {
    DamagedRead r = read(TABLE, range, offset, length, from, to);
    return CorruptionAudit.judge(new CorruptionLedger.Damage(r, layout));
  }

  private static DamagedRead read(
      String key, ByteRange range, long offset, int length, long from, long to) {
    return new DamagedRead(
        key, range, offset, length, FaultKind.CORRUPT_BIT_FLIP, from, to, System.nanoTime());
  }
}
