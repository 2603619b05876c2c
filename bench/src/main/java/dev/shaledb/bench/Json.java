package dev.shaledb.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers and booleans as JSON: enough for the driver's results
 * without a JSON library. Non-finite numbers become null.
 */
final class Json {
  private Json() {}

  static void write(Path file, Object value) {
    StringBuilder out = new StringBuilder();
    append(out, value, "");
    out.append('\n');
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static String toString(Object value) {
    StringBuilder out = new StringBuilder();
    append(out, value, "");
    return out.toString();
  }

  private static void append(StringBuilder out, Object value, String indent) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof Map<?, ?> map) {
      String inner = indent + "  ";
      out.append('{');
      String sep = "\n";
      for (Map.Entry<?, ?> e : map.entrySet()) {
        out.append(sep).append(inner);
        string(out, String.valueOf(e.getKey()));
        out.append(": ");
        append(out, e.getValue(), inner);
        sep = ",\n";
      }
      out.append(map.isEmpty() ? "}" : "\n" + indent + "}");
    } else if (value instanceof List<?> list) {
      String inner = indent + "  ";
      out.append('[');
      String sep = "\n";
      for (Object item : list) {
        out.append(sep).append(inner);
        append(out, item, inner);
        sep = ",\n";
      }
      out.append(list.isEmpty() ? "]" : "\n" + indent + "]");
    } else if (value instanceof Double d) {
      out.append(d.isNaN() || d.isInfinite() ? "null" : Double.toString(d));
    } else if (value instanceof Number || value instanceof Boolean) {
      out.append(value);
    } else {
      string(out, value.toString());
    }
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
