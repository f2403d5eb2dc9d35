#!/usr/bin/env python3
"""Points the official huggingface_hub client at a Hub (GPUX's fake one in tests) and records what
it sees, so a test can check the fake answers the client the way the real Hub does.

  hf_fidelity.py --endpoint URL --repo org/name --out DIR [--revision R] [--author A]
                 [--gated org/name] [--missing-file PATH]

Writes DIR/report.json: the files snapshot_download fetched (with sha256), one hf_hub_download,
model_info fields, refs, the recursive tree, list_models ids, and the error class names of a
gated repo and a missing file.
"""
import argparse
import hashlib
import json
import os
import sys
import tempfile


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--repo", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--revision", default="main")
    p.add_argument("--author")
    p.add_argument("--gated")
    p.add_argument("--missing-file", default="no-such-file.txt")
    a = p.parse_args()
    # The endpoint is read when huggingface_hub is imported.
    os.environ["HF_ENDPOINT"] = a.endpoint
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["HF_HUB_DISABLE_XET"] = "1"
    os.environ["HF_HUB_CACHE"] = tempfile.mkdtemp(prefix="hf-cache-")
    os.environ.pop("HF_TOKEN", None)
    import huggingface_hub as hf

    report = {"client_version": hf.__version__}
    snap = hf.snapshot_download(a.repo, revision=a.revision)
    files = {}
    for root, _, names in os.walk(snap):
        for n in names:
            full = os.path.join(root, n)
            rel = os.path.relpath(full, snap).replace(os.sep, "/")
            files[rel] = hashlib.sha256(open(full, "rb").read()).hexdigest()
    report["snapshot_files"] = files
    one = hf.hf_hub_download(a.repo, "config.json", revision=a.revision)
    report["hf_hub_download_sha256"] = hashlib.sha256(open(one, "rb").read()).hexdigest()
    info = hf.model_info(a.repo, revision=a.revision, files_metadata=True)
    report["info"] = {
        "id": info.id, "sha": info.sha, "pipeline_tag": info.pipeline_tag, "library_name": info.library_name,
        "tags": info.tags, "downloads": info.downloads,
        "siblings": {s.rfilename: {"size": s.size, "lfs_sha256": s.lfs.sha256 if s.lfs else None} for s in info.siblings},
    }
    refs = hf.list_repo_refs(a.repo)
    report["refs"] = {"branches": {b.name: b.target_commit for b in refs.branches}, "tags": {t.name: t.target_commit for t in refs.tags}}
    tree = hf.list_repo_tree(a.repo, recursive=True, revision=a.revision)
    report["tree_files"] = sorted(t.path for t in tree if isinstance(t, hf.hf_api.RepoFile))
    report["listed"] = [m.id for m in hf.list_models(author=a.author or a.repo.split("/")[0], limit=1000)]
    errors = {}
    try:
        hf.hf_hub_download(a.repo, a.missing_file, revision=a.revision)
    except Exception as e:  # noqa: BLE001 - the class name is what the test checks
        errors["missing_file"] = type(e).__name__
    if a.gated:
        try:
            hf.hf_hub_download(a.gated, "config.json")
        except Exception as e:  # noqa: BLE001
            errors["gated"] = type(e).__name__
    try:
        hf.model_info(a.repo + "-does-not-exist")
    except Exception as e:  # noqa: BLE001
        errors["missing_repo"] = type(e).__name__
    report["errors"] = errors
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "report.json"), "w") as f:
        json.dump(report, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    sys.exit(main())
