package io.autotag.shared.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code moto_server} process on a loopback port, where the machine has moto: S3 and SQS in one
 * server, and the only local option here that delivers real S3 event notifications to SQS. Tests
 * call {@link #startIfInstalled()} and skip when it is empty.
 */
public final class MotoServer implements AutoCloseable {

  private final Process process;
  private final int port;

  private MotoServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static Optional<Path> executable() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "moto_server");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public static Optional<MotoServer> startIfInstalled() {
    return executable().map(MotoServer::start);
  }

  private static MotoServer start(Path executable) {
    int port = freePort();
    try {
      Process process =
          new ProcessBuilder(executable.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      MotoServer server = new MotoServer(process, port);
      server.awaitListening(Duration.ofSeconds(30));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void awaitListening(Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("moto_server exited with " + process.exitValue());
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    close();
    throw new IllegalStateException("moto_server did not start listening within " + timeout);
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** The AWS part of a function's environment, pointing at this server. */
  public Map<String, String> env() {
    Map<String, String> env = new HashMap<>();
    env.put("AWS_REGION", LocalAws.REGION);
    env.put("AWS_ENDPOINT_URL", endpoint());
    return env;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
