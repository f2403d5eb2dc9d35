"""Validates Kubernetes manifests strictly: every document of every file, against its schema.

Kubernetes kinds: the JSON schemas that the kubernetes-validate package (PyPI, pinned in
python/requirements-deploy.txt) ships for each Kubernetes release, in their strict variant (an
unknown field fails), checked against the oldest and the newest release the manifests are meant
for. Why not kubeconform: its schemas are fetched from GitHub at run time, which CI cannot reach,
and the schemas kubernetes-validate ships refer to a shared definitions file by a URI that
kubeconform does not resolve; kubernetes-validate checks them with jsonschema itself.

Other kinds (KServe's): the schemas in --schemas (deploy/tools/kserve_schema.py writes them),
named as kubernetes-validate names its own: KIND-GROUP-VERSION.json.

A kind with no schema is an error, not a warning (kubernetes-validate's own command only warns):
a manifest nobody checks is what this is here to prevent.

Usage: validate.py --schemas DIR --kubernetes 1.30,1.37 FILE.yaml...
Prints one line per problem, FILE: KIND/NAME: PATH: MESSAGE; exits 1 when there is any.
"""

import argparse
import json
import re
import sys
from pathlib import Path

import jsonschema
import kubernetes_validate.utils as kv
import yaml


def schema_file(document):
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", document["apiVersion"])
    return f"{document['kind'].lower()}-{group_version}.json"


def where(error):
    return ".".join(str(p) for p in error.absolute_path) or "(top)"


def check(path, document, schemas, versions):
    """The problems of one document, as lines."""
    if not isinstance(document, dict) or "apiVersion" not in document or "kind" not in document:
        return [f"{path}: a document without apiVersion and kind"]
    name = f"{document['kind']}/{(document.get('metadata') or {}).get('name', '?')}"
    own = schemas / schema_file(document)
    if own.is_file():
        validator = jsonschema.Draft202012Validator(json.loads(own.read_text()))
        return [
            f"{path}: {name}: {where(e)}: {e.message}"
            for e in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        ]
    problems = []
    for version in versions:
        try:
            kv.validate(document, version, strict=True)
        except kv.ValidationError as e:
            problems.append(f"{path}: {name}: {where(e)}: {e.message} (Kubernetes {version})")
        except kv.SchemaNotFoundError:
            return [f"{path}: {name}: no schema for {document['apiVersion']} {document['kind']}"]
    return problems


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--schemas", required=True, type=Path)
    parser.add_argument("--kubernetes", required=True)
    parser.add_argument("files", nargs="+", type=Path)
    args = parser.parse_args()
    versions = args.kubernetes.split(",")
    problems, count = [], 0
    for path in args.files:
        try:
            documents = [d for d in yaml.safe_load_all(path.read_text()) if d is not None]
        except yaml.YAMLError as e:
            problems.append(f"{path}: not YAML: {e}")
            continue
        for document in documents:
            count += 1
            problems += check(path, document, args.schemas, versions)
    for p in problems:
        print(p)
    print(
        f"validate: {count} documents in {len(args.files)} files,"
        f" {len(problems)} problems (Kubernetes {', '.join(versions)}, strict)"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
