use timing_runtime::timed;

#[timed(name = "  ")]
fn work() {}

fn main() {
    work();
}
