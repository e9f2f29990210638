//! Kaplan-Meier estimation of the survival function, as R's `survfit` does it.

use std::collections::HashSet;
use std::sync::OnceLock;

use crate::curve_counts::{Column, Counts, Cursor, UnitCounts};
use crate::data::SurvivalData;
use crate::error::{Error, Result};
use crate::event_table::{EventTable, GroupCounts, TimeFix};
use crate::interval::{CiTransform, ConfidenceInterval, ConfidenceLevel};
use crate::sweep::{self, timefix::TieRule, Runs};

/// Tolerance of R's `quantile.survfit` (its `tolerance` argument) and of
/// `survmean`'s median rule: `sqrt(.Machine$double.eps)` = 2^-26. A survival
/// value within this distance of `1 − p` counts as lying exactly on `1 − p`.
pub const QUANTILE_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// Largest number of subjects fitted by the packed one-curve path: counts
/// up to 2⁵³ are exact in f64, so its arithmetic equals the event table's.
const MAX_UNIT_SUBJECTS: u64 = 1 << 53;

/// Most curves fitted by the packed-key sweep (a few words of state per
/// curve); more go through the event table.
const MAX_SWEEP_CURVES: usize = 1 << 16;

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
/// [`EventTable::from_data_with`] and [`Error::EmptyGroup`] for a group
/// whose case weights are all zero (unstratified data); [`KaplanMeier::fit_table`] returns
/// [`Error::EmptyGroup`] when an unstratified table has a group without any
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

    /// Level of the pointwise intervals (R's `conf.int`, default 0.95).
    pub fn confidence_level(mut self, level: ConfidenceLevel) -> Self {
        self.conf_level = level;
        self
    }

    /// Deprecated alias of [`confidence_level`](Self::confidence_level).
    #[deprecated(since = "0.2.0", note = "renamed to `confidence_level` (docs/api.md)")]
    #[doc(hidden)]
    pub fn conf_level(self, level: ConfidenceLevel) -> Self {
        self.confidence_level(level)
    }

    /// Scale of the pointwise intervals (R's `conf.type`, default log).
    pub fn transform(mut self, transform: CiTransform) -> Self {
        self.transform = transform;
        self
    }

    /// Near-tie rule used by [`fit`](Self::fit) (R's `timefix`, default
    /// [`TimeFix::Tolerance`]). Ignored by [`fit_table`](Self::fit_table).
    pub fn time_fix(mut self, time_fix: TimeFix) -> Self {
        self.time_fix = time_fix;
        self
    }

    /// Fits one curve per group (and stratum) of the data.
    ///
    /// # Method
    /// Unweighted data with one group, no strata and no entry times (the
    /// common single curve) are fitted straight from their sorted exit keys
    /// (`time bits << 1 | event`, one `sort_unstable`), without an event
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
    /// As [`EventTable::from_data_with`], and [`Error::EmptyGroup`] when the
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
    /// [`Error::EmptyGroup`] when the table has one stratum and a group
    /// without any exit; [`Error::EmptyInput`] when no curve has a row.
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

    /// The one-curve fit of unweighted data without entry times, straight
    /// from the sorted keys (no event table): `None` when the data have
    /// weights, entries, several groups or strata.
    ///
    /// One `sort_unstable` of `time bits << 1 | event` keys; a first pass
    /// counts the distinct times and sums them (R's near-tie rule needs
    /// their mean); a second pass merges near ties exactly as the event
    /// table's one-bucket sweep and packs the counts (one byte a row),
    /// writing the row times over the keys already read, so the key buffer
    /// becomes the time column; a third pass multiplies out `S`. Peak
    /// memory: the keys (8 bytes an observation) plus 9 bytes a row.
    fn fit_unit(&self, data: &SurvivalData, reverse: bool) -> Result<Option<KaplanMeierFit>> {
        let n = data.len();
        if data.weights().is_some()
            || data.entry().is_some()
            || data.n_groups() != 1
            || data.n_strata() != 1
            || n as u64 > MAX_UNIT_SUBJECTS
        {
            return Ok(None);
        }
        let Some(lay) = sweep::layout(data, 1) else {
            return Ok(None);
        };
        let z = self.conf_level.z();
        let (mut keys, _) = sweep::sorted_keys(data, lay);
        let (distinct, mean) = sweep::distinct_times(&keys, lay);
        let rule = match self.time_fix {
            TimeFix::Tolerance if distinct >= 2 => TieRule::relative_to(mean),
            _ => TieRule::NEVER,
        };
        let mut counts = UnitCounts::with_capacity(n as u64, distinct);
        // Each row's time bits overwrite a key already read: row `w` ends
        // after its own keys, which start at index ≥ `w`.
        let flip = u64::from(reverse);
        let mut runs = Runs::new(&keys, lay, rule);
        let mut w = 0;
        loop {
            let (mut d, mut c) = (0u64, 0u64);
            let Some(row) = runs.next_row(&keys, |key| {
                let event = (key & 1) ^ flip;
                d += event;
                c += event ^ 1;
            }) else {
                break;
            };
            if let Some(slot) = keys.get_mut(w) {
                *slot = row.time.to_bits();
            }
            w += 1;
            counts.push(d, c);
        }
        let surv = counts.survival();
        keys.truncate(w);
        // Same size and alignment: the standard library collects in place.
        let mut time: Vec<f64> = keys.into_iter().map(f64::from_bits).collect();
        time.shrink_to_fit();
        let group = data
            .group_names()
            .first()
            .map_or_else(String::new, |g| g.to_string());
        let stratum = data
            .stratum_names()
            .first()
            .map_or_else(String::new, |g| g.to_string());
        let curve = SurvivalCurve {
            name: group.clone(),
            group,
            stratum,
            time,
            counts: Counts::Unit(counts),
            surv,
            conf_level: self.conf_level,
            transform: self.transform,
            z,
            cache: Cache::default(),
        };
        Ok(Some(KaplanMeierFit {
            curves: vec![curve],
            conf_level: self.conf_level,
            transform: self.transform,
        }))
    }

    /// The curves of unweighted data without entry times and with several
    /// groups or strata, from the shared packed-key sweep ([`crate::sweep`]):
    /// one `sort_unstable` of `time | stratum | group | event` keys, one pass
    /// over R's near-tie runs that appends each run to the curves of the
    /// (group, stratum) cells present in it (row time: the run's first time,
    /// as the event table), then `S` per curve. `None` when the data need
    /// the event table (weights, entries, one curve, a time range too wide
    /// for the key, more than [`MAX_SWEEP_CURVES`] curves). Bit for bit the
    /// event-table path's curves (integer counts, the same rows and the same
    /// products; a property test checks it).
    fn fit_sweep(&self, data: &SurvivalData, reverse: bool) -> Result<Option<KaplanMeierFit>> {
        let (k, m) = (data.n_groups(), data.n_strata());
        let cells = k.saturating_mul(m);
        if !(2..=MAX_SWEEP_CURVES).contains(&cells) || data.len() as u64 > MAX_UNIT_SUBJECTS {
            return Ok(None);
        }
        let Some(lay) = sweep::layout(data, k) else {
            return Ok(None);
        };
        let z = self.conf_level.z();
        let (keys, sizes) = sweep::sorted_keys(data, lay);
        let mut time: Vec<Vec<f64>> = vec![Vec::new(); cells];
        let mut counts: Vec<UnitCounts> = sizes
            .iter()
            .map(|&size| UnitCounts::with_capacity(size, 0))
            .collect();
        // Events and censored of each cell in the open run, and the cells
        // the run touched (in order of first key).
        let mut run_counts = vec![(0u64, 0u64); cells];
        let mut touched: Vec<usize> = Vec::new();
        let (g_bits, flip) = (lay.g_bits, u64::from(reverse));
        let g_mask = (1u64 << g_bits) - 1;
        let code_mask = (1u64 << (lay.low - 1)) - 1;
        sweep::for_each_row(&keys, lay, self.time_fix, |run, t| {
            for &key in run {
                let code = (key >> 1) & code_mask;
                // stratum < m and group < k by the layout
                let cell = (code >> g_bits) as usize * k + (code & g_mask) as usize;
                let event = (key & 1) ^ flip;
                if let Some(rc) = run_counts.get_mut(cell) {
                    if rc.0 + rc.1 == 0 {
                        touched.push(cell);
                    }
                    rc.0 += event;
                    rc.1 += event ^ 1;
                }
            }
            for &cell in &touched {
                if let (Some(rc), Some(tc), Some(uc)) = (
                    run_counts.get_mut(cell),
                    time.get_mut(cell),
                    counts.get_mut(cell),
                ) {
                    tc.push(t);
                    uc.push(rc.0, rc.1);
                    *rc = (0, 0);
                }
            }
            touched.clear();
        });
        drop(keys);
        let group_names = data.group_names();
        let stratum_names = data.stratum_names();
        let mut slots: Vec<Option<(Vec<f64>, UnitCounts)>> =
            time.into_iter().zip(counts).map(Some).collect();
        let mut curves = Vec::with_capacity(cells);
        for g in 0..k {
            for st in 0..m {
                let (time, counts) = slots
                    .get_mut(st * k + g)
                    .and_then(Option::take)
                    .expect("one slot per (group, stratum) cell");
                let group = group_names
                    .get(g)
                    .map_or_else(String::new, |s| s.to_string());
                let stratum = stratum_names
                    .get(st)
                    .map_or_else(String::new, |s| s.to_string());
                if time.is_empty() {
                    if m == 1 {
                        return Err(Error::EmptyGroup {
                            what: "group",
                            level: group,
                        });
                    }
                    continue;
                }
                let name = if m == 1 {
                    group.clone()
                } else if k == 1 {
                    stratum.clone()
                } else {
                    format!("{group}, {stratum}")
                };
                let surv = counts.survival();
                curves.push(SurvivalCurve {
                    name,
                    group,
                    stratum,
                    time,
                    counts: Counts::Unit(counts),
                    surv,
                    conf_level: self.conf_level,
                    transform: self.transform,
                    z,
                    cache: Cache::default(),
                });
            }
        }
        Ok(Some(KaplanMeierFit {
            curves,
            conf_level: self.conf_level,
            transform: self.transform,
        }))
    }

    /// Fits a table the caller no longer needs: a one-group table hands its
    /// columns to the curve without a copy.
    fn fit_owned(&self, table: EventTable, reverse: bool) -> Result<KaplanMeierFit> {
        let name = table.group_names().first().cloned().unwrap_or_default();
        let stratum = table.stratum_names().first().cloned().unwrap_or_default();
        if !table.is_single() {
            return self.fit_impl(&table, reverse);
        }
        let [time, n_risk, n_event, n_censor] = table.into_columns();
        let (n_event, n_censor) = if reverse {
            (n_censor, n_event)
        } else {
            (n_event, n_censor)
        };
        let curve = SurvivalCurve::from_columns(
            [time, n_risk, n_event, n_censor],
            CurveInfo {
                name: name.clone(),
                group: name,
                stratum,
                conf_level: self.conf_level,
                transform: self.transform,
                z: self.conf_level.z(),
            },
        );
        if curve.time.is_empty() {
            return Err(Error::EmptyGroup {
                what: "group",
                level: curve.group,
            });
        }
        Ok(KaplanMeierFit {
            curves: vec![curve],
            conf_level: self.conf_level,
            transform: self.transform,
        })
    }

    fn fit_impl(&self, table: &EventTable, reverse: bool) -> Result<KaplanMeierFit> {
        let z = self.conf_level.z();
        let k = table.n_groups();
        let m = table.n_strata();
        let mut curves = Vec::with_capacity(k * m);
        for g in 0..k {
            for stratum in table.strata() {
                let Some(counts) = stratum.group(g) else {
                    continue;
                };
                let group_name = table.group_names().get(g).cloned().unwrap_or_default();
                let stratum_name = stratum.name().to_owned();
                let name = if m == 1 {
                    group_name.clone()
                } else if k == 1 {
                    stratum_name.clone()
                } else {
                    format!("{group_name}, {stratum_name}")
                };
                let curve = SurvivalCurve::from_counts(
                    &counts,
                    reverse,
                    CurveInfo {
                        name,
                        group: group_name,
                        stratum: stratum_name,
                        conf_level: self.conf_level,
                        transform: self.transform,
                        z,
                    },
                );
                if curve.time.is_empty() {
                    if m == 1 {
                        return Err(Error::EmptyGroup {
                            what: "group",
                            level: curve.group,
                        });
                    }
                    continue;
                }
                curves.push(curve);
            }
        }
        if curves.is_empty() {
            return Err(Error::EmptyInput {
                what: "event table",
            });
        }
        Ok(KaplanMeierFit {
            curves,
            conf_level: self.conf_level,
            transform: self.transform,
        })
    }
}

