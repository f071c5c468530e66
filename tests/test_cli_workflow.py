"""python -m performance_timing timeit / run / show / history, in subprocesses: exit statuses,
output, argv and exit codes passed through, the results history."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

import performance_timing as pt
from performance_timing import Stats
from performance_timing.cli import history
from performance_timing.cli.files import load_stats

def cli(*argv: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "performance_timing", *argv], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def spread(center: float, name: str, n: int = 30) -> Stats:
    return Stats.from_samples([center * (0.98 + 0.04 * i / (n - 1)) for i in range(n)], name=name)


def test_timeit_prints_a_block_and_saves_stats(tmp_path):
    out = tmp_path / "t.json"
    r = cli("timeit", "-s", "data = list(range(100, 0, -1))", "sorted(data)", "--max-time", "0.3",
            "--json", str(out))
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "sorted(data)"
    assert re.match(r"  median  \S+ \S+ per call \(95% CI \S+ \S+ – \S+ \S+\)$", lines[1])
    assert lines[2].startswith("  min ") and lines[3].startswith("  ops/s ") and "ops/s" in lines[3]
    assert re.match(r"  \d+ samples × \d+ calls per sample$", lines[4])
    (stats,) = load_stats(str(out))
    assert stats.name == "sorted(data)" and len(stats) >= 2


def test_timeit_lines_and_shared_names_as_timeit():
    # Several STMT are lines of one statement; a name the setup bound is the same variable.
    r = cli("timeit", "-s", "x = 0", "-s", "y = 2", "x += 1", "assert x > 0 and y == 2",
            "--max-time", "0.2")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("x += 1; assert x > 0 and y == 2\n")


def test_timeit_number_and_repeat_are_exact(tmp_path):
    out = tmp_path / "t.json"
    r = cli("timeit", "-n", "7", "-r", "4", "pass", "--json", str(out))
    assert r.returncode == 0, r.stderr
    (stats,) = load_stats(str(out))
    assert (stats.iterations_per_sample, len(stats)) == (7, 4)
    assert "4 samples × 7 calls per sample" in r.stdout


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["timeit", "-r", "1", "pass"], "at least 2"),
        (["timeit", "-n", "0", "pass"], "at least 1"),
        (["timeit", "--max-time", "0", "pass"], "seconds > 0"),
        (["timeit"], "required"),
        (["timeit", "(("], "never closed"),
        (["timeit", "1/0"], "ZeroDivisionError"),
        (["timeit", "-s", "import nosuchmodule_xyz", "pass"], "ModuleNotFoundError"),
        (["timeit", "--json", "/no/such/dir/x.json", "pass"], "does not exist"),
        (["run"], "give a script"),
        (["run", "no_such_script.py"], "can't open file"),
        (["run", "-m", "no_such_module_xyz"], "no module named"),
        (["show"], "required"),
        (["show", "missing.json"], "No such file"),
        (["history", "no_such_dir"], "No such file"),
        (["bogus"], "invalid choice"),
    ],
)
def test_bad_usage_is_one_line_and_status_2(argv, needle, tmp_path):
    r = cli(*argv, cwd=tmp_path)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert needle in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("command", ["timeit", "run", "show", "history", "compare"])
def test_help_has_an_example(command):
    r = cli(command, "--help")
    assert r.returncode == 0
    assert "example" in r.stdout and f"python -m performance_timing {command}" in r.stdout


SCRIPT = """
import sys
import performance_timing as pt

@pt.timed
def work(n):
    return sum(i * i for i in range(n))

def fail():
    raise ValueError("boom from the script")

if __name__ == "__main__":
    print("argv", sys.argv[1:], "name", __name__, flush=True)
    for _ in range(3):
        work(1000)
    pt.compare_seq_vs_parallel([1.0] * 1000, iterations=2)   # #[timed] Rust kernels
    if sys.argv[1:] == ["boom"]:
        fail()
    sys.exit(int(sys.argv[1]) if sys.argv[1:] else 0)
