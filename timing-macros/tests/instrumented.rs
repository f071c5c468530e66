//! Instrumented functions still behave exactly like the originals (values, errors, panics,
//! `Send` futures). Recording itself is tested in `timing-runtime`.

use std::fmt;
use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use timing_runtime::timed;

#[timed]
fn add(a: u64, b: u64) -> u64 {
    a + b
}

#[timed(name = "renamed")]
fn renamed(x: i32) -> i32 {
    -x
}

struct Parser {
    base: u32,
}

impl Parser {
    #[timed]
    fn new(base: u32) -> Self {
        Self { base }
    }

    #[timed]
    fn parse(&self, text: &str) -> Result<u32, std::num::ParseIntError> {
        let n = u32::from_str_radix(text, self.base)?;
        Ok(n)
    }

    #[timed]
    fn bump(&mut self) -> u32 {
        self.base += 1;
        self.base
    }

    #[timed]
    async fn parse_later(&self, text: &str) -> Result<u32, std::num::ParseIntError> {
        ready().await;
        let n = u32::from_str_radix(text, self.base)?;
        if n == 0 {
            return Ok(100);
        }
        Ok(n)
    }
}

struct Lexer;

impl Lexer {
    #[timed]
    fn new() -> Self {
        Lexer
    }
}

impl fmt::Display for Parser {
    #[timed]
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Parser(base {})", self.base)
    }
}

trait Shape {
    fn area(&self) -> f64;

    #[timed]
    fn double_area(&self) -> f64 {
        2.0 * self.area()
    }
}

struct Square(f64);

impl Shape for Square {
    #[timed]
    #[inline]
    fn area(&self) -> f64 {
        self.0 * self.0
    }
}

struct Wrapper<T>(T);

impl<T: Clone> Wrapper<T> {
    #[timed]
    fn get(&self) -> T {
        self.0.clone()
    }
}

#[timed]
fn largest<T: PartialOrd + Copy>(items: &[T]) -> Option<T> {
    let mut best = *items.first()?;
    for &item in items {
        if item > best {
            best = item;
        }
    }
    Some(best)
}

#[timed]
fn total(items: impl IntoIterator<Item = u32>) -> u32 {
    items.into_iter().sum()
}

/// # Safety
/// `ptr` must be valid for reads.
#[timed]
unsafe fn read(ptr: *const u8) -> u8 {
    // SAFETY: the caller guarantees `ptr` is valid.
    unsafe { *ptr }
}

#[timed]
fn early(x: i32) -> &'static str {
    if x < 0 {
        return "negative";
    }
    "non-negative"
}

#[timed]
fn explode(x: u32) -> u32 {
    if x > 1 {
        panic!("boom {x}");
    }
    x
}

#[timed]
fn unit(counter: &mut u32) {
    *counter += 1;
}

#[timed]
fn recursive(n: u64) -> u64 {
    if n <= 1 { 1 } else { n * recursive(n - 1) }
}

#[timed]
fn outer() -> u32 {
    #[timed]
    fn inner() -> u32 {
        7
    }
    inner() + 1
}

#[timed]
async fn fetch(x: u32) -> Result<u32, String> {
    ready().await;
    if x == 0 {
        return Err("zero".to_owned());
    }
    let half: u32 = checked_half(x)?;
    ready().await;
    Ok(half)
}

fn checked_half(x: u32) -> Result<u32, String> {
    if x % 2 == 0 {
        Ok(x / 2)
    } else {
        Err(format!("{x} is odd"))
    }
}

#[timed(name = "async_named")]
async fn holds_across_await(v: Vec<u32>) -> usize {
    let total = v.len();
    ready().await;
    total + v.len()
}

