//! Calls that run in steps (`profile::AsyncCall`, behind `TimedFuture`): concurrent futures on
//! one thread, scopes parked across a suspension, cancellation, busy and idle. One test
//! function: the profile and trace sessions are process-global.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use timing_runtime::profile::{self, AsyncCall, CallSite, TimedFuture, trace};

static REQUEST: CallSite = CallSite::new(Some("request"), "steps", file!(), line!(), || "");
static DB: CallSite = CallSite::new(Some("db"), "steps", file!(), line!(), || "");
static RENDER: CallSite = CallSite::new(Some("render"), "steps", file!(), line!(), || "");
static SLOW: CallSite = CallSite::new(Some("slow"), "steps", file!(), line!(), || "");
static NEVER: CallSite = CallSite::new(Some("never"), "steps", file!(), line!(), || "");
static HAND: CallSite = CallSite::new(Some("hand"), "steps", file!(), line!(), || "");

/// Pending `n` times, then ready.
struct Pending(u32);

impl Future for Pending {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.0 == 0 {
            Poll::Ready(())
        } else {
            self.0 -= 1;
            Poll::Pending
        }
    }
}

/// The request: a `db` scope open across a suspension, then a `render` scope.
async fn request_body() {
    profile::enter_scope(&DB);
    Pending(1).await;
    profile::exit_scope(&DB).unwrap();
    profile::enter_scope(&RENDER);
    std::hint::black_box((0..100).sum::<u64>());
    profile::exit_scope(&RENDER).unwrap();
}

#[test]
fn steps() {
    profile::reset();
    let session = trace::start(10_000).unwrap();
    // Ten requests interleaved on this thread: each one's first poll opens `db` and suspends
    // before the next request starts.
    let mut futures: Vec<_> = (0..10)
        .map(|_| Box::pin(TimedFuture::new(&REQUEST, request_body())))
        .collect();
    let mut cx = Context::from_waker(Waker::noop());
    for f in &mut futures {
        assert!(f.as_mut().poll(&mut cx).is_pending());
    }
    std::thread::sleep(Duration::from_millis(10));
    for f in &mut futures {
        assert!(f.as_mut().poll(&mut cx).is_ready());
    }
    let trace = session.finish();
    let snap = profile::snapshot();
    let (request, db, render) = (
        snap.get("request").unwrap(),
        snap.get("db").unwrap(),
        snap.get("render").unwrap(),
    );
    assert_eq!((request.calls(), db.calls(), render.calls()), (10, 10, 10));
    // every concurrent call counts its own wall time: total = mean × calls
    assert_eq!(db.total_ns(), db.sum_ns());
    assert!(db.total() >= Duration::from_millis(100), "{db:?}");
    assert!(db.idle() >= Duration::from_millis(90), "{db:?}");
    assert_eq!(render.idle_ns(), 0);
    assert!(request.busy_ns() >= db.busy_ns() + render.busy_ns());
    // the steps of one request never contain another's scopes
    let stacks: Vec<String> = trace
        .folded()
        .lines()
        .map(|l| l.rsplit_once(' ').unwrap().0.to_owned())
        .collect();
    assert_eq!(stacks, ["request", "request;db", "request;render"]);
    assert_eq!(trace.async_slices(), 30); // each request, and each of its two scopes

    // A future dropped after its first poll (cancelled) is recorded once, with its open scope.
    {
        let mut slow = Box::pin(TimedFuture::new(&SLOW, async {
            profile::enter_scope(&DB);
            Pending(u32::MAX).await;
        }));
        assert!(slow.as_mut().poll(&mut cx).is_pending());
        std::thread::sleep(Duration::from_millis(5));
    }
    let snap = profile::snapshot();
    assert_eq!(snap.get("slow").unwrap().calls(), 1);
    assert!(snap.get("slow").unwrap().total() >= Duration::from_millis(5));
    assert_eq!(snap.get("db").unwrap().calls(), 11);
    // A future never polled is not a call.
    drop(TimedFuture::new(&NEVER, async {}));
    assert!(profile::snapshot().get("never").is_none());

    // Driving an `AsyncCall` by hand: a step that finishes records once; later steps are
    // unmeasured.
    let mut call = AsyncCall::new(&HAND);
    assert!(!call.is_started());
    let step = call.begin_step();
    profile::enter_scope(&RENDER);
    profile::exit_scope(&RENDER).unwrap();
    call.end_step(step, true);
    assert!(call.is_finished());
    let step = call.begin_step();
    call.end_step(step, true);
    drop(call);
    let snap = profile::snapshot();
    assert_eq!(snap.get("hand").unwrap().calls(), 1);
    assert_eq!(snap.get("render").unwrap().calls(), 11);
    // Scopes outside any step stay on the thread's stack, as before.
    profile::enter_scope(&RENDER);
    profile::exit_scope(&RENDER).unwrap();
    assert!(profile::exit_scope(&RENDER).is_err());
    assert_eq!(profile::snapshot().get("render").unwrap().calls(), 12);
}
