package io.autotag.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.classify.FailureReason;
import java.util.Set;

/**
 * Errors on the Roboflow routes as Roboflow's Inference server writes them: {@code {"message":
 * ...}} with its statuses and wording (its route exception handlers), so its clients (which read
 * {@code message}, or {@code detail}) see what they would see from Roboflow. An image that cannot
 * be read, whatever the reason, is Roboflow's 400 "Could not load input image"; an unknown route
 * method is FastAPI's {@code {"detail": "Method Not Allowed"}}.
 */
final class RoboflowErrors {

  /** autotag's codes for an image that cannot be loaded, which Roboflow answers 400. */
  private static final Set<String> IMAGE_LOAD =
      Set.of(
          FailureReason.EMPTY.code(),
          "malformed-base64",
          "unsupported-media-type",
          "corrupt-image",
          "invalid-image-url",
          "image-url-forbidden",
          "image-url-redirects",
          "image-url-failed",
          "image-url-unreachable",
          "image-url-timeout",
          "malformed-multipart");

  private RoboflowErrors() {}

  static ApiResponse render(ObjectMapper json, ApiException api) {
    int status = api.status();
    String message = api.getMessage();
    if (IMAGE_LOAD.contains(api.code())) {
      status = 400;
      message = "Could not load input image. Cause: " + message;
    } else if (api.code().equals("model-not-found")) {
      message =
          "Requested Roboflow resource not found. Make sure that workspace, project or model"
              + " you referred in request exists.";
    } else if (api.code().equals("method-not-allowed")) {
      return respond(json, status, "detail", "Method Not Allowed");
    } else if (api.code().equals("internal-error")) {
      message = "Internal error.";
    }
    ApiResponse response = respond(json, status, "message", message);
    return status == 401 ? response.withHeader("www-authenticate", "Bearer") : response;
  }

  private static ApiResponse respond(ObjectMapper json, int status, String field, String text) {
    return ApiResponse.json(status, Forms.jsonBytes(json.createObjectNode().put(field, text)));
  }
}
