//! The log-rank family of tests (R's `survdiff`), with weights, strata,
//! pairwise comparisons, a trend test and hazard-ratio estimates.

use crate::builder::renamed;
use crate::data::SurvivalData;
use crate::error::{within_budget, Result};
use crate::event_table::{EventTable, TimeFix};
use crate::interval::{Alternative, ConfidenceInterval, ConfidenceLevel};
use crate::special::{chisq_sf, norm_cdf as normal_lower, norm_sf as normal_upper};
use crate::ErrorDetail;

mod estimates;
mod kernel;
mod linalg;
mod pairwise;
mod stream;

use estimates::*;
pub use estimates::{HazardRatio, HazardRatioEstimator, TrendTest};
use kernel::*;
use linalg::*;
use pairwise::*;
pub use pairwise::{PairwiseComparison, PairwiseLogRank};

/// Relative pivot tolerance of the generalized inverse of the variance
/// matrix: a pivot below `CHOLESKY_TOLERANCE × (largest diagonal)` marks a
/// redundant direction. It is the default `toler.chol = 1e-9` of R survival's
/// `coxph.wtest`, whose generalized Cholesky (`cholesky2`) this follows.
pub(crate) const CHOLESKY_TOLERANCE: f64 = 1e-9;

/// The weight function `w(t)` of a weighted log-rank test.
///
/// # Method
/// With, at each distinct time `tᵢ` of a stratum, `nᵢ` subjects at risk and
/// `dᵢ` events (pooled over the compared groups), and the pooled Kaplan-Meier
/// estimate `S` of the stratum:
///
/// ```text
/// LogRank                     w = 1
/// FlemingHarrington{ρ, γ}     w = S(tᵢ−)^ρ · (1 − S(tᵢ−))^γ,
///                             S(tᵢ−) = Π_{j < i} (1 − d_j / n_j)   (left-continuous KM)
/// GehanBreslow (Wilcoxon)     w = nᵢ
/// TaroneWare                  w = √nᵢ
/// PetoPeto                    w = S̃(tᵢ) = Π_{j ≤ i} (1 − d_j / (n_j + 1))
/// ```
///
/// # Conventions
/// `FlemingHarrington { rho, gamma: 0.0 }` is R's `survdiff(rho = ρ)` (R has
/// no γ); it equals statsmodels' `weight_type = "fh"` with `fh_p = ρ` and
/// lifelines' `weightings = "fleming-harrington"` with `p = ρ, q = γ`.
/// `GehanBreslow` is statsmodels' `"gb"` and lifelines' `"wilcoxon"`;
/// `TaroneWare` is statsmodels' `"tw"` and lifelines' `"tarone-ware"`.
/// `PetoPeto` is lifelines' `"peto"`: Peto & Peto's modified survival
/// estimate *including* the factor of the current time, as in Klein &
/// Moeschberger (2003, §7.3); R's `rho = 1` (the "Peto & Peto modification
/// of the Gehan-Wilcoxon test" of R's documentation) instead uses the
/// left-continuous Kaplan-Meier estimate `S(tᵢ−)`.
///
/// # Errors
/// The exponents are checked when the test runs:
/// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for a NaN, infinite or negative `rho` or `gamma`.
///
/// # Example
/// ```
/// use survkit::{datasets::aml, LogRank, LogRankWeights, SurvivalData};
/// let data = SurvivalData::builder(&aml::TIME[..], aml::event()).groups(&aml::X).build()?;
/// let peto = LogRank::default()
///     .weights(LogRankWeights::FlemingHarrington { rho: 1.0, gamma: 0.0 })
///     .test(&data)?;
/// // R 4.2.2, survival 3.5-3: survdiff(Surv(time, status) ~ x, data = aml, rho = 1)
/// // (tests/data/logrank_r.txt, case aml/rho=1)
/// assert!((peto.statistic() / 2.7792795447517733 - 1.0).abs() < 1e-10);
/// assert!((peto.p_value() / 0.095491115406493104 - 1.0).abs() < 1e-10);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Harrington, D. P. & Fleming, T. R. (1982). A class of rank test procedures
/// for censored survival data. *Biometrika* 69, 553–566. doi:10.1093/biomet/69.3.553
///
/// Gehan, E. A. (1965). A generalized Wilcoxon test for comparing arbitrarily
/// singly-censored samples. *Biometrika* 52, 203–223. doi:10.1093/biomet/52.1-2.203
///
/// Tarone, R. E. & Ware, J. (1977). On distribution-free tests for equality
/// of survival distributions. *Biometrika* 64, 156–160. doi:10.1093/biomet/64.1.156
///
/// Peto, R. & Peto, J. (1972). Asymptotically efficient rank invariant test
/// procedures. *J. R. Stat. Soc. A* 135, 185–207. doi:10.2307/2344317
///
/// Klein, J. P. & Moeschberger, M. L. (2003). *Survival Analysis*, 2nd ed.,
/// Springer, §7.3. doi:10.1007/b97377
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum LogRankWeights {
    /// `w = 1`: the log-rank (Mantel-Haenszel) test (R's default `rho = 0`).
    #[default]
    LogRank,
    /// `w = S(t−)^rho · (1 − S(t−))^gamma` with the pooled left-continuous
    /// Kaplan-Meier estimate; `gamma = 0` is R's `rho`.
    FlemingHarrington {
        /// Exponent of `S(t−)`, finite and ≥ 0.
        rho: f64,
        /// Exponent of `1 − S(t−)`, finite and ≥ 0.
        gamma: f64,
    },
    /// `w = n(t)`, the number at risk: the Gehan-Breslow generalized Wilcoxon test.
    GehanBreslow,
    /// `w = √n(t)`: the Tarone-Ware test.
    TaroneWare,
    /// `w = Π_{tⱼ ≤ t} (1 − dⱼ / (nⱼ + 1))`: the Peto-Peto test (lifelines' `"peto"`).
    PetoPeto,
}

