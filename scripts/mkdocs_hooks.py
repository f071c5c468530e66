"""mkdocs hooks of the documentation site (mkdocs.yml: ``hooks:``).

* Generated reference pages, so they cannot drift from the code:
  ``<!-- generated: cli -->`` becomes the ``--help`` of ``python -m performance_timing`` and of
  each of its commands, built from the argparse definitions (``performance_timing.cli.build_parser``);
  ``<!-- generated: pytest-options -->`` becomes the table of the pytest plugin's options, taken
  from its own ``pytest_addoption`` and mark options.
* Code fences carry test settings that the renderer must not see: ``rust,ignore`` /
  ``rust,no_run`` (rustdoc's, for the Rust snippets compiled as doctests) and
  ``python skip="reason"`` (tests/test_docs_snippets.py). They are reduced to the language.
  In Rust fences, lines that rustdoc hides (``# setup``) are hidden here too, as mdBook does.
* After the build, the rustdoc of the workspace (``cargo doc --no-deps --workspace``, in
  ``target/doc``) is copied to ``rust-api/`` of the site when it has been built.
"""

from __future__ import annotations

import argparse
import html
import logging
import os
import pathlib
import re
import shutil
from typing import Any

log = logging.getLogger("mkdocs.hooks.performance_timing")

ROOT = pathlib.Path(__file__).resolve().parent.parent
RUSTDOC = ROOT / "target" / "doc"
HELP_WIDTH = "100"

FENCE = re.compile(r"^(?P<indent>\s*)(?P<ticks>```+)(?P<info>[^\n`]*)$")


def cli_reference() -> str:
    """The ``--help`` of the command line and of every command, as Markdown."""
    os.environ["COLUMNS"] = HELP_WIDTH  # argparse wraps to the terminal: fix the width
    from performance_timing.cli import build_parser

    parser = build_parser()
    parts = ["## `python -m performance_timing`\n", "```text", parser.format_help().rstrip(), "```\n"]
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        parts += [f"## `{name}`\n", "```text", sub.format_help().rstrip(), "```\n"]
    return "\n".join(parts)


class _Recorder:
    """Stands in for pytest's parser: records what the plugin's ``pytest_addoption`` adds."""

    def __init__(self) -> None:
        self.options: list[tuple[tuple[str, ...], dict[str, Any]]] = []
        self.group = ""

    def getgroup(self, name: str, description: str = "") -> _Recorder:
        self.group = description or name
        return self

    def addoption(self, *names: str, **attrs: Any) -> None:
        self.options.append((names, attrs))

    def addini(self, *args: Any, **kwargs: Any) -> None:  # noqa: ARG002 - nothing to show
        return None


def pytest_options() -> str:
    """The plugin's command-line options and mark options, as a Markdown table."""
    from performance_timing import pytest_plugin
    from performance_timing.pytest_plugin import fixture

    recorder = _Recorder()
    pytest_plugin.pytest_addoption(recorder)  # type: ignore[arg-type]
    rows = [f"Option group: **{recorder.group}** (`pytest --help` shows it too).\n",
            "| option | argument | default | what it does |", "| --- | --- | --- | --- |"]
    for names, attrs in recorder.options:
        metavar = attrs.get("metavar", "")
        default = attrs.get("default")
        shown = "" if default in (None, False) else f"`{default:g}`" if isinstance(default, float) else f"`{default}`"
        text = str(attrs.get("help", "")).replace("%%", "%").replace("|", "\\|")
        rows.append(f"| {', '.join(f'`{n}`' for n in names)} | {metavar} | {shown} | {html.escape(text)} |")
    marks = getattr(fixture, "MARK_OPTIONS", None) or getattr(pytest_plugin, "MARK_OPTIONS", ())
    rows += ["", "Options of `@pytest.mark.benchmark(...)` (each is the `bench()` argument of the same name): "
             + ", ".join(f"`{m}`" for m in marks) + "."]
    return "\n".join(rows) + "\n"


GENERATED = {"cli": cli_reference, "pytest-options": pytest_options}


def _fences(markdown: str) -> str:
    out: list[str] = []
    lang = None  # language of the open fence, or None outside one
    ticks = ""
    for line in markdown.split("\n"):
        m = FENCE.match(line)
        if lang is None and m:
            info = m.group("info").strip()
            ticks = m.group("ticks")
            lang = re.split(r"[,\s]", info, maxsplit=1)[0] if info else ""
            if lang == "rust" or lang == "python":
                line = f"{m.group('indent')}{ticks}{lang}"
            out.append(line)
            continue
        if lang is not None and m and m.group("ticks") == ticks and not m.group("info").strip():
            lang = None
            out.append(line)
            continue
        if lang == "rust":
            stripped = line.strip()
            if stripped == "#" or stripped.startswith("# "):
                continue  # a line rustdoc compiles but hides
            if stripped.startswith("##"):
                line = line.replace("##", "#", 1)  # rustdoc's escape of a line starting with '#'
        out.append(line)
    return "\n".join(out)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:  # noqa: ARG001
    """Fills the generated parts and cleans the code fences of one page."""
    for name, make in GENERATED.items():
        marker = f"<!-- generated: {name} -->"
        if marker in markdown:
            markdown = markdown.replace(marker, make())
    return _fences(markdown)


def on_post_build(config: Any) -> None:
    """Copies the workspace's rustdoc into the site (``rust-api/``) when it has been built."""
    target = pathlib.Path(config["site_dir"]) / "rust-api"
    if not (RUSTDOC / "timing_runtime" / "index.html").exists():
        log.info("no rustdoc in %s (run `cargo doc --no-deps --workspace`): rust-api/ left out", RUSTDOC)
        return
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(RUSTDOC, target, ignore=shutil.ignore_patterns(".lock", "*.lock"))
