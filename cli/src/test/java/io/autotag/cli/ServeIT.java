package io.autotag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.classify.Classifier;
import io.autotag.shared.classify.Label;
import io.autotag.shared.config.Settings;
import io.autotag.shared.provider.ClassifierFactory;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.ObjectTags;
import io.autotag.shared.testing.TestImages;
import java.awt.Color;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code serve}'s stack in this JVM on ephemeral ports, with a scripted provider: uploads through
 * the SDK and the {@code aws} CLI get tagged once each, the low-confidence one reaches the review
 * queue, the API answers, and closing the stack closes every port.
 */
class ServeIT {

  static final byte[] CAT = TestImages.jpeg(Color.ORANGE);
  static final byte[] DOG = TestImages.png(Color.GRAY);
  static final byte[] UNSURE = TestImages.jpeg(Color.BLUE);
  static final FakeClassifier fake =
      new FakeClassifier()
          .answer(DOG, new Label("dog", 0.95))
          .answer(UNSURE, new Label("cat", 0.2), new Label("dog", 0.1));
  static ServeStack stack;
  static AwsClients clients;
  static final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  static void start() {
    stack =
        ServeStack.start(
            ServeStack.Options.defaults().withPorts(ServeStack.Ports.ephemeral()),
            // This test's own review threshold, not the shipped default: the fake's 0.9 is
            // auto-tagged, its 0.2 is not.
            Map.of("AUTOTAG_PROVIDER", FakeClassifier.NAME, "AUTOTAG_REVIEW_THRESHOLD", "0.75"),
            ProviderRegistry.builtIn().with(fake));
    clients = LocalAws.clients(stack.s3Endpoint(), stack.sqsEndpoint());
  }

