//! STREAM-style bandwidth of this machine: `cargo run --release -p performance-timing-examples
//! --bin stream [size] [threads]`.

use timing_runtime::hardware::{Kernel, stream::stream};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let size = args.next().map(|s| s.parse()).transpose()?;
    let threads = args.next().map(|s| s.parse()).transpose()?;
    let report = stream(size, 10, threads)?;
    println!(
        "size {} per array, {} threads, last-level cache {} bytes",
        report.size, report.threads, report.cache_bytes
    );
    for kernel in Kernel::ALL {
        println!(
            "{:>6}: {:8.2} GB/s ({} B/element)",
            kernel.name(),
            report.gbps(kernel),
            kernel.bytes_per_element()
        );
    }
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    Ok(())
}
