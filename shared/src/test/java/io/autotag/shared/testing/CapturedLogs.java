package io.autotag.shared.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Records what one logger writes while a test runs, so tests can assert on levels, messages,
 * key-value fields and whether a stack trace was attached. Its API names no Logback type, so
 * modules that have Logback only at runtime can use it; close it to stop recording.
 */
public final class CapturedLogs implements AutoCloseable {

  /** One recorded line. */
  public record Line(String level, String message, Map<String, String> fields, String throwable) {

    /** Whether a stack trace (a throwable) was attached. */
    public boolean hasStackTrace() {
      return throwable != null;
    }
  }

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private CapturedLogs(Class<?> source) {
    this.logger = (Logger) LoggerFactory.getLogger(source);
    appender.start();
    logger.addAppender(appender);
  }

  /** Starts recording what {@code source}'s logger writes. */
  public static CapturedLogs of(Class<?> source) {
    return new CapturedLogs(source);
  }

  public List<Line> lines() {
    return appender.list.stream().map(CapturedLogs::line).toList();
  }

  private static Line line(ILoggingEvent event) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (event.getKeyValuePairs() != null) {
      event.getKeyValuePairs().forEach(kv -> fields.put(kv.key, String.valueOf(kv.value)));
    }
    String throwable =
        event.getThrowableProxy() == null ? null : event.getThrowableProxy().getClassName();
    return new Line(event.getLevel().toString(), event.getFormattedMessage(), fields, throwable);
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
