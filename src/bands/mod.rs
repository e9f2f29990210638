//! Simultaneous confidence bands for a Kaplan-Meier curve: Hall-Wellner and
//! equal precision (Nair), with critical values computed, not tabulated.

mod critical;

use crate::ErrorDetail;
use std::time::{Duration, Instant};

use crate::error::{Error, Result};
use crate::interval::{CiTransform, ConfidenceLevel};
use crate::kaplan_meier::{ci_bounds, SurvivalCurve};
use crate::rformat::{format_column, format_number};

use self::critical::{
    critical_value_at_level, equal_precision_coverage, hall_wellner_coverage, Budget,
};

/// Default time budget of one critical value (10 s; ordinary ranges take
/// 5 to 50 ms in a release build, equal-precision ranges with `a_L` and
/// `a_U` very close up to seconds: `docs/methods/bands.md`).
pub const DEFAULT_BAND_TIME_LIMIT: Duration = Duration::from_secs(10);

/// Which simultaneous band: the weight of the band and its limiting process.
///
/// With `σ²(t)` the Greenwood sum (the variance of `−log Ŝ(t)`, R's
/// `std.err²`), `n` the sample size and `a(t) = n σ²(t) / (1 + n σ²(t))`:
///
/// ```text
/// HallWellner     half-width ∝ (1 + n σ²(t)) / √n    c: P(sup_{a_L ≤ x ≤ a_U} |B⁰(x)| ≤ c) = level
/// EqualPrecision  half-width ∝ σ(t)                   c: P(sup_{a_L ≤ x ≤ a_U} |B⁰(x)| / √(x(1 − x)) ≤ c) = level
/// ```
///
/// `B⁰` is the Brownian bridge. Equal-precision bands are a constant
/// multiple of the pointwise intervals; Hall-Wellner bands are relatively
/// narrower late in the curve and wider early.
///
/// # Example
/// ```
/// use survkit::{BandKind, ConfidenceLevel};
/// // Kolmogorov's 95% point (a_L = 0, a_U = 1).
/// let c = BandKind::HallWellner.critical_value(ConfidenceLevel::new(0.95)?, 0.0, 1.0)?;
/// assert!((c - 1.358_098_6).abs() < 1e-7);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Hall, W. J. & Wellner, J. A. (1980). Confidence bands for a survival
///   curve from censored data. *Biometrika* 67, 133–143.
///   doi:10.1093/biomet/67.1.133
/// - Nair, V. N. (1984). Confidence bands for survival functions with
///   censored data: a comparative study. *Technometrics* 26, 265–275.
///   doi:10.1080/00401706.1984.10487964
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum BandKind {
    /// Hall & Wellner (1980) (km.ci's `"hall-wellner"`, `"loghall"`).
    #[default]
    HallWellner,
    /// Nair's (1984) equal-precision band (km.ci's `"epband"`, `"logep"`).
    EqualPrecision,
}

