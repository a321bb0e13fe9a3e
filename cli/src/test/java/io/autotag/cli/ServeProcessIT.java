package io.autotag.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.autotag.shared.aws.AwsClients;
import io.autotag.shared.testing.LocalAws;
import io.autotag.shared.testing.ObjectTags;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * The built artifact as a user runs it: {@code ./autotag serve --ephemeral-ports} (the launcher,
 * then a child JVM with the real embedded model). An upload of {@code events/sample.jpg} gets
 * tagged {@code cat}; SIGTERM (what Ctrl-C's shutdown path runs too) stops it, leaving no process,
 * no open port and no warning on stderr.
 */
class ServeProcessIT {

  static final Pattern ENDPOINT = Pattern.compile("^\\s+(S3|SQS|API)\\s+(http://\\S+)");

  @Test
  void theJarServesTagsAndStopsCleanly(@TempDir Path dir) throws Exception {
    Path stderr = dir.resolve("stderr.txt");
    Path jar = Path.of("target/autotag.jar");
    assertThat(jar).exists();
    // The launcher rebuilds a jar older than any source; this one was just built from them (a
    // source saved while the build ran must not make the test build the tool again).
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now()));
    ProcessBuilder launcher =
        new ProcessBuilder(
                "bash", "../autotag", "serve", "--ephemeral-ports", "--status-seconds", "1")
            .redirectError(stderr.toFile());
    // The JDK running the tests; the launcher takes JAVA_HOME when it is a JDK >= 21.
    launcher.environment().put("JAVA_HOME", System.getProperty("java.home"));
    launcher.environment().remove("AUTOTAG_JAVA_OPTS");
    Process process = launcher.start();
    try {
      Map<String, URI> endpoints = new ConcurrentHashMap<>();
      List<String> statusLines = new CopyOnWriteArrayList<>();
      CountDownLatch ready = new CountDownLatch(1);
      Thread reader =
          Thread.ofPlatform()
              .daemon()
              .start(
                  () -> {
                    try (BufferedReader lines =
                        new BufferedReader(
                            new InputStreamReader(
                                process.getInputStream(), StandardCharsets.UTF_8))) {
                      String line;
                      while ((line = lines.readLine()) != null) {
                        Matcher m = ENDPOINT.matcher(line);
                        if (m.find()) {
                          endpoints.put(m.group(1), URI.create(m.group(2)));
                        }
                        if (line.contains("objects since start:")) {
                          statusLines.add(line);
                        }
                        if (line.contains("Ctrl-C stops everything")) {
                          ready.countDown();
                        }
                      }
                    } catch (IOException e) {
                      // The process ended.
                    }
                  });
      assertThat(ready.await(90, TimeUnit.SECONDS)).as("serve printed its endpoints").isTrue();
      assertThat(endpoints).containsKeys("S3", "SQS", "API");
      assertThat(endpoints.values()).allMatch(Await::listening);

      try (AwsClients clients =
          LocalAws.clients(
              Map.of(
                  "AWS_REGION", "us-east-1",
                  "AWS_ENDPOINT_URL_S3", endpoints.get("S3").toString(),
                  "AWS_ENDPOINT_URL_SQS", endpoints.get("SQS").toString()))) {
        byte[] sample = Files.readAllBytes(Path.of("../events/sample.jpg"));
        clients
            .s3()
            .putObject(
                b -> b.bucket(StackResources.BUCKET).key("photos/cat.jpg"),
                RequestBody.fromBytes(sample));
        Await.until(
            Duration.ofSeconds(60),
            "the tagger's tags",
            () -> tags(clients).containsKey("autotag:status"));
        // As in the README's tour: the embedded model is 0.91 sure of the sample's cat, above the
        // default review threshold (0.88), so it is tagged without a person.
        assertThat(tags(clients))
            .containsEntry("autotag:label", "cat")
            .containsEntry("autotag:status", "classified");
        assertThat(tags(clients).get("autotag:model")).startsWith("onnx/");
        // The live status line: printed when the counts change, from the tagger's metrics.
        Await.until(
            Duration.ofSeconds(30),
            "a status line with the photo tagged",
            () -> statusLines.stream().anyMatch(l -> l.contains("classified 1, review 0,")));
        assertThat(statusLines.getLast()).contains("dead letters: buffer 0, review 0");
        // A missing key is an ordinary S3 answer (404 NoSuchKey), not an emulator error: the user
        // sees no stack trace for it (the tagger meets one whenever an upload is deleted first).
        assertThatThrownBy(
                () -> ObjectTags.read(clients.s3(), StackResources.BUCKET, "photos/never-was.jpg"))
            .isInstanceOf(NoSuchKeyException.class);
      }
      List<ProcessHandle> children = process.descendants().toList();
      assertThat(children).as("serve starts no child processes").isEmpty();

      process.destroy(); // SIGTERM: the shutdown hook closes the stack
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("serve stopped").isTrue();
      reader.join(5000);
      assertThat(endpoints.values()).noneMatch(Await::listening);
      // No noise from start to stop: Java's sun.misc.Unsafe warnings about Pekko, Pekko's
      // CoordinatedShutdown warning, Netty's LEAK report, a stack trace, or a rebuild.
      List<String> noise =
          Files.readAllLines(stderr).stream()
              .filter(
                  line ->
                      line.startsWith("WARNING")
                          || line.contains(" WARN ")
                          || line.contains(" ERROR ")
                          || line.contains("CoordinatedShutdown")
                          || line.contains("LEAK")
                          || line.contains("Exception")
                          || line.contains("building"))
              .toList();
      assertThat(noise).as("stderr of serve").isEmpty();
    } finally {
      process.destroyForcibly();
    }
  }

  private static Map<String, String> tags(AwsClients clients) {
    return ObjectTags.read(clients.s3(), StackResources.BUCKET, "photos/cat.jpg");
  }
}
