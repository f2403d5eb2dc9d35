package io.gpux.lineage;

import io.gpux.error.GpuxException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.cyclonedx.Version;
import org.cyclonedx.exception.GeneratorException;
import org.cyclonedx.generators.BomGeneratorFactory;
import org.cyclonedx.model.Bom;
import org.cyclonedx.model.Component;
import org.cyclonedx.model.ExternalReference;
import org.cyclonedx.model.Hash;
import org.cyclonedx.model.License;
import org.cyclonedx.model.LicenseChoice;
import org.cyclonedx.model.Metadata;
import org.cyclonedx.model.Property;
import org.cyclonedx.model.component.ModelCard;
import org.cyclonedx.model.component.modelCard.ModelParameters;
import org.cyclonedx.model.component.modelCard.PerformanceMetric;
import org.cyclonedx.model.component.modelCard.QuantitativeAnalysis;
import org.cyclonedx.model.metadata.ToolInformation;

/**
 * A {@link ModelLineage} as a CycloneDX 1.6 ML-BOM: the model is a {@code machine-learning-model}
 * component (the main ONNX file's hash, a package URL where the registry has a type, the registry
 * and the producing run as external references, a model card whose quantitative analysis holds the
 * run's metrics) with one {@code file} component per file, each with its SHA-256.
 *
 * <p>The serial number is derived from the exact reference and the file digests, so the same
 * version gets the same serial number; only the timestamp tells two BOMs of it apart.
 */
public final class CycloneDxBom {
  private static final String NS = "gpux:";

  private CycloneDxBom() {}

  public static String json(ModelLineage l, String gpuxVersion, Instant created) {
    Bom bom = bom(l, gpuxVersion, created);
    try {
      return BomGeneratorFactory.createJson(Version.VERSION_16, bom).toJsonString(true);
    } catch (GeneratorException e) {
      throw new GpuxException(
          io.gpux.error.ErrorCategory.INTERNAL,
          "cannot write the CycloneDX BOM: " + e.getMessage(),
          null,
          e);
    }
  }

  static Bom bom(ModelLineage l, String gpuxVersion, Instant created) {
    Bom bom = new Bom();
    bom.setSerialNumber("urn:uuid:" + serial(l));
    bom.setVersion(1);
    Metadata meta = new Metadata();
    meta.setTimestamp(Date.from(created));
    Component tool = new Component();
    tool.setType(Component.Type.APPLICATION);
    tool.setName("gpux");
    tool.setVersion(gpuxVersion);
    ToolInformation tools = new ToolInformation();
    tools.setComponents(List.of(tool));
    meta.setToolChoice(tools);
    Component model = model(l);
    meta.setComponent(model);
    bom.setMetadata(meta);
    bom.setComponents(new ArrayList<>(List.of(model)));
    return bom;
  }

  private static Component model(ModelLineage l) {
    Component c = new Component();
    c.setType(Component.Type.MACHINE_LEARNING_MODEL);
    c.setBomRef(l.reference());
    c.setGroup(l.registry());
    c.setName(l.name());
    c.setVersion(l.version());
    String purl = purl(l);
    if (purl != null) {
      c.setPurl(purl);
    }
    String description = l.metadata().get("description");
    if (description != null) {
      c.setDescription(description);
    }
    String license = l.metadata().get("license");
    if (license != null) {
      License lic = new License();
      lic.setName(license); // a name, not an id: registries do not promise SPDX identifiers
      LicenseChoice choice = new LicenseChoice();
      choice.addLicense(lic);
      c.setLicenses(choice);
    }
    ModelLineage.FileLineage main = mainModelFile(l.files());
    if (main != null) {
      c.addHash(new Hash(Hash.Algorithm.SHA_256, main.sha256()));
    }
    if (l.source() != null) {
      c.addExternalReference(ref(ExternalReference.Type.DISTRIBUTION, l.source(), "the model"));
    }
    if (l.server() != null) {
      c.addExternalReference(
          ref(ExternalReference.Type.WEBSITE, l.server(), l.registry() + " registry"));
    }
    if (l.run() != null && l.run().url() != null) {
      c.addExternalReference(
          ref(
              ExternalReference.Type.BUILD_META,
              l.run().url(),
              l.run().system() + " run " + l.run().id() + " that produced the model"));
    }
    List<Property> props = new ArrayList<>();
    prop(props, "registry", l.registry());
    prop(props, "reference", l.reference());
    prop(props, "requested", l.requested());
    prop(props, "selection", l.selection());
    prop(props, "pulled_at", l.pulledAt().toString());
    prop(props, "pulled_by", l.pulledBy() == null ? null : "gpux " + l.pulledBy());
    if (l.run() != null) {
      prop(props, "run.system", l.run().system());
      prop(props, "run.id", l.run().id());
      prop(props, "run.name", l.run().name());
      prop(props, "run.group", l.run().group());
      l.run().attributes().forEach((k, v) -> prop(props, "run." + k, v));
      l.run().params().forEach((k, v) -> prop(props, "run.param." + k, v));
    }
    l.metadata().forEach((k, v) -> prop(props, "lineage." + k, v));
    c.setProperties(props);
    c.setModelCard(modelCard(l));
    List<Component> files = new ArrayList<>();
    for (ModelLineage.FileLineage f : l.files()) {
      Component fc = new Component();
      fc.setType(Component.Type.FILE);
      fc.setBomRef(l.reference() + "#" + f.path());
      fc.setName(f.path());
      fc.addHash(new Hash(Hash.Algorithm.SHA_256, f.sha256()));
      List<Property> fp = new ArrayList<>();
      prop(fp, "size", Long.toString(f.size()));
      prop(fp, "registry_digest", f.registryDigest());
      prop(fp, "derived", f.derived());
      fc.setProperties(fp);
      files.add(fc);
    }
    c.setComponents(files);
    return c;
  }

