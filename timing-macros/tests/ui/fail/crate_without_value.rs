use timing_runtime::timed;

#[timed(name = "work", crate)]
fn work() -> u32 {
    1
}

fn main() {
    work();
}
