package io.autotag.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotag.shared.pipeline.S3EventKeys;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small pure pieces: locations, event keys, the progress line. */
class CliTest {

  @Test
  void s3LocationsSplitBucketAndPrefix() {
    assertThat(BackfillCommand.S3Location.parse("s3://b"))
        .isEqualTo(new BackfillCommand.S3Location("b", ""));
    assertThat(BackfillCommand.S3Location.parse("s3://b/photos/2024/"))
        .isEqualTo(new BackfillCommand.S3Location("b", "photos/2024/"));
    assertThatThrownBy(() -> BackfillCommand.S3Location.parse("b/photos"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BackfillCommand.S3Location.parse("s3://"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void bridgedKeysAreEncodedAsS3EncodesThemAndDecodeBack() {
    String key = "photos/My Holiday+Beach ü.jpg";
    String encoded = S3EventKeys.encode(key);
    assertThat(encoded).isEqualTo("photos/My+Holiday%2BBeach+%C3%BC.jpg");
    assertThat(S3EventKeys.decode(encoded)).isEqualTo(key);
  }

  @Test
  void theProgressLineShowsCountRateAndBar() {
    String line = Progress.line(25, 100, 5.0, "objects");
    assertThat(line)
        .contains("25/100 objects")
        .contains("25%")
        .contains("5.0/s")
        .contains("eta 15s");
    assertThat(line).contains("[" + "#".repeat(8));
    assertThat(Progress.line(0, 0, 0, "images")).contains("0/0 images");
  }

  @Test
  void manifestKeysArePercentEncodedSoNoCommaOrSpaceBreaksALine() {
    String line = BatchManifest.line("b", "photos/My Holiday+Beach ü,1.jpg", null);
    assertThat(line).isEqualTo("b,photos/My%20Holiday%2BBeach%20%C3%BC%2C1.jpg\n");
    assertThat(S3EventKeys.decode("photos/My%20Holiday%2BBeach%20%C3%BC%2C1.jpg"))
        .as("the tagger decodes it back")
        .isEqualTo("photos/My Holiday+Beach ü,1.jpg");
    assertThat(BatchManifest.line("b", "k", "3HL4kqtJ")).isEqualTo("b,k,3HL4kqtJ\n");
  }

  @Test
  void completionReportRowsOfAwsExamplesAreCounted() throws Exception {
    // Rows as the user guide's completion report examples print them (HTTP status before the
    // error code, a quoted message with doubled quotes), plus the tagger's own result strings.
    String report =
        "awsexamplebucket1,image_14975,,failed,200,PermanentFailure,\"Lambda returned function"
            + " error: {\"\"errorMessage\"\":\"\"Task timed out after 3.00 seconds\"\"}\"\n"
            + "b,photos/a.jpg,,succeeded,200,,classified\n"
            + "b,photos/b.jpg,3HL4kqtJ,succeeded,200,,skipped:corrupt-image\r\n"
            + "b,photos/c.jpg,,failed,200,TemporaryFailure,provider-throttled";
    CompletionReport.Counter counter = new CompletionReport.Counter();

    CompletionReport.Csv.rows(new BufferedReader(new StringReader(report)), counter);

    assertThat(counter.succeeded).isEqualTo(2);
    assertThat(counter.failed).isEqualTo(2);
    assertThat(counter.outcomes).containsEntry("classified", 1L).containsEntry("skipped", 1L);
    assertThat(counter.reasons).containsEntry("skipped:corrupt-image", 1L);
    assertThat(counter.failures)
        .containsEntry(
            "PermanentFailure Lambda returned function error: {\"errorMessage\":\"Task timed out"
                + " after 3.00 seconds\"}",
            1L)
        .containsEntry("TemporaryFailure provider-throttled", 1L);
    assertThat(counter.failedSample.getFirst()).startsWith("s3://awsexamplebucket1/image_14975 (");
  }

  @Test
  void theJobProgressLineShowsSucceededFailedRateAndEta() {
    var state =
        new BatchJobs.JobState(
            "job-1", "Active", 1000, 240, 10, Duration.ofSeconds(50), null, null, List.of(), null);
    assertThat(BatchReports.progressLine(state))
        .contains("250/1000 tasks")
        .contains("25%")
        .contains("succeeded 240")
        .contains("failed 10")
        .contains("5.0/s")
        .contains("eta 150s")
        .contains("Active");
  }

  @Test
  void theTemplatesBatchOperationsRoleCoversTheFoldersTheToolUses() throws Exception {
    // template.yaml grants the role read on manifests and write on reports under these folders.
    String template = Files.readString(Path.of("../template.yaml"));
    assertThat(template)
        .contains("${BackfillJobBucket.Arn}/" + BatchBackfill.MANIFEST_FOLDER + "*")
        .contains("${BackfillJobBucket.Arn}/" + BatchBackfill.REPORT_PREFIX + "/*");
  }
}
