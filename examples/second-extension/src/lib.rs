//! A second example extension: with `profiled_extension` and `performance_timing` in one
//! process, every `#[timed]` function of the three libraries is in one profile. Its tests
//! also import it *before* `performance_timing` (attaching imports it), and build it against
//! another version of the profile API (features `abi-test-major`, `abi-test-minor`).

use pyo3::prelude::*;
use timing_runtime::timed;

/// The sum of the squares of `0..n` (a fixed amount of work per call).
#[timed]
fn sum_of_squares(n: u64) -> u64 {
    (0..n).map(|i| std::hint::black_box(i * i)).sum()
}

/// Calls [`sum_of_squares`] `times` times with `n`; returns the last result.
#[pyfunction]
#[timed(name = "squares_loop")]
fn squares_loop(n: u64, times: u32) -> u64 {
    (0..times).fold(0, |_, _| sum_of_squares(n))
}

/// An `async fn` polled to completion in one step (a guest's `TimedFuture`).
#[timed(name = "async_squares")]
async fn async_squares(n: u64) -> u64 {
    sum_of_squares(n)
}

/// Runs [`async_squares`] to completion on this thread (no event loop: one poll).
#[pyfunction]
fn run_async_squares(n: u64) -> u64 {
    let mut future = std::pin::pin!(async_squares(n));
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// The number of calls of `name` in the profile as this extension's Rust code sees it
/// (`timing_runtime::profile::snapshot()`: the host's when attached).
#[pyfunction]
fn rust_snapshot_calls(name: &str) -> u64 {
    timing_runtime::profile::snapshot()
        .get(name)
        .map_or(0, |r| r.calls())
}

/// A call with nothing in it but its argument (the bench's baseline).
#[inline(never)]
fn plain(i: u64) -> u64 {
    std::hint::black_box(i)
}

/// The same call, `#[timed]`.
#[timed]
#[inline(never)]
fn timed_call(i: u64) -> u64 {
    std::hint::black_box(i)
}

/// Nanoseconds per call of `n` calls of [`timed_call`] (`timed = true`) or [`plain`], the GIL
/// released (for `benchmarks/extension_cost.py`).
#[pyfunction]
fn bench_calls(py: Python<'_>, n: u64, timed: bool) -> f64 {
    py.detach(|| {
        let start = std::time::Instant::now();
        for i in 0..n {
            std::hint::black_box(if timed { timed_call(i) } else { plain(i) });
        }
        start.elapsed().as_nanos() as f64 / n.max(1) as f64
    })
}

/// Whether this extension's runtime records into a host's profile.
#[pyfunction]
fn is_guest() -> bool {
    timing_runtime::profile::shared::is_guest()
}

/// The profile API's major version this extension was built with.
#[pyfunction]
fn abi_major() -> u32 {
    timing_runtime::profile::shared::ABI_MAJOR
}

/// The module.
#[pymodule]
fn second_extension(m: &Bound<'_, PyModule>) -> PyResult<()> {
    py_export::add_profile_api(m)?;
    m.add_function(wrap_pyfunction!(squares_loop, m)?)?;
    m.add_function(wrap_pyfunction!(run_async_squares, m)?)?;
    m.add_function(wrap_pyfunction!(is_guest, m)?)?;
    m.add_function(wrap_pyfunction!(rust_snapshot_calls, m)?)?;
    m.add_function(wrap_pyfunction!(bench_calls, m)?)?;
    m.add_function(wrap_pyfunction!(abi_major, m)?)?;
    Ok(())
}
