"""Type stubs of the native module ``performance_timing._native``."""

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from os import PathLike
from types import TracebackType
from typing import Any, SupportsFloat, SupportsIndex, TypeVar, final, overload

from typing_extensions import disjoint_base

_F = TypeVar("_F", bound=Callable[..., Any])

__version__: str
__all__ = [
    "CacheWarning",
    "Calibration",
    "Comparison",
    "Outliers",
    "MetricsServer",
    "ParallelComparison",
    "Profiler",
    "Record",
    "Snapshot",
    "SnapshotDiff",
    "Stats",
    "Timer",
    "TimerResult",
    "Trace",
    "__version__",
    "bench",
    "bench_pair",
    "benchmark",
    "benchmark_statistical",
    "benchmark_with_warmup",
    "compare",
    "compare_scaling",
    "compare_seq_vs_parallel",
    "dump",
    "flamegraph_diff",
    "is_enabled",
    "load_dir",
    "measure_memory_throughput",
    "push",
    "report",
    "reset",
    "scaling_sweep",
    "serve_metrics",
    "set_enabled",
    "snapshot",
    "stream",
    "timed",
    "trace",
    "_DEFAULTS",
    "_PROFILE_API",
    "_format_duration",
    "_format_rate",
    "_reference_workload",
    "_TopFrame",
    "_TopWatch",
    "_scope",
    "_Steps",
]

_DEFAULTS: dict[str, float | int | bool | str | None]
"""The default of every optional argument, keyed ``"function.argument"`` (runtime constants)."""
_PROFILE_API: object
"""A capsule (``performance_timing._native._PROFILE_API``): the profile's table of C entry points
that other PyO3 extensions attach to (``py_export::add_profile_api``); not a Python API."""

def _format_duration(seconds: SupportsFloat) -> str:
    """Seconds as a person reads them (``34.8 µs``, ``1.20 s``)."""

def _format_rate(per_second: SupportsFloat, unit: str) -> str:
    """A rate with an SI prefix (``2.41 Mops/s``, ``39.9 GB/s``)."""

@final
class TimerResult:
    """The result of a timing: ``name``, ``duration_secs`` and ``iterations`` (at least 1)."""

    def __new__(
        cls, name: str, duration_secs: SupportsFloat, iterations: SupportsIndex | None = None
    ) -> TimerResult: ...
    @property
    def name(self) -> str:
        """The name of what was timed."""
    @property
    def duration_secs(self) -> float:
        """Total measured time in seconds."""
    @property
    def iterations(self) -> int:
        """How many iterations the duration covers (at least 1)."""
    def per_iteration(self) -> float:
        """Seconds per iteration: ``duration_secs / iterations``."""
    def ops_per_second(self) -> float:
        """Iterations per second (``inf`` for a zero duration)."""
    def to_dict(self) -> dict[str, Any]:
        """The result as a plain dict, ready for ``json.dumps``."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Timer:
    """A named stopwatch that starts when it is created (TSC clock, resolution 1 ns)."""

    def __new__(cls, name: str) -> Timer: ...
    @property
    def name(self) -> str:
        """The timer's name."""
    def elapsed(self) -> float:
        """Seconds since the (re)start, or the frozen duration once stopped."""
    def stop(self, iterations: SupportsIndex | None = None) -> TimerResult:
        """Stops the timer and returns its result for ``iterations`` iterations (default 1)."""
    def restart(self) -> None:
        """Starts the timer again from zero and forgets the last result."""
    @property
    def stopped(self) -> bool:
        """Whether the timer is stopped (frozen)."""
    @property
    def result(self) -> TimerResult | None:
        """The result of the last ``stop()`` or ``with`` block, or ``None``."""
    def __enter__(self) -> Timer:
        """Restarts the timer; returns it."""
    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
        /,
    ) -> bool:
        """Stops the timer and keeps its result (never swallows the block's exception)."""

@final
class Profiler:
    """A manual profiler of named durations."""

    def __new__(cls) -> Profiler: ...
    def measure(self, name: str, duration_secs: SupportsFloat) -> None:
        """Records ``duration_secs`` (a finite number >= 0) under ``name``."""
    def results(self) -> list[tuple[str, float]]:
        """Every measurement as ``(name, seconds)``, in insertion order."""
    def total(self) -> float:
        """Sum of all measurements in seconds."""
    def summary(self) -> str:
        """The breakdown as text, one line per name with seconds and percentage."""
    def clear(self) -> None:
        """Forgets every measurement."""
    def __len__(self) -> int: ...

