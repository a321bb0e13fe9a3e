package io.autotag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.review.Feedback;
import io.autotag.shared.review.ReviewMessage;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.TestImages;
import java.awt.Color;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code autotag export-feedback} against LocalS3: feedback objects as the review function writes
 * them become a manifest, label counts, a confusion table and per-label image folders; a version
 * judged twice counts once (the later verdict), an unreadable object is reported, a deleted image
 * is counted as missing.
 */
class ExportFeedbackIT {

  static final String UPLOADS = "uploads";
  static final String FEEDBACK = "feedback";
  static final ObjectMapper JSON = new ObjectMapper();
  static final byte[] CAT = TestImages.jpeg(Color.ORANGE);
  static final byte[] DOG = TestImages.png(Color.GRAY);
  static final byte[] EMPTY = TestImages.jpeg(Color.WHITE);

  static LocalAws aws;
  static Map<String, String> env;

  @BeforeAll
  static void start() throws Exception {
    aws = LocalAws.start();
    aws.createBucket(UPLOADS, true);
    aws.createBucket(FEEDBACK, false);
    env = new HashMap<>(aws.env());
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");

    ReviewMessage cat = upload("photos/cat, the first.jpg", CAT, "image/jpeg", "dog", 0.4);
    ReviewMessage dog = upload("photos/dog.png", DOG, "image/png", "cat", 0.3);
    ReviewMessage blank = upload("photos/blank.jpg", EMPTY, "image/jpeg", "kite", 0.2);
    ReviewMessage gone = upload("photos/gone.jpg", CAT, "image/jpeg", "cat", 0.45);
    aws.clients()
        .s3()
        .deleteObject(b -> b.bucket(UPLOADS).key("photos/gone.jpg").versionId(gone.versionId()));

    // The cat was first judged "dog", then corrected the next day: the later verdict wins.
    put(verdict(cat, List.of("dog"), "alice", "2026-11-21T10:00:00Z"));
    put(verdict(cat, List.of("cat", "sofa"), "bob", "2026-11-22T09:00:00Z"));
    put(verdict(dog, List.of("dog"), "alice", "2026-11-22T10:00:00Z"));
    put(verdict(blank, List.of(), "alice", "2026-11-22T11:00:00Z"));
    put(verdict(gone, List.of("cat"), "alice", "2026-11-22T12:00:00Z"));
    // Written before the window below.
    put(verdict(dog, List.of("wolf"), "carol", "2026-10-01T10:00:00Z"));
    aws.clients()
        .s3()
        .putObject(
            b -> b.bucket(FEEDBACK).key("feedback/date=2026-11-22/broken.json"),
            RequestBody.fromString("{not json", StandardCharsets.UTF_8));
  }

  @AfterAll
  static void stop() {
    aws.close();
  }

  @Test
  void verdictsBecomeADatasetWithImagesPerLabel(@TempDir Path out) throws Exception {
    Cli cli =
        Cli.run(
            env,
            ProviderRegistry.builtIn(),
            "export-feedback",
            "s3://" + FEEDBACK + "/feedback/",
            "--out",
            out.toString(),
            "--images",
            "--include-none",
            "--since",
            "2026-11-01");

    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(1); // one unreadable feedback object
    assertThat(cli.out())
        .contains("6 feedback objects", "4 verdicts", "1 superseded", "1 unreadable")
        .contains("4 images copied, 1 no longer readable");

    List<JsonNode> manifest =
        Files.readAllLines(out.resolve("manifest.jsonl")).stream()
            .map(ExportFeedbackIT::json)
            .toList();
    assertThat(manifest).hasSize(4);
    JsonNode cat =
        manifest.stream()
            .filter(l -> l.path("key").asText().contains("cat"))
            .findFirst()
            .orElseThrow();
    assertThat(cat.path("labels").toString()).isEqualTo("[\"cat\",\"sofa\"]");
    assertThat(cat.path("reviewer").asText()).isEqualTo("bob");
    assertThat(cat.path("modelLabel").asText()).isEqualTo("dog");
    assertThat(cat.path("image").asText())
        .startsWith("images/cat/cat_ the first-")
        .endsWith(".jpg");
    assertThat(Files.readAllBytes(out.resolve(cat.path("image").asText()))).isEqualTo(CAT);

    assertThat(Files.readAllLines(out.resolve("manifest.csv")))
        .hasSize(5)
        .anySatisfy(
            line ->
                assertThat(line)
                    .startsWith("uploads,\"photos/cat, the first.jpg\"")
                    .contains("cat|sofa"));
    assertThat(Files.readAllLines(out.resolve("labels.csv")))
        .containsExactly("label,count", "cat,2", "(none of these),1", "dog,1", "sofa,1");
    assertThat(Files.readAllLines(out.resolve("confusion.csv")))
        .containsExactly(
            "model \\ human,(none of these),cat,dog", "cat,0,1,1", "dog,0,1,0", "kite,1,0,0");

    try (Stream<Path> files = Files.walk(out.resolve("images"))) {
      assertThat(files.filter(Files::isRegularFile).map(p -> out.relativize(p).toString()).sorted())
          .hasSize(4)
          .anySatisfy(p -> assertThat(p).startsWith("images/sofa/cat_ the first-"))
          .anySatisfy(p -> assertThat(p).startsWith("images/dog/dog-").endsWith(".png"))
          .anySatisfy(p -> assertThat(p).startsWith("images/_none/blank-"));
    }
  }

