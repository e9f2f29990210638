//! The p-values of Fisher's 2 x 2 test: both tails and the two-sided sum
//! of the tables no more probable than the observed one (R's rule), exact
//! or mid-p, at any null odds ratio (0 and ∞ included).

use crate::fisher::hyper::{Hyper, SUM_REL_CUTOFF};
use crate::interval::Alternative;

use super::two_by_two::PValueKind;

/// R's relative tolerance for "no more probable than the observed table" in
/// the two-sided 2 x 2 p-value: `fisher.test` uses `relErr <- 1 + 10^(-7)`
/// (R 4.2.2, `src/library/stats/R/fisher.test.R`).
pub(crate) const R_REL_ERR_2X2: f64 = 1e-7;

/// The p-value of the 2 x 2 test at null odds ratio `psi0`.
pub(crate) fn p_value(h: &Hyper, x: f64, psi0: f64, alt: Alternative, kind: PValueKind) -> f64 {
    let mid = kind == PValueKind::MidP;
    if h.lo == h.hi {
        return if mid { 0.5 } else { 1.0 };
    }
    if psi0 == 0.0 || psi0 == f64::INFINITY {
        return degenerate_null_p(h, x, psi0, alt, mid);
    }
    let dist = RelativeTerms::new(h, psi0.ln(), x);
    match alt {
        Alternative::Less => one_sided_p(dist.lower(x), || dist.prob(x), mid),
        Alternative::Greater => one_sided_p(dist.upper(x), || dist.prob(x), mid),
        Alternative::TwoSided => dist.two_sided(x, mid),
    }
}

/// The p-value at a degenerate null odds ratio, as R's `pnhyper` and its
/// two-sided branch: `ψ₀ = 0` puts all mass at `lo`, `ψ₀ = ∞` all at `hi`.
fn degenerate_null_p(h: &Hyper, x: f64, psi0: f64, alt: Alternative, mid: bool) -> f64 {
    let at = if psi0 == 0.0 { h.lo } else { h.hi };
    let eq = if x == at { 1.0 } else { 0.0 };
    let (le, ge) = if psi0 == 0.0 {
        (1.0, eq) // all mass at lo ≤ x
    } else {
        (eq, 1.0)
    };
    let p = match alt {
        Alternative::Less => le,
        Alternative::Greater => ge,
        Alternative::TwoSided => eq,
    };
    if mid {
        p - 0.5 * eq
    } else {
        p
    }
}

/// A one-sided p-value from its tail `p = P(X ≤ x)` or `P(X ≥ x)`: the
/// mid-p takes half the observed table's probability `p_x` off.
fn one_sided_p(p: f64, p_x: impl FnOnce() -> f64, mid: bool) -> f64 {
    if mid {
        (p - 0.5 * p_x()).max(0.0)
    } else {
        p.min(1.0)
    }
}

/// The distribution of `X` at `ln ψ` with every term taken relative to the
/// mode's (so nothing overflows): `rel(u) = P(u)/P(mode)`, and `total` the
/// sum of all of them.
struct RelativeTerms<'h> {
    h: &'h Hyper,
    ln_psi: f64,
    mode: f64,
    /// `ln_term` of the mode
    ln_mode: f64,
    /// `Σ_u rel(u)`
    total: f64,
}

impl<'h> RelativeTerms<'h> {
    /// The terms at `ln ψ`, summed by one pass started at `x`.
    fn new(h: &'h Hyper, ln_psi: f64, x: f64) -> Self {
        let mode = h.mode(ln_psi);
        let total = h.pass(ln_psi, x, SUM_REL_CUTOFF).s;
        let ln_mode = h.ln_term(mode, ln_psi, mode);
        RelativeTerms {
            h,
            ln_psi,
            mode,
            ln_mode,
            total,
        }
    }

    /// `ln P(u)` up to the constant of the mode.
    fn ln_term(&self, u: f64) -> f64 {
        self.h.ln_term(u, self.ln_psi, self.mode)
    }

    /// `P(u)/P(mode)`.
    fn rel(&self, u: f64) -> f64 {
        (self.ln_term(u) - self.ln_mode).exp()
    }

    /// `P(X = u)`.
    fn prob(&self, u: f64) -> f64 {
        self.rel(u) / self.total
    }

    /// `P(X ≤ u)` for `u` below the mode, summed from `u` down.
    fn lower_tail_at(&self, u: f64) -> f64 {
        self.rel(u) * self.h.lower_tail_from(u, self.ln_psi) / self.total
    }

