package io.autotag.tagger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.shared.classify.Label;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.provider.einstein.EinsteinContractServer;
import io.autotag.shared.provider.http.ContractServer;
import io.autotag.shared.provider.rekognition.RekognitionContractServer;
import io.autotag.shared.provider.roboflow.RoboflowContractServer;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.ObjectTags;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * The tagger end to end with each hosted provider chosen by configuration ({@code
 * AUTOTAG_PROVIDER}) and pointed at a local server that follows that provider's documented
 * contract, against in-process S3 and SQS: the object ends up tagged with the provider's answer.
 */
class HostedProvidersIT {

  static final String BUCKET = "autotag-uploads";
  static final String KEY = "photos/cat.jpg";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
  static final List<Label> ANSWER = List.of(new Label("cat", 0.91), new Label("dog", 0.35));

  static LocalAws aws;
  static byte[] sample;
  static KeyPair keys;

  final List<AutoCloseable> closeables = new ArrayList<>();
  String reviewQueue;

  @BeforeAll
  static void startServers() throws Exception {
    aws = LocalAws.start();
    aws.createBucket(BUCKET, false);
    sample = Files.readAllBytes(TaggerIT.EVENTS.resolve("sample.jpg"));
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
  }

  @AfterAll
  static void stopServers() {
    aws.close();
  }

  @BeforeEach
  void freshObject() {
    reviewQueue = aws.createQueue("review-" + System.nanoTime());
    aws.clients().s3().deleteObject(b -> b.bucket(BUCKET).key(KEY));
    aws.clients().s3().putObject(b -> b.bucket(BUCKET).key(KEY), RequestBody.fromBytes(sample));
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : closeables.reversed()) {
      closeable.close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T closeable) {
    closeables.add(closeable);
    return closeable;
  }

  private JsonNode tag(Map<String, String> providerEnv) throws IOException {
    Map<String, String> env = new HashMap<>(aws.env());
    env.put("AUTOTAG_REVIEW_QUEUE_URL", reviewQueue);
    env.put("AUTOTAG_PRIMING", "false");
    env.put("AUTOTAG_PROVIDER_MAX_RETRIES", "0");
    // This test's own thresholds (what it checks is not the shipped defaults: TaggerConfigTest
    // pins those), so the fake's 0.91 is auto-tagged and its 0.35 is not listed.
    env.put("AUTOTAG_REVIEW_THRESHOLD", "0.75");
    env.put("AUTOTAG_LABEL_THRESHOLD", "0.65");
    env.putAll(providerEnv);
    TaggerWiring wiring =
        closeLater(TaggerWiring.create(env, ProviderRegistry.builtIn(), LocalAws::clients, CLOCK));
    String output = TaggerIT.invoke(new TaggerHandler(wiring), TaggerIT.event("s3-put.json"));
    return TaggerIT.json.readTree(output);
  }

  private static Map<String, String> tags() {
    return ObjectTags.read(aws.clients().s3(), BUCKET, KEY);
  }

  private Map<String, String> roboflow(RoboflowContractServer server) {
    return Map.of(
        "AUTOTAG_ROBOFLOW_BASE_URL", server.baseUrl().toString(),
        "AUTOTAG_ROBOFLOW_MODEL", "pets/2",
        "AUTOTAG_ROBOFLOW_API_KEY", "rf_key_for_the_tagger");
  }

  private Map<String, String> einstein(EinsteinContractServer server) {
    return Map.of(
        "AUTOTAG_EINSTEIN_BASE_URL",
        server.baseUrl().toString(),
        "AUTOTAG_EINSTEIN_MODEL_ID",
        "PetsModel",
        "AUTOTAG_EINSTEIN_ACCOUNT_ID",
        "ops@example.com",
        "AUTOTAG_EINSTEIN_PRIVATE_KEY",
        "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(keys.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n");
  }

  @Test
  void roboflowTagsTheObjectFetchingItByPresignedUrl() throws Exception {
    RoboflowContractServer server =
        closeLater(new RoboflowContractServer("pets/2", "rf_key_for_the_tagger"));
    server.answer(ANSWER, false);
    Map<String, String> env = new HashMap<>(roboflow(server));
    env.put("AUTOTAG_PROVIDER", "roboflow");

    JsonNode output = tag(env);

    assertThat(output.path("classified").asInt()).isEqualTo(1);
    assertThat(tags())
        .containsEntry("autotag:status", "classified")
        .containsEntry("autotag:label", "cat")
        .containsEntry("autotag:labels", "cat") // dog 0.35 is below the label threshold (0.65)
        .containsEntry("autotag:model", "roboflow/pets/2");
    assertThat(server.images()).as("no bytes were sent").isEmpty();
    URI url = server.imageUrls().getFirst();
    assertThat(url.getQuery()).contains("X-Amz-Signature=");
    // The URL really reads the object, with no credentials of the caller's own.
    try (var http = HttpClient.newHttpClient()) {
      var response =
          http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo(sample);
    }
    assertThat(server.violations()).isEmpty();
  }

