package io.autotag.shared.provider.roboflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import io.autotag.shared.provider.http.ProviderHttp;
import io.autotag.shared.provider.http.Retrier;
import io.autotag.shared.secrets.Secrets;
import io.autotag.shared.testing.TestImages;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Roboflow adapter against a local server that follows Roboflow's documented contract. */
class RoboflowClassifierIT extends ClassifierContract {

  static final String MODEL = "flowers/3";
  static final String KEY = "rf_test_key_5b0c1e2d";

  private RoboflowContractServer server;
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private final Map<String, String> extra = new HashMap<>();

  @BeforeEach
  void start() {
    server = new RoboflowContractServer(MODEL, KEY);
  }

  @AfterEach
  void stop() {
    server.close();
    assertThat(server.violations()).as("contract violations").isEmpty();
  }

  /** The environment a deployment would set to point at {@code server}. */
  static Map<String, String> env(URI baseUrl) {
    Map<String, String> env = new HashMap<>();
    env.put("AUTOTAG_ROBOFLOW_BASE_URL", baseUrl.toString());
    env.put("AUTOTAG_ROBOFLOW_MODEL", MODEL);
    env.put("AUTOTAG_ROBOFLOW_API_KEY", KEY);
    env.put("AUTOTAG_PROVIDER_TIMEOUT_MS", "2000");
    env.put("AUTOTAG_PROVIDER_MAX_RETRIES", "1");
    env.put("AUTOTAG_PROVIDER_BACKOFF_MS", "1");
    return env;
  }

  private RoboflowClassifier classifier(Map<String, String> overrides) {
    Map<String, String> env = env(server.baseUrl());
    env.putAll(extra);
    env.putAll(overrides);
    Settings settings = Settings.of(env);
    RoboflowSettings roboflow = RoboflowSettings.from(settings, Secrets.create(settings, null));
    settings.check();
    return new RoboflowClassifier(
        roboflow,
        ProviderHttp.create(RoboflowClassifier.NAME, roboflow.http()),
        new Retrier(roboflow.http(), waits::add, () -> 0.5),
        new ObjectMapper());
  }

  @Override
  protected Classifier classifier() {
    return classifier(Map.of());
  }

  @Override
  protected Optional<ContractServer> server() {
    return Optional.of(server);
  }

  @Override
  protected List<String> secrets() {
    return List.of(KEY);
  }

