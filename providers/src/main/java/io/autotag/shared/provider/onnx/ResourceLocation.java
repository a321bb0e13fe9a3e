package io.autotag.shared.provider.onnx;

import io.autotag.shared.aws.AwsClients;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

/**
 * Where a model file, its labels or its descriptor come from: the class path ({@code
 * classpath:io/autotag/models/coco80/model.onnx}), a local file ({@code /opt/model.onnx} or {@code
 * file:/opt/model.onnx}, for example in a Lambda layer) or S3 ({@code s3://bucket/models/x.onnx}),
 * read once at start-up. {@link #sibling} finds {@code labels.txt} and {@code model.json} beside a
 * model, so a user usually only names the model.
 */
public record ResourceLocation(Kind kind, String bucket, String path) {

  /** Where the bytes live. */
  public enum Kind {
    CLASSPATH,
    FILE,
    S3
  }

  public ResourceLocation {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
  }

  /** Parses a location; throws {@link IllegalArgumentException} with a safe message if invalid. */
  public static ResourceLocation parse(String value) {
    String trimmed = value.trim();
    String lower = trimmed.toLowerCase(Locale.ROOT);
    if (lower.startsWith("classpath:")) {
      String path = trimmed.substring("classpath:".length()).replaceFirst("^/+", "");
      if (path.isEmpty()) {
        throw new IllegalArgumentException("must name a class-path resource after classpath:");
      }
      return new ResourceLocation(Kind.CLASSPATH, null, path);
    }
    if (lower.startsWith("s3://")) {
      String rest = trimmed.substring("s3://".length());
      int slash = rest.indexOf('/');
      if (slash <= 0 || slash == rest.length() - 1) {
        throw new IllegalArgumentException("must be s3://bucket/key");
      }
      return new ResourceLocation(Kind.S3, rest.substring(0, slash), rest.substring(slash + 1));
    }
    if (lower.startsWith("file:")) {
      trimmed = trimmed.substring("file:".length());
    }
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("must be a file path, classpath:... or s3://bucket/key");
    }
    return new ResourceLocation(Kind.FILE, null, trimmed);
  }

  /** The file called {@code name} in the same folder (or S3 prefix). */
  ResourceLocation sibling(String name) {
    int slash = path.lastIndexOf('/');
    String parent = slash < 0 ? "" : path.substring(0, slash + 1);
    return new ResourceLocation(kind, bucket, parent + name);
  }

  /** Reads the whole resource. */
  byte[] read(AwsClients aws) throws IOException {
    switch (kind) {
      case CLASSPATH -> {
        try (InputStream in = ResourceLocation.class.getClassLoader().getResourceAsStream(path)) {
          if (in == null) {
            throw new NoSuchFileException(toString());
          }
          return in.readAllBytes();
        }
      }
      case FILE -> {
        return Files.readAllBytes(Path.of(path));
      }
      default -> {
        if (aws == null) {
          throw new IOException("no S3 client to read " + this);
        }
        try {
          return aws.s3()
              .getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(path).build())
              .asByteArray();
        } catch (SdkException e) {
          throw new IOException("cannot read " + this + ": " + e.getClass().getSimpleName(), e);
        }
      }
    }
  }

  @Override
  public String toString() {
    return switch (kind) {
      case CLASSPATH -> "classpath:" + path;
      case FILE -> path;
      case S3 -> "s3://" + bucket + "/" + path;
    };
  }
}
