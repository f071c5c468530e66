use timing_runtime::timed;

#[timed(name = 3)]
fn work() {}

#[timed(name = some_constant)]
fn other() {}

fn main() {
    work();
    other();
}
