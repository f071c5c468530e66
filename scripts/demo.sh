#!/usr/bin/env bash
# The main job: build the release module, then tour every API — the seed's helpers from Python,
# the global #[timed] profile from Python and from Rust, a trace and flame graph, a fleet of
# processes merged into one profile, the pytest plugin and the command line, and the Rust API.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
run() {
    echo
    echo "==> $*"
    "$@"
}
run .venv/bin/python examples/tour.py
run .venv/bin/python examples/profile_from_python.py
run .venv/bin/python examples/trace_pipeline.py target/trace_pipeline
echo "    the timeline: target/trace_pipeline/trace.json — open https://ui.perfetto.dev, 'Open trace file'"
echo "    the flame graph: target/trace_pipeline/flame.svg — open it in a browser (click to zoom)"
run .venv/bin/python examples/fleet.py --workers 2 --calls 500
run bash scripts/workflow_demo.sh
run cargo run --release --quiet -p performance-timing-examples --bin tour
run cargo run --release --quiet -p performance-timing-examples --bin pipeline
run cargo run --release --quiet -p performance-timing-examples --bin async_profile
run .venv/bin/python examples/scaling.py
run .venv/bin/python examples/chunk_size.py
run cargo run --release --quiet -p performance-timing-examples --bin stream
