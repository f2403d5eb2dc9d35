#!/usr/bin/env python3
"""Points the official huggingface_hub client at a Hub (GPUX's fake one in tests) and records what
it sees, so a test can check that the fake answers the client the way the real Hub does.

  hf_fidelity.py --endpoint URL --repo org/name --out DIR [--revision R] [--token T]
                 [--file PATH] [--author A] [--list-limit N] [--filter TAG ...]
                 [--gated-repo org/name] [--missing-file PATH]

Writes DIR/report.json with what the client got from:
  snapshot_download        snapshot_files {path: sha256}, snapshot_blobs {path: blob name in the
                           cache, i.e. the etag: sha256 for LFS, git blob id otherwise}, snapshot_commit
  hf_hub_download          hf_hub_download {file, sha256, commit}
  model_info(files_metadata=True)   info {...}, siblings with size, blob id and LFS data
  list_repo_refs(include_pull_requests=True)   refs
  list_repo_tree(recursive=True)    tree {path: {...}}, tree_files
  list_repo_commits        commits
  list_models(author=, limit=)      listed (ids, in order); listed_by_filter with --filter
  whoami                   whoami (with --token)
and the error class names (errors) and their base classes (error_bases) for a missing file, a
missing revision, a missing repo and, with --gated-repo (alias --gated), a gated repo.
"""
import argparse
import hashlib
import json
import os
import sys
import tempfile


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def hub_date(dt):
    """The Hub's own date format, so the test can compare with the fixture's strings."""
    if dt is None:
        return None
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--endpoint", required=True)
    p.add_argument("--repo", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--revision", default="main")
    p.add_argument("--token")
    p.add_argument("--file", default="config.json", help="the file fetched with hf_hub_download")
    p.add_argument("--author")
    p.add_argument("--list-limit", type=int, default=1000)
    p.add_argument("--filter", action="append", default=[])
    p.add_argument("--commits", action="store_true", help="also record list_repo_commits")
    p.add_argument("--gated", "--gated-repo", dest="gated", help="a gated repo whose download must fail")
    p.add_argument("--missing-file", default="no-such-file.txt")
    a = p.parse_args()

    # huggingface_hub reads its settings when imported, so the environment is set first. A private
    # HF_HOME keeps a developer's stored token out; Xet stays enabled (the default) to show that
    # the fake never steers the client onto it.
    home = tempfile.mkdtemp(prefix="hf-home-")
    os.environ["HF_ENDPOINT"] = a.endpoint
    os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
    os.environ["HF_HOME"] = home
    os.environ["HF_HUB_CACHE"] = os.path.join(home, "hub")
    os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"
    for var in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_HUB_OFFLINE", "HF_HUB_DISABLE_XET"):
        os.environ.pop(var, None)
    import huggingface_hub as hf

    token = a.token
    report = {"client_version": hf.__version__, "endpoint": a.endpoint, "repo": a.repo, "revision": a.revision}

    snap = hf.snapshot_download(a.repo, revision=a.revision, token=token)
    files, blobs = {}, {}
    for root, _, names in os.walk(snap):
        for n in names:
            full = os.path.join(root, n)
            rel = os.path.relpath(full, snap).replace(os.sep, "/")
            files[rel] = sha256_of(full)
            blobs[rel] = os.path.basename(os.path.realpath(full))
    report["snapshot_commit"] = os.path.basename(snap)
    report["snapshot_files"] = files
    report["snapshot_blobs"] = blobs

    # A fresh cache, so this is a real download and not a cache hit from the snapshot.
    one_cache = tempfile.mkdtemp(prefix="hf-one-")
    one = hf.hf_hub_download(a.repo, a.file, revision=a.revision, token=token, cache_dir=one_cache)
    # <cache>/models--org--name/snapshots/<commit>/<file>
    report["hf_hub_download"] = {
        "file": a.file,
        "sha256": sha256_of(one),
        "commit": os.path.relpath(one, one_cache).split(os.sep)[2],
    }
    report["hf_hub_download_sha256"] = report["hf_hub_download"]["sha256"]

    info = hf.model_info(a.repo, revision=a.revision, files_metadata=True, token=token)
    card = info.card_data.to_dict() if info.card_data is not None else None
    report["info"] = {
        "id": info.id, "sha": info.sha, "author": info.author, "private": info.private, "gated": info.gated,
        "disabled": info.disabled, "downloads": info.downloads, "likes": info.likes,
        "pipeline_tag": info.pipeline_tag, "library_name": info.library_name, "tags": info.tags,
        "card_data": card, "config": info.config, "created_at": hub_date(info.created_at),
        "last_modified": hub_date(info.last_modified), "used_storage": info.used_storage,
        "siblings": {
            s.rfilename: {
                "size": s.size, "blob_id": s.blob_id,
                "lfs_sha256": s.lfs.sha256 if s.lfs else None,
                "lfs_size": s.lfs.size if s.lfs else None,
                "lfs_pointer_size": s.lfs.pointer_size if s.lfs else None,
            }
            for s in info.siblings
        },
    }

    refs = hf.list_repo_refs(a.repo, include_pull_requests=True, token=token)
    report["refs"] = {
        "branches": {b.name: b.target_commit for b in refs.branches},
        "tags": {t.name: t.target_commit for t in refs.tags},
        "converts": {c.name: c.target_commit for c in refs.converts},
        "pull_requests": {r.name: r.target_commit for r in refs.pull_requests or []},
    }

    tree = {}
    for t in hf.list_repo_tree(a.repo, recursive=True, revision=a.revision, token=token):
        if isinstance(t, hf.hf_api.RepoFile):
            tree[t.path] = {
                "type": "file", "size": t.size, "blob_id": t.blob_id,
                "lfs_sha256": t.lfs.sha256 if t.lfs else None,
                "lfs_size": t.lfs.size if t.lfs else None,
                "lfs_pointer_size": t.lfs.pointer_size if t.lfs else None,
            }
        else:
            tree[t.path] = {"type": "directory", "tree_id": t.tree_id}
    report["tree"] = tree
    report["tree_files"] = sorted(k for k, v in tree.items() if v["type"] == "file")

    if a.commits:
        report["commits"] = [
            {"id": c.commit_id, "title": c.title, "message": c.message, "authors": c.authors,
             "created_at": hub_date(c.created_at)}
            for c in hf.list_repo_commits(a.repo, revision=a.revision, token=token)
        ]

    author = a.author or a.repo.split("/")[0]
    report["listed"] = [m.id for m in hf.list_models(author=author, limit=a.list_limit, token=token)]
    if a.filter:
        report["listed_by_filter"] = [m.id for m in hf.list_models(filter=a.filter, limit=a.list_limit, token=token)]
    report["whoami"] = hf.whoami(token=token)["name"] if token else None

    errors, bases = {}, {}

    def expect_error(key, call):
        try:
            call()
            errors[key] = None
        except Exception as e:  # noqa: BLE001 - the class is what the test checks
            errors[key] = type(e).__name__
            bases[key] = [c.__name__ for c in type(e).__mro__]

    expect_error("missing_file", lambda: hf.hf_hub_download(a.repo, a.missing_file, revision=a.revision, token=token))
    expect_error("missing_revision", lambda: hf.hf_hub_download(a.repo, a.file, revision="no-such-revision", token=token))
    expect_error("missing_revision_info", lambda: hf.model_info(a.repo, revision="no-such-revision", token=token))
    expect_error("missing_repo", lambda: hf.model_info(a.repo + "-does-not-exist", token=token))
    if a.gated:
        expect_error("gated", lambda: hf.hf_hub_download(a.gated, "config.json", token=token))
        expect_error("gated_snapshot", lambda: hf.snapshot_download(a.gated, token=token))
    report["errors"] = errors
    report["error_bases"] = bases

    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "report.json"), "w") as f:
        json.dump(report, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    sys.exit(main())
