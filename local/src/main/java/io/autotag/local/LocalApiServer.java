package io.autotag.local;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local HTTP front for a Lambda {@link RequestStreamHandler}: it turns each real HTTP request
 * into an API Gateway HTTP API payload 2.0 event, as API Gateway would (lower-case headers, cookies
 * split out, every body that is not text, JSON or XML base64-encoded, a 10 MB body limit), invokes
 * the handler, and turns the handler's response back into HTTP. Tests drive the API through it with
 * real HTTP clients, and the local stack serves the API with it.
 */
public final class LocalApiServer implements AutoCloseable {

  /** API Gateway's own request body limit. */
  public static final int MAX_BODY_BYTES = 10 * 1024 * 1024;

  private static final Logger log = LoggerFactory.getLogger(LocalApiServer.class);
  private static final DateTimeFormatter REQUEST_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final RequestStreamHandler handler;
  private final HttpServer server;
  private final ExecutorService executor;
  private final ObjectMapper json = new ObjectMapper();

  private LocalApiServer(RequestStreamHandler handler, HttpServer server, int threads) {
    this.handler = handler;
    this.server = server;
    this.executor = Executors.newFixedThreadPool(threads);
    server.setExecutor(executor);
    server.createContext("/", this::serve);
  }

  /**
   * Starts serving {@code handler} on {@code address} (port 0 picks a free port) with {@code
   * threads} requests handled at once; the handler must be thread-safe when that is above 1.
   */
  public static LocalApiServer start(
      RequestStreamHandler handler, InetSocketAddress address, int threads) throws IOException {
    // The JDK server leaves Nagle's algorithm on; its separate header and body writes then wait
    // for the client's delayed ACK, adding up to tens of milliseconds to a response. Read when the
    // JVM's first HttpServer is made; an explicit choice is never overridden.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    HttpServer server = HttpServer.create(address, 0);
    LocalApiServer local = new LocalApiServer(Objects.requireNonNull(handler), server, threads);
    server.start();
    return local;
  }

  /** The base URI, for example {@code http://127.0.0.1:40123}. */
  public URI baseUri() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().getHostAddress();
    return URI.create(
        "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort());
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        send(exchange, 413, "{\"message\":\"Request Entity Too Large\"}");
        return;
      }
      String requestId = UUID.randomUUID().toString();
      byte[] event = json.writeValueAsBytes(event(exchange, body, requestId));
      byte[] response;
      try {
        response = LocalFunction.CLASSIFY_API.invoke(handler, requestId, event);
      } catch (RuntimeException e) {
        // What API Gateway answers when the integration fails.
        log.atError().setCause(e).addKeyValue("requestId", requestId).log("handler failed");
        send(exchange, 500, "{\"message\":\"Internal Server Error\"}");
        return;
      }
      respond(exchange, json.readTree(response));
    }
  }

  /**
   * The payload 2.0 event of a real request: {@link LambdaEvents#httpApi}'s, plus what API Gateway
   * adds from the connection (cookies split out, decoded query parameters, source IP, protocol,
   * user agent, request time) and its text-or-base64 choice by content type.
   */
  private ObjectNode event(HttpExchange exchange, byte[] body, String requestId) {
    URI uri = exchange.getRequestURI();
    Map<String, String> headers = new LinkedHashMap<>();
    ArrayNode cookies = json.createArrayNode();
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (lower.equals("cookie")) {
                values.forEach(v -> List.of(v.split(";\\s*")).forEach(cookies::add));
              } else {
                headers.put(lower, String.join(",", values));
              }
            });
    boolean text = isText(headers.getOrDefault("content-type", ""));
    ObjectNode event =
        LambdaEvents.httpApi(
            json,
            exchange.getRequestMethod(),
            uri.getRawPath(),
            uri.getRawQuery() == null ? "" : uri.getRawQuery(),
            headers,
            body.length > 0 ? body : null,
            !text);
    if (body.length == 0) {
      event.put("isBase64Encoded", false);
    }
    if (!cookies.isEmpty()) {
      event.set("cookies", cookies);
    }
    Map<String, String> query = queryParameters(uri.getRawQuery());
    if (!query.isEmpty()) {
      event.putObject("queryStringParameters").setAll(json.convertValue(query, ObjectNode.class));
    }
    Instant now = Instant.now();
    ObjectNode context = (ObjectNode) event.path("requestContext");
    context.put("accountId", "000000000000");
    context.put("apiId", "local");
    context.put("domainName", headers.getOrDefault("host", "localhost"));
    ((ObjectNode) context.path("http"))
        .put("protocol", exchange.getProtocol())
        .put("sourceIp", exchange.getRemoteAddress().getAddress().getHostAddress())
        .put("userAgent", headers.getOrDefault("user-agent", ""));
    context.put("requestId", requestId);
    context.put("routeKey", "$default");
    context.put("time", REQUEST_TIME.format(now));
    context.put("timeEpoch", now.toEpochMilli());
    return event;
  }

  /**
   * API Gateway's {@code queryStringParameters}: decoded, a repeated name's values comma-joined.
   */
  static Map<String, String> queryParameters(String rawQuery) {
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String pair : rawQuery == null ? new String[0] : rawQuery.split("&")) {
      String[] nameAndValue = pair.split("=", 2);
      if (!pair.isEmpty()) {
        String value = nameAndValue.length > 1 ? decode(nameAndValue[1]) : "";
        parameters.merge(decode(nameAndValue[0]), value, (first, next) -> first + "," + next);
      }
    }
    return parameters;
  }

  private static String decode(String text) {
    try {
      return URLDecoder.decode(text, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return text; // a stray '%' passes as sent
    }
  }

  /** HTTP APIs pass text, JSON and XML bodies as text and base64-encode everything else. */
  static boolean isText(String contentType) {
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.startsWith("text/")
        || type.equals("application/json")
        || type.endsWith("+json")
        || type.equals("application/xml")
        || type.endsWith("+xml")
        || type.equals("application/javascript");
  }

  private void respond(HttpExchange exchange, JsonNode response) throws IOException {
    if (!response.isObject() || !response.has("statusCode")) {
      // Payload 2.0 treats a bare value as a 200 JSON body.
      send(exchange, 200, response.toString());
      return;
    }
    Map<String, List<String>> headers = new LinkedHashMap<>();
    response
        .path("headers")
        .properties()
        .forEach(
            e ->
                headers
                    .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                    .add(e.getValue().asText()));
    response
        .path("multiValueHeaders")
        .properties()
        .forEach(
            e ->
                e.getValue()
                    .forEach(
                        v ->
                            headers
                                .computeIfAbsent(e.getKey(), k -> new ArrayList<>())
                                .add(v.asText())));
    response
        .path("cookies")
        .forEach(
            c -> headers.computeIfAbsent("set-cookie", k -> new ArrayList<>()).add(c.asText()));
    String text = response.path("body").asText("");
    byte[] body =
        response.path("isBase64Encoded").asBoolean(false)
            ? Base64.getDecoder().decode(text)
            : text.getBytes(StandardCharsets.UTF_8);
    headers.forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
    int status = response.path("statusCode").asInt(200);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("content-type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }
}
