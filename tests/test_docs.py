"""The documentation site: it builds strictly, its links hold, and it renders in a real browser.

``mkdocs build --strict`` turns every warning into an error: a link to a page or an anchor that
does not exist (mkdocs.yml: ``validation``), a page missing from the navigation, a docstring
mkdocstrings cannot read. The built HTML is then checked for links that mkdocs does not see
(raw HTML links, the copied rustdoc), and two pages are opened in headless Chromium, served over
HTTP from 127.0.0.1 as a reader would see them.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import json
import pathlib
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest

import chromium

ROOT = pathlib.Path(__file__).resolve().parent.parent
RUSTDOC = ROOT / "target" / "doc" / "timing_runtime" / "index.html"
BUILD_BUDGET = 60.0  # seconds: the target, printed; the assertion allows for a loaded machine


BUILD_SECONDS: list[float] = []


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    out = tmp_path_factory.mktemp("site")
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    took = time.perf_counter() - start
    assert done.returncode == 0, f"mkdocs build --strict failed:\n{done.stdout}\n{done.stderr[-6000:]}"
    BUILD_SECONDS.append(took)
    return out


def test_site_builds_strictly_within_budget(site: pathlib.Path, capsys: pytest.CaptureFixture[str]) -> None:
    took = BUILD_SECONDS[-1]
    with capsys.disabled():
        print(f"\ndocs: mkdocs build --strict took {took:.1f} s (target {BUILD_BUDGET:.0f} s)")
    assert (site / "index.html").exists() and (site / "search" / "search_index.json").exists()
    assert took < 4 * BUILD_BUDGET, f"the site took {took:.0f} s to build (target {BUILD_BUDGET:.0f} s)"


class _Links(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name == "id":
                self.ids.add(value)
            if (tag == "a" and name == "href") or (tag in ("img", "script") and name == "src") or (
                tag == "link" and name == "href"
            ):
                self.links.append(value)


@functools.lru_cache(maxsize=None)
def _parse(page: pathlib.Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def _pages(site: pathlib.Path) -> list[pathlib.Path]:
    return [p for p in site.rglob("*.html") if "rust-api" not in p.relative_to(site).parts]


def test_every_internal_link_and_anchor_exists(site: pathlib.Path) -> None:
    pages = _pages(site)
    assert len(pages) >= 30, [p.relative_to(site).as_posix() for p in pages]
    broken = []
    checked = 0
    for page in pages:
        for link in _parse(page).links:
            parts = urllib.parse.urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:")):
                continue
            path = urllib.parse.unquote(parts.path)
            base = site if path.startswith("/") else page.parent  # 404.html links from the root
            target = page if not path else (base / path.lstrip("/")).resolve()
            if target.is_dir():
                target = target / "index.html"
            checked += 1
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
                continue
            if parts.fragment and target.suffix == ".html" and "rust-api" not in target.parts:
                if parts.fragment not in _parse(target).ids:
                    broken.append(f"{page.relative_to(site)} -> {link} (no such anchor)")
    assert checked > 500
    assert not broken, "\n".join(broken)


def test_rust_api_is_the_rustdoc_of_the_workspace(site: pathlib.Path) -> None:
    if not RUSTDOC.exists():
        pytest.skip("no rustdoc in target/doc: scripts/test.sh runs `cargo doc --no-deps --workspace` first")
    for crate in ("timing_runtime", "timing_macros", "py_export"):
        page = site / "rust-api" / crate / "index.html"
        assert page.exists(), page
    text = (site / "rust-api" / "timing_runtime" / "index.html").read_text(encoding="utf-8")
    assert "timing_runtime" in text and "rustdoc" in text


def test_generated_reference_pages_say_what_the_code_says(site: pathlib.Path) -> None:
    from performance_timing import pytest_plugin
    from performance_timing.cli import build_parser

    cli = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    for name, sub in commands.choices.items():  # type: ignore[attr-defined]
        assert f"<code>{name}</code>" in cli, name
        for action in sub._actions:
            for option in action.option_strings:
                assert option in cli, f"{name} {option}"
    options = (site / "reference" / "pytest-options" / "index.html").read_text(encoding="utf-8")
    for flag in ("--pt-save", "--pt-compare", "--pt-fail-on-regression", "--pt-max-time", "--pt-disable"):
        assert flag in options, flag
    assert pytest_plugin.pytest_addoption.__module__ == "performance_timing.pytest_plugin"
    api = (site / "reference" / "python-api" / "index.html").read_text(encoding="utf-8")
    import performance_timing

    for name in performance_timing.__all__:
        if name != "__version__":
            assert f'id="performance_timing.{name}"' in api, name
    assert "Calls <code>func()</code> exactly <code>iterations</code> times" in api  # a stub docstring


@pytest.fixture(scope="module")
def served(site: pathlib.Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


needs_chromium = pytest.mark.skipif(chromium.executable() is None, reason="chromium is not on PATH")


@needs_chromium
@pytest.mark.parametrize(
    ("path", "heading"),
    [("", "performance_timing"), ("how-to/pytest/", "Where you already work: pytest, the shell, results over time")],
)
def test_pages_render_in_chromium(served: str, path: str, heading: str) -> None:
    dom = chromium.dump_dom_url(served + path)
    page = _Dom()
    page.feed(dom)
    assert heading in page.h1, (path, page.h1)
    # The navigation, rendered: the site's sections and links to the tutorials.
    assert "md-nav" in dom and "Tutorials" in page.nav_text and "Reference" in page.nav_text, path
    assert any(h.endswith("tutorials/ci-gate/") for h in page.nav_links), page.nav_links[:20]
    # The search box is there and its index is served.
    assert 'data-md-component="search"' in dom
    with urllib.request.urlopen(served + "search/search_index.json", timeout=30) as response:
        index = json.load(response)
    locations = {d["location"] for d in index["docs"]}
    assert "tutorials/first-python-profile/" in locations and len(index["docs"]) > 100


class _Dom(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.h1 = ""
        self.nav_text = ""
        self.nav_links: list[str] = []
        self._in_h1 = 0
        self._in_nav = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "h1":
            self._in_h1 += 1
        if tag == "nav" and "md-nav" in (attributes.get("class") or ""):
            self._in_nav += 1
        if tag == "a" and self._in_nav and attributes.get("href"):
            self.nav_links.append(str(attributes["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1" and self._in_h1:
            self._in_h1 -= 1
        if tag == "nav" and self._in_nav:
            self._in_nav -= 1

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1 += data
        if self._in_nav:
            self.nav_text += data


def test_cli_help_says_where_the_docs_are() -> None:
    done = subprocess.run([sys.executable, "-m", "performance_timing", "--help"], capture_output=True,
                          text=True, timeout=60, check=True)
    assert "mkdocs serve" in done.stdout and "docs/" in done.stdout, done.stdout


def test_readme_is_the_front_door() -> None:
    """The README stays short (a section of its own is a page of the site, linked from it), its
    relative links point at files that exist, and it links to the three tutorials."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = readme.count("\n")
    assert lines <= 220, f"README.md has {lines} lines: move sections into docs/ pages (docs/MOVES.md)"
    import re

    for target in re.findall(r"\]\(([^)\s]+)\)", readme):
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        path = target.split("#", 1)[0]
        assert (ROOT / path).exists(), f"README.md links to {target}, which does not exist"
    for tutorial in ("first-python-profile", "first-rust-timed", "ci-gate"):
        assert f"docs/tutorials/{tutorial}.md" in readme, tutorial
    fence: str | None = None  # the language of the open fence
    for line in readme.split("\n"):
        if line.startswith("```"):
            fence = line.strip("` ") if fence is None else None
        elif fence == "rust":
            assert not line.startswith("# "), f"README.md: GitHub would show rustdoc's hidden line {line!r}"
