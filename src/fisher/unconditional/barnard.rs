//! Barnard's test: the builder, and the rejection region ordered by the
//! Wald statistic (compared exactly near ties).

use crate::builder::setters;
use std::cmp::Ordering;
use std::time::Duration;

use super::table::{ln_pmf_row, Groups};
use super::{finish, Deadline, LogSum, UnconditionalMethod, UnconditionalResult, WaldVariance};
use super::{BergerBoos, DEFAULT_TIME_LIMIT};
use crate::error::Result;
use crate::fisher::table_2x2::Table2x2;
use crate::interval::Alternative;

/// The Wald statistics of two tables are compared in floating point when
/// they differ by more than this relative amount, and exactly (as rational
/// numbers in 128-bit integers) otherwise, so that ties are exact.
const WALD_EXACT_BAND: f64 = 1e-9;

/// Barnard's unconditional exact test of two binomial proportions (rows
/// of a 2 x 2 table with fixed row totals), ordered by the Wald statistic.
///
/// # Method
/// Row `i` holds `xᵢ` successes (column 1) of `nᵢ`; under the null both
/// rows are Binomial(nᵢ, π) with an unknown common `π`. With `T` the Wald
/// statistic ([`WaldVariance`]) and `R` the tables at least as extreme as
/// the observed one (`T ≤ T_obs` for `Less`, `T ≥ T_obs` for `Greater`,
/// `|T| ≥ |T_obs|` two-sided; ties compared exactly):
/// ```text
/// P_π(R) = Σ_{(y₁,y₂) ∈ R} C(n₁,y₁) C(n₂,y₂) π^(y₁+y₂) (1 − π)^(N−y₁−y₂)
///        = Σ_s h_s C(N,s) πˢ (1 − π)^(N−s),   h_s = P(R | y₁ + y₂ = s) ∈ [0, 1]
/// p = sup_{0 ≤ π ≤ 1} P_π(R)
/// ```
/// `h_s` is a hypergeometric probability, summed in log space. The supremum
/// is certified: with `Δ_s = h_{s+1} − h_s`,
/// `P'(π) = N Σ_s Δ_s C(N−1,s) πˢ(1 − π)^(N−1−s)`, and on `[u, v]` each
/// binomial term is at most its value at the point of `[u, v]` nearest to
/// `s/(N − 1)`; this bounds `P'` above (`D⁺`) and below (`−D⁻`) on the
/// interval, so `P ≤ min(P(u) + D⁺(π − u), P(v) + D⁻(v − π))` there. The
/// same argument on `P'' = N(N−1) Σ_s Δ²_s C(N−2,s) πˢ(1 − π)^(N−2−s)`
/// bounds `P'' ≤ M` on the interval, and Taylor's theorem from each end,
/// `P(π) ≤ P(u) + P'(u)(π − u) + M(π − u)²/2`, gives a second bound that
/// shrinks with the square of the width. A grid of `max(64, 16√N)`
/// intervals, a golden-section refinement around the best grid point, then
/// branch and bound on the smaller of the two bounds stop when no interval
/// can exceed the best value by more than [`CERTIFIED_REL_TOL`](super::CERTIFIED_REL_TOL).
///
/// # Conventions
/// scipy's `barnard_exact` with the groups as the table's COLUMNS: survkit
/// `[[a, b], [c, d]]` is scipy `[[a, c], [b, d]]`. scipy samples 32 points
/// by default and can miss the maximum (`docs/validation/unconditional.md`
/// lists by how much); survkit's maximum is certified. Agreement with scipy
/// at 2^14 points is within 1e-9 (tested on 2000 tables). scipy returns
/// `(nan, 1.0)` when a group is empty; survkit returns an error.
///
/// # Errors
/// [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) if a row (group) total is 0;
/// [`ErrorDetail::BudgetExceeded`](crate::ErrorDetail::BudgetExceeded) if `(n₁ + 1)(n₂ + 1)` exceeds
/// [`MAX_REGION_TABLES`](super::MAX_REGION_TABLES); [`ErrorDetail::TimeLimitExceeded`](crate::ErrorDetail::TimeLimitExceeded) past the time limit
/// (default [`DEFAULT_TIME_LIMIT`]).
///
/// # Example
/// ```
/// use survkit::{Alternative, Barnard, Table2x2};
/// // scipy: barnard_exact([[7, 12], [8, 3]], alternative="less")
/// // (scipy's columns are survkit's rows)
/// let t = Table2x2::new([[7, 8], [12, 3]])?;
/// let r = Barnard::new().alternative(Alternative::Less).test(&t)?;
/// assert!((r.statistic() - -1.894).abs() < 1e-3);
/// assert!((r.p_value() - 0.0341).abs() < 1e-4);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Barnard, G. A. (1945). A new test for 2 x 2 tables. *Nature* 156, 177.
///   doi:10.1038/156177a0
/// - Barnard, G. A. (1947). Significance tests for 2 x 2 tables.
///   *Biometrika* 34, 123–138. doi:10.1093/biomet/34.1-2.123
/// - Lydersen, S., Fagerland, M. W. & Laake, P. (2009). Recommended tests
///   for association in 2 x 2 tables. *Stat. Med.* 28, 1159–1175.
///   doi:10.1002/sim.3531
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use]
pub struct Barnard {
    alternative: Alternative,
    variance: WaldVariance,
    berger_boos: Option<BergerBoos>,
    time_limit: Duration,
}