def benchmark(name: str, func: Callable[[], object], iterations: SupportsIndex) -> TimerResult:
    """Calls ``func()`` exactly ``iterations`` times, timed as one block."""

def benchmark_with_warmup(
    name: str, func: Callable[[], object], warmup: SupportsIndex, iterations: SupportsIndex
) -> TimerResult:
    """Makes ``warmup`` untimed calls, then ``iterations`` timed calls."""

def benchmark_statistical(
    name: str, func: Callable[[], object], runs: SupportsIndex, iterations_per_run: SupportsIndex
) -> tuple[float, float, float, float]:
    """Returns ``(mean, median, min, max)`` of ``runs`` run durations in seconds."""

def compare_seq_vs_parallel(
    data: Iterable[SupportsFloat], iterations: SupportsIndex
) -> tuple[TimerResult, TimerResult]:
    """Times the sum of squares of ``data`` sequentially and in parallel."""

@final
class Record:
    """What one instrumented function recorded (seconds)."""

    @property
    def name(self) -> str:
        """The recorded name."""
    @property
    def module_path(self) -> str:
        """Module path of the function."""
    @property
    def qualified_name(self) -> str:
        """``"module::name"``: tells apart records of one name from several modules."""
    @property
    def calls(self) -> int:
        """Number of calls."""
    @property
    def total_secs(self) -> float:
        """Inclusive time in seconds."""
    @property
    def self_secs(self) -> float:
        """Self (exclusive) time in seconds."""
    @property
    def idle_secs(self) -> float:
        """Time suspended between steps in seconds (coroutines, generators; 0 otherwise)."""
    @property
    def busy_secs(self) -> float:
        """Time running in seconds: ``total_secs - idle_secs``."""
    @property
    def mean_secs(self) -> float:
        """Mean call duration in seconds."""
    @property
    def min_secs(self) -> float:
        """Shortest call in seconds."""
    @property
    def max_secs(self) -> float:
        """Longest call in seconds."""
    def percentile(self, q: SupportsFloat) -> float:
        """The q-th percentile (0 <= q <= 100) of call durations in seconds."""
    def to_dict(self) -> dict[str, Any]:
        """The record as a dict."""
    def __eq__(self, other: object, /) -> bool: ...

@final
class Snapshot:
    """An immutable copy of the global profile."""

    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Record]: ...
    def __getitem__(self, name: str, /) -> Record:
        """The record called ``name`` or ``"module::name"`` (``snap["pkg.b::load"]``);
        ``KeyError`` when there is none, or when the name is ambiguous (records of that name
        from several modules: the message lists their qualified names)."""
    def __contains__(self, name: object, /) -> bool: ...
    def get(self, name: str, default: Any | None = None) -> Record | Any | None:
        """The record called name (or ``"module::name"``), or default; ``KeyError`` when the
        name is ambiguous."""
    def names(self) -> list[str]:
        """Names of the records, largest self time first."""
    def threads(self) -> dict[str, list[Record]]:
        """Per-thread records."""
    @property
    def total_self_secs(self) -> float:
        """Total self time over all records in seconds."""
    def summary(self) -> str:
        """A text table sorted by self time."""
    def to_dict(self) -> dict[str, Any]:
        """The snapshot as plain dicts and lists."""
    def to_json(self) -> str:
        """The snapshot as JSON."""
    def to_prometheus(self) -> str:
        """The snapshot in the Prometheus text exposition format 0.0.4."""
    def _prometheus_families(self) -> list[tuple[str, str, str, list[Any]]]:
        """The Prometheus families as plain data, for ``PrometheusCollector``."""
    def __eq__(self, other: object, /) -> bool: ...
    @classmethod
    def from_json(cls, s: str) -> Snapshot:
        """Reads a snapshot written by ``to_json()``."""
    @staticmethod
    def merge(snapshots: Iterable[Snapshot]) -> Snapshot:
        """The sum of snapshots, as if every call had been recorded in one process."""
    @property
    def processes(self) -> list[dict[str, Any]]:
        """The processes the records come from: ``[{"host": str, "pid": int}, ...]``."""
    @staticmethod
    def diff(base: Snapshot, new: Snapshot) -> SnapshotDiff:
        """What changed, per function, from ``base`` to ``new``."""
    def folded(self) -> str:
        """The snapshot as folded stacks: one frame per function, weighted by self time (ns)."""

