#![deny(warnings)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use timing_runtime::timed;

#[timed]
async fn fetch(x: u32) -> Result<u32, String> {
    if x == 0 {
        return Err("zero".to_owned());
    }
    let half = halve(x)?;
    std::future::ready(()).await;
    Ok(half)
}

fn halve(x: u32) -> Result<u32, String> {
    if x % 2 == 0 { Ok(x / 2) } else { Err(format!("{x} is odd")) }
}

#[timed(name = "pipeline")]
pub async fn pipeline(items: Vec<u32>) -> u32 {
    let mut total = 0;
    for item in items {
        total += fetch(item).await.unwrap_or(0);
    }
    total
}

#[timed]
async fn generic<T: Send + Clone>(value: &T) -> T {
    value.clone()
}

#[timed]
async fn pattern((a, b): (u32, u32), _unused: String) -> u32 {
    a + b
}

#[timed]
async fn opaque(flag: bool) -> impl std::fmt::Display {
    if flag {
        return 1;
    }
    2
}

#[timed]
fn evens(limit: u32) -> impl Iterator<Item = u32> {
    (0..limit).filter(|n| n % 2 == 0)
}

fn assert_send<T: Send>(_: &T) {}

fn block_on<F: Future>(fut: F) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    let mut fut = pin!(fut);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fn main() {
    let fut = pipeline(vec![2, 3, 8]);
    assert_send(&fut);
    assert_eq!(block_on(fut), 5);
    assert_eq!(block_on(fetch(0)), Err("zero".to_owned()));
    let s = String::from("x");
    let fut = generic(&s);
    assert_send(&fut);
    assert_eq!(block_on(fut), "x");
    assert_eq!(block_on(pattern((1, 2), String::new())), 3);
    assert_eq!(block_on(opaque(true)).to_string(), "1");
    assert_eq!(evens(5).count(), 3);
}
