//! A Rust service that records in a loop, to be watched by `python -m performance_timing top`:
//! the same files (multi-process mode) and the same `/metrics` + `/profile.json` endpoint as a
//! Python process, so Rust and Python functions appear in one table.
//!
//! Run (two terminals):
//!
//! ```text
//! PERFORMANCE_TIMING_DIR=/tmp/pt cargo run --release -p performance-timing-examples --bin top_worker
//! python -m performance_timing top /tmp/pt
//! ```
//!
//! Arguments: `top_worker [ITERATIONS] [PORT]`. With `ITERATIONS` (default: forever) the loop
//! stops after that many requests and prints `done N`; with `PORT` the process also serves
//! `http://127.0.0.1:PORT/metrics` (`0` picks a port, printed as `serving URL`).

use std::hint::black_box;
use std::time::Duration;

use timing_runtime::export::metrics_server::MetricsServer;
use timing_runtime::timed;

/// Parses a request: a little arithmetic on its bytes.
#[timed]
fn parse(request: u64) -> u64 {
    (0..200u64).fold(request, |h, i| black_box(h.rotate_left(5) ^ i))
}

/// Queries the "database": sleeps, as I/O would.
#[timed]
fn query(key: u64) -> u64 {
    std::thread::sleep(Duration::from_micros(200 + key % 300));
    key * 3
}

/// Handles one request: parse, then query, then render.
#[timed]
fn handle(request: u64) -> u64 {
    let key = parse(request);
    let rows = query(key % 1000);
    render(rows)
}

/// Renders the answer.
#[timed]
fn render(rows: u64) -> u64 {
    (0..100u64).fold(rows, |h, i| black_box(h.wrapping_mul(31).wrapping_add(i)))
}

fn main() {
    let mut args = std::env::args().skip(1);
    let iterations: Option<u64> = args.next().and_then(|a| a.parse().ok());
    let port: Option<u16> = args.next().and_then(|a| a.parse().ok());
    let _server = port.map(|port| {
        let server = MetricsServer::serve_profile("127.0.0.1", port).expect("cannot serve");
        println!("serving http://{}/metrics", server.local_addr());
        server
    });
    let mut n = 0u64;
    while iterations.is_none_or(|max| n < max) {
        black_box(handle(n));
        n += 1;
    }
    println!("done {n}");
    if port.is_some() {
        // Stay up a little so a watcher reads the final counts from the endpoint.
        std::thread::sleep(Duration::from_secs(3600));
    }
}
