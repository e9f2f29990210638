//! Individual patient data reconstructed from a digitised Kaplan-Meier
//! figure, by the algorithm of Guyot, Ades, Ouwens & Welton (2012).

mod clean;
mod csv;
mod guyot;

use crate::builder::setters;
use crate::ErrorDetail;
use std::fmt;
use std::ops::Range;

use crate::data::SurvivalData;
use crate::error::{within_budget, Result};
use crate::kaplan_meier::KaplanMeier;

pub use self::csv::{read_at_risk_csv, read_webplotdigitizer_csv, DigitisedArm};
pub use self::guyot::EXACT_RATIO_TOLERANCE;

/// Largest arm reconstructed: 10⁷ patients (the rows take 16 bytes each,
/// and each adjustment pass costs O(clicks · log patients)).
pub const MAX_PATIENTS: u64 = 10_000_000;

/// Default cap on the paper's adjustment passes per interval
/// ([`Reconstruct::max_adjustments`]).
pub const DEFAULT_MAX_ADJUSTMENTS: u32 = 100;

/// Default budget of the exact-click step, in cells of its dynamic
/// programme ([`Reconstruct::exact_budget`]): about 0.1 s.
pub const DEFAULT_EXACT_BUDGET: u64 = 100_000_000;

/// The plain statement of what a reconstruction recovers and what it
/// cannot, printed by [`Reconstruction`]'s `Display`.
pub const WHAT_IS_RECOVERED: &str = "\
Recovered: the curve at the clicks, the numbers at risk at the published times, and
  the events and censorings per interval of the at-risk table (exactly when the clicks
  are the curve's exact corners; otherwise as the paper's estimates).
Not recovered: the censoring times within an interval (spread evenly), event times
  finer than the clicks, which patient is which (no covariates, no strata), and
  anything after the last click. Log-rank tests and hazard ratios from reconstructed
  arms are approximations; their precision follows the figure's.";

/// The scale of the digitised survival axis.
///
/// # Conventions
/// Proportions (0 to 1) are R's `plot.survfit` axis; many journals print
/// percent (0 to 100).
///
/// # Example
/// ```
/// use survkit::{Reconstruct, SurvivalScale};
/// let r = Reconstruct::new().scale(SurvivalScale::Percent);
/// assert_eq!(r.survival_scale(), SurvivalScale::Percent);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SurvivalScale {
    /// Survival read as a proportion in `[0, 1]` (the default).
    #[default]
    Proportion,
    /// Survival read as a percentage in `[0, 100]`.
    Percent,
}

/// A published numbers-at-risk table of one arm: times (increasing, the
/// first 0) and the number of patients still at risk at each.
///
/// # Method
/// The count at time `t` is the number of patients whose follow-up time is
/// at least `t` (R's `summary(fit, times = t)$n.risk`); the table cuts the
/// time axis into the intervals `[t_i, t_{i+1})` over which the
/// reconstruction is solved, the last one open.
///
/// # Conventions
/// As printed under a figure by R's `survminer::ggsurvplot(risk.table =
/// TRUE)` or SAS `PROC LIFETEST` `ATRISK`.
///
/// # Errors
/// [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) for no times, [`ErrorDetail::LengthMismatch`](crate::ErrorDetail::LengthMismatch) when there
/// is not one count per time, [`ErrorDetail::NonFinite`](crate::ErrorDetail::NonFinite) for a NaN or infinite
/// time, [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) when the first time is not 0, the
/// times do not increase strictly, the first count is 0 or a count exceeds
/// 2⁵³, [`ErrorDetail::AtRiskIncreases`](crate::ErrorDetail::AtRiskIncreases) when a count is larger than the one
/// before it.
///
/// # Example
/// ```
/// use survkit::{AtRiskTable, ErrorDetail};
/// let table = AtRiskTable::new(vec![0.0, 250.0, 500.0], vec![138, 62, 20])?;
/// assert_eq!(table.count(), [138, 62, 20]);
/// let rising = AtRiskTable::new(vec![0.0, 250.0], vec![138, 140]).unwrap_err();
/// assert_eq!(rising, ErrorDetail::AtRiskIncreases { index: 1, previous: 138, count: 140 }.into());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Guyot, P., Ades, A. E., Ouwens, M. J. N. M. & Welton, N. J. (2012).
/// Enhanced secondary analysis of survival data: reconstructing the data
/// from published Kaplan-Meier survival curves. *BMC Medical Research
/// Methodology* 12, 9. doi:10.1186/1471-2288-12-9
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct AtRiskTable {
    time: Vec<f64>,
    count: Vec<u64>,
}

