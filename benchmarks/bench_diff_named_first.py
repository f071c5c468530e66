"""Named first: in ten sessions of a workload of ten ``timed`` stages of equal self time, with
the baseline from an earlier session (another process) and one stage made 15 % slower, how
often does ``Snapshot.diff`` name that stage first? Target: 10 of 10.

    .venv/bin/python benchmarks/bench_diff_named_first.py [TRIALS]
"""

from __future__ import annotations

import pathlib
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent / "examples"))
import profile_diff  # noqa: E402

import performance_timing as pt  # noqa: E402


def main() -> None:
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    first = 0
    with tempfile.TemporaryDirectory() as tmp:
        for t in range(trials):
            base, new = pathlib.Path(tmp, f"base{t}.json"), pathlib.Path(tmp, f"new{t}.json")
            profile_diff.session(base, 0.0)
            profile_diff.session(new, 0.15)
            diff = pt.Snapshot.diff(pt.Snapshot.from_json(base.read_text()),
                                    pt.Snapshot.from_json(new.read_text()))
            top = diff.rows[0]
            hit = top["name"] == profile_diff.SLOWER
            first += hit
            print(f"trial {t + 1}: first {top['name']} ({top['verdict']}, ratio {top['ratio']:.3f}, "
                  f"share {top['share'] * 100:+.1f} %){'' if hit else '  <-- missed'}")
    print(f"named {profile_diff.SLOWER} first in {first} of {trials} trials")


if __name__ == "__main__":
    main()
