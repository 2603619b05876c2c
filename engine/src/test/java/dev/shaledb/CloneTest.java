package dev.shaledb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.shaledb.error.CheckpointNotFoundException;
import dev.shaledb.error.DbExistsException;
import dev.shaledb.error.DbNotFoundException;
import dev.shaledb.manifest.Checkpoint;
import dev.shaledb.manifest.ManifestState;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.InMemoryObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.table.TableKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Clones: what they hold, that writes stay apart, and that neither collector takes the other's. */
class CloneTest {
  private final InMemoryObjectStore store = new InMemoryObjectStore();

  static DbOptions options() {
    return DbModelPropertyTest.tinyOptions().toBuilder()
        .gc(GcOptions.builder().minAge(Duration.ZERO).interval(Duration.ZERO).build())
        .build();
  }

  static DbOptions detaching() {
    return options().toBuilder()
        .compaction(DbModelPropertyTest.tinyCompaction().rewriteBorrowedTables(true).build())
        .build();
  }

  @Test
  void aCloneHoldsTheSourcesStateAndSharesItsTablesWithoutCopyingThem() {
    TreeMap<String, String> model = new TreeMap<>();
    try (Db source = Db.open(store, "src", options())) {
      write(source, model, "a", 300);
      source.flush();
      CloneInfo info = source.createClone("dst");
      assertThat(info.sharedTables()).isPositive();
      assertThat(info.sharedBytes()).isPositive();
      assertThat(keys("dst/sst/")).isEmpty(); // nothing copied
    }
    try (DbReader clone = DbReader.open(store, "dst")) {
      assertThat(contents(clone)).isEqualTo(model);
    }
    try (Db clone = Db.open(store, "dst", options())) {
      assertThat(contents(clone)).isEqualTo(model);
    }
  }

  @Test
  void writesToACloneNeverTouchTheSourceNorTheOtherWayRound() throws Exception {
    TreeMap<String, String> sourceModel = new TreeMap<>();
    try (Db source = Db.open(store, "src", options())) {
      write(source, sourceModel, "a", 200);
      source.createClone("dst");
    }
    TreeMap<String, String> cloneModel = new TreeMap<>(sourceModel);
    Map<String, String> sourceObjects = objects("src/");
    sourceObjects.keySet().removeIf(k -> k.startsWith("src/manifest/"));
    ManifestState sourceState = latest("src");
    try (Db clone = Db.open(store, "dst", options())) {
      write(clone, cloneModel, "a", 150);
      write(clone, cloneModel, "z", 150);
      for (int i = 0; i < 50; i++) {
        clone.delete(key("a", i));
        cloneModel.remove("a" + i);
      }
      clone.flush();
      assertThat(clone.awaitCompactions(Duration.ofSeconds(30))).isTrue();
      clone.collectGarbage();
      assertThat(contents(clone)).isEqualTo(cloneModel);
    }
    // The clone compacted everything it shared (tiny options), so its collector released its pin:
    // the one change to the source, which lost the checkpoint and nothing else.
    Map<String, String> after = objects("src/");
    after.keySet().removeIf(k -> k.startsWith("src/manifest/"));
    assertThat(after).isEqualTo(sourceObjects);
    assertThat(latest("dst").hasBorrowedTables()).isFalse();
    assertThat(latest("src"))
        .isEqualTo(sourceState.toBuilder().checkpoints(java.util.List.of()).build());
    try (Db source = Db.open(store, "src", options())) {
      assertThat(contents(source)).isEqualTo(sourceModel);
      write(source, sourceModel, "m", 200);
      source.flush();
      assertThat(source.awaitCompactions(Duration.ofSeconds(30))).isTrue();
      source.collectGarbage();
    }
    try (DbReader clone = DbReader.open(store, "dst")) {
      assertThat(contents(clone)).isEqualTo(cloneModel);
    }
  }

