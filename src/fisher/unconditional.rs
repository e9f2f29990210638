//! Unconditional exact tests for a 2 x 2 table with fixed row totals:
//! Barnard's test (Wald statistic) and Boschloo's test (Fisher's p as the
//! ordering), with a certified maximum over the nuisance parameter.
//!
//! The p-value of either test is `sup_π P_π(R)`, where `R` is the set of
//! tables at least as extreme as the observed one. Grouping the tables of
//! `R` by their column-1 total `s` turns `P_π(R)` into a Bernstein
//! polynomial whose coefficients are conditional (hypergeometric)
//! probabilities; its derivative is again a Bernstein sum, which bounds the
//! polynomial between any two points. A branch-and-bound search on that
//! bound gives the maximum with a certified gap (see `docs/methods/unconditional.md`).

use crate::ErrorDetail;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::fmt;
use std::time::{Duration, Instant};

use crate::error::Result;
use crate::fisher::two_by_two::Table2x2;
use crate::interval::{Alternative, ConfidenceLevel};
use crate::proportion::{Proportion, ProportionCiMethod};
use crate::special::{ln_add_exp, ln_dbinom, ln_dhyper};

/// Default time budget of one unconditional test (10 seconds): far above
/// the cost of tables with group totals in the hundreds (milliseconds), and
/// short enough that a table with groups in the tens of thousands, whose
/// `(n₁ + 1)(n₂ + 1)` tables must all be ordered, stops with an error
/// instead of running for minutes.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(10);

/// The search stops when the certified upper bound of the maximum is within
/// this relative distance of the largest value found (1e-12: three orders
/// of magnitude below the 1e-9 at which survkit is compared with scipy, and
/// about 100 times the rounding error of one evaluation of the polynomial
/// of degree ~1000).
pub const CERTIFIED_REL_TOL: f64 = 1e-12;

/// Largest number of tables `(n₁ + 1)(n₂ + 1)` that the rejection region may
/// hold (2^40): beyond it no time budget could order them, and below it the
/// exact integer comparisons of Wald statistics fit in 128 bits.
pub const MAX_REGION_TABLES: u64 = 1 << 40;

/// Boschloo's ordering treats two Fisher p-values as tied when they are
/// within this relative distance (1e-10). Tied p-values are common (equal
/// group sizes make the table and its mirror image tie exactly) and are
/// computed in log space with a relative error of about 1e-13 for totals in
/// the thousands; distinct p-values of one table size differ by far more.
/// The band is relative to the smaller of `p` and `1 − p` (each summed
/// directly), so p-values near 1 keep their resolution. scipy uses 1e-13
/// relative to `p` (`boschloo_exact`, `fisher_stat * (1 + 1e-13)`).
pub const BOSCHLOO_TIE_REL: f64 = 1e-10;

/// R's tolerance for "as probable as the observed table" in Fisher's
/// two-sided p-value (`fisher.test`'s `relErr = 1 + 10^-7`), used by
/// Boschloo's two-sided ordering.
const FISHER_TWO_SIDED_REL: f64 = 1e-7;

/// The Wald statistics of two tables are compared in floating point when
/// they differ by more than this relative amount, and exactly (as rational
/// numbers in 128-bit integers) otherwise, so that ties are exact.
const WALD_EXACT_BAND: f64 = 1e-9;

/// Binomial terms beyond the Hoeffding window are dropped when their total
/// is below `e^-60` (about 1e-26) of the largest coefficient: far below the
/// certified tolerance, and the cost of an evaluation falls from `O(N)` to
/// `O(√(N log N))`.
const WINDOW_LOG: f64 = 60.0;

/// Intervals narrower than this are not split further; their bound enters
/// the reported error bound as it is.
const MIN_WIDTH: f64 = 1e-15;

/// The variance in the denominator of Barnard's Wald statistic.
///
/// # Method
/// With `p̂ᵢ = xᵢ/nᵢ` and `p̂ = (x₁ + x₂)/(n₁ + n₂)`:
/// ```text
/// Pooled     T = (p̂₁ − p̂₂) / √( p̂ (1 − p̂) (1/n₁ + 1/n₂) )
/// Unpooled   T = (p̂₁ − p̂₂) / √( p̂₁(1 − p̂₁)/n₁ + p̂₂(1 − p̂₂)/n₂ )
/// T = 0 when p̂₁ = p̂₂; an unpooled zero variance with p̂₁ ≠ p̂₂ gives ±∞
/// ```
///
/// # Conventions
/// scipy's `barnard_exact(pooled=True|False)`, including its zero-variance
/// conventions.
///
/// # Example
/// ```
/// use survkit::{Barnard, Table2x2, WaldVariance};
/// let t = Table2x2::new([[0, 10], [5, 0]])?;
/// let r = Barnard::new().variance(WaldVariance::Unpooled).test(&t)?;
/// assert_eq!(r.statistic(), f64::NEG_INFINITY); // p̂₁ = 0, p̂₂ = 1: scipy's −∞
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Lydersen, S., Fagerland, M. W. & Laake, P. (2009). Recommended tests for
/// association in 2 x 2 tables. *Stat. Med.* 28, 1159–1175. doi:10.1002/sim.3531
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum WaldVariance {
    /// The variance under the null (scipy's default, `pooled=True`).
    #[default]
    Pooled,
    /// The sum of the two groups' own variances (`pooled=False`).
    Unpooled,
}