  @Test
  void inferRouteSendsTheKeyAsBearerAndTheImageAsBase64Json() throws Exception {
    byte[] png = TestImages.png(Color.RED);
    classifier().classify(ImageInput.Bytes.of(png));

    ContractServer.Received request = server.lastReceived();
    assertThat(request.uri().getPath()).isEqualTo("/infer/classification");
    assertThat(request.uri().getRawQuery()).isNull();
    assertThat(request.header("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(request.bodyText()).doesNotContain(KEY).contains("\"model_id\":\"flowers/3\"");
    assertThat(server.images()).singleElement().isEqualTo(png);
  }

  @Test
  void legacyRouteSendsARawBase64BodyAndTheDocumentedApiKeyParameter() throws Exception {
    byte[] png = TestImages.png(Color.BLUE);
    extra.put("AUTOTAG_ROBOFLOW_ROUTE", "legacy");
    extra.put("AUTOTAG_ROBOFLOW_KEY_PLACEMENT", "parameter");
    Classification result = classifier().classify(ImageInput.Bytes.of(png));

    ContractServer.Received request = server.lastReceived();
    assertThat(request.uri().getPath()).isEqualTo("/flowers/3");
    // "confidence=0.0": keep every label; left out, Roboflow would apply its own 0.4
    assertThat(request.uri().getQuery()).isEqualTo("confidence=0.0&api_key=" + KEY);
    assertThat(request.header("Authorization")).isNull();
    assertThat(Base64.getDecoder().decode(request.body())).isEqualTo(png);
    assertThat(result.imageSize()).isNotNull();
  }

  @Test
  void legacyRouteWithBearerKeepsTheKeyOutOfTheUrl() throws Exception {
    extra.put("AUTOTAG_ROBOFLOW_ROUTE", "legacy");
    classifier().classify(image());
    assertThat(server.lastReceived().uri().toString()).doesNotContain(KEY);
    assertThat(server.lastReceived().header("Authorization")).isEqualTo("Bearer " + KEY);
  }

  @Test
  void aUrlIsSentForTheServerToFetchOnBothRoutes() throws Exception {
    URI image =
        URI.create(
            "https://bucket.s3.amazonaws.com/a%20b.jpg?X-Amz-Signature=abc&X-Amz-Expires=60");
    ImageInput url = ImageInput.Url.of(image, ImageFormat.JPEG, 1000L);
    classifier().classify(url);
    extra.put("AUTOTAG_ROBOFLOW_ROUTE", "legacy");
    classifier().classify(url);

    assertThat(server.imageUrls()).containsExactly(image, image);
    assertThat(server.images()).isEmpty();
    assertThat(server.lastReceived().body()).isEmpty();
  }

  @Test
  void multiLabelAnswersAreFilteredByTheConfiguredConfidence() throws Exception {
    server.answer(
        List.of(new Label("bird", 0.53), new Label("cat", 0.51), new Label("dog", 0.49)), true);
    Classification result =
        classifier(Map.of("AUTOTAG_ROBOFLOW_CONFIDENCE", "0.5")).classify(image());

    assertThat(result.multiLabel()).isTrue();
    assertThat(result.labels()).extracting(Label::name).containsExactly("bird", "cat");
    assertThat(server.lastReceived().bodyText()).contains("\"confidence\":0.5");
  }

  @Test
  void withoutAConfiguredConfidenceEveryLabelIsKeptOnBothRoutes() throws Exception {
    List<Label> classes =
        List.of(new Label("cat", 0.62), new Label("dog", 0.25), new Label("bird", 0.13));
    server.answer(classes, false);
    Classification infer = classifier().classify(image());
    assertThat(server.lastReceived().bodyText()).contains("\"confidence\":0.0");
    assertThat(infer.labels()).extracting(Label::name).containsExactly("cat", "dog", "bird");
    // The server's class ids give the model's class list
    assertThat(infer.classes()).containsExactlyElementsOf(classes);

    extra.put("AUTOTAG_ROBOFLOW_ROUTE", "legacy");
    Classification legacy = classifier().classify(image());
    assertThat(legacy.labels()).extracting(Label::name).containsExactly("cat", "dog", "bird");
  }

  @Test
  void theLegacyRouteSendsTheConfiguredConfidenceAsItReadsIt() throws Exception {
    extra.put("AUTOTAG_ROBOFLOW_ROUTE", "legacy");
    server.answer(List.of(new Label("cat", 0.62), new Label("dog", 0.25)), false);
    Classification result =
        classifier(Map.of("AUTOTAG_ROBOFLOW_CONFIDENCE", "0.3")).classify(image());
    assertThat(server.lastReceived().uri().getQuery()).isEqualTo("confidence=0.3");
    assertThat(server.confidences().getLast()).isEqualTo(0.3);
    assertThat(result.labels()).extracting(Label::name).containsExactly("cat");
    // 1 would be read as 1 percent there: it goes as 100 percent
    classifier(Map.of("AUTOTAG_ROBOFLOW_CONFIDENCE", "1")).classify(image());
    assertThat(server.confidences().getLast()).isEqualTo(1.0);
  }

  @Test
  void multiLabelAnswersKeepTheServersPredictedClasses() throws Exception {
    // The server's verdict (say, per-class thresholds from "best") is not the confidence order
    server.next(
        new ContractServer.Raw(
            ContractServer.Response.json(
                200,
                "{\"inference_id\":\"x\",\"time\":0.1,\"image\":{\"width\":4,\"height\":4},"
                    + "\"predictions\":{\"cat\":{\"confidence\":0.8,\"class_id\":0},"
                    + "\"dog\":{\"confidence\":0.3,\"class_id\":1}},"
                    + "\"predicted_classes\":[\"dog\"]}")));
    Classification result =
        classifier(Map.of("AUTOTAG_ROBOFLOW_CONFIDENCE", "best")).classify(image());
    assertThat(server.lastReceived().bodyText()).contains("\"confidence\":\"best\"");
    assertThat(result.labels()).extracting(Label::name).containsExactly("dog");
    assertThat(result.classes()).extracting(Label::name).containsExactly("cat", "dog");
  }

  @Test
  void aFastApiValidationErrorKeepsItsMessage() {
    server.next(
        new ContractServer.Raw(
            ContractServer.Response.json(
                422,
                "{\"detail\":[{\"type\":\"float_parsing\",\"loc\":[\"body\",\"confidence\","
                    + "\"float\"],\"msg\":\"Input should be a valid number\",\"input\":\"x\"}]}")));
    ClassificationException thrown =
        failure(classifier(Map.of("AUTOTAG_PROVIDER_MAX_RETRIES", "0")));
    assertThat(thrown.getMessage())
        .contains("HTTP 422")
        .contains("body.confidence.float: Input should be a valid number");
  }

  @Test
  void aListAnswerIsReadAsTheAnswerForTheOneImage() throws Exception {
    server.next(
        new ContractServer.Raw(
            ContractServer.Response.json(
                200,
                "[{\"predictions\":[{\"class\":\"cat\",\"class_id\":0,\"confidence\":0.9}],"
                    + "\"top\":\"cat\",\"confidence\":0.9}]")));
    // No retry: the list itself must be read, not a retried request
    Classification result =
        classifier(Map.of("AUTOTAG_PROVIDER_MAX_RETRIES", "0")).classify(image());
    assertThat(result.labels()).containsExactly(new Label("cat", 0.9));
  }

  @Test
  void malformedJsonIsRetryableAfterTheRetries() {
    server.next(new ContractServer.Raw(ContractServer.Response.json(200, "{\"predictions\": [")));
    server.next(
        new ContractServer.Raw(ContractServer.Response.json(200, "{\"predictions\":\"x\"}")));

    ClassificationException thrown = failure(classifier());

    assertThat(thrown.reason()).isEqualTo(FailureReason.UNAVAILABLE);
    assertThat(thrown.getMessage()).contains("malformed");
    assertThat(server.requests()).isEqualTo(2);
  }

  @Test
  void aConfidenceOutsideZeroToOneIsMalformed() {
    server.next(
        new ContractServer.Raw(
            ContractServer.Response.json(
                200, "{\"predictions\":[{\"class\":\"cat\",\"confidence\":97}]}")));
    ClassificationException thrown =
        failure(classifier(Map.of("AUTOTAG_PROVIDER_MAX_RETRIES", "0")));
    assertThat(thrown.getMessage()).contains("outside 0..1");
  }

  @Test
  void aSlowResponsePastTheTimeoutIsRetryable() {
    server.next(new ContractServer.Delay(Duration.ofMillis(1500)));
    ClassificationException thrown =
        failure(
            classifier(
                Map.of("AUTOTAG_PROVIDER_TIMEOUT_MS", "200", "AUTOTAG_PROVIDER_MAX_RETRIES", "0")));
    assertThat(thrown.reason()).isEqualTo(FailureReason.UNAVAILABLE);
    assertThat(thrown.getMessage()).contains("no response within 200 ms");
  }

  @Test
  void aDroppedConnectionIsRetriedAndTheRetryAnswers() throws Exception {
    server.next(new ContractServer.Drop());
    Classification result = classifier().classify(image());
    assertThat(result.top()).isPresent();
    assertThat(server.requests()).isEqualTo(2);
    assertThat(waits).hasSize(1);
  }

  @Test
  void aDroppedConnectionWithoutRetriesIsUnavailable() {
    server.next(new ContractServer.Drop());
    ClassificationException thrown =
        failure(classifier(Map.of("AUTOTAG_PROVIDER_MAX_RETRIES", "0")));
    assertThat(thrown.reason()).isEqualTo(FailureReason.UNAVAILABLE);
  }

  @Test
  void retryAfterIsHonoured() throws Exception {
    server.next(
        new ContractServer.Raw(
            ContractServer.Response.json(429, "{\"message\":\"slow down\"}")
                .withHeader("Retry-After", "3")));
    Classification result = classifier().classify(image());
    assertThat(result.top()).isPresent();
    assertThat(waits).containsExactly(Duration.ofSeconds(3));
  }

  @Test
  void aRetryAfterLongerThanTheMaximumEndsRetrying() {
    server.next(
        new ContractServer.Raw(
            ContractServer.Response.json(503, "{}").withHeader("Retry-After", "120")));
    ClassificationException thrown = failure(classifier());
    assertThat(thrown.reason()).isEqualTo(FailureReason.UNAVAILABLE);
    assertThat(server.requests()).isEqualTo(1);
    assertThat(waits).isEmpty();
  }

  @ParameterizedTest
  @CsvSource({
    "400, REJECTED",
    "401, UNAUTHORIZED",
    "403, UNAUTHORIZED",
    "404, REJECTED",
    "413, TOO_LARGE",
    "415, UNSUPPORTED_TYPE",
    "429, THROTTLED",
    "500, UNAVAILABLE",
    "502, UNAVAILABLE",
    "503, UNAVAILABLE"
  })
  void eachErrorStatusMapsToItsReason(int status, FailureReason reason) {
    server.next(
        new ContractServer.Raw(ContractServer.Response.json(status, "{\"message\":\"no\"}")));
    ClassificationException thrown =
        failure(classifier(Map.of("AUTOTAG_PROVIDER_MAX_RETRIES", "0")));
    assertThat(thrown.reason()).isEqualTo(reason);
    assertThat(thrown.getMessage()).contains("HTTP " + status).contains(": no");
  }

  @Test
  void errorMessagesNeverCarryTheKeyOrAQueryString() {
    server.next(
        new ContractServer.Raw(
            ContractServer.Response.json(
                400,
                "{\"message\":\"bad request to https://classify.roboflow.com/x/1?api_key="
                    + KEY
                    + "&image=y for key "
                    + KEY
                    + "\"}")));
    ClassificationException thrown =
        failure(classifier(Map.of("AUTOTAG_PROVIDER_MAX_RETRIES", "0")));
    assertThat(thrown.getMessage())
        .doesNotContain(KEY)
        .doesNotContain("image=y")
        .contains("bad request");
  }

  @Test
  void aWrongKeyIsUnauthorizedAndNotRetried() {
    ClassificationException thrown =
        failure(classifier(Map.of("AUTOTAG_ROBOFLOW_API_KEY", "rf_wrong_key_000000")));
    assertThat(thrown.reason()).isEqualTo(FailureReason.UNAUTHORIZED);
    assertThat(server.requests()).isEqualTo(1);
  }

  @Test
  void anImageAboveTheLimitIsDownscaledToAJpegThatFits() throws Exception {
    byte[] big = TestImages.noise(900, 600, "png");
    long limit = big.length / 4;
    Classification result =
        classifier(Map.of("AUTOTAG_ROBOFLOW_MAX_BYTES", Long.toString(limit)))
            .classify(ImageInput.Bytes.of(big));

    byte[] sent = server.images().getFirst();
    assertThat(sent.length).isLessThanOrEqualTo((int) limit);
    assertThat(ImageFormat.sniff(sent)).contains(ImageFormat.JPEG);
    BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(sent));
    assertThat((double) decoded.getWidth() / decoded.getHeight())
        .isCloseTo(1.5, Assertions.within(0.02));
    assertThat(result.top()).isPresent();
  }

