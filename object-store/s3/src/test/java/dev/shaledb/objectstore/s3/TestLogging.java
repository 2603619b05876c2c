package dev.shaledb.objectstore.s3;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3Proxy brings Logback, whose default without a configuration file is DEBUG to the console: Jetty
 * and Netty then log every request, which slows tests down and buries their output. This raises the
 * root level to WARN unless a Logback configuration file is present.
 */
final class TestLogging {
  private TestLogging() {}

  static void quiet() {
    ClassLoader loader = TestLogging.class.getClassLoader();
    boolean configured =
        System.getProperty("logback.configurationFile") != null
            || loader.getResource("logback-test.xml") != null
            || loader.getResource("logback.xml") != null;
    if (!configured && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
      context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.WARN);
    }
  }
}
