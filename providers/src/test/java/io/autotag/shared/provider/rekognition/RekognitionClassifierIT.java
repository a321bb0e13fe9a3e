package io.autotag.shared.provider.rekognition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.ClassifierContract;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.http.ContractServer;
import io.autotag.shared.provider.http.Retrier;
import io.autotag.shared.testing.TestImages;
import java.net.URI;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The Rekognition adapter, through the real SDK client pointed at a local server speaking
 * DetectLabels over JSON 1.1.
 */
class RekognitionClassifierIT extends ClassifierContract {

  private RekognitionContractServer server;
  private AwsClients aws;
  private final List<Duration> waits = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    server = new RekognitionContractServer();
  }

  @AfterEach
  void stop() {
    if (aws != null) {
      aws.close();
    }
    server.close();
    assertThat(server.violations()).as("contract violations").isEmpty();
  }

  static Map<String, String> env(URI endpoint) {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", "eu-west-1");
    env.put("AWS_ENDPOINT_URL_REKOGNITION", endpoint.toString());
    env.put("AUTOTAG_REKOGNITION_MIN_CONFIDENCE", "0");
    env.put("AUTOTAG_PROVIDER_TIMEOUT_MS", "2000");
    env.put("AUTOTAG_PROVIDER_MAX_RETRIES", "1");
    env.put("AUTOTAG_PROVIDER_BACKOFF_MS", "1");
    return env;
  }

  private RekognitionClassifier classifier(Map<String, String> overrides) {
    Map<String, String> env = env(server.baseUrl());
    env.putAll(overrides);
    Settings settings = Settings.of(env);
    RekognitionSettings rekognition = RekognitionSettings.from(settings);
    AwsSettings awsSettings = AwsSettings.from(settings);
    settings.check();
    if (aws == null) {
      aws =
          AwsClients.create(
              awsSettings,
              StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret")));
    }
    return new RekognitionClassifier(
        RekognitionFactory.client(rekognition, aws),
        rekognition,
        new Retrier(rekognition.http(), waits::add, () -> 0.5));
  }

  @Override
  protected RekognitionClassifier classifier() {
    return classifier(Map.of());
  }

  @Override
  protected Optional<ContractServer> server() {
    return Optional.of(server);
  }

  @Override
  protected List<Boolean> multiLabelModes() {
    return List.of(true);
  }

  @Test
  void anS3ObjectGoesByReferenceWithItsVersion() throws Exception {
    classifier()
        .classify(
            ImageInput.S3Object.of(
                ObjectRef.of("photos", "2024/cat one.jpg", "v3", null, 12L * 1024 * 1024),
                ImageFormat.JPEG));
    JsonNode image = server.detectLabelsRequests().getLast().path("Image");
    assertThat(image.has("Bytes")).isFalse();
    assertThat(image.path("S3Object").path("Bucket").asText()).isEqualTo("photos");
    assertThat(image.path("S3Object").path("Name").asText()).isEqualTo("2024/cat one.jpg");
    assertThat(image.path("S3Object").path("Version").asText()).isEqualTo("v3");
  }

  @Test
  void bytesGoAsBase64WithMaxLabelsAndMinConfidenceOnRekognitionsScale() throws Exception {
    server.answer(List.of(new Label("Dog", 0.975), new Label("Cat", 0.3)), true);
    Classification result =
        classifier(
                Map.of(
                    "AUTOTAG_REKOGNITION_MIN_CONFIDENCE", "0.5",
                    "AUTOTAG_REKOGNITION_MAX_LABELS", "7"))
            .classify(image());
    JsonNode request = server.detectLabelsRequests().getLast();
    assertThat(Base64.getDecoder().decode(request.path("Image").path("Bytes").asText()))
        .isEqualTo(((ImageInput.Bytes) image()).data());
    assertThat(request.path("MaxLabels").asInt()).isEqualTo(7);
    assertThat(request.path("MinConfidence").asDouble()).isEqualTo(50.0);
    assertThat(result.labels()).containsExactly(new Label("Dog", 0.975f * 100 / 100.0));
    assertThat(result.modelId()).isEqualTo("detect-labels-3.0");
  }

  @Test
  void capabilitiesOfferS3ReferencesUpTo15Megabytes() {
    var capabilities = classifier().capabilities();
    assertThat(capabilities.acceptsS3Reference()).isTrue();
    assertThat(capabilities.maxReferenceBytes()).isEqualTo(15L * 1024 * 1024);
    assertThat(capabilities.acceptsUrl()).isFalse();
    assertThat(
            classifier(Map.of("AUTOTAG_REKOGNITION_S3_REFERENCE", "false"))
                .capabilities()
                .acceptsS3Reference())
        .isFalse();
  }

  @ParameterizedTest
  @CsvSource({
    "400, InvalidImageFormatException, UNSUPPORTED_TYPE",
    "400, ImageTooLargeException, TOO_LARGE",
    "400, InvalidS3ObjectException, REJECTED",
    "400, InvalidParameterException, REJECTED",
    "400, AccessDeniedException, UNAUTHORIZED",
    "400, ProvisionedThroughputExceededException, THROTTLED",
    "400, ThrottlingException, THROTTLED",
    "500, InternalServerError, UNAVAILABLE"
  })
  void eachServiceErrorMapsToItsReason(int status, String type, FailureReason reason) {
    server.next(new ContractServer.Raw(RekognitionContractServer.error(status, type, "why")));
    ClassificationException thrown =
        failure(classifier(Map.of("AUTOTAG_PROVIDER_MAX_RETRIES", "0")));
    assertThat(thrown.reason()).isEqualTo(reason);
    assertThat(thrown.getMessage()).contains(type).contains("why");
  }

  @Test
  void retryAfterIsHonouredOnThrottling() throws Exception {
    server.next(
        new ContractServer.Raw(
            RekognitionContractServer.error(400, "ThrottlingException", "Rate exceeded")
                .withHeader("Retry-After", "4")));
    classifier().classify(image());
    assertThat(waits).containsExactly(Duration.ofSeconds(4));
    assertThat(server.requests()).isEqualTo(2);
  }

  @Test
  void slowDroppedAndMalformedResponsesAreRetryable() {
    server.next(new ContractServer.Delay(Duration.ofMillis(1500)));
    assertThat(
            failure(
                    classifier(
                        Map.of(
                            "AUTOTAG_PROVIDER_MAX_RETRIES",
                            "0",
                            "AUTOTAG_PROVIDER_TIMEOUT_MS",
                            "300")))
                .reason())
        .isEqualTo(FailureReason.UNAVAILABLE);
    server.next(new ContractServer.Drop());
    assertThat(failure(classifier(Map.of("AUTOTAG_PROVIDER_MAX_RETRIES", "0"))).reason())
        .isEqualTo(FailureReason.UNAVAILABLE);
    server.next(new ContractServer.Raw(ContractServer.Response.json(200, "{\"Labels\": [")));
    assertThat(failure(classifier(Map.of("AUTOTAG_PROVIDER_MAX_RETRIES", "0"))).reason())
        .isEqualTo(FailureReason.UNAVAILABLE);
  }

  @Test
  void bytesAboveFiveMegabytesAreDownscaled() throws Exception {
    byte[] big = TestImages.noise(1400, 1300, "png");
    assertThat(big.length).isGreaterThan(5 * 1024 * 1024);
    classifier().classify(ImageInput.Bytes.of(big));
    byte[] sent =
        Base64.getDecoder()
            .decode(server.detectLabelsRequests().getLast().path("Image").path("Bytes").asText());
    assertThat(sent.length).isLessThanOrEqualTo(5 * 1024 * 1024);
    assertThat(ImageFormat.sniff(sent)).contains(ImageFormat.JPEG);
  }

  @Test
  void urlsAreRefused() {
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class,
            () ->
                classifier().classify(ImageInput.Url.of(URI.create("https://example.com/a.jpg"))));
    assertThat(thrown.reason()).isEqualTo(FailureReason.REJECTED);
    assertThat(server.requests()).isZero();
  }

  private ClassificationException failure(Classifier classifier) {
    ClassificationException thrown =
        catchThrowableOfType(ClassificationException.class, () -> classifier.classify(image()));
    assertThat(thrown).as("expected a ClassificationException").isNotNull();
    return thrown;
  }
}
