//! Span capture: nesting, counts, threads, drops, one session at a time, async slices, and
//! the Chrome / folded exports. One test function: sessions are process-global.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use serde_json::Value;
use timing_runtime::profile::{self, trace};
use timing_runtime::timed;

#[timed]
fn leaf(x: u64) -> u64 {
    std::hint::black_box(x * 2)
}

#[timed]
fn middle(n: u64) -> u64 {
    (0..n).map(leaf).sum()
}

#[timed(name = "root;with semicolon")]
fn root(n: u64) -> u64 {
    middle(n) + leaf(1)
}

/// Pending once, then ready.
struct YieldOnce(bool);
impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            Poll::Ready(())
        } else {
            self.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[timed]
async fn fetch() -> u64 {
    YieldOnce(false).await;
    leaf(3)
}

fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

fn events(trace: &trace::Trace) -> Vec<Value> {
    let mut json = Vec::new();
    trace.write_chrome_trace(&mut json).unwrap();
    let doc: Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(doc["displayTimeUnit"], "ns");
    assert!(doc["otherData"].is_object());
    doc["traceEvents"].as_array().unwrap().clone()
}

#[test]
fn trace_sessions() {
    assert!(matches!(
        trace::start(0),
        Err(trace::TraceError::Invalid(_))
    ));

    // Calls before the session are not captured; calls in it are, on every thread.
    root(2);
    let session = trace::start(10_000).unwrap();
    assert!(matches!(
        trace::start(10),
        Err(trace::TraceError::AlreadyActive)
    ));
    for _ in 0..3 {
        root(4);
    }
    std::thread::Builder::new()
        .name("worker".into())
        .spawn(|| root(1))
        .unwrap()
        .join()
        .unwrap();
    assert_eq!(block_on(fetch()), 6);
    let trace = session.finish();
    // 3 × (root + middle + 4 leaf + 1 leaf) + (root + middle + 2 leaf) + fetch's 2 polls + leaf
    assert_eq!(trace.len(), 3 * 7 + 4 + 2 + 1);
    assert_eq!(trace.dropped(), 0);
    assert_eq!(trace.async_slices(), 1);
    // After finish nothing is captured, and a new session can start.
    root(1);

    let events = events(&trace);
    let pid = std::process::id() as u64;
    let complete: Vec<&Value> = events.iter().filter(|e| e["ph"] == "X").collect();
    assert_eq!(complete.len(), trace.len());
    for e in &complete {
        assert_eq!(e["pid"].as_u64(), Some(pid));
        assert!(e["ts"].is_f64() && e["dur"].is_f64() && e["tid"].is_u64());
        assert!(e["args"]["module"].is_string() && e["cat"].is_string());
    }
    let count = |name: &str| complete.iter().filter(|e| e["name"] == name).count();
    assert_eq!(count("root;with semicolon"), 4);
    assert_eq!(count("middle"), 4);
    assert_eq!(count("leaf"), 3 * 5 + 2 + 1);
    assert_eq!(count("fetch"), 2);
    let names: Vec<&str> = events
        .iter()
        .filter(|e| e["ph"] == "M" && e["name"] == "thread_name")
        .map(|e| e["args"]["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"worker"), "{names:?}");
    assert!(events.iter().any(|e| e["name"] == "process_name"));
    let b: Vec<&Value> = events.iter().filter(|e| e["ph"] == "b").collect();
    let e: Vec<&Value> = events.iter().filter(|e| e["ph"] == "e").collect();
    assert_eq!((b.len(), e.len()), (1, 1));
    assert_eq!(b[0]["id"], e[0]["id"]);
    assert!(b[0]["ts"].as_f64() <= e[0]["ts"].as_f64());

    // Per-thread nesting: a stack of open spans, every span inside its parent.
    let mut by_tid: std::collections::BTreeMap<u64, Vec<(f64, f64)>> = Default::default();
    for e in &complete {
        let ts = e["ts"].as_f64().unwrap();
        let end = ts + e["dur"].as_f64().unwrap();
        by_tid
            .entry(e["tid"].as_u64().unwrap())
            .or_default()
            .push((ts, end));
    }
    for spans in by_tid.values_mut() {
        spans.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
        let mut stack: Vec<f64> = Vec::new();
        for &(ts, end) in spans.iter() {
            while stack.last().is_some_and(|&top| top <= ts) {
                stack.pop();
            }
            if let Some(&top) = stack.last() {
                assert!(
                    end <= top + 1e-9,
                    "span ({ts}, {end}) crosses its parent's end {top}"
                );
            }
            stack.push(end);
        }
    }

    // Folded: `;` in a name replaced, weights sum to the duration of the root spans.
    let folded = trace.folded();
    assert!(
        folded.contains("root:with semicolon;middle;leaf "),
        "{folded}"
    );
    let total: u64 = folded
        .lines()
        .map(|l| l.rsplit_once(' ').unwrap().1.parse::<u64>().unwrap())
        .sum();
    let roots: f64 = complete
        .iter()
        .filter(|e| e["name"] == "root;with semicolon" || e["name"] == "fetch")
        .map(|e| e["dur"].as_f64().unwrap())
        .sum();
    assert!((total as f64 / 1000.0 - roots).abs() < 1e-6 * roots.max(1.0) + 0.01);

    // The flame graph draws the same stacks.
    let mut svg = Vec::new();
    trace.write_flamegraph(&mut svg, "test").unwrap();
    let svg = String::from_utf8(svg).unwrap();
    for name in ["root:with semicolon", "middle", "leaf", "fetch"] {
        assert!(svg.contains(name), "{name} missing from the SVG");
    }

    // A full buffer drops further spans and counts them; kept spans keep their parents.
    let session = trace::start(5).unwrap();
    root(10); // root, middle, 10 + 1 leaf
    let trace = session.finish();
    assert_eq!(trace.len(), 5);
    assert_eq!(trace.dropped(), 13 - 5);

    // Recording off: nothing captured; a dropped session ends capture.
    let session = trace::start(100).unwrap();
    profile::set_enabled(false);
    root(1);
    profile::set_enabled(true);
    drop(session);
    let session = trace::start(100).unwrap();
    root(1);
    assert_eq!(session.finish().len(), 4);
    assert!(profile::is_enabled());
}