impl Default for Barnard {
    fn default() -> Self {
        Barnard {
            alternative: Alternative::TwoSided,
            variance: WaldVariance::Pooled,
            berger_boos: None,
            time_limit: DEFAULT_TIME_LIMIT,
        }
    }
}

impl Barnard {
    /// The default test: two-sided, pooled variance, `π ∈ [0, 1]`, 10 s.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// The alternative (default two-sided): `Less` means row 1's success
        /// probability is the smaller.
        pub fn alternative(mut self, alternative: Alternative) -> Self { self.alternative }

        /// The variance of the Wald statistic (default pooled).
        pub fn variance(mut self, variance: WaldVariance) -> Self { self.variance }

        /// Restricts `π` to a Clopper-Pearson interval (default: no restriction).
        pub fn berger_boos(mut self, restriction: BergerBoos) -> Self { self.berger_boos }

        /// The time budget (default [`DEFAULT_TIME_LIMIT`]).
        pub fn time_limit(mut self, limit: Duration) -> Self { self.time_limit }
    }

    /// Runs the test on a table whose rows are the two groups (column 1:
    /// successes).
    ///
    /// # Errors
    /// As for [`Barnard`].
    pub fn test(&self, table: &Table2x2) -> Result<UnconditionalResult> {
        let deadline = Deadline::new(self.time_limit, "Barnard's test");
        let g = Groups::new(table)?;
        let region = barnard_region(&g, self.alternative, self.variance, &deadline)?;
        let statistic = wald_statistic(&g, self.variance);
        finish(
            &g,
            &region,
            self.berger_boos,
            &deadline,
            UnconditionalMethod::Barnard(self.variance),
            self.alternative,
            statistic,
        )
    }
}

/// Barnard's test with the defaults of [`Barnard::new`] (two-sided, pooled).
///
/// # Errors
/// As for [`Barnard`].
///
/// # Example
/// ```
/// use survkit::{barnard_exact, Table2x2};
/// let r = barnard_exact(&Table2x2::new([[0, 10], [5, 4]])?)?;
/// assert!(r.p_value() < 0.01);
/// # Ok::<(), survkit::Error>(())
/// ```
pub fn barnard_exact(table: &Table2x2) -> Result<UnconditionalResult> {
    Barnard::new().test(table)
}

/// The Wald statistic as an exact ordering key: `T ∝ sign(D) √(D²/v)` with
/// `D = y₁n₂ − y₂n₁` and `v` the variance numerator (`v = 0, D ≠ 0` is
/// `±∞`; `D = 0` is 0).
#[derive(Clone, Copy)]
struct WaldKey {
    d: i128,
    v: u128,
    approx: f64,
}

impl WaldKey {
    fn new(g: &Groups, y1: u64, y2: u64, variance: WaldVariance) -> WaldKey {
        let (n1, n2) = (g.n1 as i128, g.n2 as i128);
        let d = y1 as i128 * n2 - y2 as i128 * n1;
        let v = match variance {
            WaldVariance::Pooled => {
                let s = (y1 + y2) as u128;
                s * ((g.n1 + g.n2) as u128 - s)
            }
            WaldVariance::Unpooled => {
                let (m1, m2) = (g.n1 as u128, g.n2 as u128);
                let (u1, u2) = (y1 as u128, y2 as u128);
                u1 * (m1 - u1) * m2 * m2 * m2 + u2 * (m2 - u2) * m1 * m1 * m1
            }
        };
        let approx = if d == 0 {
            0.0
        } else if v == 0 {
            f64::INFINITY.copysign(d as f64)
        } else {
            d as f64 / (v as f64).sqrt()
        };
        WaldKey { d, v, approx }
    }

