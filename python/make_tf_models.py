"""Builds the small TensorFlow models the gpux convert tests and benchmark convert.

  python make_tf_models.py OUT_DIR

One Keras model with seeded weights (an 8x8x3 image through a convolution to two outputs,
"logits" and "features"), saved by TensorFlow itself three ways: OUT_DIR/saved_model (a
SavedModel, by model.export), OUT_DIR/tiny.keras and OUT_DIR/tiny.tflite (from the SavedModel).
OUT_DIR/unsupported is a SavedModel with an op tf2onnx has no ONNX equivalent for.
OUT_DIR/expected.json has one sample input (batch of 1) and what TensorFlow gives for it, for the
tests to compare with `gpux run` of the converted model. Nothing is downloaded.
"""

import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import keras  # noqa: E402
import tensorflow as tf  # noqa: E402


def main(out):
    os.makedirs(out, exist_ok=True)
    keras.utils.set_random_seed(7)
    image = keras.Input(shape=(8, 8, 3), name="image")
    x = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(image)
    x = keras.layers.GlobalAveragePooling2D(name="pool")(x)
    logits = keras.layers.Dense(3, name="logits")(x)
    features = keras.layers.Dense(2, activation="tanh", name="features")(x)
    model = keras.Model(image, {"logits": logits, "features": features}, name="tiny")
    model.save(os.path.join(out, "tiny.keras"))
    model.export(os.path.join(out, "saved_model"), verbose=False)
    converter = tf.lite.TFLiteConverter.from_saved_model(os.path.join(out, "saved_model"))
    with open(os.path.join(out, "tiny.tflite"), "wb") as f:
        f.write(converter.convert())

    # A SavedModel with an op tf2onnx cannot convert (string hashing), for the export error.
    class Hashing(tf.Module):
        @tf.function(input_signature=[tf.TensorSpec([None], tf.string, name="text")])
        def serve(self, text):
            return {"bucket": tf.strings.to_hash_bucket_fast(text, 10)}

    hashing = Hashing()
    tf.saved_model.save(hashing, os.path.join(out, "unsupported"),
                        signatures={"serving_default": hashing.serve})

    sample = np.random.default_rng(42).standard_normal((1, 8, 8, 3)).astype(np.float32)
    result = model(sample, training=False)
    expected = {
        "input": {"image": sample.tolist()},
        "outputs": {k: np.asarray(v).tolist() for k, v in result.items()},
    }
    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(expected, f)
    print("made models in " + out)


if __name__ == "__main__":
    main(sys.argv[1])
