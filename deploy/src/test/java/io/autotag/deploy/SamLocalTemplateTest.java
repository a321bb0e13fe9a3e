package io.autotag.deploy;

import static io.autotag.deploy.CfnTemplate.list;
import static io.autotag.deploy.CfnTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.classify.ImageFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What SAM CLI needs from the template to run it locally (checked against aws-sam-cli 1.164's own
 * code by deploy/sam-check), kept from coming undone: the API as an {@code
 * AWS::Serverless::HttpApi} whose routes are function events, the binary media types that make sam
 * local base64-encode an image body, and environment variables that SAM local can resolve.
 */
class SamLocalTemplateTest {

  /** Every route classify-api's Router answers (see Router's javadoc). */
  static final Set<String> CLASSIFY_API_ROUTES =
      Set.of(
          "GET /health",
          "POST /classify",
          "POST /infer/classification",
          "POST /v2/vision/predict",
          "POST /v2/oauth2/token",
          "POST /{dataset}/{version}",
          "GET /{dataset}/{version}");

  static final String API = "HttpApi";

  private final CfnTemplate template = CfnTemplate.load();

  /** An HttpApi event of a function: route key and the event's properties. */
  record Route(String function, String key, Map<String, Object> properties) {
    String method() {
      return key.substring(0, key.indexOf(' '));
    }

    String path() {
      return key.substring(key.indexOf(' ') + 1);
    }
  }

  static List<Route> httpApiRoutes(CfnTemplate template) {
    List<Route> routes = new ArrayList<>();
    for (String function : template.ofType("AWS::Serverless::Function")) {
      Object events = template.properties(function).get("Events");
      if (events == null) {
        continue;
      }
      for (Object event : map(events).values()) {
        Map<String, Object> e = map(event);
        if ("HttpApi".equals(e.get("Type"))) {
          Map<String, Object> p = map(e.get("Properties"));
          routes.add(new Route(function, p.get("Method") + " " + p.get("Path"), p));
        }
      }
    }
    return routes;
  }

  @Test
  void theApiIsASamHttpApiSoSamLocalReadsItsRoutes() {
    // SAM CLI picks its SAM reader or its CloudFormation reader by the first API-ish resource, and
    // the SAM reader ignores raw API Gateway resources: there must be none.
    assertThat(template.type(API)).isEqualTo("AWS::Serverless::HttpApi");
    assertThat(template.resources().values())
        .noneMatch(r -> String.valueOf(map(r).get("Type")).startsWith("AWS::ApiGatewayV2::"))
        .noneMatch(r -> String.valueOf(map(r).get("Type")).startsWith("AWS::ApiGateway::"));
  }

  @Test
  void everyRouteTheApiAnswersIsAnHttpApiEventOfTheApiFunction() {
    List<String> routes =
        httpApiRoutes(template).stream()
            .filter(r -> r.function().equals("ClassifyApiFunction"))
            .map(Route::key)
            .toList();
    assertThat(routes).containsExactlyInAnyOrderElementsOf(CLASSIFY_API_ROUTES);
  }

  @Test
  void everyHttpApiEventIsOnTheExplicitApiWithPayloadTwo() {
    for (Route route : httpApiRoutes(template)) {
      // Without ApiId SAM creates a second, implicit API that has none of this one's settings.
      assertThat(route.properties().get("ApiId")).as(route.key()).isEqualTo(CfnTemplate.ref(API));
      assertThat(route.properties().get("PayloadFormatVersion")).as(route.key()).isEqualTo("2.0");
    }
  }

  @Test
  void binaryMediaTypesListEveryImageFormatAndMultipart() {
    // sam local base64-encodes a body only when its exact type is listed ("image/*" does not
    // match);
    // otherwise an image arrives mangled and the function answers 400.
    Object types =
        map(template.properties(API).get("DefinitionBody"))
            .get("x-amazon-apigateway-binary-media-types");
    List<String> expected = new ArrayList<>();
    for (ImageFormat format : ImageFormat.values()) {
      expected.add(format.mediaType());
    }
    expected.add("multipart/form-data");
    expected.add("application/octet-stream");
    assertThat(list(types)).containsAll(expected);
  }

