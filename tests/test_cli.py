"""python -m performance_timing compare: table, exit codes, bad files."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from performance_timing import Stats
from performance_timing.cli import main, parse_percent


def spread(center: float, name: str = "f", n: int = 30) -> Stats:
    return Stats.from_samples([center * (0.98 + 0.04 * i / (n - 1)) for i in range(n)], name=name)


@pytest.fixture
def files(tmp_path):
    def write(name: str, *stats: Stats, as_list: bool = False) -> str:
        path = tmp_path / name
        if as_list or len(stats) > 1:
            path.write_text(json.dumps([json.loads(s.to_json()) for s in stats]))
        else:
            path.write_text(stats[0].to_json())
        return str(path)

    return write


def run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "performance_timing", *argv], capture_output=True,
                          text=True, timeout=60)


def test_module_entry_point_regression_exit_code(files):
    old, new = files("old.json", spread(1e-6)), files("new.json", spread(1.2e-6))
    r = run("compare", old, new, "--fail-on-regression", "5%")
    assert r.returncode == 1, r.stderr
    assert "| f |" in r.stdout and "slower" in r.stdout and "1.200" in r.stdout
    assert "regression" in r.stderr
    r = run("compare", old, new)  # no threshold: report only
    assert r.returncode == 0
    r = run("compare", old, new, "--fail-on-regression", "25%")  # 20 % is within 25 %
    assert r.returncode == 0


def test_faster_and_unchanged_exit_zero(files, capsys):
    old = files("old.json", spread(1e-6))
    assert main(["compare", old, files("fast.json", spread(0.5e-6)), "--fail-on-regression", "1%"]) == 0
    assert "faster" in capsys.readouterr().out
    assert main(["compare", old, files("same.json", spread(1e-6)), "--fail-on-regression", "0%"]) == 0
    assert "no change" in capsys.readouterr().out


def test_lists_are_paired_by_name(files, capsys):
    old = files("old.json", spread(1.0, "a"), spread(1.0, "b"))
    new = files("new.json", spread(1.0, "b"), spread(3.0, "a"), spread(1.0, "c"))
    assert main(["compare", old, new, "--fail-on-regression", "5%"]) == 1
    out = capsys.readouterr().out
    assert "| a |" in out and "| b |" in out and "| c |" not in out
    lines = [line for line in out.splitlines() if line.startswith("| a |")]
    assert "slower" in lines[0]


@pytest.mark.parametrize(
    "content, needle",
    [
        ("not json", "not JSON"),
        ('{"schema": "performance_timing.stats", "version": 7}', "version 7"),
        ('{"schema": "x", "version": 1}', "schema"),
        ("[]", "no results"),
    ],
)
def test_bad_files_exit_2(tmp_path, files, capsys, content, needle):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    good = files("good.json", spread(1.0))
    assert main(["compare", good, str(bad)]) == 2
    assert needle in capsys.readouterr().err


def test_missing_file_and_units(tmp_path, files, capsys):
    good = files("good.json", spread(1.0))
    assert main(["compare", good, str(tmp_path / "missing.json")]) == 2
    other = files("bps.json", Stats.from_samples([1.0, 2.0, 3.0], unit="B/s"))
    assert main(["compare", good, other]) == 2
    assert "unit" in capsys.readouterr().err


def test_usage_errors_exit_2(files):
    good = files("good.json", spread(1.0))
    for argv in (["compare", good], ["compare", good, good, "--fail-on-regression", "lots"],
                 ["compare", good, good, "--fail-on-regression", "-5%"], []):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2


def test_parse_percent():
    assert parse_percent("5%") == pytest.approx(0.05)
    assert parse_percent("2.5") == pytest.approx(0.025)
    assert parse_percent("0%") == 0.0


def test_old_schema_files_compare_with_a_drift_warning(files, tmp_path, capsys):
    # Schema version 1: no reference samples. It still loads and compares, and says so.
    doc = json.loads(spread(1e-6).to_json())
    doc["version"] = 1
    doc.pop("reference", None)
    old = tmp_path / "v1.json"
    old.write_text(json.dumps(doc))
    assert main(["compare", str(old), files("new.json", spread(1.2e-6)), "--fail-on-regression", "5%"]) == 1
    captured = capsys.readouterr()
    assert "unpaired" in captured.out and "slower" in captured.out
    assert "warning:" in captured.err and "ignores drift" in captured.err


def test_measured_results_compare_relative_to_the_reference(files, capsys):
    from performance_timing import bench

    def work():
        return sum(range(300))

    opts = dict(max_time=0.5, samples=200, warmup=0.02, progress=False)
    a, b = bench(work, name="w", **opts), bench(work, name="w", **opts)
    assert a.reference == "python-mix/1" and len(a.reference_samples) == len(a.samples)
    status = main(["compare", files("a.json", a), files("b.json", b), "--fail-on-regression", "50%"])
    captured = capsys.readouterr()
    assert status == 0  # the same function is never 50 % slower relative to the reference
    assert "| reference |" in captured.out and "relative to the reference" in captured.out
    assert "ignores drift" not in captured.err