impl BandKind {
    /// The band's name as printed.
    fn name(self) -> &'static str {
        match self {
            BandKind::HallWellner => "Hall-Wellner",
            BandKind::EqualPrecision => "Equal-precision",
        }
    }

    /// The boundary-non-crossing probability of the band's process at the
    /// critical value `c` over `[a_lower, a_upper]` (see the type's docs and
    /// `docs/methods/bands.md`): the coverage of the band at `c`.
    ///
    /// # Method
    /// Hall-Wellner: method-of-images series for Brownian motion killed
    /// outside `(−c, c)`, pinned at 1, integrated by adaptive Gauss-Kronrod;
    /// equal precision: eigenfunction expansion of the Ornstein-Uhlenbeck
    /// process in `(−c, c)` over `L = ½ log(a_U (1 − a_L) / (a_L (1 −
    /// a_U)))`. Absolute error below 1e-13 (checked against Monte Carlo and
    /// closed forms, `docs/validation/bands.md`).
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for `c` not positive and finite, `a_lower`
    /// or `a_upper` outside `[0, 1]` or `a_lower > a_upper`, and for equal
    /// precision `a_lower = 0` or `a_upper = 1` (the band is infinitely
    /// wide); [`ErrorDetail::BudgetExceeded`](crate::ErrorDetail::BudgetExceeded) past [`DEFAULT_BAND_TIME_LIMIT`].
    pub fn coverage(self, c: f64, a_lower: f64, a_upper: f64) -> Result<f64> {
        if !(c > 0.0 && c.is_finite()) {
            return Err(ErrorDetail::InvalidParameter {
                what: "c",
                constraint: "positive and finite",
                value: c,
            }
            .into());
        }
        self.check_a(a_lower, a_upper)?;
        let budget = Budget {
            start: Instant::now(),
            limit: DEFAULT_BAND_TIME_LIMIT,
        };
        self.coverage_unchecked(c, a_lower, a_upper, &budget)
    }

    /// The critical value `c` whose [`coverage`](Self::coverage) over
    /// `[a_lower, a_upper]` is `level` (K&M's `h_α(a_L, a_U)` and
    /// `e_α(a_L, a_U)`, their Tables C.3 and C.4), to a relative 1e-12.
    ///
    /// # Method
    /// Brent's method on the coverage, from a bracket found by doubling.
    ///
    /// # Errors
    /// As [`coverage`](Self::coverage).
    pub fn critical_value(self, level: ConfidenceLevel, a_lower: f64, a_upper: f64) -> Result<f64> {
        self.check_a(a_lower, a_upper)?;
        let budget = Budget {
            start: Instant::now(),
            limit: DEFAULT_BAND_TIME_LIMIT,
        };
        self.critical_unchecked(level, a_lower, a_upper, &budget)
    }

    fn check_a(self, a_lower: f64, a_upper: f64) -> Result<()> {
        let open = self == BandKind::EqualPrecision;
        let ok = |a: f64| {
            if open {
                a > 0.0 && a < 1.0
            } else {
                (0.0..=1.0).contains(&a)
            }
        };
        let constraint = if open {
            "in (0, 1) for an equal-precision band"
        } else {
            "in [0, 1]"
        };
        if !ok(a_lower) {
            return Err(ErrorDetail::InvalidParameter {
                what: "a_lower",
                constraint,
                value: a_lower,
            }
            .into());
        }
        if !ok(a_upper) || a_upper < a_lower {
            return Err(ErrorDetail::InvalidParameter {
                what: "a_upper",
                constraint: if open {
                    "in (0, 1) and at least a_lower for an equal-precision band"
                } else {
                    "in [0, 1] and at least a_lower"
                },
                value: a_upper,
            }
            .into());
        }
        Ok(())
    }

    fn coverage_unchecked(self, c: f64, a_l: f64, a_u: f64, budget: &Budget) -> Result<f64> {
        if c <= 0.0 {
            return Ok(0.0);
        }
        match self {
            BandKind::HallWellner => Ok(hall_wellner_coverage(c, a_l, a_u)),
            BandKind::EqualPrecision => equal_precision_coverage(c, a_l, a_u, budget),
        }
    }

    fn critical_unchecked(
        self,
        level: ConfidenceLevel,
        a_l: f64,
        a_u: f64,
        budget: &Budget,
    ) -> Result<f64> {
        if self == BandKind::HallWellner && a_u == 0.0 {
            return Err(ErrorDetail::InvalidParameter {
                what: "a_upper",
                constraint: "positive for a Hall-Wellner band (an event at or before t_U)",
                value: a_u,
            }
            .into());
        }
        critical_value_at_level(level.value(), |c| {
            self.coverage_unchecked(c, a_l, a_u, budget)
        })
    }
}

