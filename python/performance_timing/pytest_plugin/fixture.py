"""The ``pt_benchmark`` fixture object: pytest-benchmark's core API over ``bench()``.

``fixture(fn, *args, **kwargs)`` measures ``fn(*args, **kwargs)`` with the calibrated
:func:`performance_timing.bench` and returns its result (from one more, untimed call, as
pytest-benchmark does). ``fixture.pedantic(...)`` runs exactly ``rounds`` rounds of
``iterations`` calls, each round timed as one block, with ``setup``/``teardown`` once per round
outside the timed region — pytest-benchmark's meaning, except that the result comes from the
last timed call, so the function is called exactly ``rounds × iterations`` times (plus
``warmup_rounds × iterations``). Beside the rounds (outside them, in the order R, ref, ref, R,
…) it times samples of ``bench``'s reference workload, so a saved ``pedantic`` result is
compared at the same machine speed like any other.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .._native import _DEFAULTS, Stats, _reference_workload, bench

#: The longest reference sample (ns): 10 ms, as ``bench``'s.
MAX_REFERENCE_SAMPLE_NS = 10_000_000
#: The clock of the reference samples: the rounds' clock (bound here, so that a test that
#: replaces the rounds' clock leaves the reference on the real one).
REFERENCE_CLOCK = time.perf_counter_ns

#: The keyword options of ``@pytest.mark.benchmark(...)`` this fixture reads.
MARK_OPTIONS = ("max_time", "min_time", "samples", "warmup")
#: pytest-benchmark's own options of its mark: ignored here when pytest-benchmark is active.
PYTEST_BENCHMARK_MARK_OPTIONS = (
    "max_time",
    "min_rounds",
    "min_time",
    "timer",
    "group",
    "disable_gc",
    "warmup",
    "warmup_iterations",
    "calibration_precision",
    "cprofile",
)


@dataclass
class OneSample:
    """A ``pedantic(rounds=1)`` result: one timed round, too few values for ``Stats`` (which
    needs two for an interval). Shown in the summary, never saved and never gated."""

    name: str
    seconds: float
    """Seconds per call (the round's duration / ``iterations``)."""
    iterations: int


@dataclass
class Result:
    """What one test measured, as the session collects it."""

    name: str
    stats: Stats | None = None
    one_sample: OneSample | None = None
    extra_info: dict[str, Any] = field(default_factory=dict)


def bench_options(marks: dict[str, Any], max_time: float, shared_mark: bool) -> dict[str, Any]:
    """The ``bench()`` keyword arguments of one test: its mark's options over the session's
    ``max_time``. Unknown mark options → ``ValueError`` naming them (pytest-benchmark's own
    options are ignored when its plugin shares the mark)."""
    unknown = [k for k in marks if k not in MARK_OPTIONS]
    if shared_mark:
        unknown = [k for k in unknown if k not in PYTEST_BENCHMARK_MARK_OPTIONS]
    if unknown:
        raise ValueError(
            f"@pytest.mark.benchmark: unknown option(s) {', '.join(map(repr, unknown))}; "
            f"performance_timing reads {', '.join(MARK_OPTIONS)}"
        )
    options = {k: marks[k] for k in MARK_OPTIONS if k in marks}
    options.setdefault("max_time", max_time)
    if "min_time" not in options and isinstance(options["max_time"], (int, float)):
        options["min_time"] = min(float(_DEFAULTS["bench.min_time"] or 0.0), options["max_time"])
    return options


class BenchmarkFixture:
    """Measures one function per test; see the module's documentation."""

    def __init__(
        self,
        name: str,
        options: dict[str, Any],
        disabled: bool,
        record: Callable[[Result], None],
    ) -> None:
        self.name = name
        """The test's node id, the name its result is saved and compared under."""
        self.extra_info: dict[str, Any] = {}
        """Saved with the result (``"extra_info"`` in its JSON document)."""
        self.disabled = disabled
        """``--pt-disable``: call the function once, untimed."""
        self.stats: Stats | None = None
        """The result, once measured (``None`` before, when disabled, and for a one-sample
        ``pedantic(rounds=1)`` result)."""
        self.result: Result | None = None
        self._options = options
        self._record = record
        self._used: str | None = None

    def __repr__(self) -> str:
        return f"<performance_timing benchmark fixture {self.name!r}>"

    def _claim(self, mode: str) -> None:
        if self._used:
            raise RuntimeError(
                f"the benchmark fixture measures one function per test and was already used "
                f"by {self._used} in {self.name}; split the test or parametrize it"
            )
        self._used = mode

    def _keep(self, stats: Stats | None, one: OneSample | None = None) -> None:
        self.stats = stats
        self.result = Result(self.name, stats, one, self.extra_info)
        self._record(self.result)

    def __call__(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Measures ``function(*args, **kwargs)`` with ``bench()``; returns its result."""
        self._claim("benchmark(...)")
        if self.disabled:
            return function(*args, **kwargs)
        target = functools.partial(function, *args, **kwargs) if args or kwargs else function
        self._keep(bench(target, name=self.name, progress=False, **self._options))
        return function(*args, **kwargs)

    def pedantic(
        self,
        target: Callable[..., Any],
        args: tuple[Any, ...] = (),
        kwargs: dict[str, Any] | None = None,
        setup: Callable[[], Any] | None = None,
        teardown: Callable[..., Any] | None = None,
        rounds: int = 1,
        warmup_rounds: int = 0,
        iterations: int = 1,
    ) -> Any:
        """pytest-benchmark's ``pedantic``: ``rounds`` timed rounds of ``iterations`` calls."""
        self._claim("benchmark.pedantic(...)")
        kwargs = {} if kwargs is None else kwargs
        given = bool(args or kwargs)
        for value, label, least in ((iterations, "iterations", 1), (rounds, "rounds", 1),
                                    (warmup_rounds, "warmup_rounds", 0)):
            if not isinstance(value, int) or isinstance(value, bool) or value < least:
                raise ValueError(f"`{label}` must be an int >= {least}, got {value!r}")
        if iterations > 1 and setup is not None:
            raise ValueError("Can't use more than 1 `iterations` with a `setup` function.")

        def arguments() -> tuple[tuple[Any, ...], dict[str, Any]]:
            if setup is None:
                return args, kwargs
            made = setup()
            if not made:
                return args, kwargs
            if given:
                raise TypeError("Can't use `args` or `kwargs` if `setup` returns the arguments.")
            return made

        if self.disabled:
            a, k = arguments()
            result = target(*a, **k)
            if teardown is not None:
                teardown(*a, **k)
            return result
        timings: list[float] = []
        reference = Reference()
        for i in range(warmup_rounds + rounds):
            if i % 2 == 1:  # rounds and reference samples in the order R, ref, ref, R, R, ref, …
                reference.sample()
            a, k = arguments()
            elapsed, result = timed_round(target, a, k, iterations)
            if teardown is not None:
                teardown(*a, **k)
            reference.size(elapsed)
            if i % 2 == 0:
                reference.sample()
            if i >= warmup_rounds:
                timings.append(elapsed / 1e9 / iterations)
            else:
                reference.samples.clear()
        if len(timings) == 1:
            self._keep(None, OneSample(self.name, timings[0], iterations))
        else:
            stats = Stats.from_samples(timings, iterations_per_sample=iterations, name=self.name)
            self._keep(stats._with_reference(reference.samples, reference.iterations))
        return result


class Reference:
    """Samples of ``bench``'s reference workload taken next to ``pedantic``'s rounds, so that
    ``compare`` can compare two sessions at the same machine speed (as it does for
    ``benchmark(fn)``). A sample lasts about as long as a round, at most
    :data:`MAX_REFERENCE_SAMPLE_NS`."""

    def __init__(self) -> None:
        self.workload = _reference_workload()
        self.iterations = 0
        """Calls per sample, fixed by the first round (0 before it)."""
        self.samples: list[float] = []
        """Seconds per call, one per measured round."""

    def size(self, round_ns: int) -> None:
        """Fixes the calls per sample from the first round's length."""
        if self.iterations:
            return
        call = timed_round(self.workload, (), {}, 16, REFERENCE_CLOCK)[0] / 16
        target = min(max(round_ns, 1), MAX_REFERENCE_SAMPLE_NS)
        self.iterations = max(1, round(target / max(call, 1.0)))

    def sample(self) -> None:
        """One sample of ``iterations`` calls (nothing before the calls per sample are fixed)."""
        if self.iterations:
            elapsed = timed_round(self.workload, (), {}, self.iterations, REFERENCE_CLOCK)[0]
            self.samples.append(max(elapsed, 1) / 1e9 / self.iterations)


def timed_round(
    target: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    iterations: int,
    clock: Callable[[], int] | None = None,
) -> tuple[int, Any]:
    """``iterations`` calls of ``target`` timed as one block: ``(nanoseconds, last result)``.
    One call is timed without a loop around it (as pytest-benchmark does). ``clock`` defaults
    to ``time.perf_counter_ns``."""
    clock = time.perf_counter_ns if clock is None else clock
    if iterations == 1:
        start = clock()
        result = target(*args, **kwargs)
        return clock() - start, result
    loop = range(iterations)
    start = clock()
    for _ in loop:
        result = target(*args, **kwargs)
    return clock() - start, result
