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
    o.max_time = Duration::from_millis(1_000);
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

fn with_sink(
    o: &BenchOptions,
    updates: &mut Vec<bool>,
) -> Result<crate::Stats, BenchError<Infallible>> {
    bench_with(
        o,
        ok,
        ok,
        reference::rust_workload(),
        || Ok(crate::host::Metadata::current()),
        |u: &ProgressUpdate<'_>| updates.push(u.finished),
    )
}

#[test]
fn progress_is_reported_for_long_runs_only() {
    let mut updates = Vec::new();
    let mut o = quick("p");
    o.progress = Progress::Auto;
    with_sink(&o, &mut updates).unwrap();
    assert!(updates.is_empty());
    o.min_time = Duration::from_millis(100);
    o.max_time = Duration::from_millis(1_600);
    o.samples = 14;
    with_sink(&o, &mut updates).unwrap();
    assert!(updates.len() >= 2, "{updates:?}");
    assert_eq!(updates.last(), Some(&true));
    o.progress = Progress::Off;
    updates.clear();
    with_sink(&o, &mut updates).unwrap();
    assert!(updates.is_empty());
}

#[test]
fn fixed_iterations_take_exactly_the_samples_asked_for() {
    let mut o = quick("fixed");
    o.iterations = Some(7);
    o.samples = 5;
    o.warmup = Duration::ZERO;
    let mut calls = 0u64;
    let s = bench(&o, || {
        calls += 1;
        ok()
    })
    .unwrap();
    assert_eq!((s.samples().len(), s.iterations_per_sample()), (5, 7));
    assert_eq!(calls, 35, "no sizing calls, no warm-up calls");
    let r = s.reference().unwrap();
    assert_eq!(r.samples.len(), 5);
    assert_eq!(r.workload, reference::RUST_MIX);
    o.iterations = Some(0);
    assert!(matches!(bench(&o, ok), Err(BenchError::Invalid(_))));
}

#[test]
fn fixed_iterations_stop_with_a_warning_when_the_budget_runs_out() {
    let mut o = quick("slow");
    o.iterations = Some(1);
    o.samples = 1_000;
    o.warmup = Duration::ZERO;
    o.max_time = Duration::from_millis(60);
    let s = bench(&o, || {
        std::thread::sleep(Duration::from_millis(2));
        ok()
    })
    .unwrap();
    assert!(s.samples().len() >= 2 && s.samples().len() < 1_000);
    assert!(s.warnings().iter().any(|w| w.contains("max_time reached")));
}

#[test]
fn samples_alternate_with_the_reference_in_abba_order() {
    // Each call records which side ran; the reference is a counting closure of our own.
    let log = std::cell::RefCell::new(Vec::new());
    let mut o = quick("order");
    o.iterations = Some(1);
    o.samples = 6;
    o.warmup = Duration::ZERO;
    let workload = reference::Workload {
        name: "test/1".to_owned(),
        call: || {
            std::thread::sleep(Duration::from_micros(200));
            log.borrow_mut().push('r');
            ok()
        },
    };
    let s = bench_with(
        &o,
        || {
            std::thread::sleep(Duration::from_micros(200));
            log.borrow_mut().push('f');
            ok()
        },
        ok,
        workload,
        || Ok(crate::host::Metadata::current()),
        |_: &ProgressUpdate<'_>| {},
    )
    .unwrap();
    // Collapse runs of the same side: the sampling order after sizing the reference.
    let mut runs: Vec<char> = Vec::new();
    for c in log.borrow().iter() {
        if runs.last() != Some(c) {
            runs.push(*c);
        }
    }
    // f, [reference sized], r, r, f, f, r, r, f, f, r, r, f
    assert_eq!(runs.iter().collect::<String>(), "frfrfrf");
    assert_eq!(s.reference().unwrap().samples.len(), 6);
    assert!((s.relative().unwrap().ratio - 1.0).abs() < 0.5);
}

#[test]
fn overrun_by_calibration_says_so() {
    let mut o = quick("calib");
    o.max_time = Duration::from_millis(2);
    o.min_time = Duration::from_millis(2);
    o.warmup = Duration::ZERO;
    // A first call of 5 ms: sizing alone uses up the 2 ms budget.
    let s = bench(&o, || {
        std::thread::sleep(Duration::from_millis(5));
        ok()
    })
    .unwrap();
    assert!(
        s.warnings()
            .iter()
            .any(|w| w.contains("calibration") && w.contains("used up the budget")),
        "{:?}",
        s.warnings()
    );
}

fn pair_options(max_ms: u64) -> PairOptions {
    let mut o = PairOptions::new("a", "b");
    o.max_time = Duration::from_millis(max_ms);
    o.warmup = Duration::ZERO;
    o.progress = Progress::Off;
    o
}

