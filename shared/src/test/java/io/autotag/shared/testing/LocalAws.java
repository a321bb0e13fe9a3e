package io.autotag.shared.testing;

import io.autotag.emulators.LoopbackS3;
import io.autotag.emulators.LoopbackSqs;
import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.aws.AwsSettings;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.config.Settings;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

/**
 * Real S3 and SQS protocol servers in this JVM, on free loopback ports: LocalS3 (in memory) and
 * ElasticMQ, started as {@code autotag serve} starts them ({@link LoopbackS3}, {@link LoopbackSqs}:
 * 127.0.0.1 only, request buffers released). Gives the environment map a function needs to talk to
 * them and clients with dummy credentials.
 */
public final class LocalAws implements AutoCloseable {

  public static final String REGION = "us-east-1";
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));

  private final LoopbackS3 s3Server;
  private final LoopbackSqs sqsServer;
  private final AwsClients clients;

  private LocalAws(LoopbackS3 s3Server, LoopbackSqs sqsServer) {
    this.s3Server = s3Server;
    this.sqsServer = sqsServer;
    this.clients = clients(env());
  }

  /** Starts both servers; nothing is left running if one fails. */
  public static LocalAws start() {
    LoopbackS3 s3 = LoopbackS3.start(0, 8);
    try {
      return new LocalAws(s3, LoopbackSqs.start(0));
    } catch (RuntimeException | Error e) {
      s3.close();
      throw e;
    }
  }

  /** The AWS part of a function's environment, pointing at these servers. */
  public Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", REGION);
    env.put("AWS_ENDPOINT_URL_S3", s3Server.endpoint().toString());
    env.put("AWS_ENDPOINT_URL_SQS", sqsServer.endpoint().toString());
    return env;
  }

  /** Clients for {@code env} with dummy credentials (the servers accept any). */
  public static AwsClients clients(Map<String, String> env) {
    Settings settings = Settings.of(env);
    AwsSettings aws = AwsSettings.from(settings);
    settings.check();
    return AwsClients.create(aws, CREDENTIALS);
  }

  /**
   * Clients for S3 and SQS at these endpoints (a running local stack's, say) in {@link #REGION},
   * with dummy credentials.
   */
  public static AwsClients clients(URI s3, URI sqs) {
    return clients(
        Map.of(
            "AWS_REGION", REGION,
            "AWS_ENDPOINT_URL_S3", s3.toString(),
            "AWS_ENDPOINT_URL_SQS", sqs.toString()));
  }

  /** Builds clients the way a function's wiring does, but with dummy credentials. */
  public static AwsClients clients(AwsSettings settings) {
    return AwsClients.create(settings, CREDENTIALS);
  }

  public AwsClients clients() {
    return clients;
  }

  public void createBucket(String bucket, boolean versioned) {
    clients.s3().createBucket(b -> b.bucket(bucket));
    if (versioned) {
      clients
          .s3()
          .putBucketVersioning(
              b -> b.bucket(bucket).versioningConfiguration(v -> v.status("Enabled")));
    }
  }

  /**
   * Uploads {@code body} with {@code userTags} as the upload's own tags ({@code x-amz-tagging}) and
   * returns the object as S3 answered (version and eTag).
   */
  public ObjectRef upload(String bucket, String key, byte[] body, Map<String, String> userTags) {
    String tagging =
        userTags.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    PutObjectResponse put =
        clients
            .s3()
            .putObject(
                b -> b.bucket(bucket).key(key).tagging(tagging.isEmpty() ? null : tagging),
                RequestBody.fromBytes(body));
    return ObjectRef.of(bucket, key, put.versionId(), put.eTag(), (long) body.length);
  }

  public String createQueue(String name) {
    return clients.sqs().createQueue(b -> b.queueName(name)).queueUrl();
  }

  /** Creates a queue whose messages move to {@code deadLetterArn} after {@code maxReceives}. */
  public String createQueue(String name, String deadLetterQueueUrl, int maxReceives) {
    String arn =
        clients
            .sqs()
            .getQueueAttributes(
                b -> b.queueUrl(deadLetterQueueUrl).attributeNames(QueueAttributeName.QUEUE_ARN))
            .attributes()
            .get(QueueAttributeName.QUEUE_ARN);
    return clients
        .sqs()
        .createQueue(
            b ->
                b.queueName(name)
                    .attributes(
                        Map.of(
                            QueueAttributeName.REDRIVE_POLICY,
                            "{\"deadLetterTargetArn\":\""
                                + arn
                                + "\",\"maxReceiveCount\":\""
                                + maxReceives
                                + "\"}",
                            QueueAttributeName.VISIBILITY_TIMEOUT,
                            "1")))
        .queueUrl();
  }

  /** Sends every body to the queue, 10 a call. */
  public void sendAll(String queueUrl, List<String> bodies) {
    for (int from = 0; from < bodies.size(); from += 10) {
      List<String> chunk = bodies.subList(from, Math.min(bodies.size(), from + 10));
      List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
      for (int i = 0; i < chunk.size(); i++) {
        entries.add(
            SendMessageBatchRequestEntry.builder().id("m" + i).messageBody(chunk.get(i)).build());
      }
      clients.sqs().sendMessageBatch(b -> b.queueUrl(queueUrl).entries(entries));
    }
  }

  /**
   * Receives up to 10 messages with their attributes (receive count...), waiting up to {@code
   * waitSeconds}.
   */
  public List<Message> receive(String queueUrl, int waitSeconds) {
    return clients
        .sqs()
        .receiveMessage(
            b ->
                b.queueUrl(queueUrl)
                    .maxNumberOfMessages(10)
                    .waitTimeSeconds(waitSeconds)
                    .messageSystemAttributeNamesWithStrings("All"))
        .messages();
  }

  /** Deletes these received messages (at most 10), as Lambda's SQS event source does. */
  public void deleteAll(String queueUrl, List<Message> messages) {
    if (messages.isEmpty()) {
      return;
    }
    clients
        .sqs()
        .deleteMessageBatch(
            b ->
                b.queueUrl(queueUrl)
                    .entries(
                        messages.stream()
                            .map(
                                m ->
                                    DeleteMessageBatchRequestEntry.builder()
                                        .id(m.messageId())
                                        .receiptHandle(m.receiptHandle())
                                        .build())
                            .toList()));
  }

  /** Receives and deletes every message now visible on the queue. */
  public List<Message> drain(String queueUrl) {
    List<Message> all = new ArrayList<>();
    while (true) {
      List<Message> batch =
          clients
              .sqs()
              .receiveMessage(
                  b ->
                      b.queueUrl(queueUrl)
                          .maxNumberOfMessages(10)
                          .waitTimeSeconds(0)
                          .messageSystemAttributeNamesWithStrings("All"))
              .messages();
      if (batch.isEmpty()) {
        return all;
      }
      for (Message message : batch) {
        clients
            .sqs()
            .deleteMessage(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle()));
      }
      all.addAll(batch);
    }
  }

  @Override
  public void close() {
    try (s3Server;
        sqsServer) {
      clients.close();
    }
  }
}