@final
class SnapshotDiff:
    """What changed, per function, between two snapshots (``Snapshot.diff``)."""

    @property
    def rows(self) -> list[dict[str, Any]]:
        """The rows, largest change of the total first."""
    def __len__(self) -> int: ...
    def summary(self) -> str:
        """The text table of the diff."""
    def to_json(self) -> str:
        """The diff as JSON (schema ``performance_timing.profile_diff/1``)."""
    def to_dict(self) -> dict[str, Any]:
        """The JSON document as plain dicts and lists."""
    def write_html(self, path: str | os.PathLike[str], title: str = "What changed, per function") -> None:
        """Writes a self-contained HTML page with the diff's table."""

def flamegraph_diff(
    base: Snapshot | Trace | str | os.PathLike[str],
    new: Snapshot | Trace | str | os.PathLike[str],
    path: str | os.PathLike[str],
    *,
    title: str = "Differential Flame Graph",
    normalize: bool = False,
) -> None:
    """Writes the differential flame graph of ``base`` -> ``new`` as an SVG (inferno)."""

@final
class timed:
    """Records Python code into the global profile, next to ``#[timed]`` Rust functions."""

    @overload
    def __new__(cls, func_or_name: _F, /, *, name: str | None = None) -> _F: ...  # type: ignore[misc]
    @overload
    def __new__(cls, func_or_name: str | None = None, /) -> timed: ...
    @overload
    def __new__(cls, *, name: str) -> timed: ...
    @property
    def name(self) -> str | None:
        """The scope's name (``None`` for an unnamed ``timed()`` decorator factory)."""
    def enter(self) -> None:
        """Starts the scope on the calling thread."""
    def exit(self) -> None:
        """Ends the innermost open scope of this name on the calling thread."""
    def __enter__(self) -> timed:
        """Starts the scope on the calling thread; returns the scope."""
    def __exit__(
        self,
        exc_type: type[BaseException] | None = None,
        exc_value: BaseException | None = None,
        traceback: TracebackType | None = None,
        /,
    ) -> bool:
        """Ends and records the scope (never swallows the block's exception)."""
    def __call__(self, func: _F, /) -> _F:
        """Decorates ``func`` (``@timed("name")`` / ``@timed()``)."""
    def _call(
        self, func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any], /
    ) -> Any:
        """``func(*args, **kwargs)`` as one recorded call of the scope."""
    def _steps(self, inner: Any, mode: int = 0) -> _Steps:
        """One call of the scope that runs in steps, driving ``inner``."""

@final
class _Steps:
    """A timed call of a coroutine, generator or async generator, driven step by step."""

    def __await__(self) -> _Steps: ...
    def __iter__(self) -> _Steps: ...
    def __next__(self) -> Any: ...
    def send(self, value: Any) -> Any:
        """Resumes the wrapped iterator with ``value`` (one step of the call)."""
    def throw(self, *args: Any) -> Any:
        """Throws an exception into the wrapped iterator (one step of the call)."""
    def close(self) -> Any:
        """Closes the wrapped iterator (its last step)."""
    def _next(self, inner: Any, mode: int) -> _Steps:
        """Drives ``inner`` as a further part of the same call."""

def _reference_workload() -> Callable[[], int]:
    """The Python reference workload ``bench`` times beside every function."""

def _scope(module: str, name: str) -> timed:
    """The ``timed`` object of ``name`` in ``module`` (what the decorator records under)."""

@final
class MetricsServer:
    """A ``/metrics`` endpoint served by a background thread (see ``serve_metrics``)."""

    @property
    def port(self) -> int:
        """The port the server listens on."""
    @property
    def addr(self) -> str:
        """The address the server listens on."""
    @property
    def url(self) -> str:
        """The URL of the metrics."""
    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
    def close(self) -> None:
        """Stops serving and frees the port."""
    def __enter__(self) -> MetricsServer: ...
    def __exit__(
        self,
        _exc_type: type[BaseException] | None = None,
        _exc_value: BaseException | None = None,
        _traceback: TracebackType | None = None,
    ) -> bool: ...

@final
class _TopWatch:
    """Watches directories of multi-process mode and ``/metrics`` URLs (``top``)."""

    def __new__(cls, sources: list[str]) -> _TopWatch: ...
    def read(self, seconds: float | None = None) -> _TopFrame:
        """Reads every source: the frame of the interval since the previous read."""

