"""Headless Chromium for tests and the docs' screenshots: screenshot a page, dump its DOM,
and check that a screenshot shows something (not a blank page)."""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import tempfile

TIMEOUT = 120  # seconds per browser run (a cold start on a busy 2-core VM takes a few)


def executable() -> str | None:
    """The Chromium on PATH (Debian's package is ``chromium``), or ``None``."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _run(page: pathlib.Path | str, *flags: str) -> subprocess.CompletedProcess[str]:
    """Runs headless Chromium on ``page`` (a file, or a URL given as a string)."""
    browser = executable()
    if browser is None:
        raise FileNotFoundError("chromium is not on PATH")
    with tempfile.TemporaryDirectory(prefix="pt-chromium-") as profile:
        return subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                *flags,
                page if isinstance(page, str) else page.resolve().as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )


def screenshot(page: pathlib.Path, png: pathlib.Path, size: tuple[int, int] = (1200, 800)) -> None:
    """Renders ``page`` and writes a PNG of the window (``size`` in pixels)."""
    result = _run(page, f"--screenshot={png.resolve()}", f"--window-size={size[0]},{size[1]}")
    if not png.exists():
        raise RuntimeError(f"chromium wrote no screenshot (exit {result.returncode}): {result.stderr[-2000:]}")


def dump_dom(page: pathlib.Path) -> str:
    """The DOM of ``page`` after rendering, serialised."""
    result = _run(page, "--dump-dom")
    if result.returncode != 0:
        raise RuntimeError(f"chromium --dump-dom failed (exit {result.returncode}): {result.stderr[-2000:]}")
    return result.stdout


def dump_dom_url(url: str) -> str:
    """The DOM of the page at ``url`` (e.g. a site served on 127.0.0.1) after rendering."""
    result = _run(url, "--dump-dom", "--virtual-time-budget=5000")
    if result.returncode != 0:
        raise RuntimeError(f"chromium --dump-dom failed (exit {result.returncode}): {result.stderr[-2000:]}")
    return result.stdout


def painted_fraction(png: pathlib.Path) -> tuple[float, int]:
    """The fraction of pixels that are not the background (the top-left pixel's colour), and
    the number of distinct colours."""
    import numpy as np
    from PIL import Image

    with Image.open(png) as image:
        pixels = np.asarray(image.convert("RGB"), dtype=np.int16).reshape(-1, 3)
    distance = np.abs(pixels - pixels[0]).max(axis=1)
    colours = len(np.unique(pixels, axis=0))
    return float((distance > 24).mean()), colours
