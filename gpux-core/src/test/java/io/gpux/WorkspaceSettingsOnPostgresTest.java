package io.gpux;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.gpux.config.GpuxSettings;
import io.gpux.registry.PullOptions;
import io.gpux.testing.OnnxModels;
import io.gpux.testing.Postgres;
import io.gpux.testing.Slow;
import io.gpux.testing.hf.FakeHfHub;
import io.gpux.transfer.TransferListener;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workspace's registry settings apply when the index is a team's PostgreSQL database, where
 * GPUX_HOME holds no index.db: a machine that joins the team gets the workspace's endpoints (team
 * A's MLflow workspace, its Hub mirror) from the shared index.
 */
@Slow
class WorkspaceSettingsOnPostgresTest {
  @TempDir Path home;
  @TempDir Path work;

  @Test
  void theSharedIndexsSettingsApplyOnAFreshMachine() throws Exception {
    Postgres pg = Postgres.shared();
    String url = pg.url(pg.newDatabase());
    try (FakeHfHub hub = FakeHfHub.start()) {
      byte[] model = Files.readAllBytes(OnnxModels.addOne(work.resolve("model.onnx")));
      hub.repo("acme/a").file("model.onnx", model).commit("a1");
      Map<String, String> env = new HashMap<>();
      env.put("GPUX_HOME", home.toString());
      env.put("GPUX_INDEX_URL", url);
      // The environment's Hub is nowhere: only the workspace's setting reaches the test hub.
      env.put("HF_ENDPOINT", "http://127.0.0.1:9");
      try (Gpux g = Gpux.open(work, GpuxSettings.fromEnvironment(env, home))) {
        g.workspaces().create("team-a");
        g.workspaces().set("team-a", "hf.endpoint", hub.url());
        g.workspaces().set("team-a", "mlflow.workspace", "team-a");
      }
      assertFalse(Files.exists(home.resolve("index.db")), "the index is on PostgreSQL");
      env.put("GPUX_WORKSPACE", "team-a");
      try (Gpux g = Gpux.open(work, GpuxSettings.fromEnvironment(env, home))) {
        g.models().pull("hf:acme/a", PullOptions.defaults(), TransferListener.NONE);
      }
    }
  }
}
