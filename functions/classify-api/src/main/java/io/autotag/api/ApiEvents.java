package io.autotag.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns API Gateway proxy events into {@link ApiRequest}s and {@link ApiResponse}s back into the
 * matching response format. Payload 2.0 is recognised by {@code "version": "2.0"}, the REST API
 * (and HTTP API payload 1.0) format by {@code httpMethod}. {@code isBase64Encoded} is honoured on
 * both: HTTP APIs base64-encode every body that is not text, JSON or XML.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html">HTTP
 *     API payload formats</a>
 */
final class ApiEvents {

  /** The event is not an API Gateway proxy event this function understands. */
  static final class MalformedEventException extends Exception {
    MalformedEventException(String message) {
      super(message);
    }
  }

  private final ObjectMapper json;

  ApiEvents(ObjectMapper json) {
    this.json = json;
  }

  ApiRequest read(JsonNode event, String lambdaRequestId) throws MalformedEventException {
    if (event == null || !event.isObject()) {
      throw new MalformedEventException("the event is not a JSON object");
    }
    if ("2.0".equals(event.path("version").asText())) {
      return readV2(event, lambdaRequestId);
    }
    if (event.hasNonNull("httpMethod")) {
      return readV1(event, lambdaRequestId);
    }
    throw new MalformedEventException("not an API Gateway proxy event");
  }

  private ApiRequest readV2(JsonNode event, String lambdaRequestId) throws MalformedEventException {
    JsonNode context = event.path("requestContext");
    String method = context.path("http").path("method").asText("");
    String path = event.path("rawPath").asText(context.path("http").path("path").asText(""));
    if (method.isEmpty() || path.isEmpty()) {
      throw new MalformedEventException("payload 2.0 event without method or path");
    }
    // With a named stage the raw path starts with it; routes are matched without it.
    String stage = context.path("stage").asText("$default");
    if (!stage.equals("$default") && path.startsWith("/" + stage + "/")) {
      path = path.substring(stage.length() + 1);
    }
    Map<String, String> headers = headers(event.path("headers"));
    JsonNode cookies = event.path("cookies");
    if (cookies.isArray() && !cookies.isEmpty()) {
      List<String> all = new ArrayList<>();
      cookies.forEach(c -> all.add(c.asText()));
      headers.put("cookie", String.join("; ", all));
    }
    Map<String, List<String>> query = parseQuery(event.path("rawQueryString").asText(""));
    if (query.isEmpty()) {
      // Hand-written test events sometimes carry only the parsed parameters.
      event
          .path("queryStringParameters")
          .properties()
          .forEach(e -> query.put(e.getKey(), List.of(e.getValue().asText())));
    }
    JsonNode iam = context.path("authorizer").path("iam");
    String caller = iam.hasNonNull("userArn") ? iam.get("userArn").asText() : null;
    return new ApiRequest(
        method.toUpperCase(Locale.ROOT),
        path,
        headers,
        query,
        body(event),
        context.path("requestId").asText(lambdaRequestId),
        PayloadVersion.V2,
        caller);
  }

  private ApiRequest readV1(JsonNode event, String lambdaRequestId) throws MalformedEventException {
    String method = event.path("httpMethod").asText("");
    String path = event.path("path").asText("");
    if (path.isEmpty()) {
      throw new MalformedEventException("proxy event without a path");
    }
    Map<String, String> headers = headers(event.path("headers"));
    // multiValueHeaders holds every value; the single-value map only the last.
    event
        .path("multiValueHeaders")
        .properties()
        .forEach(
            e -> {
              List<String> values = new ArrayList<>();
              e.getValue().forEach(v -> values.add(v.asText()));
              if (!values.isEmpty()) {
                headers.put(e.getKey().toLowerCase(Locale.ROOT), String.join(",", values));
              }
            });
    Map<String, List<String>> query = new LinkedHashMap<>();
    event
        .path("queryStringParameters")
        .properties()
        .forEach(e -> query.put(e.getKey(), new ArrayList<>(List.of(e.getValue().asText()))));
    event
        .path("multiValueQueryStringParameters")
        .properties()
        .forEach(
            e -> {
              List<String> values = new ArrayList<>();
              e.getValue().forEach(v -> values.add(v.asText()));
              query.put(e.getKey(), values);
            });
    JsonNode identity = event.path("requestContext").path("identity");
    String caller = identity.hasNonNull("userArn") ? identity.get("userArn").asText() : null;
    return new ApiRequest(
        method.toUpperCase(Locale.ROOT),
        path,
        headers,
        query,
        body(event),
        event.path("requestContext").path("requestId").asText(lambdaRequestId),
        PayloadVersion.V1,
        caller);
  }

  private static Map<String, String> headers(JsonNode node) {
    Map<String, String> headers = new LinkedHashMap<>();
    node.properties()
        .forEach(e -> headers.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue().asText()));
    return headers;
  }

  private static byte[] body(JsonNode event) throws MalformedEventException {
    JsonNode body = event.get("body");
    if (body == null || body.isNull()) {
      return new byte[0];
    }
    String text = body.asText();
    if (event.path("isBase64Encoded").asBoolean(false)) {
      try {
        return Base64.getMimeDecoder().decode(text);
      } catch (IllegalArgumentException e) {
        throw new MalformedEventException("isBase64Encoded is set but the body is not base64");
      }
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Parses a raw query string: {@code +} is a space, duplicates keep every value in order. */
  static Map<String, List<String>> parseQuery(String raw) {
    Map<String, List<String>> query = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return query;
    }
    for (String pair : raw.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
      query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
    }
    return query;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text; // a stray '%': keep the text as sent
    }
  }

  /** The response in the format API Gateway expects for {@code version}. */
  byte[] write(ApiResponse response, PayloadVersion version) {
    ObjectNode out = json.createObjectNode();
    out.put("statusCode", response.status());
    ObjectNode headers = out.putObject("headers");
    response.headers().forEach(headers::put);
    if (version == PayloadVersion.V1) {
      // REST APIs read multiValueHeaders too; an empty object keeps them from guessing.
      out.putObject("multiValueHeaders");
    }
    out.put("body", new String(response.body(), StandardCharsets.UTF_8));
    out.put("isBase64Encoded", false);
    return out.toString().getBytes(StandardCharsets.UTF_8);
  }
}
