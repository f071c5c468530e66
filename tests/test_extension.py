"""One profile per process: users' own PyO3 extensions (examples/extension,
examples/second-extension) record into performance_timing's profile, nested under the Python
code that calls them; without performance_timing, or across an incompatible profile API, they
keep a profile of their own."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import textwrap
import urllib.request
import zipfile

import pytest

import performance_timing as pt

REASON = "built by scripts/test.sh (maturin develop -m examples/extension, examples/second-extension)"
ext = pytest.importorskip("profiled_extension", reason=REASON)
second = pytest.importorskip("second_extension", reason=REASON)

ROOT = pathlib.Path(__file__).resolve().parents[1]
SKEW_WHEELS = ROOT / "target" / "abi-skew"


def run_python(code: str, env: dict[str, str] | None = None, timeout: float = 60) -> str:
    """Runs ``code`` in a fresh interpreter; returns its stdout (its stderr on failure)."""
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pt.timed
def handler(text):
    return ext.tokenize_and_count(text)


@pt.timed
def shout(word):
    return word.upper()


def by_name(snap):
    names = [r.name for r in snap]
    assert len(names) == len(set(names)), f"a name shows twice: {names}"
    return {r.name: r for r in snap}


def test_extension_functions_are_in_our_profile(clean_profile):
    assert second.is_guest()
    assert ext.snapshot is pt.snapshot and ext.Snapshot is pt.Snapshot
    assert ext.reset is pt.reset and ext.set_enabled is pt.set_enabled
    for _ in range(5):
        handler("a B a c")
    records = by_name(pt.snapshot())
    assert records["handler"].calls == 5
    assert records["tokenize_and_count"].calls == 5
    assert records["tokenize"].calls == 5 and records["count"].calls == 5
    assert records["tokenize"].module_path == "profiled_extension"


def test_self_time_is_exact_across_the_boundary(clean_profile):
    for _ in range(50):
        handler("a b c d " * 100)
    r = by_name(pt.snapshot())
    outer, mid = r["handler"], r["tokenize_and_count"]
    inner = r["tokenize"].total_secs + r["count"].total_secs
    # Each frame's self time is its total minus its timed children's totals, exactly (to the
    # rounding of raw clock ticks to nanoseconds, at most a few ns per record).
    assert outer.self_secs == pytest.approx(outer.total_secs - mid.total_secs, abs=2e-7)
    assert mid.self_secs == pytest.approx(mid.total_secs - inner, abs=2e-7)
    assert outer.self_secs < 0.5 * outer.total_secs  # the Rust time is not handler's own


def test_python_callbacks_nest_under_rust_frames(clean_profile):
    with pt.trace() as t:
        handler("a b")
        assert ext.map_words("x y z", shout) == ["X", "Y", "Z"]
    stacks = {line.rsplit(" ", 1)[0] for line in t.folded().splitlines()}
    assert stacks == {
        "handler",
        "handler;tokenize_and_count",
        "handler;tokenize_and_count;tokenize",
        "handler;tokenize_and_count;count",
        "map_words",
        "map_words;tokenize",
        "map_words;shout",
    }
    pt.reset()
    ext.map_words("x y z", shout)
    r = by_name(pt.snapshot())
    m, children = r["map_words"], r["shout"].total_secs + r["tokenize"].total_secs
    assert r["shout"].calls == 3 and r["tokenize"].calls == 1
    assert m.self_secs == pytest.approx(m.total_secs - children, abs=2e-7)


def test_an_extension_built_outside_the_workspace_nests_under_python(clean_profile):
    outside = pytest.importorskip(
        "outside_extension", reason="built by scripts/test.sh (tests/outside-extension)"
    )

    @pt.timed(name="request")
    def request(text):
        return outside.distinct_words(text)

    with pt.trace() as t:
        assert request("A b a") == 2
    stacks = {line.rsplit(" ", 1)[0] for line in t.folded().splitlines()}
    assert stacks == {"request", "request;distinct_words", "request;distinct_words;normalise"}
    assert outside.snapshot is pt.snapshot


def test_spans_of_the_extensions_threads_are_captured(clean_profile, tmp_path):
    with pt.trace() as t:
        with pt.timed("on_main"):
            ext.parallel_counts(["a b"] * 200)
    assert len(t) == 401 and t.dropped == 0, (len(t), t.dropped)
    stacks = {line.rsplit(" ", 1)[0] for line in t.folded().splitlines()}
    assert stacks == {"on_main", "count", "tokenize"}  # the workers' own stacks
    t.write_chrome_trace(tmp_path / "t.json")
    events = json.loads((tmp_path / "t.json").read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    tid = {e["name"]: e["tid"] for e in events if e.get("ph") == "X"}
    worker_tids = {e["tid"] for e in events if e.get("ph") == "X" and e["name"] == "count"}
    assert tid["on_main"] not in worker_tids


def test_calls_on_the_extensions_threads_are_counted_exactly(clean_profile):
    n = 2000
    assert ext.parallel_counts(["a b a"] * n) == [2] * n
    r = by_name(pt.snapshot())
    assert r["count"].calls == n and r["tokenize"].calls == n
    per_thread = [
        x.calls for records in pt.snapshot().threads().values() for x in records if x.name == "count"
    ]
    assert sum(per_thread) == n


def test_two_guests_and_the_host_make_one_profile(clean_profile):
    handler("a")
    second.squares_loop(100, 3)
    r = by_name(pt.snapshot())
    assert r["squares_loop"].calls == 1 and r["sum_of_squares"].calls == 3
    assert r["handler"].calls == 1 and r["tokenize"].calls == 1
    # The guest's Rust code reads the same profile.
    assert second.rust_snapshot_calls("handler") == 1
    assert second.rust_snapshot_calls("sum_of_squares") == 3


def test_a_guests_async_fn_nests_and_counts(clean_profile):
    second.run_async_squares(1000)
    r = by_name(pt.snapshot())
    a, inner = r["async_squares"], r["sum_of_squares"]
    assert a.calls == 1 and inner.calls == 1
    assert a.total_secs >= inner.total_secs
    assert a.self_secs == pytest.approx(a.total_secs - inner.total_secs, abs=2e-7)


def test_a_guests_async_fn_is_traced_as_the_hosts_are(clean_profile, tmp_path):
    with pt.trace() as t:
        second.run_async_squares(100)
    stacks = {line.rsplit(" ", 1)[0] for line in t.folded().splitlines()}
    assert stacks == {"async_squares", "async_squares;sum_of_squares"}
    t.write_chrome_trace(tmp_path / "t.json")
    events = json.loads((tmp_path / "t.json").read_text())
    events = events["traceEvents"] if isinstance(events, dict) else events
    assert any(e.get("ph") == "b" and e["name"] == "async_squares" for e in events), events


def test_reset_and_set_enabled_are_one_switch(clean_profile):
    handler("a")
    ext.reset()
    assert "tokenize" not in by_name(pt.snapshot())
    pt.set_enabled(False)
    try:
        assert not ext.is_enabled()
        handler("a")
        second.squares_loop(10, 2)
    finally:
        pt.set_enabled(True)
    assert len(pt.snapshot()) == 0
    second.squares_loop(10, 2)
    assert by_name(pt.snapshot())["sum_of_squares"].calls == 2


def test_metrics_endpoint_serves_the_extensions_series(clean_profile):
    handler("a b")
    with pt.serve_metrics(0) as server:
        with urllib.request.urlopen(server.url, timeout=10) as answer:
            body = answer.read().decode()
    assert 'function="tokenize_and_count",module="profiled_extension"' in body
    assert 'function="handler"' in body


def test_a_forked_child_starts_empty_and_records_the_guest(clean_profile):
    handler("a")
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read)
            second.squares_loop(10, 4)
            names = dict(sorted((r.name, r.calls) for r in pt.snapshot()))
            os.write(write, json.dumps(names).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as f:
        child = json.loads(f.read() or "{}")
    os.waitpid(pid, 0)
    assert child == {"squares_loop": 1, "sum_of_squares": 4}
    assert by_name(pt.snapshot())["handler"].calls == 1


def test_multi_process_mode_writes_one_file_per_process(tmp_path):
    out = run_python(
        """
        import performance_timing as pt, profiled_extension as ext
        @pt.timed
        def handler(text):
            return ext.tokenize_and_count(text)
        for _ in range(7):
            handler("a b")
        print("ok")
        """,
        env={"PERFORMANCE_TIMING_DIR": str(tmp_path)},
    )
    assert out.strip() == "ok"
    files = sorted(p.name for p in tmp_path.iterdir())
    assert len(files) == 1 and files[0].endswith(".ptprof"), files
    r = by_name(pt.load_dir(tmp_path))
    assert r["handler"].calls == 7 and r["tokenize_and_count"].calls == 7
    assert r["handler"].self_secs < r["handler"].total_secs


def test_a_guest_imported_first_attaches_and_imports_the_host():
    out = run_python(
        """
        import sys
        import second_extension as s
        assert "performance_timing" in sys.modules
        import performance_timing as pt
        s.squares_loop(10, 2)
        print(s.is_guest(), dict(sorted((r.name, r.calls) for r in pt.snapshot())))
        """
    )
    assert out.strip() == "True {'squares_loop': 1, 'sum_of_squares': 2}"


def test_without_the_host_a_guest_keeps_its_own_profile():
    # performance_timing made unimportable: the extension's profile is its own, as before.
    out = run_python(
        """
        import sys, warnings
        sys.modules["performance_timing"] = None
        warnings.simplefilter("error")
        import second_extension as s
        s.squares_loop(10, 3)
        print(s.is_guest(), dict(sorted((r.name, r.calls) for r in s.snapshot())))
        """
    )
    assert out.strip() == "False {'squares_loop': 1, 'sum_of_squares': 3}"


def skew_build(kind: str, tmp_path: pathlib.Path) -> pathlib.Path:
    """The second extension built with feature ``abi-test-<kind>``, unpacked into a folder."""
    wheels = sorted((SKEW_WHEELS / kind).glob("second_extension-*.whl"))
    if not wheels:
        message = f"no {kind}-skew build in {SKEW_WHEELS / kind} (scripts/test.sh builds it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    target = tmp_path / kind
    with zipfile.ZipFile(wheels[-1]) as wheel:
        wheel.extractall(target)
    return target


def test_a_guest_of_another_major_version_warns_once_and_keeps_its_own(tmp_path):
    path = skew_build("major", tmp_path)
    out = run_python(
        """
        import warnings
        import performance_timing as pt
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            import second_extension as s
            import second_extension
        assert s.abi_major() == 1000, s.abi_major()
        messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
        assert len(messages) == 1 and "version 1.x" in messages[0], messages
        s.squares_loop(10, 2)
        own = dict(sorted((r.name, r.calls) for r in s.snapshot()))
        ours = {r.name for r in pt.snapshot()}
        print(s.is_guest(), own, sorted(ours & set(own)))
        """,
        env={"PYTHONPATH": str(path)},
    )
    assert out.strip() == "False {'squares_loop': 1, 'sum_of_squares': 2} []"


def test_a_guest_of_a_newer_minor_version_attaches(tmp_path):
    path = skew_build("minor", tmp_path)
    out = run_python(
        """
        import warnings
        warnings.simplefilter("error")
        import performance_timing as pt, second_extension as s
        s.squares_loop(10, 2)
        print(s.is_guest(), dict(sorted((r.name, r.calls) for r in pt.snapshot())))
        """,
        env={"PYTHONPATH": str(path)},
    )
    assert out.strip() == "True {'squares_loop': 1, 'sum_of_squares': 2}"
