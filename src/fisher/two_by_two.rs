//! Fisher's exact test for 2 x 2 tables: p-values, the conditional
//! maximum-likelihood odds ratio with its exact interval, and the sample
//! odds ratio with Woolf's interval.

use crate::builder::setters;
use crate::error::Result;
use crate::fisher::hyper::{Hyper, SUM_REL_CUTOFF};
use crate::interval::{Alternative, ConfidenceInterval, ConfidenceLevel};
use crate::special::norm_quantile;
use crate::ErrorDetail;

#[cfg(feature = "serde")]
use super::table::check_stored_total;

/// R's relative tolerance for "no more probable than the observed table" in
/// the two-sided 2 x 2 p-value: `fisher.test` uses `relErr <- 1 + 10^(-7)`
/// (R 4.2.2, `src/library/stats/R/fisher.test.R`).
pub(crate) const R_REL_ERR_2X2: f64 = 1e-7;

/// Totals above 2^53 are not exact in `f64`; every count and margin is held
/// as an exact `f64`, so this is the largest table total accepted.
pub(crate) const MAX_EXACT_TOTAL: u64 = 1 << 53;

/// Root finding on the log odds ratio stops when a step changes it by less
/// than this relative amount (a few ulps), far below R's `uniroot` tolerance
/// (`.Machine$double.eps^0.25` ≈ 1.2e-4).
const ROOT_REL_TOL: f64 = 4.0 * f64::EPSILON;

/// Half-width, in central standard deviations (plus 64 terms), of the window
/// of precomputed term ratios: the root-finding passes walk about 10 standard
/// deviations from a mode within 3 of the observed count. Only a speed
/// choice: terms outside the window are computed directly.
const ROOT_WINDOW_SD: f64 = 16.0;

/// Iteration cap of the safeguarded Newton solver (each step at least
/// bisects the bracket, so 400 steps exhaust any `f64` bracket).
const ROOT_MAX_ITER: usize = 400;

/// A 2 x 2 table of counts `[[a, b], [c, d]]` (rows are the two levels of
/// the first variable, columns those of the second).
///
/// # Method
/// ```text
///            col 1   col 2
///   row 1      a       b
///   row 2      c       d
/// ```
/// The odds ratio compares row 1 with row 2: `ad / bc`.
///
/// # Conventions
/// The same orientation as R's `matrix(c(a, c, b, d), 2)` (R fills by
/// column) and scipy's `[[a, b], [c, d]]`.
///
/// # Errors
/// [`ErrorDetail::CountOverflow`](crate::ErrorDetail::CountOverflow) if the total overflows `u64` or exceeds 2^53
/// (counts must be exact as `f64`).
///
/// # Example
/// ```
/// use survkit::Table2x2;
/// let t = Table2x2::new([[3, 1], [1, 3]])?;
/// assert_eq!(t.total(), 8);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Agresti, A. (2002). *Categorical Data Analysis*, 2nd ed. Wiley.
/// doi:10.1002/0471249688
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawTable2x2"))]
pub struct Table2x2 {
    rows: [[u64; 2]; 2],
    total: u64,
}

impl Table2x2 {
    /// Builds the table from its rows `[[a, b], [c, d]]`.
    ///
    /// # Errors
    /// [`ErrorDetail::CountOverflow`](crate::ErrorDetail::CountOverflow) if `a + b + c + d` overflows or exceeds 2^53.
    pub fn new(rows: [[u64; 2]; 2]) -> Result<Table2x2> {
        let overflow = ErrorDetail::CountOverflow {
            what: "2 x 2 table counts",
        };
        let total = rows[0][0]
            .checked_add(rows[0][1])
            .and_then(|s| s.checked_add(rows[1][0]))
            .and_then(|s| s.checked_add(rows[1][1]))
            .ok_or(overflow.clone())?;
        if total > MAX_EXACT_TOTAL {
            return Err(overflow.into());
        }
        Ok(Table2x2 { rows, total })
    }

    /// The rows `[[a, b], [c, d]]`.
    pub fn rows(&self) -> [[u64; 2]; 2] {
        self.rows
    }

    /// The total count `a + b + c + d`.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The transposed table `[[a, c], [b, d]]` (same p-value and odds ratio).
    pub fn transpose(&self) -> Table2x2 {
        let [[a, b], [c, d]] = self.rows;
        Table2x2 {
            rows: [[a, c], [b, d]],
            total: self.total,
        }
    }

