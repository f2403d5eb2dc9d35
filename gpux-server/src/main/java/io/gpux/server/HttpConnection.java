package io.gpux.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/1.1 connection, or one HTTP/2 stream (a request) of an h2c connection. Everything here
 * runs on the connection's event loop (a stream's is its connection's), so its state needs no
 * locks. A connection is in one of these states:
 *
 * <ul>
 *   <li>IDLE: waiting for a request; closed after the idle timeout;
 *   <li>HEADERS: a request's first bytes came; its line and headers must all arrive within the
 *       header timeout (else 408);
 *   <li>BODY: reading the body; no gap between reads may exceed the body timeout (else 408). Each
 *       chunk is counted against the memory budget as it arrives; a request that is refused (413,
 *       503) has the rest of its body read and dropped before the answer goes out, since closing
 *       with unread bytes makes the kernel send a reset the client sees instead of the answer;
 *   <li>BUSY: the request is being answered; reading stops until the answer is written
 *       (backpressure), and requests a client pipelined meanwhile wait in order;
 *   <li>HTTP2: the connection turned HTTP/2 (h2c): its streams each have an {@code HttpConnection}
 *       of their own, going through the states above for their one request (with HTTP/2's flow
 *       control as the backpressure); the connection's own keeps the connection count, closes after
 *       the idle timeout once no stream is open, and drains.
 * </ul>
 */
final class HttpConnection extends ChannelInboundHandlerAdapter {
  private static final System.Logger LOG = System.getLogger(HttpConnection.class.getName());

  private enum State {
    IDLE,
    HEADERS,
    BODY,
    BUSY,
    HTTP2,
    CLOSED
  }

  /** One inference request handed to the pool; owns its body and budget until its run ends. */
  private static final class InFlight {
    CompositeByteBuf body;
    long reserved;
    boolean answered;
  }

  private final HttpTransport server;

  /** The HTTP/2 connection this stream belongs to; null for a connection. */
  private final HttpConnection connection;

  /** An HTTP/2 connection's open streams. */
  private final Set<HttpConnection> streams = new HashSet<>();

  private ChannelHandlerContext ctx;
  private State state = State.IDLE;
  private ScheduledFuture<?> timer;
  private long lastRead;
  private final ArrayDeque<Object> pipelined = new ArrayDeque<>();

  private HttpRequest head;

  /** When the request being answered began (its headers arrived), for the failed-request log. */
  private long started;

  private HttpApi.Kind kind;
  private long limit;
  private CompositeByteBuf body;
  private long bodyBytes;
  private long reserved;
  private Response refusal;
  private boolean keepAlive;
  private InFlight current;

  HttpConnection(HttpTransport server) {
    this(server, null);
  }

  /** The handler of one HTTP/2 stream of {@code connection}. */
  HttpConnection(HttpTransport server, HttpConnection connection) {
    this.server = server;
    this.connection = connection;
  }

  /** The connection turned HTTP/2: from now on its streams answer requests. */
  void http2() {
    state = State.HTTP2;
    cancelTimer();
    if (streams.isEmpty()) {
      http2Idle();
    }
  }

  private void http2Idle() {
    arm(
        server.options.idleTimeout().toNanos(),
        () -> {
          if (state == State.HTTP2 && streams.isEmpty()) {
            state = State.CLOSED;
            ctx.close(); // HTTP/2's handler sends GOAWAY first
          }
        });
  }

  private void streamOpened(HttpConnection s) {
    if (streams.isEmpty()) {
      cancelTimer();
    }
    streams.add(s);
  }

  private void streamClosed(HttpConnection s) {
    if (streams.remove(s) && streams.isEmpty() && state == State.HTTP2) {
      if (server.service.closing()) {
        state = State.CLOSED;
        ctx.close();
      } else {
        http2Idle();
      }
    }
  }

  /** Sits before the HTTP codec and sees raw bytes: when a request starts, when a body moves. */
  ChannelInboundHandlerAdapter watch() {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext c, Object msg) {
        if (msg instanceof ByteBuf b && b.isReadable()) {
          lastRead = System.nanoTime();
          if (state == State.IDLE) {
            state = State.HEADERS;
            arm(server.options.headerTimeout().toNanos(), this::headersLate);
          }
        }
        c.fireChannelRead(msg);
      }

