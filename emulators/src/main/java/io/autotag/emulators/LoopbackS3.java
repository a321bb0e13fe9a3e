package io.autotag.emulators;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.xml.XmlFactory;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.robothy.netty.http.HttpRequest;
import com.robothy.netty.initializer.HttpServerInitializer;
import com.robothy.s3.core.service.BucketService;
import com.robothy.s3.core.service.ObjectService;
import com.robothy.s3.core.service.manager.LocalS3Manager;
import com.robothy.s3.core.service.manager.vectors.LocalS3VectorsManager;
import com.robothy.s3.core.service.s3vectors.S3VectorsService;
import com.robothy.s3.rest.handler.LocalS3RouterFactory;
import com.robothy.s3.rest.service.ServiceFactory;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultEventExecutorGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.xml.stream.XMLInputFactory;

/**
 * The in-memory S3 emulator (LocalS3) listening on loopback only. LocalS3's own launcher ({@code
 * LocalS3.start()}) binds its port on every interface and has no option for the address, which
 * would put an unauthenticated S3 on the network. So this class runs LocalS3's request router (its
 * public parts: {@link LocalS3Manager}, {@link LocalS3RouterFactory}, netty-http-router's {@link
 * HttpServerInitializer}) on a Netty server of its own, bound to 127.0.0.1.
 *
 * <p>Owning the server also fixes two faults of LocalS3 2.4 at their cause: netty-http-router 1.15
 * retains every request body and nothing ever releases it (Netty's "LEAK: ByteBuf.release() was not
 * called" errors during uploads, and the direct memory of every upload kept until exit), and
 * LocalS3 registers a JVM shutdown hook of its own that stops S3 while the rest of the local stack
 * still uses it. Here each body is released once the router has answered (the stores copy it before
 * that), and the server stops only when {@link #close()} says so.
 */
public final class LoopbackS3 implements AutoCloseable {

  /** netty-http-router's name for the handler that routes a complete request to LocalS3. */
  private static final String ROUTER_HANDLER = "router-http-message-handler";

  private final EventLoopGroup acceptors;
  private final EventLoopGroup io;
  private final EventExecutorGroup workers;
  private final ChannelGroup connections;
  private final Channel server;

  private LoopbackS3(
      EventLoopGroup acceptors,
      EventLoopGroup io,
      EventExecutorGroup workers,
      ChannelGroup connections,
      Channel server) {
    this.acceptors = acceptors;
    this.io = io;
    this.workers = workers;
    this.connections = connections;
    this.server = server;
  }