struct CurveInfo {
    name: String,
    group: String,
    stratum: String,
    conf_level: ConfidenceLevel,
    transform: CiTransform,
    z: f64,
}

/// The Kaplan-Meier curves of a data set, one per group (and stratum).
///
/// # Method
/// See [`KaplanMeier`]; the fit also holds the level and transform of the
/// stored pointwise intervals.
///
/// # Conventions
/// Curves come in R's order for `survfit(Surv ~ group + stratum)`:
/// group-major, then stratum, combinations without rows omitted.
///
/// # Errors
/// [`restricted_means`](Self::restricted_means) as
/// [`SurvivalCurve::restricted_mean`]; the other accessors cannot fail.
///
/// # Example
/// ```
/// use survkit::{datasets::aml, KaplanMeier, SurvivalData};
/// let data = SurvivalData::builder(&aml::TIME[..], aml::event()).groups(&aml::X).build()?;
/// let fit = KaplanMeier::default().fit(&data)?;
/// assert_eq!(fit.curves().len(), 2);
/// let rm = fit.restricted_means(None)?;
/// assert_eq!(rm[0].tau(), 161.0); // the largest time over both groups
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete
/// observations. *JASA* 53, 457–481. doi:10.1080/01621459.1958.10501452
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct KaplanMeierFit {
    curves: Vec<SurvivalCurve>,
    conf_level: ConfidenceLevel,
    transform: CiTransform,
}

impl KaplanMeierFit {
    /// The curves, group-major (then stratum), in level order.
    pub fn curves(&self) -> &[SurvivalCurve] {
        &self.curves
    }

    /// The curve with the given name, if any.
    pub fn curve(&self, name: &str) -> Option<&SurvivalCurve> {
        self.curves.iter().find(|c| c.name == name)
    }

    /// Level of the pointwise intervals.
    pub fn confidence_level(&self) -> ConfidenceLevel {
        self.conf_level
    }

    /// Deprecated alias of [`confidence_level`](Self::confidence_level).
    #[deprecated(since = "0.2.0", note = "renamed to `confidence_level` (docs/api.md)")]
    #[doc(hidden)]
    pub fn conf_level(&self) -> ConfidenceLevel {
        self.confidence_level()
    }

    /// Transform of the pointwise intervals.
    pub fn transform(&self) -> CiTransform {
        self.transform
    }

    /// The largest row time over all curves: R's "common" truncation time
    /// of the restricted mean.
    pub fn max_time(&self) -> f64 {
        self.curves
            .iter()
            .map(SurvivalCurve::last_time)
            .fold(f64::NEG_INFINITY, f64::max)
    }

    /// Restricted mean survival time of every curve up to `tau`, or, with
    /// `None`, up to the largest time over all curves (R's default
    /// `rmean = "common"`).
    ///
    /// # Conventions
    /// R: `summary(fit, rmean = tau)$table[, c("rmean", "se(rmean)")]` and
    /// `print(fit, rmean = tau)`.
    ///
    /// # Errors
    /// As [`SurvivalCurve::restricted_mean`].
    pub fn restricted_means(&self, tau: Option<f64>) -> Result<Vec<RestrictedMean>> {
        let tau = tau.unwrap_or_else(|| self.max_time());
        self.curves.iter().map(|c| c.restricted_mean(tau)).collect()
    }

    /// The median of every curve with its confidence interval.
    pub fn medians(&self) -> Vec<Quantile> {
        self.curves.iter().map(SurvivalCurve::median).collect()
    }
}

