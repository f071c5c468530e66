#![deny(warnings)]
#![forbid(unsafe_code)]

use timing_runtime::timed;

#[timed]
fn add(a: u32, b: u32) -> u32 {
    a + b
}

#[timed(name = "renamed")]
pub fn renamed() {}

fn main() {
    assert_eq!(add(1, 2), 3);
    renamed();
}
