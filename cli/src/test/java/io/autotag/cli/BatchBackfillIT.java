package io.autotag.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotag.local.LocalFunction;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.Label;
import io.autotag.shared.provider.ProviderRegistry;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.ObjectTags;
import io.autotag.shared.testing.TestImages;
import io.autotag.tagger.TaggerHandler;
import io.autotag.tagger.TaggerWiring;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * {@code autotag backfill --engine batch-operations} and {@code --job} end to end: the tool builds
 * and uploads the manifest to LocalS3 and calls CreateJob/DescribeJob on {@link
 * LocalBatchOperations}, which checks the requests against the S3 Control contract and runs the job
 * the way Batch Operations does, invoking the real {@link TaggerHandler} (over LocalS3 and
 * ElasticMQ) once per object and writing the completion report, which the tool then summarises.
 */
class BatchBackfillIT {

  static final String ACCOUNT = "123456789012";
  static final String FUNCTION = "arn:aws:lambda:us-east-1:" + ACCOUNT + ":function:tagger:live";
  static final String ROLE = "arn:aws:iam::" + ACCOUNT + ":role/autotag-batch-operations";
  static final String JOB_BUCKET = "autotag-backfill-jobs";

  static LocalAws aws;
  static String reviewQueue;
  static int buckets;

  FakeClassifier classifier;
  ProviderRegistry providers;
  TaggerWiring tagger;
  LocalBatchOperations batch;
  final List<String> invocations = new ArrayList<>();

  @BeforeAll
  static void start() {
    aws = LocalAws.start();
    aws.createBucket(JOB_BUCKET, false);
    reviewQueue = aws.createQueue("batch-backfill-review");
  }

  @AfterAll
  static void stop() {
    aws.close();
  }

  @BeforeEach
  void deployTheTagger() {
    classifier = new FakeClassifier();
    providers = ProviderRegistry.builtIn().with(classifier);
    Map<String, String> env = new HashMap<>(aws.env());
    env.put("AUTOTAG_PROVIDER", FakeClassifier.NAME);
    env.put("AUTOTAG_REVIEW_QUEUE_URL", reviewQueue);
    env.put("AUTOTAG_PRIMING", "false");
    // This test's own review threshold (what it checks is not the shipped default): the fake's
    // 0.9 is auto-tagged.
    env.put("AUTOTAG_REVIEW_THRESHOLD", "0.75");
    tagger = TaggerWiring.create(env, providers, LocalAws::clients);
    TaggerHandler handler = TaggerHandler.create(tagger);
    batch =
        new LocalBatchOperations(
            ACCOUNT,
            LocalAws.REGION,
            aws.clients().s3(),
            event -> {
              synchronized (invocations) {
                invocations.add(event);
              }
              byte[] response =
                  LocalFunction.TAGGER.invoke(
                      handler, "batch", event.getBytes(StandardCharsets.UTF_8));
              return new String(response, StandardCharsets.UTF_8);
            },
            4);
  }

  @AfterEach
  void undeploy() {
    batch.close();
    tagger.close();
  }

  Map<String, String> cliEnv() {
    Map<String, String> env = new HashMap<>(aws.env());
    env.put("AWS_ACCESS_KEY_ID", "test");
    env.put("AWS_SECRET_ACCESS_KEY", "test");
    env.put("AWS_ENDPOINT_URL_S3_CONTROL", batch.endpoint().toString());
    env.put("AUTOTAG_PROVIDER", FakeClassifier.NAME);
    env.put("AUTOTAG_REVIEW_QUEUE_URL", reviewQueue);
    // The same review threshold as the deployed tagger above (backfill's in-process engine).
    env.put("AUTOTAG_REVIEW_THRESHOLD", "0.75");
    return env;
  }