/// Simultaneous confidence band for a Kaplan-Meier curve over `[t_L, t_U]`:
/// Hall-Wellner or equal precision, on the linear, log, log-log, logit or
/// arcsine scale, at any level, with the critical value computed.
///
/// # Method
/// With `Ŝ(t)` the estimate, `σ²(t) = Σ_{tᵢ ≤ t} dᵢ / (nᵢ (nᵢ − dᵢ))` the
/// Greenwood sum ([`SurvivalCurve::std_err_log`] squared), `n` the number of
/// subjects (all exits of the curve) and
///
/// ```text
/// a_L = n σ²(t_L) / (1 + n σ²(t_L)),   a_U = n σ²(t_U) / (1 + n σ²(t_U))
/// w(t) = σ(t)                       equal precision (Nair 1984)
/// w(t) = (1 + n σ²(t)) / √n         Hall-Wellner (1980)
/// ```
///
/// the band at each `t` in `[t_L, t_U]` is the pointwise interval of
/// [`CiTransform`] with `z` replaced by the critical value `c` of
/// [`BandKind::critical_value`]`(level, a_L, a_U)` and `σ` by `w(t)`:
///
/// ```text
/// Plain    Ŝ ± c w Ŝ                                    (clipped to [0, 1])
/// Log      Ŝ exp(± c w)                                 (upper clipped to 1)
/// LogLog   Ŝ^exp(± c w / log Ŝ)                         (K&M 4.4.3, 4.4.6)
/// Logit    logit⁻¹(logit Ŝ ± c w / (1 − Ŝ))
/// Arcsine  sin²(asin √Ŝ ± ½ c w √(Ŝ / (1 − Ŝ)))        (K&M 4.4.4, 4.4.7; clipped to [0, π/2])
/// ```
///
/// Rows: one at `t_L` (the curve's value there), then every row of the
/// curve in `(t_L, t_U]`; the band is constant between rows and ends at
/// `t_U`.
///
/// # Conventions
/// Klein & Moeschberger (2003, §4.4) and Borgan & Liestøl (1990). Against
/// R's km.ci 0.5.6 (`km.ci(fit, method = "hall-wellner" | "loghall" |
/// "epband" | "logep")`, which are `Plain` and `LogLog` here): the same
/// default range (`t_L` the first event time, `t_U` the last event time at
/// which subjects remain), the same `n`, `a_L`, `a_U` and formulas. km.ci
/// reads `c` from Klein & Moeschberger's printed tables by an interpolation
/// of its own, offers only the levels 0.90, 0.95 and 0.99, fails for
/// equal precision at 0.99 (its table is missing), and does not clip linear
/// bands to `[0, 1]`; its equal-precision table is Nair's (1984) asymptotic
/// approximation, up to 5% off the exact value for short ranges
/// (`docs/validation/bands.md`). Where km.ci's first row is the curve row
/// before a `t_L` that is not a row time, the first row here is at `t_L`.
/// With `LogLog`, `Logit` or `Arcsine` a row with `Ŝ = 1` (a `t_L` before
/// the first event) has NaN bounds, as R's pointwise intervals.
///
/// # Errors
/// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for a range not finite, negative or with
/// `t_L ≥ t_U`, a `t_U` at or after the curve reaches 0, an equal-precision
/// `t_L` before the first event (`a_L = 0`: infinitely wide), a range with
/// no event at or before `t_U`; [`ErrorDetail::NoEvents`](crate::ErrorDetail::NoEvents) for a curve without
/// events (no default range); [`ErrorDetail::BudgetExceeded`](crate::ErrorDetail::BudgetExceeded) past
/// [`time_limit`](Self::time_limit).
///
/// # Example
/// ```
/// use survkit::{datasets::aml, BandKind, CiTransform, ConfidenceBand, ConfidenceLevel,
///     KaplanMeier, SurvivalData};
/// let fit = KaplanMeier::new().fit(&SurvivalData::new(&aml::TIME[..], aml::event())?)?;
/// let band = ConfidenceBand::new()
///     .kind(BandKind::EqualPrecision)
///     .transform(CiTransform::LogLog)
///     .confidence_level(ConfidenceLevel::new(0.95)?)
///     .fit(&fit.curves()[0])?;
/// // Default range: first event (week 5) to the last event with subjects left (week 48).
/// assert_eq!(band.range(), (5.0, 48.0));
/// assert!(band.critical_value() > 1.96); // wider than the pointwise interval
/// for ((&s, &lo), &hi) in band.survival().iter().zip(band.lower()).zip(band.upper()) {
///     assert!(lo <= s && s <= hi);
/// }
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Hall, W. J. & Wellner, J. A. (1980). Confidence bands for a survival
///   curve from censored data. *Biometrika* 67, 133–143.
///   doi:10.1093/biomet/67.1.133
/// - Nair, V. N. (1984). Confidence bands for survival functions with
///   censored data: a comparative study. *Technometrics* 26, 265–275.
///   doi:10.1080/00401706.1984.10487964
/// - Borgan, Ø. & Liestøl, K. (1990). A note on confidence intervals and
///   bands for the survival function based on transformations. *Scand. J.
///   Statist.* 17, 35–41.
/// - Klein, J. P. & Moeschberger, M. L. (2003). *Survival Analysis*, 2nd
///   ed., §4.4 and Appendix C. Springer. doi:10.1007/b97377
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use]
pub struct ConfidenceBand {
    kind: BandKind,
    transform: CiTransform,
    confidence_level: ConfidenceLevel,
    range: Option<(f64, f64)>,
    time_limit: Duration,
}

