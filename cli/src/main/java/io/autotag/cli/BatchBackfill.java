package io.autotag.cli;

import io.autotag.shared.classify.ObjectRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.arns.Arn;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code autotag backfill --engine batch-operations}: hands a bucket to S3 Batch Operations, which
 * invokes the deployed tagger once per object with retries and a completion report, instead of
 * classifying from this machine. It writes the manifest (current objects, every version, or an
 * existing S3 Inventory {@code manifest.json}), uploads it to the job bucket, creates the job, and
 * later follows it with {@code DescribeJob} until it ends.
 */
final class BatchBackfill {

  static final String MANIFEST_FOLDER = "autotag-backfill/manifests/";
  static final String REPORT_PREFIX = "autotag-backfill/reports";
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  /** What the job is built from. */
  sealed interface Source {
    /** Objects listed under a prefix: current ones, or every version. */
    record Listing(String bucket, String prefix, boolean allVersions) implements Source {}

    /** An S3 Inventory report's {@code manifest.json}. */
    record Inventory(String bucket, String key) implements Source {}
  }

  /**
   * The deployed pieces the job uses: the tagger's alias, the role Batch Operations assumes, and
   * the bucket that holds manifests and reports (the stack's outputs).
   */
  record Target(String functionArn, String roleArn, String jobBucket, String accountId) {

    /** A target whose account is the function's when none is given ({@code accountId} null). */
    static Target of(String functionArn, String roleArn, String jobBucket, String accountId) {
      Arn function = parseArn(functionArn, "--function-arn");
      if (!function.service().equals("lambda")) {
        throw new IllegalArgumentException("--function-arn must be a Lambda function ARN");
      }
      Arn role = parseArn(roleArn, "--role-arn");
      if (!role.service().equals("iam")) {
        throw new IllegalArgumentException("--role-arn must be an IAM role ARN");
      }
      String account = accountId != null ? accountId : function.accountId().orElse("");
      if (!BatchJobs.ACCOUNT_ID.matcher(account).matches()) {
        throw new IllegalArgumentException("the account id must be 12 digits, got " + account);
      }
      return new Target(functionArn, roleArn, jobBucket, account);
    }

    String partition() {
      return Arn.fromString(functionArn).partition();
    }

    private static Arn parseArn(String text, String option) {
      try {
        return Arn.fromString(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(option + " is not an ARN: " + text);
      }
    }
  }

  /** A job that was created, and where to find what it produces. */
  record Created(
      String jobId, String accountId, long objects, String manifest, String reportFolder) {}

  private final S3Client s3;
  private final BatchJobs jobs;
  private final Clock clock;

  BatchBackfill(S3Client s3, BatchJobs jobs, Clock clock) {
    this.s3 = s3;
    this.jobs = jobs;
    this.clock = clock;
  }

  /** Writes and uploads the manifest and creates the job; empty when there is nothing to tag. */
  Optional<Created> start(Source source, Target target, int priority, String description) {
    String token = UUID.randomUUID().toString();
    String partition = target.partition();
    BatchJobs.Manifest manifest;
    long objects;
    String manifestUri;
    switch (source) {
      case Source.Listing listing -> {
        BatchManifest.Written written = writeManifest(listing);
        objects = written.objects();
        if (objects == 0) {
          delete(written.file());
          return Optional.empty();
        }
        String key =
            MANIFEST_FOLDER + STAMP.format(clock.instant()) + "-" + token.substring(0, 8) + ".csv";
        String eTag;
        try {
          eTag =
              s3.putObject(
                      b -> b.bucket(target.jobBucket()).key(key).contentType("text/csv"),
                      RequestBody.fromFile(written.file()))
                  .eTag();
        } finally {
          delete(written.file());
        }
        manifest =
            BatchJobs.Manifest.csv(
                objectArn(partition, target.jobBucket(), key),
                ObjectRef.unquote(eTag),
                written.fields());
        manifestUri = "s3://" + target.jobBucket() + "/" + key;
      }
      case Source.Inventory inventory -> {
        // The job needs the manifest's eTag; reading it also says early if the role's bucket
        // policy or the path is wrong.
        String eTag = s3.headObject(b -> b.bucket(inventory.bucket()).key(inventory.key())).eTag();
        manifest =
            BatchJobs.Manifest.inventory(
                objectArn(partition, inventory.bucket(), inventory.key()), ObjectRef.unquote(eTag));
        objects = -1;
        manifestUri = "s3://" + inventory.bucket() + "/" + inventory.key();
      }
    }
    String jobId =
        jobs.create(
            new BatchJobs.NewJob(
                target.accountId(),
                target.functionArn(),
                target.roleArn(),
                manifest,
                "arn:" + partition + ":s3:::" + target.jobBucket(),
                REPORT_PREFIX,
                description.length() > 256 ? description.substring(0, 256) : description,
                priority,
                token,
                Map.of("startedBy", "autotag-backfill")));
    return Optional.of(
        new Created(
            jobId,
            target.accountId(),
            objects,
            manifestUri,
            "s3://" + target.jobBucket() + "/" + REPORT_PREFIX + "/job-" + jobId + "/"));
  }

  /**
   * Polls the job every {@code interval} until it is complete, failed or cancelled, telling {@code
   * progress} each state seen; returns the last one.
   */
  BatchJobs.JobState follow(
      String accountId, String jobId, Duration interval, Consumer<BatchJobs.JobState> progress)
      throws InterruptedException {
    while (true) {
      BatchJobs.JobState state = jobs.describe(accountId, jobId);
      progress.accept(state);
      if (state.finished()) {
        return state;
      }
      Thread.sleep(interval);
    }
  }

  private BatchManifest.Written writeManifest(Source.Listing listing) {
    Path file;
    try {
      file = Files.createTempFile("autotag-manifest-", ".csv");
    } catch (IOException e) {
      throw new UncheckedIOException("creating a temporary manifest file", e);
    }
    return listing.allVersions()
        ? BatchManifest.allVersions(s3, listing.bucket(), listing.prefix(), file)
        : BatchManifest.currentVersions(s3, listing.bucket(), listing.prefix(), file);
  }

  private static String objectArn(String partition, String bucket, String key) {
    return "arn:" + partition + ":s3:::" + bucket + "/" + key;
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // A leftover temporary file is harmless; the job does not depend on it.
    }
  }
}
