"""Every TypeError/ValueError/OverflowError names the argument and what it got, correctly."""

from __future__ import annotations

import array
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import performance_timing as pt

pytestmark = pytest.mark.filterwarnings("ignore::performance_timing.CacheWarning")

NOOP = lambda: None  # noqa: E731

COUNTS = {
    "benchmark.iterations": lambda v: pt.benchmark("b", NOOP, v),
    "benchmark_with_warmup.warmup": lambda v: pt.benchmark_with_warmup("b", NOOP, v, 1),
    "benchmark_statistical.runs": lambda v: pt.benchmark_statistical("b", NOOP, v, 1),
    "compare_seq_vs_parallel.iterations": lambda v: pt.compare_seq_vs_parallel([1.0], v),
    "measure_memory_throughput.size": lambda v: pt.measure_memory_throughput(v, 1),
    "stream.iterations": lambda v: pt.stream(size=64, iterations=v),
    "compare_scaling.runs": lambda v: pt.compare_scaling([1.0], 1, runs=v),
    "bench.samples": lambda v: pt.bench(NOOP, samples=v, progress=False),
    "Timer.stop.iterations": lambda v: pt.Timer("t").stop(v),
    "TimerResult.iterations": lambda v: pt.TimerResult("r", 1.0, v),
    "Stats.from_samples.iterations_per_sample": lambda v: pt.Stats.from_samples([1.0, 2.0], v),
}


@pytest.mark.parametrize("entry", COUNTS)
def test_counts_beyond_64_bits_name_the_argument(entry):
    argument = entry.rsplit(".", 1)[1]
    with pytest.raises(OverflowError, match=rf"^{argument} must be at most 9223372036854775807 .*got 9223372036854775808$"):
        COUNTS[entry](2**63)
    with pytest.raises(OverflowError, match=rf"^{argument} .*got an integer of 1001 bits"):
        COUNTS[entry](2**1000)
    with pytest.raises(ValueError, match=rf"^{argument} must be at least \d, got -1180591620717411303424$"):
        COUNTS[entry](-(2**70))


@pytest.mark.parametrize("entry", COUNTS)
def test_numpy_booleans_are_not_counts(entry):
    argument = entry.rsplit(".", 1)[1]
    with pytest.raises(TypeError, match=rf"^{argument} must be an integer, not numpy\.bool_?$"):
        COUNTS[entry](np.bool_(True))


class Named:
    pass


def test_type_names_outside_the_builtins_are_qualified():
    with pytest.raises(TypeError, match=r"iterations must be an integer, not test_messages\.Named$"):
        pt.benchmark("b", NOOP, Named())
    with pytest.raises(TypeError, match=r"every element of data must be a real number, not test_messages\.Named$"):
        pt.compare_seq_vs_parallel([1.0, Named()], 1)
    with pytest.raises(TypeError, match=r"^duration_secs must be a real number, not str$"):
        pt.Profiler().measure("x", "1.0")


LONE = "x\udc80"

NAMES = {
    "Timer.name": lambda v: pt.Timer(v),
    "TimerResult.name": lambda v: pt.TimerResult(v, 1.0),
    "benchmark.name": lambda v: pt.benchmark(v, NOOP, 1),
    "benchmark_with_warmup.name": lambda v: pt.benchmark_with_warmup(v, NOOP, 0, 1),
    "benchmark_statistical.name": lambda v: pt.benchmark_statistical(v, NOOP, 1, 1),
    "bench.name": lambda v: pt.bench(NOOP, name=v, progress=False),
    "Profiler.measure.name": lambda v: pt.Profiler().measure(v, 1.0),
    "Stats.from_samples.name": lambda v: pt.Stats.from_samples([1.0, 2.0], name=v),
    "Stats.from_samples.unit": lambda v: pt.Stats.from_samples([1.0, 2.0], unit=v),
    "Stats.from_json.s": lambda v: pt.Stats.from_json(v),
    "measure_memory_throughput.kernel": lambda v: pt.measure_memory_throughput(64, 1, kernel=v),
}