@final
class _TopFrame:
    """One interval of the watched processes."""

    @staticmethod
    def columns() -> list[str]:
        """The headings of every column, in order."""
    def header(self) -> str:
        """The header line: processes, threads, interval, time since start, sources."""
    @property
    def problems(self) -> list[str]:
        """Problems met at this read (one line each)."""
    @property
    def live(self) -> int:
        """Live processes."""
    @property
    def exited(self) -> int:
        """Exited processes (their counts stay)."""
    def table(
        self,
        sort: str = "self/s",
        reverse: bool = False,
        filter: str = ...,
        per_process: bool = False,
        width: int | None = None,
        limit: int | None = None,
    ) -> tuple[list[str], list[tuple[bool, list[str]]], int]:
        """``(headings kept, [(is a per-process row, cells)], functions matched)``."""
    def text(
        self,
        sort: str = "self/s",
        reverse: bool = False,
        filter: str = ...,
        per_process: bool = False,
        width: int | None = None,
        limit: int | None = None,
    ) -> str:
        """The frame as plain text (header, problems, table)."""
    def to_json(self) -> str:
        """The frame as one line of JSON."""

def serve_metrics(port: SupportsIndex, addr: str = "127.0.0.1") -> MetricsServer:
    """Serves the global profile at ``http://addr:port/metrics`` from a background thread."""

def push(
    gateway_url: str,
    job: str,
    grouping: Mapping[str, str] | None = None,
    timeout: float | None = 10.0,
) -> None:
    """Pushes the global profile to a Prometheus Pushgateway (HTTP ``PUT``)."""

def snapshot() -> Snapshot:
    """Takes an immutable snapshot of the global profile."""

def reset() -> None:
    """Clears the global profile in every thread."""

def set_enabled(enabled: bool) -> None:
    """Turns recording on or off."""

def is_enabled() -> bool:
    """Whether recording is on."""

def dump(dir: str | PathLike[str] | None = None) -> str:
    """Writes this process's profile into dir (default: $PERFORMANCE_TIMING_DIR)."""

def load_dir(path: str | PathLike[str]) -> Snapshot:
    """Merges the profiles of every process in a directory into one Snapshot."""

def measure_memory_throughput(
    size: SupportsIndex,
    iterations: SupportsIndex,
    *,
    kernel: str = "read",
    threads: SupportsIndex | None = None,
) -> float:
    """Best-pass memory bandwidth of ``kernel`` over ``size`` float64 elements, in decimal GB/s."""

def stream(
    size: SupportsIndex | None = None,
    iterations: SupportsIndex = 10,
    threads: SupportsIndex | None = None,
) -> dict[str, float | int]:
    """The five STREAM kernels' GB/s and the ``size``, ``threads``, ``cache_bytes`` used."""

class CacheWarning(RuntimeWarning):
    """A bandwidth buffer fits in the last-level cache: the figure is cache bandwidth."""

@final
class ParallelComparison:
    """The sum of squares on one thread vs on ``threads`` threads, over repeated runs."""

    @property
    def size(self) -> int:
        """Elements of data."""
    @property
    def threads(self) -> int:
        """Threads of the parallel version."""
    @property
    def iterations(self) -> int:
        """Passes of each version per run."""
    @property
    def runs(self) -> int:
        """Number of runs."""
    @property
    def speedup(self) -> float:
        """Median speedup over the runs (sequential time / parallel time)."""
    @property
    def speedup_ci(self) -> tuple[float, float]:
        """``(low, high)``: confidence interval of the median speedup."""
    @property
    def confidence(self) -> float:
        """The actual coverage probability of ``speedup_ci``."""
    @property
    def efficiency(self) -> float:
        """Parallel efficiency: ``speedup / threads``."""
    @property
    def speedups(self) -> list[float]:
        """Speedup of each run."""
    @property
    def sequential_secs(self) -> list[float]:
        """Seconds per sequential pass, one value per run."""
    @property
    def parallel_secs(self) -> list[float]:
        """Seconds per parallel pass, one value per run."""
    @property
    def sequential_gbps(self) -> float:
        """Decimal GB/s of the fastest sequential pass."""
    @property
    def parallel_gbps(self) -> float:
        """Decimal GB/s of the fastest parallel pass."""
    def to_dict(self) -> dict[str, Any]:
        """The comparison as a plain dict, ready for ``json.dumps``."""

def compare_scaling(
    data: Iterable[SupportsFloat],
    iterations: SupportsIndex = 10,
    *,
    threads: SupportsIndex | None = None,
    runs: SupportsIndex = 10,
) -> ParallelComparison:
    """Sum of squares of ``data`` on one thread vs ``threads`` threads, ``runs`` times."""

