package io.autotag.shared.provider.roboflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.Label;
import io.autotag.shared.provider.http.ContractServer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;

/**
 * Plays a Roboflow server (hosted legacy route and the Inference server's {@code
 * /infer/classification}) as Roboflow's own server code behaves (checked against
 * github.com/roboflow/inference): checks the model path or {@code model_id}, the key (a Bearer
 * header, {@code ?api_key=} or a JSON {@code api_key}), the image (valid base64 of an image or an
 * http(s) URL) and {@code confidence} (any number or {@code "best"}/{@code "default"}, else
 * FastAPI's 422; on the legacy route a percentage from 1 up and at least 0.01); answers exactly
 * what its response models produce: single-label {@code predictions} filtered by the confidence
 * (default 0.4) and rounded to 4 decimals, multi-label {@code predictions} for every class with
 * {@code predicted_classes} strictly above it, {@code class_id}, {@code inference_id}, {@code
 * image}.
 */
public final class RoboflowContractServer extends ContractServer {

  private final String model;
  private final String apiKey;
  private final List<byte[]> images = new CopyOnWriteArrayList<>();
  private final List<URI> imageUrls = new CopyOnWriteArrayList<>();

  /** The confidence each request asked for, after the route's own reading of it. */
  private final List<Double> asked = new CopyOnWriteArrayList<>();

  private static final double DEFAULT_CONFIDENCE = 0.4;

  /** "best" / "default": what Roboflow's classification post-processing falls back to. */
  private static final double NAMED = 0.5;

  public RoboflowContractServer(String model, String apiKey) {
    this.model = model;
    this.apiKey = apiKey;
  }

  /** Images received as bytes, decoded from base64. */
  public List<byte[]> images() {
    return List.copyOf(images);
  }

  /** The confidence of every request so far, as the server read it. */
  public List<Double> confidences() {
    return List.copyOf(asked);
  }

  /** Images received as URLs. */
  public List<URI> imageUrls() {
    return List.copyOf(imageUrls);
  }

  @Override
  protected Response check(Received request) throws Violation {
    if (!request.method().equals("POST")) {
      throw new Violation("only POST is served");
    }
    String path = request.uri().getPath();
    Map<String, String> query = query(request.uri());
    if (path.equals("/infer/classification")) {
      return checkInfer(request);
    }
    if (!path.equals("/" + model)) {
      return Response.json(404, "{\"message\":\"Model not found\"}");
    }
    String key = bearer(request);
    if (key == null) {
      key = query.get("api_key");
    }
    if (!apiKey.equals(key)) {
      return Response.json(401, "{\"message\":\"Unauthorized api_key\"}");
    }
    String confidence = query.get("confidence");
    if (confidence == null) {
      asked.add(DEFAULT_CONFIDENCE);
    } else if (confidence.equals("best") || confidence.equals("default")) {
      asked.add(NAMED);
    } else {
      double value;
      try {
        value = Double.parseDouble(confidence.strip());
      } catch (NumberFormatException e) {
        return validationError("query", json.getNodeFactory().textNode(confidence));
      }
      // The legacy route's own scaling: a percentage from 1 up, never below 0.01
      value = value >= 1 ? value / 100 : value;
      asked.add(Math.max(value, 0.01));
    }
    if (query.containsKey("image")) {
      if (request.body().length != 0) {
        throw new Violation("a URL request has a body");
      }
      imageUrls.add(httpUrl(query.get("image")));
      return null;
    }
    String type = request.header("Content-Type");
    if (type == null || !type.startsWith("application/x-www-form-urlencoded")) {
      throw new Violation("a base64 body needs Content-Type application/x-www-form-urlencoded");
    }
    images.add(image(request.bodyText()));
    return null;
  }

  private Response checkInfer(Received request) throws Violation {
    String type = request.header("Content-Type");
    if (type == null || !type.startsWith("application/json")) {
      throw new Violation("the JSON route needs Content-Type application/json");
    }
    JsonNode body;
    try {
      body = json.readTree(request.body());
    } catch (IOException e) {
      throw new Violation("the body is not JSON");
    }
    if (!model.equals(body.path("model_id").asText())) {
      return Response.json(404, "{\"message\":\"Model not found\"}");
    }
    String key = bearer(request);
    if (key == null && body.path("api_key").isTextual()) {
      key = body.path("api_key").asText();
    }
    if (!apiKey.equals(key)) {
      return Response.json(401, "{\"message\":\"Unauthorized api_key\"}");
    }
    JsonNode confidence = body.get("confidence");
    if (confidence != null) {
      // Roboflow's Confidence: any number, or "best" / "default"; anything else is FastAPI's 422
      if (confidence.isNumber()) {
        asked.add(confidence.asDouble());
      } else if (confidence.isTextual()
          && (confidence.asText().equals("best") || confidence.asText().equals("default"))) {
        asked.add(NAMED);
      } else {
        return validationError("body", confidence);
      }
    } else {
      asked.add(DEFAULT_CONFIDENCE);
    }
    JsonNode image = body.path("image");
    String value = image.path("value").asText("");
    switch (image.path("type").asText("")) {
      case "base64" -> images.add(image(value));
      case "url" -> imageUrls.add(httpUrl(value));
      default -> throw new Violation("image.type must be base64 or url");
    }
    return null;
  }

