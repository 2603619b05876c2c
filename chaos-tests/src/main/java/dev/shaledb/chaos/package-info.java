/**
 * The chaos harness that proves no acknowledged write is lost and no wrong data is returned
 * (docs/testing.md, "The chaos harness").
 *
 * <ul>
 *   <li>Faults: {@link dev.shaledb.chaos.FaultPlan} says which object-store faults to inject and
 *       how often, {@link dev.shaledb.chaos.FaultInjectingObjectStore} injects them into any store,
 *       replayably from a seed (stacked under {@link dev.shaledb.objectstore.RetryingObjectStore},
 *       so transient faults are retried in exactly one layer); {@link
 *       dev.shaledb.chaos.CrashPointStore} and {@link dev.shaledb.chaos.CrashHooks} crash a
 *       simulated process at store boundaries and engine points ({@link
 *       dev.shaledb.chaos.CrashPoint}); {@link dev.shaledb.chaos.Stalls} stalls it past GC's minAge
 *       ({@link dev.shaledb.chaos.StallPoint}).
 *   <li>Workloads: {@link dev.shaledb.chaos.SeedRun} runs one seed's {@link
 *       dev.shaledb.chaos.Workload} in a series of {@link dev.shaledb.chaos.ChaosProcess}es, with
 *       zombie and twin writers ({@link dev.shaledb.chaos.WriterRaces}); {@link
 *       dev.shaledb.chaos.BankRun} moves money and audits the total ({@link
 *       dev.shaledb.chaos.BankAudit}); {@link dev.shaledb.chaos.KillChild} is the child process of
 *       the {@code kill -9} tier.
 *   <li>Oracle and report: {@link dev.shaledb.chaos.ExpectedState} says which values a read may
 *       return, {@link dev.shaledb.chaos.Verification} reopens without faults and checks
 *       everything, {@link dev.shaledb.chaos.CorruptionAudit} accounts for every injected
 *       corruption, and {@link dev.shaledb.chaos.ChaosReport} adds up {@link
 *       dev.shaledb.chaos.Tally} counts into the report whose must-be-0 rows fail a tier.
 * </ul>
 */
package dev.shaledb.chaos;