  @Test
  void theSourcesCollectorKeepsSharedTablesUntilTheCloneNoLongerListsThem() throws Exception {
    TreeMap<String, String> model = new TreeMap<>();
    try (Db source = Db.open(store, "src", options())) {
      write(source, model, "a", 300);
      source.createClone("dst");
      // The source rewrites and collects everything the clone shares.
      write(source, new TreeMap<>(), "a", 300);
      source.flush();
      assertThat(source.awaitCompactions(Duration.ofSeconds(30))).isTrue();
      source.collectGarbage();
      assertThat(cloneCheckpoints(source)).hasSize(1);
    }
    ManifestState first = latest("dst");
    assertThat(first.hasBorrowedTables()).isTrue();
    try (DbReader clone = DbReader.open(store, "dst")) {
      assertThat(contents(clone)).isEqualTo(model);
    }
    // The clone compacts the shared tables away; its collector then releases the pin.
    try (Db clone = Db.open(store, "dst", detaching())) {
      clone.put(bytes("b0"), bytes("v"));
      model.put("b0", "v");
      clone.flush();
      assertThat(clone.awaitCompactions(Duration.ofSeconds(30))).isTrue();
      waitUntilNoBorrowedTables(clone, "dst");
      clone.collectGarbage();
      assertThat(latest("dst").clonePins()).isEmpty();
      assertThat(contents(clone)).isEqualTo(model);
    }
    try (Db source = Db.open(store, "src", options())) {
      assertThat(cloneCheckpoints(source)).isEmpty();
      source.collectGarbage();
      for (var t : first.l0()) {
        assertThat(exists(TableKeys.key("src", t.id()))).isFalse();
      }
    }
    try (DbReader clone = DbReader.open(store, "dst")) {
      assertThat(contents(clone)).isEqualTo(model);
    }
  }

  @Test
  void aCloneOfACloneKeepsTheFirstSourcesTablesThroughItsParent() throws Exception {
    TreeMap<String, String> model = new TreeMap<>();
    try (Db source = Db.open(store, "s", options())) {
      write(source, model, "a", 200);
      source.createClone("c");
    }
    // Without compaction the middle clone still shares every table of "s" when it is cloned.
    DbOptions noCompaction = options().toBuilder().compaction(CompactionOptions.disabled()).build();
    try (Db c = Db.open(store, "c", noCompaction)) {
      write(c, model, "b", 100);
      c.createClone("d");
    }
    ManifestState d = latest("d");
    assertThat(homes(d)).containsOnlyKeys("s", "c");
    // The middle clone detaches; it must keep its pin in "s" while "d" lists tables of "s".
    try (Db c = Db.open(store, "c", detaching())) {
      c.put(bytes("c0"), bytes("v"));
      c.flush();
      assertThat(c.awaitCompactions(Duration.ofSeconds(30))).isTrue();
      waitUntilNoBorrowedTables(c, "c");
      c.collectGarbage();
      assertThat(latest("c").clonePins()).hasSize(1);
    }
    try (Db s = Db.open(store, "s", options())) {
      write(s, new TreeMap<>(), "a", 200);
      s.flush();
      assertThat(s.awaitCompactions(Duration.ofSeconds(30))).isTrue();
      s.collectGarbage();
    }
    try (DbReader reader = DbReader.open(store, "d")) {
      assertThat(contents(reader)).isEqualTo(model);
    }
  }

  @Test
  void aCloneFromACheckpointHoldsExactlyTheCheckpointsState() {
    TreeMap<String, String> model = new TreeMap<>();
    UUID checkpoint;
    try (Db source = Db.open(store, "src", options())) {
      write(source, model, "a", 100);
      checkpoint = source.createCheckpoint("before", null).id();
      write(source, new TreeMap<>(), "b", 100);
      source.flush();
    }
    CloneInfo info = Clones.create(store, "src", "dst", checkpoint);
    assertThat(info.sourceCheckpointId()).isNotEqualTo(checkpoint);
    try (DbReader clone = DbReader.open(store, "dst")) {
      assertThat(contents(clone)).isEqualTo(model);
    }
  }

