"""``python -m performance_timing top``: exact frames of fixed profiles, bad sources (each
bounded in time), and the interactive view in a real pseudo-terminal with Python and Rust
workers."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

import performance_timing as pt
from performance_timing._native import _TopWatch

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
SCHEMA = json.loads(pt.snapshot().to_json())["schema"]  # the fixtures are of this build's schema


def doc(records: list[tuple[str, str, list[int]]], pid: int = 1) -> str:
    """A profile JSON document of records ``(module, name, durations in ns)``, self = total."""
    out = []
    for module, name, durations in records:
        counts: dict[int, int] = {}
        for d in durations:
            counts[d] = counts.get(d, 0) + 1  # powers of two: each is a bucket's upper edge
        total = sum(durations)
        out.append({
            "name": name, "module_path": module, "file": "", "line": 0,
            "calls": len(durations), "total_secs": total / 1e9, "self_secs": total / 1e9,
            "mean_secs": 0.0, "min_secs": 0.0, "max_secs": 0.0, "p50_secs": 0.0,
            "p90_secs": 0.0, "p99_secs": 0.0, "p999_secs": 0.0,
            "sum_ns": total, "total_ns": total, "self_ns": total,
            "min_ns": min(durations), "max_ns": max(durations),
            "histogram": sorted([le, c] for le, c in counts.items()),
        })
    return json.dumps({"schema": SCHEMA, "clock": "tsc",
                       "processes": [{"host": "testhost", "pid": pid}],
                       "records": out, "threads": [{"thread": "main", "records": out}]})


def write(dir: Path, pid: int, records: list[tuple[str, str, list[int]]]) -> None:
    (dir / f"testhost-{pid}-1000.json").write_text(doc(records, pid))


def test_interval_is_the_exact_difference(tmp_path: Path) -> None:
    write(tmp_path, 1, [("app", "parse", [1024] * 10)])
    write(tmp_path, 2, [("app", "parse", [2048] * 5), ("svc", "query", [4096])])
    watch = _TopWatch([str(tmp_path)])
    first = watch.read()
    assert first.live == 2 and first.problems == []
    write(tmp_path, 1, [("app", "parse", [1024] * 10 + [1024] * 4 + [65536] * 2)])
    write(tmp_path, 2, [("app", "parse", [2048] * 5 + [2048] * 2), ("svc", "query", [4096])])
    frame = watch.read(seconds=2.0)
    data = json.loads(frame.to_json())
    parse = next(f for f in data["functions"] if f["name"] == "parse")
    # 4 + 2 calls in process 1 and 2 in process 2 within the interval.
    assert parse["calls"] == 8
    assert parse["calls_per_s"] == 4.0
    assert parse["self_ns"] == 4 * 1024 + 2 * 65536 + 2 * 2048
    assert parse["mean_ns"] == (4 * 1024 + 2 * 65536 + 2 * 2048) // 8
    assert parse["cumulative_calls"] == 16 + 7
    # p50 of {1024 x4, 2048 x2, 65536 x2}: rank 4 is 1024 (its bucket's midpoint, ±3.2 %).
    assert abs(parse["p50_ns"] - 1024) / 1024 <= 0.032
    assert abs(parse["p99_ns"] - 65536) / 65536 <= 0.032
    query = next(f for f in data["functions"] if f["name"] == "query")
    assert (query["calls"], query["mean_ns"], query["p50_ns"], query["cumulative_calls"]) == (0, None, None, 1)
    assert data["interval_s"] == 2.0
    assert data["processes"]["live"] == 2
    assert parse["self_share_percent"] == 100.0
    text = frame.text()
    lines = text.splitlines()
    assert lines[0].startswith("processes: 2 live, 0 exited · threads: 2 · interval: 2.00 s · up ")
    assert lines[0].endswith(f"· source: {tmp_path}")
    assert lines[1:] == [
        # mean 139 264 ns / 8; p50 and p99 are the midpoints of the buckets of 1024 and 65 536
        # ns; total = 14 × 1024 + 2 × 65 536 + 7 × 2048 ns.
        "function   calls/s  self/s  total/s  % self     mean      p50      p99  calls    total",
        "--------------------------------------------------------------------------------------",
        "app:parse     4.00    0.0%     0.0%  100.0%  17.4 µs  1.01 µs  64.5 µs     23   160 µs",
        "svc:query        0    0.0%     0.0%    0.0%        -        -        -      1  4.10 µs",
    ]


def test_once_and_json_on_fixed_profiles(tmp_path: Path) -> None:
    write(tmp_path, 7, [("app", "work", [1024] * 3)])
    once = subprocess.run([PY, "-m", "performance_timing", "top", str(tmp_path), "--once",
                           "--interval", "0.05"], capture_output=True, text=True, timeout=60)
    assert once.returncode == 0, once.stderr
    lines = once.stdout.splitlines()
    assert re.fullmatch(r"processes: 1 live, 0 exited · threads: 1 · interval: \S+ \S+ · up \S+ \S+ · "
                        r"source: " + re.escape(str(tmp_path)), lines[0])
    assert lines[1:] == [
        "function  calls/s  self/s  total/s  % self  mean  p50  p99  calls    total",
        "--------------------------------------------------------------------------",
        "app:work        0    0.0%     0.0%    0.0%     -    -    -      3  3.07 µs",
    ]
    js = subprocess.run([PY, "-m", "performance_timing", "top", str(tmp_path), "--once", "--json",
                         "--interval", "0.05"], capture_output=True, text=True, timeout=60)
    assert js.returncode == 0, js.stderr
    (line,) = js.stdout.splitlines()
    data = json.loads(line)
    assert data["functions"] == [{
        "module": "app", "name": "work", "calls": 0, "calls_per_s": 0.0, "self_ns": 0,
        "total_ns": 0, "self_per_s": 0.0, "total_per_s": 0.0, "self_share_percent": 0.0,
        "mean_ns": None, "p50_ns": None, "p99_ns": None, "cumulative_calls": 3,
        "cumulative_total_ns": 3072}]
    assert data["sources"] == [str(tmp_path)] and data["problems"] == []


def test_sort_filter_and_narrow_terminal(tmp_path: Path) -> None:
    write(tmp_path, 1, [("app", "alpha", [1024] * 2), ("app", "beta", [4096] * 1),
                        ("lib", "gamma_with_a_long_name", [2048] * 5)])
    watch = _TopWatch([str(tmp_path)])
    frame = watch.read(seconds=1.0)
    names = lambda **kw: [c[0] for _, c in frame.table(**kw)[1]]  # noqa: E731
    assert names(sort="calls") == ["lib:gamma_with_a_long_name", "app:alpha", "app:beta"]
    assert names(sort="calls", reverse=True) == ["app:beta", "app:alpha", "lib:gamma_with_a_long_name"]
    assert names(sort="function") == ["app:alpha", "app:beta", "lib:gamma_with_a_long_name"]
    assert names(filter="APP", sort="total") == ["app:beta", "app:alpha"]  # 4096 > 2048 ns
    assert names(filter="APP") == ["app:alpha", "app:beta"]  # a first read: no interval, ties by name
    assert frame.table(filter="APP")[2] == 2
    headings, rows, matched = frame.table(width=55)
    # Dropped in order: total, mean, p50, total/s, calls, p99, % self.
    assert headings == ["function", "calls/s", "self/s", "% self"]
    assert all(len("  ".join(c)) <= 55 for _, c in rows)
    assert frame.table(width=75)[0] == ["function", "calls/s", "self/s", "total/s", "% self", "p99", "calls"]
    headings, rows, _ = frame.table(width=20)
    assert headings == ["function", "calls/s", "self/s"]
    assert any(c[0].endswith("…") for _, c in rows)
    with pytest.raises(ValueError, match="sort must be one of"):
        frame.table(sort="nope")


def timed_run(args: list[str], bound: float) -> subprocess.CompletedProcess[str]:
    start = time.monotonic()
    done = subprocess.run([PY, "-m", "performance_timing", "top", *args], capture_output=True,
                          text=True, timeout=bound + 30)
    assert time.monotonic() - start < bound, "a bad source held the view"
    return done


def test_missing_directory_keeps_other_sources(tmp_path: Path) -> None:
    write(tmp_path, 1, [("app", "work", [1024])])
    done = timed_run([str(tmp_path / "missing"), str(tmp_path), "--once", "--interval", "0.05"], 20)
    assert done.returncode == 0
    assert "! " + str(tmp_path / "missing") + ": No such file or directory" in done.stdout
    assert "app:work" in done.stdout
    alone = timed_run([str(tmp_path / "missing"), "--once", "--interval", "0.05"], 20)
    assert alone.returncode == 2 and "No such file or directory" in alone.stdout


def test_refused_and_silent_urls_are_bounded(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts connections (backlog) and never answers
    try:
        done = timed_run([f"http://127.0.0.1:{free}/metrics",
                          f"http://127.0.0.1:{silent.getsockname()[1]}/metrics",
                          str(tmp_path), "--once", "--interval", "0.05"], 20)
    finally:
        silent.close()
    assert f"cannot connect to 127.0.0.1:{free}" in done.stdout
    assert "did not answer within 2 s" in done.stdout
    bad = timed_run(["https://x/metrics", "--once"], 20)
    assert bad.returncode == 2 and "must be an http:// URL" in bad.stderr


def test_url_source_reads_exact_profile(tmp_path: Path) -> None:
    code = ("import performance_timing as pt, sys, time\n"
            "f = pt.timed(lambda: None, name='served')\n"
            "for _ in range(1234): f()\n"
            "s = pt.serve_metrics(0)\n"
            "print(s.url, flush=True)\n"
            "time.sleep(60)\n")
    proc = subprocess.Popen([PY, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        done = timed_run([url, "--once", "--json", "--interval", "0.05"], 20)
        data = json.loads(done.stdout)
        served = next(f for f in data["functions"] if f["name"] == "served")
        assert served["cumulative_calls"] == 1234
        assert data["processes"]["live"] == 1
    finally:
        proc.kill()
        proc.wait()


def test_bad_files_are_reported_not_fatal(tmp_path: Path) -> None:
    write(tmp_path, 1, [("app", "work", [1024])])
    (tmp_path / "testhost-2-1000.json").write_text("not json")
    (tmp_path / "testhost-3-1000.ptprof").write_bytes(b"\0" * 100)
    os.mkfifo(tmp_path / "testhost-4-1000.ptprof")
    os.symlink("/dev/zero", tmp_path / "testhost-5-1000.ptprof")
    (tmp_path / "notes.txt").write_text("ignored")
    done = timed_run([str(tmp_path), "--once", "--interval", "0.05"], 20)
    assert done.returncode == 0
    out = done.stdout
    assert "testhost-2-1000.json: " in out and "testhost-3-1000.ptprof: " in out
    assert "testhost-4-1000.ptprof: not a regular file" in out
    assert "testhost-5-1000.ptprof: not a regular file" in out
    assert "app:work" in out and "notes" not in out


def test_process_exit_is_shown_and_counts_stay(tmp_path: Path) -> None:
    env = dict(os.environ, PERFORMANCE_TIMING_DIR=str(tmp_path))
    code = ("import performance_timing as pt\n"
            "f = pt.timed(lambda: None, name='short_lived')\n"
            "for _ in range(777): f()\n")
    subprocess.run([PY, "-c", code], env=env, check=True, timeout=60)
    watch = _TopWatch([str(tmp_path)])
    frame = watch.read(seconds=1.0)
    assert (frame.live, frame.exited) == (0, 1)
    rec = next(f for f in json.loads(frame.to_json())["functions"] if f["name"] == "short_lived")
    assert rec["cumulative_calls"] == 777
    # Its file removed: still shown as exited with its counts.
    for f in tmp_path.iterdir():
        f.unlink()
    frame = watch.read(seconds=1.0)
    assert (frame.live, frame.exited) == (0, 1)
    rec = next(f for f in json.loads(frame.to_json())["functions"] if f["name"] == "short_lived")
    assert rec["cumulative_calls"] == 777 and rec["calls"] == 0


def test_missing_extra_names_it(tmp_path: Path) -> None:
    # On a terminal without rich: the message names the extra (rich hidden by a stub module).
    stub = tmp_path / "stub"
    stub.mkdir()
    (stub / "rich").mkdir()
    (stub / "rich" / "__init__.py").write_text("raise ImportError('no rich')\n")
    out = run_in_pty([PY, "-m", "performance_timing", "top", str(tmp_path), "--interval", "0.1"],
                     env=dict(os.environ, PYTHONPATH=str(stub)), keys=[], seconds=20)
    assert "pip install 'performance_timing[top]'" in out.text


# ---- the interactive view in a real pseudo-terminal ---------------------------------------

class Pty:
    """A child on a pseudo-terminal: its output so far, keys to it, its status."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        import pty
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            os.execve(argv[0], argv, env)
        import fcntl
        import struct
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 140, 0, 0))
        self.text = ""
        self.status: int | None = None

    def read(self, seconds: float) -> str:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                self.text += data.decode(errors="replace")
        return self.text

    def wait_for(self, pattern: str, seconds: float) -> str:
        end = time.monotonic() + seconds
        start = len(self.text)
        while time.monotonic() < end:
            self.read(0.1)
            if re.search(pattern, self.text[start:]):
                return self.text[start:]
        raise AssertionError(f"{pattern!r} not seen in {self.text[-3000:]!r}")

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def wait(self, seconds: float) -> int:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.read(0.2)
                self.status = os.waitstatus_to_exitcode(status)
                return self.status
            self.read(0.05)
        os.kill(self.pid, signal.SIGKILL)
        raise AssertionError("top did not quit")


