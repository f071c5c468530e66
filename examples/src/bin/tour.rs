//! A tour of the Rust API of `timing-runtime`: timer, benchmarks, statistics, sequential vs
//! parallel, memory throughput and the profiler.
//!
//! Run: `cargo run --release -p performance-timing-examples --bin tour`

use std::convert::Infallible;
use std::hint::black_box;

use timing_runtime::bench::{benchmark, benchmark_statistical, benchmark_with_warmup};
use timing_runtime::hardware::scaling::compare_seq_vs_parallel;
use timing_runtime::hardware::stream::measure_memory_throughput;
use timing_runtime::{Profiler, Timer};

fn work(n: u64) -> u64 {
    (0..black_box(n)).map(|i| i.wrapping_mul(i) % 7).sum()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("--- Timer");
    let mut timer = Timer::start("work");
    black_box(work(1_000_000));
    println!("{}", timer.stop(1)?);

    println!("--- benchmark / warm-up / statistical");
    let r = benchmark("work(10k)", 100, || {
        black_box(work(10_000));
        Ok::<(), Infallible>(())
    })?;
    println!("{r}");
    let r = benchmark_with_warmup("work(10k) warmed", 10, 100, || {
        black_box(work(10_000));
        Ok::<(), Infallible>(())
    })?;
    println!("{r}");
    let s = benchmark_statistical("work(10k)", 20, 10, || {
        black_box(work(10_000));
        Ok::<(), Infallible>(())
    })?
    .summary();
    println!(
        "20 runs of 10 calls: mean {:.1} µs, median {:.1} µs, min {:.1} µs, max {:.1} µs",
        s.mean * 1e6,
        s.median * 1e6,
        s.min * 1e6,
        s.max * 1e6
    );

    println!("--- sequential vs parallel (sum of squares)");
    let data: Vec<f64> = (0..4_000_000).map(|i| i as f64).collect();
    let (seq, par) = compare_seq_vs_parallel(&data, 10)?;
    println!("{seq}\n{par}");
    println!(
        "speedup {:.2}x on {} threads",
        seq.duration_secs() / par.duration_secs(),
        rayon_threads()
    );

    println!("--- memory throughput");
    let gbps = measure_memory_throughput(10_000_000, 10)?;
    println!("read bandwidth over 80 MB: {gbps:.1} GB/s");

    println!("--- profiler");
    let mut profiler = Profiler::new();
    for (name, n) in [
        ("load", 2_000_000),
        ("process", 5_000_000),
        ("save", 1_000_000),
    ] {
        let timer = Timer::start(name);
        black_box(work(n));
        profiler.measure(name, timer.elapsed_secs())?;
    }
    println!("{}", profiler.summary());
    Ok(())
}

fn rayon_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
