"""The pytest plugin, driven through pytester: real test files, real sessions.

Every behaviour is checked twice: with our fixture as ``benchmark`` (pytest-benchmark turned off
with ``-p no:benchmark``, as a user opts in) and beside an active pytest-benchmark, where ours is
``pt_benchmark``. Timed figures that a test asserts on come from a fake clock (patched into the
fixture module only), so verdicts are deterministic on a noisy machine; one test gates on real
timings with a 3× slower workload.
"""

from __future__ import annotations

import json
import re

import pytest

import performance_timing as pt
from performance_timing import Stats
from performance_timing.cli.files import load_stats

pytest_plugins = ("pytester",)

# Short budgets; hypothesis's plugin costs seconds per in-process session and is not needed.
FAST = ("--pt-max-time", "0.05", "-p", "no:hypothesispytest")
HEADER = "pytest-benchmark is active, so `benchmark` is its fixture"

# A clock for the fixture module: round i of a pedantic run lasts FACTOR * DURATIONS[i] ns.
FAKE_CLOCK = """
import types
import pytest
import performance_timing.pytest_plugin.fixture as fixture_module

DURATIONS = [1000 + 10 * (i % 7) for i in range(1000)]

@pytest.fixture
def fake_clock(monkeypatch):
    def install(factor):
        state = {"now": 0, "open": False, "i": 0}
        def clock():
            if not state["open"]:
                state["open"] = True
                return state["now"]
            state["open"] = False
            state["now"] += factor * DURATIONS[state["i"]]
            state["i"] += 1
            return state["now"]
        monkeypatch.setattr(fixture_module, "time", types.SimpleNamespace(perf_counter_ns=clock))
    return install
"""


@pytest.fixture(params=["ours", "beside pytest-benchmark"])
def mode(request):
    """``(extra pytest arguments, the name of our fixture)`` for both set-ups."""
    if request.param == "ours":
        return ("-p", "no:benchmark"), "benchmark"
    return (), "pt_benchmark"


def run(pytester, mode, source: str, *args: str, **kwargs):
    """Writes ``source`` (``{fx}`` = our fixture's name) as a test file and runs pytest on it."""
    extra, fx = mode
    pytester.makeconftest(FAKE_CLOCK)
    pytester.makepyfile(**{kwargs.pop("name", "test_bench"): source.replace("{fx}", fx)})
    return pytester.runpytest(*extra, *FAST, *args, **kwargs)


COUNTS = """
import performance_timing as pt
calls, setups, teardowns = [], [], []

def work(x, y=0):
    calls.append(x)
    return x + y

def test_pedantic_counts({fx}):
    def setup():
        setups.append(1)
        return (len(setups),), {"y": 100}
    result = {fx}.pedantic(work, setup=setup, teardown=lambda *a, **k: teardowns.append(a),
                           rounds=4, warmup_rounds=2)
    assert (len(calls), len(setups), len(teardowns)) == (6, 6, 6)
    assert result == 6 + 100                       # the last round's call
    assert isinstance({fx}.stats, pt.Stats) and len({fx}.stats) == 4

def test_pedantic_iterations({fx}):
    calls.clear()
    assert {fx}.pedantic(work, args=(7,), rounds=5, iterations=3) == 7
    assert len(calls) == 15                        # rounds x iterations, exactly
    assert {fx}.stats.iterations_per_sample == 3 and len({fx}.stats) == 5

def test_call_returns_result({fx}):
    {fx}.extra_info["size"] = 3
    assert {fx}(work, 2, y=3) == 5
    assert {fx}.stats.name.endswith("::test_call_returns_result")

def test_twice_is_an_error({fx}):
    {fx}(work, 1)
    try:
        {fx}(work, 1)
    except RuntimeError as e:
        assert "already used" in str(e)
    else:
        raise AssertionError("no error")

def test_pedantic_errors({fx}):
    import pytest
    with pytest.raises(ValueError, match="iterations"):
        {fx}.pedantic(work, args=(1,), setup=lambda: None, iterations=2)

def test_setup_args_and_args_clash({fx}):
    import pytest
    with pytest.raises(TypeError, match="setup"):
        {fx}.pedantic(work, args=(1,), setup=lambda: ((1,), {}), rounds=2)
"""