/// How Boschloo's two-sided p-value is formed.
///
/// # Method
/// ```text
/// FisherTwoSided   order the tables by Fisher's two-sided p (R's rule:
///                  the conditional probability of all tables no more
///                  probable than it, ties within 1 + 1e-7);
///                  p = sup_π P_π(p_F2(X) ≤ p_F2(x))
/// Doubled          p = min(1, 2 min(p_less, p_greater)), each a one-sided
///                  Boschloo p-value with its own maximising π
/// ```
///
/// # Conventions
/// `FisherTwoSided` (the default) is the unconditional version of R's
/// `fisher.test` two-sided p, so it never exceeds it (Boschloo 1970: the
/// unconditional test on a conditional p-value is at least as powerful).
/// `Doubled` is scipy's `boschloo_exact(alternative="two-sided")`; it can
/// exceed Fisher's two-sided p: for `[[2, 4], [0, 9]]` Fisher gives .1429,
/// doubled Boschloo .1717 and `FisherTwoSided` .1152 (the founding study's
/// age row: Fisher .0108, `FisherTwoSided` .0060, doubled .0069).
///
/// # Example
/// ```
/// use survkit::{fisher_exact, Boschloo, BoschlooTwoSided, Table2x2};
/// let t = Table2x2::new([[2, 4], [0, 9]])?;
/// let doubled = Boschloo::new().two_sided(BoschlooTwoSided::Doubled).test(&t)?;
/// assert!(doubled.p_value() > fisher_exact(&t)?.p_value());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Boschloo, R. D. (1970). *Statistica Neerlandica* 24, 1–9.
/// doi:10.1111/j.1467-9574.1970.tb00104.x
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum BoschlooTwoSided {
    /// Ordering by Fisher's two-sided p-value (R's `fisher.test` rule).
    #[default]
    FisherTwoSided,
    /// scipy's rule: twice the smaller one-sided Boschloo p-value.
    Doubled,
}

/// The Berger-Boos restriction of the nuisance parameter: the supremum is
/// taken over a `1 − γ` Clopper-Pearson interval for the common success
/// probability, and `γ` is added to it.
///
/// # Method
/// ```text
/// C_γ = Clopper-Pearson 1 − γ interval for π from s = x₁ + x₂ of N = n₁ + n₂
/// p_γ = min(1, sup_{π ∈ C_γ} P_π(R) + γ)
/// ```
///
/// # Errors
/// [`BergerBoos::new`] returns [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) unless
/// `0 < γ < 1`.
///
/// # Example
/// ```
/// use survkit::BergerBoos;
/// assert_eq!(BergerBoos::new(0.001)?.gamma(), 0.001);
/// assert!(BergerBoos::new(0.0).is_err());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Berger, R. L. & Boos, D. D. (1994). P values maximised over a confidence
/// set for the nuisance parameter. *JASA* 89, 1012–1016.
/// doi:10.1080/01621459.1994.10476836
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct BergerBoos(f64);

impl BergerBoos {
    /// Validates `γ` (must be in `(0, 1)`; Berger and Boos suggest 0.001).
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for NaN or a value outside `(0, 1)`.
    pub fn new(gamma: f64) -> Result<BergerBoos> {
        if gamma > 0.0 && gamma < 1.0 {
            Ok(BergerBoos(gamma))
        } else {
            Err(ErrorDetail::InvalidParameter {
                what: "Berger-Boos gamma",
                constraint: "in (0, 1), for example 0.001",
                value: gamma,
            }
            .into())
        }
    }

    /// `γ`.
    pub fn gamma(self) -> f64 {
        self.0
    }
}

/// Which unconditional test produced a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum UnconditionalMethod {
    /// Barnard's test with the Wald statistic and the given variance.
    Barnard(WaldVariance),
    /// Boschloo's test with the given two-sided rule.
    Boschloo(BoschlooTwoSided),
}

/// The result of Barnard's or Boschloo's unconditional exact test.
///
/// # Method
/// See [`Barnard`] and [`Boschloo`].
///
/// # Example
/// ```
/// use survkit::{barnard_exact, Table2x2};
/// // the founding study's age row: 0 of 10 against 5 of 9 non-responders
/// let r = barnard_exact(&Table2x2::new([[0, 10], [5, 4]])?)?;
/// assert!((r.p_value() - 0.006003295269940481).abs() < 1e-12);
/// assert!(r.error_bound() <= 1e-12 * r.p_value());
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct UnconditionalResult {
    method: UnconditionalMethod,
    alternative: Alternative,
    rows: [[u64; 2]; 2],
    statistic: f64,
    p_value: f64,
    nuisance: f64,
    error_bound: f64,
    nuisance_range: [f64; 2],
    berger_boos: Option<BergerBoos>,
}

impl UnconditionalResult {
    /// The p-value: the certified maximum over `π` (plus `γ` under the
    /// Berger-Boos restriction), in `[0, 1]`.
    pub fn p_value(&self) -> f64 {
        self.p_value
    }

    /// The observed ordering statistic: Barnard's Wald z (`±∞` for the
    /// unpooled statistic when `p̂₁ ≠ p̂₂` are both 0 or 1, as scipy), or for Boschloo
    /// Fisher's p-value of the observed table (one-sided for `Less` and
    /// `Greater`; two-sided by R's rule for [`BoschlooTwoSided::FisherTwoSided`];
    /// the one-sided p of the side that gave the smaller Boschloo p for
    /// [`BoschlooTwoSided::Doubled`], as scipy reports it).
    pub fn statistic(&self) -> f64 {
        self.statistic
    }

    /// The nuisance parameter `π` (the common success probability) at which
    /// the maximum is attained (for `Doubled`, that of the smaller side).
    pub fn nuisance(&self) -> f64 {
        self.nuisance
    }

    /// The certified bound on the error of the maximisation: the true
    /// supremum of the polynomial lies in `[p, p + error_bound]` (doubled
    /// with the p-value for [`BoschlooTwoSided::Doubled`]), up to the
    /// rounding error of evaluating it (about `1e-15 N` relative).
    pub fn error_bound(&self) -> f64 {
        self.error_bound
    }

    /// The range of `π` searched: `[0, 1]`, or the Clopper-Pearson interval
    /// of the Berger-Boos restriction.
    pub fn nuisance_range(&self) -> [f64; 2] {
        self.nuisance_range
    }

    /// The Berger-Boos restriction used, if any.
    pub fn berger_boos(&self) -> Option<BergerBoos> {
        self.berger_boos
    }

