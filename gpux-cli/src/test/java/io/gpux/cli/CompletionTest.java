package io.gpux.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gpux completion bash|zsh|fish}: each script is loaded into the real shell and asked for
 * completions, the way the shell asks when TAB is pressed.
 */
class CompletionTest {
  @TempDir Path dir;

  private Path script(String shell) throws IOException {
    CliResult r = CliResult.run(dir, "completion", shell);
    assertEquals(0, r.exitCode(), r.toString());
    assertEquals("", r.err());
    Path file = dir.resolve("gpux." + shell);
    Files.writeString(file, r.out());
    return file;
  }

  /** Runs {@code shell -c script} and returns its standard output (standard error is ignored). */
  private static String shell(String... command) throws Exception {
    Process p =
        new ProcessBuilder(command)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the shell finished");
    assertEquals(0, p.exitValue(), String.join(" ", command) + "\n" + out);
    return out;
  }

  private static boolean installed(String shell) {
    return List.of("/bin/", "/usr/bin/", "/usr/local/bin/").stream()
        .anyMatch(d -> Files.isExecutable(Path.of(d + shell)));
  }

  /** What bash's completion function offers for the words typed so far. */
  private String bash(Path script, String line) throws Exception {
    String program =
        "source '"
            + script
            + "'\n"
            + "fn=$(complete -p gpux | sed -E 's/.*-F ([^ ]+).*/\\1/')\n"
            + "read -ra COMP_WORDS <<< \""
            + line
            + "\"\n"
            + (line.endsWith(" ") ? "COMP_WORDS+=('')\n" : "")
            + "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
            + "COMP_LINE=\""
            + line
            + "\"; COMP_POINT=${#COMP_LINE}\n"
            + "$fn gpux\n"
            + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
    return shell("bash", "-c", program);
  }

  @Test
  void bashCompletesCommandsOptionsAndValues() throws Exception {
    Path script = script("bash");
    assertEquals(List.of("build"), bash(script, "gpux bu").lines().toList());
    assertEquals(
        List.of("pin", "providers", "prune", "pull", "push"), sorted(bash(script, "gpux p")));
    assertTrue(bash(script, "gpux run --").lines().toList().contains("--file"));
    assertEquals(List.of("--force"), bash(script, "gpux pull --fo").lines().toList());
    assertEquals(List.of("coreml", "cpu", "cuda"), sorted(bash(script, "gpux run --provider c")));
    assertEquals(List.of("bash"), bash(script, "gpux completion b").lines().toList());
    // A nested command: gpux batch pull.
    assertEquals(List.of("pull"), bash(script, "gpux batch pu").lines().toList());
    assertEquals(List.of("--fail-fast"), bash(script, "gpux batch pull --fa").lines().toList());
  }

  private static List<String> sorted(String lines) {
    return lines.lines().filter(s -> !s.isEmpty()).sorted().toList();
  }

  @Test
  void zshLoadsTheScriptThroughBashcompinit() throws Exception {
    assumeTrue(installed("zsh"), "zsh is not installed (.ci/run installs it)");
    Path script = script("zsh");
    String registered =
        shell(
            "zsh",
            "-f",
            "-c",
            "autoload -U +X compinit && compinit -u -D; source '"
                + script
                + "'; print -r -- \"${_comps[gpux]}\"");
    assertTrue(registered.contains("_bash_complete"), "gpux is completed in zsh: " + registered);
  }

  @Test
  void fishCompletesCommandsAndOptions() throws Exception {
    assumeTrue(installed("fish"), "fish is not installed (.ci/run installs it)");
    Path script = script("fish");
    String commands =
        shell("fish", "--no-config", "-c", "source '" + script + "'; complete -C 'gpux bu'");
    assertTrue(
        commands.startsWith("build\tValidate a project and record how it will run."), commands);
    String options =
        shell("fish", "--no-config", "-c", "source '" + script + "'; complete -C 'gpux pull --fo'");
    assertTrue(options.startsWith("--force\t"), options);
    String nested =
        shell(
            "fish",
            "--no-config",
            "-c",
            "source '"
                + script
                + "'; complete -C 'gpux batch pu'; echo ---; complete -C 'gpux batch pull --f';"
                + " echo ---; complete -C 'gpux pull --fa'");
    String[] parts = nested.split("---\n", -1);
    assertTrue(parts[0].startsWith("pull\t"), nested);
    List<String> batchPull = parts[1].lines().map(l -> l.split("\t")[0]).sorted().toList();
    assertEquals(List.of("--fail-fast", "--file"), batchPull, "not gpux pull's --force: " + nested);
    assertEquals("", parts[2].strip(), "gpux pull has no --fail-fast: " + nested);
    String providers =
        shell(
            "fish",
            "--no-config",
            "-c",
            "source '" + script + "'; complete -C 'gpux run --provider c'");
    assertEquals(
        List.of("coreml", "cpu", "cuda"),
        providers.lines().map(l -> l.split("\t")[0]).sorted().toList(),
        providers);
  }
}
