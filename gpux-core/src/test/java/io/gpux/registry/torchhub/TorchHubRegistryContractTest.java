package io.gpux.registry.torchhub;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gpux.registry.RegistryContract;
import io.gpux.testing.PythonEnv;
import io.gpux.testing.RepoFiles;
import io.gpux.testing.Slow;
import io.gpux.testing.torchhub.FakeGitHub;
import io.gpux.testing.torchhub.HubRepos;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * PyTorch Hub against the GitHub stand-in: a pull converts the repository's entrypoint in the
 * PyTorch environment bin/test made ({@code .venv-pytorch}), so it is slow. The repository is
 * trusted through the trusted list, as a user's earlier {@code --trust} leaves it.
 */
@Slow
class TorchHubRegistryContractTest extends RegistryContract {
  private static final String TOKEN = "ghp_contractSecret0123456789abcdef";
  private FakeGitHub github;

  @Override
  protected Map<String, String> startServer() throws Exception {
    PythonEnv.python("pytorch");
    github = FakeGitHub.start().pageSize(2);
    FakeGitHub.Repo repo = github.repo("someone", "hub");
    String sha = repo.push("main", HubRepos.tinyCnn(1));
    repo.branch("dev", sha).tag("v1", sha).tag("v2", sha);
    Files.createDirectories(home.resolve("torchhub"));
    Files.writeString(home.resolve("torchhub/trusted_list"), "someone_hub\nsomeone_nothing\n");
    Map<String, String> env = env("GITHUB_TOKEN", TOKEN);
    env.putAll(github.env());
    env.put("GPUX_PYTHON_ENV_PYTORCH", RepoFiles.root().resolve(".venv-pytorch").toString());
    return env;
  }

  @Override
  protected void stopServer() {
    if (github != null) {
      github.close();
    }
  }

  @AfterEach
  void theClientAskedOnlyForWhatGitHubServes() {
    assertEquals(java.util.List.of(), github.unknownRequests());
  }

  @Override
  protected String existingReference() {
    return "torchhub:someone/hub/tiny_cnn";
  }

  @Override
  protected String missingReference() {
    return "torchhub:someone/nothing/tiny_cnn";
  }

  @Override
  protected String secret() {
    return TOKEN;
  }
}
