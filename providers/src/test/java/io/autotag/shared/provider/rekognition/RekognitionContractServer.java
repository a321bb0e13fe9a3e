package io.autotag.shared.provider.rekognition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.Label;
import io.autotag.shared.provider.http.ContractServer;
import java.io.IOException;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * Plays Rekognition's {@code DetectLabels} over the AWS JSON 1.1 protocol: checks the {@code
 * X-Amz-Target}, the content type, a SigV4 {@code Authorization} scoped to {@code rekognition}, and
 * an {@code Image} holding either base64 {@code Bytes} of a JPEG/PNG or an {@code S3Object};
 * answers labels with confidences on Rekognition's 0..100 scale, filtered by {@code MinConfidence}
 * and cut at {@code MaxLabels}; errors carry {@code __type} like the service's.
 */
public final class RekognitionContractServer extends ContractServer {

  private static final Pattern SIGV4 =
      Pattern.compile(
          "AWS4-HMAC-SHA256 Credential=[^/]+/\\d{8}/[a-z0-9-]+/rekognition/aws4_request,"
              + " ?SignedHeaders=[^,]+, ?Signature=[0-9a-f]{64}");

  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

  /** The DetectLabels request bodies received. */
  public List<JsonNode> detectLabelsRequests() {
    return List.copyOf(requests);
  }

  /** An AWS-style error response. */
  public static Response error(int status, String type, String message) {
    return Response.json(status, "{\"__type\":\"" + type + "\",\"Message\":\"" + message + "\"}")
        .withHeader("x-amzn-ErrorType", type);
  }

  @Override
  protected Response check(Received request) throws Violation {
    if (!request.method().equals("POST") || !request.uri().getPath().equals("/")) {
      throw new Violation("JSON 1.1 requests are POST /");
    }
    if (!"RekognitionService.DetectLabels".equals(request.header("X-Amz-Target"))) {
      throw new Violation("X-Amz-Target is not RekognitionService.DetectLabels");
    }
    String type = request.header("Content-Type");
    if (type == null || !type.startsWith("application/x-amz-json-1.1")) {
      throw new Violation("Content-Type is not application/x-amz-json-1.1");
    }
    String authorization = request.header("Authorization");
    if (authorization == null || !SIGV4.matcher(authorization).matches()) {
      throw new Violation("no SigV4 Authorization for rekognition");
    }
    JsonNode body;
    try {
      body = json.readTree(request.body());
    } catch (IOException e) {
      throw new Violation("the body is not JSON");
    }
    requests.add(body);
    JsonNode image = body.path("Image");
    boolean bytes = image.has("Bytes");
    boolean s3 = image.has("S3Object");
    if (bytes == s3) {
      throw new Violation("Image needs exactly one of Bytes and S3Object");
    }
    if (bytes) {
      byte[] data;
      try {
        data = Base64.getDecoder().decode(image.path("Bytes").asText());
      } catch (IllegalArgumentException e) {
        throw new Violation("Bytes is not base64");
      }
      if (data.length > 5 * 1024 * 1024) {
        return error(400, "ImageTooLargeException", "Image size is too large.");
      }
      var format = ImageFormat.sniff(data);
      if (format.isEmpty()
          || !(format.get() == ImageFormat.JPEG || format.get() == ImageFormat.PNG)) {
        return error(400, "InvalidImageFormatException", "Request has invalid image format");
      }
    } else {
      JsonNode object = image.path("S3Object");
      if (!object.path("Bucket").isTextual() || !object.path("Name").isTextual()) {
        throw new Violation("S3Object needs Bucket and Name");
      }
    }
    JsonNode maxLabels = body.get("MaxLabels");
    if (maxLabels != null && !(maxLabels.isInt() && maxLabels.asInt() >= 0)) {
      throw new Violation("MaxLabels must be a natural number");
    }
    JsonNode min = body.get("MinConfidence");
    if (min != null && !(min.isNumber() && min.asDouble() >= 0 && min.asDouble() <= 100)) {
      throw new Violation("MinConfidence must be in 0..100");
    }
    return null;
  }

  @Override
  protected Response success(Received request) {
    JsonNode body = requests.getLast();
    double min = body.path("MinConfidence").asDouble(55);
    int max = body.path("MaxLabels").asInt(Integer.MAX_VALUE);
    ObjectNode root = json.createObjectNode();
    ArrayNode labels = root.putArray("Labels");
    labels().stream()
        .map(l -> new Label(l.name(), l.confidence()))
        .filter(l -> l.confidence() * 100 >= min)
        .sorted(Comparator.comparingDouble(Label::confidence).reversed())
        .limit(max)
        .forEach(
            l -> {
              ObjectNode label = labels.addObject();
              label.put("Name", l.name()).put("Confidence", (float) (l.confidence() * 100));
              label.putArray("Instances");
              label.putArray("Parents");
              label.putArray("Aliases");
              label.putArray("Categories").addObject().put("Name", "Animals and Pets");
            });
    root.put("LabelModelVersion", "3.0");
    return Response.json(200, root.toString());
  }

  @Override
  protected Response failure(Failure failure, Received request) {
    return switch (failure) {
      case MODEL_NOT_FOUND ->
          error(400, "InvalidParameterException", "Request has invalid parameters");
      case UNAUTHORIZED ->
          error(400, "AccessDeniedException", "You are not authorized to perform this action");
      case THROTTLED -> error(400, "ThrottlingException", "Rate exceeded");
      case UNAVAILABLE -> error(500, "InternalServerError", "Internal server error");
    };
  }
}
