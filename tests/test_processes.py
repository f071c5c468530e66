"""Processes, fork and signals: parallel kernels work in forked children, Ctrl-C stops them.

Before, a forked child (``os.fork()`` or a ``multiprocessing`` fork-pool worker) of a parent
that had used ``compare_seq_vs_parallel`` on 100 000 elements or more hung forever (rayon's
global pool does not survive ``fork``), and Ctrl-C was ignored until a Rust kernel ended (20 s
and more with large counts). Every case runs in a subprocess with a timeout.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

# Every parallel entry point, called with a small but real workload (≥ 100 000 elements).
PARALLEL_CALLS = {
    "compare_seq_vs_parallel": "pt.compare_seq_vs_parallel(DATA, 3)",
    "compare_scaling": "pt.compare_scaling(DATA, 2, runs=2)",
    "scaling_sweep": "pt.scaling_sweep([100_000], iterations=1, runs=1)",
    "stream": "pt.stream(size=100_000, iterations=2)",
    "measure_memory_throughput": "pt.measure_memory_throughput(100_000, 2)",
}

FORK_CHECK = """
import json, multiprocessing, os, sys, time, warnings
import performance_timing as pt
warnings.simplefilter("ignore")
DATA = [1.0] * 200_000
CALLS = {calls}

def run_all(_=None):
    for source in CALLS.values():
        eval(source)
    return os.getpid()

eval({first!r})  # the parent uses the entry point first
pid = os.fork()
if pid == 0:
    try:
        run_all()
    finally:
        os._exit(0 if sys.exc_info()[0] is None else 3)
deadline = time.monotonic() + 40
while True:
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        break
    if time.monotonic() > deadline:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        print(json.dumps({{"fork": "hung"}}))
        sys.exit(0)
    time.sleep(0.02)
fork = os.waitstatus_to_exitcode(status)
with multiprocessing.get_context("fork").Pool(2) as pool:
    try:
        workers = pool.map_async(run_all, range(2)).get(timeout=40)
        result = "ok" if all(w != os.getpid() for w in workers) else "not in workers"
    except multiprocessing.TimeoutError:
        result = "hung"
print(json.dumps({{"fork": fork, "pool": result, "parent": run_all() == os.getpid()}}))
"""


@pytest.mark.parametrize("first", PARALLEL_CALLS)
def test_forked_children_can_use_every_parallel_entry_point(first):
    code = FORK_CHECK.format(calls=json.dumps(PARALLEL_CALLS), first=PARALLEL_CALLS[first])
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=150
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {
        "fork": 0,
        "pool": "ok",
        "parent": True,
    }


# --- Ctrl-C -------------------------------------------------------------------------------

INTERRUPT_CHILD = """
import json, os, time, warnings, itertools
import performance_timing as pt
warnings.simplefilter("ignore")

def tasks():
    return len(os.listdir("/proc/self/task"))

{warm}
before = tasks()
print("ready", flush=True)
try:
    {call}
    print(json.dumps({{"interrupted": False}}), flush=True)
except KeyboardInterrupt:
    caught = time.monotonic()
    after = tasks()
    cpu = time.process_time()
    time.sleep(0.3)
    idle_cpu = time.process_time() - cpu
    print(json.dumps({{"interrupted": True, "caught": caught, "before": before,
                      "after": after, "idle_cpu": idle_cpu}}), flush=True)
"""


def interrupt(call: str, warm: str = "", delay: float = 0.5) -> dict:
    """Runs ``call`` in a fresh interpreter, sends SIGINT ``delay`` seconds into it and returns
    what the child saw: whether it raised ``KeyboardInterrupt``, ``delay`` (seconds from the
    signal to the exception, one system-wide monotonic clock), its thread count before the call
    and after the exception, and the CPU time it used in 0.3 s right after."""
    code = INTERRUPT_CHILD.format(call=call, warm=warm)
    proc = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(delay)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, err[-2000:]
    result = json.loads(out.strip().splitlines()[-1])
    if result["interrupted"]:
        result["delay"] = result["caught"] - sent
    return result


# Long-running calls (minutes if not interrupted) and a small call of the same entry point
# that warms it up first (its threads exist before the count is taken).
LONG_CALLS = {
    "compare_seq_vs_parallel": (
        "pt.compare_seq_vs_parallel([1.0] * 1_000_000, 10**7)",
        "pt.compare_seq_vs_parallel([1.0] * 1000, 1)",
    ),
    "compare_scaling": (
        "pt.compare_scaling([1.0] * 1_000_000, 10**7, threads=2, runs=5)",
        "pt.compare_scaling([1.0] * 1000, 1, threads=2, runs=1)",
    ),
    "measure_memory_throughput": (
        "pt.measure_memory_throughput(4_000_000, 10**7, threads=2)",
        "pt.measure_memory_throughput(1000, 1, threads=2)",
    ),
    "stream": (
        "pt.stream(size=2_000_000, iterations=10**7, threads=2)",
        "pt.stream(size=1000, iterations=1, threads=2)",
    ),
    "scaling_sweep": (
        "pt.scaling_sweep([1_000_000], threads=[1, 2], iterations=10**7, runs=5)",
        "pt.scaling_sweep([1000], threads=[1, 2], iterations=1, runs=1)",
    ),
    "reading an endless iterable": (
        "pt.Stats.from_samples(float(i) for i in itertools.count())",
        "",
    ),
}


@pytest.mark.parametrize("entry", LONG_CALLS)
def test_ctrl_c_stops_every_long_running_entry_point(entry):
    call, warm = LONG_CALLS[entry]
    result = interrupt(call, warm)
    assert result["interrupted"], result
    # The target is 0.2 s (see benchmarks/interrupt_latency.py); this bound only catches
    # a call that ignores the signal until a pass or the whole call ends.
    assert result["delay"] < 1.0, result
    assert result["after"] <= result["before"], f"threads left running: {result}"
    assert result["idle_cpu"] < 0.1, f"work left running in the background: {result}"


def test_a_signal_handlers_own_exception_propagates():
    """Any exception a Python signal handler raises stops the kernel and propagates."""
    code = textwrap.dedent(
        """
        import signal, warnings
        import performance_timing as pt
        warnings.simplefilter("ignore")
        def on_alarm(signum, frame):
            raise TimeoutError("alarm")
        signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        try:
            pt.measure_memory_throughput(1_000_000, 10**8, threads=1)
        except TimeoutError as e:
            print("raised", e)
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "raised alarm", proc.stderr[-2000:]


def test_ctrl_c_while_a_large_buffer_is_first_touched():
    meminfo = open("/proc/meminfo").read()
    available = int(meminfo.split("MemAvailable:")[1].split()[0]) * 1024
    if available < 8 * 2**30:
        pytest.skip("needs 8 GiB of free memory for a buffer that takes a while to write")
    result = interrupt("pt.measure_memory_throughput(2**29, 1)", delay=0.2)  # 4 GiB
    assert result["interrupted"] and result["delay"] < 1.0, result
