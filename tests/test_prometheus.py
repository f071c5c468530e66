"""Prometheus: the text format (checked by promtool), serve_metrics, PrometheusCollector, push —
and a real Prometheus scraping real worker processes, and a real Pushgateway.

The servers run on loopback with free ports, are stopped in ``finally`` blocks, and every wait is
bounded. Tests needing ``prometheus``, ``prometheus-pushgateway`` or ``promtool`` skip with the
reason when the program is not on PATH (Debian packages ``prometheus``, ``prometheus-pushgateway``).
"""

from __future__ import annotations

import json
import math
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

import performance_timing as pt
from performance_timing import timed

# Local traffic only, never through a proxy from the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
FAMILIES = (
    ("performance_timing_calls_total", "counter"),
    ("performance_timing_seconds_total", "counter"),
    ("performance_timing_self_seconds_total", "counter"),
    ("performance_timing_idle_seconds_total", "counter"),
    ("performance_timing_call_duration_seconds", "histogram"),
)
BOUNDS_NS = [2**k for k in range(7, 38)]  # the histogram's le bounds, as in docs/how-to/prometheus.md


def needs(program: str) -> str:
    path = shutil.which(program)
    if path is None:
        pytest.skip(f"{program} is not on PATH (apt-get install prometheus prometheus-pushgateway)")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 5.0) -> tuple[int, dict[str, str], str]:
    try:
        with OPENER.open(url, timeout=timeout) as reply:
            return reply.status, dict(reply.headers), reply.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read().decode()


def wait_for(what: str, check, timeout: float = 30.0, every: float = 0.2):
    """Polls ``check()`` until it returns a true value; fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = check()
            if last:
                return last
        except (OSError, ValueError, KeyError, IndexError) as e:
            last = e
        time.sleep(every)
    pytest.fail(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


LABEL = re.compile(r'([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"')
SAMPLE = re.compile(r"^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$")


def unescape(value: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), value)


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """``{(name, sorted labels): value}`` of a text exposition (a parser of our own, so the
    tests of the format do not depend on the code under test)."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample line: {line!r}"
        labels = tuple(sorted((k, unescape(v)) for k, v in LABEL.findall(m.group(2) or "")))
        key = (m.group(1), labels)
        assert key not in out, f"duplicate series {key}"
        out[key] = float(m.group(3))
    return out


def series(text: str, name: str, **labels: str) -> dict[tuple, float]:
    return {
        k: v
        for k, v in samples(text).items()
        if k[0] == name and all((l, labels[l]) in k[1] for l in labels)
    }


def bucket_width(seconds: float) -> float:
    """Width in seconds of the histogram bucket holding ``seconds``: (2^k, 2^(k+1)] ns → 2^k ns."""
    ns = max(seconds * 1e9, 1.0)
    upper = next((b for b in BOUNDS_NS if ns <= b), BOUNDS_NS[-1])
    return upper / 2 / 1e9


# --- the text format -------------------------------------------------------------------------


@timed("prom_step")
def prom_step(n: int) -> int:
    return sum(range(n))


ODD_MODULE = 'odd "module"\\ with\nnewline'


def record_some_calls() -> None:
    for i in range(25):
        prom_step(10 * (i % 5))
    with pt._native._scope(ODD_MODULE, 'odd "name"'):
        pass


def test_text_has_every_family_and_exact_counts():
    record_some_calls()
    snap = pt.snapshot()
    text = snap.to_prometheus()
    assert text.endswith("\n")
    for name, kind in FAMILIES:
        assert f"# TYPE {name} {kind}\n" in text
        assert re.search(rf"^# HELP {name} \S", text, re.M)
    rec = snap["prom_step"]
    labels = {"function": "prom_step", "module": rec.module_path}
    (calls,) = series(text, "performance_timing_calls_total", **labels).values()
    assert calls == rec.calls >= 25
    (total,) = series(text, "performance_timing_seconds_total", **labels).values()
    assert total == pytest.approx(rec.total_secs, rel=1e-9)
    (self_secs,) = series(text, "performance_timing_self_seconds_total", **labels).values()
    assert self_secs == pytest.approx(rec.self_secs, rel=1e-9)
    buckets = series(text, "performance_timing_call_duration_seconds_bucket", **labels)
    by_le = {dict(k[1])["le"]: v for k, v in buckets.items()}
    les = [le for le in by_le if le != "+Inf"]
    assert sorted(float(le) for le in les) == [b / 1e9 for b in BOUNDS_NS]
    assert les[0] == "1.28e-07" and "137.438953472" in les  # written as Go / prometheus_client do
    counts = [by_le[le] for le in sorted(les, key=float)] + [by_le["+Inf"]]
    assert counts == sorted(counts), "cumulative counts never decrease"
    assert by_le["+Inf"] == rec.calls
    (count,) = series(text, "performance_timing_call_duration_seconds_count", **labels).values()
    assert count == rec.calls
    (total_sum,) = series(text, "performance_timing_call_duration_seconds_sum", **labels).values()
    # The mean is whole nanoseconds: mean × calls is within `calls` ns of the sum.
    assert total_sum == pytest.approx(rec.mean_secs * rec.calls, abs=rec.calls * 1e-9)