SAVED = """
import pytest

def test_rounds({fx}):
    {fx}.pedantic(sum, args=(range(10),), rounds=3)

def test_one_round({fx}):
    {fx}.pedantic(sum, args=(range(10),))

@pytest.mark.benchmark(samples=3, max_time=2.0, warmup=0)
def test_mark({fx}):
    {fx}(sum, range(10))
    assert len({fx}.stats) == 3

@pytest.mark.benchmark(sample=3)
def test_mark_typo({fx}):
    {fx}(sum, range(10))
"""


def test_counts_results_errors_marks_and_save(pytester, mode):
    out = pytester.path / "results.json"
    result = run(pytester, mode, COUNTS + SAVED, "--pt-save", str(out))
    result.assert_outcomes(passed=9, errors=1)
    # A typo is an error (ours, or pytest-benchmark's check of the shared mark beside it).
    assert re.search(r"unknown option\(s\) 'sample'|can't have 'sample'", result.stdout.str())
    saved = load_stats(str(out))
    names = ["call_returns_result", "mark", "pedantic_counts", "pedantic_iterations", "rounds",
             "twice_is_an_error"]
    assert sorted(s.name for s in saved) == [f"test_bench.py::test_{n}" for n in names]
    assert all(isinstance(s, Stats) and len(s) >= 2 for s in saved)
    assert [d.get("extra_info") for d in json.loads(out.read_text())
            if d["name"].endswith("test_call_returns_result")] == [{"size": 3}]
    text = result.stdout.str()
    assert "| test_bench.py::test_one_round |" in text and "— (1 sample)" in text
    assert "not saved and never gated" in text and "saved 6 results" in text
    assert text.count(HEADER) == (0 if mode[1] == "benchmark" else 1)


GATED = """
def test_work({fx}, fake_clock):
    fake_clock(FACTOR)
    {fx}.pedantic(lambda: None, rounds=20)

def test_single({fx}, fake_clock):
    fake_clock(FACTOR)
    {fx}.pedantic(lambda: None)
"""


def baseline(path, names) -> str:
    """A results file of what the fake clock measures with FACTOR = 1 in ``rounds`` rounds."""
    docs = [json.loads(Stats.from_samples([(1000 + 10 * (i % 7)) / 1e9 for i in range(rounds)],
                                          name=name).to_json()) for name, rounds in names]
    path.write_text(json.dumps(docs))
    return str(path)


def test_gate_fails_a_3x_slower_candidate_not_an_identical_one(pytester, mode):
    base = baseline(pytester.path / "base.json", [("test_bench.py::test_work", 20)])
    gate = ("--pt-compare", base, "--pt-fail-on-regression", "5%")
    slower = run(pytester, mode, "FACTOR = 3\n" + GATED, *gate)
    assert slower.ret == 1
    slower.assert_outcomes(passed=1, failed=1)     # the one-sample test is never gated
    slower.stdout.fnmatch_lines(["*performance regression: median * is 3.000× the baseline*"])
    assert "| slower |" in slower.stdout.str()
    same = run(pytester, mode, "FACTOR = 1\n" + GATED, *gate)
    assert same.ret == 0
    same.assert_outcomes(passed=2)
    assert "| 1.000 |" in same.stdout.str() and "no change" in same.stdout.str()


def test_gate_on_real_timings(pytester):
    source = """
def test_work({fx}):
    {fx}(sum, range(N))
"""
    base = pytester.path / "base.json"
    ours = (("-p", "no:benchmark"), "benchmark")
    budget = ("--pt-max-time", "0.3")
    run(pytester, ours, "N = 2000\n" + source, "--pt-save", str(base), *budget).assert_outcomes(passed=1)
    gate = ("--pt-compare", str(base), "--pt-fail-on-regression", "5%", *budget)
    slower = run(pytester, ours, "N = 6000\n" + source, *gate)
    assert slower.ret == 1, slower.stdout.str()