    /// The observed difference of the success proportions, row 1 minus row
    /// 2: `a/(a + b) − c/(c + d)`.
    pub fn estimate(&self) -> f64 {
        let [p1, p2] = self.proportions();
        p1 - p2
    }

    /// The two observed success proportions `[a/(a + b), c/(c + d)]`.
    pub fn proportions(&self) -> [f64; 2] {
        let [[a, b], [c, d]] = self.rows;
        [a as f64 / (a + b) as f64, c as f64 / (c + d) as f64]
    }

    /// The alternative tested.
    pub fn alternative(&self) -> Alternative {
        self.alternative
    }

    /// The test and its options.
    pub fn method(&self) -> UnconditionalMethod {
        self.method
    }

    /// The table tested, `[[a, b], [c, d]]`.
    pub fn rows(&self) -> [[u64; 2]; 2] {
        self.rows
    }
}

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
/// can exceed the best value by more than [`CERTIFIED_REL_TOL`].
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
/// [`MAX_REGION_TABLES`]; [`ErrorDetail::TimeLimitExceeded`](crate::ErrorDetail::TimeLimitExceeded) past the time limit
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

    /// The alternative (default two-sided): `Less` means row 1's success
    /// probability is the smaller.
    pub fn alternative(mut self, alternative: Alternative) -> Self {
        self.alternative = alternative;
        self
    }

    /// The variance of the Wald statistic (default pooled).
    pub fn variance(mut self, variance: WaldVariance) -> Self {
        self.variance = variance;
        self
    }

    /// Restricts `π` to a Clopper-Pearson interval (default: no restriction).
    pub fn berger_boos(mut self, restriction: BergerBoos) -> Self {
        self.berger_boos = Some(restriction);
        self
    }

    /// The time budget (default [`DEFAULT_TIME_LIMIT`]).
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = limit;
        self
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

/// Boschloo's unconditional exact test: Barnard's construction with
/// Fisher's exact p-value as the ordering statistic.
///
/// # Method
/// As in [`Barnard`], with `R = {tables y : p_F(y) ≤ p_F(x) (1 + 1e-10)}`,
/// `p_F` Fisher's conditional p-value of a table given its margins:
/// ```text
/// Less       p_F(y) = P(Y₁ ≤ y₁ | s)        Greater   p_F(y) = P(Y₁ ≥ y₁ | s)
/// two-sided  see BoschlooTwoSided
/// p = sup_π P_π(R)   (≤ p_F(x): Boschloo's test is never less powerful than Fisher's)
/// ```
///
/// # Conventions
/// One-sided p-values are scipy's `boschloo_exact` (groups as scipy's
/// columns, see [`Barnard`]). Two-sided, survkit orders tables by Fisher's
/// two-sided p (R's `fisher.test` rule), the natural two-sided Boschloo
/// test; scipy's doubling of the smaller one-sided p is
/// [`BoschlooTwoSided::Doubled`]. See [`BoschlooTwoSided`] for why.
///
/// # Errors
/// As for [`Barnard`].
///
/// # Example
/// ```
/// use survkit::{Alternative, Boschloo, Table2x2};
/// // scipy: boschloo_exact([[74, 31], [43, 32]], alternative="greater")
/// let t = Table2x2::new([[74, 43], [31, 32]])?;
/// let r = Boschloo::new().alternative(Alternative::Greater).test(&t)?;
/// assert!((r.p_value() - 0.0356).abs() < 1e-4);
/// assert!(r.p_value() <= r.statistic()); // never above Fisher's p
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Boschloo, R. D. (1970). Raised conditional level of significance for
///   the 2 x 2-table when testing the equality of two probabilities.
///   *Statistica Neerlandica* 24, 1–9. doi:10.1111/j.1467-9574.1970.tb00104.x
/// - Lydersen, S., Fagerland, M. W. & Laake, P. (2009). Recommended tests
///   for association in 2 x 2 tables. *Stat. Med.* 28, 1159–1175.
///   doi:10.1002/sim.3531
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use]
pub struct Boschloo {
    alternative: Alternative,
    two_sided: BoschlooTwoSided,
    berger_boos: Option<BergerBoos>,
    time_limit: Duration,
}

impl Default for Boschloo {
    fn default() -> Self {
        Boschloo {
            alternative: Alternative::TwoSided,
            two_sided: BoschlooTwoSided::FisherTwoSided,
            berger_boos: None,
            time_limit: DEFAULT_TIME_LIMIT,
        }
    }
}

impl Boschloo {
    /// The default test: two-sided by Fisher's two-sided p, `π ∈ [0, 1]`, 10 s.
    pub fn new() -> Self {
        Self::default()
    }

    /// The alternative (default two-sided): `Less` means row 1's success
    /// probability is the smaller.
    pub fn alternative(mut self, alternative: Alternative) -> Self {
        self.alternative = alternative;
        self
    }

    /// The two-sided rule (default [`BoschlooTwoSided::FisherTwoSided`]).
    pub fn two_sided(mut self, rule: BoschlooTwoSided) -> Self {
        self.two_sided = rule;
        self
    }

    /// Restricts `π` to a Clopper-Pearson interval (default: no restriction).
    pub fn berger_boos(mut self, restriction: BergerBoos) -> Self {
        self.berger_boos = Some(restriction);
        self
    }