impl LogRankWeights {
    fn validate(self) -> Result<Self> {
        if let LogRankWeights::FlemingHarrington { rho, gamma } = self {
            for (what, v) in [("rho", rho), ("gamma", gamma)] {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(ErrorDetail::InvalidParameter {
                        what,
                        constraint: "finite and non-negative",
                        value: v,
                    }
                    .into());
                }
            }
        }
        Ok(self)
    }

    /// Whether the weight reads the pooled left-continuous Kaplan-Meier
    /// estimate (otherwise its running product is not kept: one division
    /// less per row, and no other number changes).
    #[inline(always)]
    fn uses_km(self) -> bool {
        matches!(self, LogRankWeights::FlemingHarrington { .. })
    }

    /// Whether the weight reads the Peto-Peto estimate (as [`uses_km`](Self::uses_km)).
    #[inline(always)]
    fn uses_peto(self) -> bool {
        matches!(self, LogRankWeights::PetoPeto)
    }

    /// Whether every weight is 1 (`LogRank`, or Fleming-Harrington G(0, 0)).
    fn is_log_rank(self) -> bool {
        match self {
            LogRankWeights::LogRank => true,
            LogRankWeights::FlemingHarrington { rho, gamma } => rho == 0.0 && gamma == 0.0,
            _ => false,
        }
    }

    /// The weight at a time with `n` at risk, left-continuous pooled KM
    /// `s_left` and Peto-Peto estimate `s_peto`.
    fn weight(self, n: f64, s_left: f64, s_peto: f64) -> f64 {
        match self {
            LogRankWeights::LogRank => 1.0,
            LogRankWeights::FlemingHarrington { rho, gamma } => {
                let a = if rho == 0.0 { 1.0 } else { s_left.powf(rho) };
                let b = if gamma == 0.0 {
                    1.0
                } else {
                    (1.0 - s_left).powf(gamma)
                };
                a * b
            }
            LogRankWeights::GehanBreslow => n,
            LogRankWeights::TaroneWare => n.sqrt(),
            LogRankWeights::PetoPeto => s_peto,
        }
    }
}

