"""What changed, per function: two sessions of the same workload, one stage made 15 % slower.

Runs a workload of ten ``timed`` stages of equal cost twice, in two child processes (the base
session and the new one, where ``stage_3`` does 15 % more work), saves both snapshots, then
prints ``Snapshot.diff`` and writes the differential flame graph (of the two sessions' traces)
and an HTML page::

    .venv/bin/python examples/profile_diff.py [OUT_DIR]

The same as ``python -m performance_timing diff OUT_DIR/base.json OUT_DIR/new.json --html
OUT_DIR/diff.html`` and ``python -m performance_timing diff OUT_DIR/base.folded
OUT_DIR/new.folded --flamegraph OUT_DIR/diff.svg --normalize``.
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

import performance_timing as pt

STAGES = 10
SLOWER = "stage_3"
ROUNDS = 400
WORK = 3_000  # loop steps of one stage call (about 50 µs)


def workload(slower_by: float) -> None:
    """Ten stages of equal cost, ``SLOWER`` made ``slower_by`` (0.15 = 15 %) slower."""

    def make(name: str, steps: int):
        @pt.timed(name)
        def stage() -> int:
            total = 0
            for i in range(steps):
                total += i * i
            return total

        return stage

    stages = [make(f"stage_{i}", int(WORK * (1 + slower_by)) if f"stage_{i}" == SLOWER else WORK)
              for i in range(STAGES)]
    @pt.timed("pipeline")
    def pipeline() -> None:
        for stage in stages:
            stage()

    for _ in range(ROUNDS):
        pipeline()


def session(path: pathlib.Path, slower_by: float) -> None:
    """Runs the workload in a fresh interpreter, traced; saves its snapshot to ``path`` and the
    trace's folded stacks beside it (``.folded``)."""
    folded = path.with_suffix(".folded")
    code = (f"import sys; sys.path.insert(0, {str(pathlib.Path(__file__).parent)!r}); "
            f"import profile_diff as d, performance_timing as pt\n"
            f"with pt.trace() as tr: d.workload({slower_by})\n"
            f"open({str(path)!r}, 'w').write(pt.snapshot().to_json())\n"
            f"open({str(folded)!r}, 'w').write(tr.folded())")
    subprocess.run([sys.executable, "-c", code], check=True)


def main() -> None:
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "target/profile_diff")
    out.mkdir(parents=True, exist_ok=True)
    base, new = out / "base.json", out / "new.json"
    session(base, 0.0)
    session(new, 0.15)
    diff = pt.Snapshot.diff(pt.Snapshot.from_json(base.read_text()),
                            pt.Snapshot.from_json(new.read_text()))
    print(diff.summary())
    # From the saved traces' folded stacks (pipeline;stage_N); the snapshots work too.
    pt.flamegraph_diff(base.with_suffix(".folded"), new.with_suffix(".folded"), out / "diff.svg",
                       title=f"{SLOWER} made 15 % slower", normalize=True)
    diff.write_html(out / "diff.html")
    print(f"\nwrote {out / 'diff.svg'} and {out / 'diff.html'}")


if __name__ == "__main__":
    main()