    /// The time budget (default [`DEFAULT_TIME_LIMIT`]).
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = limit;
        self
    }

    /// Runs the test on a table whose rows are the two groups.
    ///
    /// # Errors
    /// As for [`Barnard`].
    pub fn test(&self, table: &Table2x2) -> Result<UnconditionalResult> {
        let deadline = Deadline::new(self.time_limit, "Boschloo's test");
        let g = Groups::new(table)?;
        let method = UnconditionalMethod::Boschloo(self.two_sided);
        let one = |order: FisherOrder| -> Result<UnconditionalResult> {
            let (region, stat) = boschloo_region(&g, order, &deadline)?;
            finish(
                &g,
                &region,
                self.berger_boos,
                &deadline,
                method,
                self.alternative,
                stat,
            )
        };
        match (self.alternative, self.two_sided) {
            (Alternative::Less, _) => one(FisherOrder::Less),
            (Alternative::Greater, _) => one(FisherOrder::Greater),
            (Alternative::TwoSided, BoschlooTwoSided::FisherTwoSided) => one(FisherOrder::TwoSided),
            (Alternative::TwoSided, BoschlooTwoSided::Doubled) => {
                let less = one(FisherOrder::Less)?;
                let greater = one(FisherOrder::Greater)?;
                // scipy: the less side only when strictly smaller.
                let mut r = if less.p_value < greater.p_value {
                    less
                } else {
                    greater
                };
                r.p_value = (2.0 * r.p_value).min(1.0);
                r.error_bound *= 2.0;
                r.alternative = Alternative::TwoSided;
                Ok(r)
            }
        }
    }
}

/// Boschloo's test with the defaults of [`Boschloo::new`].
///
/// # Errors
/// As for [`Barnard`].
///
/// # Example
/// ```
/// use survkit::{boschloo_exact, fisher_exact, Table2x2};
/// let t = Table2x2::new([[0, 10], [5, 4]])?;
/// assert!(boschloo_exact(&t)?.p_value() <= fisher_exact(&t)?.p_value());
/// # Ok::<(), survkit::Error>(())
/// ```
pub fn boschloo_exact(table: &Table2x2) -> Result<UnconditionalResult> {
    Boschloo::new().test(table)
}

/// A time budget that remembers what it is for.
struct Deadline {
    start: Instant,
    limit: Duration,
    what: &'static str,
}

impl Deadline {
    fn new(limit: Duration, what: &'static str) -> Deadline {
        Deadline {
            start: Instant::now(),
            limit,
            what,
        }
    }

    fn check(&self, stage: &'static str, done: u64, total: u64) -> Result<()> {
        if self.start.elapsed() > self.limit {
            Err(ErrorDetail::TimeLimitExceeded {
                what: self.what,
                limit: self.limit,
                stage,
                done,
                total,
            }
            .into())
        } else {
            Ok(())
        }
    }
}

/// The validated groups: row totals and observed successes.
struct Groups {
    rows: [[u64; 2]; 2],
    n1: u64,
    n2: u64,
    x1: u64,
    x2: u64,
}

impl Groups {
    fn new(table: &Table2x2) -> Result<Groups> {
        let rows = table.rows();
        let [[a, b], [c, d]] = rows;
        // Table2x2 guarantees the total is below 2^53, so these cannot overflow.
        let (n1, n2) = (a + b, c + d);
        if n1 == 0 {
            return Err(ErrorDetail::EmptyInput {
                what: "row 1 of the 2 x 2 table (group 1 has no subjects)",
            }
            .into());
        }
        if n2 == 0 {
            return Err(ErrorDetail::EmptyInput {
                what: "row 2 of the 2 x 2 table (group 2 has no subjects)",
            }
            .into());
        }
        let cells = (n1 as u128 + 1) * (n2 as u128 + 1);
        if cells > MAX_REGION_TABLES as u128 {
            return Err(ErrorDetail::BudgetExceeded {
                what: "unconditional test: the tables (n1 + 1)(n2 + 1) to order",
                limit: MAX_REGION_TABLES,
                unit: "tables",
                progress: None,
            }
            .into());
        }
        Ok(Groups {
            rows,
            n1,
            n2,
            x1: a,
            x2: c,
        })
    }

    fn total(&self) -> u64 {
        self.n1 + self.n2
    }