  @Test
  void everyRouteIsAuthorisedByApiAuthUnlessItIsHealthOrHasItsOwnAuthorizer() {
    Map<String, Object> body = map(template.properties(API).get("DefinitionBody"));
    Map<String, Object> paths = map(body.get("paths"));
    Map<String, Object> iamOnly =
        Map.of(
            "Fn::If",
            List.of(
                "ApiUsesIam",
                List.of(Map.of("sigv4", List.of())),
                CfnTemplate.ref("AWS::NoValue")));
    Map<String, Object> reviewerOnly =
        Map.of(
            "Fn::If",
            List.of(
                "ReviewUsesCognito",
                List.of(Map.of("reviewerJwt", List.of())),
                CfnTemplate.ref("AWS::NoValue")));
    for (Route route : httpApiRoutes(template)) {
      if (route.key().equals("GET /health")) {
        continue;
      }
      if (route.function().equals("ReviewFunction")) {
        // The reviewer page and its files are public (no data in them); its API routes need a
        // reviewer: the JWT authorizer in cognito mode, the function's key check otherwise.
        Object operation =
            map(map(paths.get(route.path())).get(route.method().toLowerCase(Locale.ROOT)));
        Object security = map(operation).get("security");
        if (route.path().startsWith("/review/api/")) {
          assertThat(security).as(route.key()).isEqualTo(reviewerOnly);
        } else {
          assertThat(security).as(route.key()).isNull();
        }
        continue;
      }
      Object auth = route.properties().get("Auth");
      if (auth != null && map(auth).get("Authorizer") != null) {
        // A route with its own authorizer (a JWT one, say) is secured by it.
        assertThat(map(auth).get("Authorizer")).as(route.key()).isNotEqualTo("NONE");
        continue;
      }
      Object path = paths.get(route.path());
      assertThat(path).as("DefinitionBody declares " + route.key()).isNotNull();
      Object operation = map(path).get(route.method().toLowerCase(Locale.ROOT));
      assertThat(operation).as("DefinitionBody declares " + route.key()).isNotNull();
      assertThat(map(operation).get("security")).as(route.key()).isEqualTo(iamOnly);
    }
    Map<String, Object> sigv4 =
        map(map(map(body.get("components")).get("securitySchemes")).get("sigv4"));
    assertThat(sigv4).containsEntry("x-amazon-apigateway-authtype", "awsSigv4");
  }

  @Test
  void theReviewersJwtAuthorizerIsOneSamLocalSkipsInsteadOfRefusingToStart() {
    // sam local start-api refuses to start (0 routes) on an x-amazon-apigateway-authorizer in an
    // HTTP API's DefinitionBody without a Lambda payload version, and a JWT authorizer has none.
    // Declared under the API's Auth, SAM adds it to the OpenAPI on deploy and sam local skips it.
    Map<String, Object> body = map(template.properties(API).get("DefinitionBody"));
    Map<String, Object> schemes = map(map(body.get("components")).get("securitySchemes"));
    for (Map.Entry<String, Object> scheme : schemes.entrySet()) {
      Object authorizer = map(scheme.getValue()).get("x-amazon-apigateway-authorizer");
      if (authorizer != null) {
        assertThat(map(authorizer))
            .as(scheme.getKey() + ": sam local needs a payload version")
            .containsKey("authorizerPayloadFormatVersion");
      }
    }
    Map<String, Object> jwt =
        map(map(map(template.properties(API).get("Auth")).get("Authorizers")).get("reviewerJwt"));
    assertThat(jwt).containsEntry("IdentitySource", "$request.header.Authorization");
    assertThat(map(jwt.get("JwtConfiguration"))).containsKeys("issuer", "audience");
  }

  @Test
  void environmentVariablesAreValuesSamLocalCanResolve() {
    List<Map<String, Object>> environments = new ArrayList<>();
    template.at("Globals.Function.Environment.Variables").ifPresent(v -> environments.add(map(v)));
    for (String function : template.ofType("AWS::Serverless::Function")) {
      Object env = template.properties(function).get("Environment");
      if (env != null) {
        environments.add(map(map(env).get("Variables")));
      }
    }
    Map<String, Object> all = new LinkedHashMap<>();
    environments.forEach(all::putAll);
    assertThat(all).isNotEmpty();
    all.forEach(
        (name, value) -> {
          // SAM local turns an unresolved !If (with AWS::NoValue) into "": the variable would be
          // neither absent nor what the parameter says.
          assertThat(value instanceof Map<?, ?> m && m.containsKey("Fn::If"))
              .as(name + " is an !If")
              .isFalse();
          // An empty AWS_ENDPOINT_URL makes the SDK's client builders fail: the template sets
          // autotag's own AUTOTAG_ENDPOINT_URL, empty in AWS.
          assertThat(name).doesNotStartWith("AWS_ENDPOINT_URL");
        });
    assertThat(all).containsEntry("AUTOTAG_ENDPOINT_URL", CfnTemplate.ref("LocalEndpointUrl"));
  }

  @Test
  void everyVariableOfEventsEnvJsonIsOneTheTemplateDeclaresForThatFunction() throws Exception {
    // sam local --env-vars overrides only variables the template declares and drops the rest
    // without a word: an undeclared entry in events/env.json would silently do nothing.
    JsonNode envVars = new ObjectMapper().readTree(Path.of("../events/env.json").toFile());
    Set<String> global =
        template
            .at("Globals.Function.Environment.Variables")
            .map(v -> map(v).keySet())
            .orElse(Set.of());
    for (var function : envVars.properties()) {
      Set<String> declared = new HashSet<>(global);
      Object env = template.properties(function.getKey()).get("Environment");
      if (env != null) {
        declared.addAll(map(map(env).get("Variables")).keySet());
      }
      for (var variable : function.getValue().properties()) {
        assertThat(declared).as(function.getKey()).contains(variable.getKey());
      }
    }
  }
}