"""


def test_run_passes_argv_and_exit_status_and_prints_the_profile(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(SCRIPT)
    r = cli("run", "--json", str(tmp_path / "profile.json"), str(script), "3", "--verbose")
    assert r.returncode == 3, r.stderr
    assert "argv ['3', '--verbose'] name __main__" in r.stdout
    table = r.stdout.split("performance_timing profile of", 1)[1]
    assert re.search(r"^work\s+3\s", table, re.M)
    assert "seq_sum_of_squares" in table and "par_sum_of_squares" in table
    doc = json.loads((tmp_path / "profile.json").read_text())
    assert doc["schema"].startswith("performance_timing.profile/")
    assert {"work", "seq_sum_of_squares"} <= {rec["name"] for rec in doc["records"]}
    assert cli("run", str(script)).returncode == 0


def test_run_passes_exceptions_through(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(SCRIPT)
    r = cli("run", str(script), "boom")
    assert r.returncode == 1
    assert r.stderr.startswith("Traceback (most recent call last):\n")
    assert "ValueError: boom from the script" in r.stderr
    assert "runpy" not in r.stderr and "performance_timing/cli" not in r.stderr
    assert 'in fail\n    raise ValueError("boom from the script")' in r.stderr
    assert "work" in r.stdout.split("performance_timing profile of", 1)[1]   # printed anyway


def test_run_module(tmp_path):
    package = tmp_path / "mypkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "tool.py").write_text(SCRIPT)
    r = cli("run", "-m", "mypkg.tool", "5", cwd=tmp_path)
    assert r.returncode == 5, r.stderr
    assert "argv ['5'] name __main__" in r.stdout and "performance_timing profile of mypkg.tool" in r.stdout


def test_run_trace_and_flamegraph(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(SCRIPT)
    trace, flame = tmp_path / "trace.json", tmp_path / "flame.svg"
    r = cli("run", "--trace", str(trace), "--flamegraph", str(flame), str(script))
    assert r.returncode == 0, r.stderr
    events = json.loads(trace.read_text())["traceEvents"]
    assert any(e.get("name") == "work" and e.get("ph") == "X" for e in events)
    assert "<svg" in flame.read_text() and "work" in flame.read_text()


def test_show_stats_list_and_bad_files(tmp_path):
    one, many, bad = tmp_path / "one.json", tmp_path / "many.json", tmp_path / "bad.json"
    one.write_text(spread(1e-6, "f").to_json())
    history.save(str(many), [spread(1e-6, "f"), spread(2e-3, "g")])
    bad.write_text('{"schema": "performance_timing.stats", "version": 99}')
    r = cli("show", str(one))
    assert r.returncode == 0 and r.stdout.startswith("f\n  median  1.00 µs per call (95% CI ")
    r = cli("show", str(many))
    assert r.returncode == 0
    assert "| f | 1.00 µs |" in r.stdout and "| g | 2.00 ms |" in r.stdout
    r = cli("show", str(bad))
    assert r.returncode == 2 and "bad.json" in r.stderr and "Traceback" not in r.stderr


def test_show_profile_snapshot(tmp_path):
    script = tmp_path / "prog.py"
    script.write_text(SCRIPT)
    assert cli("run", "--json", str(tmp_path / "p.json"), str(script)).returncode == 0
    r = cli("show", str(tmp_path / "p.json"))
    assert r.returncode == 0 and re.search(r"^work\s+3\s", r.stdout, re.M)


def test_history_flags_the_slower_run(tmp_path):
    runs = tmp_path / "runs"
    for a, b in ((1e-6, 5e-6), (1e-6, 5.01e-6), (3e-6, 5e-6)):   # a gets 3x slower in run 3
        history.save(str(runs) + "/", [spread(a, "a"), spread(b, "b")])
    files = sorted(p.name for p in runs.iterdir())
    assert len(files) == 3 and all(re.match(r"\d{8}T\d{6}\.\d{6}Z(-[0-9a-f]+)?\.json$", f) for f in files)
    r = cli("history", str(runs))
    assert r.returncode == 0, r.stderr
    a_rows = [line for line in r.stdout.split("\nb\n")[0].splitlines() if line.startswith("| 2")]
    assert [row.split(" | ")[2] for row in a_rows] == ["1.00 µs", "1.00 µs", "3.00 µs"]   # oldest first
    assert "**slower**" in a_rows[2] and "**slower**" not in a_rows[1]
    assert "slower than the run before: 1" in r.stdout
    r = cli("history", str(runs), "--name", "b")
    assert r.returncode == 0 and "\na\n" not in r.stdout and "**slower**" not in r.stdout
    assert cli("history", str(runs), "--name", "zz").returncode == 2
    (tmp_path / "empty").mkdir()
    assert cli("history", str(tmp_path / "empty")).returncode == 2


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not on PATH")
def test_history_file_names_carry_the_git_commit(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "--allow-empty", "-m", "x"], cwd=repo, check=True)
    head = subprocess.run(["git", "rev-parse", "--short=12", "HEAD"], cwd=repo, check=True,
                          capture_output=True, text=True).stdout.strip()
    r = cli("timeit", "pass", "--max-time", "0.1", "--json", "results/", cwd=repo)
    assert r.returncode == 0, r.stderr
    (saved,) = (repo / "results").iterdir()
    assert saved.name.endswith(f"-{head}.json")
    assert textwrap.dedent(r.stdout).rstrip().endswith(f"saved to results/{saved.name}")
