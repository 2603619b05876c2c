package dev.shaledb;

import java.util.function.UnaryOperator;

/** The current {@link DbView}: read without locking, replaced one change at a time. */
final class ViewRef {
  private volatile DbView view;

  ViewRef(DbView initial) {
    this.view = initial;
  }

  DbView get() {
    return view;
  }

  synchronized DbView update(UnaryOperator<DbView> change) {
    view = change.apply(view);
    return view;
  }
}
