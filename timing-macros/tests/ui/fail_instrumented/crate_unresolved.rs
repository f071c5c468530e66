// A path that names no crate: rustc's own error, at the path the user wrote.
use timing_runtime::timed;

#[timed(crate = no_such_crate)]
fn work() -> u32 {
    1
}

fn main() {
    work();
}