/// The k-sample (weighted, stratified) log-rank test, R's `survdiff`.
///
/// # Method
/// At each distinct time `tᵢ` of a stratum, with `n_{gi}` at risk and
/// `d_{gi}` events in group `g`, `nᵢ = Σ_g n_{gi}`, `dᵢ = Σ_g d_{gi}` and the
/// weight `wᵢ` of [`LogRankWeights`]:
///
/// ```text
/// O_g   = Σᵢ wᵢ d_{gi}
/// E_g   = Σᵢ wᵢ dᵢ n_{gi} / nᵢ
/// V_gh  = Σᵢ wᵢ² dᵢ (nᵢ − dᵢ) / (nᵢ (nᵢ − 1)) · n_{gi} (δ_gh − n_{hi} / nᵢ)   (nᵢ > 1)
/// ```
///
/// summed over strata. Groups with `E_g > 0` enter the test; the first of
/// them is dropped and, with `u` and `V₀` the remaining `O − E` and variance,
///
/// ```text
/// χ² = uᵀ V₀⁻¹ u,   df = (number of groups with E_g > 0) − 1,   p = P(χ²_df ≥ χ²)
/// ```
///
/// The inverse is R's generalized Cholesky solve. When `V₀` is singular (R's
/// `solve` stops there) survkit uses the generalized inverse of R's
/// `coxph.wtest` (a Cholesky decomposition that zeroes pivots below
/// `1e-9` (R's default `toler.chol`) × the largest diagonal) and `df` is the rank.
/// The Fleming-Harrington weights use the pooled left-continuous Kaplan-Meier
/// estimate of each stratum, computed inline from the event table as the
/// running product of `1 − dᵢ/nᵢ` over the stratum's rows (a row's own
/// factor is applied after its weight is taken).
///
/// [`test`](Self::test) and [`pairwise`](Self::pairwise) on data without
/// entry times or case weights (and, for [`test`](Self::test), without
/// strata when there are more than two groups) take a streaming path: one
/// sort of one `u64` key per subject (time, stratum, group and event flag
/// packed together) and one sweep that cuts the sorted keys into the rows of
/// the event table (R's near ties merged by the same rule, on the same
/// distinct times) and adds each row to the sums at once. The numbers at
/// risk are integer counts, exact in `f64`, and every row goes through the
/// same code in the same order as on the table: the results are the table
/// path's, bit for bit. Other data (times spanning more binades than the
/// key holds, e.g. 5e-324 with 1e300; more than 2¹⁸ (stratum, group) or
/// (stratum, pair) cells; more than 10¹⁰ variance operations) use the event
/// table.
///
/// # Conventions
/// Matches R survival's `survdiff` (`rho = ρ` is
/// `FlemingHarrington { rho: ρ, gamma: 0.0 }`; `strata()` terms are the
/// data's strata; `timefix = TRUE/FALSE` is [`TimeFix`]). As in R, the
/// *observed* and *expected* columns are weighted when the weight is not 1
/// (R's `survdiff(rho = 1)` reports weighted "Observed" counts). R reports
/// `n` as the number of subjects per group; with case weights survkit
/// reports the sum of weights (R's `survdiff` has no case weights; with
/// integer weights the test equals the test on replicated rows, as
/// lifelines' `weights`). Left-truncated data (R refuses them) use the risk
/// sets `(entry, exit]`, as statsmodels' `survdiff(entry = …)`.
///
/// # Errors
/// [`ErrorDetail::TooFewGroups`](crate::ErrorDetail::TooFewGroups) when the data have one group,
/// [`ErrorDetail::BudgetExceeded`](crate::ErrorDetail::BudgetExceeded) for more than 1024 groups or when the variance
/// accumulation (distinct times × groups²) exceeds 10¹⁰ operations (about
/// 10 s),
/// [`ErrorDetail::EmptyGroup`](crate::ErrorDetail::EmptyGroup) when a group has no subjects,
/// [`ErrorDetail::NoEvents`](crate::ErrorDetail::NoEvents) when no subject has an event,
/// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for bad Fleming-Harrington exponents or case
/// weights so large that their sums overflow, and, for data that go
/// through the event table, the errors of [`EventTable::from_data_with`]
/// (the streaming path builds no table and never returns them).
///
/// # Example
/// ```
/// use survkit::{datasets::aml, LogRank, LogRankWeights, SurvivalData, TimeFix};
/// let data = SurvivalData::builder(&aml::TIME[..], aml::event()).groups(&aml::X).build()?;
/// let res = LogRank::default()
///     .weights(LogRankWeights::LogRank)
///     .time_fix(TimeFix::Tolerance)
///     .test(&data)?;
/// // R: survdiff(Surv(time, status) ~ x, data = aml): Chisq = 3.4 on 1 df, p = 0.07
/// assert!((res.statistic() - 3.396).abs() < 1e-3);
/// assert_eq!(res.df(), 1);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Mantel, N. (1966). Evaluation of survival data and two new rank order
/// statistics arising in its consideration. *Cancer Chemotherapy Reports*
/// 50(3), 163–170. PMID 5910392.
///
/// Harrington, D. P. & Fleming, T. R. (1982). A class of rank test procedures
/// for censored survival data. *Biometrika* 69, 553–566. doi:10.1093/biomet/69.3.553
///
/// Therneau, T. M. & Grambsch, P. M. (2000). *Modeling Survival Data:
/// Extending the Cox Model*. Springer. doi:10.1007/978-1-4757-3294-8
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct LogRank {
    weights: LogRankWeights,
    time_fix: TimeFix,
}

impl LogRank {
    /// The defaults of R's `survdiff`: log-rank weights (`rho = 0`),
    /// `timefix = TRUE`.
    pub fn new() -> Self {
        Self::default()
    }

    /// The weight function (default [`LogRankWeights::LogRank`]).
    pub fn weights(mut self, weights: LogRankWeights) -> Self {
        self.weights = weights;
        self
    }

    /// How near-tied times are treated (default [`TimeFix::Tolerance`], R's `timefix = TRUE`).
    pub fn time_fix(mut self, time_fix: TimeFix) -> Self {
        self.time_fix = time_fix;
        self
    }

    /// Tests equality of the groups' survival distributions.
    ///
    /// Without entry times or case weights the test streams over one sort of
    /// packed keys instead of building an [`EventTable`] (same numbers, bit
    /// for bit; see [`LogRank`]); it then needs 8 bytes per subject, and the
    /// table's size limit ([`MAX_TABLE_ENTRIES`](crate::MAX_TABLE_ENTRIES))
    /// does not apply.
    ///
    /// # Errors
    /// As listed on [`LogRank`].
    pub fn test(&self, data: &SurvivalData) -> Result<LogRankResult> {
        let weights = self.weights.validate()?;
        check_groups(data.n_groups())?;
        // Without entry times or case weights: one sort of packed keys and
        // one sweep, the same numbers without building the table.
        if let Some(res) = stream::test(data, self.time_fix, weights)? {
            return Ok(res);
        }
        let table = EventTable::from_data_with(data, self.time_fix)?;
        check_budget(&table, table.n_groups(), 1)?;
        test_groups(&table, &all_groups(table.n_groups()), weights)
    }

    /// Tests from an event table already built (its near-tie rule is the
    /// table's; [`time_fix`](Self::time_fix) is not used).
    ///
    /// # Errors
    /// As listed on [`LogRank`].
    pub fn test_table(&self, table: &EventTable) -> Result<LogRankResult> {
        let weights = self.weights.validate()?;
        check_groups(table.n_groups())?;
        check_budget(table, table.n_groups(), 1)?;
        test_groups(table, &all_groups(table.n_groups()), weights)
    }

