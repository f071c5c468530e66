"""The rough edges a new user meets in the first hour (issue 20), each pinned by a test: the
command line's gate, help texts and errors, ``timed`` on a class, same-named functions, saved
file permissions, ``bench(fn, *args)``, ``print(stats)``, ``report``'s inputs, recursion in the
table and cosmetics. The pytest plugin's gate is tested in ``test_pytest_plugin.py``."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap

import pytest

import performance_timing as pt
from performance_timing import Stats
from performance_timing.cli import build_parser, history, main


def spread(center: float, name: str = "f", n: int = 30, unit: str | None = None) -> Stats:
    return Stats.from_samples([center * (0.98 + 0.04 * i / (n - 1)) for i in range(n)], name=name,
                              unit=unit)


def write(path, *stats: Stats) -> str:
    path.write_text(json.dumps([json.loads(s.to_json()) for s in stats]))
    return str(path)


def cli(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "performance_timing", *argv], capture_output=True,
                          text=True, timeout=60)


# --- item 1: compare --fail-on-regression never passes silently -------------------------------

@pytest.mark.parametrize("form", ["missing file", "empty list", "empty directory", "not JSON"])
def test_compare_gate_with_a_missing_or_unreadable_baseline_exits_2(tmp_path, capsys, form):
    new = write(tmp_path / "new.json", spread(5e-6))
    old = tmp_path / "old.json"
    if form == "empty list":
        old.write_text("[]")
    elif form == "not JSON":
        old.write_text("{")
    elif form == "empty directory":
        old = tmp_path / "history"
        old.mkdir()
    assert main(["compare", str(old), new, "--fail-on-regression", "5%"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(old) in err and "Errno" not in err
    if form != "not JSON":
        assert "--missing=ok" in err
        # The opt-out: a first run passes, saying so.
        assert main(["compare", str(old), new, "--fail-on-regression", "5%", "--missing=ok"]) == 0
        assert "nothing compared; passing as --missing=ok asks" in capsys.readouterr().out
    else:  # an unreadable baseline is a broken set-up, not a first run
        assert main(["compare", str(old), new, "--fail-on-regression", "5%", "--missing=ok"]) == 2


def test_compare_lists_what_it_did_not_compare_and_refuses_to_compare_nothing(tmp_path, capsys):
    old = write(tmp_path / "old.json", spread(1e-6, "a"), spread(1e-6, "gone"))
    new = write(tmp_path / "new.json", spread(1e-6, "a"), spread(1e-6, "fresh"))
    assert main(["compare", old, new, "--fail-on-regression", "5%"]) == 0   # a new result passes
    err = capsys.readouterr().err
    assert "not compared: 1 result\n  fresh: not in the baseline (a new result; not a failure)" in err
    assert "in the baseline only (not in" in err and "gone" in err
    other = write(tmp_path / "other.json", spread(1e-6, "x"), spread(1e-6, "y"))
    assert main(["compare", old, other, "--fail-on-regression", "5%"]) == 2
    assert "no result compared" in capsys.readouterr().err


def test_compare_gate_refuses_results_in_different_units(tmp_path, capsys):
    old = write(tmp_path / "old.json", spread(1e-6, "a"), spread(1000.0, "b", unit="instructions"))
    new = write(tmp_path / "new.json", spread(1e-6, "a"), spread(1e-6, "b"))
    assert main(["compare", old, new, "--fail-on-regression", "5%"]) == 2
    err = capsys.readouterr().err
    assert "b: in unit 's' but the baseline's is in 'instructions'" in err
    assert "1 result in different units cannot be compared" in err
    assert main(["compare", old, new]) == 0      # no gate: the others are still compared


# --- item 2: one rule for a PATH that may be a history directory ------------------------------

def help_of(*command: str) -> str:
    with pytest.raises(SystemExit):
        build_parser().parse_args([*command, "--help"])
    return ""


def test_the_path_rule_is_in_every_help_text_and_the_example_works(tmp_path, capsys):
    for command in (["history"], ["timeit"], ["compare"]):
        help_of(*command)
        text = " ".join(capsys.readouterr().out.split())
        assert "is an existing directory, or ends in '/', is a history directory" in text, text
    help_of("history")
    assert "pytest --pt-save .benchmarks/ " in capsys.readouterr().out
    pytester_help = subprocess.run([sys.executable, "-m", "pytest", "--help", "-p", "no:randomly"],
                                   capture_output=True, text=True, timeout=120, cwd=tmp_path).stdout
    assert "ends in '/', is a history directory" in " ".join(pytester_help.split())
    # The example, on a fresh project: a trailing '/' makes the directory.
    saved = history.save(str(tmp_path / ".benchmarks") + "/", [spread(1e-6)])
    assert os.path.dirname(saved) == str(tmp_path / ".benchmarks")
    assert main(["history", str(tmp_path / ".benchmarks")]) == 0


def test_history_of_a_file_or_nothing_is_one_tidy_line(tmp_path, capsys):
    file = write(tmp_path / ".benchmarks", spread(1e-6))
    assert main(["history", file]) == 2
    err = capsys.readouterr().err
    assert "a file, not a history directory" in err and "Errno" not in err
    assert main(["history", str(tmp_path / "none")]) == 2
    assert capsys.readouterr().err == f"error: {tmp_path / 'none'}: No such file or directory\n"


# --- item 3: timed on a class -----------------------------------------------------------------

def test_timed_on_a_class_is_a_type_error():
    for decorate in (pt.timed, pt.timed("named"), pt.timed()):
        with pytest.raises(TypeError, match=r"timed cannot decorate a class \(.*Widget\)"):
            @decorate
            class Widget:
                pass


# --- item 4: same-named functions of different modules ---------------------------------------

def test_same_named_functions_are_kept_apart(tmp_path):
    pkg = tmp_path / "pkg_first_hour"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for mod in ("a", "b"):
        (pkg / f"{mod}.py").write_text("import performance_timing as pt\n\n"
                                       "@pt.timed\ndef load():\n    return 1\n")
    code = textwrap.dedent("""
        import performance_timing as pt
        from pkg_first_hour import a, b
        a.load(); b.load(); b.load()
        snap = pt.snapshot()
        print(snap.summary())
        try:
            snap["load"]
        except KeyError as e:
            print("KeyError", e.args[0])
        try:
            snap.get("load")
        except KeyError:
            print("get refuses too")
        print(snap["pkg_first_hour.b::load"].calls, snap["pkg_first_hour.a::load"].calls)
        print(snap["pkg_first_hour.b::load"].qualified_name, "load" in snap)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=tmp_path, check=True).stdout
    assert "pkg_first_hour.a::load " in out and "pkg_first_hour.b::load " in out
    assert ('KeyError "load" is ambiguous: 2 records of that name, pkg_first_hour.a::load, '
            "pkg_first_hour.b::load; ask for one by its qualified name") in out
    assert "get refuses too" in out
    assert "2 1\n" in out and "pkg_first_hour.b::load True" in out


