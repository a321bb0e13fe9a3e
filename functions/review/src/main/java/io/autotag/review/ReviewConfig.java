package io.autotag.review;

import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.config.Settings;
import io.autotag.shared.tagging.TagSchema;
import io.autotag.shared.tagging.TagText;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything the review function reads from its environment, parsed and checked at start-up. The
 * secrets (the item-token key and the reviewer key digests) are read by {@link ReviewWiring}
 * through the shared secrets reader: they may be {@code ssm:} or {@code secretsmanager:}
 * references, fetched on first use.
 *
 * @param auth how reviewers prove who they are
 * @param jwtIssuer in JWT mode, the issuer the verified token must name; empty accepts the one the
 *     HTTP API's authorizer checked
 * @param cognitoClientId in JWT mode, the Cognito app client the page signs in with
 * @param lease how long a claimed item stays hidden from other reviewers (the visibility timeout)
 * @param imageUrlValidity how long the image's presigned URL works
 * @param waitSeconds how long a claim waits for messages when the queue looks empty (long polling)
 * @param feedbackPrefix where feedback objects go in the feedback bucket, ending in {@code /}
 * @param vocabulary labels the page offers besides the model's suggestions and labels already used
 * @param undoSeconds how long the page holds a verdict back so that it can be undone
 */
record ReviewConfig(
    AwsSettings aws,
    String queueUrl,
    TagSchema schema,
    AuthMode auth,
    String jwtIssuer,
    String cognitoClientId,
    Duration lease,
    Duration imageUrlValidity,
    int waitSeconds,
    String feedbackBucket,
    String feedbackPrefix,
    List<String> vocabulary,
    int undoSeconds,
    boolean priming) {

  static final String AUTH = "AUTOTAG_REVIEW_AUTH";
  static final String REVIEWER_KEYS = "AUTOTAG_REVIEWER_KEYS";
  static final String TOKEN_KEY = "AUTOTAG_REVIEW_TOKEN_KEY";
  static final String COGNITO_CLIENT_ID = "AUTOTAG_REVIEW_COGNITO_CLIENT_ID";

  /** SQS keeps a message invisible for at most 12 hours; no lease or token outlives that. */
  static final int MAX_LEASE_SECONDS = 43_200;

  /** How reviewers are authenticated. */
  enum AuthMode {
    /** A reviewer key whose SHA-256 is listed, under the reviewer's name, in the key digests. */
    REVIEWER_KEY,
    /** The HTTP API's JWT authorizer verified a token (Cognito); its claims name the reviewer. */
    JWT
  }

  ReviewConfig {
    vocabulary = List.copyOf(vocabulary);
  }

  static ReviewConfig from(Settings settings) {
    AwsSettings aws = AwsSettings.from(settings);
    AuthMode auth = authMode(settings);
    String clientId = settings.string(COGNITO_CLIENT_ID, "");
    if (auth == AuthMode.JWT && clientId.isEmpty()) {
      settings.problem(COGNITO_CLIENT_ID + " is required when " + AUTH + " is jwt");
    }
    return new ReviewConfig(
        aws,
        settings.required("AUTOTAG_REVIEW_QUEUE_URL"),
        TagSchema.from(settings),
        auth,
        settings.string("AUTOTAG_REVIEW_JWT_ISSUER", ""),
        clientId,
        Duration.ofSeconds(
            settings.integer("AUTOTAG_REVIEW_LEASE_SECONDS", 300, 1, MAX_LEASE_SECONDS)),
        Duration.ofSeconds(settings.integer("AUTOTAG_REVIEW_IMAGE_URL_SECONDS", 600, 30, 3600)),
        settings.integer("AUTOTAG_REVIEW_WAIT_SECONDS", 1, 0, 10),
        settings.required("AUTOTAG_FEEDBACK_BUCKET"),
        prefix(settings),
        vocabulary(settings),
        settings.integer("AUTOTAG_REVIEW_UNDO_SECONDS", 5, 0, 60),
        settings.bool("AUTOTAG_PRIMING", true));
  }

  private static AuthMode authMode(Settings settings) {
    return switch (settings.string(AUTH, "reviewer-key").toLowerCase(Locale.ROOT)) {
      case "reviewer-key" -> AuthMode.REVIEWER_KEY;
      case "jwt", "cognito" -> AuthMode.JWT;
      default -> {
        settings.problem(AUTH + " must be reviewer-key or jwt");
        yield AuthMode.REVIEWER_KEY;
      }
    };
  }

  private static String prefix(Settings settings) {
    String prefix = settings.string("AUTOTAG_FEEDBACK_PREFIX", "feedback/");
    if (prefix.startsWith("/") || prefix.contains("..") || prefix.length() > 200) {
      settings.problem(
          "AUTOTAG_FEEDBACK_PREFIX must be a relative S3 key prefix (no leading /, no ..)");
      return "feedback/";
    }
    return prefix.endsWith("/") ? prefix : prefix + "/";
  }

  /**
   * {@code AUTOTAG_REVIEW_VOCABULARY}: the name of a built-in model whose labels to offer (default
   * {@code coco80}), a comma-separated list of labels, or {@code none}.
   */
  private static List<String> vocabulary(Settings settings) {
    String raw = settings.string("AUTOTAG_REVIEW_VOCABULARY", "coco80").trim();
    if (raw.equalsIgnoreCase("none")) {
      return List.of();
    }
    if (raw.matches("[a-z0-9-]+")) {
      InputStream in =
          ReviewConfig.class.getResourceAsStream("/io/autotag/models/" + raw + "/labels.txt");
      if (in != null) {
        try (in) {
          return clean(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return clean(raw.split(","));
  }

  private static List<String> clean(String[] labels) {
    Set<String> out = new LinkedHashSet<>();
    Arrays.stream(labels)
        .map(label -> TagText.sanitize(label, Verdicts.MAX_LABEL_LENGTH))
        .filter(label -> !label.isEmpty())
        .forEach(out::add);
    return List.copyOf(out);
  }
}