    fn cells_f64(&self) -> (f64, f64, f64, f64) {
        let [[a, b], [c, d]] = self.rows;
        (a as f64, b as f64, c as f64, d as f64)
    }
}

/// Which p-value to report.
///
/// # Method
/// ```text
/// Exact  less: P(X ≤ x)            greater: P(X ≥ x)
///        two-sided: Σ P(u) over P(u) ≤ P(x)(1 + 1e-7)
/// MidP   less: P(X < x) + ½ P(X = x)   greater: P(X > x) + ½ P(X = x)
///        two-sided: Σ P(u) over P(u) < P(x)/(1 + 1e-7)
///                   + ½ Σ P(u) over P(u) within a factor 1 + 1e-7 of P(x)
/// ```
///
/// # Conventions
/// `Exact` is R's `fisher.test`. The mid-p (Lancaster 1961) is not in R's
/// `fisher.test`; survkit's two-sided mid-p halves the probability of every
/// table tied with the observed one, so that for the tea-tasting table it is
/// `(1 + 1 + ½·16 + ½·16) / 70`.
///
/// # References
/// Lancaster, H. O. (1961). Significance tests in discrete distributions.
/// *JASA* 56, 223–234. doi:10.1080/01621459.1961.10482105
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PValueKind {
    /// The exact conditional p-value (R's `fisher.test`).
    #[default]
    Exact,
    /// The mid-p value: the observed table's own probability counts half.
    MidP,
}

/// A null odds ratio in `[0, ∞]` (R's `or =` argument of `fisher.test`).
///
/// # Errors
/// [`NullOddsRatio::new`] returns [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for NaN or a
/// negative value (R: "'or' must be a single number between 0 and Inf").
///
/// # Example
/// ```
/// use survkit::NullOddsRatio;
/// let or = NullOddsRatio::new(2.0)?;
/// assert_eq!(or.value(), 2.0);
/// assert!(NullOddsRatio::new(-1.0).is_err());
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "f64", into = "f64"))]
pub struct NullOddsRatio(f64);

#[cfg(feature = "serde")]
impl TryFrom<f64> for NullOddsRatio {
    type Error = crate::Error;
    fn try_from(or: f64) -> Result<NullOddsRatio> {
        NullOddsRatio::new(or)
    }
}

#[cfg(feature = "serde")]
impl From<NullOddsRatio> for f64 {
    fn from(or: NullOddsRatio) -> f64 {
        or.0
    }
}

/// The serialised form of [`Table2x2`], validated on deserialisation: the
/// rows go through [`Table2x2::new`] and the stored total must equal theirs.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawTable2x2 {
    rows: [[u64; 2]; 2],
    total: u64,
}

#[cfg(feature = "serde")]
impl TryFrom<RawTable2x2> for Table2x2 {
    type Error = crate::Error;
    fn try_from(raw: RawTable2x2) -> Result<Table2x2> {
        let t = Table2x2::new(raw.rows)?;
        check_stored_total(
            "2 x 2 table total (deserialised)",
            "equal to the sum of the cells",
            raw.total,
            t.total,
        )?;
        Ok(t)
    }
}

impl NullOddsRatio {
    /// The usual null: no association (odds ratio 1).
    pub const ONE: NullOddsRatio = NullOddsRatio(1.0);

    /// Validates `or` (must be in `[0, ∞]`).
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for NaN or a negative value.
    pub fn new(or: f64) -> Result<NullOddsRatio> {
        if or >= 0.0 {
            Ok(NullOddsRatio(or))
        } else {
            Err(ErrorDetail::InvalidParameter {
                what: "null odds ratio",
                constraint: "in [0, Inf]",
                value: or,
            }
            .into())
        }
    }

    /// The value.
    pub fn value(self) -> f64 {
        self.0
    }
}

impl Default for NullOddsRatio {
    fn default() -> Self {
        Self::ONE
    }
}

/// The result of Fisher's exact test on a 2 x 2 table.
///
/// # Method
/// See [`FisherExact`].
///
/// # Example
/// ```
/// use survkit::{fisher_exact, Table2x2};
/// let r = fisher_exact(&Table2x2::new([[3, 1], [1, 3]])?)?;
/// assert!((r.p_value() - 34.0 / 70.0).abs() < 1e-15);
/// assert!(r.confidence_interval().contains(r.odds_ratio()));
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct FisherResult {
    p_value: f64,
    odds_ratio: f64,
    conf_int: ConfidenceInterval,
    sample_odds_ratio: f64,
    woolf_interval: ConfidenceInterval,
    alternative: Alternative,
    null_odds_ratio: NullOddsRatio,
    p_value_kind: PValueKind,
}

