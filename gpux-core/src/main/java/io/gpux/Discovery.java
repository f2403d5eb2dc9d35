package io.gpux;

import io.gpux.discover.Comparer;
import io.gpux.discover.CrossSearch;
import io.gpux.discover.DiscoverQuery;
import io.gpux.discover.ModelComparison;
import io.gpux.discover.RecommendQuery;
import io.gpux.discover.Recommendation;
import io.gpux.discover.Recommender;
import io.gpux.discover.SearchResult;
import io.gpux.discover.TaskVocabulary;
import io.gpux.error.GpuxException;
import io.gpux.index.LatencyTables;
import io.gpux.inference.InferenceModel;
import io.gpux.project.Project;
import io.gpux.ref.ModelRef;
import io.gpux.registry.PullOptions;
import io.gpux.runtime.RuntimeOptions;
import io.gpux.store.VersionManifest;
import io.gpux.transfer.TransferListener;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Finding and weighing models across registries: {@code gpux search} over every configured registry
 * at once and {@code gpux compare} side by side (see {@link io.gpux.discover}). Get it from {@link
 * Gpux#discover()}.
 */
public final class Discovery {
  private final Resources resources;
  private final Models models;
  private final Function<String, Project> projects;
  private final BiFunction<Project, RuntimeOptions, InferenceModel> open;

  /**
   * @param projects finds a model's project by reference, as {@link Gpux#project} does
   * @param open opens a session the comparison owns and closes (not the facade's shared cache)
   */
  Discovery(
      Resources resources,
      Models models,
      Function<String, Project> projects,
      BiFunction<Project, RuntimeOptions, InferenceModel> open) {
    this.resources = resources;
    this.models = models;
    this.projects = projects;
    this.open = open;
  }

  /**
   * Every configured registry (or those the query names) asked at once, each within {@code
   * GPUX_SEARCH_TIMEOUT}; the answers merged, filtered and ranked. A registry that fails is in
   * {@link SearchResult#failures()}, the rest are shown; with {@code GPUX_OFFLINE=1} only the index
   * is searched.
   */
  public SearchResult search(DiscoverQuery query) {
    return new CrossSearch(
            resources.registries(),
            resources::store,
            TaskVocabulary.builtIn(),
            resources.settings.clock(),
            resources.settings.searchTimeout(),
            resources.settings.searchCacheFor(),
            resources.settings.offline())
        .search(query);
  }

  /**
   * {@code gpux compare}: the models side by side, each pulled first when the store lacks it; with
   * {@code measure}, timed on this machine's chosen provider by one harness for all.
   *
   * @param measure the harness's settings, or null not to measure
   */
  public ModelComparison compare(
      List<String> references, Comparer.Harness measure, TransferListener listener) {
    if (references.size() < 2) {
      throw GpuxException.invalidInput(
          "compare needs at least two models, got " + references.size(),
          "e.g. gpux compare hf:org/a hf:org/b");
    }
    List<Comparer.Subject> subjects = new ArrayList<>();
    for (String ref : references) {
      if (models.needsPull(ref)) {
        models.pull(ref, PullOptions.defaults(), listener);
      }
      Project project = projects.apply(ref);
      subjects.add(new Comparer.Subject(ref, project, stored(ref)));
    }
    return new Comparer(p -> open.apply(p, RuntimeOptions.defaults()), TaskVocabulary.builtIn())
        .compare(subjects, measure);
  }

  /** The store's manifest behind a reference, or null for a project on disk. */
  private VersionManifest stored(String reference) {
    if (java.nio.file.Files.exists(resources.workingDirectory.resolve(reference))) {
      return null;
    }
    try {
      ModelRef ref = models.reference(reference);
      return models.findStored(ref);
    } catch (GpuxException notAReference) {
      return null;
    }
  }

  /**
   * {@code gpux recommend}: the models of a task that meet the constraints, best first by the
   * objective, each with its reasons, and the candidates left out with theirs (see {@link
   * Recommender}). Candidates the store lacks are pulled (reported to {@code listener}); latencies
   * are measured on this machine unless the index has them, within {@code GPUX_RECOMMEND_BUDGET}.
   */
  public Recommendation recommend(RecommendQuery query, TransferListener listener) {
    return recommender(Recommender.thisMachine(), listener).recommend(query);
  }

  /**
   * A recommender whose latencies are kept under {@code machine}: {@link #recommend} uses this
   * machine's fingerprint; a caller may name another (to read what another machine measured).
   */
  public Recommender recommender(LatencyTables.Fingerprint machine, TransferListener listener) {
    Recommender.Access access =
        new Recommender.Access() {
          @Override
          public Recommender.Local locate(String reference) {
            if (models.needsPull(reference)) {
              models.pull(reference, PullOptions.defaults(), listener);
            }
            return new Recommender.Local(projects.apply(reference), stored(reference));
          }

          @Override
          public InferenceModel open(Project project) {
            return Discovery.this.open.apply(project, RuntimeOptions.defaults());
          }
        };
    return new Recommender(
        this::search,
        access,
        resources::store,
        TaskVocabulary.builtIn(),
        machine,
        resources.settings.clock(),
        resources.settings.recommendBudget());
  }

  /** The task names {@code --task} takes, and how each registry's own words map onto them. */
  public TaskVocabulary tasks() {
    return TaskVocabulary.builtIn();
  }
}
