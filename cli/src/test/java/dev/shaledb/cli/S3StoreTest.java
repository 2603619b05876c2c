package dev.shaledb.cli;

import static dev.shaledb.cli.Cli.b;
import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.Db;
import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.ObjectStores;
import dev.shaledb.objectstore.s3.S3TestServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The tool on {@code s3://} URIs, over real HTTP to S3Proxy on loopback. */
class S3StoreTest {
  private static S3TestServer server;
  private static String bucket;

  @BeforeAll
  static void startServer() {
    server = S3TestServer.start();
    bucket = server.createBucket();
    try (ObjectStore store =
            ObjectStores.open(uri(server.endpoint().toString(), S3TestServer.SECRET_KEY));
        Db db = Db.open(store, "db")) {
      db.put(b("k"), b("v"));
    }
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  private static String uri(String endpoint, String secretKey) {
    return "s3://"
        + bucket
        + "?endpoint="
        + endpoint
        + "&region="
        + S3TestServer.REGION
        + "&pathStyle=true&accessKey="
        + S3TestServer.ACCESS_KEY
        + "&secretKey="
        + secretKey;
  }

  @Test
  void readsAndVerifiesADatabaseInABucket() {
    String store = uri(server.endpoint().toString(), S3TestServer.SECRET_KEY);

    Cli get = Cli.run("--store", store, "--path", "db", "get", "k");
    assertThat(get.exitCode()).isZero();
    assertThat(get.out()).isEqualTo("v\n");

    Cli info = Cli.run("--store", store, "--path", "db", "info");
    assertThat(info.out())
        .contains("database         path 'db' in s3://" + bucket)
        .doesNotContain(S3TestServer.SECRET_KEY);
    assertThat(Cli.run("--store", store, "--path", "db", "verify").exitCode()).isZero();
    assertThat(Cli.run("--store", store, "--path", "nothing", "info").exitCode())
        .isEqualTo(ExitCodes.NO_DATABASE);
  }

  @Test
  void inspectsManifestsAndTablesAndPlansGcInABucket() {
    String store = uri(server.endpoint().toString(), S3TestServer.SECRET_KEY);

    Cli history = Cli.run("--store", store, "--path", "db", "manifest", "--history");
    assertThat(history.exitCode()).isZero();
    assertThat(history.out()).contains(" live ").endsWith(" versions\n");
    Cli dump = Cli.run("--store", store, "--path", "db", "manifest", "--dump", "latest");
    Matcher table = Pattern.compile("\"l0\":\\[\\{\"id\":\"(\\w+)\"").matcher(dump.out());
    assertThat(table.find()).as(dump.out()).isTrue();
    Cli sst =
        Cli.run(
            "--store", store, "--path", "db", "sst-dump", table.group(1), "--entries", "--json");
    assertThat(sst.exitCode()).isZero();
    assertThat(sst.out())
        .contains("\"entries\":[{\"key\":\"k\",\"seq\":1,\"kind\":\"PUT\",\"value\":\"v\"");
    Cli plan = Cli.run("--store", store, "--path", "db", "gc", "--dry-run");
    assertThat(plan.exitCode()).isZero();
    assertThat(plan.out()).startsWith("dry run: would retire ");
  }

  @Test
  void aWrongSecretKeyIsReportedAsRefusedCredentials() {
    Cli info =
        Cli.run(
            "--store", uri(server.endpoint().toString(), "wrong-secret"), "--path", "db", "info");

    assertThat(info.exitCode()).isEqualTo(ExitCodes.STORE_FAILED);
    assertThat(info.err())
        .startsWith("shaledb: the object store refused the credentials or denied access: ")
        .contains("HTTP 403")
        .doesNotContain("wrong-secret");
    assertThat(info.err().lines()).hasSize(1);
  }

  @Test
  void anEndpointNobodyListensOnIsUnreachable() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }

    Cli info =
        Cli.run(
            "--store",
            uri("http://127.0.0.1:" + port, S3TestServer.SECRET_KEY),
            "--path",
            "db",
            "info");

    assertThat(info.exitCode()).isEqualTo(ExitCodes.STORE_FAILED);
    // Usually the refusal itself; on a loaded machine the SDK may report its pool's timeout.
    assertThat(info.err())
        .matches(
            "shaledb: cannot reach the object store: (Connection refused: /127.0.0.1:"
                + port
                + "|no connection within the HTTP client's acquire timeout)\n");
  }
}