    /// The support `[lo, hi]` of `y₁` given `y₁ + y₂ = s`.
    fn support(&self, s: u64) -> (u64, u64) {
        (s.saturating_sub(self.n2), s.min(self.n1))
    }
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

/// Exact anchors of the hypergeometric walk: every this many terms the
/// log-density is recomputed by Loader's algorithm, so the term-ratio walk
/// in between accumulates at most ~2·32 ulps of relative error.
const ANCHOR_EVERY: u64 = 32;

/// `ln P(Y₁ = y | s)` for `y` over the support given the column-1 total `s`
/// (hypergeometric), by term ratios from exact anchors.
fn ln_pmf_row(g: &Groups, s: u64, out: &mut Vec<f64>) {
    let (lo, hi) = g.support(s);
    let (m, n, k) = (g.n1 as f64, g.n2 as f64, s as f64);
    out.clear();
    let mut prev = f64::NEG_INFINITY;
    for y in lo..=hi {
        let v = if (y - lo).is_multiple_of(ANCHOR_EVERY) {
            ln_dhyper(y as f64, m, n, k)
        } else {
            // P(y)/P(y − 1) = (m − y + 1)(k − y + 1) / (y (n − k + y))
            let yf = y as f64;
            prev + ((m - yf + 1.0) * (k - yf + 1.0)).ln() - (yf * (n - k + yf)).ln()
        };
        out.push(v);
        prev = v;
    }
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

/// Which Fisher p-value orders the tables in Boschloo's test.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FisherOrder {
    Less,
    Greater,
    TwoSided,
}

/// `ln` of Fisher's p-value of every `y₁` in the support given `s`.
fn fisher_ln_p(ln_pmf: &[f64], order: FisherOrder, out: &mut Vec<(f64, f64)>) {
    // Each entry is (ln p, ln q): the p-value and its complement, each summed
    // directly, so that p-values near 1 are compared through q.
    let len = ln_pmf.len();
    out.clear();
    out.resize(len, (f64::NEG_INFINITY, f64::NEG_INFINITY));
    // prefix[i] = ln Σ_{j<i}, suffix[i] = ln Σ_{j≥i}
    let cumulate = |terms: &mut dyn Iterator<Item = f64>| -> Vec<f64> {
        let mut v = vec![f64::NEG_INFINITY];
        let mut acc = f64::NEG_INFINITY;
        for l in terms {
            acc = ln_add_exp(acc, l);
            v.push(acc.min(0.0));
        }
        v
    };
    match order {
        FisherOrder::Less | FisherOrder::Greater => {
            let prefix = cumulate(&mut ln_pmf.iter().copied());
            let mut suffix = cumulate(&mut ln_pmf.iter().rev().copied());
            suffix.reverse();
            for (i, o) in out.iter_mut().enumerate() {
                // P(Y ≤ y) = prefix[i + 1], P(Y > y) = suffix[i + 1],
                // P(Y ≥ y) = suffix[i], P(Y < y) = prefix[i]
                *o = if order == FisherOrder::Less {
                    (prefix[i + 1], suffix[i + 1])
                } else {
                    (suffix[i], prefix[i])
                };
            }
        }
        FisherOrder::TwoSided => {
            // Sum, for each y, the probabilities no larger than P(y)(1 + 1e-7),
            // smallest first (R's fisher.test rule); the complement sums the rest.
            let mut sorted = ln_pmf.to_vec();
            sorted.sort_by(f64::total_cmp);
            let prefix = cumulate(&mut sorted.iter().copied());
            let mut suffix = cumulate(&mut sorted.iter().rev().copied());
            suffix.reverse();
            let tie = FISHER_TWO_SIDED_REL.ln_1p();
            for (o, &l) in out.iter_mut().zip(ln_pmf) {
                let k = sorted.partition_point(|&v| v <= l + tie);
                assert!(k >= 1, "the table itself is within the tie band");
                *o = (prefix[k], suffix[k]);
            }
        }
    }
}

/// Whether Fisher's p `(ln p, ln q)` is at most the observed one within the
/// relative tie band [`BOSCHLOO_TIE_REL`] of the smaller of `p_obs` and
/// `q_obs = 1 − p_obs` (a p-value near 1 is compared through its complement,
/// so that 1 − 1e-12 and 1 are not taken for a tie).
fn fisher_at_most(cell: (f64, f64), obs: (f64, f64)) -> bool {
    if obs.0 <= -std::f64::consts::LN_2 {
        cell.0 <= obs.0 + BOSCHLOO_TIE_REL.ln_1p()
    } else {
        cell.1 >= obs.1 + (-BOSCHLOO_TIE_REL).ln_1p()
    }
}

/// `ln h_s` of Boschloo's region, and Fisher's p of the observed table.
fn boschloo_region(g: &Groups, order: FisherOrder, deadline: &Deadline) -> Result<(Vec<f64>, f64)> {
    let total = g.total();
    let (mut buf, mut pmf) = (Vec::new(), Vec::new());
    let s_obs = g.x1 + g.x2;
    ln_pmf_row(g, s_obs, &mut pmf);
    fisher_ln_p(&pmf, order, &mut buf);
    let obs = buf[(g.x1 - g.support(s_obs).0) as usize];
    let mut ln_h = vec![f64::NEG_INFINITY; total as usize + 1];
    for s in 0..=total {
        deadline.check("ordering the tables", s, total + 1)?;
        ln_pmf_row(g, s, &mut pmf);
        fisher_ln_p(&pmf, order, &mut buf);
        let mut acc = LogSum::new();
        for (&cell, &lq) in buf.iter().zip(&pmf) {
            if fisher_at_most(cell, obs) {
                acc.add(lq);
            }
        }
        ln_h[s as usize] = acc.ln().min(0.0);
    }
    Ok((ln_h, obs.0.exp()))
}

/// Maximises over the nuisance range and assembles the result.
fn finish(
    g: &Groups,
    ln_h: &[f64],
    berger_boos: Option<BergerBoos>,
    deadline: &Deadline,
    method: UnconditionalMethod,
    alternative: Alternative,
    statistic: f64,
) -> Result<UnconditionalResult> {
    let (range, gamma) = match berger_boos {
        None => ([0.0, 1.0], 0.0),
        Some(bb) => {
            let level = ConfidenceLevel::new(1.0 - bb.gamma())?;
            let ci = Proportion::new(g.x1 + g.x2, g.total())?
                .confidence_interval(ProportionCiMethod::ClopperPearson, level)?;
            ([ci.lower(), ci.upper()], bb.gamma())
        }
    };
    let poly = Bernstein::new(ln_h);
    let max = poly.maximise(range[0], range[1], deadline)?;
    let p = max.value.exp();
    let ub = max.upper.exp();
    Ok(UnconditionalResult {
        method,
        alternative,
        rows: g.rows,
        statistic,
        p_value: (p + gamma).min(1.0),
        nuisance: max.at,
        error_bound: (ub - p).max(0.0),
        nuisance_range: range,
        berger_boos,
    })
}

/// `ln C(n, s)` accurate to a few ulps (Loader's binomial density at ½).
fn ln_choose_exact(n: u64, s: u64) -> f64 {
    ln_dbinom(s as f64, n as f64, 0.5) + n as f64 * std::f64::consts::LN_2
}

/// `s ln π + (n − s) ln(1 − π)`, with `0 ln 0 = 0`.
fn ln_power(s: f64, n: f64, ln_p: f64, ln_q: f64) -> f64 {
    let a = if s == 0.0 { 0.0 } else { s * ln_p };
    let b = if n - s == 0.0 { 0.0 } else { (n - s) * ln_q };
    a + b
}

/// `ln Σ exp(xᵢ)` in one pass.
#[derive(Clone, Copy)]
struct LogSum {
    max: f64,
    sum: f64,
}

impl LogSum {
    fn new() -> LogSum {
        LogSum {
            max: f64::NEG_INFINITY,
            sum: 0.0,
        }
    }

    fn add(&mut self, x: f64) {
        if x == f64::NEG_INFINITY || x.is_nan() {
            return;
        }
        if x <= self.max {
            self.sum += (x - self.max).exp();
        } else {
            self.sum = self.sum * (self.max - x).exp() + 1.0;
            self.max = x;
        }
    }