#[test]
fn bench_pair_alternates_and_counts_calls() {
    let log = std::cell::RefCell::new(Vec::new());
    let work = |side: char| {
        let log = &log;
        move || {
            black_box((0..black_box(2_000u64)).sum::<u64>());
            log.borrow_mut().push(side);
            ok()
        }
    };
    let c = bench_pair(&pair_options(300), work('a'), work('b')).unwrap();
    let n = c.baseline.iterations_per_sample() as usize;
    let pairs = c.ratios.len();
    assert_eq!(c.candidate.iterations_per_sample() as usize, n);
    assert!(pairs >= 2);
    let log = log.borrow();
    // The sampled calls are the last 2 × pairs × n: blocks of n, in the order a b b a a b …
    let sampled = &log[log.len() - 2 * pairs * n..];
    for (k, block) in sampled.chunks(n).enumerate() {
        let pair = k / 2;
        let first = if pair % 2 == 0 { 'a' } else { 'b' };
        let want = if k % 2 == 0 {
            first
        } else if first == 'a' {
            'b'
        } else {
            'a'
        };
        assert!(block.iter().all(|&c| c == want), "block {k}");
    }
    let count = |side| log.iter().filter(|&&c| c == side).count();
    assert!(count('a') >= pairs * n && count('b') >= pairs * n);
}

#[test]
fn bench_pair_detects_a_large_change_and_settles_early() {
    let work = |n: u64| {
        move || {
            black_box((0..black_box(n)).fold(0u64, |a, x| a ^ x.wrapping_mul(x)));
            ok()
        }
    };
    let c = bench_pair(&pair_options(3_000), work(3_000), work(4_500)).unwrap();
    assert_eq!(c.comparison.verdict, crate::stats::Verdict::Slower);
    assert!(c.comparison.ratio > 1.2, "{:?}", c.comparison);
    assert!(c.settled_early, "a 50 % change settles long before 3 s");
    assert_eq!(c.comparison.method, crate::stats::Method::Paired);
    let same = bench_pair(&pair_options(300), work(3_000), work(3_000)).unwrap();
    assert!((same.comparison.ratio - 1.0).abs() < 0.2);
}

#[test]
fn bench_pair_refuses_bad_options_and_propagates_errors() {
    let mut calls = 0;
    let mut o = pair_options(100);
    o.noise = 1.0;
    assert!(matches!(
        bench_pair(
            &o,
            || {
                calls += 1;
                ok()
            },
            ok
        ),
        Err(BenchError::Invalid(_))
    ));
    o = pair_options(100);
    o.max_time = Duration::ZERO;
    assert!(bench_pair(&o, ok, ok).is_err());
    assert_eq!(calls, 0);
    let r = bench_pair(
        &pair_options(100),
        || Ok(()),
        || {
            calls += 1;
            if calls == 3 { Err("boom") } else { Ok(()) }
        },
    );
    assert_eq!(r.unwrap_err(), BenchError::Aborted("boom"));
}

#[test]
fn overrun_warning_only_when_clearly_over_and_with_its_figure() {
    use super::run::overrun_text;
    const MS: u64 = 1_000_000;
    // A 3 µs call whose last sample ended 40 µs after a 300 ms budget: no warning.
    assert_eq!(
        overrun_text(300 * MS + 40_000, 300 * MS, 20 * MS, 3_000, 1),
        None
    );
    // 4 % over: still within the slack.
    assert_eq!(
        overrun_text(312 * MS, 300 * MS, 20 * MS, 10 * MS, 1000),
        None
    );
    // One call of 400 ms against 300 ms: the call is to blame, and the text says how long.
    let long = overrun_text(900 * MS, 300 * MS, 100 * MS, 400 * MS, 1).unwrap();
    assert!(
        long.contains("one call takes 400 ms, 133% of the budget"),
        "{long}"
    );
    // Samples of 100 calls lasting 90 ms each (30 % of the budget).
    let sample = overrun_text(400 * MS, 300 * MS, 50 * MS, 90 * MS, 100).unwrap();
    assert!(
        sample.contains("one sample of 100 calls takes 90.0 ms, 30% of"),
        "{sample}"
    );
    // Short steps but a clear overrun: the machine, not the function.
    let busy = overrun_text(400 * MS, 300 * MS, 20 * MS, 30_000, 10).unwrap();
    assert!(
        busy.contains("by 100 ms") && busy.contains("likely busy"),
        "{busy}"
    );
    assert!(
        !busy.contains("too long") && !busy.contains("one call takes"),
        "{busy}"
    );
    // Calibration alone used the budget up.
    let calib = overrun_text(40 * MS, 2 * MS, 5 * MS, 5 * MS, 1).unwrap();
    assert!(
        calib.contains("used up the budget (5.00 ms, 250% of it)"),
        "{calib}"
    );
}

#[test]
fn a_short_call_in_a_short_budget_gets_no_overrun_warning() {
    // The case: a call of microseconds, max_time 300 ms (here 100 ms): never blamed.
    let mut o = quick("short");
    o.max_time = Duration::from_millis(100);
    for _ in 0..3 {
        let s = bench(&o, || {
            black_box((0..black_box(300u64)).sum::<u64>());
            ok()
        })
        .unwrap();
        assert!(
            !s.warnings().iter().any(|w| w.contains("one call takes")),
            "{:?}",
            s.warnings()
        );
    }
}
