package dev.shaledb.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the tool's {@code --json} output: maps (in their iteration order, so build them as {@link
 * java.util.LinkedHashMap}), lists, strings, numbers, booleans and null. Small enough to keep the
 * tool free of a JSON library.
 */
final class Json {
  private Json() {}

  /** An object of the given name-value pairs, in order. */
  static Map<String, Object> object(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values do not pair up");
    }
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return map;
  }

  static String write(Object value) {
    StringBuilder s = new StringBuilder();
    append(s, value);
    return s.toString();
  }

  private static void append(StringBuilder s, Object value) {
    if (value == null) {
      s.append("null");
    } else if (value instanceof String string) {
      appendString(s, string);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Boolean) {
      s.append(value);
    } else if (value instanceof Map<?, ?> map) {
      s.append('{');
      String comma = "";
      for (Map.Entry<?, ?> e : map.entrySet()) {
        s.append(comma);
        appendString(s, (String) e.getKey());
        s.append(':');
        append(s, e.getValue());
        comma = ",";
      }
      s.append('}');
    } else if (value instanceof List<?> list) {
      s.append('[');
      String comma = "";
      for (Object element : list) {
        s.append(comma);
        append(s, element);
        comma = ",";
      }
      s.append(']');
    } else {
      throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
    }
  }

  private static void appendString(StringBuilder s, String string) {
    s.append('"');
    for (int i = 0; i < string.length(); i++) {
      char c = string.charAt(i);
      switch (c) {
        case '"' -> s.append("\\\"");
        case '\\' -> s.append("\\\\");
        case '\n' -> s.append("\\n");
        case '\r' -> s.append("\\r");
        case '\t' -> s.append("\\t");
        default -> {
          if (c < 0x20) {
            s.append(String.format("\\u%04x", (int) c));
          } else {
            s.append(c);
          }
        }
      }
    }
    s.append('"');
  }
}
