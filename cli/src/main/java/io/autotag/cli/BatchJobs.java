package io.autotag.cli;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.s3control.S3ControlClient;
import software.amazon.awssdk.services.s3control.model.JobDescriptor;
import software.amazon.awssdk.services.s3control.model.JobFailure;
import software.amazon.awssdk.services.s3control.model.JobManifestFormat;
import software.amazon.awssdk.services.s3control.model.JobReportFormat;
import software.amazon.awssdk.services.s3control.model.JobReportScope;
import software.amazon.awssdk.services.s3control.model.JobStatus;

/**
 * Creates and reads S3 Batch Operations jobs through S3 Control: {@code CreateJob} with a Lambda
 * invoke of the tagger (invocation schema 2.0), a manifest and a completion report of every task,
 * and {@code DescribeJob} for the progress.
 *
 * @see <a href="https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_CreateJob.html">
 *     CreateJob</a>
 * @see <a href="https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_DescribeJob.html">
 *     DescribeJob</a>
 */
final class BatchJobs {

  /** DescribeJob's job id: 5 to 36 of these characters. */
  static final Pattern JOB_ID = Pattern.compile("[a-zA-Z0-9_-]{5,36}");

  static final Pattern ACCOUNT_ID = Pattern.compile("\\d{12}");

  /**
   * The job's manifest: an object (its ARN and eTag) and its format: CSV with {@code csvFields}, or
   * an S3 Inventory report when {@code csvFields} is {@code null}.
   */
  record Manifest(String objectArn, String eTag, List<String> csvFields) {

    /** A CSV manifest whose lines have {@code fields}. */
    static Manifest csv(String objectArn, String eTag, List<String> fields) {
      return new Manifest(objectArn, eTag, List.copyOf(fields));
    }

    /** An S3 Inventory {@code manifest.json} (its CSV files name bucket, key and version). */
    static Manifest inventory(String objectArn, String eTag) {
      return new Manifest(objectArn, eTag, null);
    }
  }

  /** Everything CreateJob is given. */
  record NewJob(
      String accountId,
      String functionArn,
      String roleArn,
      Manifest manifest,
      String reportBucketArn,
      String reportPrefix,
      String description,
      int priority,
      String clientRequestToken,
      Map<String, String> userArguments) {}

  /**
   * What DescribeJob says about a job; {@code reportBucketArn} and {@code reportPrefix} are {@code
   * null} when the job writes no report, {@code statusUpdateReason} when DescribeJob gives none.
   */
  record JobState(
      String jobId,
      String status,
      long total,
      long succeeded,
      long failed,
      Duration active,
      String reportBucketArn,
      String reportPrefix,
      List<String> failureReasons,
      String statusUpdateReason) {

    long done() {
      return succeeded + failed;
    }

    /** Complete, Failed or Cancelled: nothing more will happen. */
    boolean finished() {
      return status.equals(JobStatus.COMPLETE.toString())
          || status.equals(JobStatus.FAILED.toString())
          || status.equals(JobStatus.CANCELLED.toString());
    }
  }

  private final S3ControlClient s3Control;

  BatchJobs(S3ControlClient s3Control) {
    this.s3Control = s3Control;
  }

  /** Creates the job; returns its id. */
  String create(NewJob job) {
    return s3Control
        .createJob(
            b ->
                b.accountId(job.accountId())
                    // Runs as soon as it is ready: the command line is the confirmation.
                    .confirmationRequired(false)
                    .clientRequestToken(job.clientRequestToken())
                    .description(job.description())
                    .priority(job.priority())
                    .roleArn(job.roleArn())
                    .operation(
                        o ->
                            o.lambdaInvoke(
                                l ->
                                    l.functionArn(job.functionArn())
                                        .invocationSchemaVersion("2.0")
                                        .userArguments(job.userArguments())))
                    .manifest(
                        m ->
                            m.location(
                                    l ->
                                        l.objectArn(job.manifest().objectArn())
                                            .eTag(job.manifest().eTag()))
                                .spec(
                                    s ->
                                        Optional.ofNullable(job.manifest().csvFields())
                                            .ifPresentOrElse(
                                                fields ->
                                                    s.format(
                                                            JobManifestFormat
                                                                .S3_BATCH_OPERATIONS_CSV_20180820)
                                                        .fieldsWithStrings(fields),
                                                () ->
                                                    s.format(
                                                        JobManifestFormat
                                                            .S3_INVENTORY_REPORT_CSV_20161130))))
                    .report(
                        r ->
                            r.enabled(true)
                                .bucket(job.reportBucketArn())
                                .prefix(job.reportPrefix())
                                .format(JobReportFormat.REPORT_CSV_20180820)
                                .reportScope(JobReportScope.ALL_TASKS)))
        .jobId();
  }

  /** The job's status and progress. */
  JobState describe(String accountId, String jobId) {
    JobDescriptor job = s3Control.describeJob(b -> b.accountId(accountId).jobId(jobId)).job();
    var progress = job.progressSummary();
    long total =
        progress == null || progress.totalNumberOfTasks() == null
            ? 0
            : progress.totalNumberOfTasks();
    long succeeded =
        progress == null || progress.numberOfTasksSucceeded() == null
            ? 0
            : progress.numberOfTasksSucceeded();
    long failed =
        progress == null || progress.numberOfTasksFailed() == null
            ? 0
            : progress.numberOfTasksFailed();
    long activeSeconds =
        progress == null
                || progress.timers() == null
                || progress.timers().elapsedTimeInActiveSeconds() == null
            ? 0
            : progress.timers().elapsedTimeInActiveSeconds();
    var report = Optional.ofNullable(job.report()).filter(r -> Boolean.TRUE.equals(r.enabled()));
    return new JobState(
        job.jobId() == null ? jobId : job.jobId(),
        job.statusAsString() == null ? "Unknown" : job.statusAsString(),
        total,
        succeeded,
        failed,
        Duration.ofSeconds(activeSeconds),
        report.map(r -> r.bucket()).orElse(null),
        report.map(r -> r.prefix() == null ? "" : r.prefix()).orElse(null),
        job.failureReasons().stream().map(BatchJobs::describe).toList(),
        job.statusUpdateReason());
  }

  private static String describe(JobFailure failure) {
    return failure.failureCode() + ": " + failure.failureReason();
  }
}
