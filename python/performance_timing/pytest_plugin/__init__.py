"""The pytest plugin (entry point ``pytest11: performance_timing``; no conftest needed).

* Fixture ``pt_benchmark`` (always) and ``benchmark`` (when pytest-benchmark is not active:
  then run with ``-p no:benchmark`` to make ``benchmark`` ours): see :mod:`.fixture`.
* ``@pytest.mark.benchmark(max_time=…, min_time=…, samples=…, warmup=…)`` overrides the
  ``bench()`` options of a test (the closest mark wins, option by option).
* Options ``--pt-save``, ``--pt-compare``, ``--pt-fail-on-regression``,
  ``--pt-compare-missing``, ``--pt-max-time``, ``--pt-disable``; a summary table at the end of
  the session: see :mod:`.session`.
* A test whose result ``compare`` finds slower than the baseline by more than
  ``--pt-fail-on-regression`` fails (after its body ran), so the session ends with the usual
  "failed" and exit status 1. The gate never passes silently (:mod:`..cli.gate`): an absent
  baseline is a usage error, a session that compared nothing exits 1, unless
  ``--pt-compare-missing=ok``.
* Beside pytest-benchmark: ``benchmark`` stays its fixture (the session header says so once),
  the ``benchmark`` mark is shared (options only we read, such as ``samples``, are taken off
  it before pytest-benchmark checks it), and pytest-benchmark's report hook, which raises on a
  ``benchmark`` fixture that is not its own, never sees ours.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Generator
from typing import Any

import pytest

from ..cli import gate
from ..cli.history import PATH_RULE
from ..cli.options import parse_percent, seconds
from .fixture import MARK_OPTIONS, PYTEST_BENCHMARK_MARK_OPTIONS, BenchmarkFixture, bench_options
from .session import MAX_TIME, WORKER_OUTPUT, Session

SESSION = pytest.StashKey[Session]()
MARKS = pytest.StashKey[dict[str, Any]]()
FIXTURE = pytest.StashKey[BenchmarkFixture]()

#: Names pytest-benchmark's plugin is registered under (entry point, or ``-p`` by module).
PYTEST_BENCHMARK = ("benchmark", "pytest_benchmark.plugin")


def accept_negative_percentages(parser: pytest.Parser) -> None:
    """``--pt-fail-on-regression -5%``: argparse takes ``-5%`` for an unknown option and says only
    "expected one argument". pytest's argument parser is told that ``-5%`` is a value, as ``-5``
    already is, so that the option's own message (the percentage must be positive) is the one
    shown. Nothing changes if pytest's parser is not as expected."""
    for name in ("optparser", "_parser"):
        built = getattr(parser, name, None)
        if built is not None and hasattr(built, "_negative_number_matcher"):
            built._negative_number_matcher = NEGATIVE_NUMBER


#: What argparse reads as a value, not an option: negative numbers, also as percentages.
NEGATIVE_NUMBER = re.compile(r"^-\d+%?$|^-\d*\.\d+%?$")


def pytest_addoption(parser: pytest.Parser) -> None:
    accept_negative_percentages(parser)
    group = parser.getgroup("performance_timing", "performance_timing benchmarks (pt_benchmark)")
    group.addoption("--pt-save", metavar="PATH",
                    help="save the results as a JSON list of Stats to PATH; a directory "
                    f"gets a new <timestamp>-<commit>.json (a results history); {PATH_RULE}")
    group.addoption("--pt-compare", metavar="PATH",
                    help="compare each result with the same-named one in PATH (a results "
                    f"file, or the newest run of a history directory); {PATH_RULE}")
    group.addoption("--pt-fail-on-regression", metavar="PERCENT", type=parse_percent,
                    help="fail a test whose result compare finds slower than --pt-compare's "
                    "by more than PERCENT (e.g. 5%%); a missing baseline, or a session that "
                    "compared no result, is an error")
    group.addoption("--pt-compare-missing", choices=gate.MISSING_CHOICES, default="error",
                    help="ok: a missing --pt-compare baseline (a project's first run), or a "
                    "gate that compared nothing, passes, saying so (default: error)")
    group.addoption("--pt-max-time", metavar="SECONDS", type=seconds, default=MAX_TIME,
                    help=f"time budget of each benchmark (default {MAX_TIME:g})")
    group.addoption("--pt-disable", action="store_true",
                    help="call each benchmarked function once, untimed (quick test runs)")


def benchmark_plugin_active(config: pytest.Config) -> bool:
    """Whether pytest-benchmark's plugin is loaded in this session."""
    return any(config.pluginmanager.has_plugin(name) for name in PYTEST_BENCHMARK)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"benchmark({', '.join(f'{o}=…' for o in MARK_OPTIONS)}): bench() options of this "
        "test's pt_benchmark (performance_timing)",
    )
    shared = benchmark_plugin_active(config)
    session = Session(
        save=config.getoption("pt_save"),
        baseline=config.getoption("pt_compare"),
        threshold=config.getoption("pt_fail_on_regression"),
        max_time=config.getoption("pt_max_time"),
        disabled=config.getoption("pt_disable"),
        shared_mark=shared,
        missing_ok=config.getoption("pt_compare_missing") == "ok",
    )
    if session.threshold is not None and session.baseline_path is None:
        raise pytest.UsageError("--pt-fail-on-regression needs --pt-compare PATH (the baseline)")
    save = session.save_path
    if save is not None and not os.path.isdir(save) and not save.endswith(("/", os.sep)):
        parent = os.path.dirname(os.path.abspath(save))
        if not os.path.isdir(parent):
            raise pytest.UsageError(f"--pt-save {save}: no directory {parent}")
    if save is not None:
        writable_or_usage_error(save)
    try:
        session.load_baseline()
    except (OSError, ValueError, TypeError) as e:
        raise pytest.UsageError(f"--pt-compare: {e}") from None
    config.stash[SESSION] = session
    if not shared:
        from . import alias

        config.pluginmanager.register(alias, "performance_timing.benchmark")


