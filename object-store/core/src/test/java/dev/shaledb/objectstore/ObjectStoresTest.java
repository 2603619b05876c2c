package dev.shaledb.objectstore;

import static dev.shaledb.objectstore.Futures.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built-in schemes; the S3 module's tests cover {@code s3://} with its provider present. */
class ObjectStoresTest {
  @TempDir Path dir;

  @Test
  void opensMemoryAndFileStores() {
    try (ObjectStore memory = ObjectStores.open("memory:")) {
      assertThat(memory).isInstanceOf(InMemoryObjectStore.class);
    }
    Path root = dir.resolve("db");
    try (ObjectStore file = ObjectStores.open(root.toUri().toString())) {
      assertThat(file).isInstanceOf(LocalFileObjectStore.class);
      join(file.put("x", new byte[] {1}, PutCondition.none()));
    }
    try (ObjectStore again = ObjectStores.open("file:" + root)) {
      assertThat(join(again.get("x")).data()).containsExactly(1);
    }
  }

  @Test
  void s3WithoutTheS3ModuleNamesTheArtifactToAdd() {
    assertThat(ServiceLoader.load(ObjectStoreProvider.class))
        .as("this module's test classpath has no store provider")
        .isEmpty();
    assertBad(
        "s3://bucket/prefix?region=us-east-1",
        "'s3://bucket/prefix?region=us-east-1' needs the s3 store, which is not on the classpath:"
            + " add the dependency dev.shaledb:shaledb-object-store-s3");
  }

  @Test
  void aSchemeGoesToTheOneProviderThatClaimsIt() {
    ObjectStoreProvider s3 = new FixedProvider("s3");
    ObjectStoreProvider gcs = new FixedProvider("gs", "gcs");
    assertThat(ObjectStores.provider("gcs", List.of(s3, gcs))).isSameAs(gcs);
    assertThat(ObjectStores.provider("s3", List.of(s3, gcs))).isSameAs(s3);
    assertThat(ObjectStores.provider("ftp", List.of(s3, gcs))).isNull();
    assertThatThrownBy(() -> ObjectStores.provider("s3", List.of(s3, gcs, new OtherProvider())))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("two object store providers claim the scheme 's3'")
        .hasMessageContaining(FixedProvider.class.getName())
        .hasMessageContaining(OtherProvider.class.getName());
  }

  private static class FixedProvider implements ObjectStoreProvider {
    private final Set<String> schemes;

    FixedProvider(String... schemes) {
      this.schemes = Set.of(schemes);
    }

    @Override
    public Set<String> schemes() {
      return schemes;
    }

    @Override
    public ObjectStore open(URI uri) {
      return new InMemoryObjectStore();
    }
  }

  private static final class OtherProvider extends FixedProvider {
    OtherProvider() {
      super("s3");
    }
  }

  @Test
  void badUrisNameTheProblem() {
    assertBad("nope", "no scheme");
    assertBad("memory:x", "unknown object store scheme 'memory'");
    assertBad("ftp://x", "unknown object store scheme 'ftp'");
    assertBad("file:/tmp/x?y=1", "no parameters");
    assertBad("a b:c", "malformed");
    assertThatThrownBy(() -> ObjectStores.open(null)).isInstanceOf(NullPointerException.class);
  }

  private static void assertBad(String uri, String message) {
    assertThatThrownBy(() -> ObjectStores.open(uri))
        .as(uri)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
