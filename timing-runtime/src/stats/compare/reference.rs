//! Method "reference": two saved runs compared through the reference workload run alongside
//! each of them.
//!
//! Inside a run, every sample of the function `f_i` sits next to a sample of the fixed
//! reference workload `r_i`, whose time tells how fast the machine was at that moment. On a
//! shared machine that speed changes a lot, and not every function follows it alike: measured
//! on this project's VM, the machine switched between two speeds 1.5× apart, several times a
//! second, and a ~20 µs function slowed by only ~0.7 of the reference's change (in logs).
//! Dividing by the reference (β = 1) then leaves up to a ±14 % error whenever two runs saw the
//! machine in different states, which no fixed noise band can hide without hiding real 10 %
//! changes too. So the comparison fits how the function follows the reference.
//!
//! **The model**, on the medians of [`BLOCKS`] consecutive blocks of samples of each run (block
//! medians shrug off the interrupted samples), `x = ln r`, `y = ln f`:
//!
//! `y = α_run + β · x + e  (+ a run effect of standard deviation RUN_WANDER on α)`
//!
//! * `β`, the function's *elasticity* to the machine's speed, is common to both runs and fitted
//!   from the blocks' variation *within* each run (least squares with an intercept per run),
//!   counting only the part of the reference's variation beyond its own scatter (each
//!   sample's distance from its block's median: noise in `x` would pull `β` toward 0 and make
//!   two runs at different steady speeds look different);
//!   it is shrunk toward 1 — "the function follows the machine like the reference", the
//!   assumption of a plain ratio — with a prior standard deviation [`ELASTICITY_SD`], so that a
//!   run during which the machine's speed hardly changed leaves `β ≈ 1`;
//! * the change is `δ = (ȳ_c − ȳ_b) − β · (x̄_c − x̄_b)`: the difference of the runs' mean log
//!   times at the same machine speed; `ratio = exp(δ)`;
//! * its variance: the residual scatter of the blocks (`s² · (1/B_b + 1/B_c)`), the
//!   uncertainty of `β` times the change of speed between the runs (`Δx² · var β`: when the
//!   runs saw different speeds, how the function follows the speed matters), and the run-to-run
//!   wander of the function's relative time that no reference explains ([`RUN_WANDER`]²);
//! * `ci`: `δ ± t(df) · sd`, `df = B_b + B_c − 3`; `p_value`: the same t test of `δ = 0`;
//!   `verdict`: [`Verdict::outside_band`] with the caller's noise band.
//!
//! When the runs saw the machine at different speeds and neither run saw a change of speed
//! inside itself, `β` stays at its prior and the interval is wide: the honest answer is then
//! "cannot tell" for all but large changes.
//!
//! [`BLOCKS`]: crate::stats::relative::BLOCKS

use statrs::distribution::{ContinuousCDF, StudentsT};

use super::{Comparison, Method, Verdict};
use crate::stats::relative::block_medians;

/// The standard deviation of the run-to-run wander of a function's time at a given machine
/// speed, in log units: 2 %. Measured on this project's shared VM (`benchmarks/verdicts.py`):
/// the adjusted difference of two runs of the same function scattered by 2–2.5 %, against a
/// within-run standard error of about 1 %.
pub const RUN_WANDER: f64 = 0.02;

/// The prior standard deviation of the elasticity `β` around 1: 0.5. Measured elasticities of
/// `sum(range(n))` functions of 1–20 µs against the Python reference workload were 0.3–1.3.
pub const ELASTICITY_SD: f64 = 0.5;

/// The fit of the model (see the module documentation) to two runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Adjusted {
    /// `δ`: the candidate's log time minus the baseline's, at the same machine speed.
    pub delta: f64,
    /// The standard deviation of `δ`.
    pub sd: f64,
    /// Degrees of freedom of the t quantile.
    pub df: f64,
    /// The elasticity used (after shrinkage toward 1).
    pub beta: f64,
    /// The change of the machine's speed between the runs: `x̄_c − x̄_b`.
    pub shift: f64,
}

