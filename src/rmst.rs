//! Restricted mean survival time between two arms: the difference and the
//! ratio of the RMSTs and the ratio of the restricted mean times lost, as
//! R's survRM2 `rmst2` reports them.

use crate::ErrorDetail;
use std::fmt;

use crate::builder::setters;
use crate::data::SurvivalData;
use crate::error::Result;
use crate::interval::{ConfidenceInterval, ConfidenceLevel};
use crate::kaplan_meier::{KaplanMeier, SurvivalCurve};
use crate::rformat::format_column;
use crate::special::norm_sf;

/// How the truncation time τ is chosen when none is given, and how far a
/// given τ may go.
///
/// Let `x₀`, `x₁` be the largest observed times of the two arms.
///
/// ```text
/// Survrm2        τ = max(x₀, x₁) when the arm with the smaller largest time ends
///                in events only (its curve reached 0, so it is known after),
///                τ = min(x₀, x₁) otherwise                    (survRM2 ≥ 1.0-3)
/// MinimumOfLargest  τ = min(x₀, x₁)                            (survRM2 1.0-2)
/// ```
/// A given τ may not exceed the τ of the rule: past it one curve is not
/// estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TauRule {
    /// survRM2 1.0-3 and later (its documented Cases 1 to 4).
    #[default]
    Survrm2,
    /// survRM2 1.0-2: the smaller of the two largest observed times.
    MinimumOfLargest,
}

/// One arm's restricted mean survival time and restricted mean time lost
/// up to τ, with standard error and interval (a row of survRM2's
/// `RMST.arm1$result`).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RmstArm {
    name: String,
    rmst: f64,
    std_err: f64,
    rmst_interval: ConfidenceInterval,
    rmtl_interval: ConfidenceInterval,
    tau: f64,
}

impl RmstArm {
    /// The arm's (group's) name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The restricted mean survival time `∫₀^τ Ŝ(t) dt`.
    pub fn rmst(&self) -> f64 {
        self.rmst
    }

    /// The restricted mean time lost `τ − RMST`.
    pub fn rmtl(&self) -> f64 {
        self.tau - self.rmst
    }

    /// The standard error of the RMST (and of the RMTL, the same).
    pub fn std_err(&self) -> f64 {
        self.std_err
    }

    /// The normal interval of the RMST, `RMST ± z·se`.
    pub fn rmst_confidence_interval(&self) -> ConfidenceInterval {
        self.rmst_interval
    }

    /// The normal interval of the RMTL, `RMTL ± z·se`.
    pub fn rmtl_confidence_interval(&self) -> ConfidenceInterval {
        self.rmtl_interval
    }
}

/// One between-arm contrast: estimate, interval and two-sided p-value.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RmstContrast {
    estimate: f64,
    std_err: f64,
    interval: ConfidenceInterval,
    p_value: f64,
}

impl RmstContrast {
    /// The estimate (a difference, or a ratio).
    pub fn estimate(&self) -> f64 {
        self.estimate
    }

    /// The standard error on the scale of the test: the difference itself,
    /// or the log of a ratio.
    pub fn std_err(&self) -> f64 {
        self.std_err
    }

    /// The confidence interval (for a ratio, back-transformed from the log
    /// scale).
    pub fn confidence_interval(&self) -> ConfidenceInterval {
        self.interval
    }

    /// The two-sided p-value of the Wald test of no difference (ratio 1).
    pub fn p_value(&self) -> f64 {
        self.p_value
    }
}

