package io.autotag.tagger;

import static org.assertj.core.api.Assertions.assertThat;

import io.autotag.shared.testing.FaultyS3;
import io.autotag.shared.testing.LocalAws;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Buffered mode with S3 failing in front of the tagger ({@link S3FaultScenario}: real SDK retries,
 * real SQS redeliveries and dead-letter queue): each object version is queued for review once, and
 * every object ends tagged or dead-lettered, with a reason tag wherever one can be written. Issue
 * 9's figures come from the same scenarios at full size: {@code functions/tagger/faults.sh}.
 */
class TaggerUnderS3FaultsIT {

  static LocalAws aws;
  static S3FaultScenario scenario;
  static byte[] photo;

  @BeforeAll
  static void start() throws IOException {
    aws = LocalAws.start();
    scenario = new S3FaultScenario(aws);
    photo = Files.readAllBytes(TaggerIT.EVENTS.resolve("sample.jpg"));
  }

  @AfterAll
  static void stop() {
    scenario.close();
    aws.close();
  }

  @Test
  void failedTagWritesAfterTheReviewMessageDoNotQueueItAgain() throws Exception {
    // The SDK makes 3 attempts a call: the first call of each object fails whole.
    S3FaultScenario.Figures figures =
        scenario.run(
            "first-writes",
            5,
            photo,
            FaultyS3.Fault.firstTagWrites(3, FaultyS3.Error.INTERNAL_ERROR));

    assertThat(figures.reviewMessages()).as(figures.toString()).isEqualTo(5);
    assertThat(figures.taggedReview()).isEqualTo(5);
    assertThat(figures.lost()).isZero();
  }

  @Test
  void aVersionWhoseTagWritesFailPastTheRetriesInPlaceIsStillQueuedOnce() throws Exception {
    // 5 calls of 3 attempts: every retry in place fails, so the message returns to the queue and
    // the redelivery finds the review already queued by this process.
    S3FaultScenario.Figures figures =
        scenario.run(
            "writes-down",
            2,
            photo,
            FaultyS3.Fault.firstTagWrites(15, FaultyS3.Error.INTERNAL_ERROR));

    assertThat(figures.invocations()).as(figures.toString()).isGreaterThan(1);
    assertThat(figures.reviewMessages()).isEqualTo(2);
    assertThat(figures.taggedReview()).isEqualTo(2);
    assertThat(figures.lost()).isZero();
  }

  @Test
  void randomS3FaultsQueueEachVersionOnceAndLoseNothing() throws Exception {
    S3FaultScenario.Figures figures =
        scenario.run("random", 40, photo, FaultyS3.Fault.random(0.3, 9));

    assertThat(figures.faultsInjected()).as(figures.toString()).isGreaterThan(20);
    assertThat(figures.duplicateReviewMessages()).isZero();
    assertThat(figures.lost()).isZero();
  }

  @Test
  void s3ErrorsOnEveryDeliveryEndTaggedFailedWithTheReasonAndDeadLettered() throws Exception {
    S3FaultScenario.Figures figures =
        scenario.run(
            "reads-down",
            1,
            photo,
            FaultyS3.Fault.objectReads("/photos/0.jpg", FaultyS3.Error.SLOW_DOWN));

    assertThat(figures.invocations()).as(figures.toString()).isEqualTo(3);
    assertThat(figures.taggedFailed()).isEqualTo(1);
    assertThat(figures.failedReasons()).containsEntry("s3-throttled", 1);
    assertThat(figures.deadLettered()).isEqualTo(1);
    assertThat(figures.reviewMessages()).isZero();
  }
}
