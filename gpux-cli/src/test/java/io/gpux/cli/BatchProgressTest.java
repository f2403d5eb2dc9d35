package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gpux.batch.ModelList;
import io.gpux.batch.ModelOutcome;
import io.gpux.ref.ModelRef;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The batch view: a fixed block redrawn in place on a terminal, one line a model elsewhere. */
class BatchProgressTest {
  private static ModelList.Entry entry(int i) {
    return new ModelList.Entry(
        "hf:acme/m" + i, new ModelRef("hf", "acme/m" + i, null, null), "models.txt:" + i, i, null);
  }

  private static ModelOutcome pulled(ModelList.Entry e) {
    return new ModelOutcome(
        e, ModelOutcome.Status.PULLED, "c0ffee", e.text() + "@c0ffee", 1000, 0.1, null, null);
  }

  private static ModelOutcome failed(ModelList.Entry e) {
    return new ModelOutcome(
        e, ModelOutcome.Status.FAILED, null, null, 0, 0.1, "not found", "check the name");
  }

  /** What a terminal shows at the end: lines, with "cursor up n, erase below" applied. */
  private static List<String> screen(String written) {
    List<String> lines = new ArrayList<>();
    Matcher m = Pattern.compile("\r\033\\[(\\d+)A\033\\[J|([^\n\r\033]*)\n").matcher(written);
    while (m.find()) {
      if (m.group(1) != null) {
        int up = Integer.parseInt(m.group(1));
        lines.subList(lines.size() - up, lines.size()).clear();
      } else {
        lines.add(m.group(2));
      }
    }
    return lines;
  }

  @Test
  void aLongBatchOnATerminalLeavesOnlyItsFailuresOnScreen() {
    StringWriter out = new StringWriter();
    BatchProgress p = new BatchProgress(new PrintWriter(out), true, 200);
    for (int i = 0; i < 200; i++) {
      ModelList.Entry e = entry(i);
      p.started(e, 1000);
      p.progressed(e, 1000);
      if (i == 17) {
        p.failed(failed(e));
      } else {
        p.finished(pulled(e));
      }
      // Mid-batch the screen is the failures, then the overall line and the models in flight.
      List<String> now = screen(out.toString());
      assertTrue(now.size() <= 2, "never more than a failure and the block: " + now);
    }
    p.close();
    assertEquals(List.of("failed  hf:acme/m17 (models.txt:17): not found"), screen(out.toString()));
    assertTrue(p.overall().startsWith("200/200 models  195.3 KB  "), p.overall());
    assertTrue(p.overall().endsWith("(1 failed)"), p.overall());
  }

  @Test
  void onAPipeEachFinishedModelIsOnePlainLine() {
    StringWriter out = new StringWriter();
    BatchProgress p = new BatchProgress(new PrintWriter(out), false, 3);
    for (int i = 0; i < 3; i++) {
      ModelList.Entry e = entry(i);
      p.started(e, 1000);
      p.progressed(e, 1000);
      p.finished(pulled(e));
    }
    p.close();
    assertEquals(
        List.of(
            "pulled  hf:acme/m0@c0ffee  1000 B  0.1 s",
            "pulled  hf:acme/m1@c0ffee  1000 B  0.1 s",
            "pulled  hf:acme/m2@c0ffee  1000 B  0.1 s"),
        out.toString().lines().toList());
  }
}