/// Largest count accepted: counts are used as exact f64.
const MAX_COUNT: u64 = 1 << 53;

impl AtRiskTable {
    /// Validates a numbers-at-risk table (see the type's docs).
    ///
    /// # Errors
    /// As listed on [`AtRiskTable`].
    pub fn new(time: impl Into<Vec<f64>>, count: impl Into<Vec<u64>>) -> Result<Self> {
        let (time, count) = (time.into(), count.into());
        if time.is_empty() {
            return Err(ErrorDetail::EmptyInput {
                what: "at-risk times",
            }
            .into());
        }
        if count.len() != time.len() {
            return Err(ErrorDetail::LengthMismatch {
                what: "at-risk counts",
                expected: time.len(),
                actual: count.len(),
            }
            .into());
        }
        for (index, &t) in time.iter().enumerate() {
            clean::check_finite("at-risk times", index, t)?;
        }
        if time[0] != 0.0 {
            return Err(ErrorDetail::InvalidParameter {
                what: "first at-risk time",
                constraint: "0 (the table starts with the number of patients in the arm)",
                value: time[0],
            }
            .into());
        }
        if let Some(w) = time.windows(2).find(|w| w[1] <= w[0]) {
            return Err(ErrorDetail::InvalidParameter {
                what: "at-risk times",
                constraint: "strictly increasing",
                value: w[1],
            }
            .into());
        }
        if count[0] == 0 {
            return Err(ErrorDetail::InvalidParameter {
                what: "number at risk at time 0",
                constraint: "positive",
                value: 0.0,
            }
            .into());
        }
        if let Some(&c) = count.iter().find(|&&c| c > MAX_COUNT) {
            return Err(ErrorDetail::InvalidParameter {
                what: "at-risk counts",
                constraint: "at most 2^53",
                value: c as f64,
            }
            .into());
        }
        for (index, w) in count.windows(2).enumerate() {
            if w[1] > w[0] {
                return Err(ErrorDetail::AtRiskIncreases {
                    index: index + 1,
                    previous: w[0],
                    count: w[1],
                }
                .into());
            }
        }
        Ok(AtRiskTable { time, count })
    }

    /// The times of the table.
    pub fn time(&self) -> &[f64] {
        &self.time
    }

