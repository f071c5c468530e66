use timing_runtime::timed;

#[timed(crate = 42)]
fn work() -> u32 {
    1
}

fn main() {
    work();
}
