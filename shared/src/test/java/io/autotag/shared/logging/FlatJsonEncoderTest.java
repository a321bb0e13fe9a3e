package io.autotag.shared.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Real Logback events, built by a real logger through the SLF4J fluent API the code uses, encoded
 * and parsed back: one flat object per line, pairs at the top level with their JSON types.
 */
class FlatJsonEncoderTest {

  static final ObjectMapper JSON = new ObjectMapper();

  // The running context (a bare new one has no MDC adapter); the events stay on this one logger.
  final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
  final ListAppender<ILoggingEvent> events = new ListAppender<>();
  final FlatJsonEncoder encoder = new FlatJsonEncoder();
  Logger log;

  @BeforeEach
  void setUp() {
    events.setContext(context);
    events.start();
    log = context.getLogger("io.autotag.test.EncoderTest" + System.nanoTime());
    log.setLevel(Level.DEBUG);
    log.setAdditive(false);
    log.addAppender(events);
    encoder.setContext(context);
    encoder.setFunction("autotag-tagger");
    encoder.start();
  }

  @Test
  void fieldsAreAtTheTopLevelWithTheirTypes() throws Exception {
    MDC.put("requestId", "req-1");
    try {
      log.atInfo()
          .addKeyValue("requestId", "req-1")
          .addKeyValue("bucket", "uploads")
          .addKeyValue("key", "photos/cat \"1\".jpg")
          .addKeyValue("outcome", "classified")
          .addKeyValue("ms", 57L)
          .addKeyValue("confidence", 0.93)
          .addKeyValue("cached", true)
          .log("object processed");
    } finally {
      MDC.remove("requestId");
    }

    String line = line(0);
    assertThat(line).endsWith("}\n").doesNotContain("kvpList");
    assertThat(line.strip()).doesNotContain("\n");
    JsonNode json = JSON.readTree(line);
    assertThat(json.path("level").asText()).isEqualTo("INFO");
    assertThat(json.path("message").asText()).isEqualTo("object processed");
    assertThat(json.path("function").asText()).isEqualTo("autotag-tagger");
    assertThat(json.path("logger").asText()).startsWith("EncoderTest");
    assertThat(json.path("requestId").asText()).isEqualTo("req-1");
    assertThat(json.path("key").asText()).isEqualTo("photos/cat \"1\".jpg");
    assertThat(json.path("ms").isIntegralNumber()).isTrue();
    assertThat(json.path("ms").asLong()).isEqualTo(57);
    assertThat(json.path("confidence").isDouble()).isTrue();
    assertThat(json.path("cached").isBoolean()).isTrue();
    Instant time = Instant.parse(json.path("timestamp").asText());
    assertThat(time).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
    assertThat(fieldNames(json)).doesNotHaveDuplicates().doesNotContain("kv_requestId");
    assertThat(json.properties())
        .allSatisfy(e -> assertThat(e.getValue().isContainerNode()).isFalse());
  }

  @Test
  void aPairCannotOverwriteAReservedField() throws Exception {
    log.atWarn().addKeyValue("level", "DEBUG").addKeyValue("message", "forged").log("real");
    JsonNode json = JSON.readTree(line(0));
    assertThat(json.path("level").asText()).isEqualTo("WARN");
    assertThat(json.path("message").asText()).isEqualTo("real");
    assertThat(json.path("kv_level").asText()).isEqualTo("DEBUG");
    assertThat(json.path("kv_message").asText()).isEqualTo("forged");
  }

  @Test
  void aFailureIsItsClassAndOneEscapedStackTrace() throws Exception {
    log.atError().setCause(new IllegalStateException("broken")).log("invocation failed");
    String line = line(0);
    assertThat(line.strip()).doesNotContain("\n");
    JsonNode json = JSON.readTree(line);
    assertThat(json.path("level").asText()).isEqualTo("ERROR");
    assertThat(json.path("error").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(json.path("stackTrace").asText()).contains("broken", "FlatJsonEncoderTest");
  }

  @Test
  void eachEventIsOneLine() {
    log.info("one");
    log.atDebug().addKeyValue("n", 2).log("two");
    List<String> lines =
        events.list.stream()
            .map(e -> new String(encoder.encode(e), StandardCharsets.UTF_8))
            .toList();
    assertThat(String.join("", lines).split("\n")).hasSize(2);
    assertThat(lines).allSatisfy(l -> assertThat(l).startsWith("{\"timestamp\":"));
  }

  private String line(int index) {
    return new String(encoder.encode(events.list.get(index)), StandardCharsets.UTF_8);
  }

  private static List<String> fieldNames(JsonNode json) {
    return json.properties().stream().map(Map.Entry::getKey).toList();
  }
}