def test_disable_calls_once(pytester, mode):
    source = """
calls, setups = [], []

def test_call({fx}):
    assert {fx}(lambda: calls.append(1) or 42) == 42
    assert len(calls) == 1 and {fx}.stats is None

def test_pedantic({fx}):
    calls.clear()
    {fx}.pedantic(lambda x: calls.append(x), setup=lambda: setups.append(1) or ((1,), {}),
                  rounds=5, warmup_rounds=3)
    assert len(calls) == 1 and len(setups) == 1
"""
    result = run(pytester, mode, source, "--pt-disable", "--pt-save", str(pytester.path / "x.json"))
    result.assert_outcomes(passed=2)
    assert "| benchmark |" not in result.stdout.str()


def test_both_plugins_measure_in_one_session(pytester):
    source = """
def test_theirs(benchmark):
    assert type(benchmark).__module__ == "pytest_benchmark.fixture"
    benchmark(sum, range(10))

def test_ours(pt_benchmark):
    pt_benchmark(sum, range(10))
"""
    result = run(pytester, ((), "pt_benchmark"), source, "--benchmark-max-time", "0.01")
    result.assert_outcomes(passed=2)
    text = result.stdout.str()
    assert text.count(HEADER) == 1
    assert "performance_timing benchmarks" in text and "benchmark: 1 tests" in text


def test_pytest_benchmark_report_hook_never_sees_ours(pytester):
    # A conftest that names our fixture `benchmark` while pytest-benchmark is active: its report
    # hook raises TypeError on such a fixture; ours hides it from that hook.
    pytester.makepyfile(
        test_alias="""
import pytest

@pytest.fixture
def benchmark(pt_benchmark):
    return pt_benchmark

def test_aliased(benchmark):
    benchmark.pedantic(sum, args=(range(10),), rounds=2)
""",
    )
    result = pytester.runpytest(*FAST, "-q")
    assert "INTERNALERROR" not in result.stdout.str() + result.stderr.str()
    result.assert_outcomes(passed=1)
    assert result.stdout.str().count(HEADER) == 1   # -q hides the header: said in the summary


def test_usage_errors(pytester):
    pytester.makepyfile(test_x="def test_x(): pass\n")
    result = pytester.runpytest("--pt-fail-on-regression", "5%", *FAST)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "needs --pt-compare" in result.stderr.str()
    result = pytester.runpytest("--pt-compare", str(pytester.path / "missing.json"), *FAST)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "missing.json" in result.stderr.str()
    result = pytester.runpytest(*FAST, "--pt-max-time", "-1")
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_xdist_workers_measure_controller_reports_once(pytester, mode):
    pytest.importorskip("xdist")
    tests = "".join(
        f"""
def test_{i}({{fx}}, fake_clock):
    fake_clock(FACTOR)
    {{fx}}.pedantic(lambda: None, rounds=10)
"""
        for i in range(4)
    )
    history = pytester.path / "history"
    history.mkdir()
    base = baseline(pytester.path / "base.json", [(f"test_bench.py::test_{i}", 10) for i in range(4)])
    result = run(pytester, mode, "FACTOR = 3\n" + tests, "-n", "2", "--pt-save", str(history),
                 "--pt-compare", base, "--pt-fail-on-regression", "5%")
    assert result.ret == 1
    result.assert_outcomes(failed=4)               # gated in the workers
    text = result.stdout.str()
    assert text.count("performance_timing benchmarks") == 1 and text.count("| slower |") == 4
    assert "measured in 2 pytest-xdist workers" in text
    (saved,) = history.iterdir()                   # one file, from the controller
    assert sorted(s.name for s in load_stats(str(saved))) == [f"test_bench.py::test_{i}" for i in range(4)]


