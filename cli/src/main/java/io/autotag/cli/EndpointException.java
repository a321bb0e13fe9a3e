package io.autotag.cli;

import java.io.IOException;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * A call to AWS, or to the emulator a command was pointed at, failed in a way the user fixes
 * outside the tool: the endpoint could not be reached (refused, unknown host, timed out), or it
 * answered with an error (no such bucket, access denied). The message names where the command was
 * talking to and what came back, so the tool prints one line (exit code 1) instead of the SDK's
 * stack trace.
 */
final class EndpointException extends RuntimeException {

  private EndpointException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * The failure as this exception, or empty for anything else (missing credentials, a bug), which
   * keeps its own message and trace.
   */
  static Optional<EndpointException> of(SdkException e, String where) {
    if (e instanceof AwsServiceException service) {
      var details = service.awsErrorDetails();
      String code = details == null ? null : details.errorCode();
      String message = details == null ? null : details.errorMessage();
      return Optional.of(
          new EndpointException(
              where
                  + " answered "
                  + service.statusCode()
                  + (code == null ? "" : " " + code)
                  + (message == null ? "" : ": " + message),
              e));
    }
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof IOException network) {
        String detail = network.getMessage();
        return Optional.of(
            new EndpointException(
                "cannot reach "
                    + where
                    + ": "
                    + (detail == null || detail.isBlank()
                        ? network.getClass().getSimpleName()
                        : detail)
                    + " (is it running, and is the endpoint URL right?)",
                e));
      }
    }
    return Optional.empty();
  }
}