def test_label_values_are_escaped():
    record_some_calls()
    text = pt.snapshot().to_prometheus()
    assert r'function="odd \"name\"",module="odd \"module\"\\ with\nnewline"' in text
    found = series(text, "performance_timing_calls_total", module=ODD_MODULE)
    assert [dict(k[1])["function"] for k in found] == ['odd "name"']


def test_promtool_accepts_the_text():
    promtool = needs("promtool")
    record_some_calls()
    pt.compare_seq_vs_parallel([1.0] * 1000, iterations=1)
    text = pt.snapshot().to_prometheus()
    check = subprocess.run(
        [promtool, "check", "metrics"], input=text, capture_output=True, text=True, timeout=60
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert check.stdout.strip() == "" and check.stderr.strip() == "", "no lint findings"


# --- prometheus_client -----------------------------------------------------------------------


def test_collector_yields_the_same_samples_as_the_text():
    pytest.importorskip("prometheus_client", reason="prometheus_client is not installed")
    from prometheus_client import CollectorRegistry, generate_latest

    record_some_calls()
    registry = CollectorRegistry()
    registry.register(pt.PrometheusCollector())
    ours = samples(pt.snapshot().to_prometheus())
    theirs = {
        k: v
        for k, v in samples(generate_latest(registry).decode()).items()
        if k[0].startswith("performance_timing_")
    }
    assert theirs == ours
    assert repr(pt.PrometheusCollector()) == "PrometheusCollector()"


# --- serve_metrics ---------------------------------------------------------------------------


def test_serve_metrics_serves_the_profile_until_closed():
    record_some_calls()
    server = pt.serve_metrics(0)
    try:
        assert server.addr == "127.0.0.1" and server.port > 0 and not server.closed
        assert server.url == f"http://127.0.0.1:{server.port}/metrics"
        status, headers, body = get(server.url)
        assert status == 200
        assert headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
        assert samples(body) == samples(pt.snapshot().to_prometheus())
        assert get(f"http://127.0.0.1:{server.port}/")[0] == 404
    finally:
        server.close()
    assert server.closed and "closed" in repr(server)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
    server.close()  # twice: nothing happens


def test_serve_metrics_as_context_manager_and_on_ipv6():
    with pt.serve_metrics(0, addr="localhost") as server:   # the one host name accepted
        assert server.addr == "127.0.0.1"
        assert get(server.url)[0] == 200
    assert server.closed
    if not socket.has_ipv6:
        return
    try:
        server = pt.serve_metrics(0, "::1")
    except OSError:  # no IPv6 loopback in this container
        return
    with server:
        assert server.addr == "::1"
        assert get(f"http://[::1]:{server.port}/metrics")[0] == 200


@pytest.mark.parametrize(
    ("port", "addr", "error", "message"),
    [
        (-1, "127.0.0.1", ValueError, "port must be between 0 and 65535"),
        (65536, "127.0.0.1", ValueError, "port must be between 0 and 65535"),
        ("80", "127.0.0.1", TypeError, "port must be an integer"),
        (True, "127.0.0.1", TypeError, "port must be an integer"),
        (2**70, "127.0.0.1", ValueError, "port must be between 0 and 65535, got 1180591620717411303424"),
        (0, "nonsense", ValueError, "addr must be an IP address"),
        (0, "example.com", ValueError, "or 'localhost' (no other host name is looked up)"),
        (0, 127, TypeError, "addr must be a str"),
    ],
)
def test_serve_metrics_refuses_bad_arguments(port, addr, error, message):
    with pytest.raises(error, match=re.escape(message)):
        pt.serve_metrics(port, addr)


def test_serve_metrics_on_a_busy_port_is_an_oserror():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(OSError, match="cannot listen on 127.0.0.1:"):
            pt.serve_metrics(busy.getsockname()[1])


# --- push: arguments -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "job", "grouping", "error", "message"),
    [
        ("http://127.0.0.1:9", "", None, ValueError, "job must not be empty"),
        ("https://gw:9091", "j", None, ValueError, "https is not supported"),
        ("ftp://gw:9091", "j", None, ValueError, "gateway_url must be an http:// URL"),
        ("http://gw:99999", "j", None, ValueError, "gateway_url has a port"),
        ("http://127.0.0.1:9", "j", {"1a": "x"}, ValueError, "grouping keys must be label names"),
        ("http://127.0.0.1:9", "j", {"job": "x"}, ValueError, 'grouping names the label "job"'),
        ("http://127.0.0.1:9", "j", {"a": 1}, TypeError, "grouping must be a dict of str to str"),
        ("http://127.0.0.1:9", "j", [("a", "b")], TypeError, "grouping must be a dict"),
        (9091, "j", None, TypeError, "gateway_url must be a str"),
        ("http://127.0.0.1:9", None, None, TypeError, "job must be a str"),
    ],
)
def test_push_refuses_bad_arguments(url, job, grouping, error, message):
    with pytest.raises(error, match=re.escape(message)):
        pt.push(url, job, grouping)