def test_pedantic_results_carry_the_reference_workload(pytester):
    """``pedantic`` rounds are timed next to samples of ``bench``'s reference workload, one per
    round, so two sessions compare at the same machine speed (method "reference")."""
    source = """
def test_rounds({fx}):
    {fx}.pedantic(sum, args=(range(2000),), setup=None, rounds=30, warmup_rounds=2)
"""
    ours = (("-p", "no:benchmark"), "benchmark")
    base = pytester.path / "base.json"
    run(pytester, ours, source, "--pt-save", str(base)).assert_outcomes(passed=1)
    (saved,) = load_stats(str(base))
    assert len(saved) == 30 and saved.reference == "python-mix/1"
    assert len(saved.reference_samples) == 30 and min(saved.reference_samples) > 0
    again = run(pytester, ours, source, "--pt-compare", str(base))
    again.assert_outcomes(passed=1)
    text = again.stdout.str()
    assert "| test_bench.py::test_rounds |" in text
    assert "without a reference workload" not in text
    candidate = Stats.from_samples(saved.samples, name=saved.name)
    assert pt.compare(saved, candidate).method == "unpaired"  # the reference is what changes it
    assert pt.compare(saved, saved).method == "reference"


# --- the gate never passes silently (issue 20, item 1) ----------------------------------------

OURS = (("-p", "no:benchmark"), "benchmark")
GATE = ("--pt-fail-on-regression", "5%")
OPT_OUT = "--pt-compare-missing=ok"


def baseline_forms(tmp) -> dict[str, tuple[str, str]]:
    """Every form of a missing or unreadable baseline: ``{form: (path, text the error says)}``."""
    (tmp / "empty_dir").mkdir()
    (tmp / "empty_list.json").write_text("[]")
    (tmp / "garbage.json").write_bytes(b"\xff\xfe not json")
    return {
        "no directory": (str(tmp / "nothere") + "/", "no directory"),
        "empty directory": (str(tmp / "empty_dir"), "no earlier run (*.json) in the directory"),
        "missing file": (str(tmp / "missing.json"), "no file"),
        "empty file": (str(tmp / "empty_list.json"), "holds no results (an empty list)"),
        "unreadable file": (str(tmp / "garbage.json"), "garbage.json:1:1: not UTF-8 text"),
    }


@pytest.mark.parametrize("form", ["no directory", "empty directory", "missing file", "empty file",
                                  "unreadable file"])
def test_gate_with_a_missing_or_unreadable_baseline_is_an_error(pytester, form):
    path, says = baseline_forms(pytester.path)[form]
    result = run(pytester, OURS, "FACTOR = 5\n" + GATED, "--pt-compare", path, *GATE)
    assert result.ret == pytest.ExitCode.USAGE_ERROR, result.stdout.str()
    err = result.stderr.str()
    assert says in err, err
    if form != "unreadable file":
        assert "the baseline is missing" in err and OPT_OUT in err


@pytest.mark.parametrize("form", ["no directory", "empty directory", "missing file", "empty file"])
def test_opt_out_lets_a_first_run_pass_and_says_so(pytester, form):
    path, says = baseline_forms(pytester.path)[form]
    result = run(pytester, OURS, "FACTOR = 5\n" + GATED, "--pt-compare", path, *GATE, OPT_OUT)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.assert_outcomes(passed=2)
    text = result.stdout.str()
    assert "the regression gate compared nothing: no baseline (" in text and says in text, text
    assert "passing as --pt-compare-missing=ok asks" in text


@pytest.mark.parametrize("form", ["not UTF-8", "symlink loop"])
def test_opt_out_does_not_excuse_an_unreadable_baseline(pytester, form):
    # Two files nobody can read, root included (a mode-000 file: the test below).
    if form == "symlink loop":
        loop = pytester.path / "loop.json"
        loop.symlink_to(loop)
        path, says = str(loop), "loop.json: Too many levels of symbolic links"
    else:
        path, says = baseline_forms(pytester.path)["unreadable file"]
    for extra in ((), (OPT_OUT,)):
        result = run(pytester, OURS, GATED, "--pt-compare", path, *GATE, *extra)
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        assert says in result.stderr.str(), result.stderr.str()


def test_a_file_without_read_permission_is_an_error_even_with_the_opt_out(pytester):
    import os

    base = pytester.path / "locked.json"
    baseline(base, [("test_bench.py::test_work", 20)])
    base.chmod(0)
    try:
        if os.access(base, os.R_OK):
            pytest.skip("running as root: a mode-000 file is still readable")
        for extra in ((), (OPT_OUT,)):
            result = run(pytester, OURS, GATED, "--pt-compare", str(base), *GATE, *extra)
            assert result.ret == pytest.ExitCode.USAGE_ERROR
            assert "locked.json: Permission denied" in result.stderr.str()
    finally:
        base.chmod(0o644)


