package io.autotag.emulators;

/**
 * An emulator could not listen on the port it was asked for: something else has it. Callers that
 * let a user pick the port turn it into a message naming their option for another.
 */
public final class PortTakenException extends RuntimeException {

  private final int port;

  PortTakenException(String emulator, int port, Throwable cause) {
    super(emulator + " port " + port + " is in use", cause);
    this.port = port;
  }

  /** The port that was taken. */
  public int port() {
    return port;
  }
}
