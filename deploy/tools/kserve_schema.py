"""Writes strict JSON schemas of KServe's ClusterServingRuntime and InferenceService.

Why generated from the kserve SDK (PyPI, pinned in python/requirements-kserve.txt): KServe's CRDs
are published only in its GitHub repository and release assets, which CI cannot reach; the SDK's
models are generated from the same Go types (openapi_types: each field's type, attribute_map: its
JSON name). The Kubernetes types they use (V1Container, V1Volume, ...) come from the kubernetes
client the SDK depends on, whose pydantic models give their own strict schemas (unknown fields
refused, required fields required).

Strict: every object refuses fields it does not define, so a typo (`protocolVersion` for
`protocolVersions`, `storageURI`) fails validation. `status` is left out: a manifest never sets it.

Usage: kserve_schema.py OUT_DIR  (writes clusterservingruntime-serving-v1alpha1.json and
inferenceservice-serving-v1beta1.json, as kubernetes-validate names its schema files).
"""

import json
import re
import sys
from pathlib import Path

import kserve.models as kserve_models
import kubernetes.client.models as k8s_models
from kserve.configuration import Configuration

# Types the SDK's models name but do not define: the Kubernetes type each stands for, or a schema.
ALIASES = {
    "K8sIoApiAppsV1DeploymentStrategy": "V1DeploymentStrategy",
    "K8sIoApiAutoscalingV2HorizontalPodAutoscalerBehavior": "V2HorizontalPodAutoscalerBehavior",
    "V1alpha1WorkerSpec": "V1beta1WorkerSpec",
}
# A resource.Quantity: "500m", "2Gi", or a bare number.
QUANTITY = {"type": ["string", "integer", "number"]}
SCHEMAS = {"ResourceQuantity": QUANTITY, "V1beta1MetricQuantity": QUANTITY, "V1Time": {"type": "string"}}
SCALARS = {
    "str": {"type": "string"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
    "bool": {"type": "boolean"},
    "datetime": {"type": "string"},
    "date": {"type": "string"},
    # An int-or-string or a raw extension (runtime.RawExtension): any JSON value.
    "object": {},
}
TOP = {
    "clusterservingruntime-serving-v1alpha1.json": (
        "V1alpha1ClusterServingRuntime",
        "serving.kserve.io/v1alpha1",
        "ClusterServingRuntime",
    ),
    "inferenceservice-serving-v1beta1.json": (
        "V1beta1InferenceService",
        "serving.kserve.io/v1beta1",
        "InferenceService",
    ),
}


class Schemas:
    def __init__(self):
        self.defs = {}

    def of(self, type_name):
        """The schema of a field whose SDK type is type_name."""
        t = type_name.strip()
        m = re.fullmatch(r"(?:list|List)\[(.*)\]", t)
        if m:
            return {"type": "array", "items": self.of(m.group(1))}
        m = re.fullmatch(r"(?:dict\(|Dict\[)\s*str\s*,\s*(.*)[\])]", t)
        if m:
            return {"type": "object", "additionalProperties": self.of(m.group(1))}
        if t in SCALARS:
            return dict(SCALARS[t])
        if t in SCHEMAS:
            return dict(SCHEMAS[t])
        return self.ref(ALIASES.get(t, t))

    def ref(self, name):
        if name not in self.defs:
            self.defs[name] = None  # being built: recursive types refer to it meanwhile
            kserve_class = getattr(kserve_models, name, None)
            k8s_class = getattr(k8s_models, name, None)
            if kserve_class is not None:
                self.defs[name] = self.kserve(kserve_class)
            elif k8s_class is not None:
                self.defs[name] = self.kubernetes(k8s_class)
            else:
                raise SystemExit(f"kserve_schema: no model for the type {name}")
        return {"$ref": f"#/$defs/{name}"}

    def kserve(self, cls):
        """An SDK model: its fields by JSON name, the required ones found by the SDK's setters."""
        probe = cls.__new__(cls)
        probe.local_vars_configuration = Configuration()
        properties, required = {}, []
        for attr, type_name in cls.openapi_types.items():
            key = cls.attribute_map[attr]
            if key == "status":
                continue
            properties[key] = self.of(type_name)
            try:
                setattr(probe, attr, None)
            except ValueError:  # "Invalid value for `x`, must not be `None`"
                required.append(key)
        schema = {"type": "object", "properties": properties, "additionalProperties": False}
        if required:
            schema["required"] = required
        return schema

    def kubernetes(self, cls):
        """A kubernetes client model (pydantic, extra='forbid'): its own schema, by JSON name."""
        schema = cls.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
        for name, sub in schema.pop("$defs", {}).items():
            if self.defs.get(name) is None:
                self.defs[name] = quantities(name, strict(sub))
        return quantities(cls.__name__, strict(schema))


def quantities(name, schema):
    """The client types resources as strings; the API server takes `cpu: 2` as well as "2"."""
    if name == "V1ResourceRequirements":
        for key in ("limits", "requests"):
            schema["properties"][key] = {"type": "object", "additionalProperties": QUANTITY}
    return schema


def strict(schema):
    """Drops pydantic's "or null" (a manifest field is absent, never null) and forbids extras."""
    if isinstance(schema, dict):
        if "anyOf" in schema:
            options = [o for o in schema["anyOf"] if o != {"type": "null"}]
            if len(options) == 1:
                rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
                return strict({**rest, **options[0]})
        out = {k: strict(v) for k, v in schema.items() if k not in ("title", "default", "description")}
        if out.get("type") == "object" and "properties" in out:
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [strict(s) for s in schema]
    return schema


def main(out_dir):
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for file_name, (model, api_version, kind) in TOP.items():
        s = Schemas()
        root = dict(s.kserve(getattr(kserve_models, model)))
        root["properties"] = dict(root["properties"])
        root["properties"]["apiVersion"] = {"const": api_version}
        root["properties"]["kind"] = {"const": kind}
        root["required"] = sorted(set(root.get("required", [])) | {"apiVersion", "kind", "metadata", "spec"})
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        root["$defs"] = s.defs
        (out / file_name).write_text(json.dumps(root, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
