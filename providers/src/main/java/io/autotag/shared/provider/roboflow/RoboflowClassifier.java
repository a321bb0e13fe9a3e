package io.autotag.shared.provider.roboflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.ProviderCapabilities;
import io.autotag.shared.provider.HostedInputs;
import io.autotag.shared.provider.http.ProviderHttp;
import io.autotag.shared.provider.http.Retrier;
import io.autotag.shared.provider.http.SafeText;
import io.autotag.shared.secrets.SecretException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * Classifies with a Roboflow classification model. Bytes go as base64 (a raw base64 body on the
 * legacy route, a JSON {@code image} of type {@code base64} on the Inference route); a URL goes as
 * {@code ?image=} or a JSON {@code image} of type {@code url}, so the function never downloads it.
 * Images above the byte limit are downscaled first. The key travels as a Bearer header unless
 * configured otherwise, and never appears in a message.
 *
 * @see <a href="https://docs.roboflow.com/deploy/serverless/classification">Roboflow classification
 *     API</a>
 */
public final class RoboflowClassifier implements Classifier {

  public static final String NAME = "roboflow";
  static final Set<ImageFormat> FORMATS =
      Set.of(ImageFormat.JPEG, ImageFormat.PNG, ImageFormat.BMP, ImageFormat.WEBP);

  private final RoboflowSettings settings;
  private final ProviderHttp http;
  private final Retrier retrier;
  private final ObjectMapper json;
  private final ProviderCapabilities capabilities;

  public RoboflowClassifier(
      RoboflowSettings settings, ProviderHttp http, Retrier retrier, ObjectMapper json) {
    this.settings = settings;
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
  }

  public static RoboflowClassifier create(RoboflowSettings settings) {
    return new RoboflowClassifier(
        settings,
        ProviderHttp.create(NAME, settings.http()),
        Retrier.create(settings.http()),
        new ObjectMapper());
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
    ImageInput input = prepare(image);
    String key = apiKey();
    HttpRequest request = request(input, key);
    RoboflowResponses.Parsed parsed = retrier.call(NAME, () -> call(request, key));
    return new Classification(
        NAME,
        settings.model(),
        kept(parsed),
        parsed.multiLabel(),
        parsed.imageSize(),
        Duration.ofNanos(System.nanoTime() - start),
        parsed.classes());
  }

  /**
   * The labels the server's answer keeps. A multi-label answer's {@code predicted_classes} is the
   * server's verdict (with {@code best}, per-class thresholds from the model's evaluation that only
   * it knows), so exactly those classes are kept. A single-label answer is already filtered by the
   * server; the threshold is applied again only to guard against a server that does not.
   */
  private List<Label> kept(RoboflowResponses.Parsed parsed) {
    double threshold =
        settings.confidence() instanceof RoboflowSettings.Confidence.Threshold t ? t.value() : 0.0;
    if (parsed.multiLabel()) {
      if (parsed.predictedClasses() != null) {
        Set<String> verdict = Set.copyOf(parsed.predictedClasses());
        return parsed.labels().stream().filter(l -> verdict.contains(l.name())).toList();
      }
      // No verdict in the answer: Roboflow's own rule, strictly above the threshold.
      return parsed.labels().stream().filter(l -> l.confidence() > threshold).toList();
    }
    return parsed.labels().stream().filter(l -> l.confidence() >= threshold).toList();
  }

  private ImageInput prepare(ImageInput image) throws ClassificationException {
    return HostedInputs.bytesOrUrl(
        image, capabilities, settings.downscaling(), settings.maxBytes(), NAME);
  }

  /** The key's current value, or {@code null} for a server that needs none. */
  private String apiKey() throws ClassificationException {
    if (settings.apiKey() == null) {
      return null;
    }
    try {
      return settings.apiKey().value();
    } catch (SecretException e) {
      throw ProviderHttp.secretFailure(NAME, e);
    }
  }

