package io.autotag.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.classify.Label;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.MotoServer;
import io.autotag.shared.testing.ObjectTags;
import io.autotag.shared.testing.TestImages;
import java.awt.Color;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code serve --endpoint-url} against {@code moto_server}: no bridge, real S3 notifications to the
 * buffer queue, drained by the event source into the tagger (buffered mode end to end). Skips where
 * moto is not installed.
 */
class MotoServeIT {

  @Test
  void realNotificationsReachTheTaggerThroughTheBufferQueue() {
    Optional<MotoServer> server = MotoServer.startIfInstalled();
    assumeTrue(server.isPresent(), "moto_server is not installed");
    byte[] unsure = TestImages.jpeg(Color.MAGENTA);
    FakeClassifier fake = new FakeClassifier().answer(unsure, new Label("cat", 0.1));
    try (MotoServer moto = server.get();
        ServeStack stack =
            ServeStack.start(
                ServeStack.Options.defaults()
                    .withPorts(ServeStack.Ports.ephemeral())
                    .withExternal(URI.create(moto.endpoint())),
                // Its own review threshold: the fake's 0.9 is auto-tagged, its 0.1 is not.
                Map.of("AUTOTAG_PROVIDER", FakeClassifier.NAME, "AUTOTAG_REVIEW_THRESHOLD", "0.75"),
                ProviderRegistry.builtIn().with(fake));
        AwsClients clients = LocalAws.clients(moto.env())) {
      assertThat(stack.bridged()).isFalse();
      clients
          .s3()
          .putObject(
              b -> b.bucket(StackResources.BUCKET).key("moto/cat one.jpg"),
              RequestBody.fromBytes(TestImages.jpeg(Color.ORANGE)));
      clients
          .s3()
          .putObject(
              b -> b.bucket(StackResources.BUCKET).key("moto/unsure.jpg"),
              RequestBody.fromBytes(unsure));
      Await.until(
          Duration.ofSeconds(30),
          "tags from the notification",
          () -> tags(clients, "moto/cat one.jpg").containsKey("autotag:status"));
      Await.until(
          Duration.ofSeconds(30),
          "tags from the notification",
          () -> tags(clients, "moto/unsure.jpg").containsKey("autotag:status"));
      assertThat(tags(clients, "moto/cat one.jpg")).containsEntry("autotag:status", "classified");
      assertThat(tags(clients, "moto/unsure.jpg")).containsEntry("autotag:status", "review");
      var reviews =
          clients
              .sqs()
              .receiveMessage(b -> b.queueUrl(stack.reviewQueueUrl()).maxNumberOfMessages(10))
              .messages();
      assertThat(reviews).hasSize(1);
      assertThat(reviews.getFirst().body()).contains("moto/unsure.jpg");
      assertThat(stack.bridgedEvents()).isZero();
      assertThat(fake.calls()).isEqualTo(2);
    }
  }

  static Map<String, String> tags(AwsClients clients, String key) {
    return ObjectTags.read(clients.s3(), StackResources.BUCKET, key);
  }
}