def writable_or_usage_error(save: str) -> None:
    """Refuses ``--pt-save`` into a directory this process cannot write (read-only, no
    permission) now, not after the benchmarks ran: creates and removes a temporary file there."""
    where = save if os.path.isdir(save) else os.path.dirname(os.path.abspath(save))
    if not os.path.isdir(where):
        return  # a directory to be created: history.save makes it (and reports its failure)
    try:
        with tempfile.TemporaryFile(dir=where):
            pass
    except OSError as e:
        raise pytest.UsageError(
            f"--pt-save {save}: cannot write in {where}: {e.strerror or e}"
        ) from None


NOTICE = (
    "performance_timing: pytest-benchmark is active, so `benchmark` is its fixture; "
    "ours is `pt_benchmark` (or run with -p no:benchmark to make `benchmark` ours)"
)


def pytest_report_header(config: pytest.Config) -> str | None:
    """Says once, in the header, whose ``benchmark`` this session's is (when it matters)."""
    if SESSION in config.stash and config.stash[SESSION].shared_mark:
        return NOTICE
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Reads each test's ``benchmark`` marks; beside pytest-benchmark, takes the options only
    we read off the shared mark, so that its check of the mark passes."""
    for item in items:
        merged: dict[str, Any] = {}
        for mark in reversed(list(item.iter_markers("benchmark"))):
            if mark.args:
                merged["__positional__"] = mark.args
            merged.update(mark.kwargs)
        item.stash[MARKS] = merged
    ours = config.stash[SESSION]
    ours.uses_fixture = any(
        {"benchmark", "pt_benchmark"} & set(getattr(item, "fixturenames", ())) for item in items
    )
    if not benchmark_plugin_active(config):
        return
    seen: set[int] = set()
    for item in items:
        for node in item.listchain():
            if id(node) in seen:
                continue
            seen.add(id(node))
            for i, mark in enumerate(node.own_markers):
                extra = [k for k in MARK_OPTIONS
                         if k in mark.kwargs and k not in PYTEST_BENCHMARK_MARK_OPTIONS]
                if mark.name == "benchmark" and extra:
                    kept = {k: v for k, v in mark.kwargs.items() if k not in extra}
                    node.own_markers[i] = pytest.mark.benchmark(*mark.args, **kept).mark


@pytest.fixture
def pt_benchmark(request: pytest.FixtureRequest) -> Generator[BenchmarkFixture, None, None]:
    """Measures one function per test (pytest-benchmark's core API over ``bench()``)."""
    session = request.config.stash[SESSION]
    node = request.node
    marks = dict(node.stash.get(MARKS, {}))
    if "__positional__" in marks:
        pytest.fail("@pytest.mark.benchmark takes keyword options only", pytrace=False)
    try:
        options = bench_options(marks, session.max_time, session.shared_mark)
    except ValueError as e:
        pytest.fail(str(e), pytrace=False)
    fixture = BenchmarkFixture(node.nodeid, options, session.disabled, session.record)
    node.stash[FIXTURE] = fixture
    yield fixture


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    """Fails a test, after its body ran, when its result is a regression."""
    outcome = yield
    fixture = item.stash.get(FIXTURE, None)
    if fixture is not None and fixture.result is not None:
        message = item.config.stash[SESSION].regression(fixture.result)
        if message:
            pytest.fail(message, pytrace=False)
    return outcome


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    """Hides our fixture from pytest-benchmark's report hook (which raises on a ``benchmark``
    that is not its own) when both plugins are active and ours is named ``benchmark``."""
    funcargs = getattr(item, "funcargs", None)
    ours = funcargs.get("benchmark") if isinstance(funcargs, dict) else None
    hide = isinstance(ours, BenchmarkFixture) and benchmark_plugin_active(item.config)
    if hide:
        del funcargs["benchmark"]  # type: ignore[union-attr]
    try:
        yield
    finally:
        if hide:
            funcargs["benchmark"] = ours  # type: ignore[index]


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if SESSION not in config.stash:
        return
    ours = config.stash[SESSION]
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[WORKER_OUTPUT] = ours.worker_output()
        return
    if not ours.save() and session.exitstatus == pytest.ExitCode.OK:
        # The results are lost: the session must not look like a success.
        session.exitstatus = pytest.ExitCode.USAGE_ERROR
    error = ours.gate_error()
    if error is not None:
        ours.notes.append(error)
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    """pytest-xdist: a worker finished; take its results."""
    output = getattr(node, "workeroutput", {}).get(WORKER_OUTPUT)
    if output is not None:
        node.config.stash[SESSION].absorb(output)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    if SESSION not in config.stash or hasattr(config, "workerinput"):
        return
    ours = config.stash[SESSION]
    lines = ours.summary()
    header_hidden = terminalreporter.verbosity < 0 or terminalreporter.no_header
    if ours.shared_mark and ours.uses_fixture and header_hidden:
        lines.append(NOTICE)  # the header that says it was not shown
    if lines:
        terminalreporter.write_sep("-", "performance_timing benchmarks")
        for line in lines:
            terminalreporter.write_line(line)