    fn ln(self) -> f64 {
        if self.max == f64::NEG_INFINITY {
            f64::NEG_INFINITY
        } else {
            self.max + self.sum.ln()
        }
    }
}

/// The terms `c_s · C(m, s) πˢ (1 − π)^(m−s)` of one sign of a Bernstein
/// sum of degree `m`, stored as `(s, ln c_s + ln C(m, s), ln c_s + ln of
/// the binomial term at its mode s/m)`.
struct Family {
    m: u64,
    terms: Vec<(f64, f64, f64)>,
}

impl Family {
    fn new(m: u64, coefs: &[(u64, f64)]) -> Family {
        let mf = m as f64;
        let terms = coefs
            .iter()
            .filter(|(_, lc)| *lc > f64::NEG_INFINITY)
            .map(|&(s, lc)| {
                let sf = s as f64;
                let at_mode = if m == 0 {
                    0.0
                } else {
                    ln_dbinom(sf, mf, sf / mf)
                };
                (sf, lc + ln_choose_exact(m, s), lc + at_mode)
            })
            .collect();
        Family { m, terms }
    }

    /// The terms with `s` in `[lo, hi]` (they are sorted by `s`).
    fn window(&self, lo: f64, hi: f64) -> &[(f64, f64, f64)] {
        let a = self.terms.partition_point(|t| t.0 < lo);
        let b = self.terms.partition_point(|t| t.0 <= hi);
        &self.terms[a..b.max(a)]
    }

    /// Half-width `t` of the window of `s` beyond which the binomial terms
    /// of degree `m` are negligible: by Hoeffding's inequality
    /// `P(|S − mπ| ≥ t) ≤ 2 exp(−2t²/m)`, and `t² = m (WINDOW_LOG + ln(m + 1))/2`
    /// makes the dropped mass below `e^(−WINDOW_LOG)` times the largest
    /// coefficient, itself at most `(N + 1)` times the maximum of `P`.
    fn half_width(&self) -> f64 {
        let mf = self.m as f64;
        (0.5 * mf * (WINDOW_LOG + (mf + 1.0).ln())).sqrt() + 1.0
    }

    /// `ln Σ_s c_s b_{m,s}(π)`.
    fn ln_at(&self, pi: f64) -> f64 {
        let mf = self.m as f64;
        let (ln_p, ln_q) = (pi.ln(), (-pi).ln_1p());
        let t = self.half_width();
        let mut acc = LogSum::new();
        for &(s, c, _) in self.window(mf * pi - t, mf * pi + t) {
            acc.add(c + ln_power(s, mf, ln_p, ln_q));
        }
        acc.ln()
    }

    /// `ln Σ_s c_s max_{π∈[u,v]} b_{m,s}(π)`: each binomial term is unimodal
    /// with its mode at `s/m`, so its maximum on `[u, v]` is at the point of
    /// `[u, v]` nearest to the mode.
    fn ln_max_on(&self, u: f64, v: f64) -> f64 {
        let mf = self.m as f64;
        let (ln_pu, ln_qu) = (u.ln(), (-u).ln_1p());
        let (ln_pv, ln_qv) = (v.ln(), (-v).ln_1p());
        let t = self.half_width();
        let mut acc = LogSum::new();
        for &(s, c, at_mode) in self.window(mf * u - t, mf * v + t) {
            let mode = if self.m == 0 { u } else { s / mf };
            let t = if mode < u {
                c + ln_power(s, mf, ln_pu, ln_qu)
            } else if mode > v {
                c + ln_power(s, mf, ln_pv, ln_qv)
            } else {
                at_mode
            };
            acc.add(t);
        }
        acc.ln()
    }
}

/// `P(π) = Σ_s h_s C(N,s) πˢ(1 − π)^(N−s)` with its derivative families:
/// `P' = N Σ Δ_s b_{N−1,s}` and `P'' = N(N−1) Σ Δ²_s b_{N−2,s}`.
struct Bernstein {
    n: u64,
    value: Family,
    d1_pos: Family,
    d1_neg: Family,
    d2_pos: Family,
}

/// `P`, and the positive and negative parts of `P'`, at one point (logs).
#[derive(Clone, Copy)]
struct Point {
    x: f64,
    ln_p: f64,
    ln_up: f64,
    ln_down: f64,
}

/// The outcome of the maximisation (all on the log scale).
struct Maximum {
    value: f64,
    at: f64,
    upper: f64,
}

/// An interval of the branch and bound with its certified upper bound.
struct Cell {
    ln_ub: f64,
    a: Point,
    b: Point,
}

impl PartialEq for Cell {
    fn eq(&self, other: &Self) -> bool {
        self.ln_ub.total_cmp(&other.ln_ub) == Ordering::Equal
    }
}
impl Eq for Cell {}
impl PartialOrd for Cell {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Cell {
    fn cmp(&self, other: &Self) -> Ordering {
        self.ln_ub.total_cmp(&other.ln_ub)
    }
}

impl Bernstein {
    fn new(ln_h: &[f64]) -> Bernstein {
        let n = (ln_h.len() - 1) as u64;
        assert!(n >= 2, "both groups are non-empty");
        let value = Family::new(
            n,
            &ln_h
                .iter()
                .enumerate()
                .map(|(s, &l)| (s as u64, l))
                .collect::<Vec<_>>(),
        );
        // Differences in linear scale relative to the largest h (terms below
        // 1e-308 of it cannot matter: P's maximum is at least h_max/(N+1)).
        let top = ln_h.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let h: Vec<f64> = ln_h.iter().map(|l| (l - top).exp()).collect();
        let (mut pos1, mut neg1, mut pos2) = (Vec::new(), Vec::new(), Vec::new());
        for s in 0..n as usize {
            let d = h[s + 1] - h[s];
            if d > 0.0 {
                pos1.push((s as u64, top + d.ln()));
            } else if d < 0.0 {
                neg1.push((s as u64, top + (-d).ln()));
            }
            if s + 2 <= n as usize {
                let d2 = h[s + 2] - 2.0 * h[s + 1] + h[s];
                if d2 > 0.0 {
                    pos2.push((s as u64, top + d2.ln()));
                }
            }
        }
        Bernstein {
            n,
            value,
            d1_pos: Family::new(n - 1, &pos1),
            d1_neg: Family::new(n - 1, &neg1),
            d2_pos: Family::new(n - 2, &pos2),
        }
    }

