#![deny(warnings)]

use std::num::ParseIntError;

use timing_runtime::timed;

#[timed]
fn parse_sum(a: &str, b: &str) -> Result<i64, ParseIntError> {
    let a: i64 = a.parse()?;
    let b: i64 = b.parse()?;
    Ok(a + b)
}

#[timed]
fn boxed(a: &str) -> Result<u8, Box<dyn std::error::Error>> {
    Ok(a.parse::<u8>()?)
}

#[timed]
fn head(items: &[u8]) -> Option<u8> {
    Some(*items.first()? + 1)
}

fn main() {
    assert_eq!(parse_sum("2", "40"), Ok(42));
    assert!(parse_sum("x", "1").is_err());
    assert!(boxed("300").is_err());
    assert_eq!(head(&[1]), Some(2));
    assert_eq!(head(&[]), None);
}
