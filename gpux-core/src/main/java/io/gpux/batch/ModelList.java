package io.gpux.batch;

import io.gpux.error.GpuxException;
import io.gpux.lock.LockedModel;
import io.gpux.lock.Lockfile;
import io.gpux.ref.ModelRef;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The references a batch works on, each once, in the order first seen, each with where it came from
 * ({@code models.txt:7}, {@code argument 2}, {@code gpux.lock:12}), plus the lines that are not
 * references (kept, with their place, for the caller to refuse or skip) and the duplicates dropped.
 *
 * <p>A list file has one reference per line; {@code #} starts a comment at the start of a line or
 * after whitespace ({@code hf:org/m # the small one}); blank lines are ignored. Every reference is
 * parsed with the installed registries' grammars, so {@code mlflow:clf/3} and {@code
 * oci://host/repo:tag} mean what they mean to {@code gpux pull}. A lockfile's models become their
 * exact references, with the locked files kept on the entry ({@link Entry#locked()}).
 *
 * <p>Build one with {@code gpux.batch().list()} ({@link Builder}).
 */
public final class ModelList {
  /**
   * One model of the list.
   *
   * @param text the reference as written (a lockfile's model: its exact reference)
   * @param ref the parsed reference; null for a local project folder or .onnx file that is not one
   *     (an absolute or {@code ./} path, as {@code gpux run} takes)
   * @param where where it was given: {@code models.txt:7}, {@code argument 2}, {@code stdin:3}
   * @param line its line in that source (the argument's position for arguments), 1-based
   * @param locked the lockfile's entry when it came from {@code --locked}, else null
   */
  public record Entry(String text, ModelRef ref, String where, int line, LockedModel locked) {
    /**
     * What identifies the model in the batch: its canonical reference (plus a lockfile's file
     * selection). Duplicates share it; shards are cut by it.
     */
    public String key() {
      if (ref == null) {
        return "path:" + text;
      }
      String selection = locked == null ? null : locked.selection();
      return ref.toString() + (selection == null ? "" : " (" + selection + ")");
    }
  }

  /**
   * A line that is not a model reference.
   *
   * @param where {@code models.txt:7}, {@code argument 2}
   * @param text the line (without its comment)
   * @param problem what the registry's grammar says is wrong
   * @param hint the fix the grammar suggests, or null
   */
  public record Invalid(String where, int line, String text, String problem, String hint) {
    /** {@code models.txt:7: 'hf:' is not a model reference: the name is empty}. */
    public String message() {
      return where + ": '" + text + "' is not a model reference: " + problem;
    }
  }

  /** A reference given again ({@code where}), dropped in favour of the first ({@code kept}). */
  public record Duplicate(Entry kept, String where, String text) {}

  private final List<Entry> entries;
  private final List<Invalid> invalid;
  private final List<Duplicate> duplicates;

  ModelList(List<Entry> entries, List<Invalid> invalid, List<Duplicate> duplicates) {
    this.entries = List.copyOf(entries);
    this.invalid = List.copyOf(invalid);
    this.duplicates = List.copyOf(duplicates);
  }

  /** The models, each once, in the order first given. */
  public List<Entry> entries() {
    return entries;
  }

  /** The lines that are not references, in order. */
  public List<Invalid> invalid() {
    return invalid;
  }

  /** The references given more than once (each later copy). */
  public List<Duplicate> duplicates() {
    return duplicates;
  }

  public int size() {
    return entries.size();
  }

  /**
   * The list to work on: refused when a line is not a reference (unless {@code skipInvalid}), or
   * when nothing is left.
   *
   * @throws GpuxException (invalid input) naming every bad line (up to 10) and the fix
   */
  public ModelList checked(boolean skipInvalid) {
    if (!invalid.isEmpty() && !skipInvalid) {
      StringBuilder problem = new StringBuilder();
      int shown = Math.min(10, invalid.size());
      for (int i = 0; i < shown; i++) {
        problem.append(i == 0 ? "" : "\n").append(invalid.get(i).message());
      }
      if (invalid.size() > shown) {
        problem.append("\n(and ").append(invalid.size() - shown).append(" more)");
      }
      String hint = invalid.get(0).hint();
      throw GpuxException.invalidInput(
          problem.toString(),
          (hint == null ? "" : hint + "; ")
              + "fix "
              + (invalid.size() == 1 ? "the line" : "these lines")
              + ", or pass --skip-invalid to work on the others");
    }
    if (entries.isEmpty()) {
      throw GpuxException.invalidInput(
          "no models given" + (invalid.isEmpty() ? "" : " (every line was skipped as invalid)"),
          "name references (hf:org/model ...), a list file (-f models.txt), - for standard input,"
              + " or --locked gpux.lock");
    }
    return skipInvalid && !invalid.isEmpty() ? new ModelList(entries, List.of(), duplicates) : this;
  }

  /** The entries {@code shard} owns (by {@link Entry#key()}), in order. */
  public ModelList shard(Shard shard) {
    if (shard.count() == 1) {
      return this;
    }
    return new ModelList(
        entries.stream().filter(e -> shard.owns(e.key())).toList(), invalid, duplicates);
  }

  /** A list with the registries' grammar: {@code gpux.batch().list()} gives one. */
  public static Builder builder(
      Path workingDirectory,
      Function<String, ModelRef> parser,
      Function<LockedModel, String> exactReference) {
    return new Builder(workingDirectory, parser, exactReference);
  }

  /** Collects references from arguments, list files, readers and lockfiles, in the given order. */
  public static final class Builder {
    private final Path workingDirectory;
    private final Function<String, ModelRef> parser;
    private final Function<LockedModel, String> exactReference;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final List<Invalid> invalid = new ArrayList<>();
    private final List<Duplicate> duplicates = new ArrayList<>();
    private int arguments;

    private Builder(
        Path workingDirectory,
        Function<String, ModelRef> parser,
        Function<LockedModel, String> exactReference) {
      this.workingDirectory = workingDirectory;
      this.parser = parser;
      this.exactReference = exactReference;
    }

    /** One reference given as a command-line argument ({@code argument N} in errors). */
    public Builder argument(String text) {
      arguments++;
      add(text == null ? "" : text.strip(), "argument " + arguments, arguments, null);
      return this;
    }

    public Builder arguments(List<String> texts) {
      texts.forEach(this::argument);
      return this;
    }

    /** A list file, relative to the working directory ({@code -f models.txt}). */
    public Builder file(String path) {
      Path file = workingDirectory.resolve(path);
      try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        return read(path, in);
      } catch (NoSuchFileException e) {
        throw GpuxException.invalidInput(
            "no model list at " + path, "check the path (one reference per line, # comments)");
      } catch (IOException e) {
        throw GpuxException.invalidInput(
            "cannot read " + path + ": " + e.getMessage(), "check the path and its permissions");
      }
    }

    /**
     * A list read from {@code in} (the caller's standard input for {@code -}), named {@code name}
     * in errors ({@code stdin:3}); the reader is not closed.
     */
    public Builder read(String name, Reader in) {
      BufferedReader lines = in instanceof BufferedReader b ? b : new BufferedReader(in);
      int n = 0;
      try {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          n++;
          String text = withoutComment(line);
          if (!text.isEmpty()) {
            add(text, name + ":" + n, n, null);
          }
        }
      } catch (IOException e) {
        throw GpuxException.invalidInput(
            "cannot read " + name + ": " + e.getMessage(), "check the input");
      }
      return this;
    }

    /** Every model of a lockfile, by its exact version ({@code --locked gpux.lock}). */
    public Builder locked(String lockfile) {
      Path file = workingDirectory.resolve(lockfile);
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        throw GpuxException.invalidInput(
            "no lockfile at " + lockfile, "write one with `gpux lock REF... -o " + lockfile + "`");
      } catch (IOException e) {
        throw GpuxException.invalidInput(
            "cannot read " + lockfile + ": " + e.getMessage(), "check the path");
      }
      for (LockedModel m : Lockfile.parse(text, lockfile).models()) {
        add(exactReference.apply(m), lockfile + ":" + m.line(), m.line(), m);
      }
      return this;
    }

    public ModelList build() {
      return new ModelList(new ArrayList<>(entries.values()), invalid, duplicates);
    }

    private void add(String text, String where, int line, LockedModel locked) {
      ModelRef ref;
      try {
        if (text.isEmpty()) {
          throw GpuxException.invalidInput("it is empty", null);
        }
        if (text.chars().anyMatch(Character::isWhitespace)) {
          throw GpuxException.invalidInput(
              "it has a space (one reference per line)", "put each reference on a line of its own");
        }
        ref = parser.apply(text);
      } catch (GpuxException e) {
        if (!text.isEmpty() && Files.exists(workingDirectory.resolve(text))) {
          // A project folder or .onnx file (./my-model, /data/m.onnx): what `gpux run` takes too.
          ref = null;
        } else {
          invalid.add(new Invalid(where, line, text, e.problem(), e.hint()));
          return;
        }
      }
      Entry entry = new Entry(text, ref, where, line, locked);
      Entry first = entries.putIfAbsent(entry.key(), entry);
      if (first != null) {
        duplicates.add(new Duplicate(first, where, text));
      }
    }

    /**
     * The line without its comment: {@code #} at the start, or after whitespace (a {@code #} inside
     * a word is kept, should a registry's names ever have one), stripped.
     */
    static String withoutComment(String line) {
      for (int i = 0; i < line.length(); i++) {
        if (line.charAt(i) == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
          return line.substring(0, i).strip();
        }
      }
      return line.strip();
    }
  }
}
