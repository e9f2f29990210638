//! The odds ratios of a 2 x 2 table: the conditional maximum-likelihood
//! estimate with its exact interval (roots on the log odds ratio), and the
//! sample odds ratio with Woolf's interval.

use crate::error::Result;
use crate::fisher::hyper::{Hyper, SUM_REL_CUTOFF};
use crate::interval::{Alternative, ConfidenceInterval, ConfidenceLevel};
use crate::special::norm_quantile;
use crate::ErrorDetail;

/// Root finding on the log odds ratio stops when a step changes it by less
/// than this relative amount (a few ulps), far below R's `uniroot` tolerance
/// (`.Machine$double.eps^0.25` ≈ 1.2e-4).
const ROOT_REL_TOL: f64 = 4.0 * f64::EPSILON;

/// Half-width, in central standard deviations (plus 64 terms), of the window
/// of precomputed term ratios: the root-finding passes walk about 10 standard
/// deviations from a mode within 3 of the observed count. Only a speed
/// choice: terms outside the window are computed directly.
pub(super) const ROOT_WINDOW_SD: f64 = 16.0;

/// Iteration cap of the safeguarded Newton solver (each step at least
/// bisects the bracket, so 400 steps exhaust any `f64` bracket).
const ROOT_MAX_ITER: usize = 400;

/// Newton's method on an increasing function of `θ = ln ψ`, safeguarded by
/// the bracket `[a, b]` (`f(a) < 0 < f(b)`) that the iterates themselves
/// establish: a Newton step leaving the bracket (or not finite) is replaced by
/// bisection once both ends are known, and by a doubling step outward before.
/// Starting from a good guess this costs one pass per Newton step (4 to 6).
fn solve_increasing(
    f: &dyn Fn(f64) -> (f64, f64),
    start: f64,
    step: f64,
    what: &'static str,
) -> Result<f64> {
    let mut step = if step.is_finite() && step > 0.0 {
        step
    } else {
        1.0
    };
    let (mut a, mut b) = (f64::NEG_INFINITY, f64::INFINITY);
    let mut theta = start;
    let (mut fv, mut dv) = f(theta);
    for _ in 0..ROOT_MAX_ITER {
        if fv == 0.0 {
            return Ok(theta);
        }
        if fv < 0.0 {
            a = theta;
        } else {
            b = theta;
        }
        let mut next = theta - fv / dv;
        // a Newton step below the tolerance means convergence (it may round
        // to θ itself, which would otherwise look like leaving the bracket)
        if next.is_finite() && (next - theta).abs() <= ROOT_REL_TOL * theta.abs().max(1.0) {
            return Ok(next);
        }
        if !(next > a && next < b && next.is_finite()) {
            next = if a.is_finite() && b.is_finite() {
                0.5 * (a + b)
            } else if a.is_finite() {
                step *= 2.0;
                a + step
            } else {
                step *= 2.0;
                b - step
            };
        }
        if !next.is_finite() {
            break;
        }
        let tol = ROOT_REL_TOL * next.abs().max(1.0);
        if (next - theta).abs() <= tol || (b - a) <= tol {
            return Ok(next);
        }
        theta = next;
        (fv, dv) = f(theta);
    }
    Err(ErrorDetail::NoConvergence { what }.into())
}

/// The conditional MLE of the odds ratio (R's `mle()` in `fisher.test`),
/// with the conditional variance of `X` at it (when finite and positive).
pub(crate) fn conditional_mle(h: &Hyper, x: f64) -> Result<(f64, f64)> {
    if x == h.lo {
        return Ok((0.0, f64::NAN));
    }
    if x == h.hi {
        return Ok((f64::INFINITY, f64::NAN));
    }
    let f = |theta: f64| {
        let m = h.pass(theta, x, SUM_REL_CUTOFF);
        let mean = m.s1 / m.s;
        let var = m.s2 / m.s - mean * mean;
        (mean, var.max(f64::MIN_POSITIVE))
    };
    // Start: the Haldane-corrected sample log odds ratio.
    let (a, b, c, d) = (x, h.k - x, h.m - x, h.n - h.k + x);
    let start = ((a + 0.5) * (d + 0.5) / ((b + 0.5) * (c + 0.5))).ln();
    let theta = solve_increasing(&f, start, 0.5, "conditional MLE of the odds ratio")?;
    let (_, var) = f(theta);
    Ok((theta.exp(), var))
}

