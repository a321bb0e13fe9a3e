package io.autotag.emulators;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.net.BindException;
import java.net.InetAddress;
import java.net.URI;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.ActorSystem;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;

/**
 * The SQS emulator (ElasticMQ) on 127.0.0.1, on an actor system of its own that installs no JVM
 * shutdown hook. Left to itself, Pekko's {@code CoordinatedShutdown} tries to add one when the
 * stack stops, which is during the JVM's shutdown, and warns "Could not addJvmShutdownHook" on
 * every Ctrl-C; a hook that worked would stop SQS while the tagger's event source still polls it.
 * The local stack stops SQS itself, in order ({@link #close()}).
 */
public final class LoopbackSqs implements AutoCloseable {

  /** Pekko's settings for the emulator's actor system, over ElasticMQ's and Pekko's defaults. */
  private static final Config ACTOR_SYSTEM_CONFIG =
      ConfigFactory.parseString(
              """
              pekko.jvm-shutdown-hooks = off
              pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
              """)
          .withFallback(ConfigFactory.load(LoopbackSqs.class.getClassLoader()));

  private final ActorSystem actors;
  private final SQSRestServer server;
  private final int port;

  private LoopbackSqs(ActorSystem actors, SQSRestServer server, int port) {
    this.actors = actors;
    this.server = server;
    this.port = port;
  }

  /**
   * Starts ElasticMQ on {@code 127.0.0.1:port} (0 picks a free port).
   *
   * @throws PortTakenException when the port is taken
   */
  public static LoopbackSqs start(int port) {
    ActorSystem actors =
        ActorSystem.create("autotag-sqs", ACTOR_SYSTEM_CONFIG, LoopbackSqs.class.getClassLoader());
    try {
      var builder =
          SQSRestServerBuilder.withActorSystem(actors)
              .withInterface(InetAddress.getLoopbackAddress().getHostAddress());
      SQSRestServer server =
          (port == 0 ? builder.withDynamicPort() : builder.withPort(port)).start();
      int bound = server.waitUntilStarted().localAddress().getPort();
      return new LoopbackSqs(actors, server, bound);
    } catch (RuntimeException e) {
      terminate(actors);
      if (causedBy(e, BindException.class)) {
        throw new PortTakenException("SQS", port, e);
      }
      throw e;
    }
  }

  public int port() {
    return port;
  }

  /** {@code http://127.0.0.1:<port>}, for {@code AWS_ENDPOINT_URL_SQS}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public void close() {
    try {
      server.stopAndWait();
    } finally {
      terminate(actors);
    }
  }

  private static void terminate(ActorSystem actors) {
    actors.terminate();
    try {
      actors.getWhenTerminated().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Bounded: a stuck emulator must not hang Ctrl-C; its threads are not ours to wait for.
    }
  }

  private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }
}