  @Test
  void anUndecodableImageAboveTheLimitIsCorruptWithoutACall() {
    byte[] junk = new byte[4096];
    new Random(1).nextBytes(junk);
    junk[0] = (byte) 0xFF;
    junk[1] = (byte) 0xD8;
    junk[2] = (byte) 0xFF;
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class,
            () ->
                classifier(Map.of("AUTOTAG_ROBOFLOW_MAX_BYTES", "1000"))
                    .classify(ImageInput.Bytes.of(junk)));
    assertThat(thrown.reason()).isEqualTo(FailureReason.CORRUPT);
    assertThat(thrown.retryable()).isFalse();
    assertThat(server.requests()).isZero();
  }

  @Test
  void s3ReferencesAreRefusedBecauseRoboflowCannotReadThem() {
    assertThat(classifier().capabilities().acceptsS3Reference()).isFalse();
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class,
            () -> classifier().classify(ImageInput.S3Object.of(ObjectRef.of("b", "k"))));
    assertThat(thrown.reason()).isEqualTo(FailureReason.REJECTED);
  }

  private ClassificationException failure(Classifier classifier) {
    ClassificationException thrown =
        catchThrowableOfType(ClassificationException.class, () -> classifier.classify(image()));
    assertThat(thrown).as("expected a ClassificationException").isNotNull();
    return thrown;
  }

  static List<Label> labels(String... nameConfidence) {
    List<Label> labels = new ArrayList<>();
    for (int i = 0; i < nameConfidence.length; i += 2) {
      labels.add(new Label(nameConfidence[i], Double.parseDouble(nameConfidence[i + 1])));
    }
    return labels;
  }
}