impl Default for ConfidenceBand {
    fn default() -> Self {
        ConfidenceBand {
            kind: BandKind::HallWellner,
            transform: CiTransform::LogLog,
            confidence_level: ConfidenceLevel::NINETY_FIVE,
            range: None,
            time_limit: DEFAULT_BAND_TIME_LIMIT,
        }
    }
}

impl ConfidenceBand {
    /// Hall-Wellner, log-log, 95%, km.ci's default range,
    /// [`DEFAULT_BAND_TIME_LIMIT`].
    pub fn new() -> Self {
        Self::default()
    }

    /// Hall-Wellner or equal precision.
    pub fn kind(mut self, kind: BandKind) -> Self {
        self.kind = kind;
        self
    }

    /// The scale of the band (default log-log, K&M's "log-transformed" band).
    pub fn transform(mut self, transform: CiTransform) -> Self {
        self.transform = transform;
        self
    }

    /// The simultaneous coverage (default 0.95).
    pub fn confidence_level(mut self, level: ConfidenceLevel) -> Self {
        self.confidence_level = level;
        self
    }

    /// The time range `[t_L, t_U]` (default: the first event time to the
    /// last event time with subjects remaining, as km.ci).
    pub fn range(mut self, t_lower: f64, t_upper: f64) -> Self {
        self.range = Some((t_lower, t_upper));
        self
    }

    /// Time budget of the critical value (default [`DEFAULT_BAND_TIME_LIMIT`]).
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = limit;
        self
    }

    /// The band of `curve`.
    ///
    /// # Errors
    /// See the type's docs.
    pub fn fit(&self, curve: &SurvivalCurve) -> Result<SimultaneousBand> {
        let n_event = curve.n_event();
        let n: f64 = n_event
            .iter()
            .zip(curve.n_censor())
            .map(|(d, c)| d + c)
            .sum();
        let (t_l, t_u) = match self.range {
            Some(r) => r,
            None => default_range(curve.time(), n_event, curve.n_risk())?,
        };
        let (a_l, a_u) = self.a_range(curve, n, t_l, t_u)?;
        let budget = Budget {
            start: Instant::now(),
            limit: self.time_limit,
        };
        let crit = self
            .kind
            .critical_unchecked(self.confidence_level, a_l, a_u, &budget)?;
        let rows = self.rows(curve, n, crit, (t_l, t_u));
        Ok(SimultaneousBand {
            curve: curve.name().to_owned(),
            kind: self.kind,
            transform: self.transform,
            confidence_level: self.confidence_level,
            range: (t_l, t_u),
            n,
            a_lower: a_l,
            a_upper: a_u,
            critical_value: crit,
            time: rows.time,
            survival: rows.survival,
            std_err_log: rows.std_err_log,
            lower: rows.lower,
            upper: rows.upper,
        })
    }

    /// `a_L` and `a_U`, `a(t) = n σ²(t) / (1 + n σ²(t))`, at the ends of the
    /// range `[t_l, t_u]`, after checking that the range is valid for the
    /// curve and the band.
    fn a_range(&self, curve: &SurvivalCurve, n: f64, t_l: f64, t_u: f64) -> Result<(f64, f64)> {
        let invalid = |what, constraint, value| -> Error {
            ErrorDetail::InvalidParameter {
                what,
                constraint,
                value,
            }
            .into()
        };
        if !(t_l.is_finite() && t_l >= 0.0) {
            return Err(invalid("range lower", "finite and non-negative", t_l));
        }
        if !(t_u.is_finite() && t_u > t_l) {
            let constraint = "finite and above the range's lower end";
            return Err(invalid("range upper", constraint, t_u));
        }
        let (_, sigma_l) = at(curve, t_l);
        let (s_u, sigma_u) = at(curve, t_u);
        if !(s_u > 0.0 && sigma_u.is_finite()) {
            return Err(invalid("range upper", "before the curve reaches 0", t_u));
        }
        if sigma_u == 0.0 {
            let constraint = "at or after the first event time of the curve";
            return Err(invalid("range upper", constraint, t_u));
        }
        let a = |s: f64| n * s * s / (1.0 + n * s * s);
        let (a_l, a_u) = (a(sigma_l), a(sigma_u));
        if self.kind == BandKind::EqualPrecision && a_l == 0.0 {
            let constraint =
                "at or after the first event time for an equal-precision band (a_L > 0)";
            return Err(invalid("range lower", constraint, t_l));
        }
        // a_U rounds to 1 only for a Greenwood sum beyond 1e16 / n.
        self.kind.check_a(a_l, a_u)?;
        Ok((a_l, a_u))
    }

    /// The band's rows: `t_L`, then the curve's rows in `(t_L, t_U]`, each
    /// with its bounds at the critical value `crit`.
    fn rows(&self, curve: &SurvivalCurve, n: f64, crit: f64, (t_l, t_u): (f64, f64)) -> Band {
        let (time, surv, sigma) = (curve.time(), curve.survival(), curve.std_err_log());
        let first = row_at(time, t_l).map_or(0, |i| i + 1);
        let last = row_at(time, t_u).map_or(0, |i| i + 1);
        let (s_l, sigma_l) = at(curve, t_l);
        let mut rows = Band {
            time: vec![t_l],
            survival: vec![s_l],
            std_err_log: vec![sigma_l],
            lower: Vec::new(),
            upper: Vec::new(),
        };
        for i in first..last {
            rows.time.push(time[i]);
            rows.survival.push(surv[i]);
            rows.std_err_log.push(sigma[i]);
        }
        for (&s, &e) in rows.survival.iter().zip(&rows.std_err_log) {
            let w = match self.kind {
                BandKind::EqualPrecision => e,
                BandKind::HallWellner => (1.0 + n * e * e) / n.sqrt(),
            };
            let [lo, hi] = ci_bounds(s, w, crit, self.transform);
            rows.lower.push(lo);
            rows.upper.push(hi);
        }
        rows
    }
}

