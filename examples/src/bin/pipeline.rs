//! A multi-stage pipeline instrumented with `#[timed]`: generate → load → parse → transform
//! (rayon) → summarise, with nested timed functions, then the profile table.
//!
//! Run: `cargo run --release -p performance-timing-examples --bin pipeline`

use std::hint::black_box;

use rayon::prelude::*;
use timing_runtime::{profile, timed};

/// One parsed input line.
struct Reading {
    sensor: u32,
    value: f64,
}

/// Generates CSV-like text: `sensor,value` per line.
#[timed]
fn generate(lines: usize) -> String {
    let mut out = String::with_capacity(lines * 16);
    let mut state = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..lines {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let sensor = state % 64;
        let value = (state >> 11) as f64 / (1u64 << 53) as f64 * 100.0;
        out.push_str(&format!("{sensor},{value:.4}\n"));
    }
    out
}

/// "Loads" the text: splits it into lines.
#[timed]
fn load(text: &str) -> Vec<&str> {
    text.lines().collect()
}

/// Parses one field; a nested timed function called once per line.
#[timed(name = "parse_field")]
fn parse_field(field: &str) -> Option<f64> {
    field.trim().parse().ok()
}

/// Parses every line (calls `parse_field` for each value).
#[timed]
fn parse(lines: &[&str]) -> Vec<Reading> {
    lines
        .iter()
        .filter_map(|line| {
            let (sensor, value) = line.split_once(',')?;
            Some(Reading {
                sensor: sensor.parse().ok()?,
                value: parse_field(value)?,
            })
        })
        .collect()
}

/// Normalises values on all cores (rayon): each worker thread records its own calls.
#[timed]
fn transform(readings: &mut [Reading]) {
    readings.par_chunks_mut(4096).for_each(normalise_chunk);
}

#[timed]
fn normalise_chunk(chunk: &mut [Reading]) {
    for r in chunk {
        r.value = (r.value / 100.0).sqrt();
    }
}

/// Per-sensor means.
#[timed]
fn summarise(readings: &[Reading]) -> Vec<f64> {
    let mut sums = vec![(0.0, 0u32); 64];
    for r in readings {
        let s = &mut sums[r.sensor as usize];
        s.0 += r.value;
        s.1 += 1;
    }
    sums.iter()
        .map(|&(sum, n)| if n == 0 { 0.0 } else { sum / f64::from(n) })
        .collect()
}

#[timed]
fn run_pipeline(lines: usize) -> f64 {
    let text = generate(lines);
    let rows = load(&text);
    let mut readings = parse(&rows);
    transform(&mut readings);
    let means = summarise(&readings);
    means.iter().sum::<f64>() / means.len() as f64
}

fn main() {
    let lines = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200_000);
    for _ in 0..3 {
        black_box(run_pipeline(black_box(lines)));
    }
    let snap = profile::snapshot();
    println!("pipeline over {lines} lines, 3 runs\n");
    println!("{}", snap.to_table());
    println!("\nper thread:");
    for t in snap.threads() {
        let calls: u64 = t.records.iter().map(|r| r.calls()).sum();
        println!(
            "  {:<24} {:>3} functions, {calls} calls",
            t.thread,
            t.records.len()
        );
    }
}