    /// The numbers at risk.
    pub fn count(&self) -> &[u64] {
        &self.count
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// Always false: a validated table has a row at time 0.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }
}

/// Reconstruction of one arm's individual data from its digitised
/// Kaplan-Meier curve and its published numbers at risk, by the algorithm
/// of Guyot et al. (2012).
///
/// # Method
/// The clicks are cleaned (see [`CleaningReport`]): sorted, clamped to the
/// axis, started at (0, 1) and made non-increasing. Each click is assigned
/// to the interval `[t_i, t_{i+1})` of the at-risk table that holds it (the
/// index table, built here). Then, interval by interval, with `n_i` the
/// published count at `t_i`, `Ŝ` the reconstructed Kaplan-Meier value so
/// far and `S_k` the clicks:
///
/// ```text
/// 1. nc  = round(n_i · S(end of interval)/S(start) − n_{i+1})     censorings, first guess
/// 2. censoring times t_i + j (t_{i+1} − t_i)/(nc + 1),  j = 1..nc
/// 3. at each click k:  n̂_k = n_i − events before − censorings before t_k
///                      d_k = round(n̂_k (1 − S_k / Ŝ)),  clamped to [0, n̂_k];  Ŝ ← Ŝ (1 − d_k/n̂_k)
/// 4. n̂ at t_{i+1} ≠ n_{i+1}:  nc ← nc + (n̂ − n_{i+1}), back to 2
/// 5. last interval: nc such that the events add up to the published total;
///    without a total, the censoring rate per unit time of the earlier
///    intervals, carried on to the last click; patients left are censored
///    at the last click
/// ```
///
/// Step 4 is bounded: at most [`max_adjustments`](Self::max_adjustments)
/// passes, and when the update stalls or cycles (rounding can make it jump
/// over the published count) a bisection over `nc` (at most 64 passes)
/// takes the closest; a remaining miss is closed by censoring after the
/// last click (too few exits) or by removing the latest censorings, then
/// events (too many), and reported as [`RiskInterval::forced`].
///
/// survkit adds one step (its *exact-click step*): when every drop of the
/// clicks in an interval is a fraction `(M − d)/M` of whole numbers (to
/// [`EXACT_RATIO_TOLERANCE`]), as the corners of a curve printed with full
/// precision are, the numbers at risk at the drops are read off the curve
/// and the censorings are placed between the drops so that the published
/// counts are met; among the sequences that fit, a dynamic programme picks
/// the one closest to the paper's `n̂`. The reconstructed curve then
/// passes through every click exactly. Its cost is at most
/// [`exact_budget`](Self::exact_budget) cells.
///
/// # Conventions
/// Written from the paper, not from the GPL R packages (IPDfromKM,
/// reconstructKM, survHE's `digitise`). Differences, all documented in
/// `docs/methods/reconstruct.md`: censorings are spread over the table's
/// interval `[t_i, t_{i+1})` (as we read the paper, it spreads them
/// between the first clicks of consecutive intervals), so the reconstructed count at `t_{i+1}`
/// is the published one by the published definition; negative event
/// counts are impossible (clamped at 0); the loop is bounded; the
/// exact-click step. The cost is one pass over the clicks per adjustment.
///
/// # Errors
/// [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) for no clicks, [`ErrorDetail::NonFinite`](crate::ErrorDetail::NonFinite) for a NaN or
/// infinite click, [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for a survival more than 5
/// points outside the axis (a percentage read as a proportion),
/// [`ErrorDetail::BudgetExceeded`](crate::ErrorDetail::BudgetExceeded) for more than [`MAX_PATIENTS`] at time 0,
/// [`ErrorDetail::ClickOutsideAtRiskTable`](crate::ErrorDetail::ClickOutsideAtRiskTable) for a drop of the curve after the
/// table has nobody at risk, [`ErrorDetail::TotalEventsContradictCurve`](crate::ErrorDetail::TotalEventsContradictCurve) for a
/// total number of events that the curve and the table cannot produce.
///
/// # Example
/// ```
/// use survkit::{AtRiskTable, KaplanMeier, Reconstruct};
/// // Ten patients: deaths at 1, 2 and 4, one censored at 3, one at 5, five at 6.
/// let s4 = 0.8 * 6.0 / 7.0;
/// let clicks = [(0.0, 1.0), (1.0, 1.0), (1.0, 0.9), (2.0, 0.9), (2.0, 0.8),
///               (4.0, 0.8), (4.0, s4), (6.0, s4)];
/// let at_risk = AtRiskTable::new(vec![0.0, 3.0], vec![10, 8])?;
/// let rec = Reconstruct::new().total_events(3).fit(&clicks, &at_risk)?;
/// assert_eq!((rec.n(), rec.n_events()), (10, 3));
/// assert!(rec.max_abs_difference() < 1e-12);
/// let fit = KaplanMeier::new().fit(&rec.data()?)?;
/// assert_eq!(fit.curves()[0].median().estimate(), None); // never reaches 0.5
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Guyot, P., Ades, A. E., Ouwens, M. J. N. M. & Welton, N. J. (2012).
/// Enhanced secondary analysis of survival data: reconstructing the data
/// from published Kaplan-Meier survival curves. *BMC Medical Research
/// Methodology* 12, 9. doi:10.1186/1471-2288-12-9
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct Reconstruct {
    scale: SurvivalScale,
    total_events: Option<u64>,
    max_adjustments: u32,
    exact_budget: u64,
}

impl Default for Reconstruct {
    fn default() -> Self {
        Reconstruct {
            scale: SurvivalScale::Proportion,
            total_events: None,
            max_adjustments: DEFAULT_MAX_ADJUSTMENTS,
            exact_budget: DEFAULT_EXACT_BUDGET,
        }
    }
}

impl Reconstruct {
    /// Proportion scale, no total, the default budgets.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// The scale of the clicks' survival values (default proportion).
        pub fn scale(mut self, scale: SurvivalScale) -> Self { self.scale }
    }

