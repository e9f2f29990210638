//! Landmark analysis and conditional survival: survival from a time `s` on,
//! given survival to `s`.

use crate::ErrorDetail;
use std::fmt;

use crate::data::SurvivalData;
use crate::error::Result;
use crate::interval::{CiTransform, ConfidenceInterval, ConfidenceLevel};
use crate::kaplan_meier::{ci_bounds, SurvivalCurve};
use crate::rformat::format_column;

impl SurvivalData {
    /// The landmark view at time `s`: the subjects still followed after
    /// `s` (time > s), with every time measured from `s` (`time − s`, and
    /// `max(entry − s, 0)` for entry times). Every procedure accepts it, so
    /// a landmark log-rank test is `LogRank::new().test(&data.landmark(s)?)`.
    ///
    /// # Method
    /// Anderson, Cain & Gelber's landmark method: classify subjects by what
    /// is known at `s` and compare their survival from `s` on. Comparing
    /// "responders" with "non-responders" from time 0 instead is biased in
    /// favour of responders (guarantee-time bias: a patient must live long
    /// enough to respond); studies like survkit's founding one are tempted
    /// to run that comparison, and the landmark view is the standard
    /// correction.
    ///
    /// # Conventions
    /// R: `subset(d, time > s)` with `time - s` (the `survival` package's
    /// vignette on landmarks). Groups and strata keep their order; a group
    /// with nobody left after `s` is dropped from the view.
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for a negative or non-finite `s`;
    /// [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) when nobody is followed after `s`.
    ///
    /// # Example
    /// ```
    /// use survkit::{datasets::lung, LogRank, SurvivalData};
    /// let data = SurvivalData::builder(&lung::TIME[..], lung::event()).groups(&lung::SEX).build()?;
    /// // R: survdiff(Surv(time - 180, status) ~ sex, subset(lung, time > 180))
    /// let test = LogRank::new().test(&data.landmark(180.0)?)?;
    /// assert_eq!(test.n(), &[88.0, 71.0]);
    /// # Ok::<(), survkit::Error>(())
    /// ```
    ///
    /// # References
    /// Anderson, J. R., Cain, K. C. & Gelber, R. D. (1983). Analysis of
    /// survival by tumor response. *J Clin Oncol* 1, 710–719.
    /// doi:10.1200/JCO.1983.1.11.710
    pub fn landmark(&self, s: f64) -> Result<SurvivalData> {
        check_landmark(s)?;
        let keep: Vec<usize> = (0..self.len()).filter(|&i| self.time()[i] > s).collect();
        if keep.is_empty() {
            return Err(ErrorDetail::EmptyInput {
                what: "landmark view (no subject is followed after the landmark time)",
            }
            .into());
        }
        let time: Vec<f64> = keep.iter().map(|&i| self.time()[i] - s).collect();
        let event: Vec<bool> = keep.iter().map(|&i| self.event()[i]).collect();
        let mut builder = SurvivalData::builder(time, event);
        if let Some(entry) = self.entry() {
            builder = builder.entry(
                keep.iter()
                    .map(|&i| (entry[i] - s).max(0.0))
                    .collect::<Vec<_>>(),
            );
        }
        if let Some(w) = self.weights() {
            builder = builder.weights(keep.iter().map(|&i| w[i]).collect::<Vec<_>>());
        }
        let subset = |codes: &[u32], names: Vec<&str>| -> (Vec<String>, Vec<String>) {
            let labels: Vec<String> = keep
                .iter()
                .map(|&i| names[codes[i] as usize].to_string())
                .collect();
            let present: Vec<String> = names
                .iter()
                .filter(|n| labels.iter().any(|l| l == *n))
                .map(|n| n.to_string())
                .collect();
            (labels, present)
        };
        if let Some(codes) = self.group_codes() {
            let (labels, levels) = subset(codes, self.group_names());
            builder = builder.group_levels(&labels, &levels);
        }
        if let Some(codes) = self.stratum_codes() {
            let (labels, levels) = subset(codes, self.stratum_names());
            builder = builder.stratum_levels(&labels, &levels);
        }
        builder.build()
    }
}

/// Survival to `time` given survival to the landmark `s`, with its
/// standard error and interval.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct ConditionalSurvival {
    landmark: f64,
    time: f64,
    survival: f64,
    std_err_log: f64,
    interval: ConfidenceInterval,
    transform: CiTransform,
}

impl ConditionalSurvival {
    /// The landmark `s`.
    pub fn landmark(&self) -> f64 {
        self.landmark
    }

    /// The time `t ≥ s`.
    pub fn time(&self) -> f64 {
        self.time
    }

    /// `S(t | s) = S(t) / S(s)`.
    pub fn survival(&self) -> f64 {
        self.survival
    }

    /// Greenwood standard error of `−log S(t | s)`.
    pub fn std_err_log(&self) -> f64 {
        self.std_err_log
    }

    /// Standard error of `S(t | s)` itself, `S(t | s) × std_err_log`.
    pub fn std_err_surv(&self) -> f64 {
        self.survival * self.std_err_log
    }

    /// The pointwise interval in the curve's transform and level.
    pub fn confidence_interval(&self) -> ConfidenceInterval {
        self.interval
    }

