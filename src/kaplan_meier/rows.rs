//! A curve read row by row ([`SurvivalCurve::rows`]) and its totals.

use super::SurvivalCurve;
use crate::curve_counts::Rows;

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
    /// The row's time (R's `time`).
    pub fn time(&self) -> f64 {
        self.time
    }

    /// Number (or weight) at risk just before the time (R's `n.risk`).
    pub fn n_risk(&self) -> f64 {
        self.n_risk
    }

    /// Events at the time (R's `n.event`).
    pub fn n_event(&self) -> f64 {
        self.n_event
    }

    /// Censored at the time (R's `n.censor`).
    pub fn n_censor(&self) -> f64 {
        self.n_censor
    }

    /// The Kaplan-Meier estimate after the time (R's `surv`).
    pub fn survival(&self) -> f64 {
        self.survival
    }

    /// Greenwood standard error on the log scale (R's `fit$std.err`).
    pub fn std_err_log(&self) -> f64 {
        self.std_err_log
    }

    /// Standard error of the estimate (R's `summary(fit)$std.err`).
    pub fn std_err_surv(&self) -> f64 {
        self.std_err_surv
    }

    /// Lower pointwise bound (R's `lower`).
    pub fn lower(&self) -> f64 {
        self.lower
    }

    /// Upper pointwise bound (R's `upper`).
    pub fn upper(&self) -> f64 {
        self.upper
    }
}

impl SurvivalCurve {
    /// The rows of the curve, in time order, without building a column
    /// (the counts are decoded as the iterator goes; the standard errors
    /// and bounds are computed once, on first use, as their accessors do).
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
        CurveRows {
            curve: self,
            counts: self.counts.rows(),
            std_err_log: self.std_err_log(),
            std_err_surv: self.std_err_surv(),
            lower: self.lower(),
            upper: self.upper(),
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
    counts: Rows<'a>,
    std_err_log: &'a [f64],
    std_err_surv: &'a [f64],
    lower: &'a [f64],
    upper: &'a [f64],
    next: usize,
}

impl Iterator for CurveRows<'_> {
    type Item = CurveRow;

    fn next(&mut self) -> Option<CurveRow> {
        let i = self.next;
        if i >= self.curve.len() {
            return None;
        }
        let (n_risk, n_event, n_censor) = self
            .counts
            .next()
            .expect("the counts have one row per time");
        self.next += 1;
        Some(CurveRow {
            time: self.curve.time[i],
            n_risk,
            n_event,
            n_censor,
            survival: self.curve.surv[i],
            std_err_log: self.std_err_log[i],
            std_err_surv: self.std_err_surv[i],
            lower: self.lower[i],
            upper: self.upper[i],
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