/// km.ci's default range: the first event time to the last event time with
/// subjects remaining after it (the first event time when there is none).
fn default_range(time: &[f64], n_event: &[f64], n_risk: &[f64]) -> Result<(f64, f64)> {
    let first = time
        .iter()
        .zip(n_event)
        .find(|(_, &d)| d > 0.0)
        .map(|(&t, _)| t)
        .ok_or(ErrorDetail::NoEvents {
            what: "a simultaneous confidence band",
        })?;
    let last = time
        .iter()
        .zip(n_event)
        .zip(n_risk)
        .filter(|((_, &d), &r)| d > 0.0 && r > d)
        .map(|((&t, _), _)| t)
        .next_back()
        .unwrap_or(first);
    Ok((first, last))
}

/// The curve's row at or before `t` (None before the first row).
fn row_at(time: &[f64], t: f64) -> Option<usize> {
    time.partition_point(|&x| x <= t).checked_sub(1)
}

/// `S` and `σ` (on the log scale) at `t`: those of the row at or before
/// `t`, or `(1, 0)` before the first row.
fn at(curve: &SurvivalCurve, t: f64) -> (f64, f64) {
    row_at(curve.time(), t).map_or((1.0, 0.0), |i| {
        (curve.survival()[i], curve.std_err_log()[i])
    })
}

/// The columns of a band while it is built.
struct Band {
    time: Vec<f64>,
    survival: Vec<f64>,
    std_err_log: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
}

/// A simultaneous confidence band of one Kaplan-Meier curve, made by
/// [`ConfidenceBand::fit`]: rows `(time, survival, lower, upper)` over
/// `[t_L, t_U]`, the critical value and the `a_L`, `a_U` it was computed for.
///
/// # Method
/// See [`ConfidenceBand`].
///
/// # Conventions
/// `Display` prints a header (band, level, transform, range, `a_L`, `a_U`,
/// critical value) over an R-like table of the rows (4 significant digits,
/// `NA` for an undefined bound).
///
/// # Errors
/// None (accessors).
///
/// # Example
/// ```
/// use survkit::{datasets::aml, ConfidenceBand, KaplanMeier, SurvivalData};
/// let fit = KaplanMeier::new().fit(&SurvivalData::new(&aml::TIME[..], aml::event())?)?;
/// let band = ConfidenceBand::new().fit(&fit.curves()[0])?;
/// assert_eq!(band.time().len(), band.lower().len());
/// assert!(band.a_lower() < band.a_upper());
/// println!("{band}");
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Klein, J. P. & Moeschberger, M. L. (2003). *Survival Analysis*, 2nd ed.,
/// §4.4. Springer. doi:10.1007/b97377
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct SimultaneousBand {
    curve: String,
    kind: BandKind,
    transform: CiTransform,
    confidence_level: ConfidenceLevel,
    range: (f64, f64),
    n: f64,
    a_lower: f64,
    a_upper: f64,
    critical_value: f64,
    time: Vec<f64>,
    survival: Vec<f64>,
    std_err_log: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
}

