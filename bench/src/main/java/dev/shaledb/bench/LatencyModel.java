package dev.shaledb.bench;

import java.util.random.RandomGenerator;

/**
 * A request latency distribution shaped like S3's for small objects: a lognormal body around the
 * median, a tail where a small fraction of requests is several times slower (AWS advises re-issuing
 * those), plus transfer time at a per-request bandwidth.
 *
 * @param medianMillis the median latency of an empty request
 * @param sigma the lognormal shape; 0.2 puts p99 of the body at about 1.6 x the median
 * @param tailProbability the fraction of requests that are slow
 * @param tailMinFactor slow requests take between this and {@code tailMaxFactor} times the body
 * @param tailMaxFactor see {@code tailMinFactor}
 * @param bytesPerSecond transfer rate of one request's payload
 */
record LatencyModel(
    double medianMillis,
    double sigma,
    double tailProbability,
    double tailMinFactor,
    double tailMaxFactor,
    double bytesPerSecond) {

  /** 100 MB/s: about what one S3 connection sustains. */
  static final double S3_BYTES_PER_SECOND = 100e6;

  LatencyModel {
    if (!(medianMillis >= 0) || !(sigma >= 0) || !(bytesPerSecond > 0)) {
      throw new IllegalArgumentException("need median >= 0, sigma >= 0, bandwidth > 0");
    }
    if (!(tailProbability >= 0 && tailProbability <= 1) || tailMinFactor > tailMaxFactor) {
      throw new IllegalArgumentException("tail probability in [0, 1] and min <= max factor");
    }
  }

  /** S3 Standard-like: lognormal sigma 0.2, 1 % of requests 3-6 x slower, 100 MB/s. */
  static LatencyModel s3Like(double medianMillis) {
    return new LatencyModel(medianMillis, 0.2, 0.01, 3, 6, S3_BYTES_PER_SECOND);
  }

  /** One latency in nanoseconds for a request carrying {@code bytes}. */
  long sampleNanos(RandomGenerator random, long bytes) {
    if (medianMillis == 0) {
      return 0;
    }
    double millis = medianMillis * Math.exp(sigma * random.nextGaussian());
    if (random.nextDouble() < tailProbability) {
      millis *= tailMinFactor + (tailMaxFactor - tailMinFactor) * random.nextDouble();
    }
    return (long) (millis * 1e6 + bytes * 1e9 / bytesPerSecond);
  }
}