    /// The scale set with [`scale`](Self::scale).
    pub fn survival_scale(&self) -> SurvivalScale {
        self.scale
    }

    setters! {
        /// The published total number of events of the arm, which fixes the
        /// censorings of the last interval (the paper's step 5).
        pub fn total_events(mut self, total: u64) -> Self { self.total_events }

        /// Cap on the paper's adjustment passes per interval (default
        /// [`DEFAULT_MAX_ADJUSTMENTS`]); each pass costs one sweep over the
        /// interval's clicks and censorings. After the cap (or a cycle) a
        /// bisection of at most 64 passes finishes the interval.
        pub fn max_adjustments(mut self, max: u32) -> Self { self.max_adjustments }

        /// Budget of the exact-click step over the whole arm, in cells of its
        /// dynamic programme (one cell ≈ 1 ns; default [`DEFAULT_EXACT_BUDGET`]).
        /// An interval past the budget keeps the paper's solution and says so
        /// ([`IntervalMethod::GuyotExactSkipped`]); 0 turns the step off.
        pub fn exact_budget(mut self, cells: u64) -> Self { self.exact_budget }
    }

    /// Reconstructs one arm from its clicks `(time, survival)`, in any order,
    /// and its numbers-at-risk table.
    ///
    /// # Errors
    /// As listed on [`Reconstruct`].
    pub fn fit(&self, clicks: &[(f64, f64)], at_risk: &AtRiskTable) -> Result<Reconstruction> {
        let what = "reconstruction (patients at time 0)";
        within_budget(what, at_risk.count[0], MAX_PATIENTS, "patients")?;
        let (cleaned, cleaning) = clean::clean(clicks, self.scale)?;
        let ranges = clean::index_table(&cleaned, at_risk);
        let settings = guyot::Settings {
            total_events: self.total_events,
            max_adjustments: self.max_adjustments,
            exact_budget: self.exact_budget,
        };
        let out = guyot::reconstruct(&cleaned, at_risk, &ranges, settings)?;
        let mut rows: Vec<(f64, bool)> = out.time.into_iter().zip(out.event).collect();
        rows.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        let (time, event): (Vec<f64>, Vec<bool>) = rows.into_iter().unzip();
        let at_risk_reconstructed = at_risk
            .time()
            .iter()
            .map(|&t| (time.len() - time.partition_point(|&x| x < t)) as u64)
            .collect();
        let mut rec = Reconstruction {
            time,
            event,
            clicks: cleaned.iter().map(|c| (c.time, c.survival)).collect(),
            cleaning,
            intervals: out.intervals,
            at_risk: at_risk.clone(),
            at_risk_reconstructed,
            total_events: self.total_events,
            max_abs_difference: 0.0,
            rms_difference: 0.0,
        };
        rec.compare_with_clicks()?;
        Ok(rec)
    }
}

