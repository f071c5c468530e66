#![deny(warnings)]

use timing_runtime::timed;

/// Documented, inlined, `must_use`: all attributes survive the expansion.
#[timed]
#[inline]
#[must_use = "the sum is the point"]
#[allow(clippy::needless_return)]
pub fn sum(a: u32, b: u32) -> u32 {
    return a + b;
}

#[timed]
#[cfg(any())]
fn compiled_out() -> u32 {
    missing_function()
}

#[inline(always)]
#[timed]
fn outer() -> u32 {
    // A `#[timed]` function nested in another one has its own call site.
    #[timed]
    fn inner() -> u32 {
        1
    }
    inner() + inner()
}

#[timed]
#[track_caller]
fn caller_line() -> u32 {
    std::panic::Location::caller().line()
}

#[timed]
fn inner_attribute() -> u32 {
    #![allow(unused_variables)]
    let unused = 1;
    2
}

fn main() {
    assert_eq!(inner_attribute(), 2);
    assert_eq!(sum(1, 2), 3);
    assert_eq!(outer(), 2);
    let line = line!() + 1;
    assert_eq!(caller_line(), line);
}
