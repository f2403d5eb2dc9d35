package io.gpux.testing.hf;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The standalone server's fixtures: each {@code ROOT/<org>/<name>/} folder becomes a repo whose
 * files are one commit on {@code main}. A file is LFS when it reaches the threshold or when the
 * repo's {@code .gitattributes} marks it {@code filter=lfs}, as git-lfs decides.
 */
final class FolderImport {
  private FolderImport() {}

  /** Parses main's arguments, starts the hub and imports the folder. */
  static FakeHfHub serve(List<String> args) throws IOException {
    Path root = null;
    int port = 0;
    Integer pageSize = null;
    Long threshold = null;
    String cdnHost = null;
    for (int i = 0; i < args.size(); i++) {
      String flag = args.get(i);
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args.get(++i);
      switch (flag) {
        case "--root" -> root = Path.of(value);
        case "--port" -> port = Integer.parseInt(value);
        case "--page-size" -> pageSize = Integer.parseInt(value);
        case "--lfs-threshold" -> threshold = Long.parseLong(value);
        case "--cdn-host" -> cdnHost = value;
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    if (root == null || !Files.isDirectory(root)) {
      throw new IllegalArgumentException("--root must name a folder, got " + root);
    }
    FakeHfHub hub = FakeHfHub.start(port);
    if (pageSize != null) {
      hub.pageSize(pageSize);
    }
    if (threshold != null) {
      hub.lfsThreshold(threshold);
    }
    if (cdnHost != null) {
      hub.cdnHost(cdnHost);
    }
    load(hub, root, threshold == null ? 1 << 20 : threshold);
    return hub;
  }

  static void load(FakeHfHub hub, Path root, long threshold) throws IOException {
    for (Path org : folders(root)) {
      for (Path dir : folders(org)) {
        FakeRepo repo = hub.repo(org.getFileName() + "/" + dir.getFileName());
        List<PathMatcher> lfs = lfsPatterns(dir.resolve(".gitattributes"));
        try (Stream<Path> walk = Files.walk(dir)) {
          for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
            Path rel = dir.relativize(f);
            if (rel.startsWith(".git")) {
              continue;
            }
            String path = rel.toString().replace('\\', '/');
            boolean isLfs =
                Files.size(f) >= threshold
                    || lfs.stream().anyMatch(m -> m.matches(rel) || m.matches(rel.getFileName()));
            if (isLfs) {
              repo.lfsFile(path, f);
            } else {
              repo.file(path, f);
            }
          }
        }
        repo.commit("Import " + dir.getFileName());
      }
    }
  }

  private static List<Path> folders(Path parent) throws IOException {
    try (Stream<Path> s = Files.list(parent)) {
      return s.filter(Files::isDirectory)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .sorted()
          .toList();
    }
  }

  /** The {@code filter=lfs} globs of a {@code .gitattributes}, e.g. {@code *.onnx}. */
  private static List<PathMatcher> lfsPatterns(Path gitattributes) throws IOException {
    List<PathMatcher> out = new ArrayList<>();
    if (!Files.isRegularFile(gitattributes)) {
      return out;
    }
    for (String line : Files.readAllLines(gitattributes)) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length > 1 && !parts[0].startsWith("#") && List.of(parts).contains("filter=lfs")) {
        out.add(FileSystems.getDefault().getPathMatcher("glob:" + parts[0]));
      }
    }
    return out;
  }
}
