package dev.shaledb.objectstore.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The store contract against a server with Ceph RGW 16's quirks ({@link RgwQuirksBlobStore}):
 * quoted {@code If-Match} refused with 412, multipart completions without an ETag. Each test opens
 * a fresh store, which starts with the quoted form and must learn the bare one.
 */
class S3RgwQuirksContractTest extends S3ContractTestBase {
  private static S3TestServer server;
  private static RgwQuirksBlobStore rgw;

  @BeforeAll
  static void startServer() {
    server = S3TestServer.start(s -> rgw = new RgwQuirksBlobStore(s));
  }

  @AfterAll
  static void stopServer() {
    // Not vacuous: quoted If-Match was refused and the bare form then used.
    assertThat(rgw.ifMatchForms).contains("quoted", "bare");
    server.close();
  }

  @Override
  protected S3TestServer server() {
    return server;
  }
}
