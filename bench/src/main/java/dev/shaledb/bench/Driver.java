package dev.shaledb.bench;

import java.util.Arrays;

/**
 * Entry point of {@code shaledb-bench.jar}. With no arguments it runs the default demo workload on
 * the embedded default store (a temporary directory); {@code jmh [JMH arguments]} runs the JMH
 * suite instead, e.g. {@code java -jar shaledb-bench.jar jmh 'Sst.*' -f 1}.
 */
public final class Driver {
  private Driver() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("jmh")) {
      org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.println(
          "usage: java -jar shaledb-bench.jar [--store URI]... [--ops N] [--size BYTES]\n"
              + "       java -jar shaledb-bench.jar jmh [JMH options] [benchmark regex]\n"
              + "Without --store, measures memory: and file: (a temporary directory).");
      return;
    }
    StoreLatency.main(args);
  }
}
