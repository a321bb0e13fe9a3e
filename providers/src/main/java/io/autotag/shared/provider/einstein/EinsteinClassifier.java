package io.autotag.shared.provider.einstein;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.ProviderCapabilities;
import io.autotag.shared.provider.HostedInputs;
import io.autotag.shared.provider.http.Multipart;
import io.autotag.shared.provider.http.ProviderHttp;
import io.autotag.shared.provider.http.Retrier;
import io.autotag.shared.provider.http.SafeText;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Classifies with an Einstein Vision model: {@code POST /v2/vision/predict} as {@code
 * multipart/form-data} with {@code modelId}, one of {@code sampleLocation} (a URL, so the function
 * downloads nothing), {@code sampleContent} (a file part) or {@code sampleBase64Content}, and
 * optionally {@code numResults}; every request carries a {@code sampleId} that the reply must echo.
 * A 401 gets one retry with a fresh token. The service itself was retired on 31 July 2023.
 */
public final class EinsteinClassifier implements Classifier {

  public static final String NAME = "einstein";
  static final Set<ImageFormat> FORMATS = Set.of(ImageFormat.JPEG, ImageFormat.PNG);

  private final EinsteinSettings settings;
  private final AccessTokens tokens;
  private final ProviderHttp http;
  private final Retrier retrier;
  private final ObjectMapper json;
  private final ProviderCapabilities capabilities;
  private final URI predictUrl;
  private final AtomicLong samples = new AtomicLong();

  EinsteinClassifier(
      EinsteinSettings settings,
      AccessTokens tokens,
      ProviderHttp http,
      Retrier retrier,
      ObjectMapper json) {
    this.settings = settings;
    this.tokens = tokens;
    this.http = http;
    this.retrier = retrier;
    this.json = json;
    this.capabilities =
        new ProviderCapabilities(
            settings.downscaling().acceptedBytes(settings.maxBytes()),
            true,
            false,
            settings.maxBytes(),
            FORMATS);
    this.predictUrl =
        URI.create(
            EinsteinSettings.stripSlash(settings.baseUrl().toString()) + "/v2/vision/predict");
  }

  public static EinsteinClassifier create(EinsteinSettings settings) {
    return create(settings, Retrier.create(settings.http()), Clock.systemUTC());
  }

  /** A classifier with an explicit retrier and clock (tests record the waits). */
  public static EinsteinClassifier create(EinsteinSettings settings, Retrier retrier, Clock clock) {
    ProviderHttp http = ProviderHttp.create(NAME, settings.http());
    ObjectMapper json = new ObjectMapper();
    AccessTokens tokens =
        settings.token() != null
            ? new FixedToken(settings.token())
            : new JwtBearerTokens(
                settings.accountId(),
                settings.audience(),
                settings.tokenUrl(),
                settings.assertionLifetime(),
                Objects.requireNonNull(settings.privateKey(), "privateKey"),
                http,
                clock,
                json);
    return new EinsteinClassifier(settings, tokens, http, retrier, json);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public ProviderCapabilities capabilities() {
    return capabilities;
  }

  @Override
  public Classification classify(ImageInput image) throws ClassificationException {
    long start = System.nanoTime();
    String sampleId = "autotag-" + samples.incrementAndGet();
    Multipart body = body(prepare(image), sampleId);
    List<Label> labels = retrier.call(NAME, () -> predictWithFreshToken(body, sampleId));
    return new Classification(
        NAME,
        settings.modelId(),
        labels,
        settings.multiLabel(),
        null,
        Duration.ofNanos(System.nanoTime() - start));
  }

  private ImageInput prepare(ImageInput image) throws ClassificationException {
    return HostedInputs.bytesOrUrl(
        image, capabilities, settings.downscaling(), settings.maxBytes(), NAME);
  }

  private Multipart body(ImageInput input, String sampleId) {
    Multipart.Builder body = Multipart.builder().field("modelId", settings.modelId());
    switch (input) {
      case ImageInput.Url url -> body.field("sampleLocation", url.uri().toString());
      case ImageInput.Bytes bytes -> {
        ImageFormat format = bytes.format().orElse(ImageFormat.JPEG);
        if (settings.uploadAs() == EinsteinSettings.Upload.BASE64) {
          body.field("sampleBase64Content", Base64.getEncoder().encodeToString(bytes.data()));
        } else {
          String extension = format == ImageFormat.PNG ? "png" : "jpg";
          body.file("sampleContent", "image." + extension, format.mediaType(), bytes.data());
        }
      }
      case ImageInput.S3Object s3 -> throw new IllegalStateException("checked in prepare");
    }
    if (settings.numResults() != null) {
      body.field("numResults", Integer.toString(settings.numResults()));
    }
    body.field("sampleId", sampleId);
    return body.build();
  }

  private List<Label> predictWithFreshToken(Multipart body, String sampleId)
      throws ClassificationException {
    String token = tokens.current();
    HttpResponse<byte[]> response = predict(body, token);
    if (response.statusCode() == 401 && tokens.rejected(token)) {
      token = tokens.current();
      response = predict(body, token);
    }
    return labels(response, sampleId, token);
  }

  private HttpResponse<byte[]> predict(Multipart body, String token)
      throws ClassificationException {
    HttpRequest request =
        http.request(predictUrl)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", body.contentType())
            .header("Accept", "application/json")
            .POST(body.bodyPublisher())
            .build();
    return http.send(request);
  }

  private List<Label> labels(HttpResponse<byte[]> response, String sampleId, String token)
      throws ClassificationException {
    JsonNode root;
    try {
      root = response.body().length == 0 ? null : json.readTree(response.body());
    } catch (IOException e) {
      root = null;
    }
    int status = response.statusCode();
    if (status < 200 || status >= 300) {
      String message = root == null ? "" : root.path("message").asText("");
      throw http.failure(response, SafeText.clean(message, List.of(token)));
    }
    try {
      return EinsteinResponses.labels(root, sampleId);
    } catch (EinsteinResponses.MalformedException e) {
      throw http.malformed(e.getMessage());
    }
  }
}
