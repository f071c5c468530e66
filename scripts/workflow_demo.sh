#!/usr/bin/env bash
# The outputs of docs/how-to/pytest.md and docs/how-to/cli.md ("Where you already work"): two pytest runs in a scratch git repository
# (the second after a commit that makes test_sorted sort three times as much), the history,
# a timeit into a history directory, and run on examples/cli_pipeline.py.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
python=${PYTHON:-$root/.venv/bin/python}
demo=$(mktemp -d)
trap 'rm -rf "$demo"' EXIT
git=(git -c user.name=demo -c user.email=demo@example.invalid)
cd "$demo"
"${git[@]}" init -q
cp "$root/examples/benchmarks_in_pytest.py" test_sorting.py
"${git[@]}" add . && "${git[@]}" commit -qm "first"
echo "\$ pytest test_sorting.py -p no:benchmark --pt-save .benchmarks/"
"$python" -m pytest test_sorting.py -p no:benchmark --pt-save .benchmarks/
sed -i 's/benchmark(sorted, DATA)/benchmark(sorted, DATA * 3)/' test_sorting.py
"${git[@]}" commit -qam "sort more"
echo "\$ pytest test_sorting.py -p no:benchmark --pt-save .benchmarks/ --pt-compare .benchmarks --pt-fail-on-regression 5%"
"$python" -m pytest test_sorting.py -p no:benchmark --pt-save .benchmarks/ --pt-compare .benchmarks --pt-fail-on-regression 5%
echo "(exit status $?)"
echo "\$ python -m performance_timing history .benchmarks"
"$python" -m performance_timing history .benchmarks
echo "\$ python -m performance_timing timeit -s \"data = list(range(10_000))[::-1]\" \"sorted(data)\" --json runs/"
"$python" -m performance_timing timeit -s "data = list(range(10_000))[::-1]" "sorted(data)" --json runs/
cd "$root"
echo "\$ python -m performance_timing run examples/cli_pipeline.py 1000000"
"$python" -m performance_timing run examples/cli_pipeline.py 1000000
