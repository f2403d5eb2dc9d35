package io.gpux.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gpux.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConversionRecordTest {
  @TempDir Path dir;

  /** What convert_driver.py writes (the shape of a real record of the tiny test model). */
  static final String DRIVER =
      """
      {"framework": "tensorflow", "opset": 17, "seed": 0,
       "tolerance": {"abs": 0.0001, "rel": 0.001}, "seconds": {"load": 7.0},
       "framework_version": "2.21.0", "converter": "tf2onnx", "converter_version": "1.17.0",
       "onnxruntime_version": "1.29.0", "input_shapes": {"image": [2, 8, 8, 3]},
       "outputs": [
         {"name": "features", "shape": [2, 2], "max_abs": 1.04e-07, "max_rel": 5.5e-07,
          "passed": true},
         {"name": "logits", "shape": [2, 3], "max_abs": 1.012, "max_rel": 2.57, "passed": false}],
       "status": "check_failed", "error": null}
      """;

  @Test
  void theDriversRecordRoundTripsThroughTheProjectFile() throws Exception {
    JsonNode driver = Json.mapper().readTree(DRIVER);
    ConversionRecord r =
        ConversionRecord.fromDriver(
            driver, "saved_model", Instant.parse("2026-01-02T03:04:05Z"), "0.9");
    assertFalse(r.passed());
    assertEquals("logits", r.worst().name());
    assertEquals("max abs 1.01, max rel 2.57", r.worst().summary());
    assertEquals("abs 0.0001, rel 0.001", r.toleranceText());
    assertEquals(Map.of("image", List.of(2L, 8L, 8L, 3L)), r.inputShapes());

    Path file = dir.resolve(ConversionRecord.FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, Json.write(r.toJson(), true));
    assertEquals(r, ConversionRecord.read(dir));
  }

  @Test
  void theLineageNamesConverterOpsetShapesAndDifferences() throws Exception {
    ConversionRecord r =
        ConversionRecord.fromDriver(
            Json.mapper().readTree(DRIVER.replace("check_failed", "passed")),
            "kaggle:o/m/tensorFlow2/v/1",
            Instant.parse("2026-01-02T03:04:05Z"),
            "0.9");
    Map<String, String> l = r.toLineage();
    assertEquals("tf2onnx 1.17.0", l.get("conversion.converter"));
    assertEquals("tensorflow 2.21.0", l.get("conversion.framework"));
    assertEquals("17", l.get("conversion.opset"));
    assertEquals("image=2x8x8x3", l.get("conversion.input_shapes"));
    assertEquals("max abs 1.04e-07, max rel 5.50e-07", l.get("conversion.output.features"));
    assertEquals("passed (seed 0, onnxruntime 1.29.0)", l.get("conversion.check"));
    assertEquals("kaggle:o/m/tensorFlow2/v/1", l.get("conversion.source"));
    assertTrue(l.keySet().stream().allMatch(k -> k.startsWith(ConversionRecord.LINEAGE_PREFIX)));
  }

  /** A pulled model that GPUX converted: its lineage shows the record (gpux lineage, inspect). */
  @Test
  void aStoredVersionsLineageCarriesTheRecord() throws Exception {
    ConversionRecord r =
        ConversionRecord.fromDriver(
            Json.mapper().readTree(DRIVER.replace("check_failed", "passed")),
            "kaggle:o/m/tensorFlow2/v/1",
            Instant.parse("2026-01-02T03:04:05Z"),
            "0.9");
    io.gpux.store.VersionManifest m =
        new io.gpux.store.VersionManifest(
            io.gpux.store.VersionManifest.SCHEMA_VERSION,
            "kaggle",
            "o/m/tensorflow2/v",
            "1",
            null,
            Instant.parse("2026-01-02T03:04:06Z"),
            null,
            List.of(),
            r.toLineage());
    Map<String, String> metadata =
        io.gpux.lineage.ModelLineage.of(m, List.of(), "kaggle:o/m/tensorflow2/v/1").metadata();
    assertEquals("tf2onnx 1.17.0", metadata.get("conversion.converter"));
    assertEquals("image=2x8x8x3", metadata.get("conversion.input_shapes"));
    assertEquals("max abs 1.01, max rel 2.57", metadata.get("conversion.output.logits"));
  }

  @Test
  void aDamagedRecordIsNoRecord() throws Exception {
    Path file = dir.resolve(ConversionRecord.FILE);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "{not json");
    assertEquals(null, ConversionRecord.read(dir));
  }
}