    /// Tests every pair of groups (each pair on its own subjects, pooled
    /// weights and Kaplan-Meier estimate from that pair only), with
    /// Bonferroni, Holm and Benjamini-Hochberg adjusted p-values.
    ///
    /// # Method
    /// For `m = k(k − 1)/2` raw p-values `p₍₁₎ ≤ … ≤ p₍ₘ₎`:
    ///
    /// ```text
    /// Bonferroni          min(1, m p)
    /// Holm                p̃₍ᵢ₎ = min(1, max_{j ≤ i} (m − j + 1) p₍ⱼ₎)
    /// Benjamini-Hochberg  p̃₍ᵢ₎ = min_{j ≥ i} min(1, m p₍ⱼ₎ / j)
    /// ```
    ///
    /// # Conventions
    /// The adjusted values are R's `p.adjust(p, "bonferroni" | "holm" | "BH")`;
    /// each pair is the test on the two groups' subjects alone, as lifelines'
    /// `pairwise_logrank_test` and R's `survdiff(..., subset = …)`. Near-tie
    /// merging ([`TimeFix::Tolerance`]) is applied once on all the data.
    ///
    /// # Errors
    /// As [`test`](Self::test), the budget counting `k(k − 1)/2` two-group
    /// tests of `rows × 2²` operations; a pair whose test is degenerate (no
    /// events in the pair, for example) still gets a result (χ² = 0 on 0 df,
    /// p = 1); [`ErrorDetail::NoEvents`](crate::ErrorDetail::NoEvents) only when no pair has an event.
    ///
    /// # Example
    /// ```
    /// use survkit::{datasets::veteran, LogRank, SurvivalData};
    /// let data = SurvivalData::builder(&veteran::TIME[..], veteran::event())
    ///     .groups(&veteran::CELLTYPE).build()?;
    /// let pairs = LogRank::default().pairwise(&data)?;
    /// assert_eq!(pairs.comparisons().len(), 6);
    /// for c in pairs.comparisons() {
    ///     assert!(c.p_holm() >= c.p_value());
    /// }
    /// # Ok::<(), survkit::Error>(())
    /// ```
    ///
    /// # References
    /// Holm, S. (1979). A simple sequentially rejective multiple test
    /// procedure. *Scand. J. Statist.* 6, 65–70. JSTOR 4615733.
    ///
    /// Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery
    /// rate: a practical and powerful approach to multiple testing. *J. R.
    /// Stat. Soc. B* 57, 289–300. doi:10.1111/j.2517-6161.1995.tb02031.x
    pub fn pairwise(&self, data: &SurvivalData) -> Result<PairwiseLogRank> {
        let weights = self.weights.validate()?;
        check_groups(data.n_groups())?;
        if let Some(tests) = stream::pairwise(data, self.time_fix, weights)? {
            return adjust(tests);
        }
        let table = EventTable::from_data_with(data, self.time_fix)?;
        pairwise_table(&table, weights)
    }

    /// [`pairwise`](Self::pairwise) from an event table already built.
    ///
    /// # Errors
    /// As [`pairwise`](Self::pairwise).
    pub fn pairwise_table(&self, table: &EventTable) -> Result<PairwiseLogRank> {
        let weights = self.weights.validate()?;
        check_groups(table.n_groups())?;
        pairwise_table(table, weights)
    }
}

/// The log-rank test with R's defaults (`survdiff(Surv(time, status) ~ group)`).
///
/// # Method
/// See [`LogRank`].
///
/// # Conventions
/// R's `survdiff` with `rho = 0` and `timefix = TRUE`; strata of the data
/// are honoured as R's `strata()` terms.
///
/// # Errors
/// As [`LogRank::test`].
///
/// # Example
/// ```
/// use survkit::{datasets::aml, log_rank, SurvivalData};
/// let data = SurvivalData::builder(&aml::TIME[..], aml::event()).groups(&aml::X).build()?;
/// let res = log_rank(&data)?;
/// println!("chisq = {:.2} on {} df, p = {:.3}", res.statistic(), res.df(), res.p_value());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Mantel, N. (1966). Evaluation of survival data and two new rank order
/// statistics arising in its consideration. *Cancer Chemotherapy Reports*
/// 50(3), 163–170. PMID 5910392.
pub fn log_rank(data: &SurvivalData) -> Result<LogRankResult> {
    LogRank::default().test(data)
}

pub(crate) fn all_groups(k: usize) -> Vec<usize> {
    (0..k).collect()
}

/// The largest number of groups of one test (2^10): the k × k variance
/// matrix takes 8 MiB and its O(k³) solve about a second. 1024 groups is far
/// beyond any clinical comparison; data with a group per subject get
/// [`ErrorDetail::BudgetExceeded`](crate::ErrorDetail::BudgetExceeded) instead of a run of minutes.
const MAX_GROUPS: usize = 1 << 10;

