package io.autotag.cli;

import io.autotag.shared.classify.Classification;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.ImageFormat;
import io.autotag.shared.classify.ImageInput;
import io.autotag.shared.net.FetchException;
import io.autotag.shared.net.FetchedBody;
import io.autotag.shared.net.SafeUrlFetcher;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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

  record UrlSource(URI uri) implements Source {
    @Override
    public String name() {
      return uri.toString();
    }
  }

  /** One answer: the classification, or an error code and message; sizes when known. */
  record Result(
      Source source,
      Optional<Classification> classification,
      Optional<String> errorCode,
      Optional<String> errorMessage,
      Optional<ImageFormat> format,
      long bytes,
      Duration elapsed) {

    boolean ok() {
      return classification.isPresent();
    }
  }

  /** The sources named on the command line, folders expanded; {@code ignored} counts non-images. */
  record Expanded(List<Source> sources, int ignored) {}

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
      String lower = argument.toLowerCase(Locale.ROOT);
      if (lower.startsWith("http://") || lower.startsWith("https://")) {
        sources.add(new UrlSource(URI.create(argument)));
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
            case UrlSource url -> fetch(url.uri());
          };
    } catch (IOException e) {
      return failure(source, "unreadable", e.getClass().getSimpleName(), 0, start);
    } catch (FetchException e) {
      return failure(
          source,
          "url-" + e.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'),
          e.getMessage(),
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
          source,
          Optional.of(classification),
          Optional.empty(),
          Optional.empty(),
          format,
          data.length,
          since(start));
    } catch (ClassificationException e) {
      return new Result(
          source,
          Optional.empty(),
          Optional.of(e.reason().code()),
          Optional.ofNullable(e.getMessage()),
          format,
          data.length,
          since(start));
    }
  }

  private byte[] fetch(URI uri) throws FetchException {
    FetchedBody body = fetcher.fetch(uri);
    return body.body();
  }

  private static Result failure(
      Source source, String code, String message, long bytes, long start) {
    return new Result(
        source,
        Optional.empty(),
        Optional.of(code),
        Optional.ofNullable(message),
        Optional.empty(),
        bytes,
        since(start));
  }

  private static Duration since(long startNanos) {
    return Duration.ofNanos(System.nanoTime() - startNanos);
  }
}
