//! Memory bandwidth and parallel scaling for Python.
//!
//! * [`stream`]: `measure_memory_throughput`, `stream` and the `CacheWarning` category;
//! * [`scaling`]: `compare_seq_vs_parallel`, `compare_scaling`, `scaling_sweep` and the
//!   `ParallelComparison` class.

pub mod scaling;
pub mod stream;