/// Budget of the variance accumulation, in row-group² operations: a test of
/// `m` groups costs `(distinct times, summed over strata) × m²` multiply-adds
/// (the m × m update of `V` at each time), and pairwise comparisons are
/// counted as `k(k − 1)/2` tests of 2 groups, `k(k − 1)/2 × rows × 2²`.
/// 10¹⁰ operations take about 10 s on the 2-core development machine
/// (measured 2026-11-27, optimised build: 1024 groups × 9216 distinct times
/// = 9.7·10⁹ operations in 8.9 s); beyond it the test returns
/// [`ErrorDetail::BudgetExceeded`](crate::ErrorDetail::BudgetExceeded) at once.
pub(crate) const MAX_VARIANCE_OPS: u64 = 10_000_000_000;

/// Distinct times of the table, summed over strata.
fn table_rows(table: &EventTable) -> u64 {
    table
        .strata()
        .map(|st| st.times().len() as u64)
        .fold(0, u64::saturating_add)
}

/// [`ErrorDetail::BudgetExceeded`](crate::ErrorDetail::BudgetExceeded) when `tests` tests of `m` groups each would
/// exceed [`MAX_VARIANCE_OPS`].
fn check_budget(table: &EventTable, m: usize, tests: u64) -> Result<()> {
    check_budget_within(table, m, tests, MAX_VARIANCE_OPS)
}

/// [`check_budget`] against any limit (the tests use small ones).
fn check_budget_within(table: &EventTable, m: usize, tests: u64, limit: u64) -> Result<()> {
    let m = m as u64;
    let cost = table_rows(table)
        .saturating_mul(m.saturating_mul(m))
        .saturating_mul(tests);
    within_budget(
        "log-rank variance accumulation",
        cost,
        limit,
        "row-group² operations",
    )
}

fn check_groups(k: usize) -> Result<()> {
    if k < 2 {
        return Err(ErrorDetail::TooFewGroups {
            what: "log-rank test",
            required: 2,
            found: k,
        }
        .into());
    }
    let what = "log-rank test (number of groups)";
    within_budget(what, k as u64, MAX_GROUPS as u64, "groups")
}

/// The result of a (weighted, stratified) log-rank test: R's `survdiff` value.
///
/// # Method
/// See [`LogRank`] for `O`, `E`, `V`, χ², df and p. For two groups,
///
/// ```text
/// z = (O₁ − E₁) / √V₁₁        (first group; χ² = z²)
/// ```
///
/// # Conventions
/// `observed`, `expected`, `variance` are summed over strata, as R's
/// `survdiff` prints them (R's value keeps the observed and expected of each
/// stratum in matrices). `z` follows scipy's `scipy.stats.logrank(x, y)`
/// with `x` the first group.
///
/// # Errors
/// Built only by [`LogRank`]; see there.
///
/// # Example
/// ```
/// use survkit::{datasets::ovarian, log_rank, ErrorDetail, SurvivalData};
/// let data = SurvivalData::builder(&ovarian::FUTIME[..], ovarian::event())
///     .groups(&ovarian::RX).build()?;
/// let res = log_rank(&data)?;
/// assert_eq!(res.n(), [13.0, 13.0]);
/// assert_eq!(res.observed(), [7.0, 5.0]);
/// let missing = ErrorDetail::EmptyInput { what: "variance entry" };
/// let v00 = res.variance(0, 0).ok_or(missing.clone())?;
/// let v01 = res.variance(0, 1).ok_or(missing)?;
/// // R: survdiff(Surv(futime, fustat) ~ rx, data = ovarian)$var[1, ]
/// // (tests/data/logrank_r.txt, case ovarian/rho=0)
/// assert!((v00 / 2.9361961294831556 - 1.0).abs() < 1e-10);
/// assert!((v01 / -2.9361961294831556 - 1.0).abs() < 1e-10);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Mantel, N. (1966). *Cancer Chemotherapy Reports* 50(3), 163–170. PMID 5910392.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct LogRankResult {
    group_names: Vec<String>,
    n: Vec<f64>,
    observed: Vec<f64>,
    expected: Vec<f64>,
    variance: Vec<f64>,
    chisq: f64,
    df: usize,
    p_value: f64,
    weights: LogRankWeights,
    n_strata: usize,
}

impl LogRankResult {
    /// Group names, in the order of every per-group vector.
    pub fn group_names(&self) -> &[String] {
        &self.group_names
    }

    /// Number of groups.
    pub fn n_groups(&self) -> usize {
        self.group_names.len()
    }

    /// Number of strata summed over.
    pub fn n_strata(&self) -> usize {
        self.n_strata
    }

    /// The weights used.
    pub fn weights(&self) -> LogRankWeights {
        self.weights
    }

    /// Subjects per group (sum of case weights when weighted), R's `n`.
    pub fn n(&self) -> &[f64] {
        &self.n
    }

    /// Observed events per group, weighted by `w(t)` (R's `obs`).
    pub fn observed(&self) -> &[f64] {
        &self.observed
    }

    /// Expected events per group under the null, weighted by `w(t)` (R's `exp`).
    pub fn expected(&self) -> &[f64] {
        &self.expected
    }

    /// The k × k variance matrix of `O − E`, row-major (R's `var`).
    pub fn variance_matrix(&self) -> &[f64] {
        &self.variance
    }

    /// Entry `(i, j)` of the variance matrix, or `None` when out of range.
    pub fn variance(&self, i: usize, j: usize) -> Option<f64> {
        let k = self.n_groups();
        if i < k && j < k {
            self.variance.get(i * k + j).copied()
        } else {
            None
        }
    }

