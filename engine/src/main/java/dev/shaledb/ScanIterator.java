package dev.shaledb;

import dev.shaledb.engine.VisibleIterator;

/** The public face of a scan. */
final class ScanIterator implements DbIterator {
  private final VisibleIterator delegate;

  ScanIterator(VisibleIterator delegate) {
    this.delegate = delegate;
  }

  @Override
  public boolean hasNext() {
    return delegate.hasNext();
  }

  @Override
  public KeyValue next() {
    return delegate.next();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