/// What the cleaning of the clicks did (part of a [`Reconstruction`]).
///
/// # Method
/// In order: percentages divided by 100; survival values within 5 points
/// of the axis clamped to `[0, 1]` (further out is an error); negative
/// times set to 0; clicks sorted by time and, at equal times, by
/// decreasing survival (the two corners of a drop); the origin (0, 1)
/// added unless clicked; each survival lowered to the running minimum
/// (a click above an earlier one is hand noise: the curve cannot rise).
/// Duplicated times are kept: two clicks at one time are a drop.
///
/// # Conventions
/// The paper asks for a non-increasing curve and leaves the cleaning to
/// the user; the R implementations fail on rising or out-of-range clicks.
/// The running minimum is the usual rule; it lowers a noisy curve by at
/// most the noise.
///
/// # Errors
/// None (the errors of cleaning come from [`Reconstruct::fit`]).
///
/// # Example
/// ```
/// use survkit::{AtRiskTable, Reconstruct};
/// let table = AtRiskTable::new(vec![0.0], vec![10])?;
/// let rec = Reconstruct::new().fit(&[(5.0, 0.8), (2.0, 1.01), (3.0, 0.9), (4.0, 0.92)], &table)?;
/// let c = rec.cleaning();
/// assert_eq!((c.n_input(), c.survival_clamped(), c.lowered()), (4, 1, 1));
/// assert!(c.origin_added());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Guyot, P. et al. (2012). *BMC Med. Res. Methodol.* 12, 9.
/// doi:10.1186/1471-2288-12-9
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CleaningReport {
    n_input: usize,
    scale: SurvivalScale,
    survival_clamped: usize,
    largest_clamp: f64,
    time_clamped: usize,
    largest_clamp_time: f64,
    origin_added: bool,
    lowered: usize,
    largest_lowering: f64,
    duplicated_times: usize,
}

impl CleaningReport {
    /// Number of clicks given.
    pub fn n_input(&self) -> usize {
        self.n_input
    }
    /// The scale they were read on.
    pub fn scale(&self) -> SurvivalScale {
        self.scale
    }
    /// Clicks whose survival was clamped to `[0, 1]`.
    pub fn survival_clamped(&self) -> usize {
        self.survival_clamped
    }
    /// The largest clamp of a survival value (proportion scale).
    pub fn largest_clamp(&self) -> f64 {
        self.largest_clamp
    }
    /// Clicks whose negative time was set to 0.
    pub fn time_clamped(&self) -> usize {
        self.time_clamped
    }
    /// Whether the origin (0, 1) was added.
    pub fn origin_added(&self) -> bool {
        self.origin_added
    }
    /// Clicks lowered to keep the curve non-increasing.
    pub fn lowered(&self) -> usize {
        self.lowered
    }
    /// The largest lowering (proportion scale).
    pub fn largest_lowering(&self) -> f64 {
        self.largest_lowering
    }
    /// Pairs of consecutive cleaned clicks at the same time.
    pub fn duplicated_times(&self) -> usize {
        self.duplicated_times
    }
}

/// How an interval of the at-risk table was solved.
///
/// # Method
/// See [`Reconstruct`]: the paper's steps, then survkit's exact-click step
/// when every drop is an exact fraction.
///
/// # Conventions
/// `Guyot` is what the R implementations compute (up to the differences
/// listed on [`Reconstruct`]).
///
/// # Errors
/// None.
///
/// # Example
/// ```
/// use survkit::{AtRiskTable, IntervalMethod, Reconstruct};
/// let table = AtRiskTable::new(vec![0.0], vec![4])?;
/// let rec = Reconstruct::new().fit(&[(0.0, 1.0), (3.0, 1.0), (3.0, 0.75)], &table)?;
/// assert_eq!(rec.intervals()[0].method(), IntervalMethod::ExactClicks);
/// let noisy = Reconstruct::new().fit(&[(0.0, 1.0), (3.0, 1.0), (3.0, 0.7512)], &table)?;
/// assert_eq!(noisy.intervals()[0].method(), IntervalMethod::Guyot);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Guyot, P. et al. (2012). *BMC Med. Res. Methodol.* 12, 9.
/// doi:10.1186/1471-2288-12-9
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum IntervalMethod {
    /// The paper's algorithm (the clicks are not exact fractions).
    Guyot,
    /// survkit's exact-click step: the curve passes through every click.
    ExactClicks,
    /// The paper's algorithm; the exact-click step was over its budget.
    GuyotExactSkipped,
    /// No click in the interval drops: no events, every exit a censoring
    /// (spread evenly; in the last interval over the flat tail, the last
    /// at the last click).
    NoDrops,
}

