package io.autotag.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.api.ApiHandler;
import io.autotag.api.ApiWiring;
import io.autotag.local.LambdaEvents;
import io.autotag.local.LocalFunction;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.provider.ClassifierFactory;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.FakeClassifier;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Every route template.yaml puts on the HTTP API reaches a route of classify-api's router: API
 * Gateway would otherwise invoke the function for a path it only answers 404 or 405 to.
 */
class ApiRoutesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyTemplateRouteOfTheApiFunctionIsARouteOfItsRouter() throws Exception {
    List<SamLocalTemplateTest.Route> routes =
        SamLocalTemplateTest.httpApiRoutes(CfnTemplate.load()).stream()
            .filter(r -> r.function().equals("ClassifyApiFunction"))
            .toList();
    assertThat(routes).isNotEmpty();
    FakeClassifier refuses = new FakeClassifier("refuses");
    try (ApiWiring wiring =
        ApiWiring.create(
            Map.of(
                "AWS_REGION",
                "eu-west-1",
                "AUTOTAG_PROVIDER",
                "refuses",
                "AUTOTAG_API_AUTH",
                "none"),
            ProviderRegistry.of(List.of(ClassifierFactory.returning(refuses))),
            settings ->
                AwsClients.create(
                    settings,
                    StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))))) {
      ApiHandler handler = ApiHandler.create(wiring);
      for (SamLocalTemplateTest.Route route : routes) {
        // A concrete request for the route: path parameters filled in as a client would.
        String path = route.path().replace("{dataset}", "my-dataset").replace("{version}", "3");
        JsonNode response = invoke(handler, route.method(), path);
        assertThat(response.path("statusCode").asInt())
            .as(route.key() + " answered " + response)
            .isNotIn(404, 405);
      }
      // The routes are reached without classifying anything.
      assertThat(refuses.calls()).isZero();
      // And the check can fail: a path the router does not know.
      assertThat(invoke(handler, "POST", "/no/such/route").path("statusCode").asInt())
          .isEqualTo(404);
    }
  }

  /**
   * Invokes a function's handler with a payload 2.0 event of one template route (also
   * ReviewRoutesTest's).
   */
  static JsonNode invoke(RequestStreamHandler handler, String method, String path)
      throws Exception {
    // The route key is the one the template declares; the router reads the method and path.
    ObjectNode event =
        LambdaEvents.httpApi(
            JSON,
            method,
            path,
            "",
            Map.of("content-type", "application/json"),
            "{}".getBytes(StandardCharsets.UTF_8),
            false);
    event.put("routeKey", method + " " + path);
    ((ObjectNode) event.path("requestContext")).put("requestId", "route-check");
    return LocalFunction.CLASSIFY_API.invoke(handler, "route-check", event);
  }
}
