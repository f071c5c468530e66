"""Profiles across processes: exact JSON round trip, merge, multi-process mode
(``PERFORMANCE_TIMING_DIR``, ``dump``, ``load_dir``) and fork safety."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

import performance_timing as pt
from performance_timing import timed

DIR = "PERFORMANCE_TIMING_DIR"

pytestmark = pytest.mark.usefixtures("clean_profile")


def run_python(code: str, timeout: float = 120, env_dir: str | None = None) -> str:
    """Runs ``code`` in a fresh interpreter (bounded time) and returns its stdout."""
    env = {k: v for k, v in os.environ.items() if k != DIR}
    if env_dir is not None:
        env[DIR] = env_dir
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def record_some():
    @timed("rt_inner")
    def inner(i):
        return sum(range(i % 50))

    for i in range(300):
        with timed("rt_outer"):
            inner(i)


def test_json_round_trip_is_exact():
    record_some()
    snap = pt.snapshot()
    back = pt.Snapshot.from_json(snap.to_json())
    assert back == snap
    assert back.to_dict() == snap.to_dict()
    assert back["rt_outer"] == snap["rt_outer"]
    assert back.threads().keys() == snap.threads().keys()
    assert back.processes == snap.processes == [{"host": os.uname().nodename, "pid": os.getpid()}]
    doc = json.loads(snap.to_json())
    assert doc["schema"] == "performance_timing.profile/2"
    rec = next(r for r in doc["records"] if r["name"] == "rt_outer")
    assert rec["calls"] == 300 and sum(c for _, c in rec["histogram"]) == 300
    assert {"p99_secs", "total_ns", "min_ns"} <= rec.keys()
    assert snap["rt_outer"].to_dict()["histogram"] == rec["histogram"]


def test_merge_adds_exactly():
    record_some()
    a = pt.snapshot()
    m = pt.Snapshot.merge([a, pt.Snapshot.from_json(a.to_json())])
    for r in a:
        s = m[r.name]
        assert s.calls == 2 * r.calls
        assert s.to_dict()["total_ns"] == 2 * r.to_dict()["total_ns"]
        assert (s.min_secs, s.max_secs) == (r.min_secs, r.max_secs)
        assert [c for _, c in s.to_dict()["histogram"]] == [2 * c for _, c in r.to_dict()["histogram"]]
        assert s.percentile(99) == r.percentile(99)
    assert m.processes == a.processes
    assert len(pt.Snapshot.merge([])) == 0
    assert pt.Snapshot.merge(iter([a])) == pt.Snapshot.merge([a])


@pytest.mark.parametrize(
    "text,match",
    [
        ("not json", "not a profile JSON document"),
        ("[]", "expected an object"),
        ('{"schema": "performance_timing.profile/1"}', "profile/1.*profile/2"),
        ('{"schema": "performance_timing.profile/2"}', "missing field"),
    ],
)
def test_from_json_refuses_bad_documents(text, match):
    with pytest.raises(ValueError, match=match):
        pt.Snapshot.from_json(text)


def test_from_json_and_merge_bad_arguments():
    with pytest.raises(TypeError, match="s must be a str"):
        pt.Snapshot.from_json(b"{}")
    with pytest.raises(TypeError, match="snapshots must be an iterable of Snapshot, not int"):
        pt.Snapshot.merge(3)
    with pytest.raises(TypeError, match="every element of snapshots must be a Snapshot, not str"):
        pt.Snapshot.merge([pt.snapshot(), "x"])
    record_some()
    doc = json.loads(pt.snapshot().to_json())
    doc["records"][0]["histogram"] = [[1000, 1]]
    with pytest.raises(ValueError, match=r"records\[0\].*1000 ns is not the upper edge"):
        pt.Snapshot.from_json(json.dumps(doc))


def test_contains_is_false_for_non_strings():
    record_some()
    snap = pt.snapshot()
    assert "rt_outer" in snap
    assert 3 not in snap
    assert None not in snap
    assert b"rt_outer" not in snap


def test_set_enabled_accepts_numpy_bools():
    np = pytest.importorskip("numpy")
    pt.set_enabled(np.bool_(False))
    assert not pt.is_enabled()
    pt.set_enabled(np.bool_(True))
    assert pt.is_enabled()
    with pytest.raises(TypeError, match="enabled must be a bool, not int"):
        pt.set_enabled(1)


def test_lone_surrogate_names_are_refused_clearly():
    with pytest.raises(ValueError, match=r"name must be valid Unicode.*surrogate"):
        timed("bad \ud800 name")
    with pytest.raises(ValueError, match=r"name must be valid Unicode"):
        pt.snapshot()["\udcff"]


def test_dump_and_load_dir_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv(DIR, raising=False)
    record_some()
    with pytest.raises(ValueError, match="PERFORMANCE_TIMING_DIR"):
        pt.dump()
    path = pt.dump(tmp_path)
    assert path.endswith(".json") and os.path.dirname(path) == str(tmp_path)
    assert pt.dump(str(tmp_path)) == path  # one file per process, replaced
    loaded = pt.load_dir(tmp_path)
    assert loaded["rt_outer"].calls == 300
    assert loaded.processes == pt.snapshot().processes
    (tmp_path / "notes.txt").write_text("ignored")
    (tmp_path / "other.json").write_text("ignored: not a process file name")
    assert pt.load_dir(tmp_path)["rt_outer"].calls == 300
    (tmp_path / "host-1-2.ptprof").write_bytes(b"garbage!" * 8)
    with pytest.raises(ValueError, match=r"host-1-2\.ptprof.*not a performance_timing profile"):
        pt.load_dir(tmp_path)
    with pytest.raises(FileNotFoundError):
        pt.load_dir(tmp_path / "missing")
    with pytest.raises(TypeError, match="path must be a str or os.PathLike, not int"):
        pt.load_dir(3)
    (tmp_path / "empty").mkdir()
    empty = pt.load_dir(tmp_path / "empty")
    assert len(empty) == 0 and empty.processes == []


WORKER = """
import os, sys
import performance_timing as pt
from multiprocessing import get_context