/// A future that is pending once, so `.await` really suspends.
fn ready() -> impl Future<Output = ()> {
    let mut polled = false;
    std::future::poll_fn(move |cx| {
        if polled {
            Poll::Ready(())
        } else {
            polled = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
}

struct NoopWake;

impl Wake for NoopWake {
    fn wake(self: Arc<Self>) {}
}

/// Polls `fut` to completion on this thread.
fn block_on<F: Future>(fut: F) -> F::Output {
    let waker = Waker::from(Arc::new(NoopWake));
    let mut cx = Context::from_waker(&waker);
    let mut fut = pin!(fut);
    loop {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

fn assert_send<T: Send>(_: &T) {}

#[test]
fn free_functions_return_their_values() {
    assert_eq!(add(2, 3), 5);
    assert_eq!(renamed(4), -4);
    assert_eq!(largest(&[3, 9, 2]), Some(9));
    assert_eq!(largest::<f64>(&[]), None);
    assert_eq!(largest(&["b", "a"]), Some("b"));
    assert_eq!(total(vec![1, 2, 3]), 6);
    assert_eq!(total([4u32; 3]), 12);
    assert_eq!(recursive(5), 120);
    assert_eq!(outer(), 8);
    let byte = 42u8;
    // SAFETY: a reference is valid for reads.
    assert_eq!(unsafe { read(&byte) }, 42);
    let mut counter = 0;
    unit(&mut counter);
    unit(&mut counter);
    assert_eq!(counter, 2);
}

#[test]
fn methods_keep_receivers_and_results() {
    let mut parser = Parser::new(16);
    assert_eq!(parser.parse("ff"), Ok(255));
    assert!(parser.parse("zz").is_err());
    assert_eq!(parser.bump(), 17);
    assert_eq!(parser.to_string(), "Parser(base 17)");
    let _lexer: Lexer = Lexer::new();
    assert_eq!(Square(3.0).area(), 9.0);
    assert_eq!(Square(3.0).double_area(), 18.0);
    assert_eq!(Wrapper(String::from("x")).get(), "x");
}

#[test]
fn early_return_and_question_mark_are_unchanged() {
    assert_eq!(early(-1), "negative");
    assert_eq!(early(1), "non-negative");
    assert_eq!(block_on(fetch(8)), Ok(4));
    assert_eq!(block_on(fetch(0)), Err("zero".to_owned()));
    assert_eq!(block_on(fetch(3)), Err("3 is odd".to_owned()));
}

#[test]
fn panics_propagate_through_the_guard() {
    assert_eq!(explode(1), 1);
    let caught = std::panic::catch_unwind(|| explode(2));
    let payload = caught.expect_err("explode(2) panics");
    assert_eq!(
        payload.downcast_ref::<String>().map(String::as_str),
        Some("boom 2")
    );
}

#[test]
fn async_functions_and_methods_complete_with_their_values() {
    let parser = Parser::new(10);
    assert_eq!(block_on(parser.parse_later("12")), Ok(12));
    assert_eq!(block_on(parser.parse_later("0")), Ok(100));
    assert!(block_on(parser.parse_later("x")).is_err());
    assert_eq!(block_on(holds_across_await(vec![1, 2, 3])), 6);
}

#[test]
fn async_futures_stay_send_and_move_across_threads() {
    let fut = fetch(10);
    assert_send(&fut);
    let fut = holds_across_await(vec![5; 4]);
    assert_send(&fut);
    let out = std::thread::spawn(move || block_on(fut)).join().unwrap();
    assert_eq!(out, 8);
    let parser = Parser::new(8);
    let fut = parser.parse_later("17");
    assert_send(&fut);
    assert_eq!(block_on(fut), Ok(15));
}

#[timed]
async fn timed_body(x: u32) -> u32 {
    ready().await;
    x
}

async fn plain_body(x: u32) -> u32 {
    ready().await;
    x
}

#[test]
fn disabled_feature_compiles_instrumentation_out() {
    // The instrumented future also holds the timing wrapper, unless the feature removed it.
    let timed = size_of_val(&timed_body(1));
    let plain = size_of_val(&plain_body(1));
    if cfg!(feature = "disabled") {
        assert_eq!(timed, plain);
    } else {
        assert!(timed > plain, "timed {timed} B vs plain {plain} B");
    }
    assert_eq!(block_on(timed_body(3)), 3);
    assert_eq!(block_on(plain_body(3)), 3);
}
