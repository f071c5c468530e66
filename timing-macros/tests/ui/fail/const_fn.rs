use timing_runtime::timed;

#[timed]
const fn answer() -> u32 {
    42
}

// The original item is still emitted: using it produces no further error.
const ANSWER: u32 = answer();

fn main() {
    assert_eq!(ANSWER, 42);
}
