"""compare(): verdicts on crafted distributions, the interval, the p-value, bad input."""

from __future__ import annotations

import math

import pytest

from performance_timing import Stats, bench, compare


def spread(center: float, n: int = 30, width: float = 0.04) -> Stats:
    """A deterministic spread of ±width/2 around ``center``."""
    return Stats.from_samples([center * (1 - width / 2 + width * i / (n - 1)) for i in range(n)],
                              name=f"c{center}")


def test_clearly_slower():
    c = compare(spread(1.0), spread(1.5))
    assert c.verdict == "slower"
    assert c.ratio == pytest.approx(1.5)
    assert 1.0 < c.ci[0] <= c.ratio <= c.ci[1]
    assert c.p_value < 1e-6


def test_clearly_faster():
    c = compare(spread(1.0), spread(0.6))
    assert c.verdict == "faster"
    assert c.ratio == pytest.approx(0.6)
    assert c.ci[0] <= c.ratio <= c.ci[1] < 1.0
    assert c.p_value < 1e-6


def test_identical():
    c = compare(spread(1.0), spread(1.0))
    assert c.verdict == "no change"
    assert c.ratio == 1.0
    assert c.ci[0] <= 1.0 <= c.ci[1]
    assert c.p_value == pytest.approx(1.0, abs=0.05)


def test_straddling_interval_is_never_a_change():
    # Shifted by 1.5 % with a ±2 % spread of 10 samples: the interval straddles 1.
    c = compare(spread(1.0, n=10), spread(1.015, n=10), noise=0.0)
    assert c.ci[0] <= 1.0 <= c.ci[1]
    assert c.verdict == "no change"


def test_under_the_noise_floor_is_no_change():
    tight = lambda center: Stats.from_samples([center + i * 1e-6 for i in range(30)])  # noqa: E731
    c = compare(tight(1.0), tight(1.005))  # 0.5 % slower, highly significant
    assert c.p_value < 0.05 and c.ci[0] > 1.0
    assert c.verdict == "no change"
    assert compare(tight(1.0), tight(1.005), noise=0.001).verdict == "slower"
    assert c.noise == 0.01


def test_p_value_matches_hand_computation():
    # U = 0 for fully separated groups of 3: z = (4.5 - 0.5) / sqrt(5.25), p = erfc(z / sqrt 2).
    c = compare(Stats.from_samples([1.0, 2.0, 3.0]), Stats.from_samples([4.0, 5.0, 6.0]), noise=0)
    z = 4.0 / math.sqrt(5.25)
    assert c.p_value == pytest.approx(math.erfc(z / math.sqrt(2)), rel=1e-9)
    assert c.verdict == "no change"  # 3 samples: the medians' intervals are [min, max]


def test_comparison_attributes_and_repr():
    c = compare(spread(1.0), spread(2.0))
    assert (c.baseline, c.candidate) == ("c1.0", "c2.0")
    assert isinstance(c.ci, tuple) and len(c.ci) == 2
    assert "verdict='slower'" in repr(c)


def test_measured_functions_compare_sensibly():
    def fast():
        sum(range(50))

    def slow():
        sum(range(2000))

    opts = dict(min_time=0.002, max_time=1.5, samples=15, progress=False)
    a, b = bench(fast, **opts), bench(slow, **opts)
    c = compare(a, b)
    assert c.verdict == "slower" and c.ratio > 5  # ~40x more work
    assert compare(b, a).verdict == "faster"


@pytest.mark.parametrize(
    "args, kwargs, exc, needle",
    [
        ((1.0, None), {}, TypeError, "baseline must be a Stats"),
        ((None, 1.0), {}, TypeError, "baseline must be a Stats"),
        (("stats", "stats"), {}, TypeError, "baseline"),
    ],
)
def test_bad_input_types(args, kwargs, exc, needle):
    with pytest.raises(exc, match=needle):
        compare(*args, **kwargs)


def test_bad_input_values():
    s = spread(1.0)
    with pytest.raises(TypeError, match="candidate must be a Stats"):
        compare(s, [1.0, 2.0])
    with pytest.raises(ValueError, match="noise"):
        compare(s, s, noise=-0.01)
    with pytest.raises(ValueError, match="noise"):
        compare(s, s, noise=float("nan"))
    with pytest.raises(TypeError, match="noise"):
        compare(s, s, noise="1%")
    other_unit = Stats.from_samples([1.0, 2.0, 3.0], unit="B/s")
    with pytest.raises(ValueError, match="candidate.*unit"):
        compare(s, other_unit)
    zero = Stats.from_samples([0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="baseline"):
        compare(zero, s)
