package io.gpux.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * What a command reports on standard error (and serve's banner on standard output), in the format
 * {@code --log-format} chose: the text lines people read ({@code gpux: loaded digits ...}), or one
 * JSON object per line for a log collector, all on standard error:
 *
 * <pre>{"timestamp":"2026-01-05T10:00:00.123Z","level":"INFO","logger":"gpux.serve",
 * "event":"model.loaded","message":"loaded digits (provider: CPUExecutionProvider)",
 * "model":"digits"}</pre>
 *
 * <p>Why its own few lines of Jackson rather than a logging framework: the CLI's output is already
 * written by the commands themselves (not through a logger), Jackson is on the class path, and a
 * backend such as logback would also wake up every library that logs through SLF4J, which {@code
 * slf4j-nop} keeps quiet today. Records of the JDK's {@link System.Logger} (the server's warnings)
 * come here too, through {@link #captureJdkLogging}.
 */
final class Log {
  /** The formats {@code --log-format} takes. */
  enum Format {
    TEXT,
    JSON;

    /** {@code text} or {@code json}, any case; null for anything else. */
    static Format parse(String s) {
      if (s == null) {
        return null;
      }
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "text" -> TEXT;
        case "json" -> JSON;
        default -> null;
      };
    }
  }

  /** Levels, as log collectors spell them. */
  enum Level {
    DEBUG,
    INFO,
    WARN,
    ERROR
  }

  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ISO_INSTANT;

  private final Format format;
  private final PrintWriter out;
  private final PrintWriter err;
  private final String logger;

  Log(Format format, PrintWriter out, PrintWriter err, String logger) {
    this.format = format;
    this.out = out;
    this.err = err;
    this.logger = logger;
  }

  boolean json() {
    return format == Format.JSON;
  }

  /** The same log under another logger name ({@code gpux.serve}, {@code gpux.server.http}). */
  Log named(String name) {
    return new Log(format, out, err, name);
  }

  /** {@code gpux: MESSAGE} on standard error as text; an event in JSON. */
  void info(String event, String message, Object... fields) {
    log(Level.INFO, event, message, fields);
  }

  void warn(String event, String message, Object... fields) {
    log(Level.WARN, event, message, fields);
  }

  /**
   * A line of serve's banner: as it is on standard output as text (scripts read the port from it),
   * an INFO event on standard error in JSON.
   */
  void banner(String event, String line, Object... fields) {
    if (format == Format.TEXT) {
      out.println(line);
    } else {
      write(Level.INFO, event, line.strip(), fields, null);
    }
  }

  /**
   * {@code gpux: MESSAGE} (a warning's message carries its own {@code warning:}), or the event;
   * {@code fields} are name, value pairs, nulls left out.
   */
  void log(Level level, String event, String message, Object... fields) {
    if (format == Format.TEXT) {
      err.println("gpux: " + message);
      err.flush();
    } else {
      write(level, event, message, fields, null);
    }
  }

  /** One JSON object, one line, written whole (threads log at once: the server's event loops). */
  void write(Level level, String event, String message, Object[] fields, String stackTrace) {
    StringWriter line = new StringWriter(160);
    try (JsonGenerator g = io.gpux.json.Json.factory().createGenerator(line)) {
      g.writeStartObject();
      g.writeStringField(
          "timestamp", TIMESTAMP.format(Instant.now().truncatedTo(ChronoUnit.MILLIS)));
      g.writeStringField("level", level.name());
      g.writeStringField("logger", logger);
      g.writeStringField("event", event);
      g.writeStringField("message", message);
      for (int i = 0; i + 1 < fields.length; i += 2) {
        Object v = fields[i + 1];
        if (v == null) {
          continue;
        }
        String name = (String) fields[i];
        if (v instanceof Number n) {
          if (n instanceof Double || n instanceof Float) {
            g.writeNumberField(name, n.doubleValue());
          } else {
            g.writeNumberField(name, n.longValue());
          }
        } else if (v instanceof Boolean b) {
          g.writeBooleanField(name, b);
        } else if (v instanceof Iterable<?> items) {
          g.writeArrayFieldStart(name);
          for (Object item : items) {
            g.writeString(String.valueOf(item));
          }
          g.writeEndArray();
        } else {
          g.writeStringField(name, String.valueOf(v));
        }
      }
      if (stackTrace != null) {
        g.writeStringField("stack_trace", stackTrace);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e); // a StringWriter does not fail
    }
    synchronized (err) {
      err.println(line);
      err.flush();
    }
  }

  /**
   * In JSON, the JDK's logging ({@link System.Logger}, java.util.logging: the server's warnings,
   * gRPC's) goes to this log while the returned handle is open, instead of java.util.logging's
   * two-line text; closing it puts the console handler back. As text it changes nothing.
   */
  AutoCloseable captureJdkLogging() {
    if (format == Format.TEXT) {
      return () -> {};
    }
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    java.util.logging.Handler[] previous = root.getHandlers();
    java.util.logging.Handler json =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            if (!isLoggable(r)) {
              return;
            }
            int v = r.getLevel().intValue();
            Level level =
                v >= java.util.logging.Level.SEVERE.intValue()
                    ? Level.ERROR
                    : v >= java.util.logging.Level.WARNING.intValue()
                        ? Level.WARN
                        : v >= java.util.logging.Level.INFO.intValue() ? Level.INFO : Level.DEBUG;
            String message = new java.util.logging.SimpleFormatter().formatMessage(r);
            String trace = null;
            if (r.getThrown() != null) {
              StringWriter s = new StringWriter();
              r.getThrown().printStackTrace(new PrintWriter(s));
              trace = s.toString();
            }
            named(r.getLoggerName() == null ? "jdk" : r.getLoggerName())
                .write(level, "log", message, new Object[0], trace);
          }

          @Override
          public void flush() {
            err.flush();
          }

          @Override
          public void close() {}
        };
    json.setLevel(java.util.logging.Level.INFO);
    for (java.util.logging.Handler h : previous) {
      root.removeHandler(h);
    }
    root.addHandler(json);
    return () -> {
      root.removeHandler(json);
      for (java.util.logging.Handler h : previous) {
        root.addHandler(h);
      }
    };
  }

  /** The fields of a failed request's event. */
  static Object[] fields(io.gpux.server.FailedRequest r) {
    return new Object[] {
      "model", r.model(),
      "request_id", r.requestId(),
      "method", r.method(),
      "path", r.path(),
      "status", r.status(),
      "error", r.error(),
      "duration_ms", Math.round(r.durationNanos() / 1e4) / 100.0,
      "grpc_code", r.grpcCode()
    };
  }
}
