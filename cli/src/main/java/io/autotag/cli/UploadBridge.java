package io.autotag.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.autotag.local.LambdaEvents;
import io.autotag.shared.classify.ObjectRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Stands in for S3 event notifications, which the Java emulators do not send: every {@code
 * interval} it lists the bucket ({@code ListObjectsV2}, all pages) and, for each object whose
 * (eTag, last-modified, size) it has not bridged yet, sends the {@code ObjectCreated:Put}
 * notification S3 would send to the buffer queue, one record per message as S3 does.
 *
 * <p>Once per object version: an object is remembered as bridged only after its message was
 * accepted by the queue, and forgotten when it disappears from the listing (a later upload under
 * the same key is a new object). Limits, documented in {@code docs/local.md}: an upload is noticed
 * within one interval plus one listing; overwrites within one interval collapse into one event (S3
 * would send both, and the first would find newer content); each poll lists the whole bucket, so
 * its cost grows with the number of objects; deletions send nothing (the template subscribes to
 * {@code ObjectCreated} only).
 */
final class UploadBridge implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(UploadBridge.class);

  private final S3Client s3;
  private final String bucket;
  private final SqsClient sqs;
  private final String queueUrl;
  private final String region;
  private final ObjectMapper json;
  private final Map<String, String> bridged = new HashMap<>();
  private final AtomicLong events = new AtomicLong();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("autotag-upload-bridge").factory());
  private long sequence;

  UploadBridge(
      S3Client s3,
      String bucket,
      SqsClient sqs,
      String queueUrl,
      String region,
      ObjectMapper json) {
    this.s3 = s3;
    this.bucket = bucket;
    this.sqs = sqs;
    this.queueUrl = queueUrl;
    this.region = region;
    this.json = json;
  }

  void start(Duration interval) {
    timer.scheduleWithFixedDelay(this::pollSafely, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** How many notifications were sent. */
  long events() {
    return events.get();
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      if (timer.isShutdown()) {
        return; // close() interrupted a poll in flight: nothing went wrong.
      }
      log.atWarn().setCause(e).log("listing the bucket or sending events failed; retrying");
    }
  }

  /** One round: lists the bucket and sends the events of new object versions; returns how many. */
  synchronized int poll() {
    Map<String, S3Object> current = new HashMap<>();
    s3.listObjectsV2Paginator(b -> b.bucket(bucket))
        .contents()
        .forEach(object -> current.put(object.key(), object));
    bridged.keySet().retainAll(current.keySet());
    List<S3Object> fresh = new ArrayList<>();
    current.forEach(
        (key, object) -> {
          if (!version(object).equals(bridged.get(key))) {
            fresh.add(object);
          }
        });
    int sent = 0;
    for (int from = 0; from < fresh.size(); from += 10) {
      sent += send(fresh.subList(from, Math.min(fresh.size(), from + 10)));
    }
    return sent;
  }

  private int send(List<S3Object> objects) {
    List<SendMessageBatchRequestEntry> entries = new ArrayList<>(objects.size());
    for (int i = 0; i < objects.size(); i++) {
      entries.add(
          SendMessageBatchRequestEntry.builder()
              .id(Integer.toString(i))
              .messageBody(notification(objects.get(i)))
              .build());
    }
    var result = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
    Set<String> failed = new HashSet<>();
    result.failed().forEach(f -> failed.add(f.id()));
    int sent = 0;
    for (int i = 0; i < objects.size(); i++) {
      if (failed.contains(Integer.toString(i))) {
        continue; // not remembered: the next poll sends it again
      }
      S3Object object = objects.get(i);
      bridged.put(object.key(), version(object));
      sent++;
    }
    events.addAndGet(sent);
    return sent;
  }

  private static String version(S3Object object) {
    return object.eTag() + "|" + object.lastModified() + "|" + object.size();
  }

  /** The S3 event notification for a created object, as S3 writes it to an SQS queue. */
  String notification(S3Object object) {
    ObjectRef created = ObjectRef.of(bucket, object.key(), null, object.eTag(), object.size());
    ObjectNode event =
        LambdaEvents.s3ObjectCreated(
            json,
            region,
            created,
            String.valueOf(object.lastModified()),
            String.format(Locale.ROOT, "%016X", ++sequence));
    try {
      return json.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
