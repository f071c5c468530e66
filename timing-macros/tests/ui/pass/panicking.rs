#![deny(warnings)]

use timing_runtime::timed;

#[timed]
fn explode(x: u32) -> u32 {
    if x > 0 {
        panic!("boom");
    }
    x
}

#[timed]
fn always() -> u32 {
    unreachable!("never returns")
}

fn main() {
    // Keep the expected panics out of the test output.
    std::panic::set_hook(Box::new(|_| {}));
    assert_eq!(explode(0), 0);
    assert!(std::panic::catch_unwind(|| explode(1)).is_err());
    assert!(std::panic::catch_unwind(always).is_err());
}
