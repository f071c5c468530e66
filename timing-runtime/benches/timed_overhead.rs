//! Per-call cost of `#[timed]`, beside the cost of two raw clock reads, in one run.
//!
//! Run: `cargo bench -p timing-runtime --bench timed_overhead` then
//! `python3 scripts/timed_overhead_table.py` for the Markdown table with ratios.

use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use timing_runtime::clock::tsc;
use timing_runtime::profile::{self, trace};
use timing_runtime::timed;

/// The function body every variant shares.
#[inline(never)]
fn plain(x: u64) -> u64 {
    black_box(x).wrapping_mul(3)
}

/// The same function, instrumented. (With the `off` feature the macro emits exactly `plain`.)
#[timed]
#[inline(never)]
fn instrumented(x: u64) -> u64 {
    black_box(x).wrapping_mul(3)
}

fn overhead(c: &mut Criterion) {
    let mut g = c.benchmark_group("timed_overhead");
    g.measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));

    g.bench_function("two_clock_reads", |b| {
        b.iter(|| {
            let start = tsc::raw();
            black_box(tsc::raw().wrapping_sub(start))
        })
    });
    g.bench_function("two_instant_reads", |b| {
        b.iter(|| {
            let start = Instant::now();
            black_box(Instant::now().duration_since(start))
        })
    });
    g.bench_function("plain_call", |b| b.iter(|| plain(black_box(1))));
    g.bench_function("timed_enabled", |b| {
        profile::set_enabled(true);
        b.iter(|| instrumented(black_box(1)))
    });
    g.bench_function("timed_tracing", |b| {
        profile::set_enabled(true);
        // A fresh session per sample, large enough that every call is captured (none dropped).
        b.iter_custom(|iters| {
            let session = trace::start(usize::try_from(iters).unwrap_or(usize::MAX).max(1))
                .expect("no other session");
            let start = Instant::now();
            for _ in 0..iters {
                instrumented(black_box(1));
            }
            let elapsed = start.elapsed();
            let trace = session.finish();
            assert_eq!(trace.dropped(), 0);
            elapsed
        })
    });
    g.bench_function("timed_runtime_disabled", |b| {
        profile::set_enabled(false);
        b.iter(|| instrumented(black_box(1)));
        profile::set_enabled(true);
    });
    g.bench_function("timed_two_threads", |b| {
        profile::set_enabled(true);
        b.iter_custom(|iters| {
            let barrier = Barrier::new(2);
            std::thread::scope(|s| {
                s.spawn(|| {
                    barrier.wait();
                    for _ in 0..iters {
                        instrumented(black_box(1));
                    }
                });
                barrier.wait();
                let start = Instant::now();
                for _ in 0..iters {
                    instrumented(black_box(1));
                }
                start.elapsed()
            })
        })
    });
    g.finish();
    // The work was recorded (nothing was optimised away).
    assert!(
        profile::snapshot()
            .get("instrumented")
            .is_some_and(|r| r.calls() > 0)
    );
}

criterion_group!(benches, overhead);
criterion_main!(benches);