  @Test
  void withoutImagesOnlyTheTablesAreWritten(@TempDir Path out) {
    Cli cli =
        Cli.run(
            env,
            ProviderRegistry.builtIn(),
            "export-feedback",
            "s3://" + FEEDBACK + "/feedback",
            "-o",
            out.toString(),
            "--until",
            "2026-10-31");

    assertThat(cli.exitCode()).as(cli.err()).isZero();
    assertThat(cli.out()).contains("1 verdicts");
    assertThat(out.resolve("images")).doesNotExist();
    assertThat(out.resolve("labels.csv")).content().contains("wolf,1");
  }

  @Test
  void badOptionsAreUsageErrors(@TempDir Path out) {
    assertThat(
            Cli.run(
                    env,
                    ProviderRegistry.builtIn(),
                    "export-feedback",
                    "feedback",
                    "-o",
                    out.toString())
                .exitCode())
        .isEqualTo(2);
    Cli since =
        Cli.run(
            env,
            ProviderRegistry.builtIn(),
            "export-feedback",
            "s3://feedback/feedback/",
            "-o",
            out.toString(),
            "--since",
            "yesterday");
    assertThat(since.exitCode()).isEqualTo(2);
    assertThat(since.err()).contains("--since must be a date");
  }

  @Test
  void labelFoldersStayInsideTheExport() {
    assertThat(FeedbackExport.folderName("..")).isEqualTo("_.._");
    assertThat(FeedbackExport.folderName("a/b")).isEqualTo("a_b");
    assertThat(FeedbackExport.folderName("c:d")).isEqualTo("c_d");
  }

  static ReviewMessage upload(
      String key, byte[] body, String contentType, String modelLabel, double confidence) {
    var put =
        aws.clients().s3().putObject(b -> b.bucket(UPLOADS).key(key), RequestBody.fromBytes(body));
    return new ReviewMessage(
        ReviewMessage.SCHEMA,
        UPLOADS,
        key,
        put.versionId(),
        put.eTag().replace("\"", ""),
        (long) body.length,
        contentType,
        "onnx",
        "coco80",
        List.of(new ReviewMessage.Prediction(modelLabel, confidence)),
        0.5,
        "low-confidence",
        "2026-11-20T00:00:00Z");
  }

  static Feedback verdict(ReviewMessage message, List<String> labels, String who, String when) {
    Instant at = Instant.parse(when);
    return Feedback.of(message, labels, null, who, at.minusSeconds(5), at);
  }

  static void put(Feedback feedback) throws Exception {
    byte[] body = JSON.writeValueAsBytes(feedback);
    aws.clients()
        .s3()
        .putObject(
            b -> b.bucket(FEEDBACK).key(feedback.objectKey("feedback/")),
            RequestBody.fromBytes(body));
  }

  static JsonNode json(String line) {
    try {
      return JSON.readTree(line);
    } catch (Exception e) {
      throw new AssertionError(line, e);
    }
  }
}
