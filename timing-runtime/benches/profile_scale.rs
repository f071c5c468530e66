//! What the global profile costs at scale: memory per (site, thread), memory under many calls,
//! and the time of `snapshot()` with many sites.
//!
//! Run: `cargo bench -p timing-runtime --bench profile_scale` (Linux: memory is read from
//! `/proc/self/statm`). Prints one line per figure.

use std::hint::black_box;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use timing_runtime::clock::tsc;
use timing_runtime::profile::{self, CallSite, Span};

/// Resident memory of this process in bytes.
fn rss() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

/// CPU time of the calling thread (unlike wall time, not inflated by other processes).
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid timespec to write into.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// Spins for about `nanos` nanoseconds.
fn spin(nanos: u64) {
    let start = tsc::raw();
    while tsc::raw_to_nanos(tsc::raw().wrapping_sub(start)) < nanos {
        std::hint::spin_loop();
    }
}

/// Records `calls` calls of every site, with durations spread over one decade (1 µs to 10 µs).
fn record_decade(sites: &[&'static CallSite], calls: u64) {
    for site in sites {
        for k in 0..calls {
            let span = Span::open(site);
            spin(1_000 + k * 9_000 / calls.max(2).saturating_sub(1).max(1));
            span.close().expect("same thread");
        }
    }
}

fn sites(prefix: &str, n: usize) -> Vec<&'static CallSite> {
    (0..n)
        .map(|i| profile::intern("bench.scale", &format!("{prefix}-{i}")))
        .collect()
}

/// Resident bytes per (site, thread): a second thread records into sites a first thread
/// already registered and recorded, so only its own slots and histograms are new.
fn bytes_per_site_and_thread() {
    const SITES: usize = 20_000;
    const CALLS: u64 = 8;
    let sites = sites("memory", SITES);
    record_decade(&sites, CALLS);
    let (done, wait) = mpsc::channel();
    let (finish, finished) = mpsc::channel::<()>();
    let before = rss();
    let worker = std::thread::spawn(move || {
        record_decade(&sites, CALLS);
        done.send(()).unwrap();
        finished.recv().ok();
    });
    wait.recv().unwrap();
    let after = rss();
    if let (Some(before), Some(after)) = (before, after) {
        println!(
            "memory per (site, thread), durations over one decade: {} bytes ({} sites, {CALLS} calls each, thread stack included)",
            after.saturating_sub(before) / SITES as u64,
            SITES
        );
    }
    finish.send(()).unwrap();
    worker.join().unwrap();
}

/// Resident memory before and after 10^7 calls of one site.
fn flat_under_many_calls() {
    static SITE: CallSite = CallSite::new(
        Some("bench.many_calls"),
        module_path!(),
        file!(),
        line!(),
        || "",
    );
    for _ in 0..1_000 {
        let _g = profile::Guard::enter(&SITE);
    }
    let before = rss();
    for i in 0..10_000_000u64 {
        let _g = profile::Guard::enter(&SITE);
        black_box(i);
    }
    let after = rss();
    if let (Some(before), Some(after)) = (before, after) {
        println!(
            "memory growth over 10^7 calls of one site: {} bytes",
            after.saturating_sub(before)
        );
    }
}

/// Best-of-5 time of `snapshot()` with 100 000 sites recorded (one call each).
fn snapshot_time() {
    const SITES: usize = 100_000;
    let sites = sites("snapshot", SITES);
    for site in &sites {
        Span::open(site).close().expect("same thread");
    }
    let (mut best, mut best_cpu) = (Duration::MAX, Duration::MAX);
    for _ in 0..5 {
        let (start, cpu) = (Instant::now(), thread_cpu());
        let snap = black_box(profile::snapshot());
        best = best.min(start.elapsed());
        best_cpu = best_cpu.min(thread_cpu().saturating_sub(cpu));
        assert!(snap.records().len() >= SITES);
    }
    println!(
        "snapshot() with {} sites: {:.3} s wall, {:.3} s CPU of the calling thread (best of 5)",
        SITES,
        best.as_secs_f64(),
        best_cpu.as_secs_f64()
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    tsc::calibrate();
    // `PROFILE_SCALE=snapshot` runs only the snapshot timing (for profiling it).
    let only = std::env::var("PROFILE_SCALE").unwrap_or_default();
    if only.is_empty() || only == "memory" {
        bytes_per_site_and_thread();
        flat_under_many_calls();
    }
    if only.is_empty() || only == "snapshot" {
        snapshot_time();
    }
}