  Cli batchBackfill(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "backfill",
                "--engine",
                "batch-operations",
                "--function-arn",
                FUNCTION,
                "--role-arn",
                ROLE,
                "--job-bucket",
                JOB_BUCKET,
                "--follow",
                "--poll-seconds",
                "1"));
    args.addAll(List.of(more));
    return Cli.run(cliEnv(), providers, args.toArray(String[]::new));
  }

  static String newBucket(boolean versioned) {
    String bucket = "batch-backfill-" + (++buckets);
    aws.createBucket(bucket, versioned);
    return bucket;
  }

  /** A mixed bucket: confident and unsure photos, a non-image, awkward keys. */
  void fill(String bucket) {
    byte[] unsure = TestImages.png(Color.MAGENTA);
    classifier.answer(unsure, new Label("bird", 0.2));
    for (int i = 0; i < 6; i++) {
      put(bucket, "photos/" + i + ".jpg", TestImages.jpeg(new Color(10 * i, 200, 30)));
    }
    put(bucket, "photos/unsure-1.png", unsure);
    put(bucket, "photos/unsure-2.png", unsure);
    put(bucket, "photos/notes.txt", "not an image".getBytes(StandardCharsets.UTF_8));
    put(bucket, "photos/My Holiday+Beach ü,1.jpg", TestImages.jpeg(Color.ORANGE));
  }

  static String put(String bucket, String key, byte[] body) {
    return aws.clients()
        .s3()
        .putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body))
        .versionId();
  }

  static Map<String, String> tags(String bucket, String key, String versionId) {
    return ObjectTags.read(aws.clients().s3(), bucket, key, versionId);
  }

  /** Every key of the bucket and its tags. */
  static Map<String, Map<String, String>> allTags(String bucket) {
    Map<String, Map<String, String>> all = new TreeMap<>();
    aws.clients()
        .s3()
        .listObjectsV2Paginator(b -> b.bucket(bucket))
        .contents()
        .forEach(o -> all.put(o.key(), tags(bucket, o.key(), null)));
    return all;
  }

  static String jobId(Cli cli) {
    Matcher m = Pattern.compile("created S3 Batch Operations job (\\S+):").matcher(cli.out());
    assertThat(m.find()).as(cli.out() + cli.err()).isTrue();
    return m.group(1);
  }

  Element createJobBody() {
    var create =
        batch.requests().stream().filter(r -> r.method().equals("POST")).reduce((a, b) -> b);
    assertThat(create).isPresent();
    return LocalBatchOperations.parse(create.get().body());
  }

  @Test
  void aJobTagsEveryObjectThroughTheTaggerAndItsReportIsSummarised() {
    String bucket = newBucket(false);
    fill(bucket);

    Cli cli = batchBackfill("s3://" + bucket + "/photos/");

    assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
    String jobId = jobId(cli);
    assertThat(cli.out())
        .contains("autotag backfill --job " + jobId + " --account-id " + ACCOUNT)
        .contains("10 objects")
        .contains("job " + jobId + ": Complete, 10 tasks: 10 succeeded, 0 failed")
        .contains("classified 7, review 2, skipped 1, already tagged 0, gone 0, failed 0")
        .contains("review:low-confidence 2")
        .contains("skipped:unsupported-type 1");
    assertThat(tags(bucket, "photos/My Holiday+Beach ü,1.jpg", null))
        .containsEntry("autotag:status", "classified");
    assertThat(tags(bucket, "photos/unsure-1.png", null)).containsEntry("autotag:status", "review");
    assertThat(tags(bucket, "photos/notes.txt", null))
        .containsEntry("autotag:reason", "unsupported-type");
    assertThat(invocations).hasSize(10);
    assertThat(invocations)
        .allSatisfy(e -> assertThat(e).contains("\"invocationSchemaVersion\":\"2.0\""));
    // The report the job wrote is where the tool said, and lists every task.
    assertThat(
            aws.clients()
                .s3()
                .listObjectsV2(
                    b -> b.bucket(JOB_BUCKET).prefix("autotag-backfill/reports/job-" + jobId + "/"))
                .contents())
        .extracting(o -> o.key())
        .contains("autotag-backfill/reports/job-" + jobId + "/manifest.json");
  }

  @Test
  void createJobFollowsTheS3ControlContract() {
    String bucket = newBucket(false);
    put(bucket, "a.jpg", TestImages.jpeg(Color.BLUE));

    Cli cli = batchBackfill("--priority", "42", "s3://" + bucket);

    assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
    var create =
        batch.requests().stream().filter(r -> r.method().equals("POST")).findFirst().orElseThrow();
    assertThat(create.path()).isEqualTo("/v20180820/jobs");
    assertThat(create.headers()).containsEntry("x-amz-account-id", ACCOUNT);
    assertThat(create.headers().get("authorization")).startsWith("AWS4-HMAC-SHA256 ");
    Element body = createJobBody();
    assertThat(LocalBatchOperations.checkCreateJob(body)).isNull();
    Element lambda =
        LocalBatchOperations.child(
                LocalBatchOperations.child(body, "Operation").orElseThrow(), "LambdaInvoke")
            .orElseThrow();
    assertThat(LocalBatchOperations.text(lambda, "FunctionArn")).contains(FUNCTION);
    assertThat(LocalBatchOperations.text(lambda, "InvocationSchemaVersion")).contains("2.0");
    assertThat(LocalBatchOperations.text(body, "RoleArn")).contains(ROLE);
    assertThat(LocalBatchOperations.text(body, "Priority")).contains("42");
    assertThat(LocalBatchOperations.text(body, "ConfirmationRequired")).contains("false");
    assertThat(LocalBatchOperations.text(body, "ClientRequestToken").orElseThrow())
        .hasSizeBetween(1, 64);
    Element manifest = LocalBatchOperations.child(body, "Manifest").orElseThrow();
    Element spec = LocalBatchOperations.child(manifest, "Spec").orElseThrow();
    assertThat(LocalBatchOperations.text(spec, "Format"))
        .contains("S3BatchOperations_CSV_20180820");
    assertThat(LocalBatchOperations.child(spec, "Fields").orElseThrow().getTextContent())
        .isEqualTo("BucketKey");
    Element location = LocalBatchOperations.child(manifest, "Location").orElseThrow();
    String objectArn = LocalBatchOperations.text(location, "ObjectArn").orElseThrow();
    assertThat(objectArn).startsWith("arn:aws:s3:::" + JOB_BUCKET + "/autotag-backfill/manifests/");
    String key = objectArn.substring(("arn:aws:s3:::" + JOB_BUCKET + "/").length());
    var uploaded = aws.clients().s3().getObjectAsBytes(b -> b.bucket(JOB_BUCKET).key(key));
    assertThat(LocalBatchOperations.text(location, "ETag"))
        .contains(uploaded.response().eTag().replace("\"", ""));
    assertThat(uploaded.asUtf8String()).isEqualTo(bucket + ",a.jpg\n");
    Element report = LocalBatchOperations.child(body, "Report").orElseThrow();
    assertThat(LocalBatchOperations.text(report, "Enabled")).contains("true");
    assertThat(LocalBatchOperations.text(report, "Bucket")).contains("arn:aws:s3:::" + JOB_BUCKET);
    assertThat(LocalBatchOperations.text(report, "Format")).contains("Report_CSV_20180820");
    assertThat(LocalBatchOperations.text(report, "Prefix")).contains("autotag-backfill/reports");
    assertThat(LocalBatchOperations.text(report, "ReportScope")).contains("AllTasks");
    // DescribeJob was asked with the same account until the job ended.
    assertThat(batch.requests().stream().filter(r -> r.method().equals("GET")))
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.path()).isEqualTo("/v20180820/jobs/" + jobId(cli));
              assertThat(r.headers()).containsEntry("x-amz-account-id", ACCOUNT);
            });
  }

  @Test
  void bothEnginesGiveTheSameTags() {
    String inProcess = newBucket(false);
    String batchOps = newBucket(false);
    fill(inProcess);
    fill(batchOps);

    Cli local = Cli.run(cliEnv(), providers, "backfill", "s3://" + inProcess);
    Cli job = batchBackfill("s3://" + batchOps);

    assertThat(local.exitCode()).as(local.out() + local.err()).isZero();
    assertThat(job.exitCode()).as(job.out() + job.err()).isZero();
    Map<String, Map<String, String>> expected = allTags(inProcess);
    assertThat(expected).hasSize(10);
    assertThat(expected.values()).allSatisfy(t -> assertThat(t).containsKey("autotag:status"));
    assertThat(allTags(batchOps)).isEqualTo(expected);
  }

  @Test
  void versionsManifestTagsEveryVersion() {
    String bucket = newBucket(true);
    byte[] first = TestImages.jpeg(Color.RED);
    byte[] second = TestImages.jpeg(Color.GREEN);
    classifier.answer(first, new Label("apple", 0.9)).answer(second, new Label("pear", 0.9));
    String v1 = put(bucket, "fruit.jpg", first);
    String v2 = put(bucket, "fruit.jpg", second);

    Cli cli = batchBackfill("--versions", "s3://" + bucket);

    assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
    assertThat(cli.out()).contains("2 objects").contains("classified 2");
    assertThat(tags(bucket, "fruit.jpg", v1)).containsEntry("autotag:label", "apple");
    assertThat(tags(bucket, "fruit.jpg", v2)).containsEntry("autotag:label", "pear");
    Element spec =
        LocalBatchOperations.child(
                LocalBatchOperations.child(createJobBody(), "Manifest").orElseThrow(), "Spec")
            .orElseThrow();
    assertThat(LocalBatchOperations.child(spec, "Fields").orElseThrow().getTextContent())
        .isEqualTo("BucketKeyVersionId");
  }

  @Test
  void anS3InventoryManifestDrivesTheJob() throws Exception {
    String bucket = newBucket(false);
    put(bucket, "inv/a.jpg", TestImages.jpeg(Color.CYAN));
    put(bucket, "inv/b c.jpg", TestImages.jpeg(Color.PINK));
    // An S3 Inventory report as the user guide describes it: a manifest.json naming gzipped CSV
    // files whose quoted fields follow fileSchema, keys URL-encoded.
    String inventoryBucket = newBucket(false);
    String csv =
        "\""
            + bucket
            + "\",\"inv/a.jpg\",\"\",\"true\"\n"
            + "\""
            + bucket
            + "\",\"inv/b%20c.jpg\",\"\",\"true\"\n";
    var gz = new ByteArrayOutputStream();
    try (var out = new GZIPOutputStream(gz)) {
      out.write(csv.getBytes(StandardCharsets.UTF_8));
    }
    String dataKey = bucket + "/all/data/4f1a.csv.gz";
    aws.clients()
        .s3()
        .putObject(
            b -> b.bucket(inventoryBucket).key(dataKey), RequestBody.fromBytes(gz.toByteArray()));
    String manifestKey = bucket + "/all/2026-12-01T01-00Z/manifest.json";
    String manifestJson =
        """
        {"sourceBucket":"%s","destinationBucket":"arn:aws:s3:::%s","version":"2016-11-30",
         "creationTimestamp":"1796000000000","fileFormat":"CSV",
         "fileSchema":"Bucket, Key, VersionId, IsLatest",
         "files":[{"key":"%s","size":%d,"MD5checksum":"0"}]}"""
            .formatted(bucket, inventoryBucket, dataKey, gz.size());
    aws.clients()
        .s3()
        .putObject(
            b -> b.bucket(inventoryBucket).key(manifestKey), RequestBody.fromString(manifestJson));

    Cli cli = batchBackfill("--inventory-manifest", "s3://" + inventoryBucket + "/" + manifestKey);

    assertThat(cli.exitCode()).as(cli.out() + cli.err()).isZero();
    assertThat(cli.out()).contains("the inventory's objects").contains("classified 2");
    assertThat(tags(bucket, "inv/b c.jpg", null)).containsEntry("autotag:status", "classified");
    Element spec =
        LocalBatchOperations.child(
                LocalBatchOperations.child(createJobBody(), "Manifest").orElseThrow(), "Spec")
            .orElseThrow();
    assertThat(LocalBatchOperations.text(spec, "Format"))
        .contains("S3InventoryReport_CSV_20161130");
    assertThat(LocalBatchOperations.child(spec, "Fields")).isEmpty();
  }

  @Test
  void failedTasksAreNamedAndARerunTagsOnlyThem() {
    String bucket = newBucket(false);
    fill(bucket);
    byte[] flaky = TestImages.jpeg(Color.BLACK);
    put(bucket, "photos/flaky.jpg", flaky);
    classifier.fail(flaky, new ClassificationException(FailureReason.THROTTLED, "429"));

    Cli first = batchBackfill("s3://" + bucket + "/photos/");

    assertThat(first.exitCode()).isEqualTo(AutotagCommand.SOME_FAILED);
    assertThat(first.out())
        .contains("10 succeeded, 1 failed")
        .contains("failures: TemporaryFailure provider-throttled 1")
        .contains("failed: s3://" + bucket + "/photos/flaky.jpg");
    int callsAfterFirst = classifier.calls();

    classifier.answer(flaky, new Label("cat", 0.9));
    Cli second = batchBackfill("s3://" + bucket + "/photos/");

    assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
    assertThat(second.out()).contains("classified 1, review 0, skipped 0, already tagged 10");
    assertThat(classifier.calls()).isEqualTo(callsAfterFirst + 1);
    assertThat(tags(bucket, "photos/flaky.jpg", null))
        .containsEntry("autotag:status", "classified");
  }

  @Test
  void followingAJobByIdShowsItsProgressAndSummary() {
    String bucket = newBucket(false);
    put(bucket, "x.jpg", TestImages.jpeg(Color.GRAY));
    Cli created =
        Cli.run(
            cliEnv(),
            providers,
            "backfill",
            "--engine",
            "batch-operations",
            "--function-arn",
            FUNCTION,
            "--role-arn",
            ROLE,
            "--job-bucket",
            JOB_BUCKET,
            "s3://" + bucket);
    assertThat(created.exitCode()).as(created.out() + created.err()).isZero();
    String jobId = jobId(created);

    Cli follow =
        Cli.run(
            cliEnv(),
            providers,
            "backfill",
            "--job",
            jobId,
            "--account-id",
            ACCOUNT,
            "--poll-seconds",
            "1",
            "--progress");

    assertThat(follow.exitCode()).as(follow.out() + follow.err()).isZero();
    assertThat(follow.err())
        .contains("1/1 tasks 100%")
        .contains("succeeded 1")
        .contains("Complete");
    assertThat(follow.out()).contains("classified 1");
  }

  @Test
  void unknownJobAndBadArgumentsFailClearly() {
    Cli unknown =
        Cli.run(cliEnv(), providers, "backfill", "--job", "no-such-job", "--account-id", ACCOUNT);
    assertThat(unknown.exitCode()).isEqualTo(AutotagCommand.SOME_FAILED);
    assertThat(unknown.err()).contains("does not exist");

    Cli badId =
        Cli.run(cliEnv(), providers, "backfill", "--job", "../../x", "--account-id", ACCOUNT);
    assertThat(badId.exitCode()).isEqualTo(AutotagCommand.USAGE);
    assertThat(badId.err()).contains("--job must be a Batch Operations job id");

    Cli noRole =
        Cli.run(
            cliEnv(),
            providers,
            "backfill",
            "--engine",
            "batch-operations",
            "--function-arn",
            FUNCTION,
            "--job-bucket",
            JOB_BUCKET,
            "s3://somewhere");
    assertThat(noRole.exitCode()).isEqualTo(AutotagCommand.USAGE);
    assertThat(noRole.err()).contains("--role-arn").contains("BatchOperationsRoleArn");

    Cli versionsInProcess =
        Cli.run(cliEnv(), providers, "backfill", "--versions", "s3://somewhere");
    assertThat(versionsInProcess.exitCode()).isEqualTo(AutotagCommand.USAGE);
  }

  @Test
  void anEmptyPrefixCreatesNoJob() {
    String bucket = newBucket(false);

    Cli cli = batchBackfill("s3://" + bucket + "/nothing-here/");

    assertThat(cli.exitCode()).isZero();
    assertThat(cli.out()).contains("no objects, no job created");
    assertThat(batch.requests()).isEmpty();
  }
}
