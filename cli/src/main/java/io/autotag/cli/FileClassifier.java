package io.autotag.cli;

import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.net.FetchException;
import io.autotag.shared.net.FetchPolicy;
import io.autotag.shared.net.FetchedBody;
import io.autotag.shared.net.SafeUrlFetcher;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Classifies local files, folders and URLs with the configured {@link Classifier}, the same one the
 * functions build. Folders are walked and only files whose magic bytes say image are taken; a file
 * named explicitly is always tried, so a non-image named on the command line is reported, not
 * silently dropped. URLs are fetched through {@link SafeUrlFetcher} (same limits as the API).
 */
final class FileClassifier {

  /** Something to classify. */
  sealed interface Source {
    String name();
  }

  record FileSource(Path path) implements Source {
    @Override
    public String name() {
      return path.toString();
    }
  }

  /** A URL as it was typed (shown intact, whatever its scheme); only http(s) is fetched. */
  record UrlSource(String url) implements Source {
    @Override
    public String name() {
      return url;
    }
  }

  /**
   * One answer: the classification, or an error code and message; the format when recognised. What
   * an answer does not have is {@code null}.
   */
  record Result(
      Source source,
      Classification classification,
      String errorCode,
      String errorMessage,
      ImageFormat format,
      long bytes,
      Duration elapsed) {

    boolean ok() {
      return classification != null;
    }
  }

  /** The sources named on the command line, folders expanded; {@code ignored} counts non-images. */
  record Expanded(List<Source> sources, int ignored) {}

  static final String NOT_FOUND = "not-found";
  static final String UNREADABLE = "unreadable";
  static final String UNSUPPORTED_SCHEME = "unsupported-scheme";

  /** {@code scheme://} at the start of an argument: a URL, not a path. */
  private static final Pattern URL_SCHEME = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*)://");

  private static final Set<String> WEB_SCHEMES = Set.of("http", "https");

  private final Classifier classifier;
  private final SafeUrlFetcher fetcher;

  FileClassifier(Classifier classifier, SafeUrlFetcher fetcher) {
    this.classifier = classifier;
    this.fetcher = fetcher;
  }

  static Expanded expand(List<String> arguments) throws IOException {
    List<Source> sources = new ArrayList<>();
    int ignored = 0;
    for (String argument : arguments) {
      // Any scheme, so that ftp://host/a.jpg is reported as a URL, not read as the path ftp:/host
      if (URL_SCHEME.matcher(argument).find()) {
        sources.add(new UrlSource(argument));
        continue;
      }
      Path path = Path.of(argument);
      if (Files.isDirectory(path)) {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
          files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path file : files) {
          if (isImage(file)) {
            sources.add(new FileSource(file));
          } else {
            ignored++;
          }
        }
      } else {
        sources.add(new FileSource(path));
      }
    }
    return new Expanded(sources, ignored);
  }

  private static boolean isImage(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return ImageFormat.sniff(in.readNBytes(ImageFormat.SNIFF_BYTES)).isPresent();
    } catch (IOException e) {
      return false; // unreadable files are not images we can classify
    }
  }

  Result classify(Source source) {
    long start = System.nanoTime();
    byte[] data;
    try {
      data =
          switch (source) {
            case FileSource file -> Files.readAllBytes(file.path());
            case UrlSource url -> fetch(url.url());
          };
    } catch (NoSuchFileException e) {
      return failure(source, NOT_FOUND, "no such file", 0, start);
    } catch (AccessDeniedException e) {
      return failure(source, UNREADABLE, "permission denied", 0, start);
    } catch (IOException e) {
      return failure(source, UNREADABLE, ioMessage(e), 0, start);
    } catch (UnsupportedScheme e) {
      return failure(source, UNSUPPORTED_SCHEME, e.getMessage(), 0, start);
    } catch (FetchException e) {
      return failure(
          source,
          "url-" + e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'),
          fetchMessage(source.name(), e),
          0,
          start);
    }
    if (data.length == 0) {
      // The tagger's and the API's word for it too (FailureReason.EMPTY).
      return failure(
          source,
          FailureReason.EMPTY.code(),
          source instanceof UrlSource ? "the URL returned no bytes" : "the file is empty",
          0,
          start);
    }
    Optional<ImageFormat> format = ImageFormat.sniff(data);
    if (format.isEmpty()) {
      return failure(source, "unsupported-type", "not an image", data.length, start);
    }
    try {
      Classification classification = classifier.classify(ImageInput.Bytes.of(data, format.get()));
      return new Result(
          source, classification, null, null, format.get(), data.length, since(start));
    } catch (ClassificationException e) {
      return new Result(
          source, null, e.reason().code(), e.getMessage(), format.get(), data.length, since(start));
    }
  }

  private byte[] fetch(String url) throws FetchException, UnsupportedScheme {
    Matcher scheme = URL_SCHEME.matcher(url);
    if (scheme.find() && !WEB_SCHEMES.contains(scheme.group(1).toLowerCase(Locale.ROOT))) {
      throw new UnsupportedScheme(
          "unsupported scheme " + scheme.group(1) + ": only http and https URLs are fetched");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new FetchException(
          FetchException.Kind.INVALID_URL, "not a valid URL (" + e.getReason() + ")");
    }
    FetchedBody body = fetcher.fetch(uri);
    return body.body();
  }

  /**
   * The fetcher's message; for an internal address, also the setting that allows that endpoint (the
   * check protects servers, but on a laptop the image may well be on localhost).
   */
  private static String fetchMessage(String url, FetchException e) {
    if (e.kind() != FetchException.Kind.FORBIDDEN_ADDRESS) {
      return e.getMessage();
    }
    String endpoint = "ADDRESS:PORT";
    try {
      URI uri = new URI(url);
      InetAddress address = InetAddress.getByName(uri.getHost());
      int port =
          uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
      String host = address.getHostAddress();
      endpoint = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    } catch (URISyntaxException | IOException | RuntimeException unresolvable) {
      // Keep the placeholder: the hint still names the setting.
    }
    return e.getMessage()
        + "; to allow it, set "
        + FetchPolicy.ALLOWED_ENDPOINTS
        + "="
        + endpoint
        + " (or "
        + FetchPolicy.ALLOW_PRIVATE_NETWORKS
        + "=true for every internal address)";
  }

  private static String ioMessage(IOException e) {
    String detail = e.getMessage();
    return detail == null || detail.isBlank()
        ? "cannot read it (" + e.getClass().getSimpleName() + ")"
        : "cannot read it: " + detail;
  }

  /** A URL whose scheme autotag does not fetch. */
  private static final class UnsupportedScheme extends Exception {
    UnsupportedScheme(String message) {
      super(message, null, false, false);
    }
  }

  private static Result failure(
      Source source, String code, String message, long bytes, long start) {
    return new Result(source, null, code, message, null, bytes, since(start));
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