/// One Kaplan-Meier curve: its steps, standard errors on both scales,
/// pointwise intervals, quantiles, survival at given times, restricted mean
/// and Nelson-Aalen cumulative hazard.
///
/// Rows are the distinct exit times of the curve's subjects (events or
/// censorings), as R's `survfit` rows.
///
/// # Method
/// See [`KaplanMeier`] for the estimate, Greenwood's variance, the interval
/// transforms and the cumulative hazard; each method documents its own rule.
///
/// # Storage
/// A curve stores its row times, `S` and the counts. The standard errors
/// and the pointwise bounds are computed on their first use (both bounds in
/// one pass) and kept, so their accessors return slices; each costs 8 bytes
/// a row once computed. The counts and the cumulative hazard are computed
/// on each call and returned as a `Vec`. Whole
/// counts whose number at risk is the exits from each row on (typically
/// unweighted data without entry times) are packed one byte a row (events
/// and censored in a nibble each, rows with 15 or more escaped to a side
/// list; the number at risk is the total minus the exits before the row),
/// so a curve costs 17 bytes a row instead of 48; other curves (fractional
/// weights, entries after the first exit) keep f64 columns of n at risk,
/// events and censored. The form is chosen by the counts alone, so curves
/// fitted from the same rows compare equal (computed columns do not take
/// part in the comparison). Call a `Vec` accessor once and keep the `Vec`
/// when reading it row by row.
///
/// # Conventions
/// Accessors named after R's `survfit` components; the scale of each
/// standard error is in its name ([`std_err_log`](Self::std_err_log) is R's
/// `fit$std.err`, [`std_err_surv`](Self::std_err_surv) R's
/// `summary(fit)$std.err`).
///
/// # Errors
/// See [`quantile`](Self::quantile), [`survival_at`](Self::survival_at) and
/// [`restricted_mean`](Self::restricted_mean).
///
/// # Example
/// ```
/// use survkit::{datasets::aml, KaplanMeier, SurvivalData};
/// let fit = KaplanMeier::default().fit(&SurvivalData::new(&aml::TIME[..], aml::event())?)?;
/// let c = &fit.curves()[0];
/// // R: survfit(Surv(time, status) ~ 1, aml): 2 events among 23 at week 5
/// assert_eq!((c.time()[0], c.n_risk()[0], c.n_event()[0]), (5.0, 23.0, 2.0));
/// assert!((c.survival()[0] - 21.0 / 23.0).abs() < 1e-15);
/// let se = (2.0_f64 / (23.0 * 21.0)).sqrt(); // Greenwood
/// assert!((c.std_err_log()[0] - se).abs() < 1e-15);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Greenwood, M. (1926). The natural duration of cancer. *Reports on Public
/// Health and Medical Subjects* 33. HMSO, London.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct SurvivalCurve {
    name: String,
    group: String,
    stratum: String,
    time: Vec<f64>,
    counts: Counts,
    surv: Vec<f64>,
    conf_level: ConfidenceLevel,
    transform: CiTransform,
    z: f64,
    #[cfg_attr(feature = "serde", serde(skip))]
    cache: Cache,
}

/// The columns of a curve computed on first use and kept (each at most
/// once): Greenwood σ, the standard error of `S`, the pointwise bounds with
/// the shape of their quantile scales, and the shape of `1 − S`. Not part of
/// the curve's value: equality ignores it, serde skips it, and
/// [`SurvivalCurve::with_ci`] drops the bounds.
#[derive(Clone, Default)]
struct Cache {
    std_err_log: OnceLock<Vec<f64>>,
    std_err_surv: OnceLock<Vec<f64>>,
    bounds: OnceLock<Bounds>,
    surv_shape: OnceLock<Shape>,
}

impl PartialEq for Cache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(columns computed on demand)")
    }
}

/// The pointwise bounds of a curve and the shapes of `1 − lower`, `1 − upper`.
#[derive(Clone)]
struct Bounds {
    lower: Vec<f64>,
    upper: Vec<f64>,
    lower_shape: Shape,
    upper_shape: Shape,
}

impl SurvivalCurve {
    fn from_counts(counts: &GroupCounts<'_>, reverse: bool, info: CurveInfo) -> Self {
        let (ev, ce) = if reverse {
            (counts.n_censor(), counts.n_event())
        } else {
            (counts.n_event(), counts.n_censor())
        };
        let rows = ev.iter().zip(ce).filter(|&(&d, &c)| d + c > 0.0).count();
        let mut cols: [Vec<f64>; 4] = std::array::from_fn(|_| Vec::with_capacity(rows));
        for (((&t, &n), &d), &c) in counts.time().iter().zip(counts.n_risk()).zip(ev).zip(ce) {
            if d + c > 0.0 {
                for (col, v) in cols.iter_mut().zip([t, n, d, c]) {
                    col.push(v);
                }
            }
        }
        Self::from_columns(cols, info)
    }

    /// The curve from the columns `[time, n_risk, n_event, n_censor]` of its
    /// group; rows without an exit (left truncation: entry times only) are
    /// dropped in place.
    fn from_columns(cols: [Vec<f64>; 4], info: CurveInfo) -> Self {
        let [mut time, mut n_risk, mut n_event, mut n_censor] = cols;
        let len = time
            .len()
            .min(n_risk.len())
            .min(n_event.len())
            .min(n_censor.len());
        if n_event.iter().zip(&n_censor).any(|(&d, &c)| d + c <= 0.0) {
            let mut w = 0;
            for r in 0..len {
                if n_event[r] + n_censor[r] > 0.0 {
                    // r < len (indexing on the line above)
                    time[w] = time[r]; // w ≤ r < len
                    n_risk[w] = n_risk[r]; // w ≤ r < len
                    n_event[w] = n_event[r]; // w ≤ r < len
                    n_censor[w] = n_censor[r]; // w ≤ r < len
                    w += 1;
                }
            }
            for c in [&mut time, &mut n_risk, &mut n_event, &mut n_censor] {
                c.truncate(w);
            }
        }
        let counts = Counts::from_columns(n_risk, n_event, n_censor);
        let surv = survival_of(counts.rows());
        SurvivalCurve {
            name: info.name,
            group: info.group,
            stratum: info.stratum,
            time,
            counts,
            surv,
            conf_level: info.conf_level,
            transform: info.transform,
            z: info.z,
            cache: Cache::default(),
        }
    }

    /// The curve's name: the group name, the stratum name, or
    /// `"group, stratum"` when the data have both.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The group name (`"all"` when ungrouped).
    pub fn group(&self) -> &str {
        &self.group
    }

    /// The stratum name (`"all"` when unstratified).
    pub fn stratum(&self) -> &str {
        &self.stratum
    }

    /// Number of rows (steps).
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// Always false: a fitted curve has at least one row.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }

    /// Row times (R's `time`).
    pub fn time(&self) -> &[f64] {
        &self.time
    }

    /// The last row time.
    pub fn last_time(&self) -> f64 {
        self.time.last().copied().unwrap_or(f64::NAN)
    }

    /// Number (or weight) at risk just before each time (R's `n.risk`),
    /// computed on demand from the stored counts (see the type's docs).
    pub fn n_risk(&self) -> Vec<f64> {
        self.counts.column(Column::AtRisk)
    }

    /// Number (or weight) of events at each time (R's `n.event`), computed
    /// on demand.
    pub fn n_event(&self) -> Vec<f64> {
        self.counts.column(Column::Events)
    }

    /// Number (or weight) censored at each time (R's `n.censor`), computed
    /// on demand.
    pub fn n_censor(&self) -> Vec<f64> {
        self.counts.column(Column::Censored)
    }

    /// The survival estimate `S(t)` after each time (R's `surv`).
    pub fn survival(&self) -> &[f64] {
        &self.surv
    }

    /// Greenwood standard error of `−log S(t)`, the cumulative-hazard scale
    /// (R's `fit$std.err`); `+∞` once the curve has dropped to 0. Computed
    /// on the first call (one pass over the counts) and kept.
    pub fn std_err_log(&self) -> &[f64] {
        self.cache
            .std_err_log
            .get_or_init(|| self.counts.greenwood())
    }

    /// Standard error of `S(t)` itself, `S(t) × std_err_log(t)` (R's
    /// `summary(fit)$std.err`); NaN where `S = 0` (`0 × ∞`), as in R.
    /// Computed on the first call and kept.
    pub fn std_err_surv(&self) -> &[f64] {
        self.cache.std_err_surv.get_or_init(|| {
            let sigma = self.std_err_log();
            let mut out = vec![0.0; self.surv.len().min(sigma.len())];
            for ((slot, s), e) in out.iter_mut().zip(&self.surv).zip(sigma) {
                *slot = s * e;
            }
            out
        })
    }

    /// Nelson-Aalen cumulative hazard `Λ(t) = Σ d/n` (R's `cumhaz`, `ctype =
    /// 1`), computed on demand.
    pub fn cumulative_hazard(&self) -> Vec<f64> {
        self.cumulative_hazard_columns().0
    }

    /// Standard error of the cumulative hazard, `sqrt(Σ d/n²)` (R's
    /// `std.chaz`), computed on demand.
    pub fn std_err_cumulative_hazard(&self) -> Vec<f64> {
        self.cumulative_hazard_columns().1
    }