def run_in_pty(argv: list[str], env: dict[str, str], keys: list[str], seconds: float) -> Pty:
    p = Pty(argv, env)
    p.read(3)
    for k in keys:
        p.send(k)
        p.read(0.5)
    p.wait(seconds)
    return p


def screen_tail(text: str) -> str:
    """The last drawn frame (rich redraws from the top-left corner each time)."""
    return text.rsplit("\x1b[H", 1)[-1]


def test_interactive_view_in_a_pty(tmp_path: Path) -> None:
    pytest.importorskip("rich")
    env = dict(os.environ, PERFORMANCE_TIMING_DIR=str(tmp_path), TERM="xterm-256color")
    env.pop("NO_COLOR", None)
    worker = ("import performance_timing as pt, sys, time\n"
              "n = int(sys.argv[1])\n"
              "@pt.timed\n"
              "def py_step():\n"
              "    time.sleep(0.0005)\n"
              "for _ in range(n): py_step()\n"
              "print('done', flush=True)\n")
    workers = [subprocess.Popen([PY, "-c", worker, str(n)], env=env, stdout=subprocess.PIPE)
               for n in (300, 500)]
    rust = ROOT / "target" / "release" / "top_worker"
    if not rust.exists():
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "performance-timing-examples",
                        "--bin", "top_worker"], cwd=ROOT, check=True, timeout=1200)
    workers.append(subprocess.Popen([str(rust), "400"], env=env, stdout=subprocess.PIPE))
    try:
        for w in workers:
            assert w.wait(timeout=120) == 0
        # The three are done: the counts are final (and exact).
        top = Pty([PY, "-m", "performance_timing", "top", str(tmp_path), "--interval", "0.2"], env)
        frame = top.wait_for(r"py_step", 30)
        last = screen_tail(top.read(1.0))
        assert "processes: 0 live, 3 exited" in last
        plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", last)
        counts = {m.group(1): int(m.group(2)) for m in
                  re.finditer(r"(\S+:\S+)\s.*?\s(\d+)\s+\S+ \S+\s*$", plain, re.M)}
        assert counts.get("__main__:py_step") == 800, plain
        assert counts.get("top_worker:handle") == 400, plain
        assert counts.get("top_worker:parse") == 400, plain
        # Sort by calls (column 9), then filter to 'parse': only the Rust function is left.
        top.send("9")
        top.read(0.6)
        top.send("/parse\r")
        frame = top.wait_for(r"filter: parse", 10)
        plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen_tail(top.read(0.6)))
        assert "top_worker:parse" in plain and "py_step" not in plain and "handle" not in plain
        assert "sort: calls ▼" in plain
        top.send("r")
        top.read(0.5)
        top.send("q")
        assert top.wait(20) == 0
        # The alternate screen was left and the cursor shown again.
        assert top.text.rstrip().endswith(("\x1b[?1049l", "\x1b[?25h")) or "\x1b[?1049l" in top.text[-200:]
        assert frame
    finally:
        for w in workers:
            w.kill()