impl FisherResult {
    /// The p-value (exact or mid-p, as asked).
    pub fn p_value(&self) -> f64 {
        self.p_value
    }

    /// The conditional maximum-likelihood estimate of the odds ratio (R's
    /// `fisher.test(x)$estimate`, solved to full precision): 0 when `a` is
    /// at the bottom of its support, `+∞` at the top (R checks the bottom
    /// first, so a table whose support is one point gives 0).
    pub fn odds_ratio(&self) -> f64 {
        self.odds_ratio
    }

    /// The exact conditional confidence interval of the odds ratio (R's
    /// `fisher.test(x)$conf.int`, to full precision). One-sided
    /// alternatives give `[0, U]` (less) or `[L, ∞]` (greater).
    pub fn confidence_interval(&self) -> ConfidenceInterval {
        self.conf_int
    }

    /// Deprecated alias of [`confidence_interval`](Self::confidence_interval).
    #[deprecated(
        since = "0.2.0",
        note = "renamed to `confidence_interval` (docs/api.md)"
    )]
    #[doc(hidden)]
    pub fn conf_int(&self) -> ConfidenceInterval {
        self.confidence_interval()
    }

    /// The sample (unconditional maximum-likelihood) odds ratio `ad / bc`:
    /// `+∞` when only `bc = 0`, 0 when only `ad = 0`, NaN when both are 0.
    pub fn sample_odds_ratio(&self) -> f64 {
        self.sample_odds_ratio
    }

    /// Woolf's (logit) interval around the sample odds ratio,
    /// `exp(ln OR ± z √(1/a + 1/b + 1/c + 1/d))`, one-sided as the
    /// alternative asks (scipy's `odds_ratio(kind="sample")`), with
    /// `z = −Φ⁻¹(α)`, `α = (1 − level)/2` two-sided, `1 − level` one-sided.
    ///
    /// Zero cells follow scipy 1.17 exactly: a zero row or column margin
    /// gives `[0, +∞]` for every alternative; otherwise a zero cell makes the
    /// standard error infinite and the bounds are what IEEE arithmetic gives:
    /// a finite `ln OR` yields 0 and `+∞`, but an infinite `ln OR` (a sample
    /// odds ratio of 0 or `+∞`) meets `∓∞` and the bound is NaN. For example
    /// `[[5, 0], [0, 5]]` gives `[NaN, +∞]` two-sided and `greater`,
    /// `[0, +∞]` for `less`; `[[0, 1], [1, 0]]` gives `[0, NaN]` two-sided
    /// and `less`, `[0, +∞]` for `greater`; `[[0, 0], [0, 5]]` gives
    /// `[0, +∞]`.
    pub fn woolf_interval(&self) -> ConfidenceInterval {
        self.woolf_interval
    }

    /// The alternative tested.
    pub fn alternative(&self) -> Alternative {
        self.alternative
    }

    /// The null odds ratio tested.
    pub fn null_odds_ratio(&self) -> NullOddsRatio {
        self.null_odds_ratio
    }

    /// Which p-value was computed.
    pub fn p_value_kind(&self) -> PValueKind {
        self.p_value_kind
    }
}