    /// `Λ(t)` and its standard error in one pass over the counts: the one
    /// computation behind [`cumulative_hazard`](Self::cumulative_hazard) and
    /// [`crate::nelson_aalen`].
    pub(crate) fn cumulative_hazard_columns(&self) -> (Vec<f64>, Vec<f64>) {
        let (mut h, mut v) = (0.0, 0.0);
        let mut cumhaz = Vec::with_capacity(self.len());
        let mut std_err = Vec::with_capacity(self.len());
        for (n, d, _) in self.counts.rows() {
            if d > 0.0 {
                h += d / n;
                v += d / (n * n);
            }
            cumhaz.push(h);
            std_err.push(v.sqrt());
        }
        (cumhaz, std_err)
    }

    /// Level of the stored pointwise intervals.
    pub fn confidence_level(&self) -> ConfidenceLevel {
        self.conf_level
    }

    /// Deprecated alias of [`confidence_level`](Self::confidence_level).
    #[deprecated(since = "0.2.0", note = "renamed to `confidence_level` (docs/api.md)")]
    #[doc(hidden)]
    pub fn conf_level(&self) -> ConfidenceLevel {
        self.confidence_level()
    }

    /// Transform of the stored pointwise intervals.
    pub fn transform(&self) -> CiTransform {
        self.transform
    }

    /// Lower pointwise confidence bounds at the fit's level and transform
    /// (R's `lower`), computed on the first call of [`lower`](Self::lower),
    /// [`upper`](Self::upper) or a quantile (both bounds in one pass) and
    /// kept.
    ///
    /// # Conventions
    /// R's `survfit_confint` rules, NaN standing for R's `NA`/`NaN`: with
    /// `S = 0` every transform gives NaN bounds; with `S = 1` (σ = 0) the
    /// log and plain bounds are 1, the log-log, logit and arcsine bounds NaN.
    /// Plain bounds are clipped to `[0, 1]`, log upper bounds to 1.
    pub fn lower(&self) -> &[f64] {
        &self.bounds().lower
    }

    /// Upper pointwise confidence bounds (R's `upper`); see [`lower`](Self::lower).
    pub fn upper(&self) -> &[f64] {
        &self.bounds().upper
    }

    /// Both pointwise bounds, computed in one pass over `S` and σ on first
    /// use, with the shapes of `1 − lower` and `1 − upper` for the quantiles.
    fn bounds(&self) -> &Bounds {
        self.cache.bounds.get_or_init(|| {
            let sigma = self.std_err_log();
            let rows = self.surv.len().min(sigma.len());
            let (mut lower, mut upper) = (vec![0.0; rows], vec![0.0; rows]);
            let (z, tr) = (self.z, self.transform);
            // A row without events repeats the previous row's S and σ, so
            // its bounds are the previous ones (the same inputs): reused
            // rather than recomputed (a third of the rows with 30% censored).
            let mut prev: Option<(u64, u64, [f64; 2])> = None;
            for (((lo, hi), &s), &e) in lower
                .iter_mut()
                .zip(upper.iter_mut())
                .zip(&self.surv)
                .zip(sigma)
            {
                let key = (s.to_bits(), e.to_bits());
                let b = match prev {
                    Some((ps, pe, b)) if (ps, pe) == key => b,
                    _ => ci_bounds(s, e, z, tr),
                };
                prev = Some((key.0, key.1, b));
                [*lo, *hi] = b;
            }
            let (lower_shape, upper_shape) = (Shape::of(&lower), Shape::of(&upper));
            Bounds {
                lower,
                upper,
                lower_shape,
                upper_shape,
            }
        })
    }

    /// The shape of `1 − S` (computed once).
    fn surv_shape(&self) -> &Shape {
        self.cache.surv_shape.get_or_init(|| Shape::of(&self.surv))
    }

    /// Pointwise confidence intervals at any level and transform, one per row
    /// (R's `survfit(..., conf.int = level, conf.type = ...)$lower/upper`).
    ///
    /// # Errors
    /// None: `z` is computed as `−Φ⁻¹(α/2)`, defined for every valid level
    /// (even one within 2⁻⁵³ of 1, where `1 − α/2` would round to 1). The
    /// `Result` is kept for API stability.
    pub fn pointwise_ci(
        &self,
        level: ConfidenceLevel,
        transform: CiTransform,
    ) -> Result<Vec<ConfidenceInterval>> {
        let z = level.z();
        Ok(self
            .surv
            .iter()
            .zip(self.std_err_log())
            .map(|(&s, &e)| {
                let [lo, hi] = ci_bounds(s, e, z, transform);
                ConfidenceInterval::new(lo, hi, level)
            })
            .collect())
    }

    /// The same curve with its stored intervals at another level and transform.
    ///
    /// # Errors
    /// None (see [`pointwise_ci`](Self::pointwise_ci)).
    pub fn with_ci(&self, level: ConfidenceLevel, transform: CiTransform) -> Result<Self> {
        let mut c = self.clone();
        c.z = level.z();
        c.conf_level = level;
        c.transform = transform;
        c.cache.bounds = OnceLock::new();
        Ok(c)
    }

    /// The median survival time with its confidence interval
    /// (`quantile(0.5)`).
    pub fn median(&self) -> Quantile {
        self.quantile_unchecked(0.5)
    }

