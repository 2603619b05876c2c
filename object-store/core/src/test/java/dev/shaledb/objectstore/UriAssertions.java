package dev.shaledb.objectstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What opening a refused store URI must show, for the URI tests of every store module. */
public final class UriAssertions {
  private UriAssertions() {}

  /** Opening {@code uri} is refused with a message containing {@code message}. */
  public static void assertBad(String uri, String message) {
    assertThatThrownBy(() -> ObjectStores.open(uri))
        .as(uri)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  /**
   * Opening {@code uri} is refused, and no message in the chain contains any of {@code secrets}.
   */
  public static void assertRefusedWithout(String uri, String... secrets) {
    assertThatThrownBy(() -> ObjectStores.open(uri))
        .as(uri)
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(
            e -> {
              for (Throwable t = e; t != null; t = t.getCause()) {
                for (String secret : secrets) {
                  assertThat(t.getMessage()).as(uri).doesNotContain(secret);
                }
              }
            });
  }
}
