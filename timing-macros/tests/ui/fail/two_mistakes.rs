use timing_runtime::timed;

#[timed(label = "x")]
const fn answer() -> u32 {
    42
}

fn main() {
    let _ = answer();
}
