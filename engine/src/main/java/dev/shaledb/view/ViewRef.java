package dev.shaledb.view;

import java.util.function.UnaryOperator;

/** The current {@link DbView}: read without locking, replaced one change at a time. */
public final class ViewRef {
  private volatile DbView view;

  public ViewRef(DbView initial) {
    this.view = initial;
  }

  public DbView get() {
    return view;
  }

  public synchronized DbView update(UnaryOperator<DbView> change) {
    view = change.apply(view);
    return view;
  }
}
