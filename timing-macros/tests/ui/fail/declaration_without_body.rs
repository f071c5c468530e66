use timing_runtime::timed;

trait Shape {
    #[timed]
    fn area(&self) -> f64;
}

struct Unit;

impl Shape for Unit {
    fn area(&self) -> f64 {
        1.0
    }
}

fn main() {
    assert_eq!(Unit.area(), 1.0);
}
