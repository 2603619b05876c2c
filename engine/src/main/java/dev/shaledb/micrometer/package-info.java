/**
 * Micrometer meters for ShaleDB's statistics ({@link dev.shaledb.micrometer.ShaleDbMetrics}): part
 * of the public API, usable only with {@code io.micrometer:micrometer-core} on the classpath (an
 * optional dependency of the engine).
 */
package dev.shaledb.micrometer;
