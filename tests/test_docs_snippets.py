"""Every Python code block of the documentation site (docs/**/*.md) and of README.md runs here.

Blocks are found and run by pytest-examples (pydantic's tool for the same job: it reads the
Markdown, runs each block as a module with its own line numbers, so a failure points at the
line of the page). A block runs as written, with a few names that illustrative snippets use
without defining (``do_work``, ``data``, …: ``GIVEN`` below) and in a fresh working directory
(blocks write files such as ``trace.json``). Settings on the fence line:

* ``python skip="reason"`` — shown, not run (at most 5 % of the blocks; the list is printed);
* ``python run="subprocess"`` — run as a script in its own interpreter (a block that sets
  ``PERFORMANCE_TIMING_DIR`` or starts a ``multiprocessing`` pool must not touch this process);
* ``python run="pytest"`` — a file of tests: collected and run by pytest in a subprocess;
* ``python after="previous"`` — the page's previous Python block runs first, in the same
  namespace (a tutorial's step that adds to the program of the step before).
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from typing import Any

import pytest
from pytest_examples import CodeExample, EvalExample, find_examples

import performance_timing as pt

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
MAX_SKIPPED = 0.05


def _examples() -> list[CodeExample]:
    found = list(find_examples(ROOT / "README.md", DOCS))
    return [e for e in found if e.prefix.split()[0] in ("py", "python", "python3")]


EXAMPLES = _examples()


def _given() -> dict[str, Any]:
    """Names the illustrative snippets use without defining them (the reader's own code)."""
    import random

    def do_work() -> int:
        return sum(i * i for i in range(200))

    def run_pipeline() -> None:
        with pt.timed("stage"):
            pt.compare_seq_vs_parallel([float(i) for i in range(10_000)], iterations=2)

    data = [float(i) for i in range(100_000)]
    values = random.Random(1).sample(range(10_000), 1_000)
    ready = sorted(values)

    def old() -> list[int]:
        return sorted(values)

    def new() -> list[int]:
        return ready[:]

    with pt.timed("experiment"):
        do_work()
    other_snap = pt.snapshot()
    pt.reset()
    return {
        "pt": pt,
        "do_work": do_work,
        "run_pipeline": run_pipeline,
        "data": data,
        "old": old,
        "new": new,
        "other_snap": other_snap,
        "DATA": list(range(2_000, 0, -1)),
    }


def _setting(example: CodeExample, key: str) -> str | None:
    return example.prefix_settings().get(key)


def _id(example: CodeExample) -> str:
    return f"{example.path.relative_to(ROOT)}:{example.start_line}"


@pytest.mark.parametrize("example", EXAMPLES, ids=_id)
def test_snippet(example: CodeExample, eval_example: EvalExample, tmp_path: pathlib.Path,
                 monkeypatch: pytest.MonkeyPatch) -> None:
    reason = _setting(example, "skip")
    if reason is not None:
        pytest.skip(f"marked skip in the page: {reason}")
    monkeypatch.chdir(tmp_path)
    how = _setting(example, "run")
    if how == "subprocess":
        _run_script(example, tmp_path)
        return
    if how == "pytest":
        _run_tests(example, tmp_path)
        return
    assert how is None, f"unknown run={how!r} on {_id(example)}"
    pt.reset()
    pt.set_enabled(True)
    environment = dict(os.environ)
    try:
        namespace = _given()
        for block in [*_chain(example), example]:
            namespace = _run_block(eval_example, block, namespace)
    finally:
        changed = dict(os.environ) != environment
        os.environ.clear()
        os.environ.update(environment)
        pt.reset()
        pt.set_enabled(True)
    assert not changed, f"{_id(example)} changed os.environ: mark it run=\"subprocess\""


def _run_block(eval_example: EvalExample, example: CodeExample, namespace: dict[str, Any]) -> dict[str, Any]:
    """Runs one block; a failure is reported as the page's file and line (pytest's own traceback
    of an exception raised in a page's code cannot always be drawn)."""
    try:
        return eval_example.run(example, module_globals=namespace)
    except Exception as error:  # noqa: BLE001 - re-raised with the page's position
        where = []
        tb = error.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if name.endswith(".md") or "/docs/" in name:
                where.append(f"{name}:{tb.tb_lineno}")
            tb = tb.tb_next
        raise AssertionError(f"{_id(example)}: {type(error).__name__}: {error} (at {', '.join(where) or '?'})") from None


def _chain(example: CodeExample) -> list[CodeExample]:
    """The blocks that run before ``example`` (``after="previous"``), oldest first."""
    chain: list[CodeExample] = []
    current = example
    while _setting(current, "after") == "previous":
        same_page = [e for e in EXAMPLES if e.path == current.path and e.start_line < current.start_line]
        assert same_page, f"{_id(current)} says after=previous but is the page's first block"
        current = same_page[-1]
        chain.insert(0, current)
    return chain


def _source(example: CodeExample) -> str:
    # Blank lines first, so a traceback's line numbers are the page's.
    return "\n" * (example.start_line) + example.source


def _run_script(example: CodeExample, tmp_path: pathlib.Path) -> None:
    script = tmp_path / "snippet.py"
    text = _source(example)
    # The page writes to /tmp/profiles, a directory shared by everything on the machine: the
    # test gives the block a private one instead (the only change made to a block's text).
    private = tmp_path / "profiles"
    text = text.replace('"/tmp/profiles"', repr(str(private)))
    script.write_text(text)
    env = {k: v for k, v in os.environ.items() if k != "PERFORMANCE_TIMING_DIR"}
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=240, check=False)
    assert done.returncode == 0, f"{_id(example)} failed:\n{done.stdout}\n{done.stderr}"