    fn at(&self, x: f64) -> Point {
        let ln_n = (self.n as f64).ln();
        Point {
            x,
            ln_p: self.value.ln_at(x),
            ln_up: ln_n + self.d1_pos.ln_at(x),
            ln_down: ln_n + self.d1_neg.ln_at(x),
        }
    }

    /// The certified upper bound of `ln P` on `[a.x, b.x]`: the smaller of
    /// a first-order bound (`P' ≤ D⁺`, `−P' ≤ D⁻` on the interval) and a
    /// second-order one (`P'' ≤ M` on the interval, Taylor from each end).
    fn ln_upper(&self, a: &Point, b: &Point) -> f64 {
        let (u, v) = (a.x, b.x);
        let nf = self.n as f64;
        let ln_dp = nf.ln() + self.d1_pos.ln_max_on(u, v);
        let ln_dm = nf.ln() + self.d1_neg.ln_max_on(u, v);
        let ln_m2 = (nf * (nf - 1.0)).ln() + self.d2_pos.ln_max_on(u, v);
        let r = [
            a.ln_p, b.ln_p, ln_dp, ln_dm, ln_m2, a.ln_up, a.ln_down, b.ln_up, b.ln_down,
        ]
        .into_iter()
        .fold(f64::NEG_INFINITY, f64::max);
        if r == f64::NEG_INFINITY {
            return r;
        }
        let e = |l: f64| (l - r).exp();
        let (pu, pv) = (e(a.ln_p), e(b.ln_p));
        let (dp, dm, m2) = (e(ln_dp), e(ln_dm), e(ln_m2));
        let w = v - u;
        // first order: P ≤ min(P(u) + D⁺(π − u), P(v) + D⁻(v − π))
        let ub1 = if dp == 0.0 && dm == 0.0 {
            pu.max(pv)
        } else if dp == 0.0 {
            pu
        } else if dm == 0.0 {
            pv
        } else {
            (dm * pu + dp * pv) / (dp + dm) + w / (1.0 / dp + 1.0 / dm)
        };
        // second order: P(π) ≤ P(u) + P'(u)(π − u) + M(π − u)²/2, a convex
        // bound whose maximum on the interval is at an end; likewise from v.
        let du = e(a.ln_up) - e(a.ln_down);
        let dv = e(b.ln_up) - e(b.ln_down);
        let qu = pu + (du * w + 0.5 * m2 * w * w).max(0.0);
        let qv = pv + (-dv * w + 0.5 * m2 * w * w).max(0.0);
        let ub = ub1.min(qu).min(qv).max(pu).max(pv);
        r + ub.ln()
    }

    fn maximise(&self, lo: f64, hi: f64, deadline: &Deadline) -> Result<Maximum> {
        let stage = "maximising over the nuisance parameter";
        let grid = ((16.0 * (self.n as f64).sqrt()).ceil() as usize).max(64);
        let mut pts = Vec::with_capacity(grid + 1);
        for i in 0..=grid {
            if i.is_multiple_of(64) {
                deadline.check(stage, i as u64, grid as u64 + 1)?;
            }
            let x = if i == grid {
                hi
            } else {
                lo + (hi - lo) * i as f64 / grid as f64
            };
            pts.push(self.at(x));
        }
        let ib = (0..pts.len())
            .max_by(|&i, &j| pts[i].ln_p.total_cmp(&pts[j].ln_p))
            .expect("the grid is not empty");
        let mut best = (pts[ib].ln_p, pts[ib].x);
        if hi == lo {
            return Ok(Maximum {
                value: best.0,
                at: best.1,
                upper: best.0,
            });
        }
        // Golden-section refinement around the best grid point.
        let (mut a, mut b) = (pts[ib.saturating_sub(1)].x, pts[(ib + 1).min(grid)].x);
        let phi = 0.5 * (5f64.sqrt() - 1.0);
        let (mut c, mut d) = (b - phi * (b - a), a + phi * (b - a));
        let (mut fc, mut fd) = (self.value.ln_at(c), self.value.ln_at(d));
        for _ in 0..100 {
            if b - a <= 1e-14 * b {
                break;
            }
            if fc >= fd {
                b = d;
                d = c;
                fd = fc;
                c = b - phi * (b - a);
                fc = self.value.ln_at(c);
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + phi * (b - a);
                fd = self.value.ln_at(d);
            }
        }
        for (y, x) in [(fc, c), (fd, d)] {
            if y > best.0 {
                best = (y, x);
            }
        }
        // Branch and bound.
        let slack = CERTIFIED_REL_TOL.ln_1p();
        let mut heap = BinaryHeap::new();
        let mut unresolved = f64::NEG_INFINITY;
        for i in 0..grid {
            let (pa, pb) = (pts[i], pts[i + 1]);
            let ub = self.ln_upper(&pa, &pb);
            if ub > best.0 + slack {
                heap.push(Cell {
                    ln_ub: ub,
                    a: pa,
                    b: pb,
                });
            } else {
                unresolved = unresolved.max(ub);
            }
        }
        let mut done = 0u64;
        while let Some(cell) = heap.pop() {
            if cell.ln_ub <= best.0 + slack {
                unresolved = unresolved.max(cell.ln_ub);
                break;
            }
            done += 1;
            if done.is_multiple_of(64) {
                deadline.check(stage, done, done + heap.len() as u64)?;
            }
            let mid = 0.5 * (cell.a.x + cell.b.x);
            if cell.b.x - cell.a.x <= MIN_WIDTH || mid <= cell.a.x || mid >= cell.b.x {
                unresolved = unresolved.max(cell.ln_ub);
                continue;
            }
            let pm = self.at(mid);
            if pm.ln_p > best.0 {
                best = (pm.ln_p, mid);
            }
            for (pa, pb) in [(cell.a, pm), (pm, cell.b)] {
                let ub = self.ln_upper(&pa, &pb);
                if ub > best.0 + slack {
                    heap.push(Cell {
                        ln_ub: ub,
                        a: pa,
                        b: pb,
                    });
                } else {
                    unresolved = unresolved.max(ub);
                }
            }
        }
        Ok(Maximum {
            value: best.0,
            at: best.1,
            upper: unresolved.max(best.0),
        })
    }
}

/// `x` with `digits` significant digits, as R's `format(x, digits = )`
/// prints it (trailing zeros dropped; fixed unless scientific is shorter).
fn r_format(x: f64, digits: usize) -> String {
    if x == 0.0 {
        return "0".to_owned();
    }
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".to_owned()
        } else if x > 0.0 {
            "Inf".to_owned()
        } else {
            "-Inf".to_owned()
        };
    }
    // fewest significant digits (≤ digits) that show x as `digits` would
    let target = format!("{:.*e}", digits - 1, x);
    let target: f64 = target.parse().expect("a formatted float parses");
    let mut sig = digits;
    for k in 1..=digits {
        let t: f64 = format!("{:.*e}", k - 1, x).parse().expect("parses");
        if t == target {
            sig = k;
            break;
        }
    }
    let exp = target.abs().log10().floor() as i32;
    let decimals = (sig as i32 - 1 - exp).max(0) as usize;
    let fixed = format!("{:.*}", decimals, target);
    let sci = {
        let s = format!("{:.*e}", sig - 1, target);
        let (m, e) = s.split_once('e').expect("scientific form");
        let e: i32 = e.parse().expect("exponent");
        format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
    };
    if fixed.len() <= sci.len() {
        fixed
    } else {
        sci
    }
}

