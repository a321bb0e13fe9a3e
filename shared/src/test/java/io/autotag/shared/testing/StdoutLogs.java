package io.autotag.shared.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The lines a function's own {@code logback.xml} writes, captured: every event that reaches the
 * root logger while this is open, encoded by the encoder of the configured {@code STDOUT} appender
 * (the one Lambda's stdout gets), as text and parsed. Close it to detach.
 */
public final class StdoutLogs implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Logger root;
  private final Encoder<ILoggingEvent> encoder;
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  private StdoutLogs(Logger root, Encoder<ILoggingEvent> encoder) {
    this.root = root;
    this.encoder = encoder;
    events.setContext(root.getLoggerContext());
    events.start();
    root.addAppender(events);
  }

  /** Starts capturing; fails when the configuration has no {@code STDOUT} stream appender. */
  public static StdoutLogs start() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    if (!(root.getAppender("STDOUT") instanceof OutputStreamAppender<ILoggingEvent> stdout)) {
      throw new IllegalStateException("logback.xml has no STDOUT appender on the root logger");
    }
    return new StdoutLogs(root, stdout.getEncoder());
  }

  /** Every captured event as the line the function writes, newline included. */
  public List<String> lines() {
    return List.copyOf(events.list).stream()
        .map(event -> new String(encoder.encode(event), StandardCharsets.UTF_8))
        .toList();
  }

  /** Every line parsed. */
  public List<JsonNode> json() {
    return lines().stream().map(StdoutLogs::parse).toList();
  }

  /** The parsed lines whose {@code message} is {@code message}. */
  public List<JsonNode> withMessage(String message) {
    return json().stream().filter(line -> line.path("message").asText().equals(message)).toList();
  }

  private static JsonNode parse(String line) {
    try {
      return JSON.readTree(line);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + line, e);
    }
  }

  @Override
  public void close() {
    root.detachAppender(events);
    events.stop();
  }
}