def work(i):
    for _ in range(1000):
        with pt.timed("mp_work"):
            pass
    with pt.timed("parent_work"):  # the parent's block, in a worker (`__mp_main__` if spawned)
        pass
    return os.getpid()

if __name__ == "__main__":
    directory = os.environ["PERFORMANCE_TIMING_DIR"]
    # The parent records too: its counts must not be inherited by forked workers.
    for _ in range(500):
        with pt.timed("parent_work"):
            pass
    ctx = get_context(sys.argv[1])
    with ctx.Pool(4) as pool:
        pids = pool.map(work, range(4))
    snap = pt.load_dir(directory)
    rows = sorted({(r.module_path, r.name) for r in snap})
    print(snap["mp_work"].calls, snap["parent_work"].calls, len(snap.processes), len(set(pids)))
    print(rows)
"""


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_pool_workers_are_merged_exactly(tmp_path, method):
    script = tmp_path / "pool_script.py"
    script.write_text(WORKER)
    env = {k: v for k, v in os.environ.items()}
    env[DIR] = str(tmp_path / "profiles")
    proc = subprocess.run(
        [sys.executable, str(script), method], capture_output=True, text=True, timeout=180, env=env
    )
    assert proc.returncode == 0, proc.stderr
    counts, rows = proc.stdout.splitlines()
    work, parent, processes, workers = map(int, counts.split())
    # 4 x 1000 in the workers, each process counted once whichever worker ran which task
    # (Pool.terminate() ended them with SIGTERM); the parent's 500 are counted once: a forked
    # worker starts with an empty profile. The workers' one block each of `parent_work` is
    # the same row as the parent's, although a spawned worker runs the script as `__mp_main__`.
    assert work == 4000
    assert parent == 504
    assert processes == 1 + workers
    assert rows == "[('__main__', 'mp_work'), ('__main__', 'parent_work')]"


SURVIVOR = """
import os, sys, time
import performance_timing as pt
for _ in range(123):
    with pt.timed("survivor"):
        pass
