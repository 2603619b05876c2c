package dev.shaledb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.shaledb.objectstore.ObjectStore;
import dev.shaledb.objectstore.RequestType;
import dev.shaledb.objectstore.s3.S3TestServer;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** End to end through real HTTP: S3Proxy on loopback, started by the build. */
class DbS3Test {
  private static final int KEYS = 100_000;

  @Test
  void writesHundredThousandKeysClosesReopensAndReadsThemBack() throws Exception {
    try (S3TestServer server = S3TestServer.start();
        ObjectStore store = server.newStore()) {
      DbOptions options = DbOptions.builder().memtableBytes(1 << 20).build();
      try (Db db = Db.open(store, "e2e", options)) {
        WriteBatch batch = new WriteBatch();
        for (int i = 0; i < KEYS; i++) {
          batch.put(key(i), value(i));
          if (batch.size() == 1000) {
            db.write(batch, WriteOptions.noWait());
            batch.clear();
          }
        }
        db.flush();
        assertThat(db.stats().objectStore().requests(RequestType.PUT)).isPositive();
      }
      try (Db db = Db.open(store, "e2e", options)) {
        assertThat(db.stats().l0Tables()).isPositive();
        int n = 0;
        try (DbIterator it = db.scan(null, null)) {
          while (it.hasNext()) {
            KeyValue kv = it.next();
            assertThat(kv.key()).isEqualTo(key(n));
            assertThat(kv.value()).isEqualTo(value(n));
            n++;
          }
        }
        assertThat(n).isEqualTo(KEYS);
        for (int i = 0; i < KEYS; i += 997) {
          assertThat(db.get(key(i))).isEqualTo(value(i));
        }
      }
    }
  }

  private static byte[] key(int i) {
    return ByteBuffer.allocate(8).putInt(0x6b657900).putInt(i).array();
  }

  private static byte[] value(int i) {
    return ("value-" + i + "-".repeat(i % 50)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
