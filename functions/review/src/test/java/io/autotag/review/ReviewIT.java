package io.autotag.review;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.autotag.review.TestReview.Client;
import io.autotag.review.TestReview.Response;
import io.autotag.shared.classify.Label;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.pipeline.Outcome;
import io.autotag.shared.pipeline.PipelineSettings;
import io.autotag.shared.pipeline.S3Objects;
import io.autotag.shared.pipeline.TaggingPipeline;
import io.autotag.shared.pipeline.WorkItem;
import io.autotag.shared.review.Feedback;
import io.autotag.shared.review.ReviewMessage;
import io.autotag.shared.review.SqsReviewQueue;
import io.autotag.shared.secrets.KeyHashes;
import io.autotag.shared.secrets.Secret;
import io.autotag.shared.tagging.TagSchema;
import io.autotag.shared.testing.CapturedMetrics;
import io.autotag.shared.testing.FakeClassifier;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.ObjectTags;
import io.autotag.shared.testing.TestImages;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.PutObjectTaggingRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.Tag;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * The review function against real S3 and SQS protocol servers (LocalS3, ElasticMQ), with items
 * queued by the real tagging pipeline: claim, verdict, release, lease expiry, stale and deleted
 * content, forged tokens, tag limits, repeated verdicts, a failed tag write, duplicates, and the
 * tagger's redelivery after a verdict.
 */
class ReviewIT {

  static final String BUCKET = "uploads";
  static final String VERSIONED = "uploads-versioned";
  static final TagSchema SCHEMA = new TagSchema("autotag:", 0.3, 5);
  static final byte[] PHOTO = TestImages.jpeg(Color.ORANGE);
  static final ObjectMapper JSON = new ObjectMapper();

  static LocalAws aws;
  static FakeClassifier classifier;
  static int queues;

  String queueUrl;
  TaggingPipeline tagger;
  ReviewWiring wiring;
  ReviewHandler handler;
  Client alice;
  Client bob;

  /** The function's EMF metrics (AUTOTAG_METRICS=emf), each line checked against the spec. */
  CapturedMetrics metrics;

  /** When above zero, that many tag writes by the review function fail with a 500. */
  final AtomicInteger failTagWrites = new AtomicInteger();

  @BeforeAll
  static void startServers() {
    aws = LocalAws.start();
    aws.createBucket(BUCKET, false);
    aws.createBucket(VERSIONED, true);
    aws.createBucket("feedback", false);
    classifier = new FakeClassifier().defaultAnswer(new Label("cat", 0.31), new Label("dog", 0.12));
  }

  @AfterAll
  static void stopServers() {
    aws.close();
  }

  @BeforeEach
  void freshQueueAndFunction() {
    queueUrl = fifoQueue("review-" + (++queues));
    start(queueUrl);
    tagger =
        new TaggingPipeline(
            new S3Objects(aws.clients().s3(), aws.clients().s3Presigner()),
            classifier,
            SCHEMA,
            new SqsReviewQueue(aws.clients().sqs(), queueUrl, JSON),
            new PipelineSettings(0.5, 4, PipelineSettings.DEFAULT_MAX_OBJECT_BYTES, false, null),
            Clock.systemUTC());
  }

