//! The shape of async work `tests/test_async.py` runs in Python, in Rust: two handlers joined on
//! one thread, each awaiting two fetches in turn, each fetch waiting `MS` ms inside a scope
//! (`profile::enter_scope` / `exit_scope`, what Python's `with timed("wait")` does). Prints the
//! profile as JSON, a line `---`, then the folded stacks of a trace of the run, so the Python
//! test can compare the two languages' records figure by figure.
//!
//! Run: `cargo run -p performance-timing-examples --bin async_shape [MS]` (default 50).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use timing_runtime::profile::{self, CallSite, trace};
use timing_runtime::timed;

static WAIT: CallSite = CallSite::new(Some("wait"), "async_shape", file!(), line!(), || "");

/// Pending until its deadline (the executor below polls again every millisecond).
struct Sleep(Instant);

impl Future for Sleep {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.0 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

#[timed(name = "fetch")]
async fn fetch(ms: u64) {
    profile::enter_scope(&WAIT);
    Sleep(Instant::now() + Duration::from_millis(ms)).await;
    profile::exit_scope(&WAIT).expect("the scope is open in this call");
}

#[timed(name = "handler")]
async fn handler(ms: u64) {
    fetch(ms).await;
    fetch(ms).await;
}

/// Polls two futures inside its own poll, as `futures::join!` does.
struct Join<A: Future, B: Future>(Pin<Box<A>>, Pin<Box<B>>, bool, bool);

impl<A: Future, B: Future> Future for Join<A, B> {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = &mut *self;
        if !this.2 {
            this.2 = this.0.as_mut().poll(cx).is_ready();
        }
        if !this.3 {
            this.3 = this.1.as_mut().poll(cx).is_ready();
        }
        if this.2 && this.3 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn main() {
    let ms: u64 = std::env::args()
        .nth(1)
        .map(|a| {
            a.parse()
                .expect("MS must be a whole number of milliseconds")
        })
        .unwrap_or(50);
    profile::reset();
    let session = trace::start(trace::DEFAULT_CAPACITY).expect("no other session");
    block_on(Join(
        Box::pin(handler(ms)),
        Box::pin(handler(ms)),
        false,
        false,
    ));
    let trace = session.finish();
    println!("{}", profile::snapshot().to_json());
    println!("---");
    print!("{}", trace.folded());
}
