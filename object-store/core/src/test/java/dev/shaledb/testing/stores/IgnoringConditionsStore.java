package dev.shaledb.testing.stores;

import dev.shaledb.objectstore.ForwardingObjectStore;
import dev.shaledb.objectstore.ObjectMeta;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;

/**
 * A store that treats the chosen conditions as unconditional puts, as an older or partial S3
 * implementation might: what the store probe must refuse.
 */
public final class IgnoringConditionsStore extends ForwardingObjectStore {
  private final boolean ifAbsent;
  private final boolean ifMatch;

  /**
   * @param ifAbsent whether create-if-absent puts overwrite
   * @param ifMatch whether compare-and-swap puts overwrite
   */
  public IgnoringConditionsStore(ObjectStore delegate, boolean ifAbsent, boolean ifMatch) {
    super(delegate);
    this.ifAbsent = ifAbsent;
    this.ifMatch = ifMatch;
  }

  @Override
  public CompletableFuture<ObjectMeta> put(String key, ByteBuffer data, PutCondition condition) {
    boolean ignore =
        (ifAbsent && condition instanceof PutCondition.IfAbsent)
            || (ifMatch && condition instanceof PutCondition.IfMatch);
    return delegate.put(key, data, ignore ? PutCondition.none() : condition);
  }

  /**
   * Not the delegate's name: a store with other semantics over the same storage is another store
   * (like another gateway in front of one bucket), so a probe record of the delegate must not vouch
   * for it.
   */
  @Override
  public String toString() {
    return "ignoring-conditions:" + delegate;
  }
}