@pytest.mark.parametrize("entry", NAMES)
def test_strings_name_the_argument(entry):
    argument = entry.rsplit(".", 1)[1]
    with pytest.raises(ValueError, match=rf"^{argument} must be valid Unicode text, got 'x\\udc80'"):
        NAMES[entry](LONE)
    with pytest.raises(TypeError, match=rf"^{argument} must be a str, not int$"):
        NAMES[entry](3)


DATA = {
    "compare_seq_vs_parallel": lambda v: pt.compare_seq_vs_parallel(v, 1),
    "compare_scaling": lambda v: pt.compare_scaling(v, 1, runs=1),
    "Stats.from_samples": lambda v: pt.Stats.from_samples(v),
}


@pytest.mark.parametrize("entry", DATA)
def test_bytes_like_data_is_refused_consistently(entry):
    """bytes, bytearray and a memoryview of single bytes are bytes, not numbers: refused."""
    for data in (b"abc", bytearray(b"abc"), memoryview(b"abc"), memoryview(bytearray(b"abc"))):
        with pytest.raises(TypeError, match=rf"not {type(data).__name__}$"):
            DATA[entry](data)


@pytest.mark.parametrize("entry", DATA)
def test_typed_buffers_are_numbers(entry):
    """A memoryview of floats or of wider integers is data like the array it views."""
    for data in (
        memoryview(array.array("d", [1.0, 2.0, 3.0])),
        memoryview(array.array("i", [1, 2, 3])),
        memoryview(bytes(24)).cast("d"),
        np.array([1, 2, 3], dtype=np.int32),
    ):
        DATA[entry](data)


@pytest.mark.parametrize("entry", DATA)
def test_complex_data_is_refused(entry):
    for data, kind in (
        ([1.0, 2 + 3j], "complex"),
        (np.array([1.0, 2.0 + 3j]), "numpy.complex128"),
        (np.array([1.0, 2.0], dtype=np.complex64), "numpy.complex64"),
        (np.array([True, False]), r"numpy\.bool_?"),
        ([np.float32(1), np.float32(2), np.complex64(1j)], "numpy.complex64"),  # mixed types
        ([np.float32(1), 2.0, np.float32(3), True], "bool"),
    ):
        with pytest.raises(TypeError, match=rf"every element of \w+ must be a real number, not {kind}$"):
            DATA[entry](data)


def test_complex_scalars_are_refused():
    for value in (1 + 2j, np.complex128(1 + 2j), np.complex64(1)):
        with pytest.raises(TypeError, match="duration_secs must be a real number, not"):
            pt.Profiler().measure("x", value)
        with pytest.raises(TypeError, match="noise must be a real number"):
            pt.compare(pt.Stats.from_samples([1.0, 2.0]), pt.Stats.from_samples([1.0, 2.0]), noise=value)
        with pytest.raises(TypeError, match="q must be a real number"):
            pt.Stats.from_samples([1.0, 2.0]).percentile(value)


def test_huge_integer_elements_name_the_argument():
    with pytest.raises(OverflowError, match="every element of data is too large for a float64"):
        pt.compare_seq_vs_parallel([1.0, 10**400], 1)


def test_thread_start_failure_is_runtime_error():
    """Threads the OS refuses (here: an address-space limit just above what is in use) are a
    RuntimeError naming the thread count, and the next call still works."""
    code = textwrap.dedent(
        """
        import re, resource, warnings
        import performance_timing as pt
        warnings.simplefilter("ignore")
        pt.measure_memory_throughput(64, 1, threads=2)
        used = int(re.search(r"VmSize:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (used + 64 * 2**20, resource.RLIM_INFINITY))
        calls = [
            lambda: pt.measure_memory_throughput(64, 1, threads=1024),
            lambda: pt.stream(size=64, iterations=1, threads=1024),
            lambda: pt.compare_scaling([1.0] * 64, 1, threads=1024, runs=1),
            lambda: pt.scaling_sweep([64], threads=[1024], iterations=1, runs=1),
        ]
        for call in calls:
            try:
                call()
                print("ran")
            except Exception as e:
                print(type(e).__name__, e)
        print(pt.measure_memory_throughput(64, 1, threads=2) > 0)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert lines[-1] == "True"
    for line in lines[:-1]:
        assert line.startswith("RuntimeError cannot start 1024 threads: "), lines
