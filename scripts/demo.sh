#!/usr/bin/env bash
# The main job: build the release module and run the tour of every API, Python then Rust.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo
echo "==> examples/tour.py"
.venv/bin/python examples/tour.py
echo
echo "==> examples/src/bin/tour.rs (cargo run --release)"
cargo run --release --quiet -p performance-timing-examples --bin tour