    /// The chi-square statistic (R's `survdiff(...)$chisq`), on
    /// [`df`](Self::df) degrees of freedom.
    pub fn statistic(&self) -> f64 {
        self.chisq
    }

    renamed! {
        pub fn chisq(&self) -> f64 { self.statistic() }
    }

    /// Degrees of freedom: groups with positive expected count minus one
    /// (the rank, when the variance matrix is singular).
    pub fn df(&self) -> usize {
        self.df
    }

    /// Upper-tail chi-square p-value (R's `pvalue`).
    pub fn p_value(&self) -> f64 {
        self.p_value
    }

    /// Two groups: the signed statistic `z = (O₁ − E₁)/√V₁₁` of the first
    /// group (scipy's `logrank(x, y).statistic` with `x` the first group); 0
    /// when the variance is 0 (then O₁ = E₁). `None` for more than two groups.
    pub fn z(&self) -> Option<f64> {
        if self.n_groups() != 2 {
            return None;
        }
        let v = self.variance.first().copied()?;
        let d = self.observed.first()? - self.expected.first()?;
        if v > 0.0 {
            Some(d / v.sqrt())
        } else {
            Some(0.0)
        }
    }

    /// Two groups: the p-value of `z` for the given alternative (scipy's
    /// `logrank(x, y, alternative=…)`): `Less` is `Φ(z)` (the first group has
    /// fewer events than expected), `Greater` is `1 − Φ(z)` computed
    /// directly, `TwoSided` is [`p_value`](Self::p_value).
    /// `None` for more than two groups.
    pub fn z_p_value(&self, alternative: Alternative) -> Option<f64> {
        let z = self.z()?;
        Some(match alternative {
            Alternative::TwoSided => self.p_value,
            Alternative::Less => normal_lower(z),
            Alternative::Greater => normal_upper(z),
        })
    }

    /// The hazard ratio of the second group relative to the first, with its
    /// confidence interval, by the named estimator.
    ///
    /// # Method
    /// ```text
    /// ObservedOverExpected  HR = (O₂/E₂) / (O₁/E₁),  SE(log HR) = √(1/E₁ + 1/E₂)
    /// Peto                  HR = exp((O₂ − E₂)/V),   SE(log HR) = 1/√V
    /// CI = exp(log HR ± z_{1−α/2} SE)
    /// ```
    ///
    /// # Conventions
    /// The second group is compared with the first (the reference level, as
    /// R's `coxph`). Both estimators are approximations of the Cox estimate
    /// (the Peto one is the one-step estimate from β = 0); with strata, O, E
    /// and V are the sums over strata. Only defined for unweighted log-rank
    /// statistics. A group without events gives an estimate of 0 or ∞, as
    /// the formulas do.
    ///
    /// # Errors
    /// [`ErrorDetail::Incompatible`](crate::ErrorDetail::Incompatible) when the test had more than two groups or
    /// weights other than [`LogRankWeights::LogRank`] (or G(0, 0));
    /// [`ErrorDetail::Undefined`](crate::ErrorDetail::Undefined) for `Peto` when `V = 0` (for example all deaths
    /// at one time that empties the risk set: no information, `0/0`) and for
    /// `ObservedOverExpected` when a group has no expected events. Where
    /// `V = 0` because every death empties the risk set, `E = O` and
    /// `ObservedOverExpected` gives its finite value.
    ///
    /// # Example
    /// ```
    /// use survkit::{datasets::aml, log_rank, ConfidenceLevel, HazardRatioEstimator, SurvivalData};
    /// let data = SurvivalData::builder(&aml::TIME[..], aml::event()).groups(&aml::X).build()?;
    /// let hr = log_rank(&data)?.hazard_ratio(HazardRatioEstimator::Peto, ConfidenceLevel::NINETY_FIVE)?;
    /// // R: f <- survdiff(Surv(time, status) ~ x, data = aml); exp((f$obs[2] - f$exp[2]) / f$var[2, 2])
    /// // (tests/data/logrank_r.txt, case aml/rho=0)
    /// assert!((hr.estimate() / 2.5107868776075843 - 1.0).abs() < 1e-10);
    /// assert!(hr.confidence_interval().contains(hr.estimate()));
    /// # Ok::<(), survkit::Error>(())
    /// ```
    ///
    /// # References
    /// Yusuf, S., Peto, R., Lewis, J., Collins, R. & Sleight, P. (1985). Beta
    /// blockade during and after myocardial infarction: an overview of the
    /// randomized trials. *Prog. Cardiovasc. Dis.* 27, 335–371.
    /// doi:10.1016/S0033-0620(85)80003-7
    ///
    /// Berry, G., Kitchin, R. M. & Mock, P. A. (1991). A comparison of two
    /// simple hazard ratio estimators based on the logrank test. *Stat. Med.*
    /// 10, 749–755. doi:10.1002/sim.4780100510
    pub fn hazard_ratio(
        &self,
        estimator: HazardRatioEstimator,
        level: ConfidenceLevel,
    ) -> Result<HazardRatio> {
        if self.n_groups() != 2 {
            return Err(ErrorDetail::Incompatible {
                what: "log-rank hazard ratio and groups",
                detail: "the hazard ratio needs exactly two groups",
            }
            .into());
        }
        if !self.weights.is_log_rank() {
            return Err(ErrorDetail::Incompatible {
                what: "log-rank hazard ratio and weights",
                detail: "the hazard-ratio estimates need unweighted log-rank statistics",
            }
            .into());
        }
        // Two groups checked above; a deserialised value may still hold
        // vectors of other lengths, hence the checked reads.
        let (&[o1, o2], &[e1, e2], &[_, _, _, v]) = (
            self.observed.as_slice(),
            self.expected.as_slice(),
            self.variance.as_slice(),
        ) else {
            return Err(ErrorDetail::Incompatible {
                what: "log-rank result contents",
                detail: "observed, expected and variance must have 2, 2 and 4 entries",
            }
            .into());
        };
        let (log_hr, se) = match estimator {
            HazardRatioEstimator::ObservedOverExpected => {
                if !(e1 > 0.0 && e2 > 0.0) {
                    return Err(ErrorDetail::Undefined {
                        what: "observed-over-expected hazard ratio",
                        detail: "a group has no expected events (O/E is 0/0)",
                    }
                    .into());
                }
                (
                    (o2 / e2).ln() - (o1 / e1).ln(),
                    (1.0 / e1 + 1.0 / e2).sqrt(),
                )
            }
            HazardRatioEstimator::Peto => {
                if v.is_nan() || v <= 0.0 {
                    return Err(ErrorDetail::Undefined {
                        what: "Peto hazard ratio",
                        detail: "the log-rank variance V is 0 (for example every death \
                                 at one time that empties the risk set), so (O - E)/V is 0/0; \
                                 HazardRatioEstimator::ObservedOverExpected is defined there",
                    }
                    .into());
                }
                ((o2 - e2) / v, 1.0 / v.sqrt())
            }
        };
        let z = level.z();
        Ok(HazardRatio {
            estimator,
            estimate: log_hr.exp(),
            se_log: se,
            ci: ConfidenceInterval::new((log_hr - z * se).exp(), (log_hr + z * se).exp(), level),
        })
    }

