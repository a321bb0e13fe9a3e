package io.autotag.review;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.shared.metrics.Metrics;
import io.autotag.shared.secrets.SecretException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Sends each request to its route. The page's files and its configuration are public (they hold no
 * data); every {@code /review/api/} route authenticates the reviewer before it reads the body.
 * Failures become a stable JSON error body ({@code {"error": {"code", "message", "requestId"}}});
 * internal exception text goes to the log only.
 *
 * <p>The page is {@code /review} itself (no trailing slash: an HTTP API route cannot end in one;
 * {@code /review/} redirects there), so it refers to its files as {@code review/app.js} and so on.
 * Every path has at most three segments, one of them literal, so API Gateway prefers these routes
 * to the classification API's {@code /{dataset}/{version}}.
 *
 * <pre>
 * GET  /review                  the page
 * GET  /review/{file}           its files: app.js, app.css, icon.svg
 * GET  /review/config.json      how the page signs in, lease and undo times
 * GET  /review/api/me           who the credentials belong to
 * POST /review/api/claim        {"count": 1..10}: the next items, leased to this reviewer
 * POST /review/api/verdict      {"token", "labels": [...] | "none": true, "note"}
 * POST /review/api/release      {"token", "delaySeconds"}: skip, or give back on leaving
 * POST /review/api/extend       {"token", "seconds"}: keep the lease while still looking
 * GET  /review/api/stats        queue counts and verdicts today
 * GET  /review/api/labels       the vocabulary and labels reviewers added
 * </pre>
 */
final class ReviewRouter {

  static final String BASE = "/review";
  static final String API = BASE + "/api/";
  static final int MAX_BODY_BYTES = 64 * 1024;
  private static final Set<String> API_ROUTES =
      Set.of("me", "claim", "verdict", "release", "extend", "stats", "labels");
  // Verdict answers that say what became of the verdict (others are the request's own faults).
  private static final Set<String> VERDICT_RESULTS =
      Set.of("gone", "stale", "already-reviewed", "not-saved");
  private static final Logger log = LoggerFactory.getLogger(ReviewRouter.class);

  private final ReviewConfig config;
  private final Reviewers reviewers;
  private final Claims claims;
  private final Verdicts verdicts;
  private final ReviewInbox inbox;
  private final FeedbackStore feedback;
  private final StaticPage page;
  private final ObjectMapper json;
  private final ObjectMapper strict;
  private final Clock clock;
  private final Metrics metrics;

  ReviewRouter(
      ReviewConfig config,
      Reviewers reviewers,
      Claims claims,
      Verdicts verdicts,
      ReviewInbox inbox,
      FeedbackStore feedback,
      StaticPage page,
      ObjectMapper json,
      Clock clock,
      Metrics metrics) {
    this.metrics = metrics;
    this.config = config;
    this.reviewers = reviewers;
    this.claims = claims;
    this.verdicts = verdicts;
    this.inbox = inbox;
    this.feedback = feedback;
    this.page = page;
    this.json = json;
    this.strict =
        json.copy()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.clock = clock;
  }

  ReviewResponse dispatch(ReviewRequest request) {
    long start = System.nanoTime();
    ReviewResponse response;
    try {
      response = route(request);
    } catch (Exception e) {
      response = error(e, request);
    }
    response =
        response
            .withHeader("x-request-id", request.requestId())
            .withHeader("x-content-type-options", "nosniff")
            .withHeader("referrer-policy", "no-referrer")
            .withHeader("x-frame-options", "DENY");
    long millis = (System.nanoTime() - start) / 1_000_000;
    metrics.request(routeName(request.path()), response.status(), millis);
    log.atInfo()
        .addKeyValue("requestId", request.requestId())
        .addKeyValue("method", request.method())
        .addKeyValue("path", request.path())
        .addKeyValue("status", response.status())
        .addKeyValue("ms", millis)
        .log("request");
    return response;
  }