  @AfterAll
  static void stop() {
    if (clients != null) {
      clients.close();
    }
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void uploadsAreTaggedOnceAndTheUnsureOneIsQueuedForReview() throws Exception {
    int before = fake.calls();
    put("sdk/cat.jpg", CAT);
    put("sdk/dog photo+1.png", DOG);
    put("sdk/unsure ü.jpg", UNSURE);
    put("sdk/notes.txt", "not an image".getBytes(StandardCharsets.UTF_8));

    Await.until(Duration.ofSeconds(20), "tags", () -> tags("sdk/notes.txt").size() >= 2);
    Await.until(Duration.ofSeconds(20), "tags", () -> tags("sdk/unsure ü.jpg").size() >= 2);
    Await.until(Duration.ofSeconds(20), "tags", () -> tags("sdk/dog photo+1.png").size() >= 2);
    Await.until(Duration.ofSeconds(20), "tags", () -> tags("sdk/cat.jpg").size() >= 2);
    assertThat(tags("sdk/cat.jpg"))
        .containsEntry("autotag:status", "classified")
        .containsEntry("autotag:label", "cat");
    assertThat(tags("sdk/dog photo+1.png")).containsEntry("autotag:label", "dog");
    assertThat(tags("sdk/unsure ü.jpg")).containsEntry("autotag:status", "review");
    assertThat(tags("sdk/notes.txt"))
        .containsEntry("autotag:status", "skipped")
        .containsEntry("autotag:reason", "unsupported-type");

    List<Message> reviews = drain(stack.reviewQueueUrl());
    assertThat(reviews).hasSize(1);
    JsonNode review = json.readTree(reviews.getFirst().body());
    assertThat(review.path("key").asText()).isEqualTo("sdk/unsure ü.jpg");
    assertThat(review.path("reason").asText()).isEqualTo("low-confidence");

    // Several bridge rounds later nothing was classified again: writing tags is not an upload.
    Thread.sleep(1000);
    assertThat(fake.calls() - before).isEqualTo(3);
    assertThat(drain(stack.bufferDeadLetterQueueUrl())).isEmpty();
  }

  @Test
  void theStatusCountsOutcomesFromTheTaggersMetricsAndShowsTheQueues() throws Exception {
    LocalStatus.Snapshot before = stack.status();
    put("status/cat.jpg", CAT);
    put("status/notes.txt", "not an image".getBytes(StandardCharsets.UTF_8));

    Await.until(
        Duration.ofSeconds(20),
        "outcome counts",
        () ->
            stack.status().outcomes().get("skipped") > before.outcomes().get("skipped")
                && stack.status().outcomes().get("classified")
                    > before.outcomes().get("classified"));
    LocalStatus.Snapshot after = stack.status();
    assertThat(after.outcomes().get("classified") - before.outcomes().get("classified"))
        .isEqualTo(1);
    assertThat(after.outcomes().get("skipped") - before.outcomes().get("skipped")).isEqualTo(1);
    assertThat(after.outcomes().keySet()).containsExactlyElementsOf(LocalStatus.OUTCOMES);
    assertThat(after.bufferDeadLetters()).isZero();
    assertThat(after.line())
        .startsWith("queues: buffer ")
        .contains("dead letters: buffer 0, review 0")
        .contains("classified " + after.outcomes().get("classified"));
  }

  @Test
  void anOverwriteIsANewObjectAndIsClassifiedAgain() {
    put("overwrite/a.jpg", CAT);
    Await.until(
        Duration.ofSeconds(20),
        "first tags",
        () -> "cat".equals(tags("overwrite/a.jpg").get("autotag:label")));
    put("overwrite/a.jpg", DOG);
    Await.until(
        Duration.ofSeconds(20),
        "tags of the new content",
        () -> "dog".equals(tags("overwrite/a.jpg").get("autotag:label")));
  }

  @Test
  void uploadsWithTheAwsCliAreTagged(@TempDir Path dir) throws Exception {
    Optional<Path> aws = onPath("aws");
    Assumptions.assumeTrue(aws.isPresent(), "the aws CLI is not installed");
    Path file = dir.resolve("cli cat.jpg");
    Files.write(file, CAT);
    Process process =
        awsCli(
                aws.get(),
                "--endpoint-url",
                stack.s3Endpoint().toString(),
                "s3",
                "cp",
                file.toString(),
                "s3://" + stack.bucket() + "/awscli/cli cat.jpg")
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();

    Await.until(Duration.ofSeconds(20), "tags", () -> tags("awscli/cli cat.jpg").size() >= 2);
    Process reader =
        awsCli(
                aws.get(),
                "--endpoint-url",
                stack.s3Endpoint().toString(),
                "s3api",
                "get-object-tagging",
                "--bucket",
                stack.bucket(),
                "--key",
                "awscli/cli cat.jpg")
            .start();
    String tagging = new String(reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(reader.waitFor()).as(tagging).isZero();
    assertThat(json.readTree(tagging).path("TagSet").toString())
        .contains("\"autotag:status\"")
        .contains("\"classified\"");
  }

  /**
   * The tour's review step without a restart: {@code PUT 1} on serve's review-threshold route sends
   * the next upload of a photo the model is sure of to review; {@code PUT} back restores it.
   */
  @Test
  void theReviewThresholdChangesWhileServeRuns() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    URI route = stack.reviewThresholdUri();
    assertThat(threshold(http, "GET", null).body()).isEqualTo("{\"reviewThreshold\":0.75}");
    HttpResponse<String> bad = threshold(http, "PUT", "2");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(bad.body()).contains("between 0 and 1");
    try {
      // As curl --data sends it: form-encoded, so base64 in the event.
      HttpResponse<String> raised = threshold(http, "PUT", "1");
      assertThat(raised.statusCode()).as(raised.body()).isEqualTo(200);
      assertThat(raised.body()).isEqualTo("{\"reviewThreshold\":1.0}");
      assertThat(ServeCommand.banner(stack, 0))
          .contains("review threshold 1.00")
          .contains("curl -X PUT --data 1 " + route);
      put("threshold/dog.png", DOG); // the fake is 0.95 sure of the dog
      Await.until(Duration.ofSeconds(20), "tags", () -> tags("threshold/dog.png").size() >= 2);
      assertThat(tags("threshold/dog.png"))
          .containsEntry("autotag:status", "review")
          .containsEntry("autotag:label", "dog");
      JsonNode review = json.readTree(drain(stack.reviewQueueUrl()).getFirst().body());
      assertThat(review.path("key").asText()).isEqualTo("threshold/dog.png");
      assertThat(review.path("threshold").asDouble()).isEqualTo(1.0);
    } finally {
      assertThat(threshold(http, "PUT", "0.75").statusCode()).isEqualTo(200);
    }
    put("threshold/dog-again.png", DOG);
    Await.until(Duration.ofSeconds(20), "tags", () -> tags("threshold/dog-again.png").size() >= 2);
    assertThat(tags("threshold/dog-again.png")).containsEntry("autotag:status", "classified");
  }

  private static HttpResponse<String> threshold(HttpClient http, String method, String body)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(stack.reviewThresholdUri());
    if (body == null) {
      request.GET();
    } else {
      request
          .header("Content-Type", "application/x-www-form-urlencoded")
          .method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The tour's SQS step: AWS CLI v1 refuses SQS commands without {@code AWS_DEFAULT_REGION}. */
  @Test
  void theBannersExportsAreEnoughForTheAwsCliOnSqs() throws Exception {
    Optional<Path> aws = onPath("aws");
    Assumptions.assumeTrue(aws.isPresent(), "the aws CLI is not installed");
    Process process =
        awsCli(aws.get(), "--endpoint-url", stack.sqsEndpoint().toString(), "sqs", "list-queues")
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
    assertThat(output).contains(StackResources.REVIEW_QUEUE);
  }

  @Test
  void theApiAnswersOverHttp() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpResponse<String> health =
        http.send(
            HttpRequest.newBuilder(stack.apiUri().resolve("/health")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    HttpResponse<String> classify =
        http.send(
            HttpRequest.newBuilder(stack.apiUri().resolve("/classify"))
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(DOG))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(classify.statusCode()).as(classify.body()).isEqualTo(200);
    assertThat(json.readTree(classify.body()).path("top").path("label").asText()).isEqualTo("dog");
    HttpResponse<String> notImage =
        http.send(
            HttpRequest.newBuilder(stack.apiUri().resolve("/classify"))
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofString("hello"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(notImage.statusCode()).isEqualTo(415);
  }

  @Test
  void closingTheStackClosesEveryPort() {
    ServeStack second =
        ServeStack.start(
            ServeStack.Options.defaults().withPorts(ServeStack.Ports.ephemeral()),
            Map.of("AUTOTAG_PROVIDER", FakeClassifier.NAME),
            ProviderRegistry.builtIn().with(new FakeClassifier()));
    List<URI> endpoints = List.of(second.s3Endpoint(), second.sqsEndpoint(), second.apiUri());
    assertThat(endpoints).allMatch(Await::listening);
    second.close();
    second.close(); // twice is harmless
    assertThat(endpoints).noneMatch(Await::listening);
  }

  @Test
  void aTakenPortFailsTheStartAndLeavesNothingRunning() {
    ServeStack.Ports taken = new ServeStack.Ports(0, 0, stack.apiUri().getPort());
    Assertions.assertThatThrownBy(
            () ->
                ServeStack.start(
                    ServeStack.Options.defaults().withPorts(taken),
                    Map.of("AUTOTAG_PROVIDER", FakeClassifier.NAME),
                    ProviderRegistry.builtIn().with(new FakeClassifier())))
        .hasMessageContaining("API port");
  }

  /**
   * Exactly what the banner tells the user to export: AWS CLI v1 reads only {@code
   * AWS_DEFAULT_REGION}, v2 and the SDKs {@code AWS_REGION}.
   */
  /**
   * {@code serve} on taken ports: a usage error (exit 2) that names the flag for each port, without
   * a stack trace, decided before any provider (the models) is built.
   */
  @Test
  void serveOnTakenPortsExitsTwoNamingTheFlagsBeforeLoadingModels() {
    AtomicInteger built = new AtomicInteger();
    ClassifierFactory counting =
        new ClassifierFactory() {
          @Override
          public String name() {
            return "counting";
          }

          @Override
          public Classifier create(Settings settings, AwsClients aws) {
            built.incrementAndGet();
            return new FakeClassifier();
          }
        };
    Cli cli =
        Cli.run(
            Map.of("AUTOTAG_PROVIDER", "counting"),
            ProviderRegistry.builtIn().with(counting),
            "serve",
            "--s3-port",
            Integer.toString(stack.s3Endpoint().getPort()),
            "--sqs-port",
            "0",
            "--api-port",
            Integer.toString(stack.apiUri().getPort()));
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(AutotagCommand.USAGE);
    assertThat(cli.err())
        .contains("S3 port " + stack.s3Endpoint().getPort() + " is in use")
        .contains("--s3-port")
        .contains("API port " + stack.apiUri().getPort() + " is in use")
        .contains("--api-port")
        .contains("--ephemeral-ports")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(cli.err().lines()).hasSize(1);
    assertThat(built).as("no provider was built").hasValue(0);
  }

  /**
   * One error for every bad variable of the three functions serve runs, the provider's included,
   * before any port is taken or model loaded: the tagger's, the API's and the review function's.
   */
  @Test
  void serveNamesEveryBadVariableOfEveryFunctionAtOnce() {
    Cli cli =
        Cli.run(
            Map.of(
                "AUTOTAG_REVIEW_THRESHOLD", "high",
                "AUTOTAG_API_MAX_BATCH", "0",
                "AUTOTAG_REVIEW_LEASE_SECONDS", "0",
                "AUTOTAG_PROVIDER", "roboflow"),
            ProviderRegistry.builtIn(),
            "serve",
            "--ephemeral-ports");
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(AutotagCommand.USAGE);
    assertThat(cli.err())
        .contains("AUTOTAG_REVIEW_THRESHOLD")
        .contains("AUTOTAG_API_MAX_BATCH")
        .contains("AUTOTAG_REVIEW_LEASE_SECONDS")
        .contains("AUTOTAG_ROBOFLOW_MODEL")
        .doesNotContain("\tat ");
    assertThat(cli.err().lines()).hasSize(1);
  }

  static Map<String, String> awsCliEnv() {
    String exports =
        ServeCommand.banner(stack, 0)
            .lines()
            .map(String::strip)
            .filter(line -> line.startsWith("export "))
            .findFirst()
            .orElseThrow();
    return Arrays.stream(exports.substring("export ".length()).split("\\s+"))
        .map(pair -> pair.split("=", 2))
        .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1]));
  }

  /** A process with the banner's exports and no AWS variable of the machine running the test. */
  static ProcessBuilder awsCli(Path aws, String... args) {
    List<String> command = new ArrayList<>(List.of(aws.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("AWS_"));
    builder.environment().putAll(awsCliEnv());
    return builder;
  }

  static Optional<Path> onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  static void put(String key, byte[] data) {
    clients.s3().putObject(b -> b.bucket(stack.bucket()).key(key), RequestBody.fromBytes(data));
  }

  static Map<String, String> tags(String key) {
    return ObjectTags.read(clients.s3(), stack.bucket(), key);
  }

  static List<Message> drain(String queueUrl) {
    List<Message> all = new ArrayList<>();
    while (true) {
      List<Message> batch =
          clients
              .sqs()
              .receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).waitTimeSeconds(0))
              .messages();
      if (batch.isEmpty()) {
        return all;
      }
      batch.forEach(
          m ->
              clients
                  .sqs()
                  .deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(m.receiptHandle())));
      all.addAll(batch);
    }
  }
}