  /**
   * Starts an empty in-memory S3 on {@code 127.0.0.1:port} (0 picks a free port).
   *
   * @param workerThreads threads that run S3 requests; LocalS3's default of 4 serialises bursts
   * @throws PortTakenException when the port is taken
   */
  public static LoopbackS3 start(int port, int workerThreads) {
    LocalS3Manager storage = LocalS3Manager.createInMemoryS3Manager();
    Services services = new Services();
    services.register(BucketService.class, storage::bucketService);
    services.register(ObjectService.class, storage::objectService);
    services.register(XmlMapper.class, xmlMapper());
    services.register(ObjectMapper.class, jsonMapper());
    S3VectorsService vectors = LocalS3VectorsManager.createInMemory().s3VectorsService();
    services.register(S3VectorsService.class, () -> vectors);

    EventLoopGroup acceptors =
        new MultiThreadIoEventLoopGroup(1, threads("autotag-s3-accept"), NioIoHandler.newFactory());
    EventLoopGroup io =
        new MultiThreadIoEventLoopGroup(2, threads("autotag-s3-io"), NioIoHandler.newFactory());
    EventExecutorGroup workers =
        new DefaultEventExecutorGroup(workerThreads, threads("autotag-s3-worker"));
    ChannelGroup connections =
        new DefaultChannelGroup("autotag-s3-connections", GlobalEventExecutor.INSTANCE);
    ChannelFuture bound =
        new ServerBootstrap()
            .group(acceptors, io)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ReleasingInitializer(
                    workers, connections, LocalS3RouterFactory.create(services)))
            .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .awaitUninterruptibly();
    if (!bound.isSuccess()) {
      shutDown(acceptors, io, workers);
      if (bound.cause() instanceof BindException) {
        throw new PortTakenException("S3", port, bound.cause());
      }
      throw new IllegalStateException("the S3 emulator could not start", bound.cause());
    }
    return new LoopbackS3(acceptors, io, workers, connections, bound.channel());
  }

  public int port() {
    return ((InetSocketAddress) server.localAddress()).getPort();
  }

  /** {@code http://127.0.0.1:<port>}, for {@code AWS_ENDPOINT_URL_S3}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port());
  }

  /** The address the server listens on. */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** Stops listening at once, then lets requests in flight finish (bounded). */
  @Override
  public void close() {
    server.close().syncUninterruptibly();
    // Connections first, then their event loops, then the workers the router runs on: each
    // connection's last events (inactive, a reset by a client that closed first) still find the
    // executor they are handed to, instead of Netty warning that it was terminated.
    connections.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    shutDown(acceptors, io);
    shutDown(workers);
  }

  /**
   * Stops the groups together, each once no task came for a short quiet period: a connection that
   * closes hands its clean-up between the I/O and worker groups, which must both still run.
   */
  private static void shutDown(EventExecutorGroup... groups) {
    for (EventExecutorGroup group : groups) {
      group.shutdownGracefully(100, 5_000, TimeUnit.MILLISECONDS);
    }
    for (EventExecutorGroup group : groups) {
      group.terminationFuture().awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
  }

  private static DefaultThreadFactory threads(String name) {
    // Daemon threads: a stack that was never closed must not keep the JVM alive.
    return new DefaultThreadFactory(name, true);
  }

  /**
   * How LocalS3's controllers read and write S3's XML: element names without namespaces, unknown
   * elements ignored, and (request bodies are untrusted) no DTDs and no external entities.
   */
  private static Supplier<XmlMapper> xmlMapper() {
    XMLInputFactory input = XMLInputFactory.newFactory();
    input.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, false);
    input.setProperty(XMLInputFactory.SUPPORT_DTD, false);
    input.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    XmlMapper mapper = new XmlMapper(XmlFactory.builder().xmlInputFactory(input).build());
    mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    mapper.registerModule(new Jdk8Module());
    mapper.registerModule(new JavaTimeModule());
    return () -> mapper;
  }

  /** JSON for LocalS3's S3 Vectors routes, which the router always builds. */
  private static Supplier<ObjectMapper> jsonMapper() {
    ObjectMapper mapper =
        new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .registerModule(new Jdk8Module())
            .registerModule(new JavaTimeModule());
    return () -> mapper;
  }

  /**
   * LocalS3's services for one server. LocalS3's own {@code DefaultServiceFactory} keeps them in a
   * static map, so two servers in one JVM would share (and overwrite) each other's buckets.
   */
  private static final class Services implements ServiceFactory {
    private final Map<Class<?>, Supplier<?>> byType = new ConcurrentHashMap<>();

    @Override
    public <T> void register(Class<T> type, Supplier<? extends T> factory) {
      byType.put(type, factory);
    }

    @Override
    public <T> T getInstance(Class<T> type) {
      Supplier<?> factory = byType.get(type);
      if (factory == null) {
        throw new IllegalArgumentException("no LocalS3 service " + type.getName());
      }
      return type.cast(factory.get());
    }
  }

  /** netty-http-router's pipeline, with {@link ReleaseRequestBody} before the router. */
  private static final class ReleasingInitializer extends HttpServerInitializer {
    private final EventExecutorGroup workers;

    private final ChannelGroup connections;

    ReleasingInitializer(
        EventExecutorGroup workers,
        ChannelGroup connections,
        com.robothy.netty.router.Router router) {
      super(workers, router);
      this.workers = workers;
      this.connections = connections;
    }

    @Override
    protected void initChannel(SocketChannel channel) throws Exception {
      super.initChannel(channel);
      connections.add(channel);
      // On the router's executor, so the router runs inside fireChannelRead below.
      channel
          .pipeline()
          .addBefore(workers, ROUTER_HANDLER, "autotag-release-body", ReleaseRequestBody.INSTANCE);
    }
  }

  /**
   * Releases a request's body once the next handler (LocalS3's router, which answers synchronously
   * and copies what it keeps) is done with it. netty-http-router's decoder retains the body's
   * buffers and its own request type is not reference-counted, so nothing else would.
   */
  @ChannelHandler.Sharable
  private static final class ReleaseRequestBody extends ChannelInboundHandlerAdapter {
    static final ReleaseRequestBody INSTANCE = new ReleaseRequestBody();

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
      try {
        context.fireChannelRead(message);
      } finally {
        if (message instanceof HttpRequest request && request.getBody() != null) {
          ReferenceCountUtil.safeRelease(request.getBody());
        }
      }
    }
  }
}