/// One interval `[start, end)` of the at-risk table as reconstructed (an
/// entry of the index table, with its result).
///
/// # Method
/// The clicks with `start ≤ time < end` (the last interval open), the
/// published count at `start`, and what the algorithm made of them.
///
/// # Conventions
/// The paper's index table (`lower`, `upper` click indices per interval),
/// built for the user, as a half-open range.
///
/// # Errors
/// None.
///
/// # Example
/// ```
/// use survkit::{AtRiskTable, Reconstruct};
/// let table = AtRiskTable::new(vec![0.0, 5.0], vec![4, 3])?;
/// let rec = Reconstruct::new().fit(&[(0.0, 1.0), (3.0, 1.0), (3.0, 0.75), (8.0, 0.75)], &table)?;
/// let first = &rec.intervals()[0];
/// assert_eq!((first.clicks(), first.events(), first.censored()), (0..3, 1, 0));
/// assert_eq!(rec.intervals()[1].end(), None);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Guyot, P. et al. (2012). *BMC Med. Res. Methodol.* 12, 9.
/// doi:10.1186/1471-2288-12-9
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RiskInterval {
    pub(crate) start: f64,
    pub(crate) end: Option<f64>,
    pub(crate) clicks: Range<usize>,
    pub(crate) at_risk: u64,
    pub(crate) events: u64,
    pub(crate) censored: u64,
    pub(crate) adjustments: u32,
    pub(crate) searched: bool,
    pub(crate) forced: i64,
    pub(crate) method: IntervalMethod,
}

impl RiskInterval {
    /// Start time (a time of the table).
    pub fn start(&self) -> f64 {
        self.start
    }
    /// End time (the next time of the table); `None` for the last interval.
    pub fn end(&self) -> Option<f64> {
        self.end
    }
    /// Indices of its clicks in [`Reconstruction::clicks`] (the index table).
    pub fn clicks(&self) -> Range<usize> {
        self.clicks.clone()
    }
    /// The published number at risk at its start.
    pub fn at_risk(&self) -> u64 {
        self.at_risk
    }
    /// Reconstructed events in the interval.
    pub fn events(&self) -> u64 {
        self.events
    }
    /// Reconstructed censorings in the interval.
    pub fn censored(&self) -> u64 {
        self.censored
    }
    /// The paper's adjustment passes used (step 4 or 5).
    pub fn adjustments(&self) -> u32 {
        self.adjustments
    }
    /// Whether the adjustment stalled or cycled and the bisection finished it.
    pub fn searched(&self) -> bool {
        self.searched
    }
    /// Exits forced to meet the next published count after the paper's
    /// steps: positive = censorings added after the last click, negative =
    /// censorings or events removed (the curve falls further than the
    /// counts allow). 0 when the algorithm met the count.
    pub fn forced(&self) -> i64 {
        self.forced
    }
    /// How the interval was solved.
    pub fn method(&self) -> IntervalMethod {
        self.method
    }
}

/// One arm's reconstructed individual data with its diagnostics: the
/// output of [`Reconstruct::fit`].
///
/// # Method
/// The distance of a click `(t, s)` to the reconstructed curve is its
/// vertical distance to the drawn step function, vertical segments
/// included: 0 when `s` lies between `Ŝ(t)` and `Ŝ(t−)`, else the distance
/// to the nearer of the two. [`max_abs_difference`](Self::max_abs_difference)
/// and [`rms_difference`](Self::rms_difference) summarise it over the
/// cleaned clicks.
///
/// # Conventions
/// `Display` prints a summary, the cleaning, the index table with the
/// published and reconstructed numbers at risk, and [`WHAT_IS_RECOVERED`]
/// (R's implementations print nothing comparable).
///
/// # Errors
/// [`data`](Self::data) re-validates the rows (it cannot fail on a
/// reconstruction).
///
/// # Example
/// See [`Reconstruct`].
///
/// # References
/// Guyot, P. et al. (2012). *BMC Med. Res. Methodol.* 12, 9.
/// doi:10.1186/1471-2288-12-9
#[derive(Debug, Clone, PartialEq)]
#[must_use]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Reconstruction {
    time: Vec<f64>,
    event: Vec<bool>,
    clicks: Vec<(f64, f64)>,
    cleaning: CleaningReport,
    intervals: Vec<RiskInterval>,
    at_risk: AtRiskTable,
    at_risk_reconstructed: Vec<u64>,
    total_events: Option<u64>,
    max_abs_difference: f64,
    rms_difference: f64,
}

