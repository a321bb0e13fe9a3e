package io.autotag.shared.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP proxy in front of an S3 emulator that answers some requests with the errors S3 itself
 * sends under trouble ({@code 503 SlowDown}, {@code 500 InternalError}) instead of forwarding them,
 * so the real SDK, with its own retries, meets real S3 faults. Which requests fail is a {@link
 * Fault} rule: the first tag writes of each object, a seeded share of every request, every read of
 * one key. Counts what it injected and what it forwarded.
 */
public final class FaultyS3 implements AutoCloseable {

  /** One request as the proxy sees it: {@code path} is the raw path, {@code query} may be empty. */
  public record Request(String method, String path, String query) {

    /** {@code PutObjectTagging}. */
    public boolean isTagWrite() {
      return method.equals("PUT") && hasParameter("tagging");
    }

    /** {@code GetObjectTagging}. */
    public boolean isTagRead() {
      return method.equals("GET") && hasParameter("tagging");
    }

    /** {@code GetObject} (whole or ranged). */
    public boolean isObjectRead() {
      return method.equals("GET") && query.isEmpty() || method.equals("GET") && isVersionRead();
    }

    private boolean isVersionRead() {
      return query.startsWith("versionId=") && !query.contains("&");
    }

    boolean hasParameter(String name) {
      for (String part : query.split("&")) {
        if (part.equals(name) || part.startsWith(name + "=")) {
          return true;
        }
      }
      return false;
    }
  }

  /** The error S3 answers with. */
  public enum Error {
    SLOW_DOWN(503, "SlowDown", "Please reduce your request rate."),
    INTERNAL_ERROR(500, "InternalError", "We encountered an internal error. Please try again.");

    final int status;
    final String code;
    final String message;

    Error(int status, String code, String message) {
      this.status = status;
      this.code = code;
      this.message = message;
    }
  }

  /** Decides, per request, whether to fail it and how; {@code null} forwards it. */
  @FunctionalInterface
  public interface Fault {
    Error decide(Request request);

    /** Nothing fails. */
    static Fault none() {
      return request -> null;
    }

    /** The first {@code count} tag writes of each object (by path) fail with {@code error}. */
    static Fault firstTagWrites(int count, Error error) {
      Map<String, AtomicInteger> writes = new ConcurrentHashMap<>();
      return request ->
          request.isTagWrite()
                  && writes
                          .computeIfAbsent(request.path(), p -> new AtomicInteger())
                          .incrementAndGet()
                      <= count
              ? error
              : null;
    }

    /**
     * A {@code share} of all requests fails, chosen by a seeded generator; half of the failures are
     * {@code 503 SlowDown}, half {@code 500 InternalError}, as S3 mixes them under load.
     */
    static Fault random(double share, long seed) {
      Random random = new Random(seed);
      return request -> {
        synchronized (random) {
          if (random.nextDouble() >= share) {
            return null;
          }
          return random.nextBoolean() ? Error.SLOW_DOWN : Error.INTERNAL_ERROR;
        }
      };
    }

    /** Every {@code GetObject} of a path ending in {@code keySuffix} fails with {@code error}. */
    static Fault objectReads(String keySuffix, Error error) {
      return request -> request.isObjectRead() && request.path().endsWith(keySuffix) ? error : null;
    }
  }

  private static final Set<String> NOT_FORWARDED =
      Set.of("connection", "content-length", "expect", "host", "upgrade", "transfer-encoding");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(16);
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String target;
  private final AtomicInteger injected = new AtomicInteger();
  private final AtomicInteger forwarded = new AtomicInteger();
  private volatile Fault fault = Fault.none();

  private FaultyS3(String target) {
    this.target = target.endsWith("/") ? target.substring(0, target.length() - 1) : target;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /**
   * A proxy in front of the S3 endpoint {@code target} (for example {@code http://127.0.0.1:9090}).
   */
  public static FaultyS3 inFrontOf(String target) {
    return new FaultyS3(target);
  }

  /** The proxy's endpoint, for {@code AWS_ENDPOINT_URL_S3}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Replaces the rule; requests already decided are not affected. */
  public FaultyS3 fault(Fault fault) {
    this.fault = fault;
    return this;
  }

  /** Requests answered with an injected error so far. */
  public int injected() {
    return injected.get();
  }

  /** Requests passed on to the emulator so far. */
  public int forwarded() {
    return forwarded.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      URI uri = exchange.getRequestURI();
      String query = uri.getRawQuery() == null ? "" : uri.getRawQuery();
      Request request = new Request(exchange.getRequestMethod(), uri.getRawPath(), query);
      Error error = fault.decide(request);
      if (error != null) {
        injected.incrementAndGet();
        fail(exchange, error);
        return;
      }
      forwarded.incrementAndGet();
      forward(exchange, request, body);
    }
  }

  private static void fail(HttpExchange exchange, Error error) throws IOException {
    byte[] xml =
        ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                + error.code
                + "</Code><Message>"
                + error.message
                + "</Message><RequestId>FAULT</RequestId></Error>")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/xml");
    exchange.getResponseHeaders().add("x-amz-request-id", "FAULT");
    exchange.sendResponseHeaders(
        error.status, exchange.getRequestMethod().equals("HEAD") ? -1 : xml.length);
    if (!exchange.getRequestMethod().equals("HEAD")) {
      exchange.getResponseBody().write(xml);
    }
  }

  private void forward(HttpExchange exchange, Request request, byte[] body) throws IOException {
    String uri = target + request.path() + (request.query().isEmpty() ? "" : "?" + request.query());
    HttpRequest.Builder out =
        HttpRequest.newBuilder(URI.create(uri))
            .timeout(Duration.ofSeconds(30))
            .method(
                request.method(),
                body.length == 0
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) -> {
              if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> out.header(name, value));
              }
            });
    HttpResponse<byte[]> response;
    try {
      response = client.send(out.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    response
        .headers()
        .map()
        .forEach(
            (name, values) -> {
              if (!name.startsWith(":") && !NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT))) {
                exchange.getResponseHeaders().put(name, values);
              }
            });
    byte[] payload = response.body();
    boolean noBody =
        request.method().equals("HEAD")
            || response.statusCode() == 204
            || response.statusCode() == 304
            || payload.length == 0;
    exchange.sendResponseHeaders(response.statusCode(), noBody ? -1 : payload.length);
    if (!noBody) {
      exchange.getResponseBody().write(payload);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    client.close();
  }
}
