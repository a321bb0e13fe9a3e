package io.autotag.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.net.FetchException;
import io.autotag.shared.secrets.SecretException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The one place exceptions become HTTP statuses. Every error body is stable JSON with a code, a
 * message that is safe to show, and the request id; internal exception text goes to the log (with
 * the request id), never to the caller.
 */
final class ErrorMapper {

  private static final Logger log = LoggerFactory.getLogger(ErrorMapper.class);

  private final ObjectMapper json;

  ErrorMapper(ObjectMapper json) {
    this.json = json;
  }

  ApiResponse toResponse(Throwable error, ApiRequest request, ErrorStyle style) {
    ApiException api = toApiException(error);
    log(error, api, request);
    if (error instanceof RoboflowValidation.Invalid invalid) {
      // Only Roboflow routes validate this way: FastAPI's 422 body, field by field.
      return ApiResponse.json(422, RoboflowValidation.body(json, invalid.detail()));
    }
    return style == ErrorStyle.ROBOFLOW
        ? RoboflowErrors.render(json, api)
        : render(api, request.requestId(), style);
  }

  /** Whose doing a failure is, which decides how it is logged. */
  enum Blame {
    /**
     * The caller's input: a bad request, their image, their URL (even one too slow to answer: a
     * 504). Logged at INFO with no stack trace, so no caller can fill the error log.
     */
    CALLER,
    /** A dependency is busy or down for now: WARN with the cause's text, no stack trace. */
    TRANSIENT,
    /** Ours to fix (a bug, S3 failing, our provider credentials): ERROR with the cause. */
    FAULT
  }

  static Blame blame(Throwable error) {
    return switch (error) {
      case FetchException e -> Blame.CALLER;
      case RoboflowValidation.Invalid e -> Blame.CALLER;
      case ApiException e when e.status() < 500 -> Blame.CALLER;
      case ApiException e -> Blame.FAULT;
      case ClassificationException e ->
          switch (e.reason()) {
            case UNSUPPORTED_TYPE, EMPTY, CORRUPT, TOO_LARGE, TOO_MANY_PIXELS, GONE -> Blame.CALLER;
            case REJECTED, THROTTLED, UNAVAILABLE -> Blame.TRANSIENT;
            case UNAUTHORIZED -> Blame.FAULT;
          };
      case SecretException e -> e.retryable() ? Blame.TRANSIENT : Blame.FAULT;
      default -> Blame.FAULT;
    };
  }

  private void log(Throwable error, ApiException api, ApiRequest request) {
    Blame blame = blame(error);
    // An ApiException wraps what really failed (an S3 error behind a 502): log that.
    Throwable cause =
        error instanceof ApiException && error.getCause() != null ? error.getCause() : error;
    LoggingEventBuilder line =
        switch (blame) {
          case CALLER -> log.atInfo();
          case TRANSIENT -> log.atWarn();
          case FAULT -> log.atError().setCause(cause);
        };
    line.addKeyValue("requestId", request.requestId())
        .addKeyValue("path", request.path())
        .addKeyValue("status", api.status())
        .addKeyValue("code", api.code());
    if (blame == Blame.TRANSIENT) {
      // Provider and secret-store messages are written to be logged (no secret in them).
      line.addKeyValue("cause", cause.getClass().getSimpleName() + ": " + cause.getMessage());
    }
    line.log(blame == Blame.CALLER ? "request refused" : "request failed");
  }

  ApiResponse render(ApiException api, String requestId, ErrorStyle style) {
    ObjectNode body = json.createObjectNode();
    if (style == ErrorStyle.EINSTEIN) {
      body.put("message", api.getMessage());
    } else {
      ObjectNode error = body.putObject("error");
      error.put("code", api.code());
      error.put("message", api.getMessage());
      error.put("requestId", requestId);
    }
    ApiResponse response =
        ApiResponse.json(api.status(), body.toString().getBytes(StandardCharsets.UTF_8));
    if (api.status() == 401) {
      response = response.withHeader("www-authenticate", "Bearer");
    }
    return response;
  }

  /** The API error a failure becomes: its status, code and a message safe to show. */
  static ApiException toApiException(Throwable error) {
    return switch (error) {
      case ApiException api -> api;
      case RoboflowValidation.Invalid e ->
          new ApiException(422, "invalid-request", "the request is invalid: " + e.getMessage());
      case ClassificationException e -> fromClassification(e);
      case FetchException e -> fromFetch(e);
      case SecretException e ->
          new ApiException(503, "auth-unavailable", "authentication is unavailable, try again");
      default -> new ApiException(500, "internal-error", "internal error");
    };
  }

  private static ApiException fromClassification(ClassificationException e) {
    // The provider's message is written to be safe to show (see ClassificationException).
    String message = e.getMessage() == null ? e.reason().code() : e.getMessage();
    return switch (e.reason()) {
      case UNSUPPORTED_TYPE -> new ApiException(415, "unsupported-media-type", message);
      case EMPTY -> new ApiException(400, FailureReason.EMPTY.code(), message);
      case CORRUPT -> new ApiException(422, "corrupt-image", message);
      case TOO_LARGE, TOO_MANY_PIXELS -> new ApiException(413, "payload-too-large", message);
      case GONE -> new ApiException(404, "image-not-found", message);
      // Provider-side failures get fixed messages: theirs can name internal hosts, secret
      // references or carry the provider's own error text.
      case REJECTED ->
          new ApiException(422, "provider-rejected", "the provider refused to classify the image");
      // Our credentials for the provider are wrong: not the caller's fault.
      case UNAUTHORIZED ->
          new ApiException(502, "provider-unauthorized", "the provider refused autotag's key");
      case THROTTLED ->
          new ApiException(503, "provider-throttled", "the provider is busy, try again later");
      case UNAVAILABLE ->
          new ApiException(503, "provider-unavailable", "the provider is unavailable, try again");
    };
  }

  private static ApiException fromFetch(FetchException e) {
    return switch (e.kind()) {
      case INVALID_URL -> new ApiException(400, "invalid-image-url", e.getMessage());
      case FORBIDDEN_ADDRESS -> new ApiException(400, "image-url-forbidden", e.getMessage());
      case TOO_MANY_REDIRECTS -> new ApiException(400, "image-url-redirects", e.getMessage());
      case TOO_LARGE ->
          new ApiException(413, "payload-too-large", "the image at the URL is too large");
      case TIMEOUT -> new ApiException(504, "image-url-timeout", e.getMessage());
      case HTTP_STATUS -> new ApiException(422, "image-url-failed", e.getMessage());
      case NETWORK -> new ApiException(422, "image-url-unreachable", e.getMessage());
    };
  }
}