    /// Compares `|T|` of two keys exactly (`D²/v` as rationals).
    fn cmp_abs(&self, other: &WaldKey) -> Ordering {
        let (a, b) = (self.approx.abs(), other.approx.abs());
        if a.is_finite() && b.is_finite() && (a - b).abs() > WALD_EXACT_BAND * a.max(b) {
            return a.partial_cmp(&b).expect("finite");
        }
        match (self.d == 0, other.d == 0) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
        match (self.v == 0, other.v == 0) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Greater,
            (false, true) => return Ordering::Less,
            _ => {}
        }
        let d2 = |d: i128| {
            let m = d.unsigned_abs();
            m * m // |D| ≤ n₁n₂ ≤ 2^40, so D² < 2^80
        };
        cmp_fraction(d2(self.d), self.v, d2(other.d), other.v)
    }

    /// Compares signed `T` exactly.
    fn cmp(&self, other: &WaldKey) -> Ordering {
        let (sa, sb) = (self.d.signum(), other.d.signum());
        if sa != sb {
            return sa.cmp(&sb);
        }
        match sa {
            0 => Ordering::Equal,
            1 => self.cmp_abs(other),
            _ => other.cmp_abs(self),
        }
    }
}

/// Compares `p/q` with `r/s` (`q, s > 0`) exactly without multiplying, by
/// the continued-fraction expansion (Euclid's algorithm on both).
fn cmp_fraction(mut p: u128, mut q: u128, mut r: u128, mut s: u128) -> Ordering {
    let mut flip = false;
    loop {
        let (a, b) = (p / q, r / s);
        if a != b {
            let o = a.cmp(&b);
            return if flip { o.reverse() } else { o };
        }
        let (p2, r2) = (p % q, r % s);
        let o = match (p2 == 0, r2 == 0) {
            (true, true) => Some(Ordering::Equal),
            (true, false) => Some(Ordering::Less),
            (false, true) => Some(Ordering::Greater),
            _ => None,
        };
        if let Some(o) = o {
            return if flip { o.reverse() } else { o };
        }
        // p2/q vs r2/s is the reverse of q/p2 vs s/r2
        (p, q, r, s) = (q, p2, s, r2);
        flip = !flip;
    }
}

/// scipy's Wald statistic of the observed table (0 when p̂₁ = p̂₂).
fn wald_statistic(g: &Groups, variance: WaldVariance) -> f64 {
    let (n1, n2) = (g.n1 as f64, g.n2 as f64);
    let (p1, p2) = (g.x1 as f64 / n1, g.x2 as f64 / n2);
    if p1 == p2 {
        return 0.0;
    }
    let var = match variance {
        WaldVariance::Pooled => {
            let p = (g.x1 + g.x2) as f64 / (n1 + n2);
            p * (1.0 - p) * (1.0 / n1 + 1.0 / n2)
        }
        WaldVariance::Unpooled => p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2,
    };
    (p1 - p2) / var.sqrt()
}

/// `ln h_s` for `s = 0..=N`: the conditional probability of the rejection
/// region given the column-1 total `s`.
fn barnard_region(
    g: &Groups,
    alt: Alternative,
    variance: WaldVariance,
    deadline: &Deadline,
) -> Result<Vec<f64>> {
    let total = g.total();
    let obs = WaldKey::new(g, g.x1, g.x2, variance);
    let mut ln_h = vec![f64::NEG_INFINITY; total as usize + 1];
    let mut pmf = Vec::new();
    for s in 0..=total {
        deadline.check("ordering the tables", s, total + 1)?;
        let lo = g.support(s).0;
        ln_pmf_row(g, s, &mut pmf);
        let mut acc = LogSum::new();
        for (j, &lp) in pmf.iter().enumerate() {
            let y1 = lo + j as u64;
            let key = WaldKey::new(g, y1, s - y1, variance);
            let inside = match alt {
                Alternative::Less => key.cmp(&obs) != Ordering::Greater,
                Alternative::Greater => key.cmp(&obs) != Ordering::Less,
                Alternative::TwoSided => key.cmp_abs(&obs) != Ordering::Less,
            };
            if inside {
                acc.add(lp);
            }
        }
        ln_h[s as usize] = acc.ln().min(0.0);
    }
    Ok(ln_h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_compare_exactly() {
        assert_eq!(cmp_fraction(1, 3, 2, 6), Ordering::Equal);
        assert_eq!(cmp_fraction(1, 3, 1, 2), Ordering::Less);
        assert_eq!(cmp_fraction(7, 5, 4, 3), Ordering::Greater);
        assert_eq!(cmp_fraction(355, 113, 22, 7), Ordering::Less);
        assert_eq!(
            cmp_fraction(u128::MAX, u128::MAX - 1, u128::MAX - 1, u128::MAX - 2),
            Ordering::Less
        );
        for (p, q, r, s) in [
            (3u128, 7u128, 5u128, 12u128),
            (10, 4, 5, 2),
            (1, 9, 0, 1),
            (13, 21, 21, 34),
        ] {
            let exact = (p * s).cmp(&(r * q));
            assert_eq!(cmp_fraction(p, q, r, s), exact, "{p}/{q} vs {r}/{s}");
        }
    }
}