  /** The route a path matched, as a pattern: never the caller's own path (metric dimension). */
  static String routeName(String path) {
    if (path.equals(BASE) || path.equals(BASE + "/") || path.equals(BASE + "/config.json")) {
      return path;
    }
    if (path.startsWith(API)) {
      String route = path.substring(API.length());
      return API_ROUTES.contains(route) ? API + route : "unmatched";
    }
    return path.startsWith(BASE + "/") ? BASE + "/{file}" : "unmatched";
  }

  /** Submits a verdict and counts what became of it ({@code Verdicts} by result). */
  private Verdicts.Result verdict(Reviewer reviewer, String token, Verdicts.Decision decision)
      throws SecretException {
    try {
      Verdicts.Result result = verdicts.submit(reviewer, token, decision);
      metrics.verdict(decision.none() ? "none" : "labelled");
      return result;
    } catch (ReviewException e) {
      if (VERDICT_RESULTS.contains(e.code())) {
        metrics.verdict(e.code());
      }
      throw e;
    }
  }

  private ReviewResponse route(ReviewRequest request) throws SecretException {
    String path = request.path();
    if (path.equals(BASE)) {
      requireMethod(request, "GET");
      return page.serve("", request.header("if-none-match").orElse(null))
          .orElseThrow(ReviewRouter::notFound);
    }
    if (path.equals(BASE + "/")) {
      requireMethod(request, "GET");
      return ReviewResponse.redirect(BASE);
    }
    if (path.startsWith(API)) {
      return api(request, path.substring(API.length()));
    }
    if (path.startsWith(BASE + "/")) {
      requireMethod(request, "GET");
      String name = path.substring(BASE.length() + 1);
      if (name.equals("config.json")) {
        return json(200, pageConfig());
      }
      return page.serve(name, request.header("if-none-match").orElse(null))
          .orElseThrow(ReviewRouter::notFound);
    }
    throw notFound();
  }

  private ReviewResponse api(ReviewRequest request, String route) throws SecretException {
    String method =
        switch (route) {
          case "me", "stats", "labels" -> "GET";
          case "claim", "verdict", "release", "extend" -> "POST";
          default -> throw notFound();
        };
    requireMethod(request, method);
    // Credentials first: without them nothing is parsed, claimed, shown or written.
    Reviewer reviewer = reviewers.authenticate(request);
    ObjectNode out = json.createObjectNode();
    switch (route) {
      case "me" -> out.put("reviewer", reviewer.id());
      case "claim" -> {
        JsonNode body = body(request);
        int count = integer(body, "count", 1);
        return json(200, json.valueToTree(claims.claim(reviewer, count)));
      }
      case "verdict" -> {
        JsonNode body = body(request);
        Verdicts.Decision decision =
            new Verdicts.Decision(
                strings(body, "labels"),
                body.path("none").asBoolean(false),
                optionalText(body, "note").orElse(null));
        return json(200, json.valueToTree(verdict(reviewer, text(body, "token"), decision)));
      }
      case "release" -> {
        JsonNode body = body(request);
        verdicts.release(reviewer, text(body, "token"), integer(body, "delaySeconds", 0));
        out.put("released", true);
      }
      case "extend" -> {
        JsonNode body = body(request);
        int seconds = integer(body, "seconds", (int) config.lease().toSeconds());
        verdicts.extend(reviewer, text(body, "token"), seconds);
        out.put("leaseSeconds", seconds);
      }
      case "stats" -> {
        ReviewInbox.Counts counts = inbox.counts();
        long cap = 10_000;
        long today = feedback.countOn(clock.instant().atZone(ZoneOffset.UTC).toLocalDate(), cap);
        out.put("visible", counts.visible());
        out.put("inFlight", counts.inFlight());
        out.put("delayed", counts.delayed());
        out.put("verdictsToday", today);
        out.put("verdictsTodayCapped", today >= cap);
      }
      case "labels" -> {
        Set<String> labels = new LinkedHashSet<>(config.vocabulary());
        labels.addAll(feedback.customLabels());
        ArrayNode array = out.putArray("labels");
        labels.forEach(array::add);
      }
      default -> throw notFound();
    }
    return json(200, out);
  }

