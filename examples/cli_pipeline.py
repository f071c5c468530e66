"""A small program to profile from the command line (docs/how-to/cli.md):

    python -m performance_timing run examples/cli_pipeline.py 1000000

Nothing here prints a profile: ``run`` prints the table of the ``timed`` Python code and the
``#[timed]`` Rust kernels it called when the program ends, and passes its exit status on.
"""

import sys

import performance_timing as pt
from performance_timing import timed


@timed
def parse(lines):
    return [float(line) for line in lines]


def main(count: int) -> int:
    data = parse(str(i % 1000) for i in range(count))
    with timed("summarise"):
        seq, par = pt.compare_seq_vs_parallel(data, iterations=10)
    print(f"{len(data)} values; sequential {seq.per_iteration() * 1e3:.2f} ms, "
          f"parallel {par.per_iteration() * 1e3:.2f} ms per pass")
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000))