      private void headersLate() {
        if (state == State.HEADERS) {
          timeout(
              "the request line and headers did not arrive within "
                  + seconds(server.options.headerTimeout().toNanos()));
        }
      }
    };
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    if (connection != null) {
      // A stream: its connection is counted and registered already.
      connection.streamOpened(this);
      idle(); // a stream opened while the server drains is answered 503 by begin()
      ctx.fireChannelActive();
      return;
    }
    if (server.open.incrementAndGet() > server.options.maxConnections()) {
      // Over the limit: closed before anything is read, so it costs no memory.
      state = State.CLOSED;
      ctx.close();
      return;
    }
    server.connections.add(ctx.channel());
    if (server.service.closing()) {
      state = State.CLOSED;
      ctx.close();
      return;
    }
    idle();
    ctx.fireChannelActive();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (connection == null) {
      server.open.decrementAndGet();
    } else {
      connection.streamClosed(this);
    }
    state = State.CLOSED;
    cancelTimer();
    releaseRequest();
    pipelined.forEach(ReferenceCountUtil::release);
    pipelined.clear();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A reset or broken pipe is the client going away; nothing to answer.
    ctx.close();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.BUSY || !pipelined.isEmpty()) {
      pipelined.add(msg);
      return;
    }
    handle(msg);
  }

  private void handle(Object msg) {
    if (state == State.CLOSED) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpRequest req) {
      begin(req);
    }
    if (msg instanceof HttpContent c) {
      content(c); // keeps the bytes it needs with their own retain()
    }
    // This handler is the message's last reader: a body chunk not released here would hold its
    // whole read buffer forever (every request body leaked before this line was added).
    ReferenceCountUtil.release(msg);
  }

  private void begin(HttpRequest req) {
    cancelTimer();
    started = System.nanoTime();
    if (req.decoderResult().isFailure()) {
      Throwable why = req.decoderResult().cause();
      state = State.BUSY;
      keepAlive = false;
      int status = why instanceof TooLongFrameException ? 431 : 400;
      respond(
          Response.error(
              status,
              status == 431
                  ? "the request line or headers are too long (8 KB line, 16 KB headers)"
                  : "malformed HTTP request: " + why.getMessage()));
      return;
    }
    head = req;
    state = State.BODY;
    lastRead = System.nanoTime();
    arm(server.options.bodyTimeout().toNanos(), this::bodyLate);
    kind = HttpApi.kind(req.method().name(), path(req.uri()));
    keepAlive = HttpUtil.isKeepAlive(req) && !server.service.closing();
    limit = kind == HttpApi.Kind.INFER ? server.options.maxBodyBytes() : HttpTransport.SMALL_BODY;
    bodyBytes = 0;
    reserved = 0;
    refusal = null;
    long declared = HttpUtil.getContentLength(req, -1L);
    if (server.service.closing()) {
      refusal = shuttingDown("the server is shutting down; retry on another replica").response();
    } else if (declared > limit) {
      refusal = tooLarge(declared);
    } else if (kind == HttpApi.Kind.INFER && !server.service.admission.fits(declared)) {
      refusal = overBudget(declared);
    }
    if (HttpUtil.is100ContinueExpected(req)) {
      if (refusal != null) {
        // The client waits for our word before sending the body: answer now, and close, since
        // the body it may still send would be read as the next request.
        keepAlive = false;
        state = State.BUSY;
        respond(refusal);
        return;
      }
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
    }
    if (refusal == null) {
      body = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
    }
  }

  private void content(HttpContent c) {
    if (state != State.BODY) {
      return; // the rest of a request already answered (an error in its headers)
    }
    int n = c.content().readableBytes();
    lastRead = System.nanoTime(); // also for an HTTP/2 stream, which has no watch of its own
    if (refusal == null && n > 0) {
      bodyBytes += n;
      if (bodyBytes > limit) {
        refusal = tooLarge(bodyBytes);
        releaseRequest();
      } else if (kind == HttpApi.Kind.INFER && !server.service.admission.reserve(n)) {
        refusal = overloaded();
        releaseRequest();
      } else {
        if (kind == HttpApi.Kind.INFER) {
          reserved += n;
        }
        body.addComponent(true, c.content().retain());
      }
    }
    if (c instanceof LastHttpContent) {
      cancelTimer();
      state = State.BUSY;
      ctx.channel().config().setAutoRead(false);
      if (refusal != null) {
        respond(refusal);
      } else {
        dispatch();
      }
    }
  }

  private void dispatch() {
    Request request =
        new Request(
            head.method().name(),
            path(head.uri()),
            query(head.uri()),
            head.headers()::get,
            new Body(body));
    switch (kind) {
      case INLINE -> {
        Response r = server.api.handle(request);
        releaseRequest();
        respond(r);
      }
      case CONTROL -> {
        try {
          server.control.execute(
              () -> {
                Response r = server.api.handle(request);
                ctx.executor()
                    .execute(
                        () -> {
                          releaseRequest();
                          respond(r);
                        });
              });
        } catch (RejectedExecutionException e) {
          releaseRequest();
          respond(shuttingDown("the server is shutting down"));
        }
      }
      case DASHBOARD -> {
        try {
          server.dashboard.execute(
              () -> {
                Response r = server.api.handle(request);
                ctx.executor()
                    .execute(
                        () -> {
                          releaseRequest();
                          respond(r);
                        });
              });
        } catch (RejectedExecutionException e) {
          releaseRequest();
          respond(
              server.dashboard.isShutdown()
                  ? shuttingDown("the server is shutting down").response()
                  : Response.error(
                          503,
                          "the dashboard is busy ("
                              + HttpTransport.DASHBOARD_QUEUE
                              + " requests waiting); inference goes on, retry in a moment")
                      .with("Retry-After", "1"));
        }
      }
      case INFER -> infer(request);
    }
  }

  private void infer(Request request) {
    Admission admission = server.service.admission;
    long extra = Admission.cost(bodyBytes) - reserved;
    if (!admission.trySlot()) {
      releaseRequest();
      respond(overloaded());
      return;
    }
    if (!admission.reserve(extra)) {
      admission.releaseSlot();
      releaseRequest();
      respond(overloaded());
      return;
    }
    InFlight f = new InFlight();
    f.body = body;
    f.reserved = reserved + extra;
    body = null;
    reserved = 0;
    current = f;
    try {
      server.inference.execute(
          () -> {
            Response r;
            try {
              r = server.api.handle(request);
            } catch (Throwable t) {
              // OutOfMemoryError and the like: the request fails, the server stays up.
              r = Response.error(500, "internal error: " + t);
            } finally {
              admission.releaseSlot();
            }
            Response answer = r;
            ctx.executor().execute(() -> finished(f, answer));
          });
    } catch (RejectedExecutionException e) {
      admission.releaseSlot();
      finished(f, shuttingDown("the server is shutting down; retry on another replica").response());
    }
  }

  /** A model run ended: free what it held, and answer unless the drain deadline already did. */
  private void finished(InFlight f, Response r) {
    f.body.release();
    server.service.admission.release(f.reserved);
    if (current == f) {
      current = null;
    }
    if (!f.answered && state == State.BUSY) {
      f.answered = true;
      respond(r);
    }
  }

  private void respond(HttpError e) {
    respond(e.response());
  }

  private void respond(Response r) {
    if (r.status() >= 400) {
      reportFailure(r);
    }
    boolean head = this.head != null && this.head.method().name().equals("HEAD");
    FullHttpResponse res =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(r.status()),
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    res.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    for (Map.Entry<String, String> h : r.headers().entrySet()) {
      res.headers().set(h.getKey(), h.getValue());
    }
    boolean keep = keepAlive && !server.service.closing();
    HttpUtil.setKeepAlive(res, keep);
    ctx.writeAndFlush(res)
        .addListener(
            (ChannelFutureListener)
                done -> {
                  if (!keep || !done.isSuccess()) {
                    state = State.CLOSED;
                    done.channel().close();
                    return;
                  }
                  this.head = null;
                  idle();
                  ctx.channel().config().setAutoRead(true);
                  while (state != State.BUSY && state != State.CLOSED && !pipelined.isEmpty()) {
                    handle(pipelined.poll());
                  }
                });
  }

  /** Tells the server's failed-request log, if any; the log never fails the answer. */
  private void reportFailure(Response r) {
    java.util.function.Consumer<FailedRequest> log = server.service.failedRequests;
    if (log == null) {
      return;
    }
    String uri = head == null ? null : head.uri();
    String rawPath = uri == null ? null : path(uri);
    try {
      log.accept(
          new FailedRequest(
              head == null ? null : head.method().name(),
              rawPath,
              rawPath == null ? null : HttpApi.modelOf(rawPath, query(uri)),
              r.status(),
              r.errorMessage(),
              head == null ? null : head.headers().get("X-Request-Id"),
              System.nanoTime() - started,
              null));
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "the failed-request log failed: " + e);
    }
  }

  /**
   * The server began to drain: an idle connection closes now, a busy one after its answer; an
   * HTTP/2 connection once its last open stream is answered.
   */
  void drain() {
    ctx.executor()
        .execute(
            () -> {
              if (state == State.HTTP2) {
                // With streams open, the last one to end closes the connection (streamClosed);
                // new ones meanwhile get 503. No GOAWAY before then: the JDK 17 HttpClient fails
                // every open stream of a connection that receives one, even NO_ERROR with a
                // last stream id that covers them (ServerUnderLoadTest caught it).
                if (streams.isEmpty()) {
                  state = State.CLOSED;
                  ctx.close(); // HTTP/2's handler sends GOAWAY first
                }
              } else if (state == State.IDLE) {
                state = State.CLOSED;
                ctx.close();
              }
            });
  }

  /** The drain deadline passed: the request still running gets 503 now; its run ends later. */
  void abandon() {
    ctx.executor()
        .execute(
            () -> {
              if (state == State.HTTP2) {
                List.copyOf(streams).forEach(HttpConnection::abandon);
                return;
              }
              InFlight f = current;
              if (f != null && !f.answered && state == State.BUSY) {
                f.answered = true;
                keepAlive = false;
                respond(
                    shuttingDown(
                            "the server is shutting down and this request did not finish within"
                                + " the drain deadline; retry on another replica")
                        .response());
              }
            });
  }

  private void idle() {
    state = State.IDLE;
    arm(
        server.options.idleTimeout().toNanos(),
        () -> {
          if (state == State.IDLE) {
            state = State.CLOSED;
            ctx.close();
          }
        });
  }

  private void bodyLate() {
    if (state != State.BODY) {
      return;
    }
    long gap = System.nanoTime() - lastRead;
    long allowed = server.options.bodyTimeout().toNanos();
    if (gap < allowed) {
      arm(allowed - gap, this::bodyLate);
      return;
    }
    timeout("the request body stalled: nothing arrived for " + seconds(allowed));
  }

  /** 408, then close: the client is too slow to keep a connection for. */
  private void timeout(String why) {
    cancelTimer();
    releaseRequest();
    keepAlive = false;
    state = State.BUSY;
    ctx.channel().config().setAutoRead(false);
    respond(Response.error(408, why));
  }

  private void arm(long nanos, Runnable task) {
    cancelTimer();
    timer = ctx.executor().schedule(task, nanos, TimeUnit.NANOSECONDS);
  }

  private void cancelTimer() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  /** Frees the body being read and its share of the budget (not one handed to a model run). */
  private void releaseRequest() {
    if (body != null) {
      body.release();
      body = null;
    }
    if (reserved > 0) {
      server.service.admission.release(reserved);
      reserved = 0;
    }
  }

  private Response tooLarge(long bytes) {
    return new HttpError(
            413, "the request body is " + bytes + " bytes; the limit is " + limit + " bytes")
        .response();
  }

  private Response overBudget(long bytes) {
    return new HttpError(
            413,
            "the request body is "
                + bytes
                + " bytes, which needs "
                + Admission.cost(bytes)
                + " bytes of the server's memory budget of "
                + server.service.admission.budget()
                + "; send smaller requests, or start the server with a larger --memory-budget")
        .response();
  }

  private Response overloaded() {
    server.service.metrics.rejected();
    return new HttpError(
            503,
            "the server is at capacity ("
                + server.service.admission.slots()
                + " requests, "
                + server.service.admission.budget()
                + " bytes of memory budget); retry shortly")
        .response();
  }

  private static HttpError shuttingDown(String message) {
    return new HttpError(503, message);
  }

  private static String seconds(long nanos) {
    return String.format(java.util.Locale.ROOT, "%.1f s", nanos / 1e9);
  }

  private static String path(String uri) {
    int q = uri.indexOf('?');
    String p = q < 0 ? uri : uri.substring(0, q);
    if (p.startsWith("http://") || p.startsWith("https://")) {
      int slash = p.indexOf('/', p.indexOf("//") + 2);
      p = slash < 0 ? "/" : p.substring(slash);
    }
    return p;
  }

  private static String query(String uri) {
    int q = uri.indexOf('?');
    return q < 0 ? null : uri.substring(q + 1);
  }

  /** A request body over the buffers Netty read, shared rather than copied. */
  private static final class Body implements RequestBody {
    private final CompositeByteBuf buf;

    Body(CompositeByteBuf buf) {
      this.buf = buf;
    }

    @Override
    public long length() {
      return buf == null ? 0 : buf.readableBytes();
    }

    @Override
    public InputStream stream(long offset, long length) {
      if (buf == null) {
        return InputStream.nullInputStream();
      }
      return new ByteBufInputStream(buf.slice((int) offset, (int) length));
    }

    @Override
    public void copyTo(long offset, ByteBuffer dst) {
      buf.getBytes((int) offset, dst);
    }
  }
}