  void start(String queue, String... overrides) {
    if (wiring != null) {
      wiring.close();
    }
    ExecutionInterceptor failingTagWrite =
        new ExecutionInterceptor() {
          @Override
          public void beforeExecution(
              Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof PutObjectTaggingRequest
                && failTagWrites.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
              throw S3Exception.builder().statusCode(500).message("injected").build();
            }
          }
        };
    List<String> settings =
        new ArrayList<>(
            List.of("AUTOTAG_FEEDBACK_PREFIX", feedbackPrefix(), "AUTOTAG_METRICS", "emf"));
    metrics = new CapturedMetrics();
    settings.addAll(List.of(overrides));
    wiring =
        TestReview.wiring(
            TestReview.env(aws.env(), queue, settings.toArray(String[]::new)),
            Clock.systemUTC(),
            metrics,
            failingTagWrite);
    handler = new ReviewHandler(wiring);
    alice = new Client(handler, TestReview.ALICE_KEY);
    bob = new Client(handler, TestReview.BOB_KEY);
  }

  @AfterEach
  void closeFunction() {
    tagger.close();
    wiring.close();
    wiring = null;
  }

  // ---- claim ---------------------------------------------------------------------------------

  @Test
  void claimAnswersTheItemWithATokenAnImageUrlThePredictionsAndTheUserTags() throws Exception {
    ObjectRef ref = upload(BUCKET, "photos/Holiday beach ü.jpg", Map.of("album", "summer"));
    queue(ref);

    List<JsonNode> items = alice.claim(3);

    assertThat(items).hasSize(1);
    JsonNode item = items.getFirst();
    assertThat(item.path("token").asText()).contains(".");
    assertThat(item.path("bucket").asText()).isEqualTo(BUCKET);
    assertThat(item.path("key").asText()).isEqualTo("photos/Holiday beach ü.jpg");
    assertThat(item.path("eTag").asText()).isEqualTo(ref.eTag().orElseThrow());
    assertThat(item.path("size").asLong()).isEqualTo(PHOTO.length);
    assertThat(item.path("contentType").asText()).isEqualTo("image/jpeg");
    assertThat(item.path("reason").asText()).isEqualTo("low-confidence");
    assertThat(item.path("model").asText()).isEqualTo("fake/scripted");
    assertThat(item.path("predictions").get(0).path("label").asText()).isEqualTo("cat");
    assertThat(item.path("predictions").get(0).path("confidence").asDouble()).isEqualTo(0.31);
    assertThat(item.path("userTags").toString()).contains("album").doesNotContain("autotag:");
    assertThat(item.path("uploadedAt").asText()).isNotBlank();
    // The presigned URL really serves the image, without credentials.
    HttpResponse<byte[]> image =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(item.path("imageUrl").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertThat(image.statusCode()).isEqualTo(200);
    assertThat(image.body()).isEqualTo(PHOTO);
    // Leased: nobody else sees it.
    assertThat(bob.claim(3)).isEmpty();
  }

  @Test
  void withoutValidCredentialsNothingIsClaimedShownOrWritten() {
    queue(upload(BUCKET, "locked.jpg", Map.of()));

    Response none = new Client(handler, null).post("/review/api/claim", Map.of("count", 1));
    Response wrong = new Client(handler, "not-a-key").post("/review/api/claim", Map.of("count", 1));
    Response stats = new Client(handler, "not-a-key").get("/review/api/stats");

    assertThat(List.of(none.status(), wrong.status(), stats.status())).containsOnly(401);
    assertThat(none.code()).isEqualTo("unauthorized");
    assertThat(none.headers().path("www-authenticate").asText()).isEqualTo("Bearer");
    assertThat(visible()).isEqualTo(1);
    assertThat(alice.claim(1)).hasSize(1);
  }

  @Test
  void claimCountIsChecked() {
    assertThat(alice.post("/review/api/claim", Map.of("count", 11)).status()).isEqualTo(400);
    assertThat(alice.post("/review/api/claim", Map.of("count", 0)).status()).isEqualTo(400);
    assertThat(alice.call("POST", "/review/api/claim", "{\"count\":1,\"count\":2}").status())
        .isEqualTo(400);
    assertThat(alice.call("POST", "/review/api/claim", "{\"count\":1} trailing").status())
        .isEqualTo(400);
    assertThat(alice.call("POST", "/review/api/claim", "[1]").status()).isEqualTo(400);
  }

  // ---- verdict -------------------------------------------------------------------------------

  @Test
  void verdictBecomesTheTagsAndAFeedbackObjectAndOnlyThenTheMessageGoes() throws Exception {
    ObjectRef ref = upload(VERSIONED, "judged.jpg", Map.of("album", "summer"));
    queue(ref);
    JsonNode item = alice.claim(1).getFirst();

    Response verdict =
        alice.post(
            "/review/api/verdict",
            Map.of("token", token(item), "labels", List.of("dog", "frisbee"), "note", "a puppy"));

    assertThat(verdict.status()).as(verdict.toString()).isEqualTo(200);
    assertThat(verdict.json().path("result").asText()).isEqualTo("recorded");
    Map<String, String> tags = tags(ref);
    assertThat(tags)
        .containsEntry("album", "summer")
        .containsEntry("autotag:status", "reviewed")
        .containsEntry("autotag:label", "dog")
        .containsEntry("autotag:labels", "dog/frisbee")
        .containsEntry("autotag:etag", ref.eTag().orElseThrow())
        .containsEntry("autotag:reviewer", "alice")
        .containsKey("autotag:reviewed")
        .doesNotContainKeys("autotag:confidence", "autotag:model");
    List<Feedback> feedback = feedback();
    assertThat(feedback).hasSize(1);
    Feedback record = feedback.getFirst();
    assertThat(record.schema()).isEqualTo("autotag.feedback/1");
    assertThat(record.key()).isEqualTo("judged.jpg");
    assertThat(record.versionId()).isEqualTo(ref.versionId().orElseThrow());
    assertThat(record.eTag()).isEqualTo(ref.eTag().orElseThrow());
    assertThat(record.labels()).containsExactly("dog", "frisbee");
    assertThat(record.modelLabel()).contains("cat");
    assertThat(record.note()).isEqualTo("a puppy");
    assertThat(record.reviewer()).isEqualTo("alice");
    assertThat(verdict.json().path("feedbackKey").asText())
        .isEqualTo(record.objectKey(feedbackPrefix()));
    assertThat(inFlight() + visible()).isZero();
    assertThat(metrics.sum("Verdicts", Map.of("Result", "labelled"))).isEqualTo(1);
    assertThat(
            metrics.sum("Requests", Map.of("Route", "/review/api/verdict", "StatusClass", "2xx")))
        .isEqualTo(1);
    assertThat(metrics.sum("Requests", Map.of("Route", "/review/api/claim"))).isEqualTo(1);
    assertThat(String.join("\n", metrics.lines())).doesNotContain("judged.jpg", "alice", "dog");
  }

  @Test
  void noneOfTheseIsAVerdictToo() {
    ObjectRef ref = upload(BUCKET, "nothing.jpg", Map.of());
    queue(ref);

    Response verdict =
        alice.post(
            "/review/api/verdict", Map.of("token", token(alice.claim(1).getFirst()), "none", true));

    assertThat(verdict.status()).isEqualTo(200);
    assertThat(tags(ref))
        .containsEntry("autotag:status", "reviewed")
        .doesNotContainKeys("autotag:label", "autotag:labels");
    assertThat(feedback().getFirst().noneOfThese()).isTrue();
  }

  @Test
  void verdictInputIsChecked() {
    queue(upload(BUCKET, "checked.jpg", Map.of()));
    String token = token(alice.claim(1).getFirst());

    assertThat(alice.post("/review/api/verdict", Map.of("token", token)).status()).isEqualTo(400);
    assertThat(
            alice
                .post(
                    "/review/api/verdict",
                    Map.of("token", token, "none", true, "labels", List.of("x")))
                .status())
        .isEqualTo(400);
    assertThat(
            alice
                .post(
                    "/review/api/verdict",
                    Map.of("token", token, "labels", List.of("x".repeat(65))))
                .status())
        .isEqualTo(400);
    assertThat(alice.post("/review/api/verdict", Map.of("labels", List.of("x"))).status())
        .isEqualTo(400);
    assertThat(inFlight()).isEqualTo(1);
  }

  @Test
  void repeatedVerdictIsHarmless() {
    ObjectRef ref = upload(BUCKET, "twice.jpg", Map.of());
    queue(ref);
    String token = token(alice.claim(1).getFirst());
    Map<String, Object> body = Map.of("token", token, "labels", List.of("dog"));

    Response first = alice.post("/review/api/verdict", body);
    Map<String, String> after = tags(ref);
    Response second = alice.post("/review/api/verdict", body);

    assertThat(first.status()).isEqualTo(200);
    assertThat(second.status()).isEqualTo(200);
    assertThat(tags(ref)).containsEntry("autotag:label", "dog").hasSameSizeAs(after);
    assertThat(feedback()).hasSize(1);
  }

  @Test
  void failedTagWriteLosesNothing() {
    ObjectRef ref = upload(BUCKET, "flaky.jpg", Map.of());
    queue(ref);
    String token = token(alice.claim(1).getFirst());
    // The SDK retries a 500 itself: fail more than it tries.
    failTagWrites.set(10);

    Response failed =
        alice.post("/review/api/verdict", Map.of("token", token, "labels", List.of("dog")));

    assertThat(failed.status()).isEqualTo(503);
    assertThat(failed.code()).isEqualTo("not-saved");
    assertThat(tags(ref)).containsEntry("autotag:status", "review");
    assertThat(inFlight()).isEqualTo(1);
    // The same verdict again, once S3 behaves, goes through.
    failTagWrites.set(0);
    assertThat(
            alice
                .post("/review/api/verdict", Map.of("token", token, "labels", List.of("dog")))
                .status())
        .isEqualTo(200);
    assertThat(tags(ref)).containsEntry("autotag:status", "reviewed");
    assertThat(inFlight() + visible()).isZero();
    assertThat(metrics.sum("Verdicts", Map.of("Result", "not-saved"))).isEqualTo(1);
    assertThat(metrics.sum("Verdicts", Map.of("Result", "labelled"))).isEqualTo(1);
    assertThat(
            metrics.sum("Requests", Map.of("Route", "/review/api/verdict", "StatusClass", "5xx")))
        .isEqualTo(1);
  }

  @Test
  void failedTagWriteWithoutARetryBringsTheItemBackAfterItsLease() throws Exception {
    start(queueUrl, "AUTOTAG_REVIEW_LEASE_SECONDS", "1");
    ObjectRef ref = upload(BUCKET, "comes-back.jpg", Map.of());
    queue(ref);
    String token = token(alice.claim(1).getFirst());
    failTagWrites.set(10);
    assertThat(
            alice
                .post("/review/api/verdict", Map.of("token", token, "labels", List.of("dog")))
                .status())
        .isEqualTo(503);
    failTagWrites.set(0);

    List<JsonNode> again = awaitClaim(bob);

    assertThat(again).hasSize(1);
    assertThat(again.getFirst().path("key").asText()).isEqualTo("comes-back.jpg");
  }

  // ---- tag limits ----------------------------------------------------------------------------

  @Test
  void eightUserTagsLeaveRoomForStatusAndLabelOnly() {
    Map<String, String> eight = userTags(8);
    ObjectRef ref = upload(BUCKET, "crowded.jpg", eight);
    queue(ref);

    alice.post(
        "/review/api/verdict",
        Map.of("token", token(alice.claim(1).getFirst()), "labels", List.of("dog", "cat")));

    Map<String, String> tags = tags(ref);
    assertThat(tags).hasSize(10).containsAllEntriesOf(eight);
    assertThat(tags)
        .containsEntry("autotag:status", "reviewed")
        .containsEntry("autotag:label", "dog");
  }

  @Test
  void tenUserTagsAreLeftAloneAndTheVerdictLivesInTheFeedback() {
    Map<String, String> ten = userTags(10);
    ObjectRef ref = upload(BUCKET, "full.jpg", ten);
    queue(ref);
    List<JsonNode> items = alice.claim(1);
    assertThat(items).hasSize(1);

    Response verdict =
        alice.post(
            "/review/api/verdict",
            Map.of("token", token(items.getFirst()), "labels", List.of("dog")));

    assertThat(verdict.status()).isEqualTo(200);
    assertThat(verdict.json().path("tagged").asBoolean()).isFalse();
    assertThat(tags(ref)).isEqualTo(ten);
    assertThat(feedback()).extracting(Feedback::key).containsExactly("full.jpg");
    assertThat(inFlight() + visible()).isZero();
  }

  // ---- release, extend, leases ---------------------------------------------------------------

  @Test
  void releasedItemGoesToTheNextReviewer() {
    queue(upload(BUCKET, "released.jpg", Map.of()));
    String token = token(alice.claim(1).getFirst());

    Response release = alice.post("/review/api/release", Map.of("token", token));

    assertThat(release.status()).isEqualTo(200);
    assertThat(bob.claim(1))
        .extracting(i -> i.path("key").asText())
        .containsExactly("released.jpg");
  }

  @Test
  void skippedItemStaysAwayForTheDelay() {
    queue(upload(BUCKET, "skipped.jpg", Map.of()));
    String token = token(alice.claim(1).getFirst());

    alice.post("/review/api/release", Map.of("token", token, "delaySeconds", 60));

    assertThat(bob.claim(1)).isEmpty();
    assertThat(
            alice.post("/review/api/release", Map.of("token", token, "delaySeconds", 901)).status())
        .isEqualTo(400);
  }

  @Test
  void leaseExpiryLetsAnotherReviewerClaimAndTheOldLeaseIsLost() throws Exception {
    start(queueUrl, "AUTOTAG_REVIEW_LEASE_SECONDS", "1");
    queue(upload(BUCKET, "expired.jpg", Map.of()));
    String aliceToken = token(alice.claim(1).getFirst());

    List<JsonNode> bobs = awaitClaim(bob);

    assertThat(bobs).extracting(i -> i.path("key").asText()).containsExactly("expired.jpg");
    assertThat(bobs.getFirst().path("receiveCount").asInt()).isEqualTo(2);
    Response extend = alice.post("/review/api/extend", Map.of("token", aliceToken, "seconds", 60));
    assertThat(extend.status()).as(extend.toString()).isEqualTo(409);
    assertThat(extend.code()).isEqualTo("lease-lost");
  }

  @Test
  void extendingKeepsTheItem() throws Exception {
    start(queueUrl, "AUTOTAG_REVIEW_LEASE_SECONDS", "1");
    queue(upload(BUCKET, "kept.jpg", Map.of()));
    String token = token(alice.claim(1).getFirst());

    Response extend = alice.post("/review/api/extend", Map.of("token", token, "seconds", 60));
    Thread.sleep(1500);

    assertThat(extend.status()).isEqualTo(200);
    assertThat(bob.claim(1)).isEmpty();
  }

  // ---- content that changed or went away -----------------------------------------------------

  @Test
  void replacedContentIsNeverTaggedWithTheVerdict() {
    ObjectRef old = upload(BUCKET, "replaced.jpg", Map.of());
    queue(old);
    String token = token(alice.claim(1).getFirst());
    ObjectRef now =
        upload(BUCKET, "replaced.jpg", TestImages.png(Color.GREEN), Map.of("mine", "yes"));

    Response verdict =
        alice.post("/review/api/verdict", Map.of("token", token, "labels", List.of("dog")));

    assertThat(verdict.status()).isEqualTo(409);
    assertThat(verdict.code()).isEqualTo("stale");
    assertThat(tags(now)).isEqualTo(Map.of("mine", "yes"));
    assertThat(feedback()).isEmpty();
    assertThat(inFlight() + visible()).isZero();
  }

  @Test
  void newVersionMakesTheQueuedVersionStale() {
    ObjectRef v1 = upload(VERSIONED, "versions.jpg", Map.of());
    queue(v1);
    String token = token(alice.claim(1).getFirst());
    upload(VERSIONED, "versions.jpg", TestImages.png(Color.GREEN), Map.of());

    Response verdict =
        alice.post("/review/api/verdict", Map.of("token", token, "labels", List.of("dog")));

    assertThat(verdict.code()).isEqualTo("stale");
    assertThat(tags(v1)).containsEntry("autotag:status", "review");
  }

  @Test
  void deletedObjectIsGoneAtVerdictAndAtClaim() {
    ObjectRef first = upload(BUCKET, "deleted-later.jpg", Map.of());
    queue(first);
    String token = token(alice.claim(1).getFirst());
    aws.clients().s3().deleteObject(b -> b.bucket(BUCKET).key("deleted-later.jpg"));

    Response verdict =
        alice.post("/review/api/verdict", Map.of("token", token, "labels", List.of("dog")));

    assertThat(verdict.status()).isEqualTo(410);
    assertThat(verdict.code()).isEqualTo("gone");
    assertThat(inFlight() + visible()).isZero();

    queue(upload(BUCKET, "deleted-before.jpg", Map.of()));
    aws.clients().s3().deleteObject(b -> b.bucket(BUCKET).key("deleted-before.jpg"));
    Response claim = alice.post("/review/api/claim", Map.of("count", 1));
    assertThat(claim.json().path("items")).isEmpty();
    assertThat(claim.json().path("gone").asInt()).isEqualTo(1);
    assertThat(inFlight() + visible()).isZero();
  }

  @Test
  void deleteMarkerOnAVersionedKeyIsGone() {
    queue(upload(VERSIONED, "marked.jpg", Map.of()));
    aws.clients().s3().deleteObject(b -> b.bucket(VERSIONED).key("marked.jpg"));

    Response claim = alice.post("/review/api/claim", Map.of("count", 1));

    assertThat(claim.json().path("gone").asInt()).isEqualTo(1);
  }

  // ---- tokens --------------------------------------------------------------------------------

  @Test
  void forgedOrAlteredTokensAreRefusedAndNothingIsWritten() throws Exception {
    ObjectRef ref = upload(BUCKET, "guarded.jpg", Map.of());
    queue(ref);
    String token = token(alice.claim(1).getFirst());
    String payload = token.substring(0, token.indexOf('.'));
    String signature = token.substring(token.indexOf('.') + 1);
    // Another object named in an otherwise untouched payload.
    String altered =
        Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(
                new String(Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8)
                    .replace("guarded.jpg", "other.jpg")
                    .getBytes(StandardCharsets.UTF_8));
    ItemTokens otherKey =
        new ItemTokens(
            Secret.literal("k", "another-key-that-is-long-enough-000"), JSON, Clock.systemUTC());
    String signedElsewhere =
        otherKey.issue(
            new ItemToken("handle", "id", "alice", Instant.now(), parse(payload).message()));

    for (String forged :
        List.of(altered + "." + signature, payload + ".AAAA", "garbage", signedElsewhere, "")) {
      Response verdict =
          alice.post("/review/api/verdict", Map.of("token", forged, "labels", List.of("dog")));
      assertThat(verdict.status()).as(forged).isEqualTo(403);
      assertThat(verdict.code()).isEqualTo("invalid-token");
    }
    assertThat(tags(ref)).containsEntry("autotag:status", "review");
    assertThat(inFlight()).isEqualTo(1);
  }

  @Test
  void anotherReviewersTokenIsRefused() {
    ObjectRef ref = upload(BUCKET, "alices.jpg", Map.of());
    queue(ref);
    String token = token(alice.claim(1).getFirst());

    Response verdict =
        bob.post("/review/api/verdict", Map.of("token", token, "labels", List.of("dog")));
    Response release = bob.post("/review/api/release", Map.of("token", token));

    assertThat(verdict.code()).isEqualTo("not-your-item");
    assertThat(release.code()).isEqualTo("not-your-item");
    assertThat(tags(ref)).containsEntry("autotag:status", "review");
  }

  // ---- duplicates of one object version ------------------------------------------------------

  @Test
  void twoCopiesOfOneVersionNeverReachTwoPeople() throws Exception {
    ObjectRef ref = upload(BUCKET, "copied.jpg", Map.of());
    queue(ref);
    sendCopy(ref); // what at-least-once delivery can still leave: a second message, later
    assertThat(visible() + inFlight()).isEqualTo(2);

    // Both reviewers claim at the same moment.
    ExecutorService two = Executors.newFixedThreadPool(2);
    List<Future<JsonNode>> claims = new ArrayList<>();
    for (Client reviewer : List.of(alice, bob)) {
      claims.add(
          two.submit(
              (Callable<JsonNode>)
                  () -> reviewer.post("/review/api/claim", Map.of("count", 10)).json()));
    }
    List<JsonNode> seen = new ArrayList<>();
    int dropped = 0;
    for (Future<JsonNode> claim : claims) {
      claim.get().path("items").forEach(seen::add);
      dropped += claim.get().path("duplicates").asInt();
    }
    two.shutdown();
    assertThat(seen).hasSize(1);

    // Whoever got it judges it; the other copy is then dropped, never shown.
    String token = token(seen.getFirst());
    Response verdict =
        alice.post("/review/api/verdict", Map.of("token", token, "labels", List.of("dog")));
    if (verdict.code().equals("not-your-item")) {
      verdict = bob.post("/review/api/verdict", Map.of("token", token, "labels", List.of("dog")));
    }
    assertThat(verdict.status()).isEqualTo(200);
    // The second copy was either in the same claim (SQS hands out a FIFO group's messages
    // together) and deleted there, or it is handed out now and dropped: the verdict is on the tags.
    Response later = bob.post("/review/api/claim", Map.of("count", 10));
    assertThat(later.json().path("items")).isEmpty();
    dropped +=
        later.json().path("alreadyReviewed").asInt() + later.json().path("duplicates").asInt();
    assertThat(dropped).isEqualTo(1);
    assertThat(visible() + inFlight()).isZero();
  }

  @Test
  void twoCopiesInOneClaimOnAStandardQueueBecomeOneItem() {
    String standard = aws.createQueue("review-standard-" + (++queues));
    start(standard);
    ObjectRef ref = upload(BUCKET, "twin.jpg", Map.of());
    SqsReviewQueue sender = new SqsReviewQueue(aws.clients().sqs(), standard, JSON);
    sender.sendAll(List.of(message(ref)));
    sender.sendAll(List.of(message(ref)));
    tagReview(ref);

    Response claim = alice.post("/review/api/claim", Map.of("count", 10));

    assertThat(claim.json().path("items")).as(claim.toString()).hasSize(1);
    assertThat(claim.json().path("duplicates").asInt()).isEqualTo(1);
  }

  @Test
  void itemTheTaggerHasNotTaggedYetWaits() {
    ObjectRef ref = upload(BUCKET, "in-progress.jpg", Map.of());
    // The message is out but the tagger's tag write has not happened yet.
    new SqsReviewQueue(aws.clients().sqs(), queueUrl, JSON).sendAll(List.of(message(ref)));

    Response claim = alice.post("/review/api/claim", Map.of("count", 1));

    assertThat(claim.json().path("items")).isEmpty();
    assertThat(claim.json().path("notReady").asInt()).isEqualTo(1);
    assertThat(inFlight() + visible()).isEqualTo(1);
  }

  // ---- the tagger after a verdict ------------------------------------------------------------

  @Test
  void taggerRedeliveryAfterAVerdictKeepsTheVerdict() {
    ObjectRef ref = upload(BUCKET, "redelivered.jpg", Map.of());
    queue(ref);
    alice.post(
        "/review/api/verdict",
        Map.of("token", token(alice.claim(1).getFirst()), "labels", List.of("dog")));

    var again = tagger.process(List.of(WorkItem.of(ref)));

    assertThat(again.getFirst().outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(tags(ref))
        .containsEntry("autotag:status", "reviewed")
        .containsEntry("autotag:label", "dog");
    assertThat(visible() + inFlight()).isZero();
  }

  // ---- stats, labels, identity ---------------------------------------------------------------

  @Test
  void statsCountTheQueueAndTodaysVerdicts() {
    queue(upload(BUCKET, "stat-1.jpg", Map.of()));
    queue(upload(BUCKET, "stat-2.jpg", Map.of()));
    queue(upload(BUCKET, "stat-3.jpg", Map.of()));
    List<JsonNode> two = alice.claim(2);
    alice.post("/review/api/verdict", Map.of("token", token(two.get(0)), "labels", List.of("dog")));
    int before = feedback().size();

    JsonNode stats = alice.get("/review/api/stats").json();

    assertThat(stats.path("visible").asLong()).isEqualTo(1);
    assertThat(stats.path("inFlight").asLong()).isEqualTo(1);
    assertThat(stats.path("verdictsToday").asLong()).isEqualTo(before);
  }

  @Test
  void labelsAreTheVocabularyPlusWhatReviewersAdded() {
    queue(upload(BUCKET, "new-label.jpg", Map.of()));
    alice.post(
        "/review/api/verdict",
        Map.of("token", token(alice.claim(1).getFirst()), "labels", List.of("axolotl")));

    JsonNode labels = bob.get("/review/api/labels").json().path("labels");

    assertThat(labels.toString()).contains("\"person\"", "\"toothbrush\"", "\"axolotl\"");
    assertThat(alice.get("/review/api/me").json().path("reviewer").asText()).isEqualTo("alice");
  }

  // ---- helpers -------------------------------------------------------------------------------

  static String fifoQueue(String name) {
    return aws.clients()
        .sqs()
        .createQueue(
            b ->
                b.queueName(name + ".fifo")
                    .attributes(Map.of(QueueAttributeName.FIFO_QUEUE, "true")))
        .queueUrl();
  }

  static ObjectRef upload(String bucket, String key, Map<String, String> userTags) {
    return upload(bucket, key, PHOTO, userTags);
  }

  static ObjectRef upload(String bucket, String key, byte[] body, Map<String, String> userTags) {
    return aws.upload(bucket, key, body, userTags);
  }

  /** The real tagger: tags the object {@code review} and queues its message. */
  void queue(ObjectRef ref) {
    var result = tagger.process(List.of(WorkItem.of(ref)));
    assertThat(result.getFirst().outcome()).isEqualTo(Outcome.REVIEW);
  }

  ReviewMessage message(ObjectRef ref) {
    return new ReviewMessage(
        ReviewMessage.SCHEMA,
        ref.bucket(),
        ref.key(),
        ref.versionId().orElse(null),
        ref.eTag().orElse(null),
        ref.size().orElse(null),
        "image/jpeg",
        "fake",
        "scripted",
        List.of(new ReviewMessage.Prediction("cat", 0.31)),
        0.5,
        "low-confidence",
        Instant.now().toString());
  }

  /** The tags the tagger writes with a review message. */
  void tagReview(ObjectRef ref) {
    aws.clients()
        .s3()
        .putObjectTagging(
            b ->
                b.bucket(ref.bucket())
                    .key(ref.key())
                    .tagging(
                        t ->
                            t.tagSet(
                                Tag.builder().key("autotag:status").value("review").build(),
                                Tag.builder()
                                    .key("autotag:etag")
                                    .value(ref.eTag().orElseThrow())
                                    .build())));
  }

  /** A second message for the same object version, as a late redelivery would send it. */
  void sendCopy(ObjectRef ref) throws Exception {
    String body = JSON.writeValueAsString(message(ref));
    aws.clients()
        .sqs()
        .sendMessage(
            b ->
                b.queueUrl(queueUrl)
                    .messageBody(body)
                    .messageGroupId(KeyHashes.sha256Hex(ref.bucket() + "/" + ref.key()))
                    .messageDeduplicationId("late-copy-" + System.nanoTime()));
  }

  static Map<String, String> userTags(int count) {
    Map<String, String> tags = new LinkedHashMap<>();
    for (int i = 0; i < count; i++) {
      tags.put("user-" + i, "value-" + i);
    }
    return tags;
  }

  static String token(JsonNode item) {
    return item.path("token").asText();
  }

  ItemToken parse(String payload) throws Exception {
    JsonNode node = JSON.readTree(Base64.getUrlDecoder().decode(payload));
    return new ItemToken(
        "h", "i", "alice", Instant.now(), JSON.treeToValue(node.path("m"), ReviewMessage.class));
  }

  static Map<String, String> tags(ObjectRef ref) {
    return ObjectTags.read(aws.clients().s3(), ref);
  }

  List<Feedback> feedback() {
    List<Feedback> all = new ArrayList<>();
    for (S3Object object :
        aws.clients()
            .s3()
            .listObjectsV2(b -> b.bucket("feedback").prefix(feedbackPrefix() + "date="))
            .contents()) {
      byte[] bytes =
          aws.clients()
              .s3()
              .getObjectAsBytes(b -> b.bucket("feedback").key(object.key()))
              .asByteArray();
      try {
        all.add(JSON.readValue(bytes, Feedback.class));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return all;
  }

  /** Each test writes its feedback under its own prefix. */
  String feedbackPrefix() {
    return "feedback-" + queues + "/";
  }

  long visible() {
    return attribute(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
  }

  long inFlight() {
    return attribute(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE);
  }

  long attribute(QueueAttributeName name) {
    return Long.parseLong(
        aws.clients()
            .sqs()
            .getQueueAttributes(b -> b.queueUrl(queueUrl).attributeNames(name))
            .attributes()
            .get(name));
  }

  static List<JsonNode> awaitClaim(Client reviewer) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      List<JsonNode> items = reviewer.claim(1);
      if (!items.isEmpty()) {
        return items;
      }
      Thread.sleep(200);
    }
    return List.of();
  }
}
