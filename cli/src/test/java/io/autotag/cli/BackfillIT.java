package io.autotag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.ObjectTags;
import io.autotag.shared.testing.TestImages;
import io.autotag.tagger.TaggerWiring;
import java.awt.Color;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code autotag backfill} against LocalS3 and ElasticMQ: 100 existing objects, a run stopped
 * part-way (as Ctrl-C stops it), then the same command again, which classifies only what the first
 * run left: every object exactly once in total.
 */
class BackfillIT {

  static LocalAws aws;
  static String reviewQueueUrl;

  @BeforeAll
  static void start() {
    aws = LocalAws.start();
    reviewQueueUrl = aws.createQueue("backfill-review");
  }

  @AfterAll
  static void stop() {
    if (aws != null) {
      aws.close();
    }
  }

  Map<String, String> env() {
    Map<String, String> env = new HashMap<>(aws.env());
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("AUTOTAG_PROVIDER", FakeClassifier.NAME);
    env.put("AUTOTAG_REVIEW_QUEUE_URL", reviewQueueUrl);
    // This test's own review threshold (what it checks is not the shipped default): the fake's
    // 0.9 is auto-tagged.
    env.put("AUTOTAG_REVIEW_THRESHOLD", "0.75");
    return env;
  }

  @Test
  void anInterruptedBackfillResumesAndClassifiesEachObjectOnce() throws Exception {
    String bucket = "backfill-resume";
    aws.createBucket(bucket, false);
    for (int i = 0; i < 100; i++) {
      int n = i;
      aws.clients()
          .s3()
          .putObject(
              b -> b.bucket(bucket).key(String.format("photos/%03d.jpg", n)),
              RequestBody.fromBytes(TestImages.jpeg(new Color(n, 255 - n, 128))));
    }
    aws.clients()
        .s3()
        .putObject(
            b -> b.bucket(bucket).key("other/skip.jpg"), RequestBody.fromBytes(new byte[] {1}));
    FakeClassifier fake = new FakeClassifier().latency(Duration.ofMillis(15));
    ProviderRegistry providers = ProviderRegistry.builtIn().with(fake);

    // First run, stopped once about a third is done.
    Map<String, String> env = env();
    env.put("AUTOTAG_CONCURRENCY", "4");
    Backfill.Summary first;
    try (TaggerWiring wiring = TaggerWiring.create(env, providers, CliAws.factory(env));
        var lister = LocalAws.clients(aws.env())) {
      Backfill backfill = new Backfill(lister.s3(), wiring.pipeline(), 8);
      CompletableFuture<Backfill.Summary> run =
          CompletableFuture.supplyAsync(() -> backfill.run(bucket, "photos/", Progress.none()));
      Await.until(Duration.ofSeconds(30), "a third classified", () -> fake.calls() >= 33);
      backfill.stop();
      first = run.get(30, TimeUnit.SECONDS);
    }
    assertThat(first.stopped()).isTrue();
    assertThat(first.listed()).isEqualTo(100);
    int done = first.report().classified();
    assertThat(done).isBetween(33, 99);
    assertThat(fake.calls()).isEqualTo(done);

    // Second run: the command, as a user reruns it.
    Cli second =
        Cli.run(
            env(),
            providers,
            "backfill",
            "--concurrency",
            "8",
            "--progress",
            "s3://" + bucket + "/photos/");
    assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
    assertThat(second.out())
        .contains("100 objects listed")
        .contains("classified " + (100 - done))
        .contains("already tagged " + done);
    assertThat(second.err()).contains("100/100 objects");
    assertThat(fake.calls()).isEqualTo(100);
    for (int i = 0; i < 100; i += 9) {
      String key = String.format("photos/%03d.jpg", i);
      assertThat(tags(bucket, key)).containsEntry("autotag:status", "classified");
    }
    // Outside the prefix: untouched.
    assertThat(tags(bucket, "other/skip.jpg")).isEmpty();
  }

  @Test
  void objectsThatNeedARetryMakeExitCodeOneAndAreNamed() {
    String bucket = "backfill-failing";
    aws.createBucket(bucket, false);
    byte[] good = TestImages.png(Color.GREEN);
    byte[] bad = TestImages.png(Color.RED);
    aws.clients()
        .s3()
        .putObject(b -> b.bucket(bucket).key("good.png"), RequestBody.fromBytes(good));
    aws.clients().s3().putObject(b -> b.bucket(bucket).key("bad.png"), RequestBody.fromBytes(bad));
    FakeClassifier fake =
        new FakeClassifier()
            .fail(bad, new ClassificationException(FailureReason.UNAVAILABLE, "provider down"));
    Cli cli = Cli.run(env(), ProviderRegistry.builtIn().with(fake), "backfill", "s3://" + bucket);
    assertThat(cli.exitCode()).isEqualTo(AutotagCommand.SOME_FAILED);
    assertThat(cli.out()).contains("classified 1").contains("failed 1").contains("bad.png");
    assertThat(tags(bucket, "good.png")).containsEntry("autotag:status", "classified");
  }

  @Test
  void aBadLocationOrMissingQueueIsAUsageError() {
    ProviderRegistry providers = ProviderRegistry.builtIn().with(new FakeClassifier());
    assertThat(Cli.run(env(), providers, "backfill", "bucket-without-scheme").exitCode())
        .isEqualTo(AutotagCommand.USAGE);
    Map<String, String> noQueue = env();
    noQueue.remove("AUTOTAG_REVIEW_QUEUE_URL");
    Cli cli = Cli.run(noQueue, providers, "backfill", "s3://somewhere");
    assertThat(cli.exitCode()).isEqualTo(AutotagCommand.USAGE);
    assertThat(cli.err()).contains("AUTOTAG_REVIEW_QUEUE_URL");
  }

  /**
   * A backfill against an endpoint nobody listens on says which, in one line, exit code 1 (and
   * --endpoint-url wins over the environment's AWS_ENDPOINT_URL_S3).
   */
  @Test
  void anEndpointThatIsDownIsNamedWithoutAStackTrace() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = socket.getLocalPort();
    }
    String endpoint = "http://127.0.0.1:" + closed;
    Cli cli =
        Cli.run(
            env(),
            ProviderRegistry.builtIn().with(new FakeClassifier()),
            "backfill",
            "--endpoint-url",
            endpoint,
            "s3://photos");
    assertThat(cli.exitCode()).as(cli.err()).isEqualTo(AutotagCommand.SOME_FAILED);
    assertThat(cli.err())
        .contains("cannot reach S3 at " + endpoint)
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(cli.err().lines()).hasSize(1);

    // An endpoint that answers with an error: named with what it said, in one line too.
    Cli missing =
        Cli.run(
            env(),
            ProviderRegistry.builtIn().with(new FakeClassifier()),
            "backfill",
            "s3://no-such-bucket");
    assertThat(missing.exitCode()).as(missing.err()).isEqualTo(AutotagCommand.SOME_FAILED);
    assertThat(missing.err())
        .contains("S3 at " + aws.env().get("AWS_ENDPOINT_URL_S3"))
        .contains("404")
        .contains("NoSuchBucket")
        .doesNotContain("\tat ");
    assertThat(missing.err().lines()).hasSize(1);
  }

  static Map<String, String> tags(String bucket, String key) {
    return ObjectTags.read(aws.clients().s3(), bucket, key);
  }
}