  private static String bearer(Received request) {
    String authorization = request.header("Authorization");
    return authorization != null && authorization.startsWith("Bearer ")
        ? authorization.substring("Bearer ".length())
        : null;
  }

  private static byte[] image(String base64) throws Violation {
    byte[] data;
    try {
      data = Base64.getDecoder().decode(base64.trim());
    } catch (IllegalArgumentException e) {
      throw new Violation("the image is not valid base64");
    }
    if (ImageFormat.sniff(data).isEmpty()) {
      throw new Violation("the base64 is not an image");
    }
    return data;
  }

  private static URI httpUrl(String value) throws Violation {
    try {
      URI uri = new URI(value);
      if (uri.getHost() == null || !uri.getScheme().startsWith("http")) {
        throw new Violation("the image URL is not http(s)");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new Violation("the image URL is not a URL");
    }
  }

  private static Map<String, String> query(URI uri) {
    Map<String, String> values = new LinkedHashMap<>();
    String raw = uri.getRawQuery();
    if (raw == null) {
      return values;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String name = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      values.put(
          URLDecoder.decode(name, StandardCharsets.UTF_8),
          URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return values;
  }

  /**
   * The answer as Roboflow's server writes it (its response models, its classification
   * post-processing, no null fields): the scripted labels are the model's classes in order, so a
   * label's position is its {@code class_id}.
   */
  @Override
  protected Response success(Received request) {
    double threshold = asked.isEmpty() ? DEFAULT_CONFIDENCE : asked.getLast();
    ObjectNode root = json.createObjectNode();
    root.put("inference_id", UUID.randomUUID().toString());
    root.put("time", 0.0123);
    ObjectNode image = root.putObject("image");
    int[] size = size(images.isEmpty() ? null : images.getLast());
    image.put("width", size[0]).put("height", size[1]);
    List<Label> classes = labels();
    if (multiLabel()) {
      ObjectNode predictions = root.putObject("predictions");
      ArrayNode predicted = json.createArrayNode();
      for (int id = 0; id < classes.size(); id++) {
        Label label = classes.get(id);
        predictions
            .putObject(label.name())
            .put("confidence", label.confidence())
            .put("class_id", id);
        if (label.confidence() > threshold) {
          predicted.add(label.name());
        }
      }
      root.set("predicted_classes", predicted);
    } else {
      List<ObjectNode> kept = new ArrayList<>();
      for (int id = 0; id < classes.size(); id++) {
        Label label = classes.get(id);
        if (label.confidence() >= threshold) {
          kept.add(
              json.createObjectNode()
                  .put("class", label.name())
                  .put("class_id", id)
                  .put(
                      "confidence",
                      new BigDecimal(label.confidence())
                          .setScale(4, RoundingMode.HALF_EVEN)
                          .doubleValue()));
        }
      }
      kept.sort(
          Comparator.comparingDouble((ObjectNode n) -> n.get("confidence").asDouble()).reversed());
      ArrayNode predictions = root.putArray("predictions");
      kept.forEach(predictions::add);
      root.put("top", kept.isEmpty() ? "" : kept.getFirst().get("class").asText());
      root.put("confidence", kept.isEmpty() ? 0.0 : kept.getFirst().get("confidence").asDouble());
    }
    return Response.json(200, root.toString());
  }

  /** FastAPI's 422 for a confidence Roboflow's {@code Confidence} type refuses. */
  private Response validationError(String where, JsonNode input) {
    ObjectNode body = json.createObjectNode();
    ArrayNode detail = body.putArray("detail");
    detail
        .addObject()
        .put("type", "float_parsing")
        .put("msg", "Input should be a valid number, unable to parse string as a number")
        .set("loc", json.createArrayNode().add(where).add("confidence").add("float"));
    detail
        .addObject()
        .put("type", "literal_error")
        .put("msg", "Input should be 'best' or 'default'")
        .set(
            "loc",
            json.createArrayNode().add(where).add("confidence").add("literal['best','default']"));
    detail.forEach(item -> ((ObjectNode) item).set("input", input));
    return Response.json(422, body.toString());
  }

  private static int[] size(byte[] data) {
    if (data != null) {
      try {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(data));
        if (image != null) {
          return new int[] {image.getWidth(), image.getHeight()};
        }
      } catch (IOException e) {
        // Fall through to a nominal size.
      }
    }
    return new int[] {640, 480};
  }

  @Override
  protected Response failure(Failure failure, Received request) {
    return switch (failure) {
      case MODEL_NOT_FOUND ->
          Response.json(404, "{\"message\":\"Model not found: " + model + "\"}");
      case UNAUTHORIZED -> Response.json(401, "{\"message\":\"Unauthorized api_key\"}");
      case THROTTLED ->
          Response.json(429, "{\"message\":\"Rate limit exceeded\"}")
              .withHeader("Retry-After", "0");
      case UNAVAILABLE -> Response.json(503, "{\"message\":\"Service temporarily unavailable\"}");
    };
  }
}
