//! `#[timed]` on `async fn`s running on a multi-threaded tokio runtime: each call is timed
//! from its first poll to completion, across `.await`s and worker threads; self time counts
//! only the time spent inside its own polls.
//!
//! Run: `cargo run --release -p performance-timing-examples --bin async_profile`

use std::time::Duration;

use timing_runtime::{profile, timed};

/// Simulates an I/O wait, then some CPU work.
#[timed]
async fn fetch(id: u64) -> u64 {
    tokio::time::sleep(Duration::from_millis(5 + id % 5)).await;
    checksum(id)
}

/// CPU work, called from inside the async functions.
#[timed]
fn checksum(id: u64) -> u64 {
    (0..20_000u64).fold(id, |acc, x| acc.wrapping_mul(31).wrapping_add(x))
}

#[timed(name = "handle_request")]
async fn handle(id: u64) -> u64 {
    let a = fetch(id).await;
    let b = fetch(id + 1).await;
    a ^ b
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .expect("a tokio runtime");
    let total = runtime.block_on(async {
        let tasks: Vec<_> = (0..50).map(|id| tokio::spawn(handle(id))).collect();
        let mut acc = 0u64;
        for t in tasks {
            acc ^= t.await.expect("task completes");
        }
        acc
    });
    println!("checksum {total:x}\n");
    println!("{}", profile::snapshot().to_table());
    println!(
        "\nhandle_request's total is wall time across awaits; its self time is only its polls."
    );
}
