//! Kaplan-Meier estimation of the survival function, as R's `survfit` does it.
//!
//! - [`KaplanMeier`] (here): the builder and the estimator's documentation;
//! - `fit`: the three routes to the curves (one curve from the packed-key
//!   sweep, several curves from the shared sweep, anything else from the
//!   [`EventTable`]);
//! - `curve`: [`KaplanMeierFit`], [`SurvivalCurve`] and what is read off a
//!   curve (standard errors, bounds, survival at times, restricted mean);
//! - `confint`: R's `survfit_confint`, the pointwise bounds of one row;
//! - `quantile`: R's `findq` rule and [`Quantile`].

mod confint;
mod curve;
mod fit;
mod quantile;
mod rows;
mod sketch;

pub(crate) use confint::ci_bounds;
pub use curve::{KaplanMeierFit, RestrictedMean, SurvivalAtTime, SurvivalCurve};
pub use quantile::{Quantile, QUANTILE_TOLERANCE};
pub use rows::CurveRow;

use crate::builder::{renamed, setters};
use crate::data::SurvivalData;
use crate::error::Result;
use crate::event_table::{EventTable, TimeFix};
use crate::interval::{CiTransform, ConfidenceLevel};

/// Kaplan-Meier estimator of the survival function `S(t) = P(T > t)`, one
/// curve per group (and stratum), with Greenwood standard errors, pointwise
/// confidence intervals, quantiles, survival at given times, the restricted
/// mean and the Nelson-Aalen cumulative hazard.
///
/// # Method
/// At each distinct exit time `tᵢ` of a curve, with `nᵢ` at risk just before
/// `tᵢ` (subjects with `entry < tᵢ ≤ exit`), `dᵢ` events and `cᵢ` censored
/// (sums of case weights when weights are given):
///
/// ```text
/// S(t)        = Π_{tᵢ ≤ t} (1 − dᵢ / nᵢ)                      Kaplan & Meier (1958)
/// σ²(t)       = Σ_{tᵢ ≤ t} dᵢ / (nᵢ (nᵢ − dᵢ))                Greenwood (1926), Var(−log S)
/// se_log(t)   = σ(t)                                           R's fit$std.err
/// se_surv(t)  = S(t) σ(t)                                      R's summary(fit)$std.err
/// Λ(t)        = Σ_{tᵢ ≤ t} dᵢ / nᵢ                             Nelson (1972), Aalen (1978)
/// se_Λ(t)     = sqrt(Σ_{tᵢ ≤ t} dᵢ / nᵢ²)                      R's fit$std.chaz
/// ```
///
/// When `nᵢ = dᵢ` the curve drops to 0 and σ is `+∞` from there on, as in R.
/// Pointwise intervals use the transforms of [`CiTransform`] with
/// `z = Φ⁻¹(1 − (1 − level)/2)`.
///
/// # Conventions
/// Matches R survival 3.5-3 `survfit(Surv(time, status) ~ group, conf.type
/// = ..., conf.int = ...)` to the last digits: the same rows (every distinct
/// exit time of the curve, events or censorings, as `survfit`; entry times
/// of left-truncated data are not rows), the same near-tie merging
/// (`timefix = TRUE` by default, [`TimeFix::Exact`] for `timefix = FALSE`)
/// and R's `NA` bounds (NaN here) at `S = 0`, `S = 1` and after `n = d`
/// (see [`SurvivalCurve::lower`]). Strata in the data split the curves
/// further, as `survfit(Surv ~ group + stratum)`: one curve per (group,
/// stratum) combination that has rows, group-major, named `"group, stratum"`.
///
/// Case weights are frequency weights: counts become sums of weights and
/// Greenwood's formula is applied to them, which is R's result for integer
/// weights. For fractional weights R switches to a robust (infinitesimal
/// jackknife) variance; survkit does not (the estimate is the same, the
/// standard errors differ).
///
/// # Errors
/// [`KaplanMeier::fit`] returns the errors of
/// [`EventTable::from_data_with`] and [`ErrorDetail::EmptyGroup`](crate::ErrorDetail::EmptyGroup) for a group
/// whose case weights are all zero (unstratified data); [`KaplanMeier::fit_table`] returns
/// [`ErrorDetail::EmptyGroup`](crate::ErrorDetail::EmptyGroup) when an unstratified table has a group without any
/// exit.
///
/// # Example
/// ```
/// use survkit::{datasets::aml, CiTransform, ConfidenceLevel, KaplanMeier, SurvivalData};
/// let data = SurvivalData::builder(&aml::TIME[..], aml::event()).groups(&aml::X).build()?;
/// let fit = KaplanMeier::default()
///     .confidence_level(ConfidenceLevel::new(0.90)?)
///     .transform(CiTransform::LogLog)
///     .fit(&data)?;
/// let maintained = &fit.curves()[0];
/// assert_eq!(maintained.name(), "Maintained");
/// // R: survfit(Surv(time, status) ~ x, aml)$surv[1] = 10/11
/// assert!((maintained.survival()[0] - 10.0 / 11.0).abs() < 1e-15);
/// assert_eq!(maintained.median().estimate(), Some(31.0));
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from
///   incomplete observations. *JASA* 53, 457–481. doi:10.1080/01621459.1958.10501452
/// - Greenwood, M. (1926). The natural duration of cancer. *Reports on Public
///   Health and Medical Subjects* 33, 1–26. HMSO, London.
/// - Klein, J. P. & Moeschberger, M. L. (2003). *Survival Analysis: Techniques
///   for Censored and Truncated Data*, 2nd ed. Springer. doi:10.1007/b97377
/// - Therneau, T. M. (2023). *A Package for Survival Analysis in R*, R package
///   survival 3.5-3, <https://CRAN.R-project.org/package=survival>.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct KaplanMeier {
    conf_level: ConfidenceLevel,
    transform: CiTransform,
    time_fix: TimeFix,
}

