package io.autotag.cli;

import io.autotag.emulators.LoopbackS3;
import io.autotag.emulators.LoopbackSqs;
import io.autotag.emulators.PortTakenException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The S3 and SQS that {@code serve} talks to: its in-process emulators on loopback ({@link
 * LoopbackS3}, {@link LoopbackSqs}), or an endpoint the user runs (moto_server, LocalStack), which
 * delivers S3 notifications itself and which this class only names.
 */
final class Emulators implements AutoCloseable {

  private final URI s3Endpoint;
  private final URI sqsEndpoint;
  // Both null for an external endpoint.
  private final LoopbackS3 s3;
  private final LoopbackSqs sqs;

  private Emulators(URI s3Endpoint, URI sqsEndpoint, LoopbackS3 s3, LoopbackSqs sqs) {
    this.s3Endpoint = s3Endpoint;
    this.sqsEndpoint = sqsEndpoint;
    this.s3 = s3;
    this.sqs = sqs;
  }

  /**
   * Starts both emulators (0 picks a free port); nothing is left running if one fails.
   *
   * @throws PortInUseException naming the flag that picks another port, when one is taken
   */
  static Emulators start(int s3Port, int sqsPort) {
    LoopbackS3 s3;
    try {
      s3 = LoopbackS3.start(s3Port, 8);
    } catch (PortTakenException e) {
      throw new PortInUseException("S3", s3Port, "--s3-port");
    }
    try {
      LoopbackSqs sqs = LoopbackSqs.start(sqsPort);
      return new Emulators(s3.endpoint(), sqs.endpoint(), s3, sqs);
    } catch (PortTakenException e) {
      s3.close();
      throw new PortInUseException("SQS", sqsPort, "--sqs-port");
    } catch (RuntimeException | Error e) {
      s3.close();
      throw e;
    }
  }

  /** S3 and SQS at {@code endpoint}, run by someone else: nothing to start or stop. */
  static Emulators external(URI endpoint) {
    return new Emulators(endpoint, endpoint, null, null);
  }

  /**
   * Fails before anything starts (the models take seconds to load) when a port asked for is taken,
   * naming the flag that picks another for each. Port 0 (a free one) is never taken.
   */
  static void requireFree(ServeStack.Ports ports, boolean emulators) {
    List<String> busy = new ArrayList<>();
    if (emulators) {
      busy(ports.s3(), "S3", "--s3-port").ifPresent(busy::add);
      busy(ports.sqs(), "SQS", "--sqs-port").ifPresent(busy::add);
    }
    busy(ports.api(), "API", "--api-port").ifPresent(busy::add);
    if (!busy.isEmpty()) {
      throw new PortInUseException(busy);
    }
  }

  private static Optional<String> busy(int port, String what, String flag) {
    if (port == 0) {
      return Optional.empty();
    }
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of(PortInUseException.describe(what, port, flag));
    }
  }

  URI s3Endpoint() {
    return s3Endpoint;
  }

  URI sqsEndpoint() {
    return sqsEndpoint;
  }

  /** Whether these are the in-process emulators, which send no S3 notifications. */
  boolean embedded() {
    return s3 != null;
  }

  /** SQS first: the S3 emulator is the last thing anything still uses. */
  @Override
  public void close() {
    try {
      if (sqs != null) {
        sqs.close();
      }
    } finally {
      if (s3 != null) {
        s3.close();
      }
    }
  }
}
