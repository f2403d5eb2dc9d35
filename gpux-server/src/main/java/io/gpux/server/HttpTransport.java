package io.gpux.server;

import io.gpux.error.GpuxException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.CleartextHttp2ServerUpgradeHandler;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP/1.1 and h2c on Netty: a few event-loop threads read and write every connection without
 * blocking, and never run a model. Inference runs on a bounded pool of its own (one thread per
 * admission slot), model loading on another; health, metrics and metadata are answered on the event
 * loop, so no amount of inference traffic or stalled clients keeps them from answering.
 *
 * <p>Why Netty rather than the JDK's {@code com.sun.net.httpserver}: the JDK server has no read
 * timeouts, no connection limit and no backpressure (a thread per connection, bodies read only when
 * the handler asks), so 68 clients that sent headers and one byte took the whole server; and it
 * reached 0.34x of nginx's requests/s on this machine. Netty is what DJL Serving, gRPC-java and
 * most JVM servers at this level stand on, and gives each of those controls directly. The per
 * connection logic is in {@link HttpConnection}.
 */
final class HttpTransport {
  private static final System.Logger LOG = System.getLogger(HttpTransport.class.getName());

  /** Bodies of requests that run no model (model control, the repository index). */
  static final long SMALL_BODY = 1 << 20;

  /** Threads and queued requests of the dashboard's own pool. */
  static final int DASHBOARD_THREADS = 2;

  static final int DASHBOARD_QUEUE = 16;

  final ServerOptions options;
  final HttpApi api;
  final InferenceService service;
  final ThreadPoolExecutor inference;
  final ExecutorService control;

  /**
   * The dashboard's pool: two threads at the lowest priority and a short queue, so a dashboard (or
   * a client hammering it) costs inference at most two cores' share and never its threads; what
   * does not fit the queue is refused with a 503 at once.
   */
  final ThreadPoolExecutor dashboard;

  final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  final AtomicInteger open = new AtomicInteger();
  private final EventLoopGroup boss;
  private final EventLoopGroup loops;
  private final Channel listener;

