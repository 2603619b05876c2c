/**
 * Shared basics of the engine: background-failure reporting ({@link
 * dev.shaledb.support.BackgroundHealth}), corruption reporting, counters, the store's clock, key
 * helpers, thread factories and exception rethrowing. Depends on no other engine package.
 *
 * <p>Internal: public only so the engine's other packages can use it; not API, and may change in
 * any release. The API is {@code dev.shaledb} (docs/architecture.md, "Packages").
 */
package dev.shaledb.support;
