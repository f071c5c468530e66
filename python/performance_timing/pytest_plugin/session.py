"""What one pytest session measured: the baseline, the results, the gate, the summary, the file.

Under pytest-xdist each worker measures its own tests and gates them against the baseline; it
hands its results to the controller (``workeroutput``), which prints one table and saves one
file. The workers run side by side, so their figures include that contention (the summary
says so).
"""

from __future__ import annotations

import json
import os

from .. import _format
from .._native import Comparison, Stats, compare
from ..cli import gate, history
from ..cli.files import load_stats
from .fixture import OneSample, Result

#: The default of ``--pt-max-time``: seconds per benchmark (pytest-benchmark's default too).
MAX_TIME = 1.0
#: The key of the results a pytest-xdist worker hands to the controller.
WORKER_OUTPUT = "performance_timing.results"


class Session:
    """The results of one pytest session (one per ``config``)."""

    def __init__(
        self,
        *,
        save: str | None,
        baseline: str | None,
        threshold: float | None,
        max_time: float,
        disabled: bool,
        shared_mark: bool,
        missing_ok: bool = False,
    ) -> None:
        self.save_path = save
        self.baseline_path = baseline
        self.threshold = threshold
        self.max_time = max_time
        self.disabled = disabled
        self.shared_mark = shared_mark
        self.missing_ok = missing_ok
        """``--pt-compare-missing=ok``: an absent baseline, or a gate that compared nothing,
        passes (saying so)."""
        self.absent: str | None = None
        """Why the baseline is absent (:func:`gate.absent`), when it is."""
        self.results: list[Result] = []
        self.workers = 0
        self.uses_fixture = False
        """Whether a collected test asks for ``benchmark`` or ``pt_benchmark``."""
        self.notes: list[str] = []
        self.baseline: dict[str, Stats] = {}
        self._comparisons: dict[str, Comparison | None] = {}

    def load_baseline(self) -> None:
        """Reads ``--pt-compare``: a results file, or the newest run of a history directory.

        An absent baseline (:func:`gate.absent`) is a ``ValueError`` while
        ``--pt-fail-on-regression`` is set, unless ``--pt-compare-missing=ok``; without a gate,
        an absent history directory is a note (nothing to compare with) and an absent file an
        error. An unreadable one is always an ``OSError``/``ValueError`` naming the file."""
        path = self.baseline_path
        if path is None:
            return
        reason = gate.absent(path)
        if reason is not None:
            gated = self.threshold is not None and not self.disabled  # --pt-disable: no gate
            if self.missing_ok or (not gated and history.is_history(path)):
                self.absent = reason
                return
            hint = ("; --pt-fail-on-regression needs a baseline (--pt-compare-missing=ok lets "
                    "a project's first run pass without one)") if gated else ""
            raise ValueError(f"{path}: the baseline is missing: {reason}{hint}")
        if history.is_history(path):
            path = self.baseline_path = history.run_files(path)[-1]
        self.baseline = {s.name: s for s in load_stats(path)}

    def record(self, result: Result) -> None:
        """Keeps a test's result (called by its fixture)."""
        self.results.append(result)

    def comparison(self, stats: Stats) -> Comparison | None:
        """``compare(baseline, stats)`` for the same-named baseline result of the same unit,
        if any (:meth:`not_compared` says why not)."""
        if stats.name not in self._comparisons:
            base = self.baseline.get(stats.name)
            same_unit = base is not None and base.unit == stats.unit
            self._comparisons[stats.name] = compare(base, stats) if base and same_unit else None
        return self._comparisons[stats.name]

    def not_compared(self, result: Result) -> str | None:
        """Why ``result`` was not compared with the baseline, or ``None`` when it was (or when
        there is no baseline)."""
        if not self.baseline:
            return None
        if result.stats is None:
            return gate.ONE_SAMPLE
        base = self.baseline.get(result.name)
        if base is None:
            return gate.NEW
        if base.unit != result.stats.unit:
            return gate.different_units(base.unit, result.stats.unit)
        return None

    def regression(self, result: Result) -> str | None:
        """Why ``result`` fails ``--pt-fail-on-regression``, or ``None``: ``compare`` says
        slower, by more than the threshold, or the baseline's result is in another unit.
        One-sample and new results are never gated."""
        if self.threshold is None or result.stats is None:
            return None
        base = self.baseline.get(result.name)
        if base is not None and base.unit != result.stats.unit:
            return (f"cannot gate: this result is {gate.different_units(base.unit, result.stats.unit)}"
                    " (--pt-fail-on-regression)")
        c = self.comparison(result.stats)
        if c is None or c.verdict != "slower" or c.ratio - 1.0 <= self.threshold:
            return None
        assert base is not None
        return (
            f"performance regression: median {_format.value(base, result.stats.median)} is "
            f"{c.ratio:.3f}× the baseline's {_format.value(base, base.median)} (95% CI of the "
            f"ratio {c.ci[0]:.3f}–{c.ci[1]:.3f}, p = {c.p_value:.2g}); "
            f"threshold {self.threshold * 100:g}% (--pt-fail-on-regression)"
        )

    def gate_error(self) -> str | None:
        """At the end of a gated session: why the gate failed although no test did — it
        compared no result — or ``None``. With ``--pt-compare-missing=ok`` that is a note."""
        if self.threshold is None or self.disabled:
            return None
        compared = sum(1 for r in self.results if r.stats is not None and self.comparison(r.stats))
        if compared:
            return None
        if self.absent is not None:
            why = f"no baseline ({self.absent})"
        elif not self.results:
            why = "no benchmark ran in this session"
        else:
            why = f"none of the {gate.plural(len(self.results), 'result')} is in the baseline"
        if self.missing_ok:
            self.notes.append(f"the regression gate compared nothing: {why}; passing as "
                              "--pt-compare-missing=ok asks")
            return None
        return (f"error: the regression gate compared nothing: {why} "
                "(--pt-fail-on-regression; --pt-compare-missing=ok lets such a session pass)")

    # -- pytest-xdist: a worker's results travel to the controller as JSON text --

    def worker_output(self) -> str:
        """This worker's results, for the controller."""
        return json.dumps(
            [
                {
                    "name": r.name,
                    "stats": r.stats.to_json() if r.stats is not None else None,
                    "one": [r.one_sample.seconds, r.one_sample.iterations] if r.one_sample else None,
                    "extra_info": r.extra_info,
                }
                for r in self.results
            ],
            default=repr,
        )

    def absorb(self, text: str) -> None:
        """Adds a worker's results (from :meth:`worker_output`)."""
        self.workers += 1
        for item in json.loads(text):
            stats = Stats.from_json(item["stats"]) if item["stats"] is not None else None
            one = OneSample(item["name"], *item["one"]) if item["one"] is not None else None
            self.results.append(Result(item["name"], stats, one, item["extra_info"]))

    # -- the end of the session --

    def save(self) -> bool:
        """Writes ``--pt-save`` (results of two samples or more; see the notes); ``False`` when
        the file could not be written."""
        if self.save_path is None:
            return True
        kept = [r for r in self.results if r.stats is not None]
        if not kept:
            self.notes.append(f"nothing saved to {self.save_path}: no result with samples")
            return True
        extra = {r.name: r.extra_info for r in kept if r.extra_info}
        try:
            written = history.save(self.save_path, [r.stats for r in kept], extra)  # type: ignore[misc]
        except OSError as e:
            self.notes.append(f"error: could not save the results to {self.save_path}: {e}")
            return False
        self.notes.append(f"saved {gate.plural(len(kept), 'result')} to {written}")
        return True

    def summary(self) -> list[str]:
        """The lines of the terminal summary: one table, then notes."""
        notes = list(self.notes)
        if self.absent is not None and (self.threshold is None or self.disabled):
            notes.insert(0, f"{self.absent}: nothing to compare with")
        if not self.results:
            return notes
        compared = bool(self.baseline)
        headers = ["benchmark", "median", "95% CI of median", "ops/s", "samples"]
        if compared:
            headers += ["baseline median", "ratio", "95% CI of ratio", "verdict"]
        rows, single, regressions = [], [], []
        for r in sorted(self.results, key=lambda r: _format.natural_key(r.name)):
            rows.append(self._row(r, compared))
            if r.one_sample is not None:
                single.append(r.name)
            if self.regression(r):
                regressions.append(r.name)
        lines = _format.markdown(headers, rows, right=(1, 3, 5, 6)).splitlines()
        if single:
            lines.append(
                f"{len(single)} result(s) of one sample (pedantic rounds=1): shown, not saved and "
                "never gated — one value has no interval; use rounds >= 2 for a verdict"
            )
        if compared:
            lines.append(
                f"compared with {self.baseline_path} (ratio: this run's time over the baseline's "
                "at the same machine speed, told by the reference workload run alongside both)"
            )
            unpaired = [
                r.name for r in self.results
                if r.stats is not None and (c := self.comparison(r.stats)) is not None
                and c.method == "unpaired"
            ]
            if unpaired:
                lines.append(
                    f"{len(unpaired)} result(s) without a reference workload (pedantic rounds, or "
                    "a baseline saved before it existed) compared by absolute medians: their "
                    "verdict ignores any change of the machine's speed between the runs"
                )
            uncompared = [(r.name, why) for r in sorted(self.results, key=lambda r: _format.natural_key(r.name))
                          if (why := self.not_compared(r)) is not None]
            if uncompared:
                lines.append(f"not compared: {gate.plural(len(uncompared), 'result')}")
                lines += [f"  {name}: {why}" for name, why in uncompared]
        if self.workers:
            lines.append(
                f"measured in {self.workers} pytest-xdist workers running side by side: "
                "each figure includes their contention for the CPUs"
            )
        if regressions:
            lines.append(f"slower than the baseline beyond {self.threshold * 100:g}%: "  # type: ignore[operator]
                         + ", ".join(regressions))
        return lines + notes

    def _row(self, r: Result, compared: bool) -> list[str]:
        if r.stats is not None:
            s = r.stats
            low, high = s.median_ci
            row = [r.name, _format.value(s, s.median), _format.interval(s, low, high),
                   _format.ops(s.ops_per_second) if s.unit == "s" else "",
                   f"{len(s)} × {s.iterations_per_sample}"]
        else:
            one: OneSample = r.one_sample  # type: ignore[assignment]
            row = [r.name, _format.duration(one.seconds), "— (1 sample)",
                   _format.ops(1.0 / one.seconds) if one.seconds > 0 else "", f"1 × {one.iterations}"]
        if compared:
            c = self.comparison(r.stats) if r.stats is not None else None
            base = self.baseline.get(r.name)
            if c is None or base is None:
                shown = _format.value(base, base.median) if base else "—"
                row += [shown, "", "", "not compared (see below)"]
            else:
                row += [_format.value(base, base.median), f"{c.ratio:.3f}",
                        f"{c.ci[0]:.3f} – {c.ci[1]:.3f}", c.verdict]
        return row

