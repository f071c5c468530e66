"""``PrometheusCollector``: the global profile in an official ``prometheus_client`` registry."""

from __future__ import annotations

from ._native import snapshot

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing costs ~6 ms

if TYPE_CHECKING:
    from typing import Any, Iterator

_LABELS = ("function", "module")
_MISSING = (
    "PrometheusCollector needs the prometheus_client package: "
    "pip install 'performance_timing[prometheus]'"
)


def _client() -> Any:
    try:
        from prometheus_client import core
    except ImportError as e:  # pragma: no cover - exercised only without the optional dependency
        raise ImportError(_MISSING) from e
    return core


class PrometheusCollector:
    """Exposes the global profile through a ``prometheus_client`` registry.

    ``prometheus_client.REGISTRY.register(pt.PrometheusCollector())`` adds, per timed function
    (labels ``function`` and ``module``), the counters ``performance_timing_calls_total``,
    ``performance_timing_seconds_total``, ``performance_timing_self_seconds_total``,
    ``performance_timing_idle_seconds_total`` and the histogram ``performance_timing_call_duration_seconds`` to the ``/metrics`` endpoint the
    application already has: the same families and values as ``Snapshot.to_prometheus()``,
    read from a fresh snapshot at every scrape.

    ``prometheus_client`` is an optional dependency (``pip install
    'performance_timing[prometheus]'``); creating a collector without it raises ``ImportError``.
    """

    def __init__(self) -> None:
        self._core = _client()

    def _families(self, with_samples: bool) -> Iterator[Any]:
        core = self._core
        for name, kind, help_text, samples in snapshot()._prometheus_families():
            if not with_samples:
                samples = []
            if kind == "counter":
                family = core.CounterMetricFamily(name, help_text, labels=_LABELS)
                for function, module, value in samples:
                    family.add_metric((function, module), value)
            else:
                family = core.HistogramMetricFamily(name, help_text, labels=_LABELS)
                for function, module, buckets, total in samples:
                    family.add_metric((function, module), buckets, total)
            yield family

    def collect(self) -> Iterator[Any]:
        """The five metric families, from a snapshot taken now."""
        return self._families(with_samples=True)

    def describe(self) -> Iterator[Any]:
        """The five metric families without samples (what a registry checks names with)."""
        return self._families(with_samples=False)

    def __repr__(self) -> str:
        return "PrometheusCollector()"