    /// The `p`-quantile of the survival time, the time at which `1 − S`
    /// reaches `p`, with a confidence interval read off the pointwise bands
    /// (Brookmeyer & Crowley 1982).
    ///
    /// # Method
    /// With `x = (0, t₁, …, t_m)` and `y = (0, 1 − S₁, …, 1 − S_m)`, duplicates
    /// of `y` dropped (first occurrence kept) and `ε` = [`QUANTILE_TOLERANCE`]:
    ///
    /// ```text
    /// i₁ = first i with yᵢ + ε ≥ p,   i₂ = first i with yᵢ − ε ≥ p
    /// q  = (x_{i₁} + x_{i₂}) / 2            the midpoint of a flat segment at p
    /// q  = (x_{i₁} + t_m) / 2               when |p − y_last| < ε
    /// (a + b) / 2 is a/2 + b/2 when a + b overflows (times near f64::MAX)
    /// q  = 0 when p = 0;   not reached when p > max y (+ ε)
    /// ```
    ///
    /// The lower limit is the same rule applied to the lower pointwise band,
    /// `y = 1 − lower(t)`, the upper limit to `y = 1 − upper(t)`.
    ///
    /// # Conventions
    /// R's `quantile.survfit` (its `findq`), which is also what
    /// `summary(fit)$table` and `print(fit)` report as the median except in
    /// one case: when the curve ends exactly on `S = 1 − p` with no later
    /// drop, `print.survfit` (`survmean`'s `minmin`) reports the start of
    /// the flat segment while `quantile` reports its midpoint with the last
    /// time. A quantile or a bound that is never reached is `None`, R's
    /// `NA`.
    ///
    /// # Errors
    /// [`Error::InvalidProbability`] when `p` is NaN or outside `[0, 1]`.
    ///
    /// # Example
    /// ```
    /// use survkit::{datasets::lung, KaplanMeier, SurvivalData};
    /// let fit = KaplanMeier::default().fit(&SurvivalData::new(&lung::TIME[..], lung::event())?)?;
    /// let q = fit.curves()[0].quantile(0.5)?;
    /// // R: quantile(survfit(Surv(time, status) ~ 1, lung), 0.5): 310 (285, 363)
    /// assert_eq!((q.estimate(), q.lower(), q.upper()), (Some(310.0), Some(285.0), Some(363.0)));
    /// # Ok::<(), survkit::Error>(())
    /// ```
    ///
    /// # References
    /// Brookmeyer, R. & Crowley, J. (1982). A confidence interval for the
    /// median survival time. *Biometrics* 38, 29–41. doi:10.2307/2530286
    pub fn quantile(&self, p: f64) -> Result<Quantile> {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::InvalidProbability {
                what: "quantile probability",
                value: p,
            });
        }
        Ok(self.quantile_unchecked(p))
    }

    fn quantile_unchecked(&self, p: f64) -> Quantile {
        let est = findq_band(&self.time, &self.surv, self.surv_shape(), p);
        let b = self.bounds();
        let lo = findq_band(&self.time, &b.lower, &b.lower_shape, p);
        let hi = findq_band(&self.time, &b.upper, &b.upper_shape, p);
        let reached = |x: f64| if x.is_nan() { None } else { Some(x) };
        Quantile {
            probability: p,
            estimate: reached(est),
            lower: reached(lo),
            upper: reached(hi),
            confidence_level: self.conf_level,
        }
    }

    /// Survival at the requested times with the number at risk, the events
    /// and censorings since the previous requested time, and the pointwise
    /// interval, as R's `summary(fit, times = times, extend = TRUE)`.
    ///
    /// # Method
    /// The curve gets a row at time 0 (S = 1, σ = 0, bounds 1, R's
    /// `survfit0`) unless its first time is 0. For each requested time `t`
    /// (sorted increasingly): the estimate, standard errors and bounds of
    /// the last row with time ≤ `t`; the number at risk of the first row
    /// with time ≥ `t` (0 beyond the last row); events and censorings
    /// summed over the rows in `(t_previous, t]`.
    ///
    /// # Conventions
    /// Matches R's `summary(fit, times, extend = TRUE)`; R's default
    /// `extend = FALSE` drops the requested times after
    /// [`last_time`](Self::last_time). Times are returned sorted, as R does.
    /// A time before every row gives `S = 1` (σ = 0, bounds 1), including a
    /// negative time when the curve has events at time 0, where R reports
    /// the survival after those events (`S(t) = P(T > t) = 1` for `t < 0`).
    ///
    /// # Cost
    /// `O(k log m)` for `k` times on `m` rows, plus one pass over the packed
    /// counts up to the last requested time and, on the first call, the
    /// Greenwood column (see [`std_err_log`](Self::std_err_log)).
    ///
    /// # Errors
    /// [`Error::EmptyInput`] for no times, [`Error::NonFinite`] for a NaN or
    /// infinite time.
    ///
    /// # Example
    /// ```
    /// use survkit::{datasets::aml, KaplanMeier, SurvivalData};
    /// let data = SurvivalData::new(&aml::TIME[..], aml::event())?;
    /// let fit = KaplanMeier::default().fit(&data)?;
    /// let at = fit.curves()[0].survival_at(&[10.0, 200.0])?;
    /// // R: summary(survfit(Surv(time, status) ~ 1, aml), times = c(10, 200), extend = TRUE)
    /// assert_eq!((at[0].n_risk(), at[1].n_risk()), (18.0, 0.0));
    /// # Ok::<(), survkit::Error>(())
    /// ```
    pub fn survival_at(&self, times: &[f64]) -> Result<Vec<SurvivalAtTime>> {
        if times.is_empty() {
            return Err(Error::EmptyInput { what: "times" });
        }
        for (index, &t) in times.iter().enumerate() {
            if !t.is_finite() {
                return Err(Error::NonFinite {
                    what: "times",
                    index,
                    value: t,
                });
            }
        }
        let mut sorted = times.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        let sigma = self.std_err_log();
        let (z, transform) = (self.z, self.transform);
        let mut out = Vec::with_capacity(sorted.len());
        // One forward cursor over the rows: the events and censorings of
        // the rows passed, summed in row order (as R's cumsum).
        let mut cursor = Cursor::new(&self.counts);
        let (mut prev_ev, mut prev_ce) = (0.0_f64, 0.0_f64);
        let mut last: Option<(f64, f64)> = None;
        for &t in &sorted {
            // Rows with time < t, and with time ≤ t.
            let first_ge = self.time.partition_point(|&x| x < t);
            let rows = self.time.partition_point(|&x| x <= t);
            // The number at risk of the first row with time ≥ t (0 beyond
            // the last row). A repeated time has its row consumed already.
            let n_risk = match last {
                Some((lt, n)) if lt == t => n,
                _ => {
                    cursor.advance(first_ge);
                    cursor.n_risk().unwrap_or(0.0)
                }
            };
            last = Some((t, n_risk));
            cursor.advance(rows);
            let (ev_sum, ce_sum) = cursor.sums();
            // No row at or before t: S = 1 with σ = 0 and bounds 1 (R's
            // survfit0 row at 0, and the definition for t < 0).
            let (s, se, [lo, hi]) = match rows.checked_sub(1) {
                None => (1.0, 0.0, [1.0, 1.0]),
                Some(i) => {
                    let s = self.surv.get(i).copied().unwrap_or(f64::NAN);
                    let se = sigma.get(i).copied().unwrap_or(f64::NAN);
                    (s, se, ci_bounds(s, se, z, transform))
                }
            };
            out.push(SurvivalAtTime {
                time: t,
                n_risk,
                n_event: ev_sum - prev_ev,
                n_censor: ce_sum - prev_ce,
                survival: s,
                std_err_surv: s * se,
                ci: ConfidenceInterval::new(lo, hi, self.conf_level),
            });
            prev_ev = ev_sum;
            prev_ce = ce_sum;
        }
        Ok(out)
    }

    /// Restricted mean survival time up to `tau`, `∫₀^τ S(t) dt`, with its
    /// standard error.
    ///
    /// # Method
    /// With the rows `tᵢ ≤ τ` (and a row at 0 with S = 1), rectangles
    /// `rᵢ = (tᵢ − tᵢ₋₁) Sᵢ₋₁` and a last one `(τ − t_last) S_last`:
    ///
    /// ```text
    /// RMST     = Σ rᵢ
    /// Var RMST = Σᵢ (Σ_{j > i} r_j)² dᵢ / (nᵢ (nᵢ − dᵢ))     (terms with nᵢ = dᵢ omitted)
    /// ```
    ///
    /// # Conventions
    /// R's `survmean` (`print(fit, rmean = tau)`, `summary(fit, rmean =
    /// tau)$table`), including its choice to drop the Greenwood term at
    /// `n = d`. Unlike R, a `tau` before the first time is allowed (the
    /// result is `tau` with standard error 0). With times or `tau` so large
    /// that the squared areas overflow (near `f64::MAX`), the sums are
    /// formed on times scaled by a power of two and scaled back, so the
    /// result stays finite where R returns `Inf` or `NaN`.
    ///
    /// # Errors
    /// [`Error::NonFinite`] or [`Error::Negative`] for a bad `tau`;
    /// [`Error::InvalidParameter`] when the restricted mean or its standard
    /// error exceeds `f64::MAX` even so.
    pub fn restricted_mean(&self, tau: f64) -> Result<RestrictedMean> {
        if !tau.is_finite() {
            return Err(Error::NonFinite {
                what: "tau",
                index: 0,
                value: tau,
            });
        }
        if tau < 0.0 {
            return Err(Error::Negative {
                what: "tau",
                index: 0,
                value: tau,
            });
        }
        let keep = self.time.partition_point(|&t| t <= tau);
        let (mean, var) = self.rmst_sums(tau, keep, 1.0);
        if mean.is_finite() && var.is_finite() {
            return Ok(RestrictedMean {
                tau,
                estimate: mean,
                std_err: var.sqrt(),
            });
        }
        // Times near f64::MAX: the squared areas (or, by rounding, the area
        // itself) overflow. Redo the sums on times scaled by a power of two
        // that brings the largest one into [1, 2) (exact unless a width
        // underflows), then scale back.
        let largest = tau.max(self.time.get(keep.wrapping_sub(1)).copied().unwrap_or(0.0));
        let e = (largest.log2().floor() as i32).clamp(-1000, 1000);
        let (mean, var) = self.rmst_sums(tau, keep, 2f64.powi(-e));
        let (estimate, std_err) = (mean * 2f64.powi(e), var.sqrt() * 2f64.powi(e));
        if !(estimate.is_finite() && std_err.is_finite()) {
            return Err(Error::InvalidParameter {
                what: "tau",
                constraint: "small enough that the restricted mean and its standard error \
                             fit in an f64",
                value: tau,
            });
        }
        Ok(RestrictedMean {
            tau,
            estimate,
            std_err,
        })
    }

    /// `(RMST, Var RMST)` up to `tau` over the first `keep` rows, with every
    /// time multiplied by `scale` (1, or a power of two; the variance is then
    /// in `scale²` units).
    fn rmst_sums(&self, tau: f64, keep: usize, scale: f64) -> (f64, f64) {
        // Rectangles r_1..r_{keep+1} (r_0 of the inserted row at 0 has width
        // t_1 − 0 times S = 1 and is r for row index 0 here).
        let mut rects = Vec::with_capacity(keep + 1);
        let mut prev_t = 0.0;
        let mut prev_s = 1.0;
        for i in 0..keep {
            let t = self.time.get(i).copied().unwrap_or(0.0) * scale;
            rects.push((t - prev_t) * prev_s);
            prev_t = t;
            prev_s = self.surv.get(i).copied().unwrap_or(prev_s);
        }
        rects.push((tau * scale - prev_t) * prev_s);
        let mean: f64 = rects.iter().sum();
        // Row i (0-based, i < keep) carries hh_i and the area after it is
        // Σ_{j > i} rects[j + 1 ..]: rects[j] is the rectangle ending at row j
        // (or at tau for j = keep), so the area after row i is rects[i+1..].
        // Rows from the last one back: (n, d) of row i, in reverse order.
        let mut var = 0.0;
        let mut tail = 0.0;
        let rows: Vec<(f64, f64)> = self
            .counts
            .rows()
            .take(keep)
            .map(|(n, d, _)| (n, d))
            .collect();
        for i in (0..keep).rev() {
            tail += rects.get(i + 1).copied().unwrap_or(0.0);
            let (n, d) = rows.get(i).copied().unwrap_or((0.0, 0.0));
            // n ≤ d: R's n = d rule (n < d only by rounding, see from_columns).
            let hh = if n - d <= 0.0 { 0.0 } else { d / (n * (n - d)) };
            var += tail * tail * hh;
        }
        (mean, var)
    }
}