def test_push_to_nothing_is_an_oserror():
    with pytest.raises(ConnectionRefusedError, match="cannot push to the Pushgateway"):
        pt.push(f"http://127.0.0.1:{free_port()}", "j")


# --- a real Pushgateway ----------------------------------------------------------------------


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_push_reaches_a_real_pushgateway(tmp_path):
    program = needs("prometheus-pushgateway")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = open(tmp_path / "pushgateway.log", "w")
    gateway = subprocess.Popen(
        [
            program,
            f"--web.listen-address=127.0.0.1:{port}",
            # Debian's default persists to /var/lib/prometheus: keep this run's state private.
            f"--persistence.file={tmp_path / 'pushgateway.data'}",
        ],
        stdout=log,
        stderr=log,
    )
    try:
        wait_for("the Pushgateway", lambda: get(f"{url}/-/ready", timeout=1)[0] == 200)
        pt.reset()
        for _ in range(17):
            prom_step(3)
        grouping = {"instance": "runner 1", "branch": "feature/x", "empty": "", "odd": "é?&+%."}
        pt.push(url, "nightly/bench", grouping)

        def group():
            data = json.loads(get(f"{url}/api/v1/metrics")[2])["data"]
            (found,) = [g for g in data if g["labels"]["job"] == "nightly/bench"]
            return found

        g = group()
        assert g["labels"] == {"job": "nightly/bench", **grouping}
        (calls,) = [
            m for m in g["performance_timing_calls_total"]["metrics"]
            if m["labels"]["function"] == "prom_step"
        ]
        assert calls["value"] == "17"
        (hist,) = [
            m for m in g["performance_timing_call_duration_seconds"]["metrics"]
            if m["labels"]["function"] == "prom_step"
        ]
        assert hist["count"] == "17" and hist["buckets"]["+Inf"] == "17"
        assert len(hist["buckets"]) == len(BOUNDS_NS) + 1

        # A second push replaces the group (HTTP PUT).
        prom_step(3)
        pt.push(url, "nightly/bench", grouping)
        (calls,) = [
            m for m in group()["performance_timing_calls_total"]["metrics"]
            if m["labels"]["function"] == "prom_step"
        ]
        assert calls["value"] == "18"

        # The gateway's refusal is an OSError carrying its reason.
        with pytest.raises(OSError, match="answered HTTP 404"):
            pt.push(f"{url}/no/such/prefix", "j")
    finally:
        stop(gateway)
        log.close()


# --- a real Prometheus scraping real worker processes ----------------------------------------