  private ObjectNode pageConfig() {
    ObjectNode out = json.createObjectNode();
    out.put("auth", config.auth() == ReviewConfig.AuthMode.JWT ? "cognito" : "reviewer-key");
    if (config.auth() == ReviewConfig.AuthMode.JWT) {
      ObjectNode cognito = out.putObject("cognito");
      cognito.put("region", config.aws().region().id());
      cognito.put("clientId", config.cognitoClientId());
    }
    out.put("leaseSeconds", config.lease().toSeconds());
    out.put("undoSeconds", config.undoSeconds());
    out.put("maxLabels", Verdicts.MAX_LABELS);
    out.put("maxLabelLength", Verdicts.MAX_LABEL_LENGTH);
    out.put("maxNoteLength", Verdicts.MAX_NOTE_LENGTH);
    return out;
  }

  private JsonNode body(ReviewRequest request) {
    if (request.body().length > MAX_BODY_BYTES) {
      throw new ReviewException(413, "payload-too-large", "the request body is too large");
    }
    if (request.body().length == 0) {
      return json.createObjectNode();
    }
    JsonNode body;
    try {
      body = strict.readTree(request.body());
    } catch (IOException e) {
      throw ReviewException.badRequest("the body is not valid JSON");
    }
    if (body == null || !body.isObject()) {
      throw ReviewException.badRequest("the body must be a JSON object");
    }
    return body;
  }

  private static String text(JsonNode body, String field) {
    return optionalText(body, field)
        .orElseThrow(() -> ReviewException.badRequest(field + " is required"));
  }

  private static Optional<String> optionalText(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    if (!node.isTextual()) {
      throw ReviewException.badRequest(field + " must be a string");
    }
    return Optional.of(node.asText());
  }

  private static int integer(JsonNode body, String field, int defaultValue) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return defaultValue;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      throw ReviewException.badRequest(field + " must be a whole number");
    }
    return node.asInt();
  }

  private static List<String> strings(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray() || node.size() > Verdicts.MAX_LABELS) {
      throw ReviewException.badRequest(
          field + " must be a list of at most " + Verdicts.MAX_LABELS + " strings");
    }
    List<String> values = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw ReviewException.badRequest(field + " must be a list of strings");
      }
      values.add(item.asText());
    }
    return values;
  }

  private static void requireMethod(ReviewRequest request, String allowed) {
    if (!request.method().equals(allowed)) {
      throw new ReviewException(405, "method-not-allowed", "use " + allowed + " on this path");
    }
  }

  private static ReviewException notFound() {
    return new ReviewException(404, "not-found", "no such page or route");
  }

  private ReviewResponse json(int status, JsonNode body) {
    try {
      return ReviewResponse.json(status, json.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ReviewResponse error(Exception error, ReviewRequest request) {
    ReviewException refusal =
        switch (error) {
          case ReviewException e -> e;
          case SecretException e ->
              new ReviewException(
                  503, "auth-unavailable", "sign-in is unavailable right now, try again");
          case SdkException e ->
              new ReviewException(
                  503, "unavailable", "the queue or the bucket did not answer, try again");
          default -> new ReviewException(500, "internal-error", "internal error");
        };
    var event = refusal.status() >= 500 ? log.atError().setCause(error) : log.atInfo();
    event
        .addKeyValue("requestId", request.requestId())
        .addKeyValue("path", request.path())
        .addKeyValue("status", refusal.status())
        .addKeyValue("code", refusal.code())
        .log(refusal.status() >= 500 ? "request failed" : "request refused");
    ObjectNode body = json.createObjectNode();
    ObjectNode inner = body.putObject("error");
    inner.put("code", refusal.code());
    inner.put("message", refusal.getMessage());
    inner.put("requestId", request.requestId());
    ReviewResponse response =
        ReviewResponse.json(refusal.status(), body.toString().getBytes(StandardCharsets.UTF_8));
    return refusal.status() == 401 ? response.withHeader("www-authenticate", "Bearer") : response;
  }
}
