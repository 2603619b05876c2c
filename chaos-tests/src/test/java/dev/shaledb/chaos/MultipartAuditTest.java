package dev.shaledb.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.PutCondition;
import dev.shaledb.objectstore.s3.S3TestServer;
import dev.shaledb.sst.EntryKind;
import dev.shaledb.sst.SstBuilder;
import dev.shaledb.sst.SstEntry;
import dev.shaledb.sst.SstOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The audit of the large-object kill cycles is not vacuous: it counts an upload a kill left
 * incomplete, aborts it one audit later, and reports a visible table object that is not whole.
 */
class MultipartAuditTest {
  private static final String BUCKET = "shaledb-audit-test";

  @Test
  void countsIncompleteUploadsAndCatchesAPartialTable() throws Exception {
    AtomicReference<MultipartWatch> watch = new AtomicReference<>();
    try (S3TestServer server =
        S3TestServer.start(
            store -> {
              watch.set(new MultipartWatch(store, BUCKET, 1));
              return watch.get();
            })) {
      server.createBucket(BUCKET);
      try (MultipartAudit audit = new MultipartAudit(server, BUCKET, "db", watch.get());
          S3AsyncClient client = MultipartAudit.client(server);
          ObjectStore store = server.newStore(BUCKET)) {
        byte[] table = table();
        store.put("db/sst/whole.sst", table, PutCondition.none()).join();
        store
            .put("db/sst/partial.sst", Arrays.copyOf(table, table.length / 2), PutCondition.none())
            .join();
        // What a child killed after its first part leaves behind.
        String uploadId =
            client
                .createMultipartUpload(b -> b.bucket(BUCKET).key("db/sst/cut.sst"))
                .join()
                .uploadId();
        client
            .uploadPart(
                b -> b.bucket(BUCKET).key("db/sst/cut.sst").uploadId(uploadId).partNumber(1),
                AsyncRequestBody.fromBytes(new byte[1024]))
            .join();

        Tally first = new Tally();
        audit.afterKill(store, first);
        assertThat(first.get(Stat.MULTIPART_LEFT_BY_KILL)).isEqualTo(1);
        assertThat(first.get(Stat.TABLES_VERIFIED_WHOLE)).isEqualTo(1);
        assertThat(first.get(Stat.PARTIAL_OBJECTS_VISIBLE)).isEqualTo(1);
        assertThat(first.findings()).singleElement().asString().contains("db/sst/partial.sst");

        store.delete("db/sst/partial.sst").join();
        Tally second = new Tally();
        audit.afterKill(store, second);
        assertThat(second.get(Stat.MULTIPART_LEFT_BY_KILL)).isZero();
        assertThat(second.findings()).isEmpty();
        assertThat(client.listMultipartUploads(b -> b.bucket(BUCKET)).join().uploads())
            .as("aborted by the audit after the one that found it")
            .isEmpty();
      }
    }
  }

  private static byte[] table() {
    try (SstBuilder builder = SstBuilder.inMemory(SstOptions.defaults(), "table-1")) {
      for (int i = 0; i < 100; i++) {
        byte[] key = KeySpace.key(i).getBytes(StandardCharsets.UTF_8);
        builder.add(
            key,
            i + 1,
            EntryKind.PUT,
            UniqueValues.encode(1, i, KeySpace.key(i), 100),
            SstEntry.NO_EXPIRY);
      }
      builder.finish();
      ByteBuffer bytes = builder.bytes();
      byte[] out = new byte[bytes.remaining()];
      bytes.get(out);
      return out;
    }
  }
}