/// Fisher's exact test on a 2 x 2 table with options (alternative,
/// confidence level, null odds ratio, mid-p).
///
/// # Method
/// Conditioning on all margins, the count `x = a` has Fisher's noncentral
/// hypergeometric distribution with odds ratio `ψ`:
/// ```text
/// P_ψ(X = u) = C(m, u) C(n, k − u) ψᵘ / Σ_v C(m, v) C(n, k − v) ψᵛ,
///   m = a + c, n = b + d, k = a + b, u ∈ [max(0, k − n), min(k, m)]
/// p (less)      = P_ψ0(X ≤ x)
/// p (greater)   = P_ψ0(X ≥ x)
/// p (two-sided) = Σ P_ψ0(u) over u with P_ψ0(u) ≤ P_ψ0(x) (1 + 1e-7)
/// conditional MLE ψ̂:   E_ψ̂[X] = x            (0 if x = lo, ∞ if x = hi)
/// lower bound L:        P_L(X ≥ x) = α        (0 if x = lo)
/// upper bound U:        P_U(X ≤ x) = α        (∞ if x = hi)
///   two-sided: α = (1 − level)/2;  one-sided: α = 1 − level
/// ```
/// Probabilities are evaluated in log space: the point probability of a
/// tail's first term comes from Loader's saddle-point log-density, the tail
/// itself is summed outward by exact term ratios until the geometric bound on
/// the remainder is below 2^-60 of the sum. Roots are found by safeguarded
/// Newton iteration on `ln ψ` to a few ulps.
///
/// # Cost
/// Each tail sum visits the terms that carry its mass: about as many as a
/// few dozen standard deviations of `X`, `√(k m n (N − k) / N³)`, and far
/// fewer when a margin is small. Tables up to a few million subjects take
/// milliseconds; at the largest totals accepted (near 2^53) with balanced
/// margins, the complete result (p-value, conditional MLE, exact interval)
/// takes about 5 s in a release build on a 2-core 2026 virtual machine
/// (total 6.4e14: 4.4–4.9 s, measured 2026-12-06), where R's `fisher.test`
/// allocates the whole support and stops. There is no time limit.
///
/// # Conventions
/// Matches R's `fisher.test` (p-values to 1e-10 relative or better, the
/// estimate and interval to the precision R's `uniroot` allows, about 1e-4;
/// survkit's are exact to about 1e-13 and agree with scipy's
/// `odds_ratio(kind="conditional")`). scipy 1.17's `fisher_exact` uses the
/// same two-sided rule and agrees to 1e-10 (tested); its statistic is the
/// sample odds ratio, not R's estimate. The sample odds ratio and Woolf
/// interval are scipy's
/// `odds_ratio(kind="sample")`. R accepts `or = 0` and `or = Inf` with
/// degenerate p-values, and so does survkit.
///
/// # Errors
/// [`ErrorDetail::NoConvergence`](crate::ErrorDetail::NoConvergence) if a root finder fails (not seen in practice);
/// [`ErrorDetail::InvalidProbability`](crate::ErrorDetail::InvalidProbability) cannot occur for a validated level (the
/// normal quantile is taken at the tail mass `1 − level`, which is positive
/// and exact for every valid level, down to `1 − 2⁻⁵³`).
///
/// # Example
/// ```
/// use survkit::{Alternative, ConfidenceLevel, FisherExact, NullOddsRatio, Table2x2};
/// let t = Table2x2::new([[0, 10], [5, 4]])?;
/// let r = FisherExact::default()
///     .alternative(Alternative::Less)
///     .confidence_level(ConfidenceLevel::new(0.99)?)
///     .null_odds_ratio(NullOddsRatio::new(2.0)?)
///     .test(&t)?;
/// assert!(r.p_value() < 0.05);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Fisher, R. A. (1935). The logic of inductive inference. *J. R. Stat.
///   Soc.* 98, 39–82. doi:10.2307/2342435
/// - Agresti, A. (2002). *Categorical Data Analysis*, 2nd ed., §3.5. Wiley.
///   doi:10.1002/0471249688
/// - Loader, C. (2000). Fast and accurate computation of binomial
///   probabilities. <https://www.r-project.org/doc/reports/CLoader-dbinom-2002.pdf>
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[must_use]
pub struct FisherExact {
    alternative: Alternative,
    conf_level: ConfidenceLevel,
    null_odds_ratio: NullOddsRatio,
    p_value_kind: PValueKind,
}

impl FisherExact {
    /// The defaults (equal to `Default::default()`).
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// The alternative hypothesis (default two-sided).
        pub fn alternative(mut self, alternative: Alternative) -> Self { self.alternative }

        /// The confidence level of both intervals (default 0.95).
        pub fn confidence_level(mut self, level: ConfidenceLevel) -> Self { self.conf_level }

        /// The null odds ratio of the p-value (default 1).
        pub fn null_odds_ratio(mut self, or: NullOddsRatio) -> Self { self.null_odds_ratio }