impl KaplanMeier {
    /// The defaults of R's `survfit`: 95% level, log transform, `timefix = TRUE`.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Level of the pointwise intervals (R's `conf.int`, default 0.95).
        pub fn confidence_level(mut self, level: ConfidenceLevel) -> Self { self.conf_level }

        /// Scale of the pointwise intervals (R's `conf.type`, default log).
        pub fn transform(mut self, transform: CiTransform) -> Self { self.transform }

        /// Near-tie rule used by [`fit`](Self::fit) (R's `timefix`, default
        /// [`TimeFix::Tolerance`]). Ignored by [`fit_table`](Self::fit_table).
        pub fn time_fix(mut self, time_fix: TimeFix) -> Self { self.time_fix }
    }

    renamed! {
        pub fn conf_level(self, level: ConfidenceLevel) -> Self { self.confidence_level(level) }
    }

    /// Fits one curve per group (and stratum) of the data.
    ///
    /// # Method
    /// Unweighted data with one group, no strata and no entry times (the
    /// common single curve) are fitted straight from their sorted exit keys
    /// (the shared packed keys, `tk << 1 | event`, sorted once), without an event
    /// table: one pass counts the distinct times (and sums them for R's
    /// near-tie rule), one pass merges near ties and packs the counts,
    /// writing the row times over the keys already read, one pass
    /// multiplies out `S`. The result is bit for bit the event-table path's
    /// (a property test checks it); peak memory is the 8-byte keys plus 9
    /// bytes a row. Unweighted data without entry times and with several
    /// groups or strata are fitted from the shared packed-key sweep (one
    /// sort of `time | stratum | group | event` keys, one pass over R's
    /// near-tie runs appending to each curve), also bit for bit the event
    /// table's curves. Everything else goes through [`EventTable`].
    ///
    /// # Errors
    /// As [`EventTable::from_data_with`], and [`ErrorDetail::EmptyGroup`](crate::ErrorDetail::EmptyGroup) when the
    /// data have no strata and a group has no exit with positive weight (a
    /// group whose case weights are all zero).
    pub fn fit(&self, data: &SurvivalData) -> Result<KaplanMeierFit> {
        if let Some(fit) = self.fit_unit(data, false)? {
            return Ok(fit);
        }
        if let Some(fit) = self.fit_sweep(data, false)? {
            return Ok(fit);
        }
        let table = EventTable::from_data_with(data, self.time_fix)?;
        self.fit_owned(table, false)
    }

    /// Fits the curves of an event table (for example one built from
    /// pre-aggregated counts with [`EventTable::from_counts`]).
    ///
    /// # Errors
    /// [`ErrorDetail::EmptyGroup`](crate::ErrorDetail::EmptyGroup) when the table has one stratum and a group
    /// without any exit; [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) when no curve has a row.
    pub fn fit_table(&self, table: &EventTable) -> Result<KaplanMeierFit> {
        self.fit_impl(table, false)
    }

    /// The reverse Kaplan-Meier fit: event indicators flipped, so that the
    /// "event" is censoring (Schemper & Smith 1996). Its curves estimate the
    /// distribution of potential follow-up.
    ///
    /// # Conventions
    /// R: `survfit(Surv(time, 1 - status) ~ group)`.
    ///
    /// # Errors
    /// As [`fit`](Self::fit).
    pub fn fit_reverse(&self, data: &SurvivalData) -> Result<KaplanMeierFit> {
        if let Some(fit) = self.fit_unit(data, true)? {
            return Ok(fit);
        }
        if let Some(fit) = self.fit_sweep(data, true)? {
            return Ok(fit);
        }
        let table = EventTable::from_data_with(data, self.time_fix)?;
        self.fit_owned(table, true)
    }

    /// Median follow-up by the reverse Kaplan-Meier method, one per curve,
    /// with its confidence interval: the median of
    /// [`fit_reverse`](Self::fit_reverse) by the rule of
    /// [`SurvivalCurve::quantile`].
    ///
    /// # Conventions
    /// R: `quantile(survfit(Surv(time, 1 - status) ~ group), 0.5)`.
    ///
    /// # Errors
    /// As [`fit`](Self::fit).
    ///
    /// # Example
    /// ```
    /// use survkit::{datasets::lung, KaplanMeier, SurvivalData};
    /// let data = SurvivalData::new(&lung::TIME[..], lung::event())?;
    /// let fu = KaplanMeier::default().median_follow_up(&data)?;
    /// // R: quantile(survfit(Surv(time, status == 1) ~ 1, lung), 0.5): 588 (511, 1010)
    /// assert_eq!(fu[0].estimate(), Some(588.0));
    /// assert_eq!((fu[0].lower(), fu[0].upper()), (Some(511.0), Some(1010.0)));
    /// # Ok::<(), survkit::Error>(())
    /// ```
    ///
    /// # References
    /// Schemper, M. & Smith, T. L. (1996). A note on quantifying follow-up in
    /// studies of failure time. *Controlled Clinical Trials* 17, 343–346.
    /// doi:10.1016/0197-2456(96)00075-X
    pub fn median_follow_up(&self, data: &SurvivalData) -> Result<Vec<Quantile>> {
        Ok(self
            .fit_reverse(data)?
            .curves()
            .iter()
            .map(SurvivalCurve::median)
            .collect())
    }
}
