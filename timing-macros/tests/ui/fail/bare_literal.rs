use timing_runtime::timed;

#[timed("stage")]
fn work() {}

fn main() {
    work();
}