        /// Exact p or mid-p (default exact).
        pub fn p_value_kind(mut self, kind: PValueKind) -> Self { self.p_value_kind }
    }

    /// Deprecated alias of [`confidence_level`](Self::confidence_level).
    #[deprecated(since = "0.2.0", note = "renamed to `confidence_level` (docs/api.md)")]
    #[doc(hidden)]
    pub fn conf_level(self, level: ConfidenceLevel) -> Self {
        self.confidence_level(level)
    }

    /// Runs the test.
    ///
    /// # Errors
    /// [`ErrorDetail::NoConvergence`](crate::ErrorDetail::NoConvergence) if a root finder fails (not seen in practice).
    pub fn test(&self, table: &Table2x2) -> Result<FisherResult> {
        let (a, b, c, d) = table.cells_f64();
        let mut h = Hyper::new(a, b, c, d);
        let x = a;
        // the root-finding passes stay within about 13 standard deviations of x
        h.cache_window(x, ROOT_WINDOW_SD * h.central_sd() + 64.0);
        let p_value = p_value(
            &h,
            x,
            self.null_odds_ratio.0,
            self.alternative,
            self.p_value_kind,
        );
        let (odds_ratio, var_at_mle) = conditional_mle(&h, x)?;
        let level = self.conf_level;
        let (lower, upper) = match self.alternative {
            Alternative::TwoSided => {
                let alpha = level.alpha() / 2.0;
                (
                    ncp_lower(&h, x, alpha, odds_ratio, var_at_mle)?,
                    ncp_upper(&h, x, alpha, odds_ratio, var_at_mle)?,
                )
            }
            Alternative::Less => (
                0.0,
                ncp_upper(&h, x, level.alpha(), odds_ratio, var_at_mle)?,
            ),
            Alternative::Greater => (
                ncp_lower(&h, x, level.alpha(), odds_ratio, var_at_mle)?,
                f64::INFINITY,
            ),
        };
        let sample = sample_odds_ratio(a, b, c, d);
        let woolf = woolf(a, b, c, d, sample, level, self.alternative)?;
        Ok(FisherResult {
            p_value,
            odds_ratio,
            conf_int: ConfidenceInterval::new(lower, upper, level),
            sample_odds_ratio: sample,
            woolf_interval: woolf,
            alternative: self.alternative,
            null_odds_ratio: self.null_odds_ratio,
            p_value_kind: self.p_value_kind,
        })
    }
}

/// Fisher's exact test of no association in a 2 x 2 table: two-sided, 95%
/// intervals (R's `fisher.test(x)` defaults).
///
/// # Method
/// See [`FisherExact`].
///
/// # Conventions
/// R's `fisher.test` defaults; the estimate is the conditional MLE (R's),
/// not the sample odds ratio (scipy's `fisher_exact` statistic), which is
/// available as [`FisherResult::sample_odds_ratio`].
///
/// # Errors
/// [`ErrorDetail::NoConvergence`](crate::ErrorDetail::NoConvergence) if a root finder fails (not seen in practice).
///
/// # Example
/// ```
/// use survkit::{fisher_exact, Table2x2};
/// // Founding study, Table 3, age: R fisher.test p = 0.01083
/// let r = fisher_exact(&Table2x2::new([[0, 10], [5, 4]])?)?;
/// assert!((r.p_value() - 0.010835913312693499).abs() < 1e-12);
/// assert_eq!(r.odds_ratio(), 0.0);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Fisher, R. A. (1935). The logic of inductive inference. *J. R. Stat. Soc.*
/// 98, 39–82. doi:10.2307/2342435
pub fn fisher_exact(table: &Table2x2) -> Result<FisherResult> {
    FisherExact::default().test(table)
}

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
fn sample_odds_ratio(a: f64, b: f64, c: f64, d: f64) -> f64 {
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
fn woolf(
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

#[cfg(all(test, feature = "serde"))]
mod serde_tests {
    use super::*;
    use serde::de::value::{Error as DeError, F64Deserializer};
    use serde::de::IntoDeserializer;
    use serde::Deserialize;

    #[test]
    fn deserialising_validates_the_null_odds_ratio() {
        let ok: F64Deserializer<DeError> = 2.0.into_deserializer();
        assert_eq!(
            NullOddsRatio::deserialize(ok).map(NullOddsRatio::value),
            Ok(2.0)
        );
        for bad in [-1.0, f64::NAN] {
            let d: F64Deserializer<DeError> = bad.into_deserializer();
            assert!(NullOddsRatio::deserialize(d).is_err());
        }
    }

    #[test]
    fn deserialising_validates_the_table_total() {
        let ok = RawTable2x2 {
            rows: [[1, 2], [3, 4]],
            total: 10,
        };
        assert_eq!(Table2x2::try_from(ok).map(|t| t.total()), Ok(10));
        let bad = RawTable2x2 {
            rows: [[1, 2], [3, 4]],
            total: 11,
        };
        assert!(Table2x2::try_from(bad).is_err());
        let huge = RawTable2x2 {
            rows: [[u64::MAX, 1], [0, 0]],
            total: 0,
        };
        assert!(Table2x2::try_from(huge).is_err());
    }
}
