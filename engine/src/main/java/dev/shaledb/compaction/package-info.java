/**
 * Compaction: the policy that picks jobs ({@link dev.shaledb.compaction.CompactionPolicy},
 * docs/compaction.md), the runner that merges inputs into outputs, and the service ({@link
 * dev.shaledb.compaction.Compactions}) that runs jobs, publishes them as the fenced compactor and
 * redoes a job whose outputs garbage collection condemned.
 *
 * <p>Internal: public only so the engine's other packages can use it; not API, and may change in
 * any release. The API is {@code dev.shaledb} (docs/architecture.md, "Packages").
 */
package dev.shaledb.compaction;
