"""Memory bandwidth: measure_memory_throughput's kernels and threads, stream(), CacheWarning."""

from __future__ import annotations

import os
import warnings

import pytest

import performance_timing as pt

KERNELS = ["read", "copy", "scale", "add", "triad"]


@pytest.fixture(scope="module")
def cache_bytes() -> int:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pt.CacheWarning)
        return pt.stream(size=1, iterations=1)["cache_bytes"]


def test_default_is_the_read_kernel_on_all_cores():
    # The seed's call: a plausible decimal GB/s figure, no keyword needed.
    gbps = pt.measure_memory_throughput(size=10_000_000, iterations=3)
    assert 0.05 < gbps < 10_000


@pytest.mark.parametrize("kernel", KERNELS)
@pytest.mark.parametrize("threads", [1, 2, None])
def test_every_kernel_and_thread_count(kernel, threads):
    with pytest.warns(pt.CacheWarning, match=kernel):
        gbps = pt.measure_memory_throughput(50_000, 3, kernel=kernel, threads=threads)
    assert 0.05 < gbps < 100_000


def test_cache_warning_is_a_runtime_warning_shown_by_default():
    assert issubclass(pt.CacheWarning, RuntimeWarning)
    assert pt.CacheWarning.__module__ == "performance_timing"


def test_in_cache_size_warns_with_the_sizes(cache_bytes):
    with pytest.warns(pt.CacheWarning) as record:
        pt.measure_memory_throughput(1000, 2)
    message = str(record[0].message)
    assert "8000 bytes" in message and str(cache_bytes) in message
    assert record[0].filename == __file__  # attributed to the caller's line


def test_out_of_cache_size_does_not_warn(cache_bytes):
    size = cache_bytes // 8 + 1024  # read: 8 B/element, just over the cache
    with warnings.catch_warnings():
        warnings.simplefilter("error", pt.CacheWarning)
        assert pt.measure_memory_throughput(size, 2) > 0


def test_warning_threshold_follows_byte_counting(cache_bytes):
    # Triad touches 24 B/element: a third of the read kernel's size already leaves the cache.
    size = cache_bytes // 24 + 1024
    with warnings.catch_warnings():
        warnings.simplefilter("error", pt.CacheWarning)
        pt.measure_memory_throughput(size, 1, kernel="triad")
    with pytest.warns(pt.CacheWarning, match="read"):
        pt.measure_memory_throughput(size, 1, kernel="read")


def test_stream_mapping(cache_bytes):
    with pytest.warns(pt.CacheWarning):
        result = pt.stream(size=100_000, iterations=3, threads=2)
    assert set(result) == {*KERNELS, "size", "threads", "cache_bytes"}
    assert (result["size"], result["threads"], result["cache_bytes"]) == (100_000, 2, cache_bytes)
    for k in KERNELS:
        assert isinstance(result[k], float) and 0.05 < result[k] < 100_000


def test_stream_defaults_are_four_times_the_cache_on_all_cores(cache_bytes):
    with warnings.catch_warnings():
        warnings.simplefilter("error", pt.CacheWarning)
        result = pt.stream(iterations=1)
    assert result["size"] * 8 >= 4 * cache_bytes
    assert result["threads"] == (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())
    assert 64 * 1024 <= cache_bytes <= 4 * 2**30


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: pt.measure_memory_throughput(10, 1, kernel="sum"), ValueError),
        (lambda: pt.measure_memory_throughput(10, 1, kernel="READ"), ValueError),
        (lambda: pt.measure_memory_throughput(10, 1, kernel=b"read"), TypeError),
        (lambda: pt.measure_memory_throughput(10, 1, kernel=1), TypeError),
        (lambda: pt.measure_memory_throughput(10, 1, threads=0), ValueError),
        (lambda: pt.measure_memory_throughput(10, 1, threads=-2), ValueError),
        (lambda: pt.measure_memory_throughput(10, 1, threads=1.0), TypeError),
        (lambda: pt.measure_memory_throughput(10, 1, threads=True), TypeError),
        (lambda: pt.measure_memory_throughput(10, 1, threads="2"), TypeError),
        (lambda: pt.measure_memory_throughput(10, 1, threads=100_000), ValueError),
        (lambda: pt.measure_memory_throughput(2**60, 1, kernel="triad"), MemoryError),
        (lambda: pt.measure_memory_throughput(10, 1, 2), TypeError),  # kernel is keyword-only
        (lambda: pt.stream(size=0), ValueError),
        (lambda: pt.stream(size=2.5), TypeError),
        (lambda: pt.stream(iterations=0), ValueError),
        (lambda: pt.stream(iterations="3"), TypeError),
        (lambda: pt.stream(threads=0), ValueError),
        (lambda: pt.stream(threads=1.5), TypeError),
        (lambda: pt.stream(size=2**40), MemoryError),
        (lambda: pt.stream(size=2**70), OverflowError),
    ],
)
def test_bad_input(call, error):
    with warnings.catch_warnings():
        warnings.simplefilter("error", pt.CacheWarning)  # refused before any measurement
        with pytest.raises(error):
            call()


def test_memory_error_comes_before_any_work():
    # 3 arrays of 2**36 elements (1.5 TiB) are refused at once, not after touching pages.
    import time

    start = time.perf_counter()
    with pytest.raises(MemoryError, match="bytes"):
        pt.stream(size=2**36, iterations=1)
    assert time.perf_counter() - start < 1.0
