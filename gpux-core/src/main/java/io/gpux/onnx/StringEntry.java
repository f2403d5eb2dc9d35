package io.gpux.onnx;

/** A {@code StringStringEntryProto}: metadata_props and external_data are lists of these. */
record StringEntry(String key, String value) {
  private static final int KEY = 1;
  private static final int VALUE = 2;

  static StringEntry parse(ProtoReader entry) throws MalformedProtoException {
    String key = "";
    String value = "";
    while (entry.hasMoreFields()) {
      switch (entry.nextField()) {
        case KEY -> key = entry.readString();
        case VALUE -> value = entry.readString();
        default -> entry.skipField();
      }
    }
    return new StringEntry(key, value);
  }
}
