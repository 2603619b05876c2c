package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

import java.util.EnumMap;
import java.util.Map;

/**
 * US-dollar prices per 1,000 requests of each {@link RequestType}, for cost estimates. Storage and
 * transfer are not included: on S3 requests are what an LSM's write path pays for.
 *
 * @param name a label for reports
 * @param perThousand price per 1,000 requests by type (missing types are free)
 */
public record RequestPricing(String name, Map<RequestType, Double> perThousand) {
  public RequestPricing {
    requireNonNull(name, "name is null");
    perThousand = Map.copyOf(requireNonNull(perThousand, "perThousand is null"));
    perThousand.forEach(
        (type, price) -> {
          if (!(price >= 0)) {
            throw new IllegalArgumentException("price of " + type + " is not >= 0: " + price);
          }
        });
  }

  /** S3 Standard, us-east-1: PUT and LIST $0.005, GET and HEAD $0.0004, DELETE free. */
  public static RequestPricing s3Standard() {
    return of("S3 Standard", 0.005, 0.0004);
  }

  /** S3 Express One Zone: PUT and LIST $0.00113, GET and HEAD $0.00003, DELETE free. */
  public static RequestPricing s3ExpressOneZone() {
    return of("S3 Express One Zone", 0.00113, 0.00003);
  }

  private static RequestPricing of(String name, double writeClass, double readClass) {
    Map<RequestType, Double> prices = new EnumMap<>(RequestType.class);
    prices.put(RequestType.PUT, writeClass);
    prices.put(RequestType.LIST, writeClass);
    prices.put(RequestType.GET, readClass);
    prices.put(RequestType.HEAD, readClass);
    prices.put(RequestType.DELETE, 0.0);
    return new RequestPricing(name, prices);
  }

  /** The price of {@code count} requests of {@code type}. */
  public double cost(RequestType type, long count) {
    return perThousand.getOrDefault(type, 0.0) * count / 1000.0;
  }
}
