package io.autotag.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.emulators.LoopbackS3;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.LocalAws;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * S3 inputs read by the function for providers that cannot take an S3 reference, against LocalS3 (a
 * real S3 protocol server in this JVM): the bytes arrive, a missing object is 404, an object over
 * the size cap is 413 without being read.
 */
class S3InputIT {

  private static LoopbackS3 s3;
  private static ApiWiring wiring;
  private static ApiHandler handler;
  private static final FakeClassifier CLASSIFIER = TestApi.scripted("scripted");
  private static final byte[] PHOTO = TestApi.jpeg(20, 10);

  @BeforeAll
  static void start() throws IOException {
    s3 = LoopbackS3.start(0, 2);
    Map<String, String> env =
        TestApi.env(
            "AUTOTAG_API_S3_BUCKETS", "photos",
            "AWS_ENDPOINT_URL_S3", s3.endpoint().toString(),
            "AUTOTAG_FETCH_MAX_BYTES", "100000");
    wiring = TestApi.wiring(env, CLASSIFIER);
    handler = new ApiHandler(wiring);
    try (AwsClients uploader = LocalAws.clients(env)) {
      var client = uploader.s3();
      client.createBucket(b -> b.bucket("photos"));
      client.putObject(b -> b.bucket("photos").key("cats/tom.jpg"), RequestBody.fromBytes(PHOTO));
      client.putObject(
          b -> b.bucket("photos").key("huge.jpg"), RequestBody.fromBytes(new byte[200_000]));
    }
  }

  @AfterAll
  static void stop() {
    wiring.close();
    s3.close();
  }

  private static JsonNode classify(String location) {
    String body = "{\"image\":{\"type\":\"s3\",\"value\":\"" + location + "\"}}";
    return TestApi.invoke(
        handler,
        TestApi.v2(
            "POST",
            "/classify",
            "",
            TestApi.withKey("content-type", "application/json"),
            body.getBytes(StandardCharsets.UTF_8),
            false));
  }

  @Test
  void readsAnAllowedObject() {
    JsonNode response = classify("s3://photos/cats/tom.jpg");
    assertThat(response.path("statusCode").asInt()).as(response.toString()).isEqualTo(200);
    assertThat(((ImageInput.Bytes) CLASSIFIER.lastInput()).data()).isEqualTo(PHOTO);
  }

  @Test
  void aMissingObjectIs404() {
    JsonNode response = classify("s3://photos/nope.jpg");
    assertThat(response.path("statusCode").asInt()).isEqualTo(404);
    assertThat(TestApi.body(response).path("error").path("code").asText())
        .isEqualTo("image-not-found");
  }

  @Test
  void anObjectOverTheCapIs413() {
    JsonNode response = classify("s3://photos/huge.jpg");
    assertThat(response.path("statusCode").asInt()).isEqualTo(413);
  }
}
