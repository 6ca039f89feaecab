#!/bin/sh
# Create .venv when missing and install a lock with --no-deps, then the daas package (editable):
#   LOCK=run (default)  requirements/run.txt: the kit and its kernels (`make setup`, `make book`)
#   LOCK=dev            requirements/dev.txt: run.txt plus tests and tooling (`make setup-dev`)
# An install is skipped while the files it installed are unchanged: a stamp in .venv per lock
# records the hash of its lock files and pyproject.toml. A dev install satisfies `run` as well.
set -eu
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
LOCK=${LOCK:-run}

case $LOCK in
  run) files="requirements/run.txt pyproject.toml" ;;
  dev) files="requirements/run.txt requirements/dev.txt pyproject.toml" ;;
  *) echo "error: LOCK=$LOCK is not a lock; fix: LOCK=run or LOCK=dev" >&2; exit 2 ;;
esac

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "error: the kit needs Python 3.11 or newer; '$PYTHON' is $("$PYTHON" --version 2>&1)." >&2
  echo "fix: install Python 3.11+ and run again with PYTHON=/path/to/python3.11 make ..." >&2
  exit 2
fi

hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }
want=$(hash_of $files)
stamp="$VENV/.requirements-$LOCK.sha256"
if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

echo "Setting up $VENV with requirements/$LOCK.txt (a few minutes the first time)..."
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
pip() { "$VENV/bin/python" -m pip --quiet --disable-pip-version-check "$@"; }
pip install --no-deps -r "requirements/$LOCK.txt"
pip install --no-deps --no-build-isolation -e .
"$VENV/bin/python" -m pip check
echo "$want" > "$stamp"
[ "$LOCK" = run ] || hash_of requirements/run.txt pyproject.toml > "$VENV/.requirements-run.sha256"
echo "$VENV is ready."