# --- item 6: saved history files honour the umask ---------------------------------------------

@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_saved_results_have_the_umask_permissions(tmp_path, umask):
    old = os.umask(umask)
    try:
        written = history.save(str(tmp_path) + "/", [spread(1e-6)])
        single = history.save(str(tmp_path / "one.json"), [spread(1e-6)])
    finally:
        os.umask(old)
    for path in (written, single):
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o666 & ~umask
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".")]   # no temporary left


# --- item 8: command-line polish --------------------------------------------------------------

def test_version_and_top_level_example():
    r = cli("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"performance_timing {pt.__version__}"
    r = cli("--help")
    assert "examples:" in r.stdout and "compare old.json new.json --fail-on-regression 5%" in r.stdout


@pytest.mark.parametrize("command", ["compare", "report", "timeit", "run", "show", "history"])
def test_no_double_percent_in_any_help(command, capsys):
    help_of(command)
    assert "%%" not in capsys.readouterr().out


def test_run_help_says_our_options_go_before_the_script(capsys):
    help_of("run")
    text = " ".join(capsys.readouterr().out.split())
    assert "`run script.py --json out.json` passes --json to the script" in text


def test_every_command_reports_file_errors_in_one_format(tmp_path):
    good = write(tmp_path / "good.json", spread(1e-6))
    missing = str(tmp_path / "missing.json")
    cases = [
        (["show", missing], f"error: {missing}: No such file or directory"),
        (["history", missing], f"error: {missing}: No such file or directory"),
        (["compare", good, missing], f"error: {missing}: No such file or directory"),
        (["compare", missing, good], f"error: {missing}: the baseline is missing: no file"),
        (["report", good, "-o", "/nonexistent/x.html"], "error: /nonexistent/x.html: No such file or directory"),
    ]
    for argv, line in cases:
        r = cli(*argv)
        assert r.returncode == 2, (argv, r.stderr)
        assert r.stderr.splitlines()[0].startswith(line), (argv, r.stderr)
        assert "Errno" not in r.stderr


# --- item 9: small API inconsistencies --------------------------------------------------------

def test_bench_passes_positional_arguments():
    data = list(range(200, 0, -1))
    seen = []

    def work(xs, extra):
        seen.append((len(xs), extra))
        return sorted(xs)

    stats = pt.bench(work, data, 7, max_time=0.1, warmup=0.0, progress=False)
    assert stats.name.endswith("work") and len(stats) >= 2
    assert set(seen) == {(200, 7)}
    assert len(pt.bench(sorted, data, max_time=0.1, progress=False)) >= 2
    with pytest.raises(TypeError, match="unexpected keyword argument|got an unexpected"):
        pt.bench(sorted, data, reverse=True)       # bench's keywords are its own options


def test_print_stats_shows_the_summary_with_its_warnings():
    stats = Stats.from_samples([1e-6, 1e-6, 1e-6, 1e-6, 9e-6, 1e-6], name="bumpy")
    assert stats.warnings
    text = str(stats)
    assert text == stats.summary()
    assert text.startswith("bumpy\n  median  1.00 µs per call (95% CI")
    assert "6 samples × 1 call per sample" in text
    for warning in stats.warnings:
        assert f"  warning: {warning}" in text
    assert repr(stats).startswith("Stats(name='bumpy'")


def test_report_takes_any_iterable_as_the_readme_says(tmp_path):
    a, b = spread(1e-6, "a"), spread(2e-6, "b")
    for results in ([a, b], (a, b), (s for s in (a, b)), {a}):
        path = tmp_path / "r.html"
        pt.report(results, path)
        assert path.read_text().count("<svg") >= 1
    for bad in ("ab", b"ab", 3):
        with pytest.raises(TypeError, match="results must be an iterable"):
            pt.report(bad, tmp_path / "x.html")


# --- item 10: recursion in the table ---------------------------------------------------------

def test_recursive_records_are_marked_and_explained():
    code = textwrap.dedent("""
        import performance_timing as pt

        @pt.timed
        def fib(n):
            return n if n < 2 else fib(n - 1) + fib(n - 2)

        @pt.timed
        def flat():
            return 1

        fib(4); flat()
        print(pt.snapshot().summary())
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         check=True).stdout
    fib = next(line for line in out.splitlines() if line.startswith("fib "))
    flat = next(line for line in out.splitlines() if line.startswith("flat "))
    assert "*" in fib and "*" not in flat
    assert "* recursive: total counts each outermost call once" in out


# --- item 12: cosmetics ----------------------------------------------------------------------

def test_show_orders_results_naturally(tmp_path, capsys):
    path = write(tmp_path / "r.json", *(spread(1e-6, f"test_x[{n}]") for n in (100, 10, 2)))
    assert main(["show", path]) == 0
    rows = [line.split("|")[1].strip() for line in capsys.readouterr().out.splitlines()
            if line.startswith("| test_x")]
    assert rows == ["test_x[2]", "test_x[10]", "test_x[100]"]


def test_cargo_manifests_carry_no_placeholder_address():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    for folder, _, names in os.walk(root):
        if any(part in folder for part in ("target", ".venv", ".git")):
            continue
        if "Cargo.toml" in names:
            with open(os.path.join(folder, "Cargo.toml"), encoding="utf-8") as f:
                assert "example.invalid" not in f.read(), folder


# --- item 11: the README's first-call figures come from this script ---------------------------

def test_first_call_script_measures_in_fresh_processes():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    r = subprocess.run([sys.executable, os.path.join(root, "benchmarks", "first_call.py"),
                        "--processes", "2", "--calls", "50"], capture_output=True, text=True,
                       timeout=120, check=True)
    rows = [line for line in r.stdout.splitlines() if line.startswith("| 1 ") or line.startswith("| 2 ")]
    assert len(rows) == 2 and all(" ns |" in row for row in rows)
    assert "first call is the max in" in r.stdout
