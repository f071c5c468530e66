//! Snapshots written to JSON and read back exactly, and merged as if from many processes.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;

use timing_runtime::profile::{self, CallSite, Guard, Snapshot};

macro_rules! site {
    ($name:expr) => {{
        static SITE: CallSite = CallSite::new(Some($name), module_path!(), file!(), line!(), || "");
        &SITE
    }};
}

/// The profile is one per process and the tests run in parallel: each takes this lock, so no
/// other test records while it reads (a live snapshot's histogram may lag its counters by the
/// calls in flight, as `profile::slot` documents).
fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(PoisonError::into_inner)
}

fn spin(micros: u64) {
    let start = std::time::Instant::now();
    while start.elapsed().as_micros() < micros as u128 {
        std::hint::spin_loop();
    }
}

fn outer() -> Guard {
    Guard::enter(site!("merge_outer"))
}

fn record_some() {
    for i in 0..200u64 {
        let _g = outer();
        let _h = Guard::enter(site!("merge_inner"));
        spin(i % 7);
    }
    thread::spawn(|| {
        for _ in 0..50 {
            let _g = outer();
        }
    })
    .join()
    .unwrap();
}

#[test]
fn json_round_trip_is_exact() {
    let _serial = serial();
    record_some();
    let snap = profile::snapshot();
    let back = Snapshot::from_json(&snap.to_json()).unwrap();
    assert_eq!(back, snap);
    let outer = back.get("merge_outer").unwrap();
    assert!(outer.calls() >= 250);
    assert_eq!(outer.histogram().count(), outer.calls());
    assert_eq!(back.threads(), snap.threads());
    assert_eq!(back.processes(), &[profile::Process::current()]);
    // Readable figures are kept beside the exact ones.
    assert!(snap.to_json().contains("\"p99_secs\""));
}

#[test]
fn merge_adds_exactly() {
    let _serial = serial();
    record_some();
    let a = profile::snapshot();
    let b = Snapshot::from_json(&a.to_json()).unwrap();
    let m = Snapshot::merge([&a, &b]).unwrap();
    for r in a.records() {
        let s = m.get(r.name()).unwrap();
        assert_eq!(s.calls(), 2 * r.calls());
        assert_eq!(s.total_ns(), 2 * r.total_ns());
        assert_eq!(s.self_ns(), 2 * r.self_ns());
        assert_eq!((s.min_ns(), s.max_ns()), (r.min_ns(), r.max_ns()));
        assert_eq!(s.histogram().count(), 2 * r.histogram().count());
        for q in [0.0, 50.0, 90.0, 99.0, 100.0] {
            assert_eq!(s.percentile(q).unwrap(), r.percentile(q).unwrap());
        }
        for k in 5..40 {
            assert_eq!(s.calls_at_most(1 << k), 2 * r.calls_at_most(1 << k));
        }
    }
    // Merging through JSON gives the same result.
    let via_json = Snapshot::merge([
        &Snapshot::from_json(&a.to_json()).unwrap(),
        &Snapshot::from_json(&b.to_json()).unwrap(),
    ])
    .unwrap();
    assert_eq!(via_json.records(), m.records());
    assert_eq!(m.processes().len(), 1);
    assert_eq!(Snapshot::merge([]).unwrap().records().len(), 0);
}

#[test]
fn merge_of_two_processes_names_threads_by_process() {
    let _serial = serial();
    record_some();
    let a = profile::snapshot();
    let text = a
        .to_json()
        .replacen(&format!("\"pid\": {}", std::process::id()), "\"pid\": 1", 1);
    let other = Snapshot::from_json(&text).unwrap();
    let m = Snapshot::merge([&a, &other]).unwrap();
    assert_eq!(m.processes().len(), 2);
    assert!(m.threads().iter().all(
        |t| t.thread.contains(":1/") || t.thread.contains(&format!(":{}/", std::process::id()))
    ));
    let back = Snapshot::from_json(&m.to_json()).unwrap();
    assert_eq!(back, m);
}

#[test]
fn bad_documents_are_refused_with_reasons() {
    let _serial = serial();
    let good = profile::snapshot().to_json();
    let cases = [
        ("not json", "not a profile JSON document"),
        ("[1]", "expected an object"),
        (
            r#"{"schema": "performance_timing.profile/1"}"#,
            "performance_timing.profile/2",
        ),
        (
            r#"{"schema": "performance_timing.profile/2"}"#,
            "missing field",
        ),
    ];
    for (text, needle) in cases {
        let err = Snapshot::from_json(text).unwrap_err().to_string();
        assert!(err.contains(needle), "{text}: {err}");
        assert!(err.starts_with("json "), "{err}");
    }
    record_some();
    let good_with_records = profile::snapshot().to_json();
    let doc: serde_json::Value = serde_json::from_str(&good_with_records).unwrap();
    let mut bad_edge = doc.clone();
    bad_edge["records"][0]["histogram"] = serde_json::json!([[1000, 1]]);
    let err = Snapshot::from_json(&bad_edge.to_string())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("records[0]") && err.contains("1000 ns"),
        "{err}"
    );
    let mut bad_order = doc;
    bad_order["records"][0]["min_ns"] = serde_json::json!(u64::MAX);
    let err = Snapshot::from_json(&bad_order.to_string())
        .unwrap_err()
        .to_string();
    assert!(err.contains("min_ns"), "{err}");
    assert!(Snapshot::from_json(&good).is_ok());
}
