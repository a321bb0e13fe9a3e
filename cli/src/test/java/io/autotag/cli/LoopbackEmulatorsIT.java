package io.autotag.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.autotag.emulators.LoopbackS3;
import io.autotag.emulators.LoopbackSqs;
import io.autotag.emulators.PortTakenException;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.testing.LocalAws;
import io.netty.util.ResourceLeakDetector;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The emulators {@code serve} runs: LocalS3 and ElasticMQ answer on loopback and nowhere else, a
 * taken port is named with its flag, and LocalS3 releases the buffers of what it was sent.
 */
class LoopbackEmulatorsIT {

  @Test
  void s3AndSqsListenOnLoopbackOnly() throws Exception {
    List<InetAddress> network = Await.networkAddresses();
    assumeFalse(network.isEmpty(), "this machine has no address but loopback to try");
    try (LoopbackS3 s3 = LoopbackS3.start(0, 2);
        LoopbackSqs sqs = LoopbackSqs.start(0)) {
      for (int port : List.of(s3.port(), sqs.port())) {
        assertThat(Await.listening(InetAddress.getLoopbackAddress(), port)).isTrue();
        for (InetAddress address : network) {
          assertThat(Await.listening(address, port))
              .as("port %d through %s", port, address)
              .isFalse();
        }
      }
    }
  }

  @Test
  void aTakenPortIsNamedWithTheFlagThatPicksAnother() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThatThrownBy(() -> LoopbackS3.start(port, 2))
          .isInstanceOf(PortTakenException.class)
          .hasMessage("S3 port " + port + " is in use");
      assertThatThrownBy(() -> LoopbackSqs.start(port))
          .isInstanceOf(PortTakenException.class)
          .hasMessage("SQS port " + port + " is in use");
      // What serve says: the flag that picks another port.
      assertThatThrownBy(() -> Emulators.start(port, 0))
          .isInstanceOf(PortInUseException.class)
          .hasMessageContaining("S3 port " + port + " is in use")
          .hasMessageContaining("--s3-port")
          .hasMessageContaining("--ephemeral-ports");
      assertThatThrownBy(() -> Emulators.start(0, port))
          .isInstanceOf(PortInUseException.class)
          .hasMessageContaining("SQS port " + port + " is in use")
          .hasMessageContaining("--sqs-port");
    }
  }

  /**
   * netty-http-router 1.15 retains every request body and never releases it: each upload's buffers
   * stayed in Netty's direct memory, and Netty logged "LEAK: ByteBuf.release() was not called"
   * during normal uploads. With Netty tracking every buffer, uploads then garbage collections must
   * report no leak, and what was uploaded is still all there (released only after LocalS3 copied
   * it).
   */
  @Test
  void uploadsReleaseTheirBuffers() {
    byte[] photo = new byte[256 * 1024];
    new Random(7).nextBytes(photo);
    Logger detector = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
    ListAppender<ILoggingEvent> reports = new ListAppender<>();
    reports.start();
    detector.addAppender(reports);
    ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    try (LoopbackS3 s3 = LoopbackS3.start(0, 2);
        AwsClients clients =
            LocalAws.clients(
                Map.of(
                    "AWS_REGION", "us-east-1", "AWS_ENDPOINT_URL_S3", s3.endpoint().toString()))) {
      clients.s3().createBucket(b -> b.bucket("memory"));
      for (int i = 0; i < 20; i++) {
        put(clients, "photo-" + i, photo);
      }
      // Leaks are reported when a tracked buffer has been collected and the next one is tracked.
      for (int round = 0; round < 5 && reports.list.isEmpty(); round++) {
        System.gc();
        clients.s3().headBucket(b -> b.bucket("memory"));
        put(clients, "after-gc-" + round, photo);
      }
      assertThat(reports.list).extracting(ILoggingEvent::getFormattedMessage).isEmpty();
      assertThat(
              clients.s3().getObjectAsBytes(b -> b.bucket("memory").key("photo-19")).asByteArray())
          .isEqualTo(photo);
    } finally {
      ResourceLeakDetector.setLevel(level);
      detector.detachAppender(reports);
    }
  }

  private static void put(AwsClients clients, String key, byte[] bytes) {
    clients.s3().putObject(b -> b.bucket("memory").key(key), RequestBody.fromBytes(bytes));
  }
}