def test_ctrl_c_restores_the_terminal(tmp_path: Path) -> None:
    pytest.importorskip("rich")
    import pty
    write(tmp_path, 1, [("app", "work", [1024])])
    # Run top under a small Python parent that reports the terminal mode after top exits.
    probe = ("import os, signal, subprocess, sys, termios\n"
             "signal.signal(signal.SIGINT, lambda *a: None)  # the child's Ctrl-C, not ours\n"
             "before = termios.tcgetattr(0)\n"
             "code = subprocess.call([sys.executable, '-m', 'performance_timing', 'top', sys.argv[1],"
             " '--interval', '0.1'])\n"
             "after = termios.tcgetattr(0)\n"
             "print('status', code, 'restored', before == after, flush=True)\n")
    p = Pty([PY, "-c", probe, str(tmp_path)], dict(os.environ, TERM="xterm"))
    p.wait_for("app:work", 30)
    p.send("\x03")
    assert p.wait(20) == 0
    assert re.search(r"status \S+ restored True", p.text), p.text[-500:]
    del pty


def test_help_and_bad_options(tmp_path: Path) -> None:
    done = subprocess.run([PY, "-m", "performance_timing", "top", "--help"], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and "q quit" in done.stdout and "% self" in done.stdout
    for bad, message in ((["--sort", "nope"], "--sort: must be one of"),
                         (["--interval", "0"], "--interval: must be between"),
                         (["--limit", "0"], "--limit must be at least 1")):
        done = subprocess.run([PY, "-m", "performance_timing", "top", str(tmp_path), "--once", *bad],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and message in done.stderr, done.stderr
