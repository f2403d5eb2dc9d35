#!/usr/bin/env bash
# Creates (if missing) a virtualenv and installs its pinned requirements:
#   setup-venv.sh          -> .venv         from python/requirements.txt
#   setup-venv.sh NAME     -> .venv-NAME    from python/requirements-NAME.txt
# A registry's official client gets its own environment (mlflow, wandb, ...) because their
# dependency pins conflict with each other and with the reference environment.
# Idempotent: the install is skipped when the venv's stamp matches the requirements file.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NAME="${1:-}"
if [ -z "$NAME" ]; then
  VENV="$ROOT/.venv"
  REQ="$ROOT/python/requirements.txt"
else
  VENV="$ROOT/.venv-$NAME"
  REQ="$ROOT/python/requirements-$NAME.txt"
fi
PYTHON="${PYTHON:-python3}"

# A heavy environment (its requirements say "# setup-venv: cache") lives outside the clone, in
# ~/.cache/gpux-ci/venv-NAME-<sha256 of the requirements>, symlinked as .venv-NAME: a fresh clone
# on the same machine (every CI run) finds it instead of installing ~1.7 GB again. Keyed by the
# requirements' hash, so changed pins make a new one. GPUX_CI_CACHE moves the cache.
if [ -n "$NAME" ] && grep -q '^# setup-venv: cache' "$REQ"; then
  hash="$(sha256sum "$REQ" | cut -d' ' -f1)"
  cached="${GPUX_CI_CACHE:-$HOME/.cache/gpux-ci}/venv-$NAME-${hash:0:16}"
  if [ -e "$VENV" ] && [ ! -L "$VENV" ]; then
    rm -rf "$VENV"
  fi
  mkdir -p "$(dirname "$cached")"
  ln -sfn "$cached" "$VENV"
  VENV="$cached"
fi
STAMP="$VENV/.requirements.sha256"

if [ ! -x "$VENV/bin/python" ]; then
  echo "setup-venv: creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi

want="$(sha256sum "$REQ" | cut -d' ' -f1)"
have="$(cat "$STAMP" 2>/dev/null || true)"
if [ "$want" = "$have" ]; then
  echo "setup-venv: requirements up to date ($VENV)"
  exit 0
fi

echo "setup-venv: installing $REQ"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQ"
echo "$want" > "$STAMP"
echo "setup-venv: done"
