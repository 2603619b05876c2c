package dev.shaledb.cli;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * The tool's text: how keys and values cross the command line, and sizes and counts in output. By
 * default keys and values are UTF-8 text; bytes that are not valid UTF-8 (or hold control
 * characters) print as {@code 0x} and hex, so output is never silently lossy. With {@code --hex}
 * they are hex both ways, which is unambiguous.
 */
final class Text {
  private static final HexFormat HEX = HexFormat.of();

  private Text() {}

  static byte[] parse(String text, boolean hex, String what) {
    if (!hex) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    try {
      return HEX.parseHex(text);
    } catch (IllegalArgumentException e) {
      throw new CliException(
          ExitCodes.USAGE, what + " '" + text + "' is not hex: " + e.getMessage());
    }
  }

  static String format(byte[] bytes, boolean hex) {
    if (hex) {
      return HEX.formatHex(bytes);
    }
    String text = utf8(bytes);
    return text == null ? "0x" + HEX.formatHex(bytes) : text;
  }

  /** {@code bytes} as text, or null if they are not UTF-8 or hold a control character. */
  private static String utf8(byte[] bytes) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        return null;
      }
    }
    return text;
  }

  /** A byte count for people: 1234 B, 12.1 KiB, 3.0 MiB. */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(java.util.Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /** {@code n} and the noun, plural unless n is 1: "1 table", "2 tables". */
  static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
