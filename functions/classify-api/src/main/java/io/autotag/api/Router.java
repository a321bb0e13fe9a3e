package io.autotag.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each request to its route, authenticates it first where the route needs it, and turns any
 * failure into an error response through the {@link ErrorMapper}. Unknown paths answer 404, known
 * paths with the wrong method 405. Every response carries the request id in {@code x-request-id}.
 *
 * <pre>
 * GET  /health                         liveness, no authentication
 * POST /classify                       autotag's own route
 * POST /infer/classification           Roboflow Inference server (Roboflow's errors)
 * GET  /model/registry                 Roboflow Inference server's model registry, for its SDK
 * POST /model/add|remove|clear         (idem)
 * POST /v2/oauth2/token                Einstein's token exchange (JWT bearer assertion)
 * POST /v2/vision/predict              Einstein Vision (errors as {"message": ...})
 * GET|POST /{dataset}/{version}        Roboflow hosted API (legacy; Roboflow's errors)
 * </pre>
 */
final class Router {

  private static final Logger log = LoggerFactory.getLogger(Router.class);
  private static final byte[] HEALTHY = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
  private static final Set<String> ROUTES =
      Set.of(
          "/health",
          "/classify",
          "/infer/classification",
          "/model/registry",
          "/model/add",
          "/model/remove",
          "/model/clear",
          "/v2/oauth2/token",
          "/v2/vision/predict");
  static final String LEGACY_ROUTE = "/{dataset}/{version}";
  static final String UNMATCHED = "unmatched";

  private final ApiKeyAuthenticator auth;
  private final ClassifyRoute classify;
  private final RoboflowRoutes roboflow;
  private final EinsteinRoutes einstein;
  private final EinsteinTokens tokens;
  private final ErrorMapper errors;
  private final Metrics metrics;

  Router(
      ApiKeyAuthenticator auth,
      ClassifyRoute classify,
      RoboflowRoutes roboflow,
      EinsteinRoutes einstein,
      EinsteinTokens tokens,
      ObjectMapper json,
      Metrics metrics) {
    this.metrics = metrics;
    this.auth = auth;
    this.classify = classify;
    this.roboflow = roboflow;
    this.einstein = einstein;
    this.tokens = tokens;
    this.errors = new ErrorMapper(json);
  }

  ApiResponse dispatch(ApiRequest request) {
    long start = System.nanoTime();
    String path = normalise(request.path());
    ErrorStyle style = style(path);
    ApiResponse response;
    try {
      response = route(request, path);
    } catch (Exception e) {
      response = errors.toResponse(e, request, style);
    }
    response = response.withHeader("x-request-id", request.requestId());
    long millis = (System.nanoTime() - start) / 1_000_000;
    metrics.request(routeName(path), response.status(), millis);
    log.atInfo()
        .addKeyValue("requestId", request.requestId())
        .addKeyValue("method", request.method())
        // The path only: a query may hold an api_key.
        .addKeyValue("path", path)
        .addKeyValue("status", response.status())
        .addKeyValue("ms", millis)
        .log("request");
    return response;
  }

  /** The route a path matched, as a pattern: never the caller's own path (metric dimension). */
  static String routeName(String path) {
    if (ROUTES.contains(path)) {
      return path;
    }
    return legacySegments(path) != null ? LEGACY_ROUTE : UNMATCHED;
  }

  private ApiResponse route(ApiRequest request, String path) throws Exception {
    String method = request.method();
    switch (path) {
      case "/health" -> {
        requireMethod(method, "GET");
        return ApiResponse.json(200, HEALTHY);
      }
      case "/classify" -> {
        requireMethod(method, "POST");
        auth.authenticate(request, ApiKeyAuthenticator.KeySources.HEADERS, null);
        return classify.handle(request);
      }
      case "/infer/classification" -> {
        requireMethod(method, "POST");
        return roboflow.infer(request);
      }
      case "/model/registry" -> {
        requireMethod(method, "GET");
        auth.authenticate(request, ApiKeyAuthenticator.KeySources.HEADERS_AND_QUERY, null);
        return roboflow.registry();
      }
      case "/model/add", "/model/remove" -> {
        requireMethod(method, "POST");
        return roboflow.model(request, path.equals("/model/add"));
      }
      case "/model/clear" -> {
        requireMethod(method, "POST");
        auth.authenticate(request, ApiKeyAuthenticator.KeySources.HEADERS_AND_QUERY, null);
        return roboflow.clear();
      }
      case "/v2/oauth2/token" -> {
        requireMethod(method, "POST");
        return tokens.exchange(request); // the signed assertion is the credential
      }
      case "/v2/vision/predict" -> {
        requireMethod(method, "POST");
        authenticateEinstein(request);
        return einstein.predict(request);
      }
      default -> {
        String[] segments = legacySegments(path);
        if (segments != null) {
          if (!method.equals("GET") && !method.equals("POST")) {
            throw new ApiException(405, "method-not-allowed", "use GET or POST on this path");
          }
          auth.authenticate(request, ApiKeyAuthenticator.KeySources.HEADERS_AND_QUERY, null);
          return roboflow.legacy(request, segments[0], segments[1]);
        }
        throw ApiException.notFound("not-found", "no route for " + method + " on this path");
      }
    }
  }

  /**
   * Einstein clients send {@code Authorization: Bearer <access token>}: a token from {@code
   * /v2/oauth2/token}, or an API key as before.
   */
  private void authenticateEinstein(ApiRequest request) throws Exception {
    if (auth.mode() == ApiConfig.AuthMode.API_KEY) {
      Optional<String> bearer = ApiKeyAuthenticator.bearer(request);
      if (bearer.isPresent() && tokens.account(bearer.get()).isPresent()) {
        return;
      }
    }
    auth.authenticate(request, ApiKeyAuthenticator.KeySources.HEADERS, null);
  }

  /**
   * The two segments of Roboflow's legacy {@code /{dataset_id}/{version_id}}, any non-empty names
   * as Roboflow takes them, or null when the path has another shape.
   */
  private static String[] legacySegments(String path) {
    String[] segments = path.substring(1).split("/", -1);
    return segments.length == 2 && !segments[0].isEmpty() && !segments[1].isEmpty()
        ? segments
        : null;
  }

  private static ErrorStyle style(String path) {
    if (path.equals("/v2/vision/predict") || path.equals("/v2/oauth2/token")) {
      return ErrorStyle.EINSTEIN;
    }
    if (path.equals("/infer/classification")
        || path.startsWith("/model/")
        || legacySegments(path) != null) {
      return ErrorStyle.ROBOFLOW;
    }
    return ErrorStyle.AUTOTAG;
  }

  private static void requireMethod(String method, String allowed) {
    if (!method.equals(allowed)) {
      throw new ApiException(405, "method-not-allowed", "use " + allowed + " on this path");
    }
  }

  private static String normalise(String path) {
    if (path.isEmpty()) {
      return "/";
    }
    String p = path.startsWith("/") ? path : "/" + path;
    return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
  }
}
