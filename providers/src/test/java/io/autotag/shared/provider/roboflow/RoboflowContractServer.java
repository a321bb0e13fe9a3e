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
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;

/**
 * Plays a Roboflow server (hosted legacy route and the Inference server's {@code
 * /infer/classification}) as documented: checks the model path or {@code model_id}, the key (a
 * Bearer header, {@code ?api_key=} or a JSON {@code api_key}), and that the image is valid base64
 * of an image or an http(s) URL; answers the single-label (array) or multi-label (object) shape
 * with extra fields a client must ignore.
 */
public final class RoboflowContractServer extends ContractServer {

  private final String model;
  private final String apiKey;
  private final List<byte[]> images = new CopyOnWriteArrayList<>();
  private final List<URI> imageUrls = new CopyOnWriteArrayList<>();

  public RoboflowContractServer(String model, String apiKey) {
    this.model = model;
    this.apiKey = apiKey;
  }

  /** Images received as bytes, decoded from base64. */
  public List<byte[]> images() {
    return List.copyOf(images);
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
    if (confidence != null
        && !(confidence.isNumber() && confidence.asDouble() >= 0 && confidence.asDouble() <= 1)) {
      throw new Violation("confidence must be a number in 0..1");
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
    } catch (java.net.URISyntaxException e) {
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

  @Override
  protected Response success(Received request) {
    ObjectNode root = json.createObjectNode();
    root.put("inference_id", "6f1c2a");
    root.put("time", 0.0123);
    ObjectNode image = root.putObject("image");
    int[] size = size(images.isEmpty() ? null : images.getLast());
    image.put("width", size[0]).put("height", size[1]);
    List<Label> labels = labels();
    if (multiLabel()) {
      ObjectNode predictions = root.putObject("predictions");
      ArrayNode predicted = root.putArray("predicted_classes");
      int id = 0;
      for (Label label : labels) {
        predictions
            .putObject(label.name())
            .put("confidence", label.confidence())
            .put("class_id", id++);
        if (label.confidence() > 0.5) {
          predicted.add(label.name());
        }
      }
    } else {
      ArrayNode predictions = root.putArray("predictions");
      List<Label> sorted =
          labels.stream().sorted(Comparator.comparingDouble(Label::confidence).reversed()).toList();
      int id = 0;
      for (Label label : sorted) {
        predictions
            .addObject()
            .put("class", label.name())
            .put("class_id", id++)
            .put("confidence", label.confidence());
      }
      if (!sorted.isEmpty()) {
        root.put("top", sorted.getFirst().name());
        root.put("confidence", sorted.getFirst().confidence());
      }
      root.put("image_path", "/image.jpg");
    }
    root.put("prediction_type", "ClassificationModel");
    root.putObject("future_field").put("nested", true);
    return Response.json(200, root.toString());
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
