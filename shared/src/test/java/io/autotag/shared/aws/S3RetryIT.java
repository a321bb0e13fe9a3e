package io.autotag.shared.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.autotag.shared.classify.ObjectRef;
import io.autotag.shared.config.Settings;
import io.autotag.shared.pipeline.S3Objects;
import io.autotag.shared.tagging.ObjectTag;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A local server that answers a tag write the way S3 does when another conditional operation on the
 * object is in progress (409 OperationAborted), then succeeds: the write must be retried in place.
 */
class S3RetryIT {

  @Test
  void aTagWriteAbortedByAConflictingOperationIsRetried() throws Exception {
    AtomicInteger puts = new AtomicInteger();
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          boolean tagging =
              exchange.getRequestURI().getRawQuery() != null
                  && exchange.getRequestURI().getRawQuery().contains("tagging");
          if (tagging && "PUT".equals(exchange.getRequestMethod()) && puts.incrementAndGet() == 1) {
            byte[] body =
                ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>OperationAborted</Code>"
                        + "<Message>A conflicting conditional operation is currently in progress"
                        + " against this resource.</Message></Error>")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/xml");
            exchange.sendResponseHeaders(409, body.length);
            exchange.getResponseBody().write(body);
          } else {
            exchange.sendResponseHeaders(200, -1);
          }
          exchange.close();
        });
    server.start();
    Settings settings =
        Settings.of(
            Map.of(
                "AWS_REGION",
                "us-east-1",
                "AWS_ENDPOINT_URL_S3",
                "http://127.0.0.1:" + server.getAddress().getPort()));
    AwsSettings aws = AwsSettings.from(settings);
    settings.check();
    try (AwsClients clients =
        AwsClients.create(
            aws, StaticCredentialsProvider.create(AwsBasicCredentials.create("k", "s")))) {
      new S3Objects(clients.s3(), clients.s3Presigner())
          .writeTags(ObjectRef.of("bucket", "key.jpg"), List.of(new ObjectTag("a", "b")));
    } finally {
      server.stop(0);
    }

    assertThat(puts).hasValue(2);
  }
}
