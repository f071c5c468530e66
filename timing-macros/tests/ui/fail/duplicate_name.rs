use timing_runtime::timed;

#[timed(name = "a", name = "b")]
fn work() {}

fn main() {
    work();
}