    /// `P(X ≥ u)` for `u` above the mode, summed from `u` up.
    fn upper_tail_at(&self, u: f64) -> f64 {
        self.rel(u) * self.h.upper_tail_from(u, self.ln_psi) / self.total
    }

    /// `P(X ≤ u)`: from a pass at or above the mode, else the tail below.
    fn lower(&self, u: f64) -> f64 {
        if u >= self.mode {
            let m = self.h.pass(self.ln_psi, u, SUM_REL_CUTOFF);
            m.le / m.s
        } else {
            self.lower_tail_at(u)
        }
    }

    /// `P(X ≥ u)`: from a pass at or below the mode, else the tail above.
    fn upper(&self, u: f64) -> f64 {
        if u <= self.mode {
            let m = self.h.pass(self.ln_psi, u, SUM_REL_CUTOFF);
            m.ge / m.s
        } else {
            self.upper_tail_at(u)
        }
    }

    /// The two-sided p-value of `x`: the mass of the tables no more probable
    /// than `x` (within R's factor `1 + 1e-7`). The terms increase up to the
    /// mode and decrease after, so those tables are two tails, whose inner
    /// ends are found by bisection.
    fn two_sided(&self, x: f64, mid: bool) -> f64 {
        let tol = R_REL_ERR_2X2.ln_1p();
        let ln_x = self.ln_term(x);
        let thr = ln_x + tol;
        let half_tied = || 0.5 * self.tied_mass(x, ln_x, tol);
        if self.ln_mode <= thr {
            // every table is at most as probable as the observed one
            return if mid { 1.0 - half_tied() } else { 1.0 };
        }
        let (h, mode) = (self.h, self.mode);
        let below = |u: f64| self.ln_term(u) <= thr;
        let mut p = 0.0;
        if h.lo < mode && below(h.lo) {
            // the largest u in [lo, mode) with ln P(u) ≤ thr
            p += self.lower_tail_at(last_where(h.lo, mode - 1.0, below));
        }
        if mode < h.hi && below(h.hi) {
            // the smallest u in (mode, hi] with ln P(u) ≤ thr
            p += self.upper_tail_at(first_where(mode + 1.0, h.hi, below));
        }
        if mid {
            p -= half_tied();
        }
        p.clamp(0.0, 1.0)
    }

    /// Probability of the tables tied with the observed one `x` (within a
    /// factor `1 + 1e-7`): log-concavity leaves at most two on each side of
    /// the mode, so instead of searching the whole support, a window around
    /// `x` and around the point of equal probability on the other side of
    /// the mode (found by bisection) is checked.
    fn tied_mass(&self, x: f64, ln_x: f64, tol: f64) -> f64 {
        let (h, mode) = (self.h, self.mode);
        let at_most_x = |u: f64| self.ln_term(u) <= ln_x + tol;
        let other = if x >= mode {
            last_where(h.lo, mode, at_most_x)
        } else {
            first_where(mode, h.hi, at_most_x)
        };
        let mut cands = [x - 1.0, x, x + 1.0, other - 1.0, other, other + 1.0];
        cands.sort_by(f64::total_cmp);
        let mut mass = 0.0;
        for (k, &u) in cands.iter().enumerate() {
            let repeated = k > 0 && cands.get(k - 1) == Some(&u);
            let tied = || (self.ln_term(u) - ln_x).abs() <= tol;
            if !repeated && u >= h.lo && u <= h.hi && tied() {
                mass += self.prob(u);
            }
        }
        mass
    }
}

/// The largest integer `u` in `[lo, hi]` with `pred(u)`, for a `pred` that
/// holds up to some point and not after (`lo` when it holds nowhere).
fn last_where(mut lo: f64, mut hi: f64, pred: impl Fn(f64) -> bool) -> f64 {
    while lo < hi {
        let m = lo + ((hi - lo + 1.0) / 2.0).floor();
        if pred(m) {
            lo = m;
        } else {
            hi = m - 1.0;
        }
    }
    lo
}

/// The smallest integer `u` in `[lo, hi]` with `pred(u)`, for a `pred` that
/// fails up to some point and holds after (`hi` when it holds nowhere).
fn first_where(mut lo: f64, mut hi: f64, pred: impl Fn(f64) -> bool) -> f64 {
    while lo < hi {
        let m = lo + ((hi - lo) / 2.0).floor();
        if pred(m) {
            hi = m;
        } else {
            lo = m + 1.0;
        }
    }
    lo
}
