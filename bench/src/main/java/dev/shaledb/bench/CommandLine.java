package dev.shaledb.bench;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A driver command's arguments: flags ({@code --simulate-s3}) and options with a value ({@code
 * --seconds 30}), checked against the names the command knows so that a typo fails instead of
 * running a different benchmark. A repeated option keeps its last value.
 */
final class CommandLine {
  private final Map<String, String> values;

  private CommandLine(Map<String, String> values) {
    this.values = values;
  }

  /**
   * Parses {@code args}; {@code hint} ends the message about an unknown name (e.g. {@code "try
   * ingest --help"}).
   */
  static CommandLine parse(String[] args, Set<String> flags, Set<String> valued, String hint) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (flags.contains(arg)) {
        values.put(arg, "true");
      } else if (!valued.contains(arg)) {
        throw new IllegalArgumentException("unknown option '" + arg + "'; " + hint);
      } else if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after '" + arg + "'");
      } else {
        values.put(arg, args[++i]);
      }
    }
    return new CommandLine(values);
  }

  /** Whether flag or option {@code name} was given. */
  boolean has(String name) {
    return values.containsKey(name);
  }

  /** The value of option {@code name}, or {@code otherwise} if it was not given. */
  String get(String name, String otherwise) {
    return values.getOrDefault(name, otherwise);
  }

  /** The path that option {@code name} names, or null if it was not given. */
  Path path(String name) {
    return has(name) ? Path.of(values.get(name)) : null;
  }
}
