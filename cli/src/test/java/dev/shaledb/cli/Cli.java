package dev.shaledb.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.shaledb.Db;
import dev.shaledb.DbOptions;
import dev.shaledb.manifest.Manifest;
import dev.shaledb.manifest.ManifestStore;
import dev.shaledb.objectstore.Futures;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStores;
import dev.shaledb.objectstore.PutCondition;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Runs the tool in-process and keeps what it printed; and builds databases to run it on. */
record Cli(int exitCode, String out, String err) {
  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = ShaleDbCli.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Cli(code, out.toString(), err.toString());
  }

  /** Runs {@code args} after {@code --store file:<dir> --path <path>}. */
  static Cli on(Path dir, String path, String... args) {
    List<String> all = new ArrayList<>(List.of("--store", uri(dir), "--path", path));
    all.addAll(List.of(args));
    return run(all.toArray(String[]::new));
  }

  static String uri(Path dir) {
    return "file:" + dir.toAbsolutePath();
  }

  /** Opens a writer on the database at {@code path} in {@code dir}, runs {@code writes}, closes. */
  static void write(Path dir, String path, Consumer<Db> writes) {
    write(dir, path, DbOptions.defaults(), writes);
  }

  static void write(Path dir, String path, DbOptions options, Consumer<Db> writes) {
    try (ObjectStore store = ObjectStores.open(uri(dir));
        Db db = Db.open(store, path, options)) {
      writes.accept(db);
    }
  }

  static Manifest latest(Path dir, String path) {
    try (ObjectStore store = ObjectStores.open(uri(dir))) {
      return new ManifestStore(store, path).readLatest().orElseThrow();
    }
  }

  /** The object {@code key} of the store in {@code dir}. */
  static byte[] read(Path dir, String key) {
    try (ObjectStore store = ObjectStores.open(uri(dir))) {
      return Futures.join(store.get(key)).data();
    }
  }

  /** Replaces object {@code key} of the store in {@code dir}, as damage would. */
  static void overwrite(Path dir, String key, byte[] data) {
    try (ObjectStore store = ObjectStores.open(uri(dir))) {
      Futures.join(store.put(key, data, PutCondition.none()));
    }
  }

  static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }
}