  @Test
  void badClonesAreRefusedAndChangeNothing() {
    try (Db source = Db.open(store, "src", options())) {
      write(source, new TreeMap<>(), "a", 50);
      source.flush();
    }
    try (Db other = Db.open(store, "taken", options())) {
      other.put(bytes("k"), bytes("v"));
    }
    Map<String, String> before = objects("");
    assertThatThrownBy(() -> Clones.create(store, "src", "taken"))
        .isInstanceOf(DbExistsException.class)
        .hasMessageContaining("'taken'");
    assertThatThrownBy(() -> Clones.create(store, "src", "dst", UUID.randomUUID()))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessageContaining("'src'");
    assertThatThrownBy(() -> Clones.create(store, "nothing", "dst"))
        .isInstanceOf(DbNotFoundException.class)
        .hasMessageContaining("'nothing'");
    assertThatThrownBy(() -> Clones.create(store, "src", "src"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Clones.create(store, "src", "../x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'../x'");
    // A refused target keeps its bytes; the source only gained and lost the pin (two versions).
    Map<String, String> after = objects("");
    after.keySet().removeIf(k -> k.startsWith("src/manifest/") || k.startsWith("src/gc/"));
    Map<String, String> expected = new TreeMap<>(before);
    expected.keySet().removeIf(k -> k.startsWith("src/manifest/") || k.startsWith("src/gc/"));
    assertThat(after).isEqualTo(expected);
    assertThat(latest("src").checkpoints()).isEmpty();
  }

  @Test
  void aCheckpointThatExpiresBeforeThePinLandsIsRefused() throws Exception {
    UUID checkpoint;
    try (Db source = Db.open(store, "src", options())) {
      write(source, new TreeMap<>(), "a", 50);
      checkpoint = source.createCheckpoint("short", Duration.ofMillis(1)).id();
    }
    Thread.sleep(5);
    assertThatThrownBy(() -> Clones.create(store, "src", "dst", checkpoint))
        .isInstanceOf(CheckpointNotFoundException.class)
        .hasMessageContaining("expired");
    assertThat(latest("src").checkpoints()).extracting(Checkpoint::id).containsExactly(checkpoint);
    assertThat(keys("dst/")).isEmpty();
  }

  // --- helpers ---

  static void write(Db db, TreeMap<String, String> model, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      String v = prefix + "-" + i + "-" + UUID.randomUUID();
      db.put(key(prefix, i), bytes(v), WriteOptions.noWait());
      model.put(prefix + i, v);
    }
    db.flush();
  }

  private void waitUntilNoBorrowedTables(Db db, String path) throws InterruptedException {
    for (int i = 0; i < 300 && latest(path).hasBorrowedTables(); i++) {
      db.awaitCompactions(Duration.ofSeconds(1));
      Thread.sleep(20);
    }
    assertThat(latest(path).hasBorrowedTables()).isFalse();
  }

  static byte[] key(String prefix, int i) {
    return bytes(prefix + i);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static TreeMap<String, String> contents(Db db) {
    try (DbIterator it = db.scan(null, null)) {
      return drain(it);
    }
  }

  static TreeMap<String, String> contents(DbReader reader) {
    try (DbIterator it = reader.scan(null, null)) {
      return drain(it);
    }
  }

  private static TreeMap<String, String> drain(DbIterator it) {
    TreeMap<String, String> out = new TreeMap<>();
    while (it.hasNext()) {
      KeyValue kv = it.next();
      out.put(
          new String(kv.key(), StandardCharsets.UTF_8),
          new String(kv.value(), StandardCharsets.UTF_8));
    }
    return out;
  }

  private ManifestState latest(String path) {
    return new ManifestStore(store, path).readLatest().orElseThrow().state();
  }

  private static Map<String, Long> homes(ManifestState state) {
    Map<String, Long> homes = new TreeMap<>();
    var all = new java.util.ArrayList<>(state.l0());
    state.sortedRuns().forEach(r -> all.addAll(r.tables()));
    for (var t : all) {
      homes.merge(t.homeOr("d"), 1L, Long::sum);
    }
    homes.remove("d");
    return homes;
  }

  private static java.util.List<Checkpoint> cloneCheckpoints(Db db) {
    return db.listCheckpoints().stream().filter(c -> c.name().startsWith("clone:")).toList();
  }

  private java.util.List<String> keys(String prefix) {
    return Futures.join(store.list(prefix)).stream().map(ObjectMeta::key).toList();
  }

  /** Key to version of every object under {@code prefix}. */
  private Map<String, String> objects(String prefix) {
    Map<String, String> out = new TreeMap<>();
    for (ObjectMeta m : Futures.join(store.list(prefix))) {
      out.put(m.key(), m.version());
    }
    return out;
  }

  private boolean exists(String key) {
    return keys(key).contains(key);
  }
}
