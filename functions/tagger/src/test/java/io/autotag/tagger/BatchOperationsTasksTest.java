package io.autotag.tagger;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.shared.classify.ClassificationException;
import io.autotag.shared.classify.FailureReason;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.pipeline.ObjectResult;
import io.autotag.shared.pipeline.Outcome;
import io.autotag.shared.pipeline.WorkItem;
import io.autotag.tagger.BatchOperationsTasks.MalformedTask;
import io.autotag.tagger.BatchOperationsTasks.ObjectTask;
import io.autotag.tagger.BatchOperationsTasks.ResultCode;
import io.autotag.tagger.BatchOperationsTasks.TaskResult;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** How tasks are read and how the pipeline's outcomes become Batch Operations result codes. */
class BatchOperationsTasksTest {

  static final ObjectRef REF = ObjectRef.of("bucket", "key.jpg");
  static final ObjectMapper json = new ObjectMapper();

  /** A retry result with the detail the pipeline gives it: the reason code or the error class. */
  static TaskResult retryWith(Throwable error) {
    String detail =
        error instanceof ClassificationException c
            ? c.reason().code()
            : error.getClass().getSimpleName();
    return BatchOperationsTasks.result("t", ObjectResult.retry(WorkItem.of(REF), detail, error));
  }

  static S3Exception s3Error(int status, String code) {
    return (S3Exception)
        S3Exception.builder()
            .statusCode(status)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
            .build();
  }

  @Test
  void s3ThrottlingServerErrorsTimeoutsAndConflictsAreTemporary() {
    assertThat(retryWith(s3Error(503, "SlowDown")).code()).isEqualTo(ResultCode.TEMPORARY_FAILURE);
    assertThat(retryWith(s3Error(500, "InternalError")).code())
        .isEqualTo(ResultCode.TEMPORARY_FAILURE);
    assertThat(retryWith(s3Error(409, "OperationAborted")).code())
        .isEqualTo(ResultCode.TEMPORARY_FAILURE);
    assertThat(retryWith(s3Error(400, "RequestTimeout")).code())
        .as("S3's 400 RequestTimeout is retried, as in AWS's own Batch Operations example")
        .isEqualTo(ResultCode.TEMPORARY_FAILURE);
    assertThat(retryWith(s3Error(400, "SlowDown")).code())
        .as("throttling codes are recognised whatever the status")
        .isEqualTo(ResultCode.TEMPORARY_FAILURE);
    assertThat(retryWith(SdkClientException.create("connection reset")).code())
        .isEqualTo(ResultCode.TEMPORARY_FAILURE);
  }

  @Test
  void s3RefusalsArePermanentAndSayWhich() {
    TaskResult denied = retryWith(s3Error(403, "AccessDenied"));
    assertThat(denied.code()).isEqualTo(ResultCode.PERMANENT_FAILURE);
    assertThat(denied.resultString()).isEqualTo("s3-refused: AccessDenied");
    assertThat(retryWith(s3Error(403, "InvalidObjectState")).resultString())
        .isEqualTo("s3-refused: InvalidObjectState");
  }

  @Test
  void retryableProviderFailureIsTemporaryWithItsReason() {
    TaskResult result =
        retryWith(new ClassificationException(FailureReason.UNAVAILABLE, "503 from provider"));
    assertThat(result.code()).isEqualTo(ResultCode.TEMPORARY_FAILURE);
    assertThat(result.resultString()).isEqualTo("provider-unavailable");
  }

  @Test
  void settledOutcomesSucceedWithTheOutcomeAsResultString() {
    assertThat(
            BatchOperationsTasks.result(
                    "t", ObjectResult.of(WorkItem.of(REF), Outcome.SKIPPED, "too-large"))
                .resultString())
        .isEqualTo("skipped:too-large");
    assertThat(
            BatchOperationsTasks.result(
                    "t", ObjectResult.of(WorkItem.of(REF), Outcome.REVIEW, "no-tag-slots"))
                .resultString())
        .isEqualTo("review:no-tag-slots");
  }

  @Test
  void versionIdNullOrAbsentMeansTheCurrentVersion() throws Exception {
    var withNull =
        (ObjectTask)
            BatchOperationsTasks.task(
                json.readTree(
                    "{\"taskId\":\"t\",\"s3Key\":\"a%20b.jpg\",\"s3VersionId\":null,"
                        + "\"s3Bucket\":\"b\"}"));
    var absent =
        (ObjectTask)
            BatchOperationsTasks.task(
                json.readTree(
                    "{\"taskId\":\"t\",\"s3Key\":\"a+b.jpg\",\"s3BucketArn\":\"arn:aws:s3:::b\"}"));
    var versioned =
        (ObjectTask)
            BatchOperationsTasks.task(
                json.readTree(
                    "{\"taskId\":\"t\",\"s3Key\":\"k\",\"s3VersionId\":\"3HL4kqtJ\",\"s3Bucket\":\"b\"}"));

    assertThat(withNull.ref().versionId()).isEmpty();
    assertThat(withNull.ref().key()).isEqualTo("a b.jpg");
    assertThat(absent.ref().versionId()).isEmpty();
    assertThat(absent.ref().key()).isEqualTo("a b.jpg");
    assertThat(absent.ref().bucket()).isEqualTo("b");
    assertThat(versioned.ref().versionId()).contains("3HL4kqtJ");
  }

  @Test
  void taskWithoutABucketIsMalformed() throws Exception {
    assertThat(
            BatchOperationsTasks.task(
                json.readTree("{\"taskId\":\"t\",\"s3Key\":\"k\",\"s3BucketArn\":\"bucket\"}")))
        .isInstanceOf(MalformedTask.class);
  }
}