  @Test
  void roboflowGetsTheBytesWhenPresignedUrlsAreOff() throws Exception {
    RoboflowContractServer server =
        closeLater(new RoboflowContractServer("pets/2", "rf_key_for_the_tagger"));
    server.answer(ANSWER, false);
    Map<String, String> env = new HashMap<>(roboflow(server));
    env.put("AUTOTAG_PROVIDER", "roboflow");
    env.put("AUTOTAG_PRESIGNED_URLS", "false");

    tag(env);

    assertThat(tags()).containsEntry("autotag:label", "cat");
    assertThat(server.images()).singleElement().isEqualTo(sample);
    assertThat(server.imageUrls()).isEmpty();
    assertThat(server.violations()).isEmpty();
  }

  @Test
  void einsteinTagsTheObject() throws Exception {
    EinsteinContractServer server =
        closeLater(new EinsteinContractServer("PetsModel", "ops@example.com", keys.getPublic()));
    server.answer(ANSWER, false);
    Map<String, String> env = new HashMap<>(einstein(server));
    env.put("AUTOTAG_PROVIDER", "einstein");
    env.put("AUTOTAG_PRESIGNED_URLS", "false");

    tag(env);

    assertThat(tags())
        .containsEntry("autotag:status", "classified")
        .containsEntry("autotag:label", "cat")
        .containsEntry("autotag:model", "einstein/PetsModel");
    assertThat(server.tokensIssued()).isEqualTo(1);
    assertThat(server.forms().getLast().part("sampleContent").orElseThrow().content())
        .isEqualTo(sample);
    assertThat(server.violations()).isEmpty();
  }

  @Test
  void einsteinGetsAPresignedUrlAsSampleLocation() throws Exception {
    EinsteinContractServer server =
        closeLater(new EinsteinContractServer("PetsModel", "ops@example.com", keys.getPublic()));
    server.answer(ANSWER, false);
    Map<String, String> env = new HashMap<>(einstein(server));
    env.put("AUTOTAG_PROVIDER", "einstein");

    tag(env);

    assertThat(tags()).containsEntry("autotag:label", "cat");
    var form = server.forms().getLast();
    assertThat(form.part("sampleContent")).isEmpty();
    assertThat(EinsteinContractServer.field(form, "sampleLocation").orElseThrow())
        .contains("X-Amz-Signature=");
    assertThat(server.violations()).isEmpty();
  }

  @Test
  void rekognitionTagsTheObjectByS3Reference() throws Exception {
    RekognitionContractServer server = closeLater(new RekognitionContractServer());
    server.answer(List.of(new Label("Cat", 0.975), new Label("Pet", 0.9)), true);

    tag(
        Map.of(
            "AUTOTAG_PROVIDER",
            "rekognition",
            "AWS_ENDPOINT_URL_REKOGNITION",
            server.baseUrl().toString()));

    assertThat(tags())
        .containsEntry("autotag:status", "classified")
        .containsEntry("autotag:label", "Cat")
        .containsEntry("autotag:model", "rekognition/detect-labels-3.0");
    JsonNode image = server.detectLabelsRequests().getLast().path("Image");
    assertThat(image.path("S3Object").path("Bucket").asText()).isEqualTo(BUCKET);
    assertThat(image.path("S3Object").path("Name").asText()).isEqualTo(KEY);
    assertThat(image.has("Bytes")).isFalse();
    assertThat(server.violations()).isEmpty();
  }

  @Test
  void aFallbackChainRecordsTheProviderThatAnswered() throws Exception {
    RoboflowContractServer roboflow =
        closeLater(new RoboflowContractServer("pets/2", "rf_key_for_the_tagger"));
    roboflow.fail(ContractServer.Failure.UNAVAILABLE);
    EinsteinContractServer einstein =
        closeLater(new EinsteinContractServer("PetsModel", "ops@example.com", keys.getPublic()));
    einstein.answer(ANSWER, false);
    Map<String, String> env = new HashMap<>(roboflow(roboflow));
    env.putAll(einstein(einstein));
    env.put("AUTOTAG_PROVIDER", "roboflow,einstein");

    tag(env);

    assertThat(roboflow.requests()).isEqualTo(1);
    assertThat(tags())
        .containsEntry("autotag:status", "classified")
        .containsEntry("autotag:model", "einstein/PetsModel");
  }
}