/// Kaplan-Meier `S` after each row: `S *= (n − d)/n` at rows with events;
/// `n ≤ d` drops the curve to 0 (R's `n = d`; `n < d` only by rounding of
/// weighted sums with entries, taken as `n = d` rather than a negative S).
fn survival_of(rows: impl Iterator<Item = (f64, f64, f64)>) -> Vec<f64> {
    let mut surv = Vec::with_capacity(rows.size_hint().0);
    let mut s = 1.0_f64;
    for (n, d, _) in rows {
        if d > 0.0 {
            s *= if n > d { (n - d) / n } else { 0.0 };
        }
        surv.push(s);
    }
    surv
}

/// R's `survfit_confint` for one row: `[lower, upper]`, NaN for R's NA.
pub(crate) fn ci_bounds(p: f64, se: f64, z: f64, transform: CiTransform) -> [f64; 2] {
    if transform == CiTransform::Log {
        // The default transform, with its logarithm taken once: the same
        // operations as `ci_lower` and `ci_upper`.
        let xx = if p == 0.0 { f64::NAN } else { p };
        let l = xx.ln();
        return [
            (l - z * se * lower_scale(se)).exp(),
            r_pmin((l + z * se).exp(), 1.0),
        ];
    }
    [ci_lower(p, se, z, transform), ci_upper(p, se, z, transform)]
}

/// R: `scale <- ifelse(selow == 0, 1, selow/se)` with `selow = se`: 1,
/// except NaN when `se` is infinite (∞/∞) or NaN. Only the lower bound uses it.
fn lower_scale(se: f64) -> f64 {
    if se == 0.0 || se.is_finite() {
        1.0
    } else {
        f64::NAN
    }
}

/// The lower bound of R's `survfit_confint` (only the lower side computed).
fn ci_lower(p: f64, se: f64, z: f64, transform: CiTransform) -> f64 {
    let scale = lower_scale(se);
    match transform {
        CiTransform::Plain => r_pmax(p - se * p * z * scale, 0.0),
        CiTransform::Log => {
            let xx = if p == 0.0 { f64::NAN } else { p };
            (xx.ln() - z * se * scale).exp()
        }
        CiTransform::LogLog => {
            let xx = if p == 0.0 || p == 1.0 { f64::NAN } else { p };
            let se2 = z * se / xx.ln();
            let ll = (-xx.ln()).ln();
            (-(ll - se2 * scale).exp()).exp()
        }
        CiTransform::Logit => {
            let xx = if p == 0.0 { f64::NAN } else { p };
            let se2 = z * se * (1.0 + xx / (1.0 - xx));
            let lg = (p / (1.0 - p)).ln();
            1.0 - 1.0 / (1.0 + (lg - se2 * scale).exp())
        }
        CiTransform::Arcsine => {
            let xx = if p == 0.0 { f64::NAN } else { p };
            let se2 = 0.5 * z * se * (xx / (1.0 - xx)).sqrt();
            r_pmax(0.0, xx.sqrt().asin() - se2 * scale).sin().powi(2)
        }
    }
}

/// The upper bound of R's `survfit_confint` (only the upper side computed).
fn ci_upper(p: f64, se: f64, z: f64, transform: CiTransform) -> f64 {
    match transform {
        CiTransform::Plain => r_pmin(p + se * p * z, 1.0),
        CiTransform::Log => {
            let xx = if p == 0.0 { f64::NAN } else { p };
            r_pmin((xx.ln() + z * se).exp(), 1.0)
        }
        CiTransform::LogLog => {
            let xx = if p == 0.0 || p == 1.0 { f64::NAN } else { p };
            let se2 = z * se / xx.ln();
            let ll = (-xx.ln()).ln();
            (-(ll + se2).exp()).exp()
        }
        CiTransform::Logit => {
            let xx = if p == 0.0 { f64::NAN } else { p };
            let se2 = z * se * (1.0 + xx / (1.0 - xx));
            let lg = (p / (1.0 - p)).ln();
            1.0 - 1.0 / (1.0 + (lg + se2).exp())
        }
        CiTransform::Arcsine => {
            let xx = if p == 0.0 { f64::NAN } else { p };
            let se2 = 0.5 * z * se * (xx / (1.0 - xx)).sqrt();
            r_pmin(std::f64::consts::FRAC_PI_2, xx.sqrt().asin() + se2)
                .sin()
                .powi(2)
        }
    }
}