def test_without_a_gate_a_missing_history_is_a_note(pytester):
    result = run(pytester, OURS, "FACTOR = 1\n" + GATED, "--pt-compare", str(pytester.path / "new") + "/")
    assert result.ret == 0
    assert "nothing to compare with" in result.stdout.str()


def test_a_gated_session_that_compared_nothing_fails(pytester):
    base = baseline(pytester.path / "base.json", [("test_other.py::test_gone", 20)])
    result = run(pytester, OURS, "FACTOR = 1\n" + GATED, "--pt-compare", base, *GATE)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=2)                 # no test failed: the session did
    text = result.stdout.str()
    assert "error: the regression gate compared nothing: none of the 2 results is in the " \
           "baseline" in text, text
    assert "test_bench.py::test_work: not in the baseline (a new result; not a failure)" in text
    assert "test_bench.py::test_single: one sample" in text
    passed = run(pytester, OURS, "FACTOR = 1\n" + GATED, "--pt-compare", base, *GATE, OPT_OUT)
    assert passed.ret == pytest.ExitCode.OK
    assert "passing as --pt-compare-missing=ok asks" in passed.stdout.str()


def test_a_gated_session_without_any_benchmark_fails(pytester):
    base = baseline(pytester.path / "base.json", [("test_bench.py::test_work", 20)])
    result = run(pytester, OURS, "def test_plain():\n    pass\n", "--pt-compare", base, *GATE)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    assert "no benchmark ran in this session" in result.stdout.str()


def test_new_tests_are_listed_not_failed_and_the_others_gated(pytester):
    base = baseline(pytester.path / "base.json", [("test_bench.py::test_work", 20)])
    source = "FACTOR = 1\n" + GATED + """
def test_new({fx}, fake_clock):
    fake_clock(FACTOR)
    {fx}.pedantic(lambda: None, rounds=20)
"""
    result = run(pytester, OURS, source, "--pt-compare", base, *GATE)
    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    result.assert_outcomes(passed=3)
    text = result.stdout.str()
    assert "not compared: 2 results" in text
    assert "  test_bench.py::test_new: not in the baseline (a new result; not a failure)" in text
    assert "| test_bench.py::test_work |" in text and "no change" in text


def test_results_in_different_units_fail_the_gate(pytester):
    path = pytester.path / "base.json"
    path.write_text(json.dumps([json.loads(Stats.from_samples(
        [1000.0 + i for i in range(20)], name="test_bench.py::test_work", unit="instructions").to_json())]))
    result = run(pytester, OURS, "FACTOR = 1\n" + GATED, "--pt-compare", str(path), *GATE)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(passed=1, failed=1)
    text = result.stdout.str()
    assert "cannot gate: this result is in unit 's' but the baseline's is in 'instructions'" in text
    assert "results of different units do not compare" in text


def test_saved_message_counts_in_the_singular(pytester):
    out = pytester.path / "one.json"
    result = run(pytester, OURS, "FACTOR = 1\n" + GATED, "--pt-save", str(out))
    assert "saved 1 result to" in result.stdout.str()


def test_table_orders_parametrized_ids_naturally(pytester):
    source = """
import pytest

@pytest.mark.parametrize("n", [100, 10, 2, 1])
def test_x({fx}, fake_clock, n):
    fake_clock(1)
    {fx}.pedantic(lambda: None, rounds=3)
"""
    result = run(pytester, OURS, source, "--pt-save", str(pytester.path / "s.json"))
    rows = [line.split("|")[1].strip() for line in result.stdout.lines if line.startswith("| test_")]
    assert rows == [f"test_bench.py::test_x[{n}]" for n in (1, 2, 10, 100)], rows


def test_pt_disable_switches_the_gate_off_missing_baseline_included(pytester):
    result = run(pytester, OURS, "FACTOR = 1\n" + GATED, "--pt-disable", "--pt-compare",
                 str(pytester.path / "nothere") + "/", *GATE)
    assert result.ret == pytest.ExitCode.OK
    assert "nothing to compare with" in result.stdout.str()
