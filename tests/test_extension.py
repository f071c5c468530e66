"""A third-party PyO3 extension (examples/extension) exposes its own profile with one call."""

from __future__ import annotations

import pytest

ext = pytest.importorskip(
    "profiled_extension", reason="built by scripts/test.sh (maturin develop -m examples/extension)"
)


def test_extension_profile_api():
    ext.reset()
    assert ext.tokenize_and_count("a B a c") == {"a": 2, "b": 1, "c": 1}
    ext.tokenize_and_count("x")
    snap = ext.snapshot()
    assert snap["tokenize_and_count"].calls == 2
    assert snap["tokenize"].calls == 2 and snap["count"].calls == 2
    outer = snap["tokenize_and_count"]
    inner = snap["tokenize"].total_secs + snap["count"].total_secs
    assert outer.self_secs == pytest.approx(outer.total_secs - inner, abs=1e-6)
    assert "tokenize_and_count" in snap.summary()
    ext.set_enabled(False)
    ext.tokenize_and_count("y")
    ext.set_enabled(True)
    assert ext.snapshot()["tokenize_and_count"].calls == 2


def test_extension_profile_is_separate_from_ours():
    import performance_timing as pt

    ext.reset()
    ext.tokenize_and_count("a")
    assert "tokenize_and_count" not in pt.snapshot()
