#!/usr/bin/env bash
# Every check: formatting, lints, Rust tests (with the docs' Rust snippets as doctests), the release
# module, stub check, mypy, the documentation site (strict), Python tests (with the docs' snippets).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "==> cargo fmt --check"
cargo fmt --all -- --check
echo "==> cargo clippy (-D warnings)"
cargo clippy --workspace --all-targets --quiet -- -D warnings
echo "==> cargo doc (-D warnings: the docs.rs pages build cleanly)"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --workspace --quiet
echo "==> cargo test --workspace"
cargo test --workspace --quiet
echo "==> cargo test -p timing-macros --features disabled (instrumentation compiled out)"
cargo test -p timing-macros --features disabled --quiet
bash scripts/setup.sh
echo "==> building the example third-party extensions (examples/extension, examples/second-extension)"
VIRTUAL_ENV="$PWD/.venv" .venv/bin/maturin develop --release --quiet -m examples/extension/Cargo.toml
VIRTUAL_ENV="$PWD/.venv" .venv/bin/maturin develop --release --quiet -m examples/second-extension/Cargo.toml
echo "==> building a user's extension outside this workspace (tests/outside-extension)"
CARGO_TARGET_DIR="$PWD/target" VIRTUAL_ENV="$PWD/.venv" .venv/bin/maturin develop --release --quiet \
    -m tests/outside-extension/Cargo.toml
echo "==> building the second extension against other profile API versions (version-skew tests)"
for kind in major minor; do
    rm -rf "target/abi-skew/$kind"
    VIRTUAL_ENV="$PWD/.venv" .venv/bin/maturin build --release --quiet \
        -m examples/second-extension/Cargo.toml --features "abi-test-$kind" -o "target/abi-skew/$kind"
done
echo "==> stubtest (python/performance_timing/_native.pyi against the built module)"
.venv/bin/python -m mypy.stubtest performance_timing._native --allowlist scripts/stubtest-allowlist.txt
echo "==> mypy (the Python package type-checks against its stubs)"
.venv/bin/python -m mypy python/performance_timing
echo "==> docs: mkdocs build --strict (warnings are errors; the site in target/site, rustdoc in rust-api/)"
.venv/bin/python -m mkdocs build --strict --quiet
echo "==> pytest (the docs' snippets and links: tests/test_docs_snippets.py, tests/test_docs.py)"
set +e
.venv/bin/python -m pytest tests "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
    echo "pytest collected no tests" >&2
    status=0
fi
exit "$status"