/// R's `pmax(a, b)`: NaN when either is NaN.
fn r_pmax(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// R's `pmin(a, b)`: NaN when either is NaN.
fn r_pmin(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}

/// R survival's `findq(x, y, p, tol)`: the time at which the cumulative
/// distribution `y` reaches `p`; NaN for R's NA.
fn findq(x: &[f64], y: &[f64], p: f64, tol: f64) -> f64 {
    let ymax = y
        .iter()
        .filter(|v| !v.is_nan())
        .fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    if ymax < p {
        return f64::NAN;
    }
    let xmax = x.last().copied().unwrap_or(f64::NAN);
    // duplicated(y): keep the first occurrence of every value (NaN included).
    let mut seen: HashSet<u64> = HashSet::with_capacity(y.len());
    let mut ux = Vec::with_capacity(y.len());
    let mut uy = Vec::with_capacity(y.len());
    for (&xi, &yi) in x.iter().zip(y) {
        let key = if yi.is_nan() {
            u64::MAX
        } else {
            (yi + 0.0).to_bits()
        };
        if seen.insert(key) {
            ux.push(xi);
            uy.push(yi);
        }
    }
    // approx(y ± tol, 1:n, p, method = "constant", f = 1): the non-NA pairs
    // sorted by abscissa.
    let mut pts: Vec<(f64, usize)> = uy
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.is_nan())
        .map(|(i, &v)| (v, i))
        .collect();
    if pts.windows(2).any(|w| w[0].0 > w[1].0) {
        // windows(2) yields slices of length 2
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let approx = |shift: f64| -> Option<usize> {
        let first = pts.first()?;
        let last = pts.last()?;
        if p < first.0 + shift || p > last.0 + shift {
            return None;
        }
        // First point whose abscissa is ≥ p (f = 1 takes the right end).
        let j = pts.partition_point(|&(v, _)| v + shift < p);
        pts.get(j).map(|&(_, i)| i)
    };
    let at = |i: Option<usize>| i.and_then(|i| ux.get(i).copied()).unwrap_or(f64::NAN);
    let i1 = approx(tol);
    let i2 = approx(-tol);
    let mut quant = midpoint(at(i1), at(i2));
    if p == 0.0 {
        quant = ux.first().copied().unwrap_or(f64::NAN);
    }
    if let Some(&ylast) = uy.last() {
        if !ylast.is_nan() && (p - ylast).abs() < tol {
            quant = midpoint(at(i1), xmax);
        }
    }
    quant
}

/// R's `(a + b) / 2`, bit for bit, unless the sum of two finite times
/// overflows (times near `f64::MAX`): then `a/2 + b/2`, the finite midpoint.
fn midpoint(a: f64, b: f64) -> f64 {
    let sum = a + b;
    if sum.is_infinite() && a.is_finite() && b.is_finite() {
        a / 2.0 + b / 2.0
    } else {
        sum / 2.0
    }
}

/// What [`findq`] needs to know of `y = (0, 1 − b₁, …, 1 − b_m)` for a
/// band `b` (the curve or one of its bounds) to answer without R's
/// `duplicated()` (a hash set over every row) and sort: the longest prefix
/// of the band whose non-NaN `y` are non-decreasing (all of `1 − S`, and in
/// practice all but a few last rows of an upper bound), described below;
/// the rest is searched directly.
#[derive(Debug, Clone, Copy)]
struct Shape {
    /// Band entries in the monotone prefix.
    prefix: usize,
    /// Largest non-NaN `y` of the prefix (its last one).
    ymax: f64,
    /// Index in `y` of the first occurrence of `ymax`.
    ymax_at: usize,
    /// Index in `y` of the first NaN of the prefix (`usize::MAX` when none).
    nan_at: usize,
    /// The non-NaN values of the prefix at indices ≥ 1 fill `[a, b]` with
    /// NaN only outside it (`a > b` when there is none); `None` otherwise.
    block: Option<(usize, usize)>,
}

/// Longest non-monotone tail searched directly (pairwise); a longer one
/// falls back to the general [`findq`].
const MAX_DIRECT_TAIL: usize = 4096;

impl Shape {
    /// One pass over the band (up to its first decrease).
    fn of(band: &[f64]) -> Shape {
        let (mut prev, mut ymax_at, mut nan_at) = (0.0_f64, 0usize, usize::MAX);
        let (mut a, mut b, mut nans) = (usize::MAX, 0usize, 0usize);
        let mut prefix = band.len();
        for (k, &v) in band.iter().enumerate() {
            let (j, y) = (k + 1, 1.0 - v);
            if y.is_nan() {
                nans += 1;
                nan_at = nan_at.min(j);
                continue;
            }
            if y < prev {
                prefix = k;
                break;
            }
            a = a.min(j);
            b = j;
            if y > prev {
                ymax_at = j;
                prev = y;
            }
        }
        let block = if a == usize::MAX {
            Some((1, 0))
        } else if nans == (a - 1) + (prefix - b) {
            Some((a, b))
        } else {
            None
        };
        Shape {
            prefix,
            ymax: prev,
            ymax_at,
            nan_at,
            block,
        }
    }
}

/// R's `findq(c(0, time), c(0, 1 − band), p, tol)` with
/// [`QUANTILE_TOLERANCE`], bit for bit [`findq`]'s answer.
///
/// On the monotone prefix, `duplicated()` keeps the first row of each run
/// of equal values and `approx(y ± tol, 1:n, p, "constant", f = 1)` picks
/// the smallest `y` with `y ± tol ≥ p`, which is the first such row: a
/// binary search (a linear scan when NaNs sit between values). The tail
/// after the first decrease (usually empty) is scanned directly: its
/// smallest qualifying value, and R's last kept value `y[n]` (the last
/// value not seen before). Tails longer than [`MAX_DIRECT_TAIL`] run the
/// general [`findq`].
fn findq_band(time: &[f64], band: &[f64], shape: &Shape, p: f64) -> f64 {
    let tol = QUANTILE_TOLERANCE;
    let pre = shape.prefix.min(band.len());
    let (head, tail) = band.split_at(pre);
    if tail.len() > MAX_DIRECT_TAIL || (shape.block.is_none() && !tail.is_empty()) {
        let mut x = Vec::with_capacity(time.len() + 1);
        x.push(0.0);
        x.extend_from_slice(time);
        let mut y = Vec::with_capacity(band.len() + 1);
        y.push(0.0);
        y.extend(band.iter().map(|b| 1.0 - b));
        return findq(&x, &y, p, tol);
    }
    let y_of = |v: f64| 1.0 - v;
    // Extremes over all non-NaN y (y₀ = 0 is the prefix's smallest).
    let (mut ymin, mut ymax) = (0.0_f64, shape.ymax);
    for &v in tail {
        let y = y_of(v);
        if !y.is_nan() {
            ymin = ymin.min(y);
            ymax = ymax.max(y);
        }
    }
    if ymax < p {
        return f64::NAN;
    }
    let x = |j: usize| -> f64 {
        match j.checked_sub(1) {
            None => 0.0,
            Some(k) => time.get(k).copied().unwrap_or(f64::NAN),
        }
    };
    let approx = |shift: f64| -> Option<usize> {
        if p < ymin + shift || p > ymax + shift {
            return None;
        }
        let below = |v: &f64| y_of(*v) + shift < p;
        // The prefix's first qualifying row, and its value.
        // p is in [0, 1] (never NaN): `y₀ + shift ≥ p` is R's `!(y₀ + shift < p)`.
        let in_head: Option<usize> = if shift >= p {
            Some(0)
        } else {
            match shape.block {
                Some((a, b)) => head.get(a - 1..b).and_then(|blk| {
                    let j = a + blk.partition_point(below);
                    (j <= b).then_some(j)
                }),
                None => head
                    .iter()
                    .position(|v| !y_of(*v).is_nan() && !below(v))
                    .map(|k| k + 1),
            }
        };
        let head_y = in_head.map(|j| if j == 0 { 0.0 } else { y_of(head[j - 1]) });
        // The tail's smallest qualifying value, first row on ties.
        let mut best: Option<(f64, usize)> = None;
        for (i, &v) in tail.iter().enumerate() {
            let y = y_of(v);
            if y.is_nan() || below(&v) {
                continue;
            }
            if best.is_none_or(|(bv, _)| y < bv) {
                best = Some((y, pre + 1 + i));
            }
        }
        match (head_y, best) {
            (Some(hy), Some((ty, tj))) if ty < hy => Some(tj),
            (Some(_), _) => in_head,
            (None, Some((_, tj))) => Some(tj),
            (None, None) => None,
        }
    };
    // Whether y (non-NaN) occurs in the prefix.
    let in_prefix = |y: f64| -> bool {
        if y == 0.0 {
            return true;
        }
        match shape.block {
            Some((a, b)) => head.get(a - 1..b).is_some_and(|blk| {
                let k = blk.partition_point(|v| y_of(*v) < y);
                blk.get(k).is_some_and(|v| y_of(*v) == y)
            }),
            None => head.iter().any(|v| y_of(*v) == y),
        }
    };
    // R's y[n]: the value whose first occurrence is the latest.
    let mut ylast: Option<f64> = None;
    for i in (0..tail.len()).rev() {
        let y = y_of(tail[i]);
        let seen = if y.is_nan() {
            shape.nan_at != usize::MAX || tail[..i].iter().any(|v| y_of(*v).is_nan())
        } else {
            in_prefix(y) || tail[..i].iter().any(|v| y_of(*v) == y)
        };
        if !seen {
            ylast = Some(y);
            break;
        }
    }
    let ylast = ylast.unwrap_or(
        if shape.nan_at != usize::MAX && shape.nan_at > shape.ymax_at {
            f64::NAN
        } else {
            shape.ymax
        },
    );
    let at = |i: Option<usize>| i.map_or(f64::NAN, x);
    let i1 = approx(tol);
    let i2 = approx(-tol);
    let mut quant = midpoint(at(i1), at(i2));
    if p == 0.0 {
        quant = 0.0;
    }
    if !ylast.is_nan() && (p - ylast).abs() < tol {
        quant = midpoint(at(i1), time.last().copied().unwrap_or(0.0));
    }
    quant
}

/// A quantile of the survival time with its confidence interval.
///
/// `estimate()` is `None` when the curve never reaches `1 − p`, and
/// `lower()` / `upper()` are `None` when their pointwise band never reaches
/// it (R's `NA` in each case).
///
/// # Method
/// R's `findq` rule, see [`SurvivalCurve::quantile`].
///
/// # Conventions
/// `quantile(survfit(...), p)` in R; the median of `print.survfit` differs
/// only when the curve ends exactly on `1 − p`.
///
/// # Errors
/// None: a plain value.
///
/// # Example
/// ```
/// use survkit::{datasets::aml, KaplanMeier, SurvivalData};
/// let data = SurvivalData::builder(&aml::TIME[..], aml::event()).groups(&aml::X).build()?;
/// let m = KaplanMeier::default().fit(&data)?.medians();
/// // R: print(survfit(Surv(time, status) ~ x, aml)): 31 (18, NA) and 23 (8, NA)
/// assert_eq!((m[0].estimate(), m[0].lower()), (Some(31.0), Some(18.0)));
/// assert_eq!(m[0].upper(), None); // R: NA
/// assert_eq!((m[1].estimate(), m[1].lower()), (Some(23.0), Some(8.0)));
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Brookmeyer, R. & Crowley, J. (1982). A confidence interval for the median
/// survival time. *Biometrics* 38, 29–41. doi:10.2307/2530286
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct Quantile {
    probability: f64,
    estimate: Option<f64>,
    lower: Option<f64>,
    upper: Option<f64>,
    confidence_level: ConfidenceLevel,
}

impl Quantile {
    /// The probability `p` (0.5 for the median).
    pub fn probability(&self) -> f64 {
        self.probability
    }

    /// The quantile, or `None` when not reached (R's `NA`).
    pub fn estimate(&self) -> Option<f64> {
        self.estimate
    }

    /// Lower bound of the Brookmeyer-Crowley interval, or `None` when the
    /// upper pointwise band does not reach `1 − p` (R's `NA`).
    pub fn lower(&self) -> Option<f64> {
        self.lower
    }

    /// Upper bound of the Brookmeyer-Crowley interval, or `None` when the
    /// lower pointwise band does not reach `1 − p` (R's `NA`).
    pub fn upper(&self) -> Option<f64> {
        self.upper
    }

    /// Level of the interval (the curve's pointwise level).
    pub fn confidence_level(&self) -> ConfidenceLevel {
        self.confidence_level
    }

    /// Deprecated: the interval with NaN for a bound not reached; use
    /// [`lower`](Self::lower) and [`upper`](Self::upper).
    #[deprecated(
        since = "0.2.0",
        note = "use `lower()` / `upper()` (`Option`, docs/api.md)"
    )]
    #[doc(hidden)]
    pub fn ci(&self) -> ConfidenceInterval {
        ConfidenceInterval::new(
            self.lower.unwrap_or(f64::NAN),
            self.upper.unwrap_or(f64::NAN),
            self.confidence_level,
        )
    }
}

