//! Prometheus: `serve_metrics` (a `/metrics` endpoint on a background thread, `MetricsServer`)
//! and `push` (to a Pushgateway). `Snapshot.to_prometheus()` is in `profile/snapshot.rs`.

use pyo3::prelude::*;
use timing_runtime::export::metrics_server::{DEFAULT_ADDR, MetricsServer};
use timing_runtime::export::pushgateway;

use crate::args;
use crate::errors::net_error;

/// A ``/metrics`` endpoint served by a background thread (see ``serve_metrics``). It serves
/// until ``close()`` (also on leaving a ``with`` block); losing the object does not stop it.
#[pyclass(frozen, module = "performance_timing", name = "MetricsServer")]
pub struct PyMetricsServer {
    inner: MetricsServer,
}

#[pymethods]
impl PyMetricsServer {
    /// The port the server listens on (the one picked when asked for port 0).
    #[getter]
    fn port(&self) -> u16 {
        self.inner.port()
    }

    /// The address the server listens on.
    #[getter]
    fn addr(&self) -> String {
        self.inner.local_addr().ip().to_string()
    }

    /// The URL of the metrics, ``http://addr:port/metrics``.
    #[getter]
    fn url(&self) -> String {
        format!("http://{}/metrics", self.inner.local_addr())
    }

    /// Whether ``close()`` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.is_closed()
    }

    /// Stops serving and frees the port: requests in progress are cut, and it returns within
    /// about 2 s whatever the peers do. Closing twice does nothing. In a process forked while
    /// the server ran, the server's threads are the parent's: ``close()`` only marks this
    /// copy closed, and the parent's server keeps serving.
    fn close(&self, py: Python<'_>) {
        py.detach(|| self.inner.close());
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (_exc_type=None, _exc_value=None, _traceback=None))]
    fn __exit__(
        &self,
        py: Python<'_>,
        _exc_type: Option<&Bound<'_, PyAny>>,
        _exc_value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> bool {
        self.close(py);
        false
    }

    fn __repr__(&self) -> String {
        format!(
            "MetricsServer(url='{}'{})",
            self.url(),
            if self.inner.is_closed() {
                ", closed"
            } else {
                ""
            }
        )
    }
}

/// Serves the global profile in the Prometheus text format at ``http://addr:port/metrics`` from
/// a background thread (no GIL needed), for a process without a metrics endpoint of its own.
/// ``port=0`` picks a free port (read ``.port``); ``addr`` is an IP address (``"0.0.0.0"`` for
/// every interface) or ``"localhost"`` (127.0.0.1; no other host name is looked up, so the
/// address bound is the one written) and is loopback unless told otherwise. Returns a
/// ``MetricsServer``.
#[pyfunction]
#[pyo3(signature = (port, addr = None), text_signature = "(port, addr='127.0.0.1')")]
pub fn serve_metrics(
    port: &Bound<'_, PyAny>,
    addr: Option<&Bound<'_, PyAny>>,
) -> PyResult<PyMetricsServer> {
    let port = args::port(port, "port")?;
    let addr = match addr {
        Some(a) if !a.is_none() => args::string(a, "addr")?,
        _ => DEFAULT_ADDR.to_owned(),
    };
    let inner = MetricsServer::serve_profile(&addr, port).map_err(net_error)?;
    Ok(PyMetricsServer { inner })
}

/// Pushes the global profile to the Prometheus Pushgateway at ``gateway_url``
/// (``http://host:9091``) under ``job`` and the ``grouping`` labels (a dict of str to str),
/// replacing what that group held (HTTP ``PUT``). For batch jobs that end before a scrape.
/// The whole exchange (connect, send, read the answer) must end within ``timeout`` seconds
/// (default 10), else ``TimeoutError`` ("timed out"). A refusal, a truncated answer or an
/// unreachable gateway raises ``OSError``.
#[pyfunction]
#[pyo3(
    signature = (gateway_url, job, grouping = None, timeout = None),
    text_signature = "(gateway_url, job, grouping=None, timeout=10.0)"
)]
pub fn push(
    py: Python<'_>,
    gateway_url: &Bound<'_, PyAny>,
    job: &Bound<'_, PyAny>,
    grouping: Option<&Bound<'_, PyAny>>,
    timeout: Option<&Bound<'_, PyAny>>,
) -> PyResult<()> {
    let url = args::string(gateway_url, "gateway_url")?;
    let job = args::string(job, "job")?;
    let grouping = args::labels(grouping, "grouping")?;
    let timeout = match timeout {
        Some(t) if !t.is_none() => args::positive_seconds(t, "timeout")?,
        _ => pushgateway::PUSH_TIMEOUT,
    };
    py.detach(|| pushgateway::push_profile(&url, &job, &grouping, timeout))
        .map_err(net_error)
}
