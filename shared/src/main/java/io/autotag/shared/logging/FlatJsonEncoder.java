package io.autotag.shared.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.event.KeyValuePair;

/**
 * A Logback encoder that writes each event as one flat JSON object on one line: {@code timestamp}
 * (RFC 3339, UTC), {@code level}, {@code message}, {@code function}, {@code logger}, then the MDC
 * entries ({@code requestId}) and the event's key-value pairs ({@code bucket}, {@code key}, {@code
 * outcome}, {@code reason}, {@code provider}, {@code ms}...) as top-level fields, numbers and
 * booleans kept as JSON numbers and booleans, and a failure as {@code error} (its class) and {@code
 * stackTrace}. Logback's own {@code JsonEncoder} nests the pairs in an array of one-key objects
 * ({@code kvpList}), which Logs Insights cannot filter on.
 *
 * <p>The {@code level} and {@code timestamp} keys are the ones Lambda's JSON log format reads, so
 * the function's {@code LoggingConfig} (log format JSON, application log level) filters these lines
 * by level; a line without {@code level} (an EMF metric line) counts as INFO. A pair whose key is
 * already written with another value (a reserved field, or the same key twice) is written as {@code
 * kv_<key>}, and one with the same value is left out, so no field is duplicated in one object.
 *
 * @see <a
 *     href="https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html">Lambda
 *     log-level filtering</a>
 */
public final class FlatJsonEncoder extends EncoderBase<ILoggingEvent> {

  private static final byte[] NOTHING = new byte[0];
  private static final JsonFactory JSON = new JsonFactory();

  private String function = "autotag";

  /** The {@code function} field: the function's name ({@code AWS_LAMBDA_FUNCTION_NAME}). */
  public void setFunction(String function) {
    this.function = function;
  }

  @Override
  public byte[] headerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] footerBytes() {
    return NOTHING;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      Map<String, String> written = new HashMap<>();
      json.writeStartObject();
      text(json, written, "timestamp", Instant.ofEpochMilli(event.getTimeStamp()).toString());
      text(json, written, "level", event.getLevel().toString());
      text(json, written, "message", event.getFormattedMessage());
      text(json, written, "function", function);
      text(json, written, "logger", shortName(event.getLoggerName()));
      for (Map.Entry<String, String> entry : event.getMDCPropertyMap().entrySet()) {
        text(json, written, entry.getKey(), entry.getValue());
      }
      List<KeyValuePair> pairs = event.getKeyValuePairs();
      if (pairs != null) {
        for (KeyValuePair pair : pairs) {
          value(json, written, pair.key, pair.value);
        }
      }
      IThrowableProxy error = event.getThrowableProxy();
      if (error != null) {
        text(json, written, "error", error.getClassName());
        text(json, written, "stackTrace", ThrowableProxyUtil.asString(error));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
    return out.toByteArray();
  }

  private static void text(
      JsonGenerator json, Map<String, String> written, String key, String value)
      throws IOException {
    String name = value == null ? null : name(written, key, value);
    if (name != null) {
      json.writeStringField(name, value);
    }
  }

  private static void value(
      JsonGenerator json, Map<String, String> written, String key, Object value)
      throws IOException {
    String name = key == null || value == null ? null : name(written, key, value.toString());
    if (name == null) {
      return;
    }
    switch (value) {
      case Integer i -> json.writeNumberField(name, i);
      case Long l -> json.writeNumberField(name, l);
      case Double d when Double.isFinite(d) -> json.writeNumberField(name, d);
      case Float f when Float.isFinite(f) -> json.writeNumberField(name, f);
      case Short s -> json.writeNumberField(name, s);
      case Byte b -> json.writeNumberField(name, b);
      case Boolean b -> json.writeBooleanField(name, b);
      default -> json.writeStringField(name, value.toString());
    }
  }

  /**
   * The field name for {@code key}: {@code key}, {@code kv_key} when the object already has another
   * value under that name, or null when it already has this very value (the request id in both the
   * MDC and a pair).
   */
  private static String name(Map<String, String> written, String key, String value) {
    String name = key;
    while (written.containsKey(name)) {
      if (written.get(name).equals(value)) {
        return null;
      }
      name = "kv_" + name;
    }
    written.put(name, value);
    return name;
  }

  private static String shortName(String logger) {
    return logger == null ? null : logger.substring(logger.lastIndexOf('.') + 1);
  }
}