    /// The interval's transform.
    pub fn transform(&self) -> CiTransform {
        self.transform
    }
}

impl fmt::Display for ConditionalSurvival {
    /// `S(365 | 180) = 0.536 (95% CI 0.460 to 0.625)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ci = self.interval;
        let v = format_column(&[self.survival, ci.lower(), ci.upper()], 3);
        write!(
            f,
            "S({} | {}) = {} ({}% CI {} to {})",
            crate::rformat::format_number(self.time, 7),
            crate::rformat::format_number(self.landmark, 7),
            v[0].trim(),
            crate::rformat::format_number(100.0 * ci.level().value(), 15),
            v[1].trim(),
            v[2].trim()
        )
    }
}

impl SurvivalCurve {
    /// Conditional survival `S(t | s) = S(t) / S(s)` at each of `times`,
    /// with the Greenwood-type standard error and the interval of the
    /// curve's transform and level.
    ///
    /// # Method
    /// ```text
    /// S(t | s)            = Π_{s < tᵢ ≤ t} (1 − dᵢ/Yᵢ) = S(t) / S(s)
    /// Var(−log S(t | s))  = Σ_{s < tᵢ ≤ t} dᵢ / (Yᵢ (Yᵢ − dᵢ))
    /// ```
    /// For data without entry times this is exactly the Kaplan-Meier curve
    /// of the landmark view ([`SurvivalData::landmark`]) at `t − s`, with its
    /// standard error and interval.
    ///
    /// # Conventions
    /// R: `summary(fit, times = t)$surv / summary(fit, times = s)$surv`, and
    /// `summary(survfit(Surv(time - s, status) ~ 1, subset(d, time > s)),
    /// times = t - s)` for the standard error and interval.
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for a landmark that is negative, not
    /// finite, or where the curve is already 0 (nothing to condition on), and
    /// for a time before the landmark or not finite; [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput)
    /// for no times.
    ///
    /// # Example
    /// ```
    /// use survkit::{datasets::lung, KaplanMeier, SurvivalData};
    /// let fit = KaplanMeier::new().fit(&SurvivalData::new(&lung::TIME[..], lung::event())?)?;
    /// let c = fit.curves()[0].conditional_survival(180.0, &[365.0])?;
    /// let s = fit.curves()[0].survival_at(&[180.0, 365.0])?;
    /// assert!((c[0].survival() - s[1].survival() / s[0].survival()).abs() < 1e-15);
    /// println!("{}", c[0]);
    /// # Ok::<(), survkit::Error>(())
    /// ```
    ///
    /// # References
    /// Zabor, E. C. et al. (2013). Conditional survival: a useful concept to
    /// provide information on how prognosis evolves over time. *Clin Cancer
    /// Res* 19, 1098–1100. doi:10.1158/1078-0432.CCR-12-3302
    pub fn conditional_survival(&self, s: f64, times: &[f64]) -> Result<Vec<ConditionalSurvival>> {
        check_landmark(s)?;
        if times.is_empty() {
            return Err(ErrorDetail::EmptyInput { what: "times" }.into());
        }
        let time = self.time();
        let surv = self.survival();
        let (n_risk, n_event) = (self.n_risk(), self.n_event());
        let at = |t: f64| -> (usize, f64) {
            match time.partition_point(|&x| x <= t) {
                0 => (0, 1.0),
                k => (k, surv[k - 1]),
            }
        };
        let (k_s, s_s) = at(s);
        if s_s <= 0.0 {
            return Err(ErrorDetail::InvalidParameter {
                what: "landmark",
                constraint: "a time at which the curve is still above 0",
                value: s,
            }
            .into());
        }
        let level: ConfidenceLevel = self.confidence_level();
        let z = level.z();
        times
            .iter()
            .map(|&t| {
                if !(t >= s && t.is_finite()) {
                    return Err(ErrorDetail::InvalidParameter {
                        what: "times",
                        constraint: "finite and at or after the landmark",
                        value: t,
                    }
                    .into());
                }
                let (k_t, s_t) = at(t);
                let survival = s_t / s_s;
                // Greenwood's sum over the rows after s up to t.
                let mut green = 0.0;
                for (&y, &d) in n_risk[k_s..k_t].iter().zip(&n_event[k_s..k_t]) {
                    if d > 0.0 {
                        green += if y > d {
                            d / (y * (y - d))
                        } else {
                            f64::INFINITY
                        };
                    }
                }
                let std_err_log = green.sqrt();
                // No row between s and t: R's inserted time-0 row, bounds 1.
                let [lo, hi] = if k_t == k_s {
                    [1.0, 1.0]
                } else {
                    ci_bounds(survival, std_err_log, z, self.transform())
                };
                Ok(ConditionalSurvival {
                    landmark: s,
                    time: t,
                    survival,
                    std_err_log,
                    interval: ConfidenceInterval::new(lo, hi, level),
                    transform: self.transform(),
                })
            })
            .collect()
    }
}

/// A landmark time is finite and ≥ 0.
fn check_landmark(s: f64) -> Result<()> {
    if s >= 0.0 && s.is_finite() {
        Ok(())
    } else {
        Err(ErrorDetail::InvalidParameter {
            what: "landmark",
            constraint: "finite and non-negative",
            value: s,
        }
        .into())
    }
}
