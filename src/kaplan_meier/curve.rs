//! A fitted Kaplan-Meier curve and what is read off it: the counts, `S`,
//! both standard errors and the pointwise bounds (computed once and kept),
//! the cumulative hazard, survival at given times and the restricted mean.

use std::sync::OnceLock;

use super::confint::ci_bounds;
use super::fit::CurveInfo;
use super::quantile::{findq_band, Quantile, Shape};
use super::sketch::Sketch;
use crate::builder::{getters, renamed};
use crate::curve_counts::{Column, Counts, Cursor};
use crate::error::Result;
use crate::event_table::GroupCounts;
use crate::interval::{CiTransform, ConfidenceInterval, ConfidenceLevel};
use crate::ErrorDetail;

/// The Kaplan-Meier curves of a data set, one per group (and stratum).
///
/// # Method
/// See [`KaplanMeier`](super::KaplanMeier); the fit also holds the level and transform of the
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
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct KaplanMeierFit {
    pub(super) curves: Vec<SurvivalCurve>,
    pub(super) conf_level: ConfidenceLevel,
    pub(super) transform: CiTransform,
}

impl KaplanMeierFit {
    getters! {
        /// The curves, group-major (then stratum), in level order.
        pub fn curves(&self) -> &[SurvivalCurve] { &self.curves }
    }

    /// The curve with the given name, if any.
    pub fn curve(&self, name: &str) -> Option<&SurvivalCurve> {
        self.curves.iter().find(|c| c.name == name)
    }

    getters! {
        /// Level of the pointwise intervals.
        pub fn confidence_level(&self) -> ConfidenceLevel { self.conf_level }

        /// Transform of the pointwise intervals.
        pub fn transform(&self) -> CiTransform { self.transform }
    }

