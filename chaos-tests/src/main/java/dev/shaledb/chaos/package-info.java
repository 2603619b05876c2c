/**
 * The fault-injection harness that proves no acknowledged write is lost. It arrives with the chaos
 * issue; see docs/testing.md.
 */
package dev.shaledb.chaos;
