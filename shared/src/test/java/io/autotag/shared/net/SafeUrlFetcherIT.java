package io.autotag.shared.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.autotag.shared.config.Settings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Drives the fetcher against a real HTTP server on 127.0.0.1. */
class SafeUrlFetcherIT {

  private static final byte[] IMAGE = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0x01, 0x02, 0x03};

  private HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicLong hugeBytesSent = new AtomicLong();
  private final CountDownLatch announcedBodyStarted = new CountDownLatch(1);
  private String base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          try (exchange) {
            route(exchange);
          } catch (IOException e) {
            // the client hung up (size cap, timeout): expected in some tests
          }
        });
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void route(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String query = exchange.getRequestURI().getRawQuery();
    switch (path) {
      case "/image.jpg" -> {
        exchange.getResponseHeaders().add("Content-Type", "image/jpeg");
        exchange.sendResponseHeaders(200, IMAGE.length);
        exchange.getResponseBody().write(IMAGE);
      }
      case "/redirect" -> {
        exchange.getResponseHeaders().add("Location", query.substring("to=".length()));
        exchange.sendResponseHeaders(302, -1);
      }
      case "/chain" -> {
        int left = Integer.parseInt(query);
        exchange
            .getResponseHeaders()
            .add("Location", left == 0 ? "/image.jpg" : "/chain?" + (left - 1));
        exchange.sendResponseHeaders(301, -1);
      }
      case "/huge" -> {
        // Chunked, no Content-Length: only the streaming cap can stop it.
        exchange.sendResponseHeaders(200, 0);
        byte[] block = new byte[64 * 1024];
        OutputStream out = exchange.getResponseBody();
        for (int i = 0; i < 1600; i++) { // 100 MB if nobody stops us
          out.write(block);
          hugeBytesSent.addAndGet(block.length);
        }
      }
      case "/announced-huge" -> {
        exchange.sendResponseHeaders(200, 50L * 1024 * 1024);
        exchange.getResponseBody().write(new byte[1024]);
        exchange.getResponseBody().flush();
        announcedBodyStarted.countDown();
      }
      case "/slow" -> {
        try {
          Thread.sleep(3000);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        exchange.sendResponseHeaders(200, IMAGE.length);
        exchange.getResponseBody().write(IMAGE);
      }
      default -> {
        byte[] body = "not here".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(404, body.length);
        exchange.getResponseBody().write(body);
      }
    }
  }

  private SafeUrlFetcher open() {
    return SafeUrlFetcher.create(FetchPolicy.defaults().withAllowPrivateNetworks(true));
  }

  private SafeUrlFetcher strictExceptThisServer() {
    return SafeUrlFetcher.create(
        FetchPolicy.defaults()
            .withAllowedEndpoint(
                new InetSocketAddress(
                    InetAddress.getLoopbackAddress(), server.getAddress().getPort())));
  }

  @Test
  void fetchesAnImageWhenTheAddressIsAllowed() throws Exception {
    try (SafeUrlFetcher fetcher = open()) {
      FetchedBody body = fetcher.fetch(URI.create(base + "/image.jpg"));
      assertThat(body.body()).isEqualTo(IMAGE);
      assertThat(body.contentType()).contains("image/jpeg");
    }
  }

  @Test
  void refusesLoopbackByDefaultWithoutConnecting() {
    try (SafeUrlFetcher fetcher = SafeUrlFetcher.create(FetchPolicy.defaults())) {
      assertThatThrownBy(() -> fetcher.fetch(URI.create(base + "/image.jpg")))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.FORBIDDEN_ADDRESS));
      int port = server.getAddress().getPort();
      assertThatThrownBy(() -> fetcher.fetch(URI.create("http://localhost:" + port + "/image.jpg")))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.FORBIDDEN_ADDRESS));
      assertThatThrownBy(() -> fetcher.fetch(URI.create("http://[::1]:" + port + "/image.jpg")))
          .isInstanceOf(FetchException.class);
    }
    assertThat(requests).hasValue(0);
  }

  @Test
  void refusesAHostWhenAnyOfItsAddressesIsInternal() {
    HostResolver twoFaced =
        host ->
            new InetAddress[] {
              InetAddress.getByName("93.184.216.34"), InetAddress.getByName("127.0.0.1")
            };
    try (SafeUrlFetcher fetcher = SafeUrlFetcher.create(FetchPolicy.defaults(), twoFaced)) {
      assertThatThrownBy(() -> fetcher.fetch(URI.create("http://images.example/cat.jpg")))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.FORBIDDEN_ADDRESS));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://10.0.0.1/x.jpg",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[::ffff:127.0.0.1]:9/x",
        "http://0.0.0.0:9/x"
      })
  void reChecksEveryRedirectTarget(String target) {
    try (SafeUrlFetcher fetcher = strictExceptThisServer()) {
      URI uri = URI.create(base + "/redirect?to=" + target);
      assertThatThrownBy(() -> fetcher.fetch(uri))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.FORBIDDEN_ADDRESS));
    }
    assertThat(requests).as("only the first hop was requested").hasValue(1);
  }

  @Test
  void aRedirectToAnotherPortOnTheAllowedHostIsStillRefused() {
    try (SafeUrlFetcher fetcher = strictExceptThisServer()) {
      URI uri = URI.create(base + "/redirect?to=http://127.0.0.1:1/admin");
      assertThatThrownBy(() -> fetcher.fetch(uri))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.FORBIDDEN_ADDRESS));
    }
  }

  @Test
  void followsAFewRedirectsButNotMore() throws Exception {
    try (SafeUrlFetcher fetcher = open()) {
      assertThat(fetcher.fetch(URI.create(base + "/chain?2")).body()).isEqualTo(IMAGE);
      assertThatThrownBy(() -> fetcher.fetch(URI.create(base + "/chain?3")))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.TOO_MANY_REDIRECTS));
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "file:///etc/passwd",
        "ftp://example.com/x.jpg",
        "gopher://127.0.0.1:25/_HELO",
        "jar:http://example.com/x.jar!/a",
        "dict://127.0.0.1:11211/stats",
        "http://user:secret@example.com/x.jpg",
        "/relative/x.jpg"
      })
  void refusesNonHttpUrls(String url) {
    try (SafeUrlFetcher fetcher = open()) {
      assertThatThrownBy(() -> fetcher.fetch(URI.create(url)))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.INVALID_URL));
    }
  }

  @Test
  void aRedirectToANonHttpSchemeIsRefused() {
    try (SafeUrlFetcher fetcher = open()) {
      assertThatThrownBy(() -> fetcher.fetch(URI.create(base + "/redirect?to=file:///etc/passwd")))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.INVALID_URL));
    }
  }

  @Test
  void stopsReadingAHugeBodyAtTheCap() {
    try (SafeUrlFetcher fetcher =
        SafeUrlFetcher.create(
            FetchPolicy.defaults().withAllowPrivateNetworks(true).withMaxBytes(1024 * 1024))) {
      assertThatThrownBy(() -> fetcher.fetch(URI.create(base + "/huge")))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.TOO_LARGE));
      assertThatThrownBy(() -> fetcher.fetch(URI.create(base + "/announced-huge")))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.TOO_LARGE));
    }
    assertThat(hugeBytesSent.get()).isLessThan(100L * 1024 * 1024);
  }

  @Test
  void givesUpOnASlowServer() {
    try (SafeUrlFetcher fetcher =
        SafeUrlFetcher.create(
            FetchPolicy.defaults()
                .withAllowPrivateNetworks(true)
                .withReadTimeout(Duration.ofMillis(300)))) {
      assertThatThrownBy(() -> fetcher.fetch(URI.create(base + "/slow")))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> assertThat(e.kind()).isEqualTo(FetchException.Kind.TIMEOUT));
    }
  }

  @Test
  void reportsTheOriginStatus() {
    try (SafeUrlFetcher fetcher = open()) {
      assertThatThrownBy(() -> fetcher.fetch(URI.create(base + "/missing.jpg")))
          .isInstanceOfSatisfying(
              FetchException.class,
              e -> {
                assertThat(e.kind()).isEqualTo(FetchException.Kind.HTTP_STATUS);
                assertThat(e.status()).hasValue(404);
              });
    }
  }

  @Test
  void readsItsPolicyFromSettings() {
    var settings =
        Settings.of(
            Map.of(
                FetchPolicy.ALLOWED_ENDPOINTS, "127.0.0.1:4566, [::1]:9000",
                FetchPolicy.MAX_BYTES, "1000"));
    FetchPolicy policy = FetchPolicy.from(settings);
    settings.check();
    assertThat(policy.maxBytes()).isEqualTo(1000);
    assertThat(policy.allowPrivateNetworks()).isFalse();
    assertThat(policy.permits(InetAddress.getLoopbackAddress(), 4566)).isTrue();
    assertThat(policy.permits(InetAddress.getLoopbackAddress(), 4567)).isFalse();

    var bad = Settings.of(Map.of(FetchPolicy.ALLOWED_ENDPOINTS, "localhost:80"));
    FetchPolicy.from(bad);
    assertThatThrownBy(bad::check).hasMessageContaining(FetchPolicy.ALLOWED_ENDPOINTS);
  }
}
