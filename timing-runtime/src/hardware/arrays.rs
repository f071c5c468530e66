//! STREAM's three arrays on a thread team: allocated and first-touched part by part, one
//! pass of any kernel, validation, and the timing of passes (best of N after a discarded
//! first).

use std::hint::black_box;

use super::buffer::{ELEMENT_BYTES, first_touched, gigabytes_per_second};
use super::kernels::{Kernel, add, copy, scale, triad};
use super::reduce;
use super::team::{Team, split, split_mut};
use crate::cancel::Cancel;
use crate::clock::{self, nanos_between, nanos_to_secs};
use crate::error::{TimingError, require_at_least};
use crate::host::check_allocation;

/// STREAM's scalar `q` for scale and triad.
pub const SCALAR: f64 = 3.0;

/// Three first-touched arrays and the team that touched them.
pub struct StreamArrays {
    team: Team,
    size: usize,
    a: Vec<f64>,
    b: Vec<f64>,
    c: Vec<f64>,
    /// The value every element of `a`, `b`, `c` should hold.
    expected: [f64; 3],
    /// Whether every read pass so far returned `size × a`.
    sums_ok: bool,
}

impl StreamArrays {
    /// Allocates the arrays that `kernels` need (`size` elements each, ≥ 1), each part written
    /// first by the thread of a team of `threads` (≥ 1) that will work on it.
    ///
    /// Refuses, before allocating anything, a total that exceeds the memory available.
    ///
    /// ```
    /// use timing_runtime::hardware::{Kernel, arrays::StreamArrays};
    /// let mut s = StreamArrays::new(1000, 2, &Kernel::ALL).unwrap();
    /// s.pass(Kernel::Triad);
    /// assert!(s.verify());
    /// ```
    pub fn new(size: usize, threads: usize, kernels: &[Kernel]) -> Result<Self, TimingError> {
        require_at_least("size", size as u64, 1)?;
        require_at_least("threads", threads as u64, 1)?;
        let mut needed = [false; 3];
        for k in kernels {
            for (n, used) in needed.iter_mut().zip(k.arrays()) {
                *n |= used;
            }
        }
        let count = needed.iter().filter(|&&n| n).count() as u128;
        check_allocation(size as u128 * ELEMENT_BYTES * count)?;
        let team = Team::new(threads)?;
        let expected = [1.0, 2.0, 0.0];
        let mut arrays = [Vec::new(), Vec::new(), Vec::new()];
        for ((array, used), value) in arrays.iter_mut().zip(needed).zip(expected) {
            if used {
                *array = first_touched(&team, size, |_| value)?;
            }
        }
        let [a, b, c] = arrays;
        Ok(Self {
            team,
            size,
            a,
            b,
            c,
            expected,
            sums_ok: true,
        })
    }

    /// Elements per array.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Threads in the team.
    pub fn threads(&self) -> usize {
        self.team.threads()
    }

    /// Runs one pass of `kernel` on all threads (thread `i` on part `i`) and returns the read
    /// kernel's sum (0 for the others).
    ///
    /// Recorded in the global profile as `StreamArrays::pass`.
    ///
    /// # Panics
    /// If the arrays `kernel` needs were not allocated by [`StreamArrays::new`].
    #[crate::timed]
    pub fn pass(&mut self, kernel: Kernel) -> f64 {
        for (len, used) in [&self.a, &self.b, &self.c].iter().zip(kernel.arrays()) {
            assert!(
                !used || len.len() == self.size,
                "{kernel} needs arrays that were not allocated"
            );
        }
        let ranges = self.team.partition(self.size);
        let [ea, eb, ec] = &mut self.expected;
        let mut sum = 0.0;
        match kernel {
            Kernel::Read => {
                let parts = split(&self.a, &ranges);
                sum = self.team.run(parts, reduce::sum).into_iter().sum();
                self.sums_ok &= sum == self.size as f64 * *ea;
            }
            Kernel::Copy => {
                let parts = split_mut(&mut self.c, &ranges)
                    .into_iter()
                    .zip(split(&self.a, &ranges))
                    .collect();
                self.team.run(parts, |(c, a)| copy(c, a));
                *ec = *ea;
            }
            Kernel::Scale => {
                let parts = split_mut(&mut self.b, &ranges)
                    .into_iter()
                    .zip(split(&self.c, &ranges))
                    .collect();
                self.team.run(parts, |(b, c)| scale(b, c, SCALAR));
                *eb = SCALAR * *ec;
            }
            Kernel::Add => {
                let parts = split_mut(&mut self.c, &ranges)
                    .into_iter()
                    .zip(
                        split(&self.a, &ranges)
                            .into_iter()
                            .zip(split(&self.b, &ranges)),
                    )
                    .collect();
                self.team.run(parts, |(c, (a, b))| add(c, a, b));
                *ec = *ea + *eb;
            }
            Kernel::Triad => {
                let parts = split_mut(&mut self.a, &ranges)
                    .into_iter()
                    .zip(
                        split(&self.b, &ranges)
                            .into_iter()
                            .zip(split(&self.c, &ranges)),
                    )
                    .collect();
                self.team.run(parts, |(a, (b, c))| triad(a, b, c, SCALAR));
                *ea = *eb + SCALAR * *ec;
            }
        }
        sum
    }

    /// Whether every allocated element holds the value the passes so far should have left,
    /// and every read pass returned `size × a` (exact: the values are small integers).
    pub fn verify(&self) -> bool {
        let arrays_ok = [&self.a, &self.b, &self.c]
            .iter()
            .zip(self.expected)
            .all(|(v, e)| v.iter().all(|&x| x == e));
        arrays_ok && self.sums_ok
    }

    /// Times `iterations` (≥ 1) passes of `kernel` and returns the best in decimal GB/s; with
    /// more than one pass the first is a discarded warm-up. Polls the current [`Cancel`]
    /// before each pass ([`TimingError::Interrupted`] once it is cancelled).
    pub fn measure(&mut self, kernel: Kernel, iterations: u64) -> Result<f64, TimingError> {
        require_at_least("iterations", iterations, 1)?;
        // `pass` is `#[timed]`: calibrate the profiler's clock now, not inside a timed pass.
        clock::tsc::calibrate();
        let cancel = Cancel::current();
        let mut best = u64::MAX;
        for pass in 0..iterations {
            cancel.poll()?;
            let start = clock::now();
            black_box(self.pass(black_box(kernel)));
            let nanos = nanos_between(start, clock::now());
            if pass > 0 || iterations == 1 {
                best = best.min(nanos);
            }
        }
        let bytes = self.size as u128 * kernel.bytes_per_element() as u128;
        Ok(gigabytes_per_second(bytes, nanos_to_secs(best)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernels_compute_the_right_values() {
        for threads in [1, 2, 3] {
            for size in [1usize, 7, 8, 9, 1001] {
                let mut s = StreamArrays::new(size, threads, &Kernel::ALL).unwrap();
                assert_eq!(s.pass(Kernel::Read), size as f64);
                s.pass(Kernel::Copy);
                assert!(s.c.iter().all(|&x| x == 1.0));
                s.pass(Kernel::Scale);
                assert!(s.b.iter().all(|&x| x == 3.0));
                s.pass(Kernel::Add);
                assert!(s.c.iter().all(|&x| x == 4.0));
                s.pass(Kernel::Triad);
                assert!(s.a.iter().all(|&x| x == 15.0));
                assert_eq!(s.pass(Kernel::Read), 15.0 * size as f64);
                assert!(s.verify());
                s.a[size / 2] = -1.0;
                assert!(!s.verify(), "verify must notice a wrong element");
            }
        }
    }
}