def _run_tests(example: CodeExample, tmp_path: pathlib.Path) -> None:
    test_file = tmp_path / "test_snippet.py"
    given = "DATA = list(range(2_000, 0, -1))  # given by tests/test_docs_snippets.py\n"
    test_file.write_text(given + example.source)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:benchmark", "-p", "no:cacheprovider",
         "--pt-max-time", "0.2", str(test_file)],
        cwd=tmp_path, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, f"{_id(example)} failed:\n{done.stdout}\n{done.stderr}"
    assert " passed" in done.stdout and "failed" not in done.stdout, done.stdout


def test_skipped_blocks_are_few_and_listed(capsys: pytest.CaptureFixture[str]) -> None:
    """At most 5 % of the Python blocks are skipped, each with its reason; the list is printed."""
    skipped = [(e, _setting(e, "skip")) for e in EXAMPLES if _setting(e, "skip") is not None]
    with capsys.disabled():
        print(f"\ndocs: {len(EXAMPLES)} Python code blocks, {len(skipped)} skipped"
              + "".join(f"\n  skipped {_id(e)}: {why}" for e, why in skipped))
    assert len(EXAMPLES) >= 10, "the docs' Python blocks were not found"
    assert all(why for _, why in skipped), "a skip needs a reason"
    assert len(skipped) <= MAX_SKIPPED * len(EXAMPLES), skipped


def test_every_block_is_tested_or_known() -> None:
    """Every fenced block of the site is Python (run above), Rust (a doctest of
    examples/src/lib.rs, for the pages that lib includes) or a non-code language."""
    lib = (ROOT / "examples" / "src" / "lib.rs").read_text()
    for page in [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]:
        text = page.read_text()
        langs = _fence_languages(text)
        if "rust" in langs:
            name = page.relative_to(ROOT).as_posix()
            assert f'"../../{name}"' in lib, f"{name} has Rust blocks but examples/src/lib.rs does not include it"
        unknown = set(langs) - {"python", "py", "rust", "text", "json", "yaml", "promql", "toml", "console", "bash"}
        assert not unknown, f"{page}: code blocks without a known language: {unknown}"


def _fence_languages(text: str) -> list[str]:
    langs: list[str] = []
    inside = False
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("```"):
            if not inside:
                info = stripped.strip("`").strip()
                langs.append(info.replace(",", " ").split()[0] if info else "")
            inside = not inside
    return langs

