"""``python -m performance_timing compare old.json new.json``: compare saved results.

Each file holds one ``Stats.to_json()`` document, or a JSON list of them. Results are paired
by name (two single documents are paired whatever their names). A table is printed with the
ratio, its interval, the p-value, the verdict and the method; every statistic comes from the
Rust core (``performance_timing.compare``).

Results saved by this version carry samples of a reference workload taken alongside: they are
compared *relative to it* (method ``reference``): at the same machine speed, with how the
function follows the machine's speed fitted from the runs and a run-to-run wander of 2 % in
the interval, so a change of the machine's speed between the two runs does not decide the
verdict. Results without them (files of schema
version 1, statistics of given samples) are compared by their absolute samples (method
``unpaired``) and a warning on stderr says that the verdict ignores drift between the runs.

Exit status: 0 — done (no regression beyond the threshold); 1 — a result is ``slower`` by more
than ``--fail-on-regression``; 2 — bad usage or an unreadable, malformed or wrong-version file.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from .._native import Comparison, Stats, _format_duration, compare
from .files import FileError, load_stats
from .options import add_noise_option, parse_percent
from . import gate, history
from .status import EXIT_OK, EXIT_REGRESSION, describe, fail

EXAMPLE = """example:
  python -m performance_timing compare old.json new.json --fail-on-regression 5%
"""


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Adds ``compare`` to the command line."""
    cmp = commands.add_parser(
        "compare",
        help="compare a baseline file with a candidate file",
        description="Compare a baseline with a candidate: ratio (relative to the reference "
        "workload each run carries, so drift of the machine's speed between the runs cancels), "
        "its interval, a p-value and a verdict (faster / slower / no change). Files of schema "
        "version 1 are compared by absolute times, with a warning.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmp.add_argument("old", help="baseline: a Stats JSON file (one document or a list), or a "
                     f"results history directory (its newest run); {history.PATH_RULE}")
    cmp.add_argument("new", help="candidate: a Stats JSON file (one document or a list)")
    cmp.add_argument(
        "--fail-on-regression",
        type=parse_percent,
        metavar="PERCENT",
        help="exit with status 1 when a result is slower by more than PERCENT (e.g. 5%%); "
        "a missing baseline, results in different units or no result compared exit 2",
    )
    cmp.add_argument(
        "--missing",
        choices=gate.MISSING_CHOICES,
        default="error",
        help="ok: a baseline file that does not exist (or holds an empty list) is a first "
        "run: pass, saying so, instead of exit 2 (default: error)",
    )
    add_noise_option(cmp)
    cmp.set_defaults(run=run)


def pair(old: list[Stats], new: list[Stats]) -> list[tuple[Stats, Stats]]:
    """Baseline/candidate pairs: by name, or the two results of two single-result files
    (possibly none: the caller says which results were not compared)."""
    if len(old) == 1 and len(new) == 1:
        return [(old[0], new[0])]
    by_name = {s.name: s for s in old}
    return [(by_name[s.name], s) for s in new if s.name in by_name]


def format_value(stats: Stats, value: float) -> str:
    """A figure of ``stats`` with its unit: a duration for seconds, else ``value unit``."""
    return _format_duration(value) if stats.unit == "s" else f"{value:.4g} {stats.unit}"


def table(rows: list[tuple[Stats, Stats, Comparison]]) -> str:
    """A Markdown table of the comparisons."""
    lines = [
        "| benchmark | baseline median | candidate median | ratio | 95% CI of ratio | p-value "
        "| verdict | method |",
        "| --- | ---: | ---: | ---: | --- | ---: | --- | --- |",
    ]
    for base, cand, c in rows:
        name = base.name if base.name == cand.name else f"{base.name} → {cand.name}"
        lines.append(
            f"| {name} | {format_value(base, base.median)} | {format_value(cand, cand.median)} "
            f"| {c.ratio:.3f} | {c.ci[0]:.3f} – {c.ci[1]:.3f} | {c.p_value:.2g} | {c.verdict} "
            f"| {c.method} |"
        )
    if any(c.method == "reference" for _, _, c in rows):
        lines.append("")
        lines.append(
            "ratio (method reference): each run's time relative to the reference workload run "
            "alongside it, compared at the same machine speed, so a change of the machine's "
            "speed between the runs does not count; the medians are absolute."
        )
    return "\n".join(lines)


def run(args: argparse.Namespace, out: TextIO) -> int:
    """Compares the files named by ``args``; returns the exit status.

    The gate's rules (:mod:`.gate`): with ``--fail-on-regression``, an absent baseline is an
    error unless ``--missing=ok``; a baseline that cannot be read, results in different units
    and a comparison of no result are errors; every result not compared is listed on stderr."""
    threshold = args.fail_on_regression
    absent = gate.absent(args.old)
    if absent is not None:
        if args.missing != "ok":
            return fail(f"{args.old}: the baseline is missing: {absent} (--missing=ok lets a "
                        "project's first run pass without one)")
        try:
            load_stats(args.new)
        except FileError as e:
            return fail(describe(e))
        print(f"no baseline ({absent}): nothing compared; passing as --missing=ok asks", file=out)
        return EXIT_OK
    try:
        old_path = args.old
        if history.is_history(old_path) and os.path.isdir(old_path):
            old_path = history.run_files(old_path)[-1]
        old, new = load_stats(old_path), load_stats(args.new)
    except OSError as e:
        return fail(describe(e))
    except FileError as e:
        return fail(describe(e))
    pairs = pair(old, new)
    paired = {id(c) for _, c in pairs}
    baseline_names = {b.name for b, _ in pairs}
    uncompared = [(s.name, gate.NEW) for s in new if id(s) not in paired]
    only_old = [s.name for s in old if s.name not in baseline_names]
    mixed = [(b, c) for b, c in pairs if b.unit != c.unit]
    for b, c in mixed:
        uncompared.append((c.name, gate.different_units(b.unit, c.unit)))
    try:
        rows = [(b, c, compare(b, c, noise=args.noise)) for b, c in pairs if b.unit == c.unit]
    except (ValueError, TypeError) as e:
        return fail(f"{args.old} vs {args.new}: {describe(e)}")
    if rows:
        print(table(rows), file=out)
    for _, _, result in rows:
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
    if uncompared:
        print(f"not compared: {gate.plural(len(uncompared), 'result')}", file=sys.stderr)
        for name, why in uncompared:
            print(f"  {name}: {why}", file=sys.stderr)
    if only_old:
        print(f"in the baseline only (not in {args.new}): {', '.join(only_old)}", file=sys.stderr)
    if mixed and (threshold is not None or not rows):
        return fail(f"{args.old} vs {args.new}: {gate.plural(len(mixed), 'result')} in "
                    "different units cannot be compared")
    if not rows:
        return fail(f"{args.old} vs {args.new}: no result compared")
    if threshold is None:
        return EXIT_OK
    regressions = [
        (b, c, r) for b, c, r in rows if r.verdict == "slower" and r.ratio - 1.0 > threshold
    ]
    for base, _, r in regressions:
        print(
            f"regression: {base.name} is {(r.ratio - 1.0) * 100:.1f}% slower "
            f"(threshold {threshold * 100:g}%)",
            file=sys.stderr,
        )
    return EXIT_REGRESSION if regressions else EXIT_OK