def scaling_sweep(
    sizes: Iterable[SupportsIndex],
    threads: Iterable[SupportsIndex] | None = None,
    iterations: SupportsIndex = 5,
    runs: SupportsIndex = 5,
) -> list[ParallelComparison]:
    """``compare_scaling`` over every size in ``sizes`` and thread count in ``threads``."""

@final
class Outliers:
    """Tukey outlier counts: ``mild`` (1.5–3 IQR outside the quartiles) and ``severe`` (beyond 3 IQR)."""

    @property
    def mild(self) -> int:
        """Mild outliers (between 1.5 and 3 IQR outside the quartiles)."""
    @property
    def severe(self) -> int:
        """Severe outliers (beyond 3 IQR outside the quartiles)."""
    @property
    def low(self) -> int:
        """Outliers below the lower fence (mild and severe)."""
    @property
    def high(self) -> int:
        """Outliers above the upper fence (mild and severe)."""

@final
class Calibration:
    """Calibration figures of a measured ``Stats``, in seconds."""

    @property
    def clock_resolution(self) -> float:
        """The smallest non-zero step of the clock, in seconds."""
    @property
    def clock_read_cost(self) -> float:
        """The cost of one clock read, in seconds."""
    @property
    def overhead(self) -> float:
        """The harness's own cost per iteration (a no-op callable), in seconds."""

@final
class Stats:
    """Statistics of a benchmark, in seconds per iteration."""

    @staticmethod
    def from_samples(
        samples: Iterable[SupportsFloat],
        iterations_per_sample: SupportsIndex | None = None,
        name: str | None = None,
        unit: str | None = None,
    ) -> Stats:
        """Statistics of given per-iteration samples (at least 2 finite numbers >= 0)."""
    def _with_reference(
        self, samples: Iterable[SupportsFloat], iterations_per_sample: SupportsIndex
    ) -> Stats:
        """A copy with samples of the reference workload taken next to the samples."""
    @classmethod
    def from_json(cls, s: str) -> Stats:
        """Loads statistics saved by ``to_json()``."""
    def to_json(self) -> str:
        """The statistics as a JSON document (versioned schema, with metadata)."""
    @property
    def name(self) -> str:
        """The benchmark's name."""
    @property
    def unit(self) -> str:
        """The unit of the samples (``"s"``: seconds per iteration)."""
    @property
    def samples(self) -> list[float]:
        """The per-iteration samples, in the order they were taken."""
    @property
    def iterations_per_sample(self) -> int:
        """Calls per sample."""
    @property
    def mean(self) -> float:
        """Arithmetic mean."""
    @property
    def median(self) -> float:
        """Median (mean of the two middle values for an even count)."""
    @property
    def stddev(self) -> float:
        """Sample standard deviation (n - 1), as ``statistics.stdev``."""
    @property
    def mad(self) -> float:
        """Median absolute deviation from the median (unscaled)."""
    @property
    def iqr(self) -> float:
        """Interquartile range."""
    @property
    def min(self) -> float:
        """Smallest sample."""
    @property
    def max(self) -> float:
        """Largest sample."""
    @property
    def cv(self) -> float:
        """Coefficient of variation, ``stddev / mean``."""
    @property
    def outliers(self) -> Outliers:
        """Tukey outlier counts."""
    @property
    def median_ci(self) -> tuple[float, float]:
        """95 % confidence interval of the median, from order statistics."""
    @property
    def mean_ci(self) -> tuple[float, float]:
        """95 % confidence interval of the mean (Student's t)."""
    @property
    def ops_per_second(self) -> float:
        """Operations per second, ``1 / mean``."""
    @property
    def relative(self) -> float | None:
        """Time per call relative to the reference workload run alongside, or ``None``."""
    @property
    def relative_ci(self) -> tuple[float, float] | None:
        """95 % interval of ``relative`` within the run, or ``None``."""
    @property
    def reference(self) -> str | None:
        """The reference workload's name, or ``None``."""
    @property
    def reference_samples(self) -> list[float] | None:
        """The reference workload's seconds per call, one next to each sample, or ``None``."""
    @property
    def warnings(self) -> list[str]:
        """Warnings when the result is unstable or suspect."""
    @property
    def calibration(self) -> Calibration | None:
        """Calibration figures of the run, or ``None`` for given samples."""
    @property
    def metadata(self) -> dict[str, Any]:
        """Where the samples were taken: clock, cpu_count, python, platform, timing_runtime."""
    def percentile(self, q: SupportsFloat) -> float:
        """The ``q``-th percentile, ``0 <= q <= 100`` (linear interpolation)."""
    def summary(self) -> str:
        """The result as a readable block (median, interval, min, ops/s, samples, warnings);
        ``print(stats)`` prints it."""
    def __len__(self) -> int: ...