/// The comparison of two arms by restricted mean survival time.
///
/// # Method
/// Per arm, with Kaplan-Meier `Ŝ`, rows `tᵢ ≤ τ` with `Yᵢ` at risk and `dᵢ`
/// events:
/// ```text
/// RMST = ∫₀^τ Ŝ(t) dt            RMTL = τ − RMST
/// Aᵢ   = ∫_{tᵢ}^τ Ŝ(t) dt
/// Var  = Σ Aᵢ² dᵢ / (Yᵢ (Yᵢ − dᵢ))   (Greenwood plug-in; 0 when Yᵢ = dᵢ)
/// ```
/// Between arm 1 (the second group) and arm 0 (the first group), `z` the
/// normal quantile of the level:
/// ```text
/// difference  Δ = RMST₁ − RMST₀,  se = √(Var₁ + Var₀),  Δ ± z·se
/// RMST ratio  log r = log RMST₁ − log RMST₀,  se = √(Var₁/RMST₁² + Var₀/RMST₀²)
/// RMTL ratio  the same with RMTL
/// p = 2 Φ(−|estimate on the test scale| / se)
/// ```
///
/// # Conventions
/// R survRM2 `rmst2(time, status, arm, tau)` without covariates: arm 1 is
/// the second group of the data (the second level), arm 0 the first, so the
/// difference is second minus first. The per-arm RMST and standard error
/// equal R survival's `print(survfit(...), rmean = tau)`. lifelines'
/// `restricted_mean_survival_time(..., return_variance=True)` returns the
/// variance of `min(T, τ)` rather than of the estimator (lifelines #1456,
/// #1682); survkit, like survRM2, gives the estimator's variance.
///
/// # Errors
/// [`ErrorDetail::TooFewGroups`](crate::ErrorDetail::TooFewGroups) unless the data have exactly two groups (and no
/// strata: [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter)); [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for a
/// τ that is not positive or lies past what the [`TauRule`] allows; the
/// errors of [`KaplanMeier::fit`].
///
/// # Example
/// ```
/// use survkit::{datasets::pbc, RmstComparison, SurvivalData};
/// // survRM2's vignette: rmst2(time, status, arm, tau = 10) on pbc[1:312, ]
/// let years: Vec<f64> = pbc::TIME.iter().map(|t| t / 365.25).collect();
/// let arm: Vec<u8> = pbc::TRT.iter().map(|&t| u8::from(t == 1)).collect();
/// let data = SurvivalData::builder(years, pbc::event()).groups(&arm).build()?;
/// let result = RmstComparison::new().tau(10.0).compare(&data)?;
/// let diff = result.difference().ok_or("no difference")?;
/// assert!((diff.estimate() - -0.137).abs() < 5e-4);
/// assert!((diff.p_value() - 0.738).abs() < 5e-4);
/// println!("{result}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # References
/// Uno, H. et al. (2014). Moving beyond the hazard ratio in quantifying the
/// between-group difference in survival analysis. *J Clin Oncol* 32,
/// 2380–2385. doi:10.1200/JCO.2014.55.2208
///
/// Royston, P. & Parmar, M. K. B. (2013). Restricted mean survival time: an
/// alternative to the hazard ratio for the design and analysis of randomized
/// trials with a time-to-event outcome. *BMC Med Res Methodol* 13, 152.
/// doi:10.1186/1471-2288-13-152
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[must_use]
pub struct RmstComparison {
    tau: Option<f64>,
    rule: TauRule,
    level: ConfidenceLevel,
}

impl RmstComparison {
    /// τ from the default rule, 95% intervals.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// The truncation time τ (otherwise chosen by the [`TauRule`]).
        pub fn tau(mut self, tau: f64) -> Self { self.tau }

        /// The rule for the default τ and the largest τ allowed.
        pub fn tau_rule(mut self, rule: TauRule) -> Self { self.rule }

        /// The level of every interval (survRM2's `1 - alpha`).
        pub fn confidence_level(mut self, level: ConfidenceLevel) -> Self { self.level }
    }

    /// Compares the two groups of `data`.
    ///
    /// # Errors
    /// See [`RmstComparison`].
    pub fn compare(&self, data: &SurvivalData) -> Result<RmstComparisonResult> {
        check_two_arms(data)?;
        let fit = KaplanMeier::new().fit(data)?;
        let curves = fit.curves();
        let [c0, c1] = [&curves[0], &curves[1]];
        let (tau, specified) = self.tau_within(tau_limit(c0, c1, self.rule))?;
        let z = self.level.z();
        let arms = [self.arm(c0, tau, z), self.arm(c1, tau, z)];
        let (v0, v1) = (arms[0].std_err.powi(2), arms[1].std_err.powi(2));
        let difference = contrast(
            arms[1].rmst - arms[0].rmst,
            (v1 + v0).sqrt(),
            z,
            self.level,
            false,
        );
        let ratio_of = |a1: f64, a0: f64| {
            contrast(
                a1.ln() - a0.ln(),
                (v1 / (a1 * a1) + v0 / (a0 * a0)).sqrt(),
                z,
                self.level,
                true,
            )
        };
        Ok(RmstComparisonResult {
            tau,
            tau_specified: specified,
            difference,
            rmst_ratio: ratio_of(arms[1].rmst, arms[0].rmst),
            rmtl_ratio: ratio_of(arms[1].rmtl(), arms[0].rmtl()),
            arms,
            level: self.level,
        })
    }

    /// τ and whether it was specified: the given τ, checked to be positive,
    /// finite and at most `limit`, or else `limit` (the [`TauRule`]'s).
    fn tau_within(&self, limit: f64) -> Result<(f64, bool)> {
        let Some(tau) = self.tau else {
            return Ok((limit, false));
        };
        if !(tau > 0.0 && tau.is_finite()) {
            return Err(ErrorDetail::InvalidParameter {
                what: "tau",
                constraint: "positive and finite",
                value: tau,
            }
            .into());
        }
        if tau > limit {
            return Err(ErrorDetail::InvalidParameter {
                what: "tau",
                constraint: "at most the largest time at which both arms' curves are estimated (see TauRule)",
                value: tau,
            }.into());
        }
        Ok((tau, true))
    }

    /// One arm's RMST up to `tau`, its standard error, and the intervals of
    /// the RMST and the RMTL with the normal quantile `z`.
    fn arm(&self, c: &SurvivalCurve, tau: f64, z: f64) -> RmstArm {
        let (rmst, var) = rmst_and_variance(c, tau);
        let se = var.sqrt();
        let rmtl = tau - rmst;
        RmstArm {
            name: c.name().to_string(),
            rmst,
            std_err: se,
            rmst_interval: ConfidenceInterval::new(rmst - z * se, rmst + z * se, self.level),
            rmtl_interval: ConfidenceInterval::new(rmtl - z * se, rmtl + z * se, self.level),
            tau,
        }
    }
}

