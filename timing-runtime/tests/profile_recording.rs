//! Recording behaviour of the global profiler, through `#[timed]` and through the
//! `CallSite`/`Guard` interface it expands to. Every test uses its own names: they share one
//! profile.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use timing_runtime::profile::{self, CallSite, Guard, Span, TimedFuture};
use timing_runtime::timed;

macro_rules! site {
    ($name:expr) => {{
        static SITE: CallSite = CallSite::new(Some($name), module_path!(), file!(), line!(), || "");
        &SITE
    }};
}

fn calls(name: &str) -> u64 {
    profile::snapshot().get(name).map_or(0, |r| r.calls())
}

#[test]
fn exact_counts_from_eight_threads() {
    #[timed(name = "eight_threads_hot")]
    fn hot() {
        std::hint::black_box(1 + 1);
    }
    let handles: Vec<_> = (0..8)
        .map(|_| {
            thread::spawn(|| {
                for _ in 0..200_000 {
                    hot();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let snap = profile::snapshot();
    let r = snap.get("eight_threads_hot").unwrap();
    assert_eq!(r.calls(), 1_600_000);
    assert!(r.min() <= r.mean() && r.mean() <= r.max());
    // The threads have exited: their counts live in the exited-threads total.
    let exited = snap
        .threads()
        .iter()
        .find(|t| t.thread == "(exited threads)")
        .unwrap();
    assert_eq!(
        exited
            .records
            .iter()
            .find(|r| r.name() == "eight_threads_hot")
            .unwrap()
            .calls(),
        1_600_000
    );
}

#[test]
fn self_time_excludes_timed_children() {
    #[timed(name = "nested_inner")]
    fn inner() {
        thread::sleep(Duration::from_millis(20));
    }
    #[timed(name = "nested_outer")]
    fn outer() {
        thread::sleep(Duration::from_millis(10));
        inner();
        inner();
    }
    outer();
    let snap = profile::snapshot();
    let (o, i) = (
        snap.get("nested_outer").unwrap(),
        snap.get("nested_inner").unwrap(),
    );
    assert_eq!((o.calls(), i.calls()), (1, 2));
    assert!(o.total() >= Duration::from_millis(50));
    assert!(o.self_time() >= Duration::from_millis(10));
    assert!(
        o.self_time() < Duration::from_millis(35),
        "{:?}",
        o.self_time()
    );
    // Exact in raw clock ticks; each figure is rounded to whole nanoseconds separately.
    let children = o.total() - o.self_time();
    assert!(children.abs_diff(i.total()) <= Duration::from_nanos(2));
    assert_eq!(i.self_time(), i.total());
}

#[test]
fn recursion_counts_calls_but_not_inclusive_time_twice() {
    #[timed(name = "recursive")]
    fn recurse(depth: u32) {
        thread::sleep(Duration::from_millis(2));
        if depth > 1 {
            recurse(depth - 1);
        }
    }
    let start = std::time::Instant::now();
    recurse(5);
    let wall = start.elapsed();
    let snap = profile::snapshot();
    let r = snap.get("recursive").unwrap();
    assert_eq!(r.calls(), 5);
    assert!(r.total() <= wall, "{:?} > {:?}", r.total(), wall);
    assert!(r.total() >= Duration::from_millis(10));
    // Self time of all frames adds up to the outermost inclusive time.
    let diff = r.total().abs_diff(r.self_time());
    assert!(diff < Duration::from_micros(50), "{diff:?}");
    assert!(r.max() >= r.total() - Duration::from_micros(50));
}

#[test]
fn early_returns_and_panics_are_recorded() {
    #[timed(name = "early_return")]
    fn early(x: i32) -> Result<i32, String> {
        if x < 0 {
            return Err("negative".into());
        }
        let y: i32 = "12".parse().map_err(|_| "parse")?;
        Ok(x + y)
    }
    #[timed(name = "panicking")]
    fn panics() {
        panic!("boom");
    }
    assert!(early(-1).is_err());
    assert_eq!(early(1), Ok(13));
    assert!(std::panic::catch_unwind(panics).is_err());
    assert_eq!(calls("early_return"), 2);
    assert_eq!(calls("panicking"), 1);
}

/// A future that is pending once, then ready.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<u32> {
        if self.0 {
            Poll::Ready(7)
        } else {
            self.0 = true;
            Poll::Pending
        }
    }
}

#[test]
fn async_future_moved_across_threads() {
    fn assert_send<T: Send>(_: &T) {}
    let mut fut = Box::pin(TimedFuture::new(site!("async_moved"), YieldOnce(false)));
    assert_send(&fut);
    let mut cx = Context::from_waker(Waker::noop());
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    let out = thread::spawn(move || {
        thread::sleep(Duration::from_millis(15));
        let mut cx = Context::from_waker(Waker::noop());
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(v) => v,
            Poll::Pending => panic!("should be ready"),
        }
    })
    .join()
    .unwrap();
    assert_eq!(out, 7);
    let snap = profile::snapshot();
    let r = snap.get("async_moved").unwrap();
    assert_eq!(r.calls(), 1);
    assert!(
        r.total() >= Duration::from_millis(15),
        "wall time across the await"
    );
    assert!(r.self_time() < Duration::from_millis(5), "polls are short");
}

#[test]
fn snapshot_while_other_threads_record() {
    let stop = Arc::new(AtomicBool::new(false));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let stop = stop.clone();
            thread::spawn(move || {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    let _g = Guard::enter(site!("busy_recorder"));
                    n += 1;
                }
                n
            })
        })
        .collect();
    let mut last = 0;
    for _ in 0..50 {
        let snap = profile::snapshot();
        if let Some(r) = snap.get("busy_recorder") {
            assert!(r.calls() >= last, "counts never go backwards");
            assert!(r.min() <= r.max());
            last = r.calls();
        }
        thread::sleep(Duration::from_millis(1));
    }
    stop.store(true, Ordering::Relaxed);
    let total: u64 = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(calls("busy_recorder"), total);
    assert!(last > 0);
}