@final
class Comparison:
    """A candidate compared with a baseline: ratio, interval, p-value and verdict."""

    @property
    def ratio(self) -> float:
        """Candidate's time over the baseline's (paired, at the same machine speed, or of medians)."""
    @property
    def ci(self) -> tuple[float, float]:
        """95 % interval of the ratio, ``(low, high)``."""
    @property
    def p_value(self) -> float:
        """Two-sided p-value (sign test, t test of the fitted change, or Mann-Whitney U)."""
    @property
    def verdict(self) -> str:
        """``"faster"``, ``"slower"`` or ``"no change"``."""
    @property
    def noise(self) -> float:
        """The noise band used (a fraction)."""
    @property
    def method(self) -> str:
        """``"paired"``, ``"reference"`` or ``"unpaired"``."""
    @property
    def paired(self) -> bool:
        """Whether the samples were taken in pairs (``bench_pair``)."""
    @property
    def ratios(self) -> list[float] | None:
        """Candidate / baseline time of each pair (``bench_pair``), else ``None``."""
    @property
    def baseline(self) -> str:
        """The baseline's name."""
    @property
    def candidate(self) -> str:
        """The candidate's name."""
    @property
    def baseline_stats(self) -> Stats:
        """The baseline's ``Stats``."""
    @property
    def candidate_stats(self) -> Stats:
        """The candidate's ``Stats``."""
    @property
    def warnings(self) -> list[str]:
        """What to know about this verdict (e.g. that it ignores drift between runs)."""

def bench(
    func: Callable[..., object],
    *args: Any,
    name: str | None = None,
    warmup: SupportsFloat = 0.1,
    min_time: SupportsFloat = 0.0001,
    max_time: SupportsFloat = 5.0,
    samples: SupportsIndex = 1000,
    iterations: SupportsIndex | None = None,
    progress: bool = True,
) -> Stats:
    """Benchmarks ``func(*args)`` and returns its ``Stats`` (seconds per iteration)."""

def bench_pair(
    baseline: Callable[[], object],
    candidate: Callable[[], object],
    *,
    name: str | None = None,
    warmup: SupportsFloat = 0.1,
    max_time: SupportsFloat = 2.0,
    noise: SupportsFloat = 0.01,
    progress: bool = True,
) -> Comparison:
    """Benchmarks ``baseline()`` and ``candidate()`` interleaved and compares them, pair by pair."""

def compare(
    baseline: Stats, candidate: Stats, *, noise: SupportsFloat = 0.01, paired: bool = False
) -> Comparison:
    """Compares ``candidate`` with ``baseline``: ratio, interval, p-value, verdict, method."""

@final
class Trace:
    """Spans of every thread captured while entered (``with trace() as tr: …``)."""

    def __enter__(self) -> Trace: ...
    def __exit__(
        self,
        _exc_type: type[BaseException] | None = None,
        _exc_value: BaseException | None = None,
        _traceback: TracebackType | None = None,
    ) -> bool: ...
    def __len__(self) -> int: ...
    @property
    def dropped(self) -> int:
        """Spans dropped because a thread's buffer was full."""
    def write_chrome_trace(self, path: str | os.PathLike[str]) -> None:
        """Writes Chrome Trace Event JSON (ui.perfetto.dev, chrome://tracing)."""
    def folded(self) -> str:
        """Folded stacks, self time in integer nanoseconds."""
    def write_flamegraph(self, path: str | os.PathLike[str], title: str = "Flame Graph") -> None:
        """Writes the flame graph of ``folded()`` as an SVG."""

def trace(capacity: SupportsIndex = 1000000) -> Trace:
    """Captures spans while the returned ``Trace`` is entered; ``capacity`` spans per thread."""

def report(
    results: Iterable[Stats | Comparison | Snapshot | SnapshotDiff],
    path: str | os.PathLike[str],
    *,
    title: str | None = None,
) -> None:
    """Writes a self-contained HTML report of benchmark results and comparisons."""
