#!/bin/sh
# Create .venv when missing and install the pinned requirements; skip the install while
# requirements.txt and pyproject.toml are unchanged (a stamp in .venv records their hash).
set -eu
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "error: the kit needs Python 3.11 or newer; '$PYTHON' is $("$PYTHON" --version 2>&1)." >&2
  echo "fix: install Python 3.11+ and run again with PYTHON=/path/to/python3.11 make ..." >&2
  exit 2
fi

want=$(cat requirements.txt pyproject.toml | sha256sum | cut -d' ' -f1)
stamp="$VENV/.requirements.sha256"
if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

echo "Setting up $VENV (this takes a few minutes the first time)..."
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.txt
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
"$VENV/bin/python" -m pip check
echo "$want" > "$stamp"
echo "$VENV is ready."
