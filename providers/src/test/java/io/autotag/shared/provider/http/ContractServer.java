package io.autotag.shared.provider.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.autotag.shared.classify.Label;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server on 127.0.0.1 that plays a hosted provider: it checks each request against the
 * provider's documented contract (a violation is recorded and answered with 400), then answers the
 * scripted result in the provider's own shape, or a scripted failure, or a one-shot fault (a raw
 * response, a delay past the client's timeout, a dropped connection). Subclasses know the shapes.
 */
public abstract class ContractServer implements AutoCloseable {

  /** Provider-neutral failures every provider can be made to answer. */
  public enum Failure {
    /** The model does not exist (or is still training): permanent. */
    MODEL_NOT_FOUND,
    /** Bad credentials. */
    UNAUTHORIZED,
    /** Too many requests. */
    THROTTLED,
    /** The service is down (5xx). */
    UNAVAILABLE
  }

  /** A response to send. */
  public record Response(int status, String contentType, byte[] body, Map<String, String> headers) {

    public static Response json(int status, String json) {
      return new Response(
          status, "application/json", json.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public Response withHeader(String name, String value) {
      Map<String, String> all = new LinkedHashMap<>(headers);
      all.put(name, value);
      return new Response(status, contentType, body, all);
    }
  }

  /** What the next request gets instead of the scripted answer. */
  public sealed interface Fault {}

  public record Raw(Response response) implements Fault {}

  /** Waits before answering normally: past the client's read timeout, it never sees the answer. */
  public record Delay(Duration delay) implements Fault {}

  /** Closes the connection without a response. */
  public record Drop() implements Fault {}

  /** A request as received, for tests to inspect. */
  public record Received(String method, URI uri, Map<String, List<String>> headers, byte[] body) {

    public String header(String name) {
      return headers.entrySet().stream()
          .filter(e -> e.getKey().equalsIgnoreCase(name))
          .findFirst()
          .map(e -> e.getValue().getFirst())
          .orElse(null);
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Thrown by {@link #check} methods: the request breaks the contract. */
  protected static final class Violation extends Exception {
    public Violation(String message) {
      super(message);
    }
  }

  protected final ObjectMapper json = new ObjectMapper();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger served = new AtomicInteger();
  private volatile List<Label> labels = List.of(new Label("cat", 0.9), new Label("dog", 0.1));
  private volatile boolean multiLabel;
  private volatile Failure failure;

  protected ContractServer() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::dispatch);
    server.start();
  }

  /** The server's root, for example {@code http://127.0.0.1:54321}. */
  public URI baseUrl() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answers these labels (confidences 0..1; the server converts to the provider's scale). */
  public ContractServer answer(List<Label> labels, boolean multiLabel) {
    this.labels = List.copyOf(labels);
    this.multiLabel = multiLabel;
    this.failure = null;
    return this;
  }

  /** Fails every request this way until {@link #answer} is called. */
  public ContractServer fail(Failure failure) {
    this.failure = failure;
    return this;
  }

  /** The next request gets this fault; faults queue up in order. */
  public ContractServer next(Fault fault) {
    faults.add(fault);
    return this;
  }

  public List<String> violations() {
    return Collections.unmodifiableList(new ArrayList<>(violations));
  }

  public List<Received> received() {
    return List.copyOf(received);
  }

  public Received lastReceived() {
    return received.getLast();
  }

  /** Requests answered so far, including violations and faults. */
  public int requests() {
    return served.get();
  }

  public void reset() {
    faults.clear();
    violations.clear();
    received.clear();
    served.set(0);
    failure = null;
  }

  protected List<Label> labels() {
    return labels;
  }

  protected boolean multiLabel() {
    return multiLabel;
  }

  /**
   * Handles a request the server answers itself whatever the script (a token endpoint), or returns
   * null to go on with the scripted answer. Throws {@link Violation} when the request breaks the
   * contract.
   */
  protected abstract Response check(Received request) throws Violation;

  /** The scripted answer in the provider's shape. */
  protected abstract Response success(Received request);

  /** The scripted failure in the provider's shape. */
  protected abstract Response failure(Failure failure, Received request);

  private void dispatch(HttpExchange exchange) throws IOException {
    served.incrementAndGet();
    Received request =
        new Received(
            exchange.getRequestMethod(),
            exchange.getRequestURI(),
            Map.copyOf(exchange.getRequestHeaders()),
            exchange.getRequestBody().readAllBytes());
    received.add(request);
    Response response;
    try {
      Response own = check(request);
      if (own != null) {
        send(exchange, own);
        return;
      }
    } catch (Violation v) {
      violations.add(request.method() + " " + request.uri().getPath() + ": " + v.getMessage());
      send(
          exchange,
          Response.json(400, json.createObjectNode().put("message", v.getMessage()).toString()));
      return;
    }
    Fault fault = faults.poll();
    switch (fault) {
      case Raw raw -> response = raw.response();
      case Delay delay -> {
        sleep(delay.delay());
        response = scripted(request);
      }
      case Drop drop -> {
        // The JDK server closes the connection, unanswered, when a handler throws.
        exchange.getRequestBody().close();
        throw new IllegalStateException("dropping the connection on purpose");
      }
      case null -> response = scripted(request);
    }
    send(exchange, response);
  }

  private Response scripted(Received request) {
    Failure current = failure;
    return current == null ? success(request) : failure(current, request);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void send(HttpExchange exchange, Response response) throws IOException {
    if (response.contentType() != null) {
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
    }
    response.headers().forEach((k, v) -> exchange.getResponseHeaders().set(k, v));
    byte[] body = response.body();
    exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
