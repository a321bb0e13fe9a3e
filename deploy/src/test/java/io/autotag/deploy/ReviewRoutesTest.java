package io.autotag.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotag.review.ReviewHandler;
import io.autotag.review.ReviewWiring;
import io.autotag.shared.aws.AwsClients;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Every route template.yaml gives the review function reaches a route of its router (the page's
 * files and actions filled in as the page asks for them), so API Gateway never invokes it for a
 * path it only answers 404 or 405 to. No AWS call is made: the API routes stop at the missing key.
 */
class ReviewRoutesTest {

  @Test
  void everyTemplateRouteOfTheReviewFunctionIsARouteOfItsRouter() throws Exception {
    List<SamLocalTemplateTest.Route> routes =
        SamLocalTemplateTest.httpApiRoutes(CfnTemplate.load()).stream()
            .filter(r -> r.function().equals("ReviewFunction"))
            .toList();
    assertThat(routes).extracting(SamLocalTemplateTest.Route::key).contains("GET /review");
    Map<String, String> env =
        Map.of(
            "AWS_REGION", "eu-west-1",
            "AWS_ENDPOINT_URL", "http://127.0.0.1:9",
            "AUTOTAG_REVIEW_QUEUE_URL", "http://127.0.0.1:9/000000000000/review.fifo",
            "AUTOTAG_REVIEWER_KEYS", "alice=" + "0".repeat(64),
            "AUTOTAG_REVIEW_TOKEN_KEY", "route-check-key-of-at-least-32-characters",
            "AUTOTAG_FEEDBACK_BUCKET", "feedback",
            "AUTOTAG_PRIMING", "false");
    try (ReviewWiring wiring =
        ReviewWiring.create(
            env,
            settings ->
                AwsClients.create(
                    settings,
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))))) {
      ReviewHandler handler = ReviewHandler.create(wiring);
      for (SamLocalTemplateTest.Route route : routes) {
        for (String action : List.of("claim", "verdict", "release", "extend", "me", "stats")) {
          String path = route.path().replace("{file}", "app.js").replace("{action}", action);
          int status =
              ApiRoutesTest.invoke(handler, route.method(), path).path("statusCode").asInt();
          boolean post = List.of("claim", "verdict", "release", "extend").contains(action);
          if (route.path().contains("{action}") && post != route.method().equals("POST")) {
            continue; // the other method's action
          }
          assertThat(status).as(route.key() + " as " + path).isNotIn(404, 405);
        }
      }
      assertThat(
              ApiRoutesTest.invoke(handler, "GET", "/review/no-such-file.js")
                  .path("statusCode")
                  .asInt())
          .isEqualTo(404);
    }
  }
}
