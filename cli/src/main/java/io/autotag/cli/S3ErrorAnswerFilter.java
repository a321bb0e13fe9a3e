package io.autotag.cli;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import com.robothy.s3.core.exception.LocalS3Exception;

/**
 * Drops the S3 emulator's log lines for errors it answers as S3 does: LocalS3 logs an ERROR with a
 * stack trace for every {@link LocalS3Exception} (a 404 {@code NoSuchKey} for a deleted upload, a
 * missing bucket, an invalid range), although the client gets the proper S3 error response. Those
 * are answers, not faults of the emulator; anything else it throws is still logged. Attached to
 * {@code serve}'s console appender in {@code autotag-cli-logback.xml}.
 */
public final class S3ErrorAnswerFilter extends Filter<ILoggingEvent> {

  @Override
  public FilterReply decide(ILoggingEvent event) {
    return event.getThrowableProxy() instanceof ThrowableProxy proxy
            && proxy.getThrowable() instanceof LocalS3Exception
        ? FilterReply.DENY
        : FilterReply.NEUTRAL;
  }
}
