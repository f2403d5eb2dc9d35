"""scikit-learn estimators and pipelines (pickle or joblib files) for convert_driver.py.

A pickle runs code when it is loaded, so the driver loads one only with --trust (GPUX refuses
earlier too). The converter is skl2onnx; the input is one float tensor named "input" whose width
is --input-shape input=1xN or the estimator's n_features_in_. A classifier's outputs are "label"
and "probabilities" (a plain tensor, not skl2onnx's default list of maps, so that gpux run and the
check read it like any other output); a regressor's is "output".
"""

from convert_common import BadInput, rename_io

INPUT = "input"


class SklearnModel:
    framework = "sklearn"

    def __init__(self, source, trust=False):
        if not trust:
            raise BadInput("a scikit-learn model is a pickle, and loading a pickle runs code:"
                           " convert it only if you trust its source, with --trust")
        import joblib
        import sklearn

        self.sklearn = sklearn
        self.model = joblib.load(source)  # joblib reads plain pickles too
        if not hasattr(self.model, "predict"):
            raise BadInput("the file holds a %s, which is no estimator (it has no predict)"
                           % type(self.model).__name__)
        self.final = self.model.steps[-1][1] if hasattr(self.model, "steps") else self.model
        self.classifier = hasattr(self.final, "predict_proba") and hasattr(self.final, "classes_")
        self.details = {"estimator": type(self.model).__name__
                        + ("(" + ", ".join(type(s).__name__ for _, s in self.model.steps) + ")"
                           if hasattr(self.model, "steps") else "")}

    def versions(self):
        return {"framework_version": self.sklearn.__version__}

    def features(self, shapes):
        unknown = set(shapes) - {INPUT}
        if unknown:
            raise BadInput("--input-shape names %s, but the model's input is %r"
                           % (", ".join(sorted(unknown)), INPUT))
        if INPUT in shapes:
            dims = shapes[INPUT]
            if len(dims) != 2:
                raise BadInput("--input-shape input=%s: a scikit-learn input is ROWSxFEATURES"
                               % "x".join(map(str, dims)))
            return dims[1]
        n = getattr(self.model, "n_features_in_", None)
        if n is None:
            raise BadInput("the estimator does not say how many features it takes (no"
                           " n_features_in_): give --input-shape input=1xN")
        return int(n)

    def convert(self, opset, shapes):
        import skl2onnx
        from skl2onnx import to_onnx
        from skl2onnx.common.data_types import FloatTensorType

        n = self.features(shapes)
        options = {id(self.final): {"zipmap": False}} if self.classifier else None
        model = to_onnx(self.model, initial_types=[(INPUT, FloatTensorType([None, n]))],
                        target_opset={"": opset, "ai.onnx.ml": 3}, options=options)
        names = {"output_label": "label", "output_probability": "probabilities",
                 "variable": "output"}
        rename_io(model, names)
        batch = model.graph.input[0].type.tensor_type.shape.dim[0]
        batch.dim_param = "batch"
        return model, "skl2onnx", skl2onnx.__version__

    def run(self, feeds):
        import numpy as np

        x = feeds[INPUT]
        if self.classifier:
            return {"label": np.asarray(self.model.predict(x)),
                    "probabilities": np.asarray(self.model.predict_proba(x), dtype=np.float32)}
        y = np.asarray(self.model.predict(x), dtype=np.float32)
        return {"output": y.reshape(len(x), -1)}