WORKER = textwrap.dedent(
    """
    import json, sys
    import performance_timing as pt
    from performance_timing import timed

    calls = int(sys.argv[1])

    @timed("fleet_step")
    def fleet_step(i):
        # Durations spread over several power-of-two buckets.
        return sum(range(40 * (1 + i % 9) ** 2))

    for i in range(calls):
        fleet_step(i)
    pt.compare_seq_vs_parallel([1.0] * 20_000, iterations=3)  # #[timed] Rust kernels
    snap = pt.snapshot()
    server = pt.serve_metrics(0)
    print(json.dumps({
        "port": server.port,
        "snapshot": snap.to_json(),
        "calls": {r.name: r.calls for r in snap},
        "percentiles": {q: snap["fleet_step"].percentile(q) for q in (50, 90)},
    }), flush=True)
    sys.stdin.read()  # serve until the test closes stdin
    server.close()
    """
)
WORKER_CALLS = (300, 500, 700)


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    """Three worker processes serving /metrics and a Prometheus scraping them every second."""
    program = needs("prometheus")
    tmp = tmp_path_factory.mktemp("prometheus")
    procs: list[subprocess.Popen] = []
    try:
        for n in WORKER_CALLS:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-c", WORKER, str(n)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                )
            )
        workers = []
        for proc in procs:
            line = proc.stdout.readline()  # bounded by the worker's short run
            assert line, f"a worker ended early (exit code {proc.wait(timeout=10)})"
            workers.append(json.loads(line))
        port = free_port()
        targets = ", ".join(f"'127.0.0.1:{w['port']}'" for w in workers)
        config = tmp / "prometheus.yml"
        config.write_text(
            "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
            "scrape_configs:\n  - job_name: fleet\n"
            f"    static_configs:\n      - targets: [{targets}]\n"
        )
        log = open(tmp / "prometheus.log", "w")
        prometheus = subprocess.Popen(
            [
                program,
                f"--config.file={config}",
                f"--storage.tsdb.path={tmp / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
            ],
            stdout=log,
            stderr=log,
        )
        procs.append(prometheus)
        url = f"http://127.0.0.1:{port}"
        wait_for("Prometheus to start", lambda: get(f"{url}/-/ready", timeout=1)[0] == 200)
        query = lambda expr: prom_query(url, expr)  # noqa: E731
        wait_for(
            "every worker to be scraped",
            lambda: query('count(up{job="fleet"} == 1)') == {(): len(workers)}
            and query('count(performance_timing_calls_total{function="fleet_step"})')
            == {(): len(workers)},
        )
        yield query, workers
    finally:
        for proc in procs:
            if proc.stdin:
                proc.stdin.close()
        for proc in procs:
            stop(proc)
            if proc.stdout:
                proc.stdout.close()


def prom_query(url: str, expr: str) -> dict[tuple, float]:
    """An instant query: ``{sorted labels: value}``."""
    status, _, body = get(f"{url}/api/v1/query?" + urllib.parse.urlencode({"query": expr}))
    reply = json.loads(body)
    assert status == 200 and reply["status"] == "success", body
    return {
        tuple(sorted(r["metric"].items())): float(r["value"][1]) for r in reply["data"]["result"]
    }


def test_prometheus_counts_every_call_of_every_worker(fleet):
    query, workers = fleet
    total = query('sum(performance_timing_calls_total{function="fleet_step"})')
    assert total == {(): float(sum(WORKER_CALLS))}
    for kernel in ("seq_sum_of_squares", "par_sum_of_squares"):
        expected = sum(w["calls"][kernel] for w in workers)
        assert expected > 0
        got = query(f'sum(performance_timing_calls_total{{function="{kernel}"}})')
        assert got == {(): float(expected)}, kernel
    count = query('sum(performance_timing_call_duration_seconds_count{function="fleet_step"})')
    assert count == {(): float(sum(WORKER_CALLS))}


def test_histogram_quantile_agrees_with_each_workers_percentile(fleet):
    query, workers = fleet
    for w in workers:
        for q, ours in w["percentiles"].items():
            expr = (
                f"histogram_quantile({int(q) / 100}, performance_timing_call_duration_seconds_bucket"
                f'{{function="fleet_step",instance="127.0.0.1:{w["port"]}"}})'
            )
            (theirs,) = query(expr).values()
            assert abs(theirs - ours) <= bucket_width(max(theirs, ours)), (q, theirs, ours)


def merged_percentile(workers: list[dict], name: str, q: float) -> float:
    """Our percentile of ``name`` over every worker: the merge of their snapshots."""
    merged = pt.Snapshot.merge([pt.Snapshot.from_json(w["snapshot"]) for w in workers])
    return merged[name].percentile(q)


def test_histogram_quantile_agrees_with_the_merged_percentile(fleet):
    query, workers = fleet
    for q in (50, 90):
        ours = merged_percentile(workers, "fleet_step", q)
        expr = (
            f"histogram_quantile({q / 100}, sum by (le) "
            '(performance_timing_call_duration_seconds_bucket{function="fleet_step"}))'
        )
        (theirs,) = query(expr).values()
        assert math.isfinite(theirs)
        assert abs(theirs - ours) <= bucket_width(max(theirs, ours)), (q, theirs, ours)


def test_fleet_example_prints_a_merged_profile_and_its_text():
    example = pathlib.Path(__file__).parent.parent / "examples" / "fleet.py"
    run = subprocess.run(
        [sys.executable, str(example), "--workers", "2", "--calls", "200"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    text = "\n".join(
        line for line in run.stdout.splitlines() if line.startswith(("#", "performance_timing_"))
    )
    (calls,) = series(text, "performance_timing_calls_total", function="handle").values()
    # The two workers' 200 calls add up (exactly, whichever pool process ran which task).
    assert calls == 400
    (count,) = series(text, "performance_timing_call_duration_seconds_count").values()
    assert count == calls