  HttpTransport(ServerOptions options, HttpApi api, InferenceService service) {
    this.options = options;
    this.api = api;
    this.service = service;
    int slots = service.admission.slots();
    this.inference =
        new ThreadPoolExecutor(
            slots,
            slots,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new DefaultThreadFactory("gpux-infer", true));
    inference.allowCoreThreadTimeOut(true);
    this.control = Executors.newCachedThreadPool(new DefaultThreadFactory("gpux-control", true));
    this.dashboard =
        new ThreadPoolExecutor(
            DASHBOARD_THREADS,
            DASHBOARD_THREADS,
            30,
            TimeUnit.SECONDS,
            new java.util.concurrent.ArrayBlockingQueue<>(DASHBOARD_QUEUE),
            new DefaultThreadFactory("gpux-dashboard", true, Thread.MIN_PRIORITY));
    dashboard.allowCoreThreadTimeOut(true);
    this.boss =
        new MultiThreadIoEventLoopGroup(1, daemon("gpux-accept"), NioIoHandler.newFactory());
    this.loops =
        new MultiThreadIoEventLoopGroup(
            Math.max(1, Runtime.getRuntime().availableProcessors()),
            daemon("gpux-http"),
            NioIoHandler.newFactory());
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, loops)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    HttpConnection c = new HttpConnection(HttpTransport.this);
                    ch.pipeline()
                        .addLast("watch", c.watch())
                        .addLast("h2c", cleartext(c))
                        .addLast("connection", c);
                  }
                });
    try {
      listener =
          b.bind(new InetSocketAddress(options.host(), options.port()))
              .syncUninterruptibly()
              .channel();
    } catch (Exception e) {
      stopThreads();
      throw GpuxException.unavailable(
          "cannot listen on " + options.host() + ":" + options.port() + ": " + e.getMessage(),
          "choose another --port, or stop what uses this one");
    }
  }

  /**
   * HTTP/1.1, and HTTP/2 over cleartext (h2c) on the same port for clients that ask for it: with
   * prior knowledge (the connection starts with HTTP/2's preface, as {@code curl
   * --http2-prior-knowledge} and gRPC-style clients do) or by {@code Upgrade: h2c} on an HTTP/1.1
   * request (the JDK's HttpClient). Each HTTP/2 stream is one request, converted to the HTTP/1.1
   * objects the {@link HttpConnection} of that stream answers, with the same limits, admission and
   * timeouts; the connection's own {@link HttpConnection} then only keeps the connection count, the
   * idle timeout and the drain.
   */
  private ChannelHandler cleartext(HttpConnection connection) {
    HttpServerCodec codec = new HttpServerCodec(8192, 16384, 65536);
    HttpServerUpgradeHandler upgrade =
        new HttpServerUpgradeHandler(
            codec,
            protocol ->
                AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)
                    ? new Http2ServerUpgradeCodec(http2Codec(), streams(connection))
                    : null,
            UPGRADE_BODY) {
          @Override
          protected boolean shouldHandleUpgradeRequest(HttpRequest req) {
            // The upgrade handler buffers the upgrading request's body outside the memory
            // budget: a request with a larger body (or one of unknown length) is answered over
            // HTTP/1.1, as RFC 9113 lets a server ignore an Upgrade.
            long length = HttpUtil.getContentLength(req, -1L);
            boolean chunked = HttpUtil.isTransferEncodingChunked(req);
            return !chunked && length <= UPGRADE_BODY;
          }
        };
    return new CleartextHttp2ServerUpgradeHandler(
        codec,
        upgrade,
        new ChannelInboundHandlerAdapter() {
          @Override
          public void handlerAdded(ChannelHandlerContext ctx) {
            // Where the h2c handler was, before the connection's handler (not addLast), in
            // order: the multiplexer looks for the frame codec before it when it is added.
            String at = ctx.name();
            ctx.pipeline().addAfter(at, "http2", http2Codec());
            at = "http2";
            ChannelHandler[] next = streams(connection);
            for (int i = 0; i < next.length; i++) {
              ctx.pipeline().addAfter(at, "http2-" + i, next[i]);
              at = "http2-" + i;
            }
            ctx.pipeline().remove(this);
          }
        });
  }

  /** Bodies an HTTP/1.1 request upgrading to h2c may have; larger ones are not upgraded. */
  static final int UPGRADE_BODY = 64 << 10;

  private Http2FrameCodec http2Codec() {
    return Http2FrameCodecBuilder.forServer()
        .initialSettings(
            Http2Settings.defaultSettings()
                // As many requests at once on a connection as the server has slots, as gRPC.
                .maxConcurrentStreams(service.admission.slots())
                .maxHeaderListSize(16384 + 8192))
        .build();
  }

  /**
   * What follows HTTP/2's frame codec: a stream per request, each with its own handler; and, once
   * these are in the pipeline (the connection has turned HTTP/2), the connection told so.
   */
  private ChannelHandler[] streams(HttpConnection connection) {
    ChannelHandler multiplex =
        new Http2MultiplexHandler(
            new ChannelInitializer<Channel>() {
              @Override
              protected void initChannel(Channel stream) {
                stream
                    .pipeline()
                    .addLast("codec", new Http2StreamFrameToHttpObjectCodec(true))
                    .addLast("connection", new HttpConnection(HttpTransport.this, connection));
              }
            });
    ChannelHandler switched =
        new ChannelInboundHandlerAdapter() {
          @Override
          public void handlerAdded(ChannelHandlerContext ctx) {
            connection.http2();
            ctx.pipeline().remove(this);
          }
        };
    return new ChannelHandler[] {multiplex, switched};
  }

  private static DefaultThreadFactory daemon(String name) {
    return new DefaultThreadFactory(name, true);
  }

  int port() {
    return ((InetSocketAddress) listener.localAddress()).getPort();
  }

  /**
   * Stops accepting, closes idle connections, lets the requests admitted finish for up to {@code
   * drainSeconds}, then answers those still running with 503 and waits (up to {@code
   * runGraceSeconds}) for their model runs to end, since a session must not be freed under a run.
   *
   * @return whether every model run ended
   */
  boolean close(int drainSeconds, int runGraceSeconds) {
    service.beginClosing();
    listener.close().awaitUninterruptibly();
    each(HttpConnection::drain);
    inference.shutdown();
    boolean done = await(drainSeconds);
    if (!done) {
      each(HttpConnection::abandon);
      service.close(); // batched requests still queued are answered, so their threads end
      done = await(runGraceSeconds);
      if (!done) {
        LOG.log(
            System.Logger.Level.WARNING,
            inference.getActiveCount() + " model runs did not end within the drain deadline");
      }
    }
    service.close();
    control.shutdownNow();
    dashboard.shutdownNow();
    connections.close().awaitUninterruptibly(1000);
    stopThreads();
    return done;
  }

  /** Every open connection; one closing meanwhile has no handler left and is skipped. */
  private void each(java.util.function.Consumer<HttpConnection> action) {
    for (Channel ch : connections) {
      HttpConnection c = ch.pipeline().get(HttpConnection.class);
      if (c != null) {
        action.accept(c);
      }
    }
  }

  private boolean await(int seconds) {
    try {
      return inference.awaitTermination(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private void stopThreads() {
    // No quiet period: every connection is closed by now, and an idle server should exit at once.
    var a = boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    var b = loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    a.awaitUninterruptibly(2000);
    b.awaitUninterruptibly(2000);
  }
}