  private HttpRequest request(ImageInput input, String key) throws ClassificationException {
    String base = stripSlash(settings.baseUrl().toString());
    boolean keyInRequest = key != null && !settings.keyInHeader();
    HttpRequest.Builder builder;
    if (settings.route() == RoboflowSettings.Route.LEGACY) {
      List<String> query = new ArrayList<>();
      HttpRequest.BodyPublisher body;
      if (input instanceof ImageInput.Url url) {
        query.add("image=" + encode(url.uri().toString()));
        body = HttpRequest.BodyPublishers.noBody();
      } else {
        byte[] data = ((ImageInput.Bytes) input).data();
        body = HttpRequest.BodyPublishers.ofByteArray(Base64.getEncoder().encode(data));
      }
      query.add("confidence=" + encode(legacyConfidence(settings.confidence())));
      if (keyInRequest) {
        query.add("api_key=" + encode(key));
      }
      URI uri =
          URI.create(
              base
                  + "/"
                  + encode(settings.dataset())
                  + "/"
                  + encode(settings.version())
                  + (query.isEmpty() ? "" : "?" + String.join("&", query)));
      builder =
          http.request(uri).header("Content-Type", "application/x-www-form-urlencoded").POST(body);
    } else {
      ObjectNode body = json.createObjectNode();
      body.put("model_id", settings.model());
      ObjectNode imageNode = body.putObject("image");
      if (input instanceof ImageInput.Url url) {
        imageNode.put("type", "url").put("value", url.uri().toString());
      } else {
        imageNode
            .put("type", "base64")
            .put("value", Base64.getEncoder().encodeToString(((ImageInput.Bytes) input).data()));
      }
      // Always sent: left out, Roboflow applies its own 0.4 and the labels below it are lost.
      switch (settings.confidence()) {
        case RoboflowSettings.Confidence.Threshold t -> body.put("confidence", t.value());
        case RoboflowSettings.Confidence.ServerChoice c -> body.put("confidence", c.name());
      }
      if (keyInRequest) {
        body.put("api_key", key);
      }
      byte[] bytes;
      try {
        bytes = json.writeValueAsBytes(body);
      } catch (IOException e) {
        throw new IllegalStateException("cannot write a JSON request", e);
      }
      builder =
          http.request(URI.create(base + "/infer/classification"))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    }
    builder.header("Accept", "application/json");
    if (key != null && settings.keyInHeader()) {
      builder.header("Authorization", "Bearer " + key);
    }
    return builder.build();
  }

  private RoboflowResponses.Parsed call(HttpRequest request, String key)
      throws ClassificationException {
    HttpResponse<byte[]> response = http.send(request);
    JsonNode body = readJson(response.body());
    int status = response.statusCode();
    if (status < 200 || status >= 300) {
      if ((status == 401 || status == 403) && settings.apiKey() != null) {
        // The key may have been rotated in its store: read it again on the next call.
        settings.apiKey().invalidate();
      }
      throw http.failure(
          response,
          SafeText.clean(
              RoboflowResponses.errorMessage(body), key == null ? List.of() : List.of(key)));
    }
    if (body == null) {
      throw http.malformed("the body is not JSON");
    }
    try {
      return RoboflowResponses.parse(body);
    } catch (RoboflowResponses.MalformedException e) {
      throw http.malformed(e.getMessage());
    }
  }

  private JsonNode readJson(byte[] body) {
    try {
      return body.length == 0 ? null : json.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * {@code ?confidence=} as Roboflow's legacy route reads it: a number of 1 or more is a percentage
   * there, so 1.0 is sent as 100; the route raises anything below 0.01 to 0.01, so "keep every
   * label" keeps those of at least 1% on that route.
   */
  static String legacyConfidence(RoboflowSettings.Confidence confidence) {
    return switch (confidence) {
      case RoboflowSettings.Confidence.Threshold t when t.value() >= 1 -> "100";
      case RoboflowSettings.Confidence.Threshold t -> Double.toString(t.value());
      case RoboflowSettings.Confidence.ServerChoice c -> c.name();
    };
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  private static String stripSlash(String base) {
    return base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
  }
}