/// Fits the model to the runs' samples and their reference samples, each in time order and
/// all positive. `None` with fewer than 2 blocks in a run (fewer than 4 samples).
///
/// ```
/// use timing_runtime::stats::compare::reference::fit;
/// // The machine runs 1.5x slower from sample 50 of the baseline's run but from sample 20 of
/// // the candidate's; the function follows only 0.7 of that (in logs); the candidate costs
/// // 10 % more.
/// let run = |slow_from: usize, cost: f64| -> (Vec<f64>, Vec<f64>) {
///     let speed = |i: usize| if i < slow_from { 1.0 } else { 1.5f64 };
///     let r = (0..100).map(|i| speed(i) * (1.0 + 0.001 * (i % 3) as f64)).collect();
///     let f = (0..100).map(|i| cost * speed(i).powf(0.7)).collect();
///     (f, r)
/// };
/// let (b, c) = (run(50, 2.0), run(20, 2.2));
/// let a = fit((&b.0, &b.1), (&c.0, &c.1)).unwrap();
/// assert!((a.beta - 0.7).abs() < 0.01, "{a:?}");
/// assert!((a.delta - 1.1f64.ln()).abs() < 0.002, "{a:?}");
/// // Divided by the reference alone, the candidate would look only about 6 % slower.
/// let plain = |(f, r): &(Vec<f64>, Vec<f64>)| f.iter().zip(r).map(|(f, r)| (f / r).ln()).sum::<f64>() / 100.0;
/// assert!(plain(&c) - plain(&b) < 0.07);
/// ```
pub fn fit(baseline: (&[f64], &[f64]), candidate: (&[f64], &[f64])) -> Option<Adjusted> {
    let run = |(f, r): (&[f64], &[f64])| {
        let y = block_medians(&f.iter().map(|v| v.ln()).collect::<Vec<_>>());
        let logs: Vec<f64> = r.iter().map(|v| v.ln()).collect();
        let x = block_medians(&logs);
        let noise = (x.len().saturating_sub(1)) as f64 * block_median_noise(&logs);
        (x, y, noise)
    };
    let (xb, yb, noise_b) = run(baseline);
    let (xc, yc, noise_c) = run(candidate);
    if xb.len() < 2 || xc.len() < 2 {
        return None;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (mxb, myb, mxc, myc) = (mean(&xb), mean(&yb), mean(&xc), mean(&yc));
    let dev = |v: &[f64], m: f64| v.iter().map(|x| x - m).collect::<Vec<_>>();
    let (dxb, dyb, dxc, dyc) = (dev(&xb, mxb), dev(&yb, myb), dev(&xc, mxc), dev(&yc, myc));
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let sxx = dot(&dxb, &dxb) + dot(&dxc, &dxc);
    // What of the blocks' spread in x is the machine's speed, not the reference's own scatter:
    // noise in x would bias the slope toward 0 (errors in variables), and a run that never
    // changed speed would then "show" that the function ignores the machine.
    let signal = sxx - noise_b - noise_c;
    let sxy = dot(&dxb, &dyb) + dot(&dxc, &dyc);
    let syy = dot(&dyb, &dyb) + dot(&dyc, &dyc);
    let blocks = (xb.len() + xc.len()) as f64;
    let prior = 1.0 / (ELASTICITY_SD * ELASTICITY_SD);
    // The least-squares slope within the runs, its residual variance, and the shrunk slope.
    // Below a sum of squares of 1e-12 (deviations of about a millionth in log time) the
    // reference did not vary within the runs: rounding, not a change of speed.
    let (beta, var_beta, s2, df) = if sxx > 1e-12 && signal > 1e-12 {
        let df = blocks - 3.0;
        let s2 = (syy - sxy / sxx * sxy).max(0.0) / df;
        let slope = sxy / signal;
        let data = signal / s2;
        if s2 == 0.0 || !data.is_finite() {
            (slope, 0.0, 0.0, df)
        } else {
            (
                (slope * data + prior) / (data + prior),
                1.0 / (data + prior),
                s2,
                df,
            )
        }
    } else {
        let df = blocks - 2.0;
        (1.0, 1.0 / prior, syy / df, df)
    };
    let shift = mxc - mxb;
    let delta = (myc - myb) - beta * shift;
    let var = s2 * (1.0 / xb.len() as f64 + 1.0 / xc.len() as f64)
        + shift * shift * var_beta
        + RUN_WANDER * RUN_WANDER;
    Some(Adjusted {
        delta,
        sd: var.sqrt(),
        df,
        beta,
        shift,
    })
}

/// The comparison of two runs relative to their reference samples (`(samples, reference)` of
/// each, per iteration) with the noise band `noise`; `None` when a run has too few samples to
/// fit (fewer than 4).
pub(super) fn compare_reference(
    baseline: (&[f64], &[f64]),
    candidate: (&[f64], &[f64]),
    noise: f64,
) -> Option<Comparison> {
    let a = fit(baseline, candidate)?;
    let (half, p_value) = match StudentsT::new(0.0, 1.0, a.df) {
        Ok(t) if a.delta.is_finite() && a.sd > 0.0 => (
            t.inverse_cdf(0.975) * a.sd,
            (2.0 * (1.0 - t.cdf((a.delta / a.sd).abs()))).clamp(0.0, 1.0),
        ),
        _ => (f64::INFINITY, 1.0),
    };
    let ci = ((a.delta - half).exp(), (a.delta + half).exp());
    Some(Comparison {
        ratio: a.delta.exp(),
        ci,
        p_value,
        verdict: Verdict::outside_band(ci, noise, p_value),
        noise,
        method: Method::Reference,
    })
}

/// The variance a block median of `logs` (in time order, split as [`block_medians`] splits
/// them) gets from the samples' own scatter: `π/2 · σ² / m`, with `σ` = 1.4826 × the median
/// absolute deviation of each sample from its block's median and `m` the samples per block. A
/// change of speed inside a block counts as scatter here: the estimate errs toward "noise",
/// which leaves the elasticity nearer its prior.
fn block_median_noise(logs: &[f64]) -> f64 {
    let n = logs.len();
    let medians = block_medians(logs);
    let blocks = medians.len();
    if blocks == 0 || n < 2 {
        return 0.0;
    }
    let mut deviations: Vec<f64> = (0..blocks)
        .flat_map(|b| {
            let (lo, hi) = (b * n / blocks, (b + 1) * n / blocks);
            let median = medians[b];
            logs[lo..hi].iter().map(move |x| (x - median).abs())
        })
        .collect();
    deviations.sort_by(f64::total_cmp);
    let mad = crate::stats::order::median_of_sorted(&deviations);
    let sigma = 1.4826 * mad;
    std::f64::consts::FRAC_PI_2 * sigma * sigma / (n as f64 / blocks as f64)
}
