package io.autotag.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.review.TestReview.Response;
import io.autotag.shared.config.ConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handler without S3 or SQS (their endpoints point nowhere, so any call would fail): the page,
 * its configuration, authentication in both modes, the sample events in {@code events/}, routing
 * errors, start-up checks and priming.
 */
class ReviewHandlerTest {

  /** AWS endpoints nobody listens on: a test that reaches AWS fails. */
  static final Map<String, String> NOWHERE =
      Map.of(
          "AWS_REGION", "eu-west-1",
          "AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9",
          "AWS_ENDPOINT_URL_SQS", "http://127.0.0.1:9");

  ReviewWiring wiring;

  ReviewHandler handler(String... overrides) {
    wiring =
        TestReview.wiring(
            TestReview.env(NOWHERE, "http://127.0.0.1:9/000000000000/review.fifo", overrides),
            Clock.systemUTC());
    return new ReviewHandler(wiring);
  }

  @AfterEach
  void close() {
    if (wiring != null) {
      wiring.close();
    }
  }

  static JsonNode event(String name) throws IOException {
    return TestReview.JSON.readTree(Files.readAllBytes(TestReview.EVENTS.resolve(name)));
  }

  static Response replay(ReviewHandler handler, JsonNode event) {
    return Response.of(TestReview.invoke(handler, event));
  }

  @Test
  void pageIsServedWithAStrictContentSecurityPolicy() throws IOException {
    Response page = replay(handler(), event("review-page-v2.json"));

    assertThat(page.status()).isEqualTo(200);
    assertThat(page.headers().path("content-type").asText()).startsWith("text/html");
    assertThat(page.body()).contains("<title>autotag review</title>", "app.js", "app.css");
    String csp = page.headers().path("content-security-policy").asText();
    assertThat(csp)
        .contains("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'")
        .contains("img-src 'self' data: http://127.0.0.1:9")
        .doesNotContain("unsafe-inline", "unsafe-eval");
    assertThat(page.headers().path("x-content-type-options").asText()).isEqualTo("nosniff");
    assertThat(page.headers().path("x-request-id").asText()).isEqualTo("req-review-page-1");
  }

  @Test
  void everyPageFileIsThereAndRevalidates() {
    ReviewHandler handler = handler();
    for (String path :
        new String[] {"/review/app.js", "/review/app.css", "/review/icon.svg", "/review"}) {
      Response file = get(handler, path, Map.of());
      assertThat(file.status()).as(path).isEqualTo(200);
      String eTag = file.headers().path("etag").asText();
      assertThat(get(handler, path, Map.of("if-none-match", eTag)).status()).isEqualTo(304);
    }
    assertThat(get(handler, "/review/", Map.of()).status()).isEqualTo(308);
    assertThat(get(handler, "/review/", Map.of()).headers().path("location").asText())
        .isEqualTo("/review");
    assertThat(get(handler, "/review/index.html", Map.of()).status()).isEqualTo(404);
    assertThat(get(handler, "/review/../pom.xml", Map.of()).status()).isEqualTo(404);
    assertThat(get(handler, "/review/missing.js", Map.of()).code()).isEqualTo("not-found");
    assertThat(get(handler, "/elsewhere", Map.of()).status()).isEqualTo(404);
  }

  @Test
  void pageConfigurationSaysHowToSignIn() {
    JsonNode keys = get(handler(), "/review/config.json", Map.of()).json();
    assertThat(keys.path("auth").asText()).isEqualTo("reviewer-key");
    assertThat(keys.path("undoSeconds").asInt()).isEqualTo(5);
    assertThat(keys.path("leaseSeconds").asInt()).isEqualTo(300);
    close();

    JsonNode cognito =
        get(
                handler(
                    "AUTOTAG_REVIEW_AUTH",
                    "jwt",
                    "AUTOTAG_REVIEW_COGNITO_CLIENT_ID",
                    "4example0clientid0000000000"),
                "/review/config.json",
                Map.of())
            .json();
    assertThat(cognito.path("auth").asText()).isEqualTo("cognito");
    assertThat(cognito.path("cognito").path("region").asText()).isEqualTo("eu-west-1");
    assertThat(cognito.path("cognito").path("clientId").asText())
        .isEqualTo("4example0clientid0000000000");
  }

  @Test
  void jwtModeTakesTheReviewerFromTheVerifiedClaimsOnly() throws IOException {
    ReviewHandler handler =
        handler(
            "AUTOTAG_REVIEW_AUTH", "jwt",
            "AUTOTAG_REVIEW_COGNITO_CLIENT_ID", "4example0clientid0000000000",
            "AUTOTAG_REVIEW_JWT_ISSUER",
                "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_EXAMPLE");
    JsonNode claim = event("review-claim-jwt-v2.json");
    ObjectNode me = claim.deepCopy();
    me.put("rawPath", "/review/api/me");
    ((ObjectNode) me.path("requestContext").path("http")).put("method", "GET");
    me.remove("body");

    assertThat(replay(handler, me).json().path("reviewer").asText()).isEqualTo("alice");

    // No authorizer ran: the bearer token alone proves nothing to the function.
    ObjectNode unverified = me.deepCopy();
    ((ObjectNode) unverified.path("requestContext")).remove("authorizer");
    assertThat(replay(handler, unverified).status()).isEqualTo(401);

    ObjectNode otherIssuer = me.deepCopy();
    ((ObjectNode) otherIssuer.at("/requestContext/authorizer/jwt/claims"))
        .put("iss", "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OTHER");
    assertThat(replay(handler, otherIssuer).status()).isEqualTo(401);

    // A reviewer named in the body is ignored.
    ObjectNode spoof = me.deepCopy();
    ((ObjectNode) spoof.at("/requestContext/authorizer/jwt/claims")).remove("username");
    ((ObjectNode) spoof.at("/requestContext/authorizer/jwt/claims"))
        .put("email", "eve@example.com");
    spoof.put("body", "{\"reviewer\":\"mallory\"}");
    assertThat(replay(handler, spoof).json().path("reviewer").asText())
        .isEqualTo("eve@example.com");
  }

