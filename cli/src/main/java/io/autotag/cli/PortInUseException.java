package io.autotag.cli;

import java.util.List;

/**
 * Ports {@code serve} was asked to listen on are taken. The message names, for each, the flag that
 * picks another, so the command fails with a usage error (exit code 2) rather than a stack trace.
 */
final class PortInUseException extends RuntimeException {

  PortInUseException(String what, int port, String flag) {
    this(List.of(describe(what, port, flag)));
  }

  PortInUseException(List<String> busy) {
    super(String.join("; ", busy) + " (or --ephemeral-ports to pick free ones)");
  }

  static String describe(String what, int port, String flag) {
    return what + " port " + port + " is in use: choose another with " + flag + " PORT";
  }
}
