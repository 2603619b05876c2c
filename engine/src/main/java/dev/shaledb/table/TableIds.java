package dev.shaledb.table;

import java.time.Clock;
import java.util.HexFormat;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Fresh table ids that need no coordination: 48 bits of milliseconds then 80 random bits, as 32 hex
 * digits (the layout of UUIDv7), so ids sort roughly by creation time in listings and two writers,
 * even fenced ones, never pick the same id in practice.
 *
 * <p>Ids also sort above the highest table floor this process has seen ({@link #observeFloor}): a
 * table at or below the floor could never be published (docs/gc.md). An id that the clock would put
 * at or below the floor (the clock lags whoever wrote the floor) takes the floor's milliseconds
 * plus one instead, or, for a floor of another layout, the floor itself followed by random digits.
 * Thread-safe if the generator is.
 */
public final class TableIds {
  private static final HexFormat HEX = HexFormat.of();
  private static final Pattern LAYOUT = Pattern.compile("[0-9a-f]{32}");
  private static final long MAX_MILLIS = 0xFFFF_FFFF_FFFFL;

  private final Clock clock;
  private final RandomGenerator random;
  private volatile String floor = "";

  public TableIds(Clock clock, RandomGenerator random) {
    this.clock = clock;
    this.random = random;
  }

  public String next() {
    String id = at(clock.millis() & MAX_MILLIS);
    String f = floor;
    if (f.isEmpty() || id.compareTo(f) > 0) {
      return id;
    }
    if (LAYOUT.matcher(f).matches()) {
      long millis = Long.parseLong(f.substring(0, 12), 16);
      if (millis < MAX_MILLIS) {
        return at(millis + 1);
      }
    }
    // A longer string with the floor as its prefix sorts above it.
    if (f.length() > 64 - 17) {
      throw new IllegalStateException("no table id fits above the table floor '" + f + "'");
    }
    return f + "_" + HEX.toHexDigits(random.nextLong());
  }

  /** Whether {@code id} has the layout of the ids this class issues (32 lowercase hex digits). */
  public static boolean isEngineId(String id) {
    return LAYOUT.matcher(id).matches();
  }

  /** Makes every later id sort above {@code floor} (a manifest's table floor; "" for none). */
  public synchronized void observeFloor(String floor) {
    if (floor.compareTo(this.floor) > 0) {
      this.floor = floor;
    }
  }

  private String at(long millis) {
    long high = (millis << 16) | (random.nextLong() & 0xFFFFL);
    return HEX.toHexDigits(high) + HEX.toHexDigits(random.nextLong());
  }
}
