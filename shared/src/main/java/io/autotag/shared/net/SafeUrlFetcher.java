package io.autotag.shared.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a caller-supplied http(s) URL without becoming a proxy into the function's network
 * (server-side request forgery). Before each hop the host is resolved and the fetch is refused if
 * any of its addresses is internal ({@link AddressPolicy}) unless the {@link FetchPolicy} allows
 * it; redirects are not followed by the HTTP client but one by one here, each target re-checked, at
 * most {@link FetchPolicy#maxRedirects()}; the body is capped while it streams and each hop is
 * bounded in time. Safe for concurrent use; build one per process.
 *
 * <p>Residual risk, by design of the JDK client: it resolves the host again itself, so a DNS answer
 * that changes between our check and its connect (DNS rebinding) is not pinned. The JVM's address
 * cache (30 s by default, {@code networkaddress.cache.ttl}) makes the client's lookup, which
 * follows ours within milliseconds, return the addresses we vetted; the window is a cache expiry
 * between the two. Where that matters, also block internal ranges at the network layer (a Lambda
 * outside a VPC cannot reach private ranges; the metadata address is not served to Lambda).
 */
public final class SafeUrlFetcher implements AutoCloseable {

  private final FetchPolicy policy;
  private final HostResolver resolver;
  private final HttpClient client;

  private SafeUrlFetcher(FetchPolicy policy, HostResolver resolver) {
    this.policy = Objects.requireNonNull(policy, "policy");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(policy.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            // A proxy would resolve the host itself, out of reach of the address check.
            .proxy(HttpClient.Builder.NO_PROXY)
            .version(HttpClient.Version.HTTP_1_1)
            .build();
  }

  public static SafeUrlFetcher create(FetchPolicy policy) {
    return new SafeUrlFetcher(policy, HostResolver.system());
  }

  public static SafeUrlFetcher create(FetchPolicy policy, HostResolver resolver) {
    return new SafeUrlFetcher(policy, resolver);
  }

  public FetchPolicy policy() {
    return policy;
  }

  /** Fetches the URL, following at most {@link FetchPolicy#maxRedirects()} redirects. */
  public FetchedBody fetch(URI uri) throws FetchException {
    URI current = checkForm(uri);
    for (int redirects = 0; ; redirects++) {
      checkAddresses(current);
      HttpResponse<byte[]> response = send(current);
      int status = response.statusCode();
      if (isRedirect(status)) {
        if (redirects >= policy.maxRedirects()) {
          throw new FetchException(
              FetchException.Kind.TOO_MANY_REDIRECTS,
              "the image URL redirected more than " + policy.maxRedirects() + " times");
        }
        String location =
            response
                .headers()
                .firstValue("location")
                .orElseThrow(
                    () ->
                        new FetchException(
                            FetchException.Kind.TOO_MANY_REDIRECTS,
                            "the image URL redirected without a Location"));
        try {
          current = checkForm(current.resolve(location.trim()));
        } catch (IllegalArgumentException e) {
          throw new FetchException(
              FetchException.Kind.INVALID_URL, "the image URL redirected to an invalid URL");
        }
        continue;
      }
      if (status != 200) {
        throw FetchException.status(status);
      }
      return new FetchedBody(
          response.body(), response.headers().firstValue("content-type").orElse(null), current);
    }
  }

  private HttpResponse<byte[]> send(URI uri) throws FetchException {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .GET()
            .timeout(policy.readTimeout())
            .header("Accept", "image/*, */*;q=0.5")
            .header("User-Agent", "autotag")
            .build();
    CompletableFuture<HttpResponse<byte[]>> future = client.sendAsync(request, this::bodyFor);
    try {
      // The request timeout covers the headers only; this bounds the body as well.
      return future.get(policy.readTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new FetchException(FetchException.Kind.TIMEOUT, "the image URL took too long");
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new FetchException(FetchException.Kind.TIMEOUT, "interrupted while fetching", e);
    } catch (ExecutionException e) {
      throw translate(e.getCause());
    }
  }

  private HttpResponse.BodySubscriber<byte[]> bodyFor(HttpResponse.ResponseInfo info) {
    // Redirect and error bodies are dropped unread.
    return info.statusCode() == 200
        ? new CappedBody(policy.maxBytes(), info.headers().firstValueAsLong("content-length"))
        : HttpResponse.BodySubscribers.replacing(new byte[0]);
  }

  private static FetchException translate(Throwable cause) {
    // The client wraps what the body subscriber raised, sometimes more than once.
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof BodyTooLargeException big) {
        return new FetchException(FetchException.Kind.TOO_LARGE, big.getMessage(), big);
      }
    }
    if (cause instanceof HttpConnectTimeoutException || cause instanceof HttpTimeoutException) {
      return new FetchException(FetchException.Kind.TIMEOUT, "the image URL took too long", cause);
    }
    return new FetchException(
        FetchException.Kind.NETWORK, "the image URL could not be reached", cause);
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  static URI checkForm(URI uri) throws FetchException {
    if (uri == null || !uri.isAbsolute()) {
      throw new FetchException(FetchException.Kind.INVALID_URL, "the image URL is not absolute");
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new FetchException(
          FetchException.Kind.INVALID_URL, "only http and https image URLs are accepted");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new FetchException(FetchException.Kind.INVALID_URL, "the image URL has no host");
    }
    if (uri.getRawUserInfo() != null) {
      throw new FetchException(
          FetchException.Kind.INVALID_URL, "image URLs with credentials are not accepted");
    }
    if (uri.getHost().matches("[0-9.]+") && !isCanonicalDottedQuad(uri.getHost())) {
      // "0177.0.0.1" is 177.0.0.1 to Java but 127.0.0.1 to C libraries: refuse the ambiguity.
      throw new FetchException(
          FetchException.Kind.INVALID_URL, "numeric hosts must be written as a.b.c.d");
    }
    return uri;
  }

  private static boolean isCanonicalDottedQuad(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty()
          || part.length() > 3
          || (part.length() > 1 && part.startsWith("0"))
          || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  private void checkAddresses(URI uri) throws FetchException {
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port = uri.getPort() >= 0 ? uri.getPort() : defaultPort(uri);
    InetAddress[] addresses;
    try {
      addresses = resolver.resolve(host);
    } catch (UnknownHostException e) {
      throw new FetchException(
          FetchException.Kind.NETWORK, "the image URL's host does not resolve", e);
    }
    if (addresses == null || addresses.length == 0) {
      throw new FetchException(
          FetchException.Kind.NETWORK, "the image URL's host does not resolve");
    }
    // Every address, not only the first: the client may pick any of them.
    for (InetAddress address : addresses) {
      if (!policy.permits(address, port)) {
        throw new FetchException(
            FetchException.Kind.FORBIDDEN_ADDRESS,
            "the image URL points to a private or reserved network address");
      }
    }
  }

  private static int defaultPort(URI uri) {
    return uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
  }

  @Override
  public void close() {
    client.close();
  }

  /** Raised inside the body subscriber when the cap is passed; translated by {@link #send}. */
  private static final class BodyTooLargeException extends IOException {
    BodyTooLargeException(long max) {
      super("the image at the URL is larger than " + max + " bytes");
    }
  }

  /**
   * Collects the body and gives up as soon as it passes the cap, announced or not, so a huge or
   * endless body costs at most {@code max} bytes of memory.
   */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long max;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    private final boolean announcedTooLarge;

    CappedBody(long max, OptionalLong announced) {
      this.max = max;
      this.announcedTooLarge = announced.isPresent() && announced.getAsLong() > max;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      this.subscription = s;
      if (announcedTooLarge) {
        // Refuse on the Content-Length alone, before reading a byte of the body.
        s.cancel();
        result.completeExceptionally(new BodyTooLargeException(max));
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer item : items) {
        if (buffer.size() + (long) item.remaining() > max) {
          subscription.cancel();
          result.completeExceptionally(new BodyTooLargeException(max));
          return;
        }
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        buffer.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      result.complete(buffer.toByteArray());
    }
  }
}
