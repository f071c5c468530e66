"""Bad files on the command line: exit 2, one line naming the file and pointing into it.

Before, 100 000 nested ``[`` (or deep nesting inside a field) escaped as a ``RecursionError``
traceback with exit status 1 — the status that means "regression" — and errors neither named
the file nor pointed into its text.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from performance_timing import Stats
from performance_timing.cli import files, main


def stats(name: str = "f", center: float = 1e-6) -> Stats:
    return Stats.from_samples([center * (1 + i / 100) for i in range(20)], name=name)


def run(*argv: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "performance_timing", *argv], capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "good.json"
    path.write_text(stats().to_json())
    return str(path)


def one_error_line(proc: subprocess.CompletedProcess) -> str:
    assert proc.returncode == 2, (proc.returncode, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    return lines[0]


def test_deep_nesting_is_a_clear_error_not_a_recursion_error(tmp_path, good):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)
    line = one_error_line(run("compare", good, str(deep)))
    assert line == f"error: {deep}:1:65: nested deeper than 64 levels"


def test_deep_nesting_inside_a_field_points_at_it(tmp_path, good):
    document = json.loads(stats().to_json())
    document["metadata"]["deep"] = json.loads("[" * 100 + "]" * 100)
    path = tmp_path / "field.json"
    path.write_text(json.dumps(document, indent=1))
    # indent=1 puts a bracket of level k on its own line after k - 1 spaces: level 65 is the
    # first line that is 64 spaces and a bracket (the document and metadata are levels 1, 2).
    lines = path.read_text().splitlines()
    expected_line = lines.index(" " * 64 + "[") + 1
    line = one_error_line(run("compare", str(path), good))
    assert line == f"error: {path}:{expected_line}:65: nested deeper than 64 levels"


def test_json_errors_point_into_the_files_own_text(tmp_path, good):
    path = tmp_path / "bad.json"
    path.write_text('{\n  "schema": "performance_timing.stats",\n  "version" 1\n}\n')
    line = one_error_line(run("compare", good, str(path)))
    assert line == f"error: {path}:3:13: not JSON: Expecting ':' delimiter"


def test_errors_in_a_list_point_at_the_element(tmp_path, good):
    wrong = json.loads(stats("b").to_json())
    wrong["version"] = 7
    path = tmp_path / "list.json"
    path.write_text("[\n" + stats("a").to_json() + ",\n   " + json.dumps(wrong) + "\n]\n")
    text = path.read_text()
    element = text.index('{"schema"')
    expected = (text.count("\n", 0, element) + 1, element - text.rfind("\n", 0, element))
    line = one_error_line(run("compare", good, str(path)))
    assert line == f"error: {path}:{expected[0]}:{expected[1]}: has schema version 7, this build reads versions 1 to 2"


def test_positions_inside_a_document_are_file_positions(tmp_path, good):
    # NaN is JSON to Python but not to the Rust reader: its error position must be the file's.
    text = stats().to_json().replace('"iterations_per_sample": 1', '"iterations_per_sample": NaN')
    path = tmp_path / "nan.json"
    path.write_text("  " + text)  # shifted by two columns on the first line
    offset = text.index("NaN") + 2
    expected = (text.count("\n", 0, offset) + 1, offset - (("  " + text).rfind("\n", 0, offset) + 1) + 1)
    line = one_error_line(run("compare", str(path), good))
    assert line.startswith(f"error: {path}:{expected[0]}:{expected[1]}: "), line


@pytest.mark.parametrize(
    "content, reason",
    [
        (b'{"name": "caf\xe9"}', ":1:14: not UTF-8 text (byte 0xe9)"),
        (b"", ":1:1: not JSON: Expecting value"),
        (b"[]", ":1:1: holds no results (an empty list)"),
        (b"5", ":1:1: is not a Stats JSON document: expected an object"),
        (b'{"schema": "performance_timing.stats", "version": 1' + b"1" * 5000 + b"}", ":1:5051: is not a Stats JSON document: number out of range"),
    ],
)
def test_bad_contents_exit_2_with_one_line(tmp_path, good, content, reason):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    line = one_error_line(run("compare", good, str(path)))
    assert line.startswith(f"error: {path}{reason}"), line


def test_unreadable_files_exit_2_naming_the_file(tmp_path, good):
    line = one_error_line(run("compare", good, str(tmp_path / "missing.json")))
    assert line == f"error: {tmp_path / 'missing.json'}: No such file or directory"
    line = one_error_line(run("compare", good, str(tmp_path)))
    assert line == f"error: {tmp_path}: Is a directory"
    # A missing baseline says so (a baseline directory is a results history: its newest run).
    line = one_error_line(run("compare", str(tmp_path / "missing.json"), good))
    assert line.startswith(f"error: {tmp_path / 'missing.json'}: the baseline is missing: no file")


def test_files_larger_than_the_limit_are_refused(tmp_path, good, monkeypatch, capsys):
    monkeypatch.setattr(files, "MAX_BYTES", 100)
    assert main(["compare", good, good]) == 2
    assert capsys.readouterr().err.strip() == f"error: {good}: larger than 100 bytes; not a result file"


def test_nothing_but_a_regression_exits_1(good, monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("something\nunexpected")

    monkeypatch.setattr("performance_timing.cli.compare.compare", broken)
    assert main(["compare", good, good]) == 2
    assert capsys.readouterr().err.strip() == "error: RuntimeError: something unexpected"

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("performance_timing.cli.compare.compare", interrupted)
    assert main(["compare", good, good]) == 130


def test_load_json_is_the_generic_reader(tmp_path):
    path = tmp_path / "doc.json"
    path.write_text('{"runs": [[1, 2], {"a": null}]}')
    assert files.load_json(str(path)) == {"runs": [[1, 2], {"a": None}]}
    path.write_text('{\n "runs": [1, 2,]\n}')
    with pytest.raises(files.FileError) as info:
        files.load_json(str(path))
    assert (info.value.path, info.value.line, info.value.column) == (str(path), 2, 16)
    assert str(info.value) == f"{path}:2:16: not JSON: Expecting value"
    assert isinstance(info.value, ValueError)
    path.write_text("[" * 65 + "]" * 65)
    with pytest.raises(files.FileError, match=r":1:65: nested deeper than 64 levels$"):
        files.load_json(str(path))
    path.write_text("[" * 64 + "]" * 64)
    assert files.load_json(str(path)) is not None


def test_load_stats_reads_one_document_or_a_list(tmp_path):
    one = tmp_path / "one.json"
    one.write_text("\ufeff" + stats("x").to_json())  # a byte-order mark is fine
    assert [s.name for s in files.load_stats(str(one))] == ["x"]
    many = tmp_path / "many.json"
    many.write_text(json.dumps([json.loads(stats(n).to_json()) for n in "abc"]))
    assert [s.name for s in files.load_stats(str(many))] == ["a", "b", "c"]