/// The survival estimate at one requested time (a row of R's
/// `summary(fit, times = ...)`).
///
/// # Method
/// See [`SurvivalCurve::survival_at`].
///
/// # Conventions
/// R's `summary(fit, times, extend = TRUE)`: `n_risk` is the number at risk
/// at the first row at or after the time, `n_event`/`n_censor` count since
/// the previous requested time.
///
/// # Errors
/// None: a plain value.
///
/// # Example
/// ```
/// use survkit::{datasets::lung, KaplanMeier, SurvivalData};
/// let fit = KaplanMeier::default().fit(&SurvivalData::new(&lung::TIME[..], lung::event())?)?;
/// let one_year = fit.curves()[0].survival_at(&[365.0])?[0];
/// // R: summary(survfit(Surv(time, status) ~ 1, lung), times = 365): 65 at risk, 0.409
/// assert_eq!(one_year.n_risk(), 65.0);
/// assert!((one_year.survival() - 0.409).abs() < 5e-4);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Klein, J. P. & Moeschberger, M. L. (2003). *Survival Analysis*, 2nd ed.
/// Springer. doi:10.1007/b97377
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct SurvivalAtTime {
    time: f64,
    n_risk: f64,
    n_event: f64,
    n_censor: f64,
    survival: f64,
    std_err_surv: f64,
    ci: ConfidenceInterval,
}

impl SurvivalAtTime {
    /// The requested time.
    pub fn time(&self) -> f64 {
        self.time
    }

    /// Number (or weight) at risk at the time (R's `n.risk`).
    pub fn n_risk(&self) -> f64 {
        self.n_risk
    }

    /// Events since the previous requested time (R's `n.event`).
    pub fn n_event(&self) -> f64 {
        self.n_event
    }

    /// Censorings since the previous requested time (R's `n.censor`).
    pub fn n_censor(&self) -> f64 {
        self.n_censor
    }

    /// The survival estimate (R's `surv`).
    pub fn survival(&self) -> f64 {
        self.survival
    }

    /// Standard error of the survival estimate (R's `summary()$std.err`).
    pub fn std_err_surv(&self) -> f64 {
        self.std_err_surv
    }

    /// The pointwise confidence interval.
    pub fn confidence_interval(&self) -> ConfidenceInterval {
        self.ci
    }

    /// Deprecated alias of [`confidence_interval`](Self::confidence_interval).
    #[deprecated(
        since = "0.2.0",
        note = "renamed to `confidence_interval` (docs/api.md)"
    )]
    #[doc(hidden)]
    pub fn ci(&self) -> ConfidenceInterval {
        self.confidence_interval()
    }
}

/// Restricted mean survival time up to `tau` with its standard error.
///
/// # Method
/// See [`SurvivalCurve::restricted_mean`].
///
/// # Conventions
/// R's `survmean` (`print(fit, rmean = tau)`).
///
/// # Errors
/// None: a plain value.
///
/// # Example
/// ```
/// use survkit::{datasets::lung, KaplanMeier, SurvivalData};
/// let fit = KaplanMeier::default().fit(&SurvivalData::new(&lung::TIME[..], lung::event())?)?;
/// let rm = fit.curves()[0].restricted_mean(365.0)?;
/// // R: print(survfit(Surv(time, status) ~ 1, lung), rmean = 365): 263, se 7.8
/// assert!((rm.estimate() - 263.0).abs() < 0.5 && (rm.std_err() - 7.8).abs() < 0.05);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Klein, J. P. & Moeschberger, M. L. (2003). *Survival Analysis*, 2nd ed.,
/// section 4.5. Springer. doi:10.1007/b97377
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct RestrictedMean {
    tau: f64,
    estimate: f64,
    std_err: f64,
}

impl RestrictedMean {
    /// The truncation time τ.
    pub fn tau(&self) -> f64 {
        self.tau
    }

    /// `∫₀^τ S(t) dt` (R's `rmean`).
    pub fn estimate(&self) -> f64 {
        self.estimate
    }

    /// Its standard error (R's `se(rmean)`).
    pub fn std_err(&self) -> f64 {
        self.std_err
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SplitMix64 (deterministic, no dependency).
    struct Mix(u64);
    impl Mix {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// The fast quantile search answers as R's general `findq` (with its
    /// hash-set `duplicated()` and sort) on bands of every shape: monotone
    /// with runs of ties, NaN prefixes, suffixes and holes, values within
    /// the tolerance of p, non-monotone ones, ±0.
    #[test]
    fn findq_band_equals_general_findq() {
        let mut rng = Mix(7);
        let probs = [0.0, 1e-9, 0.1, 0.25, 0.5, 0.5 + 1e-9, 0.75, 0.9, 1.0];
        for case in 0..40_000 {
            let m = 1 + rng.below(12) as usize;
            let mut time: Vec<f64> = (0..m).map(|_| rng.below(40) as f64).collect();
            time.sort_by(f64::total_cmp);
            time.dedup();
            let m = time.len();
            // A non-increasing band on a coarse grid (ties), then damage.
            let mut band: Vec<f64> = Vec::with_capacity(m);
            let mut v = 1.0_f64;
            for _ in 0..m {
                match rng.below(4) {
                    0 => {}
                    1 => v -= 0.25,
                    2 => v -= rng.below(8) as f64 / 16.0,
                    _ => v = 0.5 + [0.0, 1e-9, -1e-9, 2e-8][rng.below(4) as usize],
                }
                band.push(v.clamp(0.0, 1.0).min(band.last().copied().unwrap_or(1.0)));
            }
            match case % 7 {
                6 => {
                    for _ in 0..3 {
                        let k = rng.below(m as u64) as usize;
                        band[k] = match rng.below(3) {
                            0 => f64::NAN,
                            1 => rng.below(9) as f64 / 8.0,
                            _ => band[rng.below(m as u64) as usize],
                        };
                    }
                }
                1 => {
                    let k = rng.below(m as u64 + 1) as usize;
                    for b in band.iter_mut().take(k) {
                        *b = f64::NAN;
                    }
                }
                2 => {
                    let k = rng.below(m as u64 + 1) as usize;
                    for b in band.iter_mut().skip(k) {
                        *b = f64::NAN;
                    }
                }
                3 => {
                    let k = rng.below(m as u64) as usize;
                    band[k] = f64::NAN;
                }
                4 => {
                    let k = rng.below(m as u64) as usize;
                    band[k] = rng.below(5) as f64 / 4.0;
                }
                5 => {
                    let k = rng.below(m as u64) as usize;
                    band[k] = if rng.below(2) == 0 { -0.0 } else { 1.0 };
                }
                _ => {}
            }
            let shape = Shape::of(&band);
            let mut x = vec![0.0];
            x.extend_from_slice(&time);
            let mut y = vec![0.0];
            y.extend(band.iter().map(|b| 1.0 - b));
            for &p in &probs {
                let want = findq(&x, &y, p, QUANTILE_TOLERANCE);
                let got = findq_band(&time, &band, &shape, p);
                assert!(
                    want.to_bits() == got.to_bits() || (want.is_nan() && got.is_nan()),
                    "case {case}: p = {p}, band {band:?}, time {time:?}: {got} vs {want}"
                );
            }
        }
    }

    /// Issue #11: `(a + b) / 2` overflowed to ∞ for times near `f64::MAX`.
    #[test]
    fn midpoint_of_huge_times_is_finite() {
        let (a, b) = (f64::MAX, f64::MAX / 2.0 * 1.5);
        assert_eq!(midpoint(a, b), a / 2.0 + b / 2.0);
        assert!(midpoint(a, b).is_finite());
        assert_eq!(midpoint(3.0, 4.0), 3.5);
        assert!(midpoint(f64::NAN, 1.0).is_nan());
    }
}
