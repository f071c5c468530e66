"""Paired comparisons (bench_pair, compare(paired=True)), relative figures, old files, bench's
fixed iterations, and the truthfulness fixes of the harness."""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
import textwrap
import time

import pytest
from scipy.stats import binomtest

import performance_timing as pt
from performance_timing import Stats, bench, bench_pair, compare

# --- the paired statistics against SciPy, on fixed data ------------------------------------

PAIRED = [
    ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], [1.1, 2.1, 2.9, 4.5, 5.6, 6.0, 7.9, 9.0]),
    ([2.0 + 0.01 * (i % 7) for i in range(40)], [2.06 + 0.013 * (i % 5) for i in range(40)]),
    ([1.0 + (i * 37 % 11) / 50 for i in range(101)], [1.0 + (i * 53 % 13) / 50 for i in range(101)]),
]


def order_statistic_interval(values: list[float]) -> tuple[float, float]:
    """The narrowest [x(k), x(n+1-k)] with coverage >= 95 %, by SciPy's binomial CDF."""
    from scipy.stats import binom

    n = len(values)
    s = sorted(values)
    k = 0
    while k + 1 <= n // 2 and binom.cdf(k, n, 0.5) <= 0.025:
        k += 1
    return (s[0], s[-1]) if k == 0 else (s[k - 1], s[n - k])