if sys.argv[1] == "exit":
    os._exit(0)
print("ready", flush=True)
time.sleep(60)
"""


def test_counts_survive_sigterm_and_os_exit(tmp_path):
    script = tmp_path / "survivor.py"
    script.write_text(SURVIVOR)
    env = {k: v for k, v in os.environ.items()}
    env[DIR] = str(tmp_path / "profiles")
    ended = subprocess.run([sys.executable, str(script), "exit"], env=env, timeout=60)
    assert ended.returncode == 0
    killed = subprocess.Popen(
        [sys.executable, str(script), "wait"], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert killed.stdout.readline().strip() == "ready"
        killed.send_signal(signal.SIGTERM)
        assert killed.wait(timeout=60) == -signal.SIGTERM
    finally:
        killed.kill()
        killed.wait()
    snap = pt.load_dir(tmp_path / "profiles")
    assert snap["survivor"].calls == 246
    assert len(snap.processes) == 2


def test_multiprocess_mode_file_and_reset(tmp_path):
    out = run_python(
        """
        import os, performance_timing as pt
        directory = os.environ["PERFORMANCE_TIMING_DIR"]
        for _ in range(10):
            with pt.timed("before"):
                pass
        path = pt.dump()
        assert path.endswith(".ptprof") and os.path.dirname(path) == directory, path
        assert pt.load_dir(directory)["before"].calls == 10
        pt.reset()
        for _ in range(3):
            with pt.timed("after"):
                pass
        snap = pt.load_dir(directory)
        print("before" in snap, snap["after"].calls, snap == pt.load_dir(directory))
        """,
        env_dir=str(tmp_path),
    )
    assert out.split() == ["False", "3", "True"]


def test_fork_while_snapshots_run_never_hangs_and_children_start_empty():
    out = run_python(
        """
        import os, threading, time
        import performance_timing as pt

        for _ in range(100):
            with pt.timed("parent only"):
                pass
        stop = threading.Event()

        def snapshots():
            while not stop.is_set():
                pt.snapshot()

        def recorder():
            i = 0
            while not stop.is_set():
                with pt.timed(f"busy {i % 50}"):
                    pass
                i += 1

        threads = [threading.Thread(target=snapshots), threading.Thread(target=recorder)]
        for t in threads:
            t.start()
        hung = failed = 0
        for i in range(200):
            pid = os.fork()
            if pid == 0:
                ok = len(pt.snapshot()) == 0
                with pt.timed(f"new name {i}"):
                    pass
                snap = pt.snapshot()
                ok = ok and snap[f"new name {i}"].calls == 1 and "parent only" not in snap
                os._exit(0 if ok else 1)
            deadline = time.monotonic() + 20
            while True:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    failed += os.waitstatus_to_exitcode(status) != 0
                    break
                if time.monotonic() > deadline:
                    hung += 1
                    os.kill(pid, 9)
                    os.waitpid(pid, 0)
                    break
                time.sleep(0.001)
        stop.set()
        for t in threads:
            t.join()
        print(hung, failed, pt.snapshot()["parent only"].calls)
        """,
        timeout=250,
    )
    assert out.split() == ["0", "0", "100"]


def test_reset_while_a_block_is_open_never_records_it():
    # Whatever runs between the reset and the end of the open block, it is not recorded.
    for between in ("nothing", "other", "same"):
        with timed("open across reset"):
            pt.reset()
            if between == "other":
                with timed("after reset"):
                    pass
            elif between == "same":
                with timed("open across reset"):
                    pass
        snap = pt.snapshot()
        calls = snap["open across reset"].calls if "open across reset" in snap else 0
        assert calls == (1 if between == "same" else 0), between  # only the inner block
        assert ("after reset" in snap) == (between == "other"), between
    pt.reset()
    with timed("open across reset"):
        pass
    assert pt.snapshot()["open across reset"].calls == 1
