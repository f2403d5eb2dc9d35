package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress line: a bar, the share done, bytes, speed and time left. */
class ProgressRendererTest {
  @Test
  void drawsABarWithBytesSpeedAndTimeLeft() {
    StringWriter out = new StringWriter();
    ProgressRenderer p = new ProgressRenderer(new PrintWriter(out), false);
    p.started("a.bin", 1000, 0);
    p.progressed("a.bin", 500);
    String s = p.status();
    assertTrue(s.startsWith("[############------------]  50%  500 B / 1000 B  "), s);
    assertTrue(s.contains("/s  ETA "), s);
    p.completed("a.bin", 1000, "ab".repeat(32));
    assertTrue(out.toString().contains("a.bin"), out.toString());
  }
}