/// RMST comparisons take unstratified data with exactly two groups.
fn check_two_arms(data: &SurvivalData) -> Result<()> {
    if data.n_strata() > 1 {
        return Err(ErrorDetail::InvalidParameter {
            what: "strata",
            constraint: "absent (RMST comparison of two arms takes unstratified data)",
            value: data.n_strata() as f64,
        }
        .into());
    }
    if data.n_groups() != 2 {
        return Err(ErrorDetail::TooFewGroups {
            what: "RMST comparison (exactly two groups)",
            required: 2,
            found: data.n_groups(),
        }
        .into());
    }
    Ok(())
}

/// A contrast on the test scale (`log_scale` for ratios), or `None` when it
/// is not a number: a zero standard error or a zero RMST/RMTL.
fn contrast(
    estimate: f64,
    std_err: f64,
    z: f64,
    level: ConfidenceLevel,
    log_scale: bool,
) -> Option<RmstContrast> {
    if !(estimate.is_finite() && std_err.is_finite() && std_err > 0.0) {
        return None;
    }
    let (lo, hi) = (estimate - z * std_err, estimate + z * std_err);
    let p_value = (2.0 * norm_sf(estimate.abs() / std_err)).min(1.0);
    let (estimate, interval) = if log_scale {
        (
            estimate.exp(),
            ConfidenceInterval::new(lo.exp(), hi.exp(), level),
        )
    } else {
        (estimate, ConfidenceInterval::new(lo, hi, level))
    };
    Some(RmstContrast {
        estimate,
        std_err,
        interval,
        p_value,
    })
}

/// The largest τ the rule allows (and its default).
fn tau_limit(c0: &SurvivalCurve, c1: &SurvivalCurve, rule: TauRule) -> f64 {
    let (x0, x1) = (c0.last_time(), c1.last_time());
    let shorter = if x1 <= x0 { c1 } else { c0 };
    let shorter_reached_zero = shorter.survival().last().is_some_and(|&s| s == 0.0);
    match rule {
        TauRule::Survrm2 if shorter_reached_zero => x0.max(x1),
        _ => x0.min(x1),
    }
}

/// `∫₀^τ Ŝ` and its Greenwood plug-in variance (survRM2's `rmst1`).
fn rmst_and_variance(c: &SurvivalCurve, tau: f64) -> (f64, f64) {
    let time = c.time();
    let surv = c.survival();
    let (n_risk, n_event) = (c.n_risk(), c.n_event());
    let k = time.partition_point(|&t| t <= tau);
    // areas[j]: the area of the step that starts at row j - 1 (row 0: from 0).
    let mut areas = Vec::with_capacity(k + 1);
    let (mut prev_t, mut prev_s) = (0.0, 1.0);
    for j in 0..k {
        areas.push((time[j] - prev_t) * prev_s);
        (prev_t, prev_s) = (time[j], surv[j]);
    }
    areas.push((tau - prev_t) * prev_s);
    let rmst: f64 = areas.iter().sum();
    // A_i = the area after row i = sum of areas[i + 1 ..].
    let mut after = 0.0;
    let mut var = 0.0;
    for i in (0..k).rev() {
        after += areas[i + 1];
        let (y, d) = (n_risk[i], n_event[i]);
        if d > 0.0 && y > d {
            var += after * after * d / (y * (y - d));
        }
    }
    (rmst, var)
}

