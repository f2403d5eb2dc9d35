"""Runs the official wandb client against a W&B server (the test server in CI).

usage: wandb_fidelity.py OUT_DIR REF [REF...]
For each artifact path it downloads the artifact with ``wandb.Api().artifact(ref).download()``
and lists the collection's versions; with ``--registry ORG`` it lists the org's registries and
their versions. Writes OUT_DIR/report.json: what the client saw, for the Java test to compare.
The server comes from WANDB_BASE_URL and the key from WANDB_API_KEY.
"""

import json
import os
import sys


def main() -> int:
    args = sys.argv[1:]
    org = None
    if "--registry" in args:
        i = args.index("--registry")
        org = args[i + 1]
        del args[i : i + 2]
    out_dir, refs = args[0], args[1:]
    import wandb

    api = wandb.Api(timeout=30)
    result = {"artifacts": {}, "registries": []}
    for n, ref in enumerate(refs):
        art = api.artifact(ref)
        root = art.download(root=os.path.join(out_dir, str(n)))
        files = sorted(
            os.path.relpath(os.path.join(d, f), root).replace(os.sep, "/")
            for d, _, fs in os.walk(root)
            for f in fs
        )
        entity, project = art.entity, art.project
        versions = [
            {"version": v.version, "aliases": sorted(v.aliases), "digest": v.digest}
            for v in api.artifacts(art.type, f"{entity}/{project}/{art.collection.name}")
        ]
        result["artifacts"][ref] = {
            "dir": root,
            "files": files,
            "version": art.version,
            "digest": art.digest,
            "aliases": sorted(art.aliases),
            "metadata": art.metadata,
            "state": art.state,
            "versions": versions,
        }
    if org:
        for reg in api.registries(organization=org):
            entry = {"name": reg.name, "versions": []}
            for v in reg.versions():
                entry["versions"].append(
                    {"name": v.name, "version": v.version, "digest": v.digest}
                )
            result["registries"].append(entry)
    with open(os.path.join(out_dir, "report.json"), "w") as f:
        json.dump(result, f, sort_keys=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