    /// The test for trend across ordered groups with the given scores.
    ///
    /// # Method
    /// With `s` the scores (one per group), `O − E` and `V` of the test:
    ///
    /// ```text
    /// u_g = (s_g − s̄)/(max s − min s)   (standardized scores)
    /// U = Σ_g u_g (O_g − E_g),   Var U = uᵀ V u,   z = U / √Var U,   χ² = z²  on 1 df
    /// ```
    ///
    /// # Conventions
    /// With unweighted statistics and no stratification this is the score
    /// test of R's `coxph(Surv(time, status) ~ score, ties = "exact")`; the
    /// reference values were computed from R's `survdiff` output by the
    /// formula above and cross-checked against that score test. Scores are
    /// defined up to a shift and a positive scale, so they are standardized
    /// first, `u = (s − s̄)/(max s − min s)` (computed without overflow), and
    /// `U`, `Var U` ([`TrendTest::statistic`], [`TrendTest::variance`]) are
    /// those of `u`: the result is the same for scores `a + b·s`, `b > 0`
    /// (`[0, 1e200]` gives the test of `[0, 1]`), and `z`, `χ²` and `p` are
    /// those of the scores as given.
    ///
    /// # Errors
    /// [`ErrorDetail::LengthMismatch`](crate::ErrorDetail::LengthMismatch) unless there is one score per group,
    /// [`ErrorDetail::NonFinite`](crate::ErrorDetail::NonFinite) for a NaN or infinite score,
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) when all scores are equal,
    /// [`ErrorDetail::Undefined`](crate::ErrorDetail::Undefined) when `Var U = 0` (no events in groups of
    /// different scores while both are at risk).
    ///
    /// # Example
    /// ```
    /// use survkit::{datasets::lung, log_rank, SurvivalData};
    /// let (mut t, mut e, mut g) = (vec![], vec![], vec![]);
    /// for i in 0..lung::TIME.len() {
    ///     if let Some(ecog) = lung::PH_ECOG[i] {
    ///         t.push(lung::TIME[i]);
    ///         e.push(lung::STATUS[i] == 2);
    ///         g.push(ecog as u32);
    ///     }
    /// }
    /// let data = SurvivalData::builder(t, e).groups(&g).build()?;
    /// let trend = log_rank(&data)?.trend(&[0.0, 1.0, 2.0, 3.0])?;
    /// assert!(trend.z() > 0.0 && trend.p_value() < 1e-4);
    /// # Ok::<(), survkit::Error>(())
    /// ```
    ///
    /// # References
    /// Collett, D. (2015). *Modelling Survival Data in Medical Research*, 3rd
    /// ed., CRC Press, §2.7. doi:10.1201/b18041
    pub fn trend(&self, scores: &[f64]) -> Result<TrendTest> {
        let k = self.n_groups();
        if scores.len() != k {
            return Err(ErrorDetail::LengthMismatch {
                what: "scores",
                expected: k,
                actual: scores.len(),
            }
            .into());
        }
        if let Some((index, &value)) = scores.iter().enumerate().find(|(_, s)| !s.is_finite()) {
            return Err(ErrorDetail::NonFinite {
                what: "scores",
                index,
                value,
            }
            .into());
        }
        if self.observed.len() != k
            || self.expected.len() != k
            || self.variance.len() != k.saturating_mul(k)
        {
            return Err(ErrorDetail::Incompatible {
                what: "log-rank result contents",
                detail: "observed, expected and variance must have k, k and k² entries",
            }
            .into());
        }
        let scores = standardize_scores(scores)?;
        let u: f64 = scores
            .iter()
            .zip(self.observed.iter().zip(&self.expected))
            .map(|(s, (o, e))| s * (o - e))
            .sum();
        let mut var = 0.0;
        for (si, row) in scores.iter().zip(self.variance.chunks_exact(k.max(1))) {
            for (sj, v) in scores.iter().zip(row) {
                var += si * sj * v;
            }
        }
        // The scores differ, so Var U = 0 means no information: no events,
        // or only in groups whose scores the data cannot contrast.
        if var.is_nan() || var <= 0.0 {
            return Err(ErrorDetail::Undefined {
                what: "log-rank trend test",
                detail: "the variance of the score statistic is 0 (no events in groups of \
                         different scores while both are at risk)",
            }
            .into());
        }
        let z = u / var.sqrt();
        let chisq = u * u / var;
        Ok(TrendTest {
            score: u,
            variance: var,
            z,
            chisq,
            p_value: chisq_sf(chisq, 1.0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // R 4.2.2: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
    //          p.adjust(c(0.01, 0.04, 0.03, 0.005), "BH")   = 0.02 0.04 0.04 0.02
    #[test]
    fn p_adjust_matches_r() {
        let p = [0.01, 0.04, 0.03, 0.005];
        let h = holm(&p);
        let b = benjamini_hochberg(&p);
        for (a, e) in h.iter().zip([0.03, 0.06, 0.06, 0.02]) {
            assert!((a - e).abs() < 1e-15 * e, "{a} {e}");
        }
        for (a, e) in b.iter().zip([0.02, 0.04, 0.04, 0.02]) {
            assert!((a - e).abs() < 1e-15 * e, "{a} {e}");
        }
        assert_eq!(bonferroni(&p), vec![0.04, 0.16, 0.12, 0.02]);
    }

    fn small_table() -> EventTable {
        // 6 distinct times, 3 groups.
        let data = SurvivalData::builder(
            vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
            vec![true, true, false, true, true, true],
        )
        .groups(&[0, 1, 2, 0, 1, 2])
        .build()
        .expect("data");
        EventTable::from_data(&data).expect("table")
    }

    #[test]
    fn budget_counts_rows_times_groups_squared() {
        let table = small_table();
        // One 3-group test: 6 rows × 3² = 54 operations.
        assert!(check_budget_within(&table, 3, 1, 54).is_ok());
        assert!(matches!(
            check_budget_within(&table, 3, 1, 53)
                .as_ref()
                .map_err(crate::Error::detail),
            Err(ErrorDetail::BudgetExceeded {
                what: "log-rank variance accumulation",
                limit: 53,
                unit: "row-group² operations",
                progress: None,
            })
        ));
        // Pairwise: 3 pairs × 6 rows × 2² = 72.
        assert!(check_budget_within(&table, 2, 3, 72).is_ok());
        assert!(check_budget_within(&table, 2, 3, 71).is_err());
        // Saturating, never overflowing.
        assert!(check_budget_within(&table, usize::MAX, u64::MAX, u64::MAX - 1).is_err());
    }

    /// A result with inconsistent contents (as a deserialised value may
    /// hold) gives errors, never an index panic.
    #[test]
    fn inconsistent_result_contents_are_errors() {
        let res = LogRankResult {
            group_names: vec!["a".into(), "b".into()],
            n: vec![1.0],
            observed: vec![1.0, 2.0],
            expected: vec![1.5, 1.5],
            variance: vec![],
            chisq: 0.0,
            df: 1,
            p_value: 1.0,
            weights: LogRankWeights::LogRank,
            n_strata: 1,
        };
        for est in [
            HazardRatioEstimator::Peto,
            HazardRatioEstimator::ObservedOverExpected,
        ] {
            assert!(matches!(
                res.hazard_ratio(est, ConfidenceLevel::NINETY_FIVE)
                    .as_ref()
                    .map_err(crate::Error::detail),
                Err(ErrorDetail::Incompatible { .. })
            ));
        }
        assert!(matches!(
            res.trend(&[0.0, 1.0])
                .as_ref()
                .map_err(crate::Error::detail),
            Err(ErrorDetail::Incompatible { .. })
        ));
        assert_eq!(res.variance(1, 1), None);
        assert_eq!(res.z(), None);
        let _ = res.z_p_value(Alternative::Less);
    }

    #[test]
    fn generalized_inverse_handles_singular() {
        // V = [[1, 1], [1, 1]] has rank 1; u = (1, 1): uᵀ V⁺ u = 2 / 2 = 1... via LDL: d1 = 1, l21 = 1, d2 = 0.
        let (q, df) = quadratic_form(&[1.0, 1.0, 1.0, 1.0], &[1.0, 1.0]);
        assert_eq!(df, 1);
        assert!((q - 1.0).abs() < 1e-15);
    }
}
