package io.gpux.inference;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.project.Project;
import io.gpux.project.TensorSpec;
import io.gpux.runtime.ModelSession;
import io.gpux.runtime.ProviderChoice;
import io.gpux.tensor.Tensor;
import io.gpux.tensor.TensorSignature;
import io.gpux.tokenize.TextTokenizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A project loaded and ready to predict: its session (created once), its tokenizer (loaded on first
 * text input) and its labels. Thread-safe.
 */
public final class InferenceModel implements AutoCloseable {
  private static final int DEFAULT_MAX_TOKENS = 512;

  private final Project project;
  private final ModelSession session;
  private final Map<String, TensorSpec> outputSpecs = new LinkedHashMap<>();
  private final InputAssembler assembler;
  private volatile TextTokenizer tokenizer;

  public InferenceModel(Project project, ModelSession session) {
    this.project = project;
    this.session = session;
    project.config().outputs().forEach(o -> outputSpecs.put(o.name(), o));
    this.assembler = new InputAssembler(session.inputs(), this::tokenizer, noTokenizerHint());
  }

  public Project project() {
    return project;
  }

  public ModelSession session() {
    return session;
  }

  public ProviderChoice provider() {
    return session.provider();
  }

  public List<TensorSignature> inputs() {
    return session.inputs();
  }

  public List<TensorSignature> outputs() {
    return session.outputs();
  }

  /** JSON in, outputs out: what {@code gpux run} and {@code /predict} do. */
  public Prediction predict(JsonNode request) {
    return new Prediction(run(toTensors(request)), outputSpecs);
  }

  /** The input tensors a JSON request stands for (tokenizing text); useful to time runs alone. */
  public Map<String, Tensor> toTensors(JsonNode request) {
    return assembler.assemble(request);
  }

  public Map<String, Tensor> run(Map<String, Tensor> feeds) {
    return session.run(feeds);
  }

  public Prediction label(Map<String, Tensor> outputs) {
    return new Prediction(outputs, outputSpecs);
  }

  /** The tokenizer, loaded once on first use; null when the project has none. */
  public TextTokenizer tokenizer() {
    TextTokenizer t = tokenizer;
    if (t == null) {
      synchronized (this) {
        t = tokenizer;
        if (t == null) {
          Optional<java.nio.file.Path> file = project.tokenizerFile();
          if (file.isEmpty()) {
            if (project.declaredTokenizer().isPresent()) {
              throw io.gpux.error.GpuxException.notFound(
                  "the tokenizer named in gpux.yml was not found: "
                      + project.directory().resolve(project.declaredTokenizer().get()),
                  "point preprocessing.tokenizer at the model's tokenizer.json");
            }
            return null;
          }
          t = TextTokenizer.load(file.get(), maxTokens());
          tokenizer = t;
        }
      }
    }
    return t;
  }

  private int maxTokens() {
    Integer configured = project.config().preprocessing().maxLength();
    if (configured != null) {
      return configured;
    }
    for (TensorSpec s : project.config().inputs()) {
      if (s.maxLength() != null) {
        return s.maxLength();
      }
    }
    for (TensorSignature s : session.inputs()) {
      if (s.shape() != null && s.shape().size() == 2 && s.shape().get(1) > 0) {
        return s.shape().get(1).intValue();
      }
    }
    return DEFAULT_MAX_TOKENS;
  }

  private String noTokenizerHint() {
    return "put the model's tokenizer.json beside it, or set preprocessing.tokenizer in "
        + (project.configFile() == null ? "a gpux.yml" : project.configFile().toString())
        + "; or send token ids";
  }

  @Override
  public void close() {
    TextTokenizer t = tokenizer;
    if (t != null) {
      t.close();
    }
    session.close();
  }
}
