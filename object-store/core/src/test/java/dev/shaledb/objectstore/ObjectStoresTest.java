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
    UriAssertions.assertBad(
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
    UriAssertions.assertBad("nope", "no scheme");
    UriAssertions.assertBad("memory:x", "unknown object store scheme 'memory'");
    UriAssertions.assertBad("ftp://x", "unknown object store scheme 'ftp'");
    UriAssertions.assertBad("file:/tmp/x?y=1", "no parameters");
    UriAssertions.assertBad("a b:c", "malformed");
    assertThatThrownBy(() -> ObjectStores.open(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void redactHidesSecretsAndShortensAccessKeys() {
    assertThat(
            ObjectStores.redact(
                "s3://b/p?endpoint=http://h:9&accessKey=AKIAIOSFODNN7EXAMPLE"
                    + "&secretKey=wJalrXUtnFEMI%2FK7MDENG&region=eu-west-1"))
        .isEqualTo("s3://b/p?endpoint=http://h:9&accessKey=AKIA***&secretKey=***&region=eu-west-1");
    // Any spelling that names a secret, also a misspelt parameter the provider will refuse.
    assertThat(ObjectStores.redact("s3://b?SECRETKEY=s1&secret_key=s2&sessionToken=t&password=p"))
        .isEqualTo("s3://b?SECRETKEY=***&secret_key=***&sessionToken=***&password=***");
    assertThat(ObjectStores.redact("s3://b?secretKeyWithoutValue&x=1")).isEqualTo("s3://b?***&x=1");
    // An SSE-C key reads every object written with it; the KMS key id and the mode are not secret.
    assertThat(
            ObjectStores.redact(
                "s3://b?sseCustomerKey=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8%3D"
                    + "&SSE_CUSTOMER_KEY=k2&sse-customer-key=k3&sse=aws:kms&sseKmsKeyId=alias/db"))
        .isEqualTo(
            "s3://b?sseCustomerKey=***&SSE_CUSTOMER_KEY=***&sse-customer-key=***"
                + "&sse=aws:kms&sseKmsKeyId=alias/db");
    assertThat(ObjectStores.redact("s3://b?sseCustomerKey")).isEqualTo("s3://b?***");
    // A forgotten '=' glues a value ending in '=' padding to the name: hidden whole.
    assertThat(ObjectStores.redact("s3://b?sseCustomerKeyAAECAwQF==&secretKeywJalr=x&x=1"))
        .isEqualTo("s3://b?***&***&x=1");
    assertThat(ObjectStores.redact("s3://b?accessKey=short")).isEqualTo("s3://b?accessKey=***");
    assertThat(ObjectStores.redact("http://user:pw@host:9/x?y=1"))
        .isEqualTo("http://user:***@host:9/x?y=1");
    assertThat(ObjectStores.redact("s3://b/p?endpoint=http://user:pw@host"))
        .as("a password in a parameter's URI is hidden as well")
        .doesNotContain("pw");
    assertThat(ObjectStores.redact("file:/tmp/db")).isEqualTo("file:/tmp/db");
    assertThat(ObjectStores.redact("memory:")).isEqualTo("memory:");
    assertThat(ObjectStores.redact(null)).isNull();
    assertThat(ObjectStores.redactAccessKey("AKIAIOSFODNN7EXAMPLE")).isEqualTo("AKIA***");
    assertThat(ObjectStores.redactAccessKey("AK")).isEqualTo("***");
  }

  @Test
  void messagesAboutBadUrisNeverShowTheirSecrets() {
    String secret = "wJalrXUtnFEMI";
    for (String uri :
        List.of(
            "ftp://host/x?secretKey=" + secret,
            "s3://bucket?accessKey=AKIAIOSFODNN7EXAMPLE&secretKey=" + secret,
            "no-scheme?secretKey=" + secret,
            "s3://bad host?secretKey=" + secret,
            "file:/tmp/x?secretKey=" + secret)) {
      UriAssertions.assertRefusedWithout(uri, secret, "IOSFODNN");
    }
  }
}