/// R's `format.pval(p, digits = 4)` as `print.htest` uses it.
fn r_format_pval(p: f64) -> String {
    if p < f64::EPSILON {
        "< 2.2e-16".to_owned()
    } else {
        format!("= {}", r_format(p, 4))
    }
}

/// A named vector as R prints it: right-aligned columns, a trailing space.
fn r_named(names: &[&str], values: &[f64]) -> String {
    // R formats a vector with the decimals its most demanding element needs
    // for 7 significant digits.
    let decimals = values
        .iter()
        .map(|&v| {
            let s = r_format(v, 7);
            s.split_once('.').map_or(0, |(_, f)| f.len())
        })
        .max()
        .unwrap_or(0);
    let cells: Vec<String> = values
        .iter()
        .map(|v| format!("{:.*}", decimals, v))
        .collect();
    let width = names
        .iter()
        .map(|n| n.len())
        .chain(cells.iter().map(String::len))
        .max()
        .unwrap_or(0);
    let mut top = String::new();
    let mut bottom = String::new();
    for (n, c) in names.iter().zip(&cells) {
        top.push_str(&format!("{n:>width$} "));
        bottom.push_str(&format!("{c:>width$} "));
    }
    format!("{top}\n{bottom}\n")
}

impl fmt::Display for UnconditionalResult {
    /// Prints like R's `print.htest`, with the maximising `π` and the
    /// certified error bound on one more line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (title, stat_name) = match self.method {
            UnconditionalMethod::Barnard(WaldVariance::Pooled) => (
                "Barnard's unconditional exact test (Wald statistic, pooled variance)",
                "z",
            ),
            UnconditionalMethod::Barnard(WaldVariance::Unpooled) => (
                "Barnard's unconditional exact test (Wald statistic, unpooled variance)",
                "z",
            ),
            UnconditionalMethod::Boschloo(BoschlooTwoSided::FisherTwoSided) => {
                ("Boschloo's unconditional exact test", "Fisher p")
            }
            UnconditionalMethod::Boschloo(BoschlooTwoSided::Doubled) => (
                "Boschloo's unconditional exact test (two-sided: doubled one-sided p)",
                "Fisher p",
            ),
        };
        let [[a, b], [c, d]] = self.rows;
        writeln!(f)?;
        writeln!(f, "\t{title}")?;
        writeln!(f)?;
        writeln!(
            f,
            "data:  {a} of {} in group 1 against {c} of {} in group 2",
            a + b,
            c + d
        )?;
        writeln!(
            f,
            "{stat_name} = {}, p-value {}",
            r_format(self.statistic, 5),
            r_format_pval(self.p_value)
        )?;
        let rel = match self.alternative {
            Alternative::TwoSided => "not equal to",
            Alternative::Less => "less than",
            Alternative::Greater => "greater than",
        };
        writeln!(
            f,
            "alternative hypothesis: true difference in proportions is {rel} 0"
        )?;
        write!(
            f,
            "nuisance parameter: maximum at pi = {}",
            r_format(self.nuisance, 4)
        )?;
        if let Some(bb) = self.berger_boos {
            write!(
                f,
                " within [{}, {}] (Berger-Boos, gamma = {})",
                r_format(self.nuisance_range[0], 4),
                r_format(self.nuisance_range[1], 4),
                r_format(bb.gamma(), 4)
            )?;
        }
        writeln!(f, ", certified to within {}", r_format(self.error_bound, 2))?;
        writeln!(f, "sample estimates:")?;
        let [p1, p2] = self.proportions();
        write!(f, "{}", r_named(&["prop 1", "prop 2"], &[p1, p2]))?;
        writeln!(f)
    }
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

    #[test]
    fn r_formatting() {
        assert_eq!(r_format(-1.8943380760602064, 5), "-1.8943");
        assert_eq!(r_format(0.034076716365767874, 4), "0.03408");
        assert_eq!(r_format(1.0, 4), "1");
        assert_eq!(r_format(1.1700481867125247e-17, 4), "1.17e-17");
        assert_eq!(r_format(0.5, 4), "0.5");
        assert_eq!(
            r_named(&["prop 1", "prop 2"], &[1.0, 4.0 / 9.0]),
            "   prop 1    prop 2 \n1.0000000 0.4444444 \n"
        );
    }
}
