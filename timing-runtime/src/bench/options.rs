//! The options of [`bench()`](super::bench()) and their defaults.

use std::time::Duration;

use crate::error::{TimingError, require_at_least};

/// Default untimed warm-up before calibration: 100 ms.
pub const DEFAULT_WARMUP: Duration = Duration::from_millis(100);
/// Default shortest duration of one sample: 0.1 ms. Short samples are what survives a busy
/// machine: a sample shorter than the scheduler's time slice is usually not interrupted, and
/// the median of many such samples is the function's own time (`benchmarks/verdicts.py`).
pub const DEFAULT_MIN_TIME: Duration = Duration::from_micros(100);
/// Default budget of a whole `bench` call: 5 s.
pub const DEFAULT_MAX_TIME: Duration = Duration::from_secs(5);
/// Default number of samples: 1000 (with 0.1 ms samples, 0.2 s with the reference samples).
pub const DEFAULT_SAMPLES: u64 = 1000;
/// Default calls per sample: `None`, grown until a sample lasts `min_time`.
pub const DEFAULT_ITERATIONS: Option<u64> = None;

/// Whether [`bench()`](super::bench()) reports progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// Report progress of runs longer than about a second (the sink decides where; the
    /// default sink writes to stderr only when it is a terminal).
    Auto,
    /// Never report progress.
    Off,
}

/// The options of [`bench()`](super::bench()); [`BenchOptions::new`] gives the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchOptions {
    /// The benchmark's name.
    pub name: String,
    /// How long to call the closure untimed before calibrating (at most a quarter of
    /// `max_time`; zero for none). Default 100 ms.
    pub warmup: Duration,
    /// The shortest duration of one sample (> 0); the real floor is
    /// `max(min_time, 1000 × clock resolution)`. Default 0.1 ms.
    pub min_time: Duration,
    /// The budget of the whole call, calibration and warm-up included (≥ `min_time`).
    /// Default 5 s.
    pub max_time: Duration,
    /// How many samples to take (≥ 2) if the budget allows. Default 1000.
    pub samples: u64,
    /// Calls per sample, fixed (≥ 1): no growth to `min_time`, and exactly `samples` samples
    /// unless `max_time` runs out (then with a warning). Default `None`: grown until a sample
    /// lasts `max(min_time, 1000 × clock resolution)`.
    pub iterations: Option<u64>,
    /// Progress reporting. Default [`Progress::Auto`].
    pub progress: Progress,
}

impl BenchOptions {
    /// The default options under `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            warmup: DEFAULT_WARMUP,
            min_time: DEFAULT_MIN_TIME,
            max_time: DEFAULT_MAX_TIME,
            samples: DEFAULT_SAMPLES,
            iterations: DEFAULT_ITERATIONS,
            progress: Progress::Auto,
        }
    }

    /// Checks the options: `min_time > 0`, `max_time ≥ min_time`, `samples ≥ 2`,
    /// `iterations ≥ 1` when given.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut o = timing_runtime::bench::BenchOptions::new("x");
    /// assert!(o.validate().is_ok());
    /// o.max_time = Duration::from_micros(50); // below min_time (0.1 ms)
    /// assert!(o.validate().unwrap_err().to_string().starts_with("max_time"));
    /// ```
    pub fn validate(&self) -> Result<(), TimingError> {
        if self.min_time.is_zero() {
            return Err(TimingError::invalid("min_time", "must be positive, got 0"));
        }
        if self.max_time < self.min_time {
            return Err(TimingError::invalid(
                "max_time",
                format!(
                    "must be at least min_time ({:?}), got {:?}",
                    self.min_time, self.max_time
                ),
            ));
        }
        require_at_least("samples", self.samples, 2)?;
        if let Some(n) = self.iterations {
            require_at_least("iterations", n, 1)?;
        }
        Ok(())
    }
}

/// Default untimed warm-up of [`bench_pair()`](super::bench_pair()): 100 ms, both functions
/// called in turn.
pub const DEFAULT_PAIR_WARMUP: Duration = Duration::from_millis(100);
/// Default budget of a whole [`bench_pair()`](super::bench_pair()) call: 2 s.
pub const DEFAULT_PAIR_MAX_TIME: Duration = Duration::from_secs(2);
/// Default noise band of [`bench_pair()`](super::bench_pair()): 1 % (a change counts only when
/// the whole interval of the ratio is outside `[0.99, 1.01]`).
pub const DEFAULT_PAIR_NOISE: f64 = 0.01;
/// How long one sample of [`bench_pair()`](super::bench_pair()) lasts (at least; the real floor
/// is `max(this, 1000 × clock resolution)`): short samples make many pairs, and drift slower
/// than a pair cancels.
pub const PAIR_SAMPLE_TIME: Duration = Duration::from_micros(100);

/// The options of [`bench_pair()`](super::bench_pair()); [`PairOptions::new`] gives the
/// defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct PairOptions {
    /// The baseline's name (its statistics carry it).
    pub baseline_name: String,
    /// The candidate's name.
    pub candidate_name: String,
    /// How long to call both functions in turn, untimed, before sizing (at most a quarter of
    /// `max_time`). Default 100 ms.
    pub warmup: Duration,
    /// The budget of the whole call (> 0). Default 2 s.
    pub max_time: Duration,
    /// The noise band, a fraction with `0 ≤ noise < 1`. Default 0.01.
    pub noise: f64,
    /// Progress reporting. Default [`Progress::Auto`].
    pub progress: Progress,
}

impl PairOptions {
    /// The default options for a baseline and a candidate named so.
    pub fn new(baseline_name: impl Into<String>, candidate_name: impl Into<String>) -> Self {
        Self {
            baseline_name: baseline_name.into(),
            candidate_name: candidate_name.into(),
            warmup: DEFAULT_PAIR_WARMUP,
            max_time: DEFAULT_PAIR_MAX_TIME,
            noise: DEFAULT_PAIR_NOISE,
            progress: Progress::Auto,
        }
    }

    /// Checks the options: `max_time > 0`, `0 ≤ noise < 1`.
    ///
    /// ```
    /// let mut o = timing_runtime::bench::PairOptions::new("a", "b");
    /// assert!(o.validate().is_ok());
    /// o.noise = 1.0;
    /// assert!(o.validate().unwrap_err().to_string().starts_with("noise"));
    /// ```
    pub fn validate(&self) -> Result<(), TimingError> {
        if self.max_time.is_zero() {
            return Err(TimingError::invalid("max_time", "must be positive, got 0"));
        }
        crate::stats::compare::check_noise(self.noise)
    }
}
