//! The profiler's state word and its switches: recording on or off, a trace session or none,
//! and the reset epoch — read by the hot path with one relaxed load.

use std::sync::Mutex;
use std::sync::MutexGuard;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use super::sync::lock;

/// The profiler's switches and reset epoch in one word, so that the hot path reads them all
/// with one relaxed load: bit 0 ([`ENABLED`]) is "recording, no trace session", bit 1
/// ([`TRACING`]) is "recording, and a trace session is capturing spans" (never both; recording
/// is on when either is set, see [`recording`]), bit 2 ([`HOSTED`]) is "a guest: record into the
/// host's profile" (then bits 0 and 1 stay clear: the host's word says whether it records),
/// bits 3.. are the reset epoch. So the hot path's one test of bit 0 sends "off", "tracing" and
/// "hosted" to the same out-of-line branch, and recording without a session runs exactly the
/// instructions it ran before tracing and guests existed.
pub(crate) static STATE: AtomicU64 = AtomicU64::new(ENABLED);
pub(crate) const ENABLED: u64 = 1;
/// Bit 1 of [`STATE`]: recording, and a trace session is capturing spans.
pub(crate) const TRACING: u64 = 2;
/// Bit 2 of [`STATE`]: this runtime is a guest of another's (see `profile/shared`).
pub(crate) const HOSTED: u64 = 4;
/// Whether a trace session is active (the source of truth for which of [`ENABLED`] and
/// [`TRACING`] "on" means). Written only under [`SWITCHES`].
static SESSION_ACTIVE: AtomicBool = AtomicBool::new(false);
/// Serialises the writers of the two switches (`set_enabled`, `set_tracing`).
static SWITCHES: Mutex<()> = Mutex::new(());

/// Whether a [`STATE`] value means "recording" (with or without a trace session).
#[inline(always)]
pub(crate) fn recording(state: u64) -> bool {
    state & (ENABLED | TRACING) != 0
}

/// Starts or stops span capture (a trace session); recording itself stays as it was.
pub(crate) fn set_tracing(active: bool) {
    let _switches = lock(&SWITCHES);
    switch_tracing(active);
}

/// [`set_tracing`] with [`SWITCHES`] already held by the caller.
fn switch_tracing(active: bool) {
    SESSION_ACTIVE.store(active, Ordering::Relaxed);
    let on = if active { TRACING } else { ENABLED };
    let _ = STATE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |s| {
        Some(if recording(s) {
            (s & !(ENABLED | TRACING)) | on
        } else {
            s
        })
    });
}

/// The lock of the two switches, held by the forking thread across `fork()` (see `fork.rs`).
pub(crate) struct SwitchesLock(#[allow(dead_code)] MutexGuard<'static, ()>);

impl SwitchesLock {
    /// Takes the switches' lock.
    pub(crate) fn take() -> Self {
        Self(lock(&SWITCHES))
    }

    /// In a forked child: no trace session (the child does not inherit the parent's).
    pub(crate) fn forget_tracing_after_fork(&self) {
        switch_tracing(false);
    }
}
/// The first bit of the epoch in [`STATE`]: adding it starts a new epoch.
const EPOCH_UNIT: u64 = 8;

/// Whether two [`STATE`] values are in the same reset epoch.
#[inline(always)]
pub(crate) fn same_epoch(a: u64, b: u64) -> bool {
    (a ^ b) < EPOCH_UNIT
}

/// The epoch encoded in a [`STATE`] value.
#[inline(always)]
pub(crate) fn epoch_of(state: u64) -> u64 {
    state / EPOCH_UNIT
}

/// Makes this runtime a guest: its own recording bits are cleared for good, so every call takes
/// the hosted branch (see `profile/shared`).
pub(crate) fn set_hosted() {
    let _switches = lock(&SWITCHES);
    let _ = STATE.fetch_update(Ordering::Release, Ordering::Relaxed, |s| {
        Some((s & !(ENABLED | TRACING)) | HOSTED)
    });
}

/// Turns recording on or off (see [`set_enabled`](super::set_enabled)).
pub(crate) fn set_enabled(enabled: bool) {
    let _switches = lock(&SWITCHES);
    let on = if !enabled {
        0
    } else if SESSION_ACTIVE.load(Ordering::Relaxed) {
        TRACING
    } else {
        ENABLED
    };
    let _ = STATE.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |s| {
        Some((s & !(ENABLED | TRACING)) | on)
    });
}

/// Whether this runtime's own recording is on.
pub(crate) fn is_enabled() -> bool {
    recording(STATE.load(Ordering::Relaxed))
}

/// Starts a new reset epoch; returns it.
pub(crate) fn new_epoch() -> u64 {
    STATE.fetch_add(EPOCH_UNIT, Ordering::Relaxed);
    current_epoch()
}

/// In a forked child: starts a new epoch, so that calls open across the fork are not
/// recorded (as across a [`reset`](super::reset)).
pub(crate) fn new_epoch_after_fork() {
    new_epoch();
}

/// The current reset epoch.
pub(crate) fn current_epoch() -> u64 {
    epoch_of(STATE.load(Ordering::Relaxed))
}
