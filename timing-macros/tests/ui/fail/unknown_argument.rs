use timing_runtime::timed;

#[timed(foo = 1)]
fn work() -> u32 {
    1
}

fn main() {
    work();
}
