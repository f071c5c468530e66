//! Tukey's fences: outliers counted against the quartiles, reported and never removed.

/// Tukey outlier counts: beyond 1.5 × IQR from the quartiles is *mild*, beyond 3 × IQR is
/// *severe*. Outliers are reported, never removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outliers {
    /// Below `q1 - 3 iqr`.
    pub low_severe: usize,
    /// Between `q1 - 3 iqr` and `q1 - 1.5 iqr`.
    pub low_mild: usize,
    /// Between `q3 + 1.5 iqr` and `q3 + 3 iqr`.
    pub high_mild: usize,
    /// Above `q3 + 3 iqr`.
    pub high_severe: usize,
}

impl Outliers {
    /// Counts the outliers of `sorted` (ascending) against the Tukey fences of `q1` and `q3`.
    ///
    /// ```
    /// use timing_runtime::stats::Outliers;
    /// let o = Outliers::tukey(&[0.0, 10.0, 11.0, 12.0, 13.0, 14.0, 30.0, 100.0], 10.75, 18.0);
    /// assert_eq!((o.mild(), o.severe()), (1, 1));
    /// ```
    pub fn tukey(sorted: &[f64], q1: f64, q3: f64) -> Self {
        let iqr = q3 - q1;
        let mut o = Self::default();
        for &x in sorted {
            if x < q1 - 3.0 * iqr {
                o.low_severe += 1;
            } else if x < q1 - 1.5 * iqr {
                o.low_mild += 1;
            } else if x > q3 + 3.0 * iqr {
                o.high_severe += 1;
            } else if x > q3 + 1.5 * iqr {
                o.high_mild += 1;
            }
        }
        o
    }

    /// Mild outliers, low and high.
    pub fn mild(&self) -> usize {
        self.low_mild + self.high_mild
    }

    /// Severe outliers, low and high.
    pub fn severe(&self) -> usize {
        self.low_severe + self.high_severe
    }

    /// Outliers below the lower fence (mild and severe).
    pub fn low(&self) -> usize {
        self.low_mild + self.low_severe
    }

    /// Outliers above the upper fence (mild and severe).
    pub fn high(&self) -> usize {
        self.high_mild + self.high_severe
    }
}
