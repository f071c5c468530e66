//! The fixed reference workload that [`bench()`](super::bench()) interleaves with the function
//! it measures, so that results can be compared relative to it
//! ([`Relative`](crate::stats::Relative)).
//!
//! A front end supplies a workload that runs like the code it measures: Rust's [`bench()`] uses
//! [`rust_mix`] (integer arithmetic with data-dependent divisions, ~2 µs); the Python module
//! uses a fixed Python function (loops, integer arithmetic, a dict, a list, a call), because a
//! change of the machine's speed slows interpreted code and compiled loops differently. A
//! workload is named, and only figures relative to the *same* workload are compared: change a
//! workload's code only together with its name.
//!
//! [`bench()`]: super::bench()

use std::hint::black_box;
use std::time::Duration;

/// A named reference workload: one call of `call` is one iteration.
pub struct Workload<R> {
    /// The workload's name and version, saved with every result (`"rust-mix/1"`).
    pub name: String,
    /// One call of the workload.
    pub call: R,
}

/// The name of [`rust_mix`].
pub const RUST_MIX: &str = "rust-mix/1";

/// The name of the Python reference workload, which the Python binding runs beside every
/// function it benchmarks (its source lives there, as Python code). Saved results compare
/// only against the same workload: change the name whenever the workload changes.
pub const PYTHON_MIX: &str = "python-mix/1";

/// The longest a reference sample lasts: a reference sample is sized to last as long as the
/// function's first sample, but at most this, so that long samples (a fixed `iterations`) do
/// not double the run time.
pub const MAX_REFERENCE_SAMPLE: Duration = Duration::from_millis(10);

/// Rust's reference workload: 256 rounds of a xorshift generator with a data-dependent
/// division each (about 2 µs here). Never change it without changing [`RUST_MIX`].
///
/// ```
/// use timing_runtime::bench::reference::rust_mix;
/// assert!(rust_mix::<()>().is_ok());
/// ```
pub fn rust_mix<E>() -> Result<(), E> {
    let mut x = black_box(0x9E37_79B9_7F4A_7C15u64);
    let mut acc = 0u64;
    for i in 0..256u64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        acc = acc.wrapping_add(x % (i + 3));
    }
    black_box(acc);
    Ok(())
}

/// [`rust_mix`] as a [`Workload`].
pub fn rust_workload<E>() -> Workload<fn() -> Result<(), E>> {
    Workload {
        name: RUST_MIX.to_owned(),
        call: rust_mix::<E>,
    }
}
