package dev.shaledb.wal;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Batches cut into one WAL object, in append order. A segment keeps its batches until it is
 * acknowledged; if a fenced writer's late object takes its id it is re-placed at a fresh id (with
 * every segment cut after it). All fields are guarded by the writer's lock.
 */
final class Segment {
  /** An appended batch waiting to become durable. */
  record Pending(
      BatchCodec.Encoded encoded, CompletableFuture<Long> future, long index, long appendedNanos) {}

  final List<Pending> batches;
  final long bytes;
  long id;
  long prevId;
  boolean landed;

  /** The put that currently carries this segment; older attempts are stale. */
  Attempt attempt;

  Segment(List<Pending> batches) {
    this.batches = List.copyOf(batches);
    long total = 0;
    for (Pending p : batches) {
      total += p.encoded().length();
    }
    this.bytes = total;
  }

  /** One put of a segment at one id, retried with the same bytes after an unknown outcome. */
  static final class Attempt {
    final Segment segment;
    final WalObjectHeader header;
    byte[] object;
    int unknownOutcomes;

    /** When the put was issued, to learn the store's latency. */
    long startedNanos;

    Attempt(Segment segment, WalObjectHeader header) {
      this.segment = segment;
      this.header = header;
    }

    long id() {
      return header.walId();
    }

    UUID writeId() {
      return header.writeId();
    }

    /** The encoded object; built once, outside the writer's lock. */
    byte[] object() {
      if (object == null) {
        List<BatchCodec.Encoded> encoded = new ArrayList<>(segment.batches.size());
        for (Pending p : segment.batches) {
          encoded.add(p.encoded());
        }
        object = WalCodec.encode(header, encoded);
      }
      return object;
    }
  }
}
