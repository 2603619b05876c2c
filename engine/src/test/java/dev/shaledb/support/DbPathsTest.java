package dev.shaledb.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which names below a database path are a database's (docs/engine.md). */
class DbPathsTest {
  @Test
  void aDatabasesFoldersAtAnyDepthAreNotForeign() {
    assertThat(DbPaths.isDatabaseEntry("manifest/00000000000000000001.manifest")).isTrue();
    assertThat(DbPaths.isDatabaseEntry("wal/00000000000000000001.wal")).isTrue();
    assertThat(DbPaths.isDatabaseEntry("sst/x.sst")).isTrue();
    assertThat(DbPaths.isDatabaseEntry("gc/clock")).isTrue();
    assertThat(DbPaths.isDatabaseEntry("probe/verified")).isTrue();
    assertThat(DbPaths.isDatabaseEntry("orders/manifest/00000000000000000001.manifest")).isTrue();
    assertThat(DbPaths.isDatabaseEntry("a/b/sst/x.sst")).isTrue();
    assertThat(DbPaths.isDatabaseEntry("wal/")).as("an empty folder of ours").isTrue();
  }

  @Test
  void everythingElseIsForeign() {
    assertThat(DbPaths.isDatabaseEntry("notes.txt")).isFalse();
    assertThat(DbPaths.isDatabaseEntry("manifest")).as("a file, not the folder").isFalse();
    assertThat(DbPaths.isDatabaseEntry("photos/cat.jpg")).isFalse();
    assertThat(DbPaths.isDatabaseEntry("photos/")).isFalse();
    assertThat(DbPaths.isDatabaseEntry("manifests/1")).isFalse();
  }
}
