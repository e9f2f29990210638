//! A curve read row by row ([`SurvivalCurve::rows`]) and its totals.

use super::sketch::{SketchBuilder, Walk};
use super::SurvivalCurve;
use crate::builder::getters;

/// One row of a Kaplan-Meier curve: a distinct exit time with its counts,
/// the estimate, both standard errors and the pointwise bounds (one row of
/// R's `summary(fit, censored = TRUE)`).
///
/// # Method
/// See [`SurvivalCurve`] for each column.
///
/// # Conventions
/// Column names as R's `survfit` components: `n_risk` is `n.risk`,
/// `std_err_log` is `fit$std.err` (of the cumulative hazard, the log
/// scale), `std_err_surv` is `summary(fit)$std.err` (of `S`).
///
/// # Errors
/// None: a plain value.
///
/// # Example
/// ```
/// use survkit::{datasets::aml, KaplanMeier, SurvivalData};
/// let fit = KaplanMeier::new().fit(&SurvivalData::new(&aml::TIME[..], aml::event())?)?;
/// let first = fit.curves()[0].rows().next().expect("a fitted curve has rows");
/// // R: summary(survfit(Surv(time, status) ~ 1, aml))$n.risk[1] and $surv[1]
/// assert_eq!((first.time(), first.n_risk(), first.n_event()), (5.0, 23.0, 2.0));
/// assert!((first.survival() - 21.0 / 23.0).abs() < 1e-15);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete
/// observations. *JASA* 53, 457–481. doi:10.1080/01621459.1958.10501452
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct CurveRow {
    time: f64,
    n_risk: f64,
    n_event: f64,
    n_censor: f64,
    survival: f64,
    std_err_log: f64,
    std_err_surv: f64,
    lower: f64,
    upper: f64,
}

impl CurveRow {
    getters! {
        /// The row's time (R's `time`).
        pub fn time(&self) -> f64 { self.time }

        /// Number (or weight) at risk just before the time (R's `n.risk`).
        pub fn n_risk(&self) -> f64 { self.n_risk }

        /// Events at the time (R's `n.event`).
        pub fn n_event(&self) -> f64 { self.n_event }

        /// Censored at the time (R's `n.censor`).
        pub fn n_censor(&self) -> f64 { self.n_censor }

        /// The Kaplan-Meier estimate after the time (R's `surv`).
        pub fn survival(&self) -> f64 { self.survival }

        /// Greenwood standard error on the log scale (R's `fit$std.err`).
        pub fn std_err_log(&self) -> f64 { self.std_err_log }

        /// Standard error of the estimate (R's `summary(fit)$std.err`).
        pub fn std_err_surv(&self) -> f64 { self.std_err_surv }

        /// Lower pointwise bound (R's `lower`).
        pub fn lower(&self) -> f64 { self.lower }

        /// Upper pointwise bound (R's `upper`).
        pub fn upper(&self) -> f64 { self.upper }
    }
}

impl SurvivalCurve {
    /// The rows of the curve, in time order, without building a column.
    ///
    /// # Cost
    /// The counts are decoded as the iterator goes, and each row's standard
    /// errors and bounds are computed from the running Greenwood sum (a
    /// `sqrt`, one `exp` and a division per row with events, for the default
    /// log transform), bit for bit the values of
    /// [`std_err_log`](Self::std_err_log), [`std_err_surv`](Self::std_err_surv),
    /// [`lower`](Self::lower) and [`upper`](Self::upper), which are not
    /// computed nor kept: the complete result of a curve costs no memory
    /// beyond the curve. When those columns are already kept (an accessor
    /// was called) they are read instead. An iteration that reaches the end
    /// also leaves what the quantiles need of the bounds (a sketch of about
    /// 0.2 bytes a row), so that [`quantile`](Self::quantile) after it
    /// recomputes a few hundred rows per bound instead of the whole curve.
    ///
    /// # Example
    /// ```
    /// use survkit::{datasets::lung, KaplanMeier, SurvivalData};
    /// let fit = KaplanMeier::new().fit(&SurvivalData::new(&lung::TIME[..], lung::event())?)?;
    /// let curve = &fit.curves()[0];
    /// let one_year = curve.rows().take_while(|r| r.time() <= 365.0).last().expect("rows");
    /// // R: summary(survfit(Surv(time, status) ~ 1, lung), times = 365)$surv = 0.409
    /// assert!((one_year.survival() - 0.409).abs() < 5e-4);
    /// assert_eq!(curve.rows().len(), curve.len());
    /// # Ok::<(), survkit::Error>(())
    /// ```
    pub fn rows(&self) -> impl ExactSizeIterator<Item = CurveRow> + '_ {
        let kept = self.kept_columns();
        let sketch = (kept.is_none() && self.cache.sketch.get().is_none())
            .then(|| SketchBuilder::new(self.len()));
        CurveRows {
            curve: self,
            walk: Walk::new(self),
            kept,
            sketch,
            next: 0,
        }
    }

    /// Subjects (or the sum of their weights) at risk at the start: R's
    /// `n` column of `print(fit)` (`n.start`; with delayed entry, the number
    /// at risk at the first row).
    pub fn n(&self) -> f64 {
        let (n, _, _) = self
            .counts
            .rows()
            .next()
            .expect("a fitted curve has at least one row");
        n
    }

    /// Total events (or their weight) on the curve: R's `events` column of
    /// `print(fit)`.
    pub fn events(&self) -> f64 {
        self.counts.rows().map(|(_, d, _)| d).sum()
    }
}

