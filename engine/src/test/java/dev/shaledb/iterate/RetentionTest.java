package dev.shaledb.iterate;

import static dev.shaledb.Testing.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.sst.EntryKind;
import org.junit.jupiter.api.Test;

class RetentionTest {
  @Test
  void keepsEveryVersionAboveTheOldestReaderAndTheNewestBelowIt() {
    Retention r = new Retention(10, false);
    assertThat(r.keep(b("a"), 15, EntryKind.PUT)).isTrue();
    assertThat(r.keep(b("a"), 12, EntryKind.PUT)).isTrue();
    assertThat(r.keep(b("a"), 9, EntryKind.PUT)).as("what a reader at 10 sees").isTrue();
    assertThat(r.keep(b("a"), 5, EntryKind.PUT)).as("hidden from every reader").isFalse();
    assertThat(r.keep(b("b"), 3, EntryKind.DELETE)).as("not at the bottom").isTrue();
    assertThat(r.keep(b("b"), 2, EntryKind.PUT)).isFalse();
  }

  @Test
  void atTheBottomATombstoneGoesWithWhatItHides() {
    Retention r = new Retention(Long.MAX_VALUE, true);
    assertThat(r.keep(b("a"), 7, EntryKind.DELETE)).isFalse();
    assertThat(r.keep(b("a"), 4, EntryKind.PUT)).isFalse();
    assertThat(r.keep(b("b"), 6, EntryKind.PUT)).isTrue();
    Retention withReader = new Retention(5, true);
    assertThat(withReader.keep(b("a"), 7, EntryKind.DELETE)).as("a reader above 5").isTrue();
    assertThat(withReader.keep(b("a"), 4, EntryKind.PUT)).as("what a reader at 5 sees").isTrue();
  }
}
