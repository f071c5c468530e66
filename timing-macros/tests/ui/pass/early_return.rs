#![deny(warnings)]

use timing_runtime::timed;

#[timed]
fn sign(x: i32) -> &'static str {
    if x < 0 {
        return "negative";
    }
    if x == 0 {
        return "zero";
    }
    "positive"
}

#[timed]
fn first_even(items: &[u32]) -> Option<u32> {
    for &item in items {
        if item % 2 == 0 {
            return Some(item);
        }
    }
    None
}

#[timed]
fn diverges() -> ! {
    std::process::exit(0)
}

fn main() {
    assert_eq!(sign(-3), "negative");
    assert_eq!(sign(0), "zero");
    assert_eq!(sign(9), "positive");
    assert_eq!(first_even(&[1, 3, 4, 6]), Some(4));
    assert_eq!(first_even(&[1]), None);
    diverges();
}
