package io.gpux.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.gpux.error.ErrorCategory;
import io.gpux.error.GpuxException;
import io.gpux.onnx.OnnxValueInfo.Dim;
import io.gpux.testing.OnnxModelBuilder;
import io.gpux.testing.OnnxModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelReaderTest {
  @TempDir Path dir;

  @Test
  void readsEveryTensorElementType() {
    OnnxModelBuilder model = OnnxModelBuilder.builder();
    List<String> types =
        List.of(
            "float32", "float64", "float16", "int8", "uint8", "int16", "uint16", "int32", "int64",
            "bool", "string");
    types.forEach(t -> model.input("in_" + t, t, 1));
    model.output("y", "float32", 1);

    Map<String, OnnxValueInfo> inputs = byName(read(model).inputs());

    for (String t : types) {
      assertEquals(ElementType.parse(t), inputs.get("in_" + t).elementType(), t);
    }
  }

  @Test
  void readsDynamicBatchDimension() {
    OnnxModelInfo info = read(OnnxModelBuilder.builder().input("x", "float32", "batch", -1, 3));

    List<Dim> shape = info.inputs().get(0).shape();

    assertEquals(List.of(Dim.param("batch"), Dim.unknown(), Dim.fixed(3)), shape);
    assertTrue(shape.get(0).isDynamic());
    assertTrue(shape.get(1).isDynamic());
    assertFalse(shape.get(2).isDynamic());
    assertEquals("[batch, ?, 3]", shape.toString());
  }

  @Test
  void readsScalarAsEmptyShapeAndMissingShapeAsUnknownRank() {
    OnnxModelInfo info =
        read(
            OnnxModelBuilder.builder()
                .input("scalar", "int64")
                .inputWithoutShape("anything", "float32"));

    assertEquals(List.of(), info.inputs().get(0).shape());
    assertNull(info.inputs().get(1).shape());
    assertEquals(ElementType.FLOAT32, info.inputs().get(1).elementType());
  }

  @Test
  void readsNonTensorInputWithoutElementType() {
    OnnxValueInfo seq =
        read(OnnxModelBuilder.builder().sequenceInput("seq", "float32")).inputs().get(0);

    assertEquals("seq", seq.name());
    assertNull(seq.elementType());
    assertNull(seq.shape());
  }

  @Test
  void readsValueDocStrings() {
    OnnxModelInfo info =
        read(
            OnnxModelBuilder.builder()
                .documentedInput("x", "pixel intensities", "float32", 64)
                .input("y", "float32", 1));

    assertEquals("pixel intensities", info.inputs().get(0).docString());
    assertEquals("", info.inputs().get(1).docString());
  }

  @Test
  void readsOpsetsByDomain() {
    OnnxModelInfo info =
        read(OnnxModelBuilder.builder().opset(17).opset("ai.onnx.ml", 3).opset("com.microsoft", 1));

    assertEquals(Map.of("", 17L, "ai.onnx.ml", 3L, "com.microsoft", 1L), info.opsets());
    assertEquals(List.of("", "ai.onnx.ml", "com.microsoft"), List.copyOf(info.opsets().keySet()));
    assertEquals(17, info.defaultOpset());
  }

  @Test
  void defaultOpsetAcceptsTheExplicitDomainName() {
    assertEquals(15, read(OnnxModelBuilder.builder().opset("ai.onnx", 15)).defaultOpset());
  }

  @Test
  void defaultOpsetIsMinusOneWhenOnlyOtherDomainsAreImported() {
    assertEquals(-1, read(OnnxModelBuilder.builder().opset("ai.onnx.ml", 3)).defaultOpset());
  }

  @Test
  void readsMetadataPropsInFileOrder() {
    OnnxModelInfo info =
        read(
            OnnxModelBuilder.builder()
                .metadata("labels", "cat,dog")
                .metadata("author", "gpux")
                .metadata("empty", ""));

    assertEquals(Map.of("labels", "cat,dog", "author", "gpux", "empty", ""), info.metadata());
    assertEquals(List.of("labels", "author", "empty"), List.copyOf(info.metadata().keySet()));
  }

  @Test
  void readsProducerAndModelFields() {
    OnnxModelInfo info =
        read(
            OnnxModelBuilder.builder()
                .irVersion(9)
                .producer("pytorch", "2.5.1")
                .domain("io.gpux")
                .modelVersion(4)
                .docString("a test model")
                .graphName("torch_jit"));

    assertEquals(9, info.irVersion());
    assertEquals("pytorch", info.producerName());
    assertEquals("2.5.1", info.producerVersion());
    assertEquals("io.gpux", info.domain());
    assertEquals(4, info.modelVersion());
    assertEquals("a test model", info.docString());
    assertEquals("torch_jit", info.graphName());
  }

  @Test
  void absentOptionalFieldsReadAsEmpty() {
    OnnxModelInfo info = read(OnnxModelBuilder.builder());

    assertEquals("", info.producerName());
    assertEquals("", info.producerVersion());
    assertEquals("", info.domain());
    assertEquals(0, info.modelVersion());
    assertEquals(Map.of(), info.metadata());
    assertEquals(List.of(), info.externalDataFiles());
  }

  @Test
  void leavesInitializersOutOfInputsAsOlderExportersListThem() {
    OnnxModelInfo info =
        read(
            OnnxModelBuilder.builder()
                .input("x", "float32", "batch", 3)
                .input("w", "float32", 3)
                .initializer("w", "float32", new long[] {3}, new float[] {1, 2, 3})
                .node("Add", List.of("x", "w"), List.of("y"))
                .output("y", "float32", "batch", 3));

    assertEquals(List.of("x"), names(info.inputs()));
    assertEquals(List.of("y"), names(info.outputs()));
  }

  @Test
  void listsEachExternalDataFileOnceInOrder() {
    Path model =
        OnnxModelBuilder.builder()
            .input("x", "float32", 2)
            .externalInitializer("a", "float32", new long[] {2}, new float[] {1, 2}, "b.bin")
            .initializer("inline", "float32", new long[] {2}, new float[] {3, 4})
            .externalInitializer("c", "int64", new long[] {1}, new long[] {5}, "a.data")
            .externalInitializer("d", "float32", new long[] {2}, new float[] {6, 7}, "b.bin")
            .output("x", "float32", 2)
            .writeTo(dir.resolve("external.onnx"));

    assertEquals(List.of("b.bin", "a.data"), OnnxModelReader.read(model).externalDataFiles());
  }

  @Test
  void skipsLargeWeightsAndReadsTheInterfaceBehindThem() {
    OnnxModelInfo info = OnnxModelReader.read(OnnxModels.matMulChain(dir, 256, 4));

    assertEquals(List.of("x"), names(info.inputs()));
    assertEquals(List.of(Dim.param("batch"), Dim.fixed(256)), info.inputs().get(0).shape());
    assertEquals(List.of("y"), names(info.outputs()));
  }

  @Test
  void agreesWithOnnxRuntimeOnTheSharedTestModels() throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    for (Path model :
        List.of(
            OnnxModels.addOne(dir),
            OnnxModels.multiDtype(dir),
            OnnxModels.twoOutputs(dir),
            OnnxModels.stringIdentity(dir),
            OnnxModels.tokenIdsModel(dir))) {
      OnnxModelInfo info = OnnxModelReader.read(model);
      try (OrtSession session = env.createSession(model.toString())) {
        assertSameInterface(session.getInputInfo(), info.inputs(), model);
        assertSameInterface(session.getOutputInfo(), info.outputs(), model);
      }
    }
  }

  @Test
  void readsTheRealSklearnDigitsModel() throws OrtException {
    Path model =
        Path.of(System.getProperty("gpux.repo.root", ".")).resolve("examples/digits/model.onnx");
    Assumptions.assumeTrue(Files.exists(model), "no " + model + " yet");

    OnnxModelInfo info = OnnxModelReader.read(model);

    assertEquals("skl2onnx", info.producerName());
    assertTrue(info.irVersion() > 0);
    assertTrue(info.defaultOpset() > 0);
    assertEquals(List.of(), info.externalDataFiles());
    OnnxValueInfo input = info.inputs().get(0);
    assertEquals(ElementType.FLOAT32, input.elementType());
    assertEquals(Dim.fixed(64), input.shape().get(input.shape().size() - 1));
    try (OrtSession session = OrtEnvironment.getEnvironment().createSession(model.toString())) {
      assertSameInterface(session.getInputInfo(), info.inputs(), model);
      assertEquals(session.getOutputNames().stream().toList(), names(info.outputs()));
    }
  }

  @Test
  void missingFileIsNotFound() {
    Path missing = dir.resolve("nope.onnx");

    GpuxException e = assertThrows(GpuxException.class, () -> OnnxModelReader.read(missing));

    assertEquals(ErrorCategory.NOT_FOUND, e.category());
    assertTrue(e.problem().contains(missing.toString()), e.problem());
    assertTrue(e.hint().contains("model.source"), e.hint());
  }

  @Test
  void directoryIsInvalidInput() {
    GpuxException e = assertThrows(GpuxException.class, () -> OnnxModelReader.read(dir));

    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.problem().contains("directory"), e.problem());
  }

  @Test
  void emptyFileIsInvalidInput() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.onnx"));

    GpuxException e = rejected(empty);

    assertTrue(e.problem().contains("empty"), e.problem());
  }

  @Test
  void gitLfsPointerTellsToPullTheRealFile() throws IOException {
    Path pointer =
        Files.writeString(
            dir.resolve("model.onnx"),
            "version https://git-lfs.github.com/spec/v1\n"
                + "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
                + "size 90868376\n");

    GpuxException e = rejected(pointer);

    assertTrue(e.problem().contains("Git LFS pointer"), e.problem());
    assertTrue(e.hint().contains("git lfs pull"), e.hint());
  }

  @Test
  void textFileIsNotAnOnnxModel() throws IOException {
    assertTextFile(Files.writeString(dir.resolve("notes.onnx"), "hello world\nthis is text\n"));
  }

  @Test
  void jsonFileIsNotAnOnnxModel() throws IOException {
    assertTextFile(Files.writeString(dir.resolve("config.onnx"), "{\"hidden_size\": 384}\n"));
  }

  @Test
  void pngImageIsNotAnOnnxModel() throws IOException {
    byte[] png = {
      (byte) 0x89,
      'P',
      'N',
      'G',
      '\r',
      '\n',
      0x1A,
      '\n',
      0,
      0,
      0,
      13,
      'I',
      'H',
      'D',
      'R',
      0,
      0,
      0,
      1,
      0,
      0,
      0,
      1,
      8,
      6,
      0,
      0,
      0,
      0x1F,
      0x15,
      (byte) 0xC4,
      (byte) 0x89
    };
    assertNotOnnx(Files.write(dir.resolve("digit.png"), png));
  }

  @Test
  void truncatedModelIsNotAnOnnxModel() throws IOException {
    byte[] model = Files.readAllBytes(OnnxModels.twoOutputs(dir));

    assertNotOnnx(Files.write(dir.resolve("half.onnx"), Arrays.copyOf(model, model.length / 2)));
  }

  @Test
  void modelWithoutGraphIsNotAnOnnxModel() throws IOException {
    // ir_version = 8 and nothing else: valid protobuf, but no graph.
    GpuxException e = assertNotOnnx(Files.write(dir.resolve("nograph.onnx"), new byte[] {8, 8}));

    assertTrue(e.problem().contains("no graph"), e.problem());
  }

  @Test
  void modelWithoutIrVersionIsNotAnOnnxModel() throws IOException {
    byte[] model = OnnxModelBuilder.builder().irVersion(0).input("x", "float32", 1).build();

    GpuxException e = assertNotOnnx(Files.write(dir.resolve("noir.onnx"), model));

    assertTrue(e.problem().contains("ir_version"), e.problem());
  }

  @Test
  void graphWithWrongWireTypeIsNotAnOnnxModel() throws IOException {
    // ir_version = 8, then field 7 (graph) as a varint instead of a length-delimited message.
    GpuxException e =
        assertNotOnnx(Files.write(dir.resolve("wire.onnx"), new byte[] {8, 8, (7 << 3), 1}));

    assertTrue(e.problem().contains("wire type 0, expected 2"), e.problem());
  }

  @Test
  void aModelThatMentionsGitLfsIsStillAModel() {
    String text = "version https://git-lfs.github.com/spec/v1";

    assertEquals(text, read(OnnxModelBuilder.builder().docString(text)).docString());
  }

  @Test
  void everyTruncationOrCorruptionGivesAModelOrAGpuxException() throws IOException {
    byte[] model = Files.readAllBytes(OnnxModels.tokenIdsModel(dir));
    Path file = dir.resolve("damaged.onnx");
    for (int length = 1; length < model.length; length++) {
      Files.write(file, Arrays.copyOf(model, length));
      readsOrRejectsCleanly(file);
    }
    Random random = new Random(7);
    for (int i = 0; i < 500; i++) {
      byte[] damaged = model.clone();
      damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
      Files.write(file, damaged);
      readsOrRejectsCleanly(file);
    }
  }

  private OnnxModelInfo read(OnnxModelBuilder model) {
    return OnnxModelReader.read(model.writeTo(dir.resolve("model.onnx")));
  }

  private static GpuxException rejected(Path file) {
    GpuxException e = assertThrows(GpuxException.class, () -> OnnxModelReader.read(file));
    assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    assertTrue(e.problem().contains(file.toString()), e.problem());
    assertFalse(e.problem().contains("\n"), "the problem must be one line: " + e.problem());
    return e;
  }

  /** Text gets named as text, not as protobuf wire-format trouble. */
  private static void assertTextFile(Path file) {
    GpuxException e = rejected(file);
    assertTrue(e.problem().endsWith("is a text file, not an ONNX model"), e.problem());
    assertTrue(e.hint().contains("ONNX ModelProto"), e.hint());
  }

  private static GpuxException assertNotOnnx(Path file) {
    GpuxException e = rejected(file);
    assertTrue(e.problem().contains("is not an ONNX model"), e.problem());
    assertTrue(e.hint().contains("ONNX ModelProto"), e.hint());
    return e;
  }

  private static void readsOrRejectsCleanly(Path file) {
    try {
      OnnxModelReader.read(file);
    } catch (GpuxException e) {
      assertEquals(ErrorCategory.INVALID_INPUT, e.category());
    } catch (RuntimeException e) {
      fail("a damaged model must give a GpuxException, not " + e, e);
    }
  }

  private static void assertSameInterface(
      Map<String, NodeInfo> expected, List<OnnxValueInfo> actual, Path model) {
    assertEquals(List.copyOf(expected.keySet()), names(actual), model.toString());
    for (OnnxValueInfo value : actual) {
      TensorInfo ort = (TensorInfo) expected.get(value.name()).getInfo();
      assertEquals(ort.onnxType.name(), ortTypeName(value.elementType()), value.name());
      long[] dims = value.shape().stream().mapToLong(Dim::value).toArray();
      assertArrayEquals(ort.getShape(), dims, value.name());
      String[] params =
          value.shape().stream()
              .map(d -> d.param() == null ? "" : d.param())
              .toArray(String[]::new);
      assertArrayEquals(ort.getDimensionNames(), params, value.name());
    }
  }

  /** ONNX Runtime's Java enum has its own numbering, so types are compared by name. */
  private static String ortTypeName(ElementType type) {
    String name =
        switch (type) {
          case FLOAT32 -> "FLOAT";
          case FLOAT64 -> "DOUBLE";
          default -> type.name();
        };
    return "ONNX_TENSOR_ELEMENT_DATA_TYPE_" + name;
  }

  private static List<String> names(List<OnnxValueInfo> values) {
    return values.stream().map(OnnxValueInfo::name).toList();
  }

  private static Map<String, OnnxValueInfo> byName(List<OnnxValueInfo> values) {
    return values.stream().collect(Collectors.toMap(OnnxValueInfo::name, Function.identity()));
  }
}