impl Reconstruction {
    /// Follow-up times of the reconstructed patients, sorted.
    pub fn time(&self) -> &[f64] {
        &self.time
    }

    /// Event indicators (false = censored), one per patient.
    pub fn event(&self) -> &[bool] {
        &self.event
    }

    /// Number of patients.
    pub fn n(&self) -> usize {
        self.time.len()
    }

    /// Number of events.
    pub fn n_events(&self) -> u64 {
        self.event.iter().filter(|&&e| e).count() as u64
    }

    /// The published total number of events, when it was given.
    pub fn total_events(&self) -> Option<u64> {
        self.total_events
    }

    /// The data as [`SurvivalData`] (one group), ready for every survkit
    /// procedure.
    ///
    /// # Errors
    /// None in practice (the rows are validated once more).
    pub fn data(&self) -> Result<SurvivalData> {
        SurvivalData::new(self.time.clone(), self.event.clone())
    }

    /// The cleaned clicks `(time, survival)`, in the order of the index table.
    pub fn clicks(&self) -> &[(f64, f64)] {
        &self.clicks
    }

    /// What the cleaning did.
    pub fn cleaning(&self) -> &CleaningReport {
        &self.cleaning
    }

    /// The index table with the result of each interval.
    pub fn intervals(&self) -> &[RiskInterval] {
        &self.intervals
    }

    /// The published numbers-at-risk table.
    pub fn at_risk(&self) -> &AtRiskTable {
        &self.at_risk
    }

    /// The reconstructed numbers at risk at the published times.
    pub fn at_risk_reconstructed(&self) -> &[u64] {
        &self.at_risk_reconstructed
    }

    /// Largest absolute distance of a cleaned click to the reconstructed curve.
    pub fn max_abs_difference(&self) -> f64 {
        self.max_abs_difference
    }

    /// Root mean square of the distances of the cleaned clicks to the
    /// reconstructed curve.
    pub fn rms_difference(&self) -> f64 {
        self.rms_difference
    }

    fn compare_with_clicks(&mut self) -> Result<()> {
        let data = self.data()?;
        let fit = KaplanMeier::new().fit(&data)?;
        let curve = &fit.curves()[0];
        let (times, surv) = (curve.time(), curve.survival());
        let (mut max, mut sum) = (0.0_f64, 0.0_f64);
        for &(t, s) in &self.clicks {
            let after = times.partition_point(|&x| x <= t);
            let before = times.partition_point(|&x| x < t);
            let at = if after == 0 { 1.0 } else { surv[after - 1] };
            let left = if before == 0 { 1.0 } else { surv[before - 1] };
            let dist = if s <= left && s >= at {
                0.0
            } else {
                (s - at).abs().min((s - left).abs())
            };
            max = max.max(dist);
            sum += dist * dist;
        }
        self.max_abs_difference = max;
        self.rms_difference = (sum / self.clicks.len() as f64).sqrt();
        Ok(())
    }
}