    renamed! {
        pub fn conf_level(&self) -> ConfidenceLevel { self.confidence_level() }
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
/// See [`KaplanMeier`](super::KaplanMeier) for the estimate, Greenwood's variance, the interval
/// transforms and the cumulative hazard; each method documents its own rule.
///
/// # Storage
/// A curve stores its row times, `S` and the counts. The standard errors,
/// the pointwise bounds (both in one pass) and the three count columns are
/// computed on their first use and kept, so their accessors return slices;
/// each costs 8 bytes a row once computed. [`rows`](Self::rows) reads the
/// counts without building a column and computes each row's standard errors
/// and bounds from the running Greenwood sum (the same values, bit for bit),
/// and [`quantile`](Self::quantile) reads the bounds through a sketch of
/// about 0.2 bytes a row (their shapes, their non-monotone tails, and a
/// checkpoint every 256 rows from which a segment is recomputed) unless the
/// bounds are already kept: the complete result read through `rows` and
/// `quantile` costs no memory beyond the curve (2.8× the input columns at
/// 10⁷ continuous times, against 6.1× with the four columns kept). The cumulative hazard is computed on
/// each call and returned as a `Vec`. Whole
/// counts whose number at risk is the exits from each row on (typically
/// unweighted data without entry times) are packed one byte a row (events
/// and censored in a nibble each, rows with 15 or more escaped to a side
/// list; the number at risk is the total minus the exits before the row),
/// so a curve costs 17 bytes a row instead of 48; other curves (fractional
/// weights, entries after the first exit) keep f64 columns of n at risk,
/// events and censored. The form is chosen by the counts alone, so curves
/// fitted from the same rows compare equal (computed columns do not take
/// part in the comparison).
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
#[must_use]
pub struct SurvivalCurve {
    pub(super) name: String,
    pub(super) group: String,
    pub(super) stratum: String,
    pub(super) time: Vec<f64>,
    pub(super) counts: Counts,
    pub(super) surv: Vec<f64>,
    pub(super) conf_level: ConfidenceLevel,
    pub(super) transform: CiTransform,
    pub(super) z: f64,
    pub(super) cache: Cache,
}

/// The columns of a curve computed on first use and kept (each at most
/// once): Greenwood σ, the standard error of `S`, the pointwise bounds with
/// the shape of their quantile scales, and the shape of `1 − S`. Not part of
/// the curve's value: equality ignores it, serde skips it, and
/// [`SurvivalCurve::with_ci`] drops the bounds.
#[derive(Clone, Default)]
pub(super) struct Cache {
    n_risk: OnceLock<Vec<f64>>,
    n_event: OnceLock<Vec<f64>>,
    n_censor: OnceLock<Vec<f64>>,
    std_err_log: OnceLock<Vec<f64>>,
    std_err_surv: OnceLock<Vec<f64>>,
    bounds: OnceLock<Bounds>,
    surv_shape: OnceLock<Shape>,
    /// What the quantiles need of the bounds when the bounds are not kept.
    pub(super) sketch: OnceLock<Sketch>,
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
    pub(super) fn from_counts(counts: &GroupCounts<'_>, reverse: bool, info: CurveInfo) -> Self {
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
    pub(super) fn from_columns(cols: [Vec<f64>; 4], info: CurveInfo) -> Self {
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

    getters! {
        /// The curve's name: the group name, the stratum name, or
        /// `"group, stratum"` when the data have both.
        pub fn name(&self) -> &str { &self.name }

        /// The group name (`"all"` when ungrouped).
        pub fn group(&self) -> &str { &self.group }

        /// The stratum name (`"all"` when unstratified).
        pub fn stratum(&self) -> &str { &self.stratum }

        /// Number of rows (steps).
        pub fn len(&self) -> usize { self.time.len() }

        /// Always false: a fitted curve has at least one row.
        pub fn is_empty(&self) -> bool { self.time.is_empty() }

        /// Row times (R's `time`).
        pub fn time(&self) -> &[f64] { &self.time }
    }

    /// The last row time.
    pub fn last_time(&self) -> f64 {
        self.time.last().copied().unwrap_or(f64::NAN)
    }

    /// Number (or weight) at risk just before each time (R's `n.risk`),
    /// decoded from the stored counts on the first call and kept (8 bytes a
    /// row; [`rows`](Self::rows) reads the counts without a column).
    pub fn n_risk(&self) -> &[f64] {
        self.cache
            .n_risk
            .get_or_init(|| self.counts.column(Column::AtRisk))
    }

    /// Number (or weight) of events at each time (R's `n.event`), decoded
    /// on the first call and kept.
    pub fn n_event(&self) -> &[f64] {
        self.cache
            .n_event
            .get_or_init(|| self.counts.column(Column::Events))
    }

    /// Number (or weight) censored at each time (R's `n.censor`), decoded
    /// on the first call and kept.
    pub fn n_censor(&self) -> &[f64] {
        self.cache
            .n_censor
            .get_or_init(|| self.counts.column(Column::Censored))
    }

    getters! {
        /// The survival estimate `S(t)` after each time (R's `surv`).
        pub fn survival(&self) -> &[f64] { &self.surv }
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
            // Collected from the zipped slices: written once, no zeroing pass.
            let sigma = self.std_err_log();
            self.surv.iter().zip(sigma).map(|(s, e)| s * e).collect()
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

    getters! {
        /// Level of the stored pointwise intervals.
        pub fn confidence_level(&self) -> ConfidenceLevel { self.conf_level }

        /// Transform of the stored pointwise intervals.
        pub fn transform(&self) -> CiTransform { self.transform }
    }

    renamed! {
        pub fn conf_level(&self) -> ConfidenceLevel { self.confidence_level() }
    }

    /// Lower pointwise confidence bounds at the fit's level and transform
    /// (R's `lower`), computed on the first call of [`lower`](Self::lower)
    /// or [`upper`](Self::upper) (both bounds in one pass) and kept
    /// ([`rows`](Self::rows) and the quantiles compute them without keeping
    /// them).
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
            // Pushed into vectors of the final capacity: written once, with
            // no zeroing pass (a zeroed 8 MB column costs a memset of its own).
            let (mut lower, mut upper) = (Vec::with_capacity(rows), Vec::with_capacity(rows));
            let (z, tr) = (self.z, self.transform);
            // A row without events repeats the previous row's S and σ, so
            // its bounds are the previous ones (the same inputs): reused
            // rather than recomputed (a third of the rows with 30% censored).
            let mut prev: Option<(u64, u64, [f64; 2])> = None;
            for (&s, &e) in self.surv.iter().zip(sigma) {
                let key = (s.to_bits(), e.to_bits());
                let b = match prev {
                    Some((ps, pe, b)) if (ps, pe) == key => b,
                    _ => ci_bounds(s, e, z, tr),
                };
                prev = Some((key.0, key.1, b));
                lower.push(b[0]);
                upper.push(b[1]);
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

    /// σ, lower and upper bounds when all three are kept (a caller asked
    /// for them), for [`rows`](Self::rows) to read instead of recomputing.
    pub(super) fn kept_columns(&self) -> Option<[&[f64]; 3]> {
        let sigma = self.cache.std_err_log.get()?;
        let b = self.cache.bounds.get()?;
        Some([sigma, &b.lower, &b.upper])
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
        c.cache.sketch = OnceLock::new();
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
    /// of `y` dropped (first occurrence kept) and `ε` = [`QUANTILE_TOLERANCE`](super::QUANTILE_TOLERANCE):
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
    /// # Cost
    /// With the bounds kept (after [`lower`](Self::lower) or
    /// [`upper`](Self::upper)), binary searches. Otherwise the bounds are
    /// read through a sketch made by one walk of the curve (or left by a
    /// complete [`rows`](Self::rows) iteration), without keeping them: then
    /// a binary search over checkpoints and a segment of at most 256 rows
    /// recomputed per search.
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidProbability`](crate::ErrorDetail::InvalidProbability) when `p` is NaN or outside `[0, 1]`.
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
            return Err(ErrorDetail::InvalidProbability {
                what: "quantile probability",
                value: p,
            }
            .into());
        }
        Ok(self.quantile_unchecked(p))
    }

    fn quantile_unchecked(&self, p: f64) -> Quantile {
        let est = findq_band(&self.time, &self.surv, self.surv_shape(), p);
        // The bounds in memory when a caller asked for them; else read
        // through their sketch, without keeping them (8 bytes a row each).
        let (lo, hi) = match self.cache.bounds.get() {
            Some(b) => (
                findq_band(&self.time, &b.lower, &b.lower_shape, p),
                findq_band(&self.time, &b.upper, &b.upper_shape, p),
            ),
            None => {
                let sketch = self.cache.sketch.get_or_init(|| Sketch::of(self));
                (sketch.findq(self, 0, p), sketch.findq(self, 1, p))
            }
        };
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
    /// [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) for no times, [`ErrorDetail::NonFinite`](crate::ErrorDetail::NonFinite) for a NaN or
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
            return Err(ErrorDetail::EmptyInput { what: "times" }.into());
        }
        for (index, &t) in times.iter().enumerate() {
            if !t.is_finite() {
                return Err(ErrorDetail::NonFinite {
                    what: "times",
                    index,
                    value: t,
                }
                .into());
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
    /// [`ErrorDetail::NonFinite`](crate::ErrorDetail::NonFinite) or [`ErrorDetail::Negative`](crate::ErrorDetail::Negative) for a bad `tau`;
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) when the restricted mean or its standard
    /// error exceeds `f64::MAX` even so.
    pub fn restricted_mean(&self, tau: f64) -> Result<RestrictedMean> {
        if !tau.is_finite() {
            return Err(ErrorDetail::NonFinite {
                what: "tau",
                index: 0,
                value: tau,
            }
            .into());
        }
        if tau < 0.0 {
            return Err(ErrorDetail::Negative {
                what: "tau",
                index: 0,
                value: tau,
            }
            .into());
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
            return Err(ErrorDetail::InvalidParameter {
                what: "tau",
                constraint: "small enough that the restricted mean and its standard error \
                             fit in an f64",
                value: tau,
            }
            .into());
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
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
    getters! {
        /// The requested time.
        pub fn time(&self) -> f64 { self.time }

        /// Number (or weight) at risk at the time (R's `n.risk`).
        pub fn n_risk(&self) -> f64 { self.n_risk }

        /// Events since the previous requested time (R's `n.event`).
        pub fn n_event(&self) -> f64 { self.n_event }

        /// Censorings since the previous requested time (R's `n.censor`).
        pub fn n_censor(&self) -> f64 { self.n_censor }

        /// The survival estimate (R's `surv`).
        pub fn survival(&self) -> f64 { self.survival }

        /// Standard error of the survival estimate (R's `summary()$std.err`).
        pub fn std_err_surv(&self) -> f64 { self.std_err_surv }

        /// The pointwise confidence interval.
        pub fn confidence_interval(&self) -> ConfidenceInterval { self.ci }
    }

    renamed! {
        pub fn ci(&self) -> ConfidenceInterval { self.confidence_interval() }
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
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct RestrictedMean {
    tau: f64,
    estimate: f64,
    std_err: f64,
}

impl RestrictedMean {
    getters! {
        /// The truncation time τ.
        pub fn tau(&self) -> f64 { self.tau }

        /// `∫₀^τ S(t) dt` (R's `rmean`).
        pub fn estimate(&self) -> f64 { self.estimate }

        /// Its standard error (R's `se(rmean)`).
        pub fn std_err(&self) -> f64 { self.std_err }
    }
}
