//! How fast is the hardware: memory bandwidth (STREAM) and parallel scaling.
//!
//! * [`team`]: a fixed team of threads with a static partition of the work.
//! * [`pool`]: the work-stealing pool of the parallel sum (rebuilt after `fork()`), the
//!   default thread count.
//! * [`buffer`]: the one first-touch allocator and the one GB/s formula.
//! * [`reduce`]: vectorised reductions (sum, sum of squares).
//! * [`kernels`]: the STREAM loops and the [`Kernel`] names and byte counts.
//! * [`arrays`]: STREAM's three arrays on a team: first touch, passes, validation, timing.
//! * [`stream`]: bandwidth measurements (`stream`, `measure_memory_throughput`).
//! * [`scaling`]: sequential vs parallel (`compare_seq_vs_parallel`, `compare_scaling`,
//!   `scaling_sweep`).

pub mod arrays;
pub mod buffer;
pub mod kernels;
pub mod pool;
pub mod reduce;
pub mod scaling;
pub mod stream;
pub mod team;

pub use kernels::Kernel;
