package io.autotag.shared.provider.einstein;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.ClassifierContract;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.http.ContractServer;
import io.autotag.shared.provider.http.MultipartForm;
import io.autotag.shared.provider.http.Retrier;
import io.autotag.shared.secrets.Secrets;
import io.autotag.shared.testing.MutableClock;
import io.autotag.shared.testing.TestImages;
import java.awt.Color;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Einstein Vision adapter against a local server that follows the documented contract. */
class EinsteinClassifierIT extends ClassifierContract {

  static final String MODEL = "FoodImageClassifier";
  static final String ACCOUNT = "ops@example.com";
  static final String FIXED_TOKEN = "fixed-einstein-token-7c9e";

  static KeyPair keys;
  static KeyPair otherKeys;

  private EinsteinContractServer server;
  private final List<Duration> waits = new CopyOnWriteArrayList<>();
  private final MutableClock clock = new MutableClock(Instant.now());
  private final Map<String, String> extra = new HashMap<>();
  private boolean multiLabel;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
    otherKeys = generator.generateKeyPair();
  }

  @BeforeEach
  void start() {
    server = new EinsteinContractServer(MODEL, ACCOUNT, keys.getPublic());
  }

  @AfterEach
  void stop() {
    server.close();
    assertThat(server.violations()).as("contract violations").isEmpty();
  }

  static String pem(KeyPair pair) {
    return "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }

  /** The environment a deployment would set to point at {@code baseUrl} with a JWT key. */
  static Map<String, String> env(URI baseUrl, KeyPair pair) {
    Map<String, String> env = new HashMap<>();
    env.put("AUTOTAG_EINSTEIN_BASE_URL", baseUrl.toString());
    env.put("AUTOTAG_EINSTEIN_MODEL_ID", MODEL);
    env.put("AUTOTAG_EINSTEIN_ACCOUNT_ID", ACCOUNT);
    env.put("AUTOTAG_EINSTEIN_PRIVATE_KEY", pem(pair));
    env.put("AUTOTAG_PROVIDER_TIMEOUT_MS", "2000");
    env.put("AUTOTAG_PROVIDER_MAX_RETRIES", "1");
    env.put("AUTOTAG_PROVIDER_BACKOFF_MS", "1");
    return env;
  }

  /**
   * Settings for a fixed access token instead of the JWT exchange (no private key), which the
   * server accepts; callers add their own overrides.
   */
  private Map<String, String> fixedToken() {
    server.acceptToken(FIXED_TOKEN);
    Map<String, String> fixed = new HashMap<>();
    fixed.put("AUTOTAG_EINSTEIN_TOKEN", FIXED_TOKEN);
    fixed.put("AUTOTAG_EINSTEIN_PRIVATE_KEY", "");
    return fixed;
  }

  private EinsteinClassifier classifier(Map<String, String> overrides) {
    Map<String, String> env = env(server.baseUrl(), keys);
    env.put("AUTOTAG_EINSTEIN_MULTI_LABEL", Boolean.toString(multiLabel));
    env.putAll(extra);
    env.putAll(overrides);
    env.values().removeIf(v -> v == null || v.isEmpty());
    Settings settings = Settings.of(env);
    EinsteinSettings einstein = EinsteinSettings.from(settings, Secrets.create(settings, null));
    settings.check();
    return EinsteinClassifier.create(
        einstein, new Retrier(einstein.http(), waits::add, () -> 0.5), clock);
  }

  @Override
  protected EinsteinClassifier classifier() {
    return classifier(Map.of());
  }

  @Override
  protected Optional<ContractServer> server() {
    return Optional.of(server);
  }

  @Override
  protected boolean scriptAnswer(List<Label> labels, boolean multiLabel) {
    this.multiLabel = multiLabel;
    return super.scriptAnswer(labels, multiLabel);
  }

  @Override
  protected List<String> secrets() {
    return List.of(FIXED_TOKEN, "einstein-token-");
  }

  @Test
  void uploadsTheImageAsAFilePartWithTheDocumentedFields() throws Exception {
    byte[] png = TestImages.png(Color.GREEN);
    classifier(Map.of("AUTOTAG_EINSTEIN_NUM_RESULTS", "3")).classify(ImageInput.Bytes.of(png));

    MultipartForm form = server.forms().getLast();
    assertThat(EinsteinContractServer.field(form, "modelId")).contains(MODEL);
    assertThat(EinsteinContractServer.field(form, "numResults")).contains("3");
    assertThat(EinsteinContractServer.field(form, "sampleId"))
        .hasValueSatisfying(id -> assertThat(id).startsWith("autotag-"));
    MultipartForm.Part file = form.part("sampleContent").orElseThrow();
    assertThat(file.contentType()).isEqualTo("image/png");
    assertThat(file.filename()).isEqualTo("image.png");
    assertThat(file.content()).isEqualTo(png);
    assertThat(form.parts())
        .extracting(MultipartForm.Part::name)
        .doesNotContain("sampleBase64Content", "sampleLocation");
  }

  @Test
  void canSendTheImageAsABase64Field() throws Exception {
    byte[] png = TestImages.png(Color.ORANGE);
    classifier(Map.of("AUTOTAG_EINSTEIN_UPLOAD", "base64")).classify(ImageInput.Bytes.of(png));
    MultipartForm form = server.forms().getLast();
    assertThat(
            Base64.getDecoder()
                .decode(EinsteinContractServer.field(form, "sampleBase64Content").orElseThrow()))
        .isEqualTo(png);
    assertThat(form.parts()).extracting(MultipartForm.Part::name).doesNotContain("sampleContent");
  }

  @Test
  void aUrlIsSentAsSampleLocation() throws Exception {
    URI url = URI.create("https://images.example.com/beach.jpg?X-Amz-Signature=s3cr3t");
    classifier().classify(ImageInput.Url.of(url, ImageFormat.JPEG, null));
    assertThat(EinsteinContractServer.field(server.forms().getLast(), "sampleLocation"))
        .contains(url.toString());
  }

  @Test
  void theTokenIsFetchedOnceAndReused() throws Exception {
    EinsteinClassifier classifier = classifier();
    for (int i = 0; i < 3; i++) {
      classifier.classify(image());
    }
    assertThat(server.tokensIssued()).isEqualTo(1);
    assertThat(server.predictions()).isEqualTo(3);
  }

  @Test
  void concurrentFirstCallsShareOneTokenRequest() throws Exception {
    EinsteinClassifier classifier = classifier();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        calls.add(pool.submit(() -> classifier.classify(image())));
      }
      for (Future<?> call : calls) {
        call.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(server.tokensIssued()).isEqualTo(1);
  }

  @Test
  void theTokenIsRefreshedShortlyBeforeItExpires() throws Exception {
    server.expiresIn(600);
    EinsteinClassifier classifier = classifier();
    classifier.classify(image());
    clock.advance(Duration.ofSeconds(500));
    classifier.classify(image());
    assertThat(server.tokensIssued()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(45));
    classifier.classify(image());
    assertThat(server.tokensIssued()).isEqualTo(2);
  }

  @Test
  void a401GetsOneFreshTokenAndOneMoreAttempt() throws Exception {
    EinsteinClassifier classifier = classifier();
    classifier.classify(image());
    server.revokeTokens();

    classifier.classify(image());

    assertThat(server.tokensIssued()).isEqualTo(2);
    assertThat(server.predictions()).isEqualTo(3);
  }

  @Test
  void aRejectedSignatureIsUnauthorized() throws Exception {
    ClassificationException thrown =
        failure(classifier(Map.of("AUTOTAG_EINSTEIN_PRIVATE_KEY", pem(otherKeys))));
    assertThat(thrown.reason()).isEqualTo(FailureReason.UNAUTHORIZED);
    assertThat(thrown.getMessage()).contains("bad signature");
    assertThat(server.predictions()).isZero();
  }

  @Test
  void aFixedTokenIsSentAsIsAndA401IsFinal() throws Exception {
    Map<String, String> fixed = fixedToken();
    classifier(fixed).classify(image());
    assertThat(server.lastReceived().header("Authorization")).isEqualTo("Bearer " + FIXED_TOKEN);

    server.revokeTokens();
    ClassificationException thrown = failure(classifier(fixed));
    assertThat(thrown.reason()).isEqualTo(FailureReason.UNAUTHORIZED);
    assertThat(thrown.getMessage()).doesNotContain(FIXED_TOKEN);
    assertThat(server.tokensIssued()).isZero();
  }

  @Test
  void anUnknownModelIsPermanentWithTheProvidersMessage() {
    ClassificationException thrown =
        failure(classifier(Map.of("AUTOTAG_EINSTEIN_MODEL_ID", "StillTraining")));
    assertThat(thrown.reason()).isEqualTo(FailureReason.REJECTED);
    assertThat(thrown.retryable()).isFalse();
    assertThat(thrown.getMessage()).contains("The model ID can't be found");
  }

  @ParameterizedTest
  @CsvSource({
    "400, REJECTED",
    "403, UNAUTHORIZED",
    "404, REJECTED",
    "429, THROTTLED",
    "500, UNAVAILABLE",
    "503, UNAVAILABLE"
  })
  void eachErrorStatusMapsToItsReason(int status, FailureReason reason) {
    server.next(
        new ContractServer.Raw(ContractServer.Response.json(status, "{\"message\":\"nope\"}")));
    ClassificationException thrown =
        failure(classifier(Map.of("AUTOTAG_PROVIDER_MAX_RETRIES", "0")));
    assertThat(thrown.reason()).isEqualTo(reason);
    assertThat(thrown.getMessage()).contains("nope");
  }

  @Test
  void malformedJsonIsRetryable() {
    server.next(new ContractServer.Raw(ContractServer.Response.json(200, "<html>")));
    assertThat(failure(classifier(Map.of("AUTOTAG_PROVIDER_MAX_RETRIES", "0"))).reason())
        .isEqualTo(FailureReason.UNAVAILABLE);
  }

  @Test
  void aSlowPredictionTimesOut() {
    // A fixed token, so the short timeout meets only the prediction: with a token exchange first,
    // a loaded machine could time out on the token and leave the scripted delay for a later call.
    Map<String, String> slow = fixedToken();
    slow.put("AUTOTAG_PROVIDER_MAX_RETRIES", "0");
    slow.put("AUTOTAG_PROVIDER_TIMEOUT_MS", "200");
    server.next(new ContractServer.Delay(Duration.ofMillis(3000)));
    ClassificationException thrown = failure(classifier(slow));
    assertThat(thrown.getMessage()).contains("no response within");
    assertThat(thrown.retryable()).isTrue();
  }

  @Test
  void aDroppedConnectionIsRetryable() {
    server.next(new ContractServer.Drop());
    assertThat(failure(classifier(Map.of("AUTOTAG_PROVIDER_MAX_RETRIES", "0"))).reason())
        .isEqualTo(FailureReason.UNAVAILABLE);
  }

  @Test
  void aFailingTokenEndpointSpendsTheOneRetryBudgetOfTheClassification() {
    server.failTokens(503);
    ClassificationException thrown =
        failure(classifier(Map.of("AUTOTAG_PROVIDER_MAX_RETRIES", "2")));
    assertThat(thrown.reason()).isEqualTo(FailureReason.UNAVAILABLE);
    // 1 attempt + 2 retries in all, never retries nested inside each retry (9 calls, 8 waits)
    assertThat(server.tokenRequests()).isEqualTo(3);
    assertThat(waits).hasSize(2);
    assertThat(server.predictions()).isZero();
  }

  @Test
  void aHangingTokenEndpointSpendsTheOneRetryBudgetOfTheClassification() {
    server.delayTokens(Duration.ofMillis(1500));
    ClassificationException thrown =
        failure(
            classifier(
                Map.of("AUTOTAG_PROVIDER_MAX_RETRIES", "2", "AUTOTAG_PROVIDER_TIMEOUT_MS", "200")));
    assertThat(thrown.reason()).isEqualTo(FailureReason.UNAVAILABLE);
    assertThat(server.tokenRequests()).isEqualTo(3);
    assertThat(waits).hasSize(2);
    assertThat(server.predictions()).isZero();
  }

  @Test
  void retryAfterIsHonoured() throws Exception {
    EinsteinClassifier classifier = classifier();
    classifier.classify(image());
    server.next(
        new ContractServer.Raw(
            ContractServer.Response.json(429, "{\"message\":\"slow\"}")
                .withHeader("Retry-After", "2")));
    classifier.classify(image());
    assertThat(waits).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void aReplyForAnotherSampleIsRejectedAsMalformed() {
    server.next(
        new ContractServer.Raw(
            ContractServer.Response.json(
                200,
                "{\"probabilities\":[{\"label\":\"x\",\"probability\":0.5}],\"sampleId\":\"other\"}")));
    ClassificationException thrown =
        failure(classifier(Map.of("AUTOTAG_PROVIDER_MAX_RETRIES", "0")));
    assertThat(thrown.getMessage()).contains("another sample");
  }

  @Test
  void gifIsRefusedBeforeAnyCall() {
    byte[] gif = {'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0, 0, 0, 0, 0, 0, 0};
    ClassificationException thrown =
        catchThrowableOfType(
            ClassificationException.class, () -> classifier().classify(ImageInput.Bytes.of(gif)));
    assertThat(thrown.reason()).isEqualTo(FailureReason.UNSUPPORTED_TYPE);
    assertThat(server.requests()).isZero();
  }

  private ClassificationException failure(Classifier classifier) {
    ClassificationException thrown =
        catchThrowableOfType(ClassificationException.class, () -> classifier.classify(image()));
    assertThat(thrown).as("expected a ClassificationException").isNotNull();
    return thrown;
  }
}
