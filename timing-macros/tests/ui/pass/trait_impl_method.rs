#![deny(warnings)]

use std::fmt;

use timing_runtime::timed;

trait Shape {
    fn area(&self) -> f64;

    #[timed]
    fn double(&self) -> f64 {
        2.0 * self.area()
    }
}

struct Square(f64);

impl Shape for Square {
    #[timed]
    fn area(&self) -> f64 {
        self.0 * self.0
    }
}

impl fmt::Display for Square {
    #[timed]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Square({})", self.0)
    }
}

impl Iterator for Square {
    type Item = f64;

    #[timed]
    fn next(&mut self) -> Option<f64> {
        None
    }
}

fn main() {
    assert_eq!(Square(2.0).double(), 8.0);
    assert_eq!(Square(2.0).to_string(), "Square(2)");
    assert_eq!(Square(1.0).next(), None);
}
