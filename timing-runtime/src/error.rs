//! The typed errors of the runtime.

use thiserror::Error;

/// Why a runtime call refused its arguments or could not get its resources.
///
/// Every public entry point validates its arguments before doing any work and reports a
/// problem with one of these variants; none of them panics on bad input.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TimingError {
    /// An argument is outside its allowed range (`name` is the argument's name).
    #[error("{name} {message}")]
    InvalidArgument {
        /// The argument's name, as the user wrote it (`iterations`, `size`, …).
        name: &'static str,
        /// What is wrong with it, phrased to follow the name.
        message: String,
    },
    /// A buffer of `bytes` bytes could not be allocated (or would not fit in memory).
    #[error("cannot allocate {bytes} bytes: {reason}")]
    Allocation {
        /// The size that was asked for, saturated at `u128::MAX`.
        bytes: u128,
        /// Why it was refused.
        reason: String,
    },
    /// The threads a measurement needs could not be started (the OS refused them).
    #[error("cannot start {threads} threads: {reason}")]
    ThreadStart {
        /// The threads that were asked for.
        threads: usize,
        /// The operating system's reason.
        reason: String,
    },
    /// The work was cancelled through its [`Cancel`](crate::cancel::Cancel) (in Python:
    /// Ctrl-C) and stopped early; no result.
    #[error("interrupted")]
    Interrupted,
}

impl TimingError {
    /// Builds an [`TimingError::InvalidArgument`].
    pub fn invalid(name: &'static str, message: impl Into<String>) -> Self {
        Self::InvalidArgument {
            name,
            message: message.into(),
        }
    }
}

/// Checks that a count argument is at least `min`.
///
/// ```
/// use timing_runtime::error::require_at_least;
/// assert!(require_at_least("runs", 0, 1).is_err());
/// assert!(require_at_least("runs", 1, 1).is_ok());
/// ```
pub fn require_at_least(name: &'static str, value: u64, min: u64) -> Result<(), TimingError> {
    if value < min {
        Err(TimingError::invalid(
            name,
            format!("must be at least {min}, got {value}"),
        ))
    } else {
        Ok(())
    }
}
