package io.gpux.testing.torchhub;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hub repositories the tests generate: a {@code hubconf.py} whose entrypoints build a small CNN
 * with seeded weights (no weights are downloaded from anywhere).
 */
public final class HubRepos {
  private HubRepos() {}

  /**
   * Entrypoints: {@code tiny_cnn(weights=None, num_classes=5, seed=1234)} (input {@code x},
   * 1x3x16x16, declared with {@code gpux_input_shapes}), {@code two_heads()} (a dict of two
   * outputs), {@code svd_model()} (an op neither exporter can export), and {@code _helper}
   * (private: not an entrypoint). {@code version} changes the weights' seed, so a new commit
   * computes something else.
   */
  public static Map<String, byte[]> tinyCnn(int version) {
    String hubconf =
        """
        dependencies = ["torch"]

        import torch
        from torch import nn

        from tiny.model import TinyCnn

        VERSION = %d


        def tiny_cnn(weights=None, num_classes=5, seed=1234):
            \"\"\"A tiny CNN with seeded weights (weights=None: nothing is downloaded).\"\"\"
            if weights is not None:
                raise ValueError("this test hub has no weights to download")
            torch.manual_seed(seed + VERSION)
            return TinyCnn(num_classes)


        tiny_cnn.gpux_input_shapes = {"x": [1, 3, 16, 16]}


        class _TwoHeads(nn.Module):
            def __init__(self):
                super().__init__()
                self.body = TinyCnn(4)

            def forward(self, x):
                y = self.body(x)
                return {"logits": y, "probabilities": torch.softmax(y, dim=1)}


        def two_heads():
            torch.manual_seed(7 + VERSION)
            return _TwoHeads()


        two_heads.gpux_input_shapes = {"x": [1, 3, 16, 16]}


        class _Svd(nn.Module):
            def forward(self, x):
                return torch.linalg.svd(x)[1]


        def svd_model():
            return _Svd()


        svd_model.gpux_input_shapes = {"x": [1, 4, 4]}


        def _helper():
            return None
        """
            .formatted(version);
    String model =
        """
        import torch
        from torch import nn


        class TinyCnn(nn.Module):
            def __init__(self, num_classes):
                super().__init__()
                self.conv = nn.Conv2d(3, 4, 3, padding=1)
                self.pool = nn.AdaptiveAvgPool2d(1)
                self.fc = nn.Linear(4, num_classes)

            def forward(self, x):
                y = torch.relu(self.conv(x))
                return self.fc(torch.flatten(self.pool(y), 1))
        """;
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("hubconf.py", hubconf.getBytes(StandardCharsets.UTF_8));
    files.put("tiny/__init__.py", new byte[0]);
    files.put("tiny/model.py", model.getBytes(StandardCharsets.UTF_8));
    files.put("README.md", "A test hub.\n".getBytes(StandardCharsets.UTF_8));
    return files;
  }

  /**
   * A stand-in for pytorch/vision's hub (the docs' examples): {@code resnet18} and {@code resnet50}
   * taking torchvision's {@code weights} and {@code num_classes}, each a tiny CNN (no declared
   * shapes: the 1x3x224x224 image default applies).
   */
  public static Map<String, byte[]> visionLike() {
    String hubconf =
        """
        dependencies = ["torch"]

        import torch

        from tiny.model import TinyCnn


        def _build(seed, weights, num_classes):
            if weights is not None:
                raise ValueError("this stand-in has no weights to download")
            torch.manual_seed(seed)
            return TinyCnn(num_classes)


        def resnet18(*, weights=None, progress=True, num_classes=1000):
            \"\"\"Not ResNet-18: a tiny CNN with resnet18's signature.\"\"\"
            return _build(18, weights, num_classes)


        def resnet50(*, weights=None, progress=True, num_classes=1000):
            return _build(50, weights, num_classes)
        """;
    Map<String, byte[]> files = new LinkedHashMap<>(tinyCnn(1));
    files.put("hubconf.py", hubconf.getBytes(StandardCharsets.UTF_8));
    return files;
  }

  /** A hubconf.py that needs modules no environment has. */
  public static Map<String, byte[]> missingDependencies() {
    String hubconf =
        """
        dependencies = ["torch", "gpux_no_such_module", "another_missing_module"]


        def model():
            import torch

            return torch.nn.Identity()
        """;
    return Map.of("hubconf.py", hubconf.getBytes(StandardCharsets.UTF_8));
  }
}