def paired_interval(logs: list[float]) -> tuple[float, float]:
    """The paired interval by its documented formula, with SciPy's quantiles: the order-statistic
    interval, each side widened to the batch-median half-width of 10 consecutive blocks (n // 2
    blocks below 20 pairs) when wider, then combined in quadrature with 1.96 x 0.1 %."""
    from scipy.stats import norm, t

    n = len(logs)
    med = statistics.median(logs)
    lo, hi = order_statistic_interval(logs)
    below, above = med - lo, hi - med
    b = max(1, min(10, n // 2))
    blocks = [statistics.median(logs[k * n // b:(k + 1) * n // b]) for k in range(b)]
    if b >= 2:
        half = t.ppf(0.975, b - 1) * statistics.stdev(blocks) / math.sqrt(b)
        below, above = max(below, half), max(above, half)
    wander = norm.ppf(0.975) * 0.001
    return med - math.hypot(below, wander), med + math.hypot(above, wander)


@pytest.mark.parametrize("base, cand", PAIRED)
def test_paired_compare_matches_scipy(base, cand):
    c = compare(Stats.from_samples(base), Stats.from_samples(cand), paired=True, noise=0.0)
    logs = [math.log(y) - math.log(x) for x, y in zip(base, cand)]
    nonzero = [x for x in logs if x != 0]
    k = sum(x > 0 for x in nonzero)
    assert c.p_value == pytest.approx(binomtest(k, len(nonzero)).pvalue, rel=1e-12)
    assert c.ratio == pytest.approx(math.exp(statistics.median(logs)), rel=1e-12)
    lo, hi = paired_interval(logs)
    assert c.ci == pytest.approx((math.exp(lo), math.exp(hi)), rel=1e-12)
    assert c.method == "paired" and c.paired
    assert c.ratios == pytest.approx([y / x for x, y in zip(base, cand)], rel=1e-15)
    assert c.baseline_stats.samples == base and c.candidate_stats.samples == cand


def test_paired_verdict_needs_the_whole_interval_outside_the_band():
    base = [1.0 + 0.001 * (i % 9) for i in range(60)]
    slow = Stats.from_samples([x * 1.02 for x in base])
    c = compare(Stats.from_samples(base), slow, paired=True, noise=0.01)
    assert c.verdict == "slower" and c.ci[0] > 1.01
    assert compare(Stats.from_samples(base), slow, paired=True, noise=0.05).verdict == "no change"
    fast = Stats.from_samples([x * 0.9 for x in base])
    assert compare(Stats.from_samples(base), fast, paired=True).verdict == "faster"
    with pytest.raises(ValueError, match="pairs"):
        compare(Stats.from_samples(base), Stats.from_samples(base[:10]), paired=True)
    with pytest.raises(ValueError, match="> 0"):
        compare(Stats.from_samples([0.0, 1.0]), Stats.from_samples([1.0, 1.0]), paired=True)


# --- bench_pair ----------------------------------------------------------------------------


def test_bench_pair_alternates_with_equal_calls():
    log: list[str] = []

    def a():
        sum(range(200))
        log.append("a")

    def b():
        sum(range(200))
        log.append("b")

    c = bench_pair(a, b, warmup=0, max_time=0.3, progress=False)
    n = c.baseline_stats.iterations_per_sample
    pairs = len(c.ratios)
    assert c.candidate_stats.iterations_per_sample == n
    assert pairs >= 2 and len(c.baseline_stats.samples) == len(c.candidate_stats.samples) == pairs
    # The sampled calls are the last 2 * pairs * n: blocks of n calls in the order a b b a a b ...
    tail = log[len(log) - 2 * pairs * n:]
    order = [tail[k * n] for k in range(2 * pairs)]
    assert all(set(tail[k * n:(k + 1) * n]) == {order[k]} for k in range(2 * pairs))
    expected = [s for p in range(pairs) for s in (("a", "b") if p % 2 == 0 else ("b", "a"))]
    assert order == expected
    assert abs(log.count("a") - log.count("b")) <= n  # sizing may time one side once more


def test_bench_pair_detects_a_large_change_and_names_sides():
    def short():
        return sum(range(100))

    def long():
        return sum(range(1000))

    start = time.perf_counter()
    c = bench_pair(short, long, max_time=1.0, progress=False)
    took = time.perf_counter() - start
    assert c.verdict == "slower" and c.ratio > 2
    assert c.ci[0] <= c.ratio <= c.ci[1]
    assert (c.baseline, c.candidate) == (short.__qualname__, long.__qualname__)
    assert took < 3.0  # budget 1 s (it settles long before)
    assert "method='paired'" in repr(c)
    named = bench_pair(short, short, name="same", max_time=0.2, progress=False)  # same object: allowed
    assert named.baseline == named.candidate == "same"
    assert named.paired and isinstance(named.warnings, list)


@pytest.mark.parametrize(
    "kwargs, exc, needle",
    [
        ({"noise": -0.01}, ValueError, "noise"),
        ({"noise": 1.0}, ValueError, "noise"),
        ({"noise": float("nan")}, ValueError, "noise"),
        ({"noise": "1%"}, TypeError, "noise"),
        ({"max_time": 0}, ValueError, "max_time"),
        ({"max_time": -1}, ValueError, "max_time"),
        ({"max_time": float("inf")}, ValueError, "max_time"),
        ({"warmup": -0.1}, ValueError, "warmup"),
        ({"name": 3}, TypeError, "name"),
    ],
)
def test_bench_pair_bad_input_before_any_call(kwargs, exc, needle):
    calls: list[int] = []
    with pytest.raises(exc, match=needle):
        bench_pair(lambda: calls.append(1), lambda: calls.append(2), progress=False, **kwargs)
    assert calls == []


def test_bench_pair_refuses_non_callables_and_propagates_exceptions():
    with pytest.raises(TypeError, match="baseline must be callable"):
        bench_pair(42, lambda: None)
    with pytest.raises(TypeError, match="candidate must be callable"):
        bench_pair(lambda: None, "f")

    class Boom(Exception):
        pass

    calls: list[int] = []

    def bad():
        calls.append(1)
        if len(calls) == 5:
            raise Boom("inside")

    with pytest.raises(Boom, match="inside"):
        bench_pair(lambda: None, bad, progress=False)
    assert len(calls) == 5


# --- bench: fixed iterations, the reference, truthfulness ----------------------------------


def test_bench_fixed_iterations_take_exactly_the_samples():
    calls: list[int] = []
    s = bench(lambda: calls.append(1), iterations=13, samples=7, warmup=0, max_time=2, progress=False)
    assert (len(s.samples), s.iterations_per_sample) == (7, 13)
    assert len(calls) == 7 * 13  # no sizing, no warm-up
    assert len(s.reference_samples) == 7 and s.relative > 0
    lo, hi = s.relative_ci
    assert lo <= s.relative <= hi


def test_bench_fixed_iterations_warn_when_the_budget_runs_out():
    s = bench(lambda: time.sleep(0.002), iterations=1, samples=1000, warmup=0, max_time=0.1,
              min_time=0.001, progress=False)
    assert 2 <= len(s.samples) < 1000
    assert any("max_time reached" in w for w in s.warnings)


@pytest.mark.parametrize(
    "value, exc", [(0, ValueError), (-1, ValueError), (1.5, TypeError), ("3", TypeError), (True, TypeError)]
)
def test_bench_bad_iterations(value, exc):
    calls: list[int] = []
    with pytest.raises(exc, match="iterations"):
        bench(lambda: calls.append(1), iterations=value, progress=False)
    assert calls == []


def test_calibration_that_uses_up_the_budget_says_so():
    s = bench(lambda: time.sleep(0.06), warmup=0, min_time=0.001, max_time=0.04, progress=False)
    assert any("calibration" in w and "used up the budget" in w for w in s.warnings), s.warnings


def test_metadata_is_collected_inside_the_budget():
    # platform.platform() made 20x slower: the first bench() must still end near max_time.
    code = textwrap.dedent(
        """
        import platform, time
        slow = platform.platform
        def platform_slowly(*a, **k):
            time.sleep(0.15)
            return slow(*a, **k)
        platform.platform = platform_slowly
        import performance_timing as pt
        t = time.perf_counter()
        s = pt.bench(lambda: None, max_time=0.3, warmup=0.05, progress=False)
        print(time.perf_counter() - t, len(s.samples))
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    took = float(out.stdout.split()[0])
    assert took < 0.3 + 0.1, out.stdout  # outside the budget it would be >= 0.45 s


def test_extreme_magnitudes():
    base = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
    for scale in (1e200, 1e300, 1e-200, 1e-300):
        s = Stats.from_samples([x * scale for x in base])
        assert s.stddev == pytest.approx(statistics.stdev(base) * scale, rel=1e-12)
        assert s.cv == pytest.approx(statistics.stdev(base) / 5.0, rel=1e-12)
        lo, hi = s.mean_ci
        assert math.isfinite(lo) and math.isfinite(hi) and lo < s.mean < hi


# --- saved results: relative comparisons and old files --------------------------------------


def with_reference(samples: list[float], reference: list[float]) -> Stats:
    doc = json.loads(Stats.from_samples(samples, name="f").to_json())
    doc["reference"] = {"workload": "python-mix/1", "iterations_per_sample": 10,
                        "samples": reference}
    return Stats.from_json(json.dumps(doc))


def reference_fit(base: Stats, cand: Stats) -> tuple[float, float, float, float]:
    """Method "reference" by its documented model, with NumPy and SciPy: block medians of log
    time (10 blocks) against those of the reference, one slope within the runs — counting only
    the reference's variation beyond its own scatter (π/2 · (1.4826 · MAD of the samples around
    their block medians)² per block median) — shrunk toward 1 (prior sd 0.5), run wander 2 %;
    returns (ratio, ci low, ci high, p)."""
    import numpy as np
    from scipy.stats import t

    def parts(v: list[float]) -> list[np.ndarray]:
        n = len(v)
        return [np.log(v[k * n // 10:(k + 1) * n // 10]) for k in range(10)]

    def blocks(v: list[float]) -> np.ndarray:
        return np.array([np.median(p) for p in parts(v)])

    def noise(v: list[float]) -> float:
        deviations = np.concatenate([np.abs(p - np.median(p)) for p in parts(v)])
        return 9 * math.pi / 2 * (1.4826 * np.median(deviations)) ** 2 / (len(v) / 10)

    xb, yb = blocks(base.reference_samples), blocks(base.samples)
    xc, yc = blocks(cand.reference_samples), blocks(cand.samples)
    dx = np.concatenate([xb - xb.mean(), xc - xc.mean()])
    dy = np.concatenate([yb - yb.mean(), yc - yc.mean()])
    signal = dx @ dx - noise(base.reference_samples) - noise(cand.reference_samples)
    ls = dx @ dy / (dx @ dx)
    slope = dx @ dy / signal
    df = 20 - 3
    s2 = ((dy - ls * dx) ** 2).sum() / df
    data, prior = signal / s2, 1 / 0.5**2
    beta, var_beta = (slope * data + prior) / (data + prior), 1 / (data + prior)
    shift = xc.mean() - xb.mean()
    delta = yc.mean() - yb.mean() - beta * shift
    sd = math.sqrt(s2 * (1 / 10 + 1 / 10) + shift**2 * var_beta + 0.02**2)
    half = t.ppf(0.975, df) * sd
    p = 2 * t.sf(abs(delta) / sd, df)
    return math.exp(delta), math.exp(delta - half), math.exp(delta + half), p


def test_reference_comparison_matches_its_model_and_follows_the_machine():
    # The machine is 1.5x slower in some stretches of each run (the reference shows it); the
    # function follows only part of that change; the candidate's run was slow more often.
    def run(slow: set[int], cost: float, elasticity: float) -> Stats:
        f, r = [], []
        for i in range(200):
            speed = 1.5 if i // 20 in slow else 1.0
            wobble = 1 + 0.003 * ((i * 7) % 11) / 11
            r.append(1e-6 * speed * wobble)
            f.append(cost * speed**elasticity * (1 + 0.003 * ((i * 5) % 13) / 13))
        return with_reference(f, r)

    base = run({1, 5}, 3e-6, 0.7)
    for cost, expected in ((3e-6, "no change"), (3.3e-6, "slower"), (2.7e-6, "faster")):
        cand = run({0, 2, 3, 6, 8}, cost, 0.7)
        c = compare(base, cand)
        ratio, lo, hi, p = reference_fit(base, cand)
        assert c.method == "reference" and c.verdict == expected and c.noise == 0.01
        assert c.ratio == pytest.approx(ratio, rel=1e-9)
        assert c.ci == pytest.approx((lo, hi), rel=1e-9)
        assert c.p_value == pytest.approx(p, rel=1e-6, abs=1e-12)
        assert c.ratio == pytest.approx(cost / 3e-6, rel=0.01)
        # Divided by the reference alone, the candidate's slow stretches would count against it.
        assert cand.relative / base.relative < 0.95 * cost / 3e-6
    # The same runs by absolute time (reference dropped) look slower.
    plain = [Stats.from_samples(s.samples, name="f") for s in (base, run({0, 2, 3, 6, 8}, 3e-6, 0.7))]
    d = compare(*plain)
    assert d.method == "unpaired" and d.verdict == "slower"
    assert any("ignores drift" in w for w in d.warnings)


def test_a_speed_change_only_between_the_runs_cannot_decide_a_verdict():
    # The machine ran 30 % slower during the whole second run, the function too: nothing in
    # either run shows how the function follows the machine, so only a large change can count.
    wobble = [1.0 + 0.002 * (i % 5) for i in range(200)]
    a = with_reference([3e-6 * w for w in wobble], [1e-6 * w for w in wobble])
    b = with_reference([3.9e-6 * w for w in wobble], [1.3e-6 * w for w in wobble])
    c = compare(a, b)
    assert c.method == "reference" and c.verdict == "no change" and c.warnings == []
    assert c.ratio == pytest.approx(1.0, abs=1e-3)
    assert c.ci[0] < 0.9 and c.ci[1] > 1.1
    # 10 % slower at the same speed is seen.
    assert compare(a, with_reference([3.3e-6 * w for w in wobble], [1e-6 * w for w in wobble])).verdict == "slower"


def test_schema_version_1_still_loads_and_compares():
    doc = json.loads(Stats.from_samples([1e-6, 1.1e-6, 1.2e-6] * 5, name="old").to_json())
    doc["version"] = 1
    doc.pop("reference", None)
    old = Stats.from_json(json.dumps(doc))
    assert old.reference is None and old.relative is None and old.reference_samples is None
    measured = bench(lambda: sum(range(50)), max_time=0.3, progress=False)
    c = compare(old, measured)
    assert c.method == "unpaired"
    assert any("baseline" in w and "ignores drift" in w for w in c.warnings)
    back = Stats.from_json(measured.to_json())
    assert back.reference_samples == measured.reference_samples
    assert back.relative == measured.relative


def test_reference_of_the_wrong_length_is_refused():
    doc = json.loads(bench(lambda: None, max_time=0.2, samples=20, progress=False).to_json())
    doc["reference"]["samples"] = doc["reference"]["samples"][:-1]
    with pytest.raises(ValueError, match="reference"):
        Stats.from_json(json.dumps(doc))


def test_exports():
    assert "bench_pair" in pt.__all__
    assert pt._native._DEFAULTS["bench_pair.max_time"] == 2.0
    assert pt._native._DEFAULTS["bench.iterations"] is None