/// The result of [`RmstComparison::compare`]: per-arm RMST and RMTL, and
/// the three contrasts (arm 1 = the second group against arm 0).
#[derive(Debug, Clone, PartialEq)]
#[must_use]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RmstComparisonResult {
    tau: f64,
    tau_specified: bool,
    arms: [RmstArm; 2],
    difference: Option<RmstContrast>,
    rmst_ratio: Option<RmstContrast>,
    rmtl_ratio: Option<RmstContrast>,
    level: ConfidenceLevel,
}

impl RmstComparisonResult {
    /// The truncation time used.
    pub fn tau(&self) -> f64 {
        self.tau
    }

    /// Whether τ was given (`false`: chosen by the rule).
    pub fn tau_specified(&self) -> bool {
        self.tau_specified
    }

    /// Arm 0 (the first group) and arm 1 (the second).
    pub fn arms(&self) -> &[RmstArm; 2] {
        &self.arms
    }

    /// RMST₁ − RMST₀; `None` when both standard errors are 0 (no events
    /// before τ in either arm).
    pub fn difference(&self) -> Option<&RmstContrast> {
        self.difference.as_ref()
    }

    /// RMST₁ / RMST₀; `None` when it or its standard error is not a number.
    pub fn rmst_ratio(&self) -> Option<&RmstContrast> {
        self.rmst_ratio.as_ref()
    }

    /// RMTL₁ / RMTL₀; `None` when an arm lost no time (no event before τ)
    /// or the standard error is 0.
    pub fn rmtl_ratio(&self) -> Option<&RmstContrast> {
        self.rmtl_ratio.as_ref()
    }

    /// The level of every interval.
    pub fn confidence_level(&self) -> ConfidenceLevel {
        self.level
    }
}

/// survRM2 rounds to 3 decimals and R prints the rounded matrix.
fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

impl fmt::Display for RmstComparisonResult {
    /// survRM2's `print.rmst2` layout (values rounded to 3 decimals), with
    /// the arms named `arm=0` (first group) and `arm=1` (second group) and
    /// `NA` for a contrast that is not a number.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = crate::rformat::format_number(100.0 * self.level.value(), 15);
        let (lo, hi) = (format!("lower .{pct}"), format!("upper .{pct}"));
        let tau = crate::rformat::format_number(self.tau, 7);
        if self.tau_specified {
            writeln!(f, "The truncation time: tau = {tau}  was specified. \n")?;
        } else {
            writeln!(f, "The truncation time, tau, was not specified. Thus, the default tau  {tau}  is used. \n")?;
        }
        let col = |v: Vec<f64>| format_column(&v.into_iter().map(round3).collect::<Vec<_>>(), 7);
        let [a0, a1] = &self.arms;
        for (title, short, pick) in [
            ("Restricted Mean Survival Time (RMST) by arm ", "RMST", true),
            ("Restricted Mean Time Lost (RMTL) by arm ", "RMTL", false),
        ] {
            writeln!(f, "{title}")?;
            let est = |a: &RmstArm| if pick { a.rmst() } else { a.rmtl() };
            let ci = |a: &RmstArm| {
                if pick {
                    a.rmst_confidence_interval()
                } else {
                    a.rmtl_confidence_interval()
                }
            };
            let columns = [
                col(vec![est(a1), est(a0)]),
                col(vec![a1.std_err, a0.std_err]),
                col(vec![ci(a1).lower(), ci(a0).lower()]),
                col(vec![ci(a1).upper(), ci(a0).upper()]),
            ];
            let names = [format!("{short} (arm=1)"), format!("{short} (arm=0)")];
            f.write_str(&crate::rformat::matrix(
                &["Est.", "se", &lo, &hi],
                &names,
                &columns,
            ))?;
            writeln!(f, "\n")?;
        }
        writeln!(f, "Between-group contrast ")?;
        let rows = [&self.difference, &self.rmst_ratio, &self.rmtl_ratio];
        let get = |g: fn(&RmstContrast) -> f64| {
            col(rows
                .iter()
                .map(|c| c.as_ref().map_or(f64::NAN, g))
                .collect())
        };
        let columns = [
            get(RmstContrast::estimate),
            get(|c| c.confidence_interval().lower()),
            get(|c| c.confidence_interval().upper()),
            get(RmstContrast::p_value),
        ];
        let names = [
            "RMST (arm=1)-(arm=0)".to_string(),
            "RMST (arm=1)/(arm=0)".to_string(),
            "RMTL (arm=1)/(arm=0)".to_string(),
        ];
        f.write_str(&crate::rformat::matrix(
            &["Est.", &lo, &hi, "p"],
            &names,
            &columns,
        ))?;
        writeln!(f, "arm=0: {}, arm=1: {}", a0.name, a1.name)
    }
}
