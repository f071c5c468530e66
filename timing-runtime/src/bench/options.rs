//! The options of [`bench()`](super::bench()) and their defaults.

use std::time::Duration;

use crate::error::{TimingError, require_at_least};

/// Default untimed warm-up before calibration: 100 ms.
pub const DEFAULT_WARMUP: Duration = Duration::from_millis(100);
/// Default shortest duration of one sample: 5 ms.
pub const DEFAULT_MIN_TIME: Duration = Duration::from_millis(5);
/// Default budget of a whole `bench` call: 5 s.
pub const DEFAULT_MAX_TIME: Duration = Duration::from_secs(5);
/// Default number of samples: 50.
pub const DEFAULT_SAMPLES: u64 = 50;

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
    /// `max(min_time, 1000 × clock resolution)`. Default 5 ms.
    pub min_time: Duration,
    /// The budget of the whole call, calibration and warm-up included (≥ `min_time`).
    /// Default 5 s.
    pub max_time: Duration,
    /// How many samples to take (≥ 2) if the budget allows. Default 50.
    pub samples: u64,
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
            progress: Progress::Auto,
        }
    }

    /// Checks the options: `min_time > 0`, `max_time ≥ min_time`, `samples ≥ 2`.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut o = timing_runtime::bench::BenchOptions::new("x");
    /// assert!(o.validate().is_ok());
    /// o.max_time = Duration::from_millis(1);
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
        require_at_least("samples", self.samples, 2)
    }
}
