//! Tests of the benchmark helpers and the harness.

use std::convert::Infallible;
use std::hint::black_box;
use std::time::Duration;

use super::*;
use crate::error::TimingError;

fn ok() -> Result<(), Infallible> {
    Ok(())
}

#[test]
fn exact_call_counts() {
    let mut calls = 0u64;
    benchmark("b", 17, || {
        calls += 1;
        ok()
    })
    .unwrap();
    assert_eq!(calls, 17);
    calls = 0;
    let r = benchmark_statistical("s", 6, 5, || {
        calls += 1;
        ok()
    })
    .unwrap();
    assert_eq!(calls, 30);
    assert_eq!(r.run_nanos().len(), 6);
    assert_eq!(r.iterations_per_run(), 5);
}

#[test]
fn warmup_zero_is_allowed() {
    let mut calls = 0;
    benchmark_with_warmup("w", 0, 2, || {
        calls += 1;
        ok()
    })
    .unwrap();
    assert_eq!(calls, 2);
}

#[test]
fn invalid_arguments_make_no_calls() {
    let mut calls = 0;
    let mut f = || {
        calls += 1;
        ok()
    };
    assert!(matches!(
        benchmark("b", 0, &mut f),
        Err(BenchError::Invalid(_))
    ));
    assert!(benchmark_with_warmup("w", 3, 0, &mut f).is_err());
    assert!(benchmark_statistical("s", 0, 1, &mut f).is_err());
    assert!(benchmark_statistical("s", 1, 0, &mut f).is_err());
    assert!(matches!(
        benchmark_statistical("s", u64::MAX, 1, &mut f),
        Err(BenchError::Invalid(TimingError::Allocation { .. }))
    ));
    assert_eq!(calls, 0);
}

#[test]
fn error_stops_the_loop() {
    let mut calls = 0;
    let r = benchmark("b", 100, || {
        calls += 1;
        if calls == 3 { Err("boom") } else { Ok(()) }
    });
    assert_eq!(r, Err(BenchError::Aborted("boom")));
    assert_eq!(calls, 3);
}

#[test]
fn statistical_measures_real_time() {
    let r = benchmark_statistical("sleep", 2, 1, || {
        std::thread::sleep(std::time::Duration::from_millis(1));
        ok()
    })
    .unwrap();
    assert!(r.summary().min >= 0.001);
}

fn quick(name: &str) -> BenchOptions {
    let mut o = BenchOptions::new(name);
    o.warmup = Duration::from_millis(5);
    o.min_time = Duration::from_millis(1);
    o.max_time = Duration::from_millis(300);
    o.samples = 10;
    o.progress = Progress::Off;
    o
}

#[test]
fn bench_grows_iterations_to_min_time() {
    let mut calls = 0u64;
    let s = bench(&quick("spin"), || {
        calls += 1;
        black_box((0..black_box(50u64)).sum::<u64>());
        ok()
    })
    .unwrap();
    assert_eq!(s.samples().len(), 10);
    // A typical sample lasted about min_time (1 ms) or more.
    assert!(
        s.median() * s.iterations_per_sample() as f64 >= 0.5e-3,
        "{s:?}"
    );
    assert!(s.iterations_per_sample() > 1);
    assert!(calls >= 10 * s.iterations_per_sample());
    let c = s.calibration().unwrap();
    assert!(c.overhead >= 0.0 && c.overhead < 1e-6, "{c:?}");
}

#[test]
fn bench_respects_the_budget() {
    let mut o = quick("sleepy");
    o.samples = 1_000;
    o.max_time = Duration::from_millis(100);
    o.warmup = Duration::ZERO;
    let begin = std::time::Instant::now();
    let s = bench(&o, || {
        std::thread::sleep(Duration::from_millis(2));
        ok()
    })
    .unwrap();
    let took = begin.elapsed();
    assert!(took < Duration::from_millis(400), "{took:?}");
    assert!(s.samples().len() >= 2 && s.samples().len() < 1_000);
    assert!(s.warnings().iter().any(|w| w.contains("max_time reached")));
}

#[test]
fn bench_refuses_bad_options_and_propagates_errors() {
    let mut calls = 0;
    let mut o = quick("bad");
    o.samples = 1;
    assert!(matches!(
        bench(&o, || {
            calls += 1;
            ok()
        }),
        Err(BenchError::Invalid(_))
    ));
    o = quick("bad");
    o.min_time = Duration::ZERO;
    assert!(
        bench(&o, || {
            calls += 1;
            ok()
        })
        .is_err()
    );
    assert_eq!(calls, 0);
    let r = bench(&quick("err"), || {
        calls += 1;
        if calls == 5 { Err("boom") } else { Ok(()) }
    });
    assert_eq!(r.unwrap_err(), BenchError::Aborted("boom"));
}

#[test]
fn progress_is_reported_for_long_runs_only() {
    let mut updates = Vec::new();
    let mut o = quick("p");
    o.progress = Progress::Auto;
    bench_with(&o, ok, ok, |u| updates.push(u.finished)).unwrap();
    assert!(updates.is_empty());
    o.min_time = Duration::from_millis(100);
    o.max_time = Duration::from_millis(1_600);
    o.samples = 14;
    bench_with(&o, ok, ok, |u| updates.push(u.finished)).unwrap();
    assert!(updates.len() >= 2, "{updates:?}");
    assert_eq!(updates.last(), Some(&true));
    o.progress = Progress::Off;
    updates.clear();
    bench_with(&o, ok, ok, |u| updates.push(u.finished)).unwrap();
    assert!(updates.is_empty());
}