/// Starting point and step for an interval bound: the conditional Wald
/// bound around the MLE (or 0 when the MLE is infinite).
fn wald_start(mle: f64, var: f64, alpha: f64, lower: bool) -> (f64, f64) {
    if mle > 0.0 && mle.is_finite() && var > 0.0 {
        let theta = mle.ln();
        let se = 1.0 / var.sqrt();
        let z = norm_quantile(1.0 - alpha).unwrap_or(2.0); // fallback only guides the start
        let start = if lower {
            theta - z * se
        } else {
            theta + z * se
        };
        if start.is_finite() {
            return (start, se.clamp(1e-3, 1.0));
        }
    }
    (0.0, 1.0)
}

/// R's `ncp.L(x, alpha)`: the ψ with `P_ψ(X ≥ x) = α`.
pub(crate) fn ncp_lower(h: &Hyper, x: f64, alpha: f64, mle: f64, var: f64) -> Result<f64> {
    if x == h.lo {
        return Ok(0.0);
    }
    let cut = SUM_REL_CUTOFF * alpha;
    let ln_alpha = alpha.ln();
    let f = |theta: f64| {
        let m = h.pass(theta, x, cut);
        if m.ge > 0.0 {
            let g = (m.ge / m.s).ln() - ln_alpha;
            let dg = m.ge1 / m.ge - m.s1 / m.s;
            (g, dg)
        } else {
            (f64::NEG_INFINITY, f64::NAN)
        }
    };
    let (start, step) = wald_start(mle, var, alpha, true);
    let theta = solve_increasing(&f, start, step, "lower confidence bound of the odds ratio")?;
    Ok(theta.exp())
}

/// R's `ncp.U(x, alpha)`: the ψ with `P_ψ(X ≤ x) = α`.
pub(crate) fn ncp_upper(h: &Hyper, x: f64, alpha: f64, mle: f64, var: f64) -> Result<f64> {
    if x == h.hi {
        return Ok(f64::INFINITY);
    }
    let cut = SUM_REL_CUTOFF * alpha;
    let ln_alpha = alpha.ln();
    // P_θ(X ≤ x) decreases in θ: solve the increasing ln α − ln P_θ(X ≤ x).
    let f = |theta: f64| {
        let m = h.pass(theta, x, cut);
        if m.le > 0.0 {
            let g = ln_alpha - (m.le / m.s).ln();
            let dg = -(m.le1 / m.le - m.s1 / m.s);
            (g, dg)
        } else {
            (f64::INFINITY, f64::NAN)
        }
    };
    let (start, step) = wald_start(mle, var, alpha, false);
    let theta = solve_increasing(&f, start, step, "upper confidence bound of the odds ratio")?;
    Ok(theta.exp())
}

/// `ad / bc` with the zero conventions documented on the accessor.
pub(super) fn sample_odds_ratio(a: f64, b: f64, c: f64, d: f64) -> f64 {
    let num = a * d;
    let den = b * c;
    if den == 0.0 {
        if num == 0.0 {
            f64::NAN
        } else {
            f64::INFINITY
        }
    } else {
        num / den
    }
}

/// Woolf's logit interval (scipy's `_sample_odds_ratio_ci`).
pub(super) fn woolf(
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    or: f64,
    level: ConfidenceLevel,
    alt: Alternative,
) -> Result<ConfidenceInterval> {
    // scipy's `odds_ratio` returns (0, ∞) when a row or column is all zero.
    if (a + b == 0.0) || (c + d == 0.0) || (a + c == 0.0) || (b + d == 0.0) {
        return Ok(ConfidenceInterval::new(0.0, f64::INFINITY, level));
    }
    let se = (1.0 / a + 1.0 / b + 1.0 / c + 1.0 / d).sqrt();
    let ln_or = or.ln();
    // z from whichever of level and α = 1 − level is at most 1/2, so its
    // argument is exact and inside (0, 1) for every validated level:
    // `(1 + level)/2` rounds to 1 for level = 1 − 2⁻⁵³, and 1 − level
    // rounds to 1 for level = 1e-300.
    let one_sided_z = || -> Result<f64> {
        if level.value() <= 0.5 {
            norm_quantile(level.value())
        } else {
            Ok(-norm_quantile(level.alpha())?)
        }
    };
    let (lo, hi) = match alt {
        Alternative::TwoSided => {
            let z = level.z();
            (ln_or - z * se, ln_or + z * se)
        }
        Alternative::Less => {
            let z = one_sided_z()?;
            (f64::NEG_INFINITY, ln_or + z * se)
        }
        Alternative::Greater => {
            let z = one_sided_z()?;
            (ln_or - z * se, f64::INFINITY)
        }
    };
    Ok(ConfidenceInterval::new(lo.exp(), hi.exp(), level))
}