/// Combines reconstructed arms into one [`SurvivalData`] with one group per
/// arm, in the order given (the first is the reference of hazard ratios).
///
/// # Method
/// The arms' rows are concatenated and labelled; nothing is re-estimated.
///
/// # Conventions
/// The same as `rbind` of the arms' data frames in R followed by
/// `factor(arm, levels = names)`.
///
/// # Errors
/// [`ErrorDetail::TooFewGroups`](crate::ErrorDetail::TooFewGroups) for no arm, [`ErrorDetail::DuplicateLevel`](crate::ErrorDetail::DuplicateLevel) for a name
/// given twice.
///
/// # Example
/// ```
/// use survkit::{combine_arms, log_rank, AtRiskTable, Reconstruct};
/// let a = Reconstruct::new().fit(&[(0.0, 1.0), (5.0, 0.5)], &AtRiskTable::new(vec![0.0], vec![4])?)?;
/// let b = Reconstruct::new().fit(&[(0.0, 1.0), (5.0, 0.75)], &AtRiskTable::new(vec![0.0], vec![4])?)?;
/// let data = combine_arms(&[("A", &a), ("B", &b)])?;
/// assert_eq!(data.group_names(), ["A", "B"]);
/// assert_eq!(log_rank(&data)?.df(), 1);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Guyot, P. et al. (2012). *BMC Med. Res. Methodol.* 12, 9.
/// doi:10.1186/1471-2288-12-9
pub fn combine_arms(arms: &[(&str, &Reconstruction)]) -> Result<SurvivalData> {
    if arms.is_empty() {
        return Err(ErrorDetail::TooFewGroups {
            what: "combine_arms",
            required: 1,
            found: 0,
        }
        .into());
    }
    let (mut time, mut event, mut group) = (Vec::new(), Vec::new(), Vec::new());
    for (name, rec) in arms {
        time.extend_from_slice(&rec.time);
        event.extend_from_slice(&rec.event);
        group.extend(std::iter::repeat_n(name.to_string(), rec.time.len()));
    }
    let levels: Vec<String> = arms.iter().map(|(n, _)| n.to_string()).collect();
    SurvivalData::builder(time, event)
        .group_levels(&group, &levels)
        .build()
}

impl fmt::Display for Reconstruction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.n();
        let e = self.n_events();
        writeln!(
            f,
            "Reconstructed individual data (Guyot et al. 2012)\n  patients {n}, events {e}, censored {}",
            n as u64 - e
        )?;
        if let Some(total) = self.total_events {
            writeln!(f, "  published total events {total}")?;
        }
        let c = &self.cleaning;
        let mut notes = Vec::new();
        if c.scale == SurvivalScale::Percent {
            notes.push("read as percent".to_string());
        }
        if c.origin_added {
            notes.push("origin (0, 1) added".to_string());
        }
        if c.lowered > 0 {
            notes.push(format!(
                "{} lowered to keep the curve non-increasing (largest {:.4})",
                c.lowered, c.largest_lowering
            ));
        }
        if c.survival_clamped > 0 {
            notes.push(format!(
                "{} clamped to [0, 1] (largest {:.4})",
                c.survival_clamped, c.largest_clamp
            ));
        }
        if c.time_clamped > 0 {
            notes.push(format!("{} negative times set to 0", c.time_clamped));
        }
        if notes.is_empty() {
            notes.push("nothing to change".to_string());
        }
        writeln!(f, "  clicks {} (cleaning: {})", c.n_input, notes.join("; "))?;
        writeln!(
            f,
            "  curve vs clicks: max |diff| {:.5}, RMS {:.5}",
            self.max_abs_difference, self.rms_difference
        )?;
        writeln!(f)?;
        writeln!(
            f,
            "{:>10} {:>10} {:>10} {:>7} {:>7} {:>8} {:>6}  method",
            "time", "published", "rebuilt", "clicks", "events", "censored", "forced"
        )?;
        for (i, iv) in self.intervals.iter().enumerate() {
            let method = match iv.method {
                IntervalMethod::Guyot => "Guyot",
                IntervalMethod::ExactClicks => "exact clicks",
                IntervalMethod::GuyotExactSkipped => "Guyot (exact step over budget)",
                IntervalMethod::NoDrops => "no drop",
            };
            writeln!(
                f,
                "{:>10} {:>10} {:>10} {:>7} {:>7} {:>8} {:>6}  {method}",
                format_time(iv.start),
                iv.at_risk,
                self.at_risk_reconstructed.get(i).copied().unwrap_or(0),
                iv.clicks.len(),
                iv.events,
                iv.censored,
                iv.forced
            )?;
        }
        writeln!(f)?;
        write!(f, "{WHAT_IS_RECOVERED}")
    }
}

fn format_time(t: f64) -> String {
    if t.fract() == 0.0 && t.abs() < 1e15 {
        format!("{t:.0}")
    } else {
        format!("{t:.4}")
    }
}
