#!/usr/bin/env bash
# Creates .venv (if needed), installs the dev tools and builds the release module into it.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    echo "==> creating .venv with $python"
    "$python" -m venv .venv
fi
echo "==> installing dev tools (requirements-dev.txt)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
echo "==> building the release module (maturin develop --release)"
VIRTUAL_ENV="$PWD/.venv" .venv/bin/maturin develop --release --quiet
