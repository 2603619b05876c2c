package dev.shaledb;

import static java.util.Objects.requireNonNull;

import dev.shaledb.support.Keys;
import java.util.Arrays;

/**
 * A key and its value, as returned by scans. The arrays belong to the caller: the database never
 * reads or changes them after handing them out.
 */
public record KeyValue(byte[] key, byte[] value) {
  public KeyValue {
    requireNonNull(key, "key is null");
    requireNonNull(value, "value is null");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyValue other
        && Arrays.equals(key, other.key)
        && Arrays.equals(value, other.value);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(key) + Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "KeyValue[" + Keys.describe(key) + " = " + value.length + " bytes]";
  }
}