/// The iterator of [`SurvivalCurve::rows`].
struct CurveRows<'a> {
    curve: &'a SurvivalCurve,
    walk: Walk<'a>,
    /// σ, lower and upper when the curve keeps them.
    kept: Option<[&'a [f64]; 3]>,
    /// The sketch of the bounds, built on the way when the curve has none.
    sketch: Option<SketchBuilder>,
    next: usize,
}

impl Iterator for CurveRows<'_> {
    type Item = CurveRow;

    #[inline]
    fn next(&mut self) -> Option<CurveRow> {
        let curve = self.curve;
        let i = self.next;
        let Some(&time) = curve.time.get(i) else {
            if let Some(builder) = self.sketch.take() {
                // Already set only by a quantile call during the iteration:
                // the same sketch.
                let _ = curve.cache.sketch.set(builder.finish(curve.len()));
            }
            return None;
        };
        self.next += 1;
        if let Some([sigma, lower, upper]) = self.kept {
            let (n_risk, n_event, n_censor) = self
                .walk
                .counts
                .next()
                .expect("the counts have one row per time");
            let s = curve.surv[i];
            return Some(CurveRow {
                time,
                n_risk,
                n_event,
                n_censor,
                survival: s,
                std_err_log: sigma[i],
                std_err_surv: s * sigma[i],
                lower: lower[i],
                upper: upper[i],
            });
        }
        if let Some(builder) = &mut self.sketch {
            builder.before_row(&self.walk, curve);
        }
        let step = self
            .walk
            .next(curve)
            .expect("the counts have one row per time");
        if let Some(builder) = &mut self.sketch {
            builder.row(i, step.bounds);
        }
        Some(CurveRow {
            time,
            n_risk: step.n,
            n_event: step.d,
            n_censor: step.c,
            survival: step.s,
            std_err_log: step.sigma,
            std_err_surv: step.s * step.sigma,
            lower: step.bounds[0],
            upper: step.bounds[1],
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.curve.len() - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for CurveRows<'_> {}

/// The wire form of a curve (`serde` feature): its names, level and
/// transform, the totals and the nine columns of [`CurveRow`] as arrays,
/// computed from the public accessors, so that it does not depend on how a
/// curve is stored. A curve does not deserialise (it is a result, made by a
/// fit); read the columns back as plain arrays.
#[cfg(feature = "serde")]
impl serde::Serialize for SurvivalCurve {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut s = serializer.serialize_struct("SurvivalCurve", 16)?;
        s.serialize_field("name", self.name())?;
        s.serialize_field("group", self.group())?;
        s.serialize_field("stratum", self.stratum())?;
        s.serialize_field("confidence_level", &self.confidence_level())?;
        s.serialize_field("transform", &self.transform())?;
        s.serialize_field("n", &self.n())?;
        s.serialize_field("events", &self.events())?;
        s.serialize_field("time", self.time())?;
        s.serialize_field("n_risk", &self.n_risk())?;
        s.serialize_field("n_event", &self.n_event())?;
        s.serialize_field("n_censor", &self.n_censor())?;
        s.serialize_field("survival", self.survival())?;
        s.serialize_field("std_err_log", self.std_err_log())?;
        s.serialize_field("std_err_surv", self.std_err_surv())?;
        s.serialize_field("lower", self.lower())?;
        s.serialize_field("upper", self.upper())?;
        s.end()
    }
}