#[test]
fn spans_must_close_on_their_thread() {
    let span = Span::open(site!("span_site"));
    let err = thread::spawn(move || span.close()).join().unwrap();
    assert!(err.is_err());
    let span = Span::open(site!("span_site"));
    span.close().unwrap();
    assert_eq!(calls("span_site"), 1);
}

#[test]
fn percentiles_are_ordered_and_validated() {
    for i in 0..200u64 {
        let _g = Guard::enter(site!("percentiles"));
        if i % 50 == 0 {
            thread::sleep(Duration::from_millis(1));
        }
    }
    let snap = profile::snapshot();
    let r = snap.get("percentiles").unwrap();
    let p = |q| r.percentile(q).unwrap();
    assert!(r.min() <= p(0.0) && p(0.0) <= p(50.0) && p(50.0) <= p(99.0));
    assert!(p(99.0) <= p(100.0) && p(100.0) <= r.max());
    assert!(p(100.0) >= Duration::from_millis(1));
    assert!(r.percentile(101.0).is_err() && r.percentile(-1.0).is_err());
    assert!(r.percentile(f64::NAN).is_err());
}

#[test]
fn table_and_json_show_records() {
    {
        let _g = Guard::enter(site!("reported_fn"));
    }
    let snap = profile::snapshot();
    let table = snap.to_table();
    assert!(table.lines().next().unwrap().starts_with("name"));
    assert!(table.contains("reported_fn"));
    let json: serde_json::Value = serde_json::from_str(&snap.to_json()).unwrap();
    assert_eq!(json["schema"], "performance_timing.profile/2");
    let rec = json["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "reported_fn")
        .unwrap();
    assert_eq!(rec["calls"], 1);
    assert!(rec["p99_secs"].as_f64().unwrap() >= 0.0);
}

#[test]
fn interned_sites_are_shared_by_name() {
    let a = profile::intern("py.mod", "stage");
    let b = profile::intern("py.mod", "stage");
    assert!(std::ptr::eq(a, b));
    let c = profile::intern("py.other", "stage");
    assert!(!std::ptr::eq(a, c));
}

#[test]
fn snapshots_race_with_new_call_sites() {
    // New sites are registered (and recorded) while another thread takes snapshots: a snapshot
    // must never see a slot whose site it cannot name.
    let stop = Arc::new(AtomicBool::new(false));
    let snapshots = {
        let stop = stop.clone();
        thread::spawn(move || {
            let mut taken = 0u32;
            while !stop.load(Ordering::Relaxed) {
                let _ = profile::snapshot();
                taken += 1;
            }
            taken
        })
    };
    for i in 0..3_000 {
        let site = profile::intern("race", &format!("site-{i}"));
        profile::enter_scope(site);
        profile::exit_scope(site).unwrap();
    }
    stop.store(true, Ordering::Relaxed);
    assert!(snapshots.join().unwrap() > 0);
    let snap = profile::snapshot();
    assert_eq!(snap.get("site-2999").map(|r| r.calls()), Some(1));
}
