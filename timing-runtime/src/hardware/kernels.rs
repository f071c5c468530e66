//! The five STREAM loops (read is a reduction in [`super::reduce`]) and the [`Kernel`] that
//! names each with the bytes a pass is credited with.
//!
//! Each loop is compiled for AVX-512, AVX2, AVX and the baseline (`multiversion`), and the
//! widest the CPU supports is chosen at run time, as `-march=native` would.

use std::fmt;
use std::str::FromStr;

use multiversion::multiversion;

use crate::error::TimingError;

/// One of the five bandwidth kernels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kernel {
    /// `s += a[i]`: 8 bytes per element.
    Read,
    /// `c[i] = a[i]`: 16 bytes per element.
    Copy,
    /// `b[i] = q·c[i]`: 16 bytes per element.
    Scale,
    /// `c[i] = a[i] + b[i]`: 24 bytes per element.
    Add,
    /// `a[i] = b[i] + q·c[i]`: 24 bytes per element.
    Triad,
}

impl Kernel {
    /// The five kernels in STREAM's order (read first).
    pub const ALL: [Kernel; 5] = [
        Kernel::Read,
        Kernel::Copy,
        Kernel::Scale,
        Kernel::Add,
        Kernel::Triad,
    ];

    /// The kernel's lowercase name (`"read"`, `"copy"`, …).
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Read => "read",
            Kernel::Copy => "copy",
            Kernel::Scale => "scale",
            Kernel::Add => "add",
            Kernel::Triad => "triad",
        }
    }

    /// Bytes a pass is credited with per element (STREAM counting: 8, 16, 16, 24, 24).
    ///
    /// ```
    /// use timing_runtime::hardware::kernels::Kernel;
    /// assert_eq!(Kernel::Read.bytes_per_element(), 8);
    /// assert_eq!(Kernel::Triad.bytes_per_element(), 24);
    /// ```
    pub fn bytes_per_element(self) -> u64 {
        match self {
            Kernel::Read => 8,
            Kernel::Copy | Kernel::Scale => 16,
            Kernel::Add | Kernel::Triad => 24,
        }
    }

    /// Which of the arrays `a`, `b`, `c` the kernel touches.
    pub fn arrays(self) -> [bool; 3] {
        match self {
            Kernel::Read => [true, false, false],
            Kernel::Copy => [true, false, true],
            Kernel::Scale => [false, true, true],
            Kernel::Add | Kernel::Triad => [true, true, true],
        }
    }
}

impl fmt::Display for Kernel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Kernel {
    type Err = TimingError;

    /// Parses `"read"`, `"copy"`, `"scale"`, `"add"` or `"triad"`.
    ///
    /// ```
    /// use timing_runtime::hardware::kernels::Kernel;
    /// assert_eq!("triad".parse::<Kernel>().unwrap(), Kernel::Triad);
    /// assert!("sum".parse::<Kernel>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kernel::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                TimingError::invalid(
                    "kernel",
                    format!("must be one of 'read', 'copy', 'scale', 'add', 'triad', got {s:?}"),
                )
            })
    }
}

/// `c[i] = a[i]` over the common length.
///
/// ```
/// let mut c = [0.0; 3];
/// timing_runtime::hardware::kernels::copy(&mut c, &[1.0, 2.0, 3.0]);
/// assert_eq!(c, [1.0, 2.0, 3.0]);
/// ```
#[multiversion(targets("x86_64+avx512f", "x86_64+avx2", "x86_64+avx"))]
pub fn copy(c: &mut [f64], a: &[f64]) {
    for (d, &s) in c.iter_mut().zip(a) {
        *d = s;
    }
}

/// `b[i] = q·c[i]` over the common length.
///
/// ```
/// let mut b = [0.0; 2];
/// timing_runtime::hardware::kernels::scale(&mut b, &[1.0, 2.0], 3.0);
/// assert_eq!(b, [3.0, 6.0]);
/// ```
#[multiversion(targets("x86_64+avx512f", "x86_64+avx2", "x86_64+avx"))]
pub fn scale(b: &mut [f64], c: &[f64], q: f64) {
    for (d, &s) in b.iter_mut().zip(c) {
        *d = q * s;
    }
}

/// `c[i] = a[i] + b[i]` over the common length.
///
/// ```
/// let mut c = [0.0; 2];
/// timing_runtime::hardware::kernels::add(&mut c, &[1.0, 2.0], &[10.0, 20.0]);
/// assert_eq!(c, [11.0, 22.0]);
/// ```
#[multiversion(targets("x86_64+avx512f", "x86_64+avx2", "x86_64+avx"))]
pub fn add(c: &mut [f64], a: &[f64], b: &[f64]) {
    for ((d, &x), &y) in c.iter_mut().zip(a).zip(b) {
        *d = x + y;
    }
}

/// `a[i] = b[i] + q·c[i]` over the common length.
///
/// ```
/// let mut a = [0.0; 2];
/// timing_runtime::hardware::kernels::triad(&mut a, &[1.0, 2.0], &[10.0, 20.0], 3.0);
/// assert_eq!(a, [31.0, 62.0]);
/// ```
#[multiversion(targets("x86_64+avx512f", "x86_64+avx2", "x86_64+avx"))]
pub fn triad(a: &mut [f64], b: &[f64], c: &[f64], q: f64) {
    for ((d, &x), &y) in a.iter_mut().zip(b).zip(c) {
        *d = x + q * y;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::reduce;

    #[test]
    fn kernels_on_distinct_values() {
        let a: Vec<f64> = (0..100).map(f64::from).collect();
        let b: Vec<f64> = (0..100).map(|i| f64::from(i) * 2.0).collect();
        let mut out = vec![0.0; 100];
        copy(&mut out, &a);
        assert_eq!(out, a);
        scale(&mut out, &a, 3.0);
        assert!(out.iter().zip(&a).all(|(o, x)| *o == 3.0 * x));
        add(&mut out, &a, &b);
        assert!(out.iter().zip(&a).all(|(o, x)| *o == 3.0 * x));
        triad(&mut out, &a, &b, 3.0);
        assert!(out.iter().zip(&a).all(|(o, x)| *o == 7.0 * x));
        assert_eq!(reduce::sum(&a), 4950.0);
    }

    #[test]
    fn byte_counting_is_streams() {
        let bytes: Vec<u64> = Kernel::ALL.iter().map(|k| k.bytes_per_element()).collect();
        assert_eq!(bytes, [8, 16, 16, 24, 24]);
        for k in Kernel::ALL {
            assert_eq!(k.name().parse::<Kernel>().unwrap(), k);
            let arrays = k.arrays().iter().filter(|&&x| x).count() as u64;
            assert_eq!(arrays * 8, k.bytes_per_element());
        }
    }
}