  @Test
  void forgedTokenInTheSampleVerdictEventIsRefusedBeforeAnyAwsCall() throws IOException {
    ReviewHandler handler =
        handler(
            "AUTOTAG_REVIEW_AUTH", "jwt",
            "AUTOTAG_REVIEW_COGNITO_CLIENT_ID", "4example0clientid0000000000");

    Response verdict = replay(handler, event("review-verdict-jwt-v2.json"));

    assertThat(verdict.status()).isEqualTo(403);
    assertThat(verdict.code()).isEqualTo("invalid-token");
    assertThat(verdict.json().path("error").path("requestId").asText())
        .isEqualTo("req-review-verdict-1");
  }

  @Test
  void reviewerKeyModeRefusesMissingAndWrongKeysAndNeverReadsTheBody() {
    ReviewHandler handler = handler();
    for (Map<String, String> headers :
        List.of(
            Map.<String, String>of(),
            Map.of("authorization", "Bearer wrong"),
            Map.of("authorization", "Basic " + TestReview.ALICE_KEY),
            Map.of("x-reviewer-key", ""))) {
      Response response =
          Response.of(
              TestReview.invoke(
                  handler, TestReview.event("POST", "/review/api/claim", headers, "not json")));
      assertThat(response.status()).as(headers.toString()).isEqualTo(401);
    }
    Response me = get(handler, "/review/api/me", Map.of("x-reviewer-key", TestReview.BOB_KEY));
    assertThat(me.json().path("reviewer").asText()).isEqualTo("bob");
  }

  @Test
  void wrongMethodsAndUnknownRoutesAreRefused() {
    ReviewHandler handler = handler();
    Map<String, String> alice = Map.of("authorization", "Bearer " + TestReview.ALICE_KEY);
    assertThat(get(handler, "/review/api/claim", alice).status()).isEqualTo(405);
    assertThat(get(handler, "/review/api/nothing", alice).status()).isEqualTo(404);
    assertThat(
            Response.of(
                    TestReview.invoke(
                        handler, TestReview.event("POST", "/review/", Map.of(), "{}")))
                .status())
        .isEqualTo(405);
  }

  @Test
  void eventsThatAreNotHttpApiEventsFailTheInvocation() {
    ReviewHandler handler = handler();
    ObjectNode v1 = TestReview.JSON.createObjectNode();
    v1.put("httpMethod", "GET");
    v1.put("path", "/review/");

    assertThatThrownBy(() -> TestReview.invoke(handler, v1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("payload 2.0");
  }

  @Test
  void startUpNamesEveryBadVariable() {
    Map<String, String> env = new HashMap<>(NOWHERE);
    env.put("AUTOTAG_REVIEW_AUTH", "password");
    env.put("AUTOTAG_REVIEW_TOKEN_KEY", "short");
    env.put("AUTOTAG_REVIEW_LEASE_SECONDS", "0");
    env.put("AUTOTAG_FEEDBACK_PREFIX", "/abs");

    assertThatThrownBy(() -> TestReview.wiring(env, Clock.systemUTC()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("AUTOTAG_REVIEW_QUEUE_URL")
        .hasMessageContaining("AUTOTAG_REVIEW_AUTH")
        .hasMessageContaining("AUTOTAG_REVIEW_LEASE_SECONDS")
        .hasMessageContaining("AUTOTAG_FEEDBACK_BUCKET")
        .hasMessageContaining("AUTOTAG_FEEDBACK_PREFIX")
        // A secret, read after the others: named in the same error all the same.
        .hasMessageContaining("AUTOTAG_REVIEW_TOKEN_KEY")
        .hasMessageNotContaining("short");

    env.put("AUTOTAG_REVIEW_AUTH", "reviewer-key");
    env.put("AUTOTAG_REVIEW_LEASE_SECONDS", "60");
    env.put("AUTOTAG_FEEDBACK_PREFIX", "ok/");
    env.put("AUTOTAG_FEEDBACK_BUCKET", "feedback");
    env.put("AUTOTAG_REVIEW_QUEUE_URL", "http://127.0.0.1:9/q");
    env.put("AUTOTAG_REVIEWER_KEYS", "alice=nothex");
    assertThatThrownBy(() -> TestReview.wiring(env, Clock.systemUTC()))
        .hasMessageContaining("AUTOTAG_REVIEW_TOKEN_KEY must be at least 32")
        .hasMessageContaining("AUTOTAG_REVIEWER_KEYS");
  }

  @Test
  void primingTouchesNoAwsAndNoSecret() {
    ReviewHandler handler = handler("AUTOTAG_REVIEW_TOKEN_KEY", "ssm:/autotag/not-there");
    // Page, configuration, and an API call that stops at the missing credentials.
    assertThat(wiring.primingRequests()).containsExactly(200, 200, 401);
    assertThat(handler).isNotNull();
  }

  static Response get(ReviewHandler handler, String path, Map<String, String> headers) {
    return Response.of(TestReview.invoke(handler, TestReview.event("GET", path, headers, null)));
  }
}