impl SimultaneousBand {
    /// The name of the curve ([`SurvivalCurve::name`]).
    pub fn curve(&self) -> &str {
        &self.curve
    }

    /// Hall-Wellner or equal precision.
    pub fn kind(&self) -> BandKind {
        self.kind
    }

    /// The scale of the band.
    pub fn transform(&self) -> CiTransform {
        self.transform
    }

    /// The simultaneous coverage.
    pub fn confidence_level(&self) -> ConfidenceLevel {
        self.confidence_level
    }

    /// `(t_L, t_U)`.
    pub fn range(&self) -> (f64, f64) {
        self.range
    }

    /// The sample size `n` (the curve's exits, sums of weights when weighted).
    pub fn n(&self) -> f64 {
        self.n
    }

    /// `a_L = n σ²(t_L) / (1 + n σ²(t_L))`.
    pub fn a_lower(&self) -> f64 {
        self.a_lower
    }

    /// `a_U = n σ²(t_U) / (1 + n σ²(t_U))`.
    pub fn a_upper(&self) -> f64 {
        self.a_upper
    }

    /// The critical value: K&M's `h_α(a_L, a_U)` (Hall-Wellner) or
    /// `e_α(a_L, a_U)` (equal precision).
    pub fn critical_value(&self) -> f64 {
        self.critical_value
    }

    /// Row times: `t_L`, then the curve's rows in `(t_L, t_U]`.
    pub fn time(&self) -> &[f64] {
        &self.time
    }

    /// `Ŝ` at each row.
    pub fn survival(&self) -> &[f64] {
        &self.survival
    }

    /// Greenwood standard error of `−log Ŝ` at each row (`σ`).
    pub fn std_err_log(&self) -> &[f64] {
        &self.std_err_log
    }

    /// Lower band at each row (NaN where the transform is undefined, see
    /// [`ConfidenceBand`]).
    pub fn lower(&self) -> &[f64] {
        &self.lower
    }

    /// Upper band at each row.
    pub fn upper(&self) -> &[f64] {
        &self.upper
    }
}

impl std::fmt::Display for SimultaneousBand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let pct = format_number(100.0 * self.confidence_level.value(), 4);
        let tr = match self.transform {
            CiTransform::Plain => "plain",
            CiTransform::Log => "log",
            CiTransform::LogLog => "log-log",
            CiTransform::Logit => "logit",
            CiTransform::Arcsine => "arcsine",
        };
        writeln!(
            f,
            "{} {pct}% simultaneous confidence band ({tr}) for {}",
            self.kind.name(),
            self.curve
        )?;
        writeln!(
            f,
            "range [{}, {}], a_L = {}, a_U = {}, critical value = {}\n",
            format_number(self.range.0, 7),
            format_number(self.range.1, 7),
            format_number(self.a_lower, 4),
            format_number(self.a_upper, 4),
            format_number(self.critical_value, 6),
        )?;
        let cols = [
            format_column(&self.time, 7),
            format_column(&self.survival, 4),
            format_column(&self.lower, 4),
            format_column(&self.upper, 4),
        ];
        let lower = format!("lower {pct}% CB");
        let upper = format!("upper {pct}% CB");
        let header = ["time", "survival", lower.as_str(), upper.as_str()];
        let widths: Vec<usize> = header
            .iter()
            .zip(&cols)
            .map(|(h, c)| c.iter().map(String::len).fold(h.len(), usize::max))
            .collect();
        for (i, (h, w)) in header.iter().zip(&widths).enumerate() {
            let sep = if i == 0 { "" } else { " " };
            write!(f, "{sep}{h:>w$}")?;
        }
        writeln!(f)?;
        for r in 0..self.time.len() {
            for (i, (c, w)) in cols.iter().zip(&widths).enumerate() {
                let sep = if i == 0 { "" } else { " " };
                write!(f, "{sep}{:>w$}", c[r])?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
