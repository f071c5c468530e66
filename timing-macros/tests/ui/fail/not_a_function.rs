use timing_runtime::timed;

#[timed]
struct Point {
    x: i32,
}

#[timed]
enum Kind {
    A,
}

#[timed]
mod inner {}

#[timed]
static COUNT: u32 = 0;

fn main() {
    // The items are still emitted, so using them is fine.
    let p = Point { x: COUNT as i32 };
    let _ = (p.x, Kind::A);
}