  private static ModelCard modelCard(ModelLineage l) {
    ModelCard card = new ModelCard();
    ModelParameters params = new ModelParameters();
    String task = l.metadata().get("pipeline_tag");
    if (task != null) {
      params.setTask(task);
    }
    String library = l.metadata().get("library_name");
    if (library != null) {
      params.setArchitectureFamily(library);
    }
    card.setModelParameters(params);
    if (l.run() != null && !l.run().metrics().isEmpty()) {
      List<PerformanceMetric> metrics = new ArrayList<>();
      for (Map.Entry<String, String> e : l.run().metrics().entrySet()) {
        PerformanceMetric m = new PerformanceMetric();
        m.setType(e.getKey());
        m.setValue(e.getValue());
        metrics.add(m);
      }
      QuantitativeAnalysis qa = new QuantitativeAnalysis();
      qa.setPerformanceMetrics(metrics);
      card.setQuantitativeAnalysis(qa);
    }
    return card;
  }

  /** The ONNX file with the shortest path (the one a generated gpux.yml names), or null. */
  private static ModelLineage.FileLineage mainModelFile(List<ModelLineage.FileLineage> files) {
    ModelLineage.FileLineage best = null;
    for (ModelLineage.FileLineage f : files) {
      if (f.path().endsWith(".onnx")
          && (best == null || f.path().length() < best.path().length())) {
        best = f;
      }
    }
    return best;
  }

  /** The package URL where purl-spec has a type for the registry (huggingface, mlflow). */
  private static String purl(ModelLineage l) {
    try {
      return switch (l.registry()) {
        case "hf" -> {
          int slash = l.name().indexOf('/');
          yield new com.github.packageurl.PackageURL(
                  "huggingface",
                  slash < 0 ? null : l.name().substring(0, slash),
                  slash < 0 ? l.name() : l.name().substring(slash + 1),
                  l.version().toLowerCase(java.util.Locale.ROOT),
                  null,
                  null)
              .canonicalize();
        }
        case "mlflow" -> {
          java.util.TreeMap<String, String> q = new java.util.TreeMap<>();
          if (l.server() != null) {
            q.put("repository_url", l.server());
          }
          yield new com.github.packageurl.PackageURL(
                  "mlflow", null, l.name(), l.version(), q.isEmpty() ? null : q, null)
              .canonicalize();
        }
        default -> null;
      };
    } catch (com.github.packageurl.MalformedPackageURLException e) {
      return null; // a name purl cannot spell: the BOM still names the model by its reference
    }
  }

  private static ExternalReference ref(ExternalReference.Type type, String url, String comment) {
    ExternalReference r = new ExternalReference();
    r.setType(type);
    r.setUrl(url);
    r.setComment(comment);
    return r;
  }

  private static void prop(List<Property> props, String name, String value) {
    if (value != null) {
      Property p = new Property();
      p.setName(NS + name);
      p.setValue(value);
      props.add(p);
    }
  }

  private static UUID serial(ModelLineage l) {
    StringBuilder sb = new StringBuilder(l.reference());
    l.files().forEach(f -> sb.append('\n').append(f.path()).append(' ').append(f.sha256()));
    return UUID.nameUUIDFromBytes(sb.toString().getBytes(StandardCharsets.UTF_8));
  }
}
