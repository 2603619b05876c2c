/**
 * The fault-injection harness that proves no acknowledged write is lost: {@link
 * dev.shaledb.chaos.FaultPlan} says which object-store faults to inject and how often, {@link
 * dev.shaledb.chaos.FaultInjectingObjectStore} injects them into any store, replayably from a seed.
 * Stack it under {@link dev.shaledb.objectstore.RetryingObjectStore} so that transient faults are
 * retried in exactly one layer, as the S3 SDK does for the real store.
 */
package dev.shaledb.chaos;
