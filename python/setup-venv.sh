#!/usr/bin/env bash
# Creates (if missing) the repo-root virtualenv .venv and installs python/requirements.txt.
# Idempotent: the install is skipped when .venv/.requirements.sha256 matches requirements.txt.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
REQ="$ROOT/python/requirements.txt"
STAMP="$VENV/.requirements.sha256"
PYTHON="${PYTHON:-python3}"

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
