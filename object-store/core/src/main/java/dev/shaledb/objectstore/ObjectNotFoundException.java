package dev.shaledb.objectstore;

import static java.util.Objects.requireNonNull;

/** No object has the key. */
public class ObjectNotFoundException extends ObjectStoreException {
  private static final long serialVersionUID = 1L;

  private final String key;

  public ObjectNotFoundException(String key) {
    super("object not found: '" + requireNonNull(key, "key is null") + "'", false);
    this.key = key;
  }

  public String key() {
    return key;
  }
}
