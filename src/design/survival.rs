//! Events and patients for a two-arm log-rank comparison: Schoenfeld and
//! Freedman numbers of events, the power of a given number of events, and
//! the number of patients under uniform accrual, follow-up and exponential
//! dropout (Lachin & Foulkes 1986).

use crate::builder::setters;
use crate::ErrorDetail;
use std::fmt;

use super::{check_error_rate, check_parameter, write_labelled};
use crate::error::Result;
use crate::rformat::format_number;
use crate::special::{norm_cdf, norm_quantile, norm_sf};

/// One- or two-sided significance level of a planned test (rpact's and
/// gsDesign's `sided = 1 / 2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Sided {
    /// One-sided: the critical value is `z_{1−alpha}` (default, as in rpact
    /// and gsDesign).
    #[default]
    One,
    /// Two-sided: the critical value is `z_{1−alpha/2}`; power counts both
    /// rejection regions (as rpact's `getPowerSurvival`).
    Two,
}

/// How the number of events is computed from the hazard ratio.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum EventsMethod {
    /// Schoenfeld (1981): the log-rank statistic is approximately normal with
    /// mean `√(d·k) / (1 + k) · |log HR|` (default; rpact's default,
    /// gsDesign's `nEvents`).
    #[default]
    Schoenfeld,
    /// Freedman (1982): mean `√(d·k) · |1 − HR| / (1 + k·HR)`.
    Freedman,
}

/// The critical value `z` with `P(Z > z) = q`, refined by one Newton step
/// on survkit's full-precision normal tail (statrs' quantile alone is good
/// to about 1e-15 relative in the middle but not in the tails).
fn z_upper(q: f64) -> Result<f64> {
    let mut z = -norm_quantile(q)?;
    for _ in 0..2 {
        let density = (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt();
        if density > 0.0 {
            z += (norm_sf(z) - q) / density;
        }
    }
    Ok(z)
}

fn check_positive(what: &'static str, value: f64) -> Result<()> {
    check_parameter(
        what,
        value,
        value > 0.0 && value.is_finite(),
        "positive and finite",
    )
}

fn check_non_negative(what: &'static str, value: f64) -> Result<()> {
    check_parameter(
        what,
        value,
        value >= 0.0 && value.is_finite(),
        "non-negative and finite",
    )
}

fn check_hazard_ratio(hr: f64) -> Result<()> {
    check_positive("hazard_ratio", hr)?;
    if hr == 1.0 {
        return Err(ErrorDetail::InvalidParameter {
            what: "hazard_ratio",
            constraint: "different from 1",
            value: hr,
        }
        .into());
    }
    Ok(())
}

fn check_power(power: f64) -> Result<()> {
    check_parameter(
        "power",
        power,
        power > 0.5 && power < 1.0,
        "in (0.5, 1) (beta in (0, 0.5))",
    )
}

/// `(z_alpha, z_beta)` for a level, sidedness and power.
fn critical_values(alpha: f64, sided: Sided, power: f64) -> Result<(f64, f64)> {
    check_error_rate("alpha", alpha)?;
    check_power(power)?;
    Ok((z_alpha(alpha, sided)?, z_upper(1.0 - power)?))
}

/// The critical value of a one- or two-sided test at level `alpha`.
fn z_alpha(alpha: f64, sided: Sided) -> Result<f64> {
    match sided {
        Sided::One => z_upper(alpha),
        Sided::Two => z_upper(alpha / 2.0),
    }
}

/// The drift per event, `δ / √d`, of the log-rank statistic.
fn drift_per_event(method: EventsMethod, hr: f64, k: f64) -> f64 {
    match method {
        EventsMethod::Schoenfeld => k.sqrt() / (1.0 + k) * hr.ln().abs(),
        EventsMethod::Freedman => k.sqrt() * (1.0 - hr).abs() / (1.0 + k * hr),
    }
}

/// The number of events a two-arm log-rank test needs to detect a hazard
/// ratio, and the power of a given number of events.
///
/// # Method
/// With allocation ratio `k` (experimental : control patients),
/// `z_a = Φ⁻¹(1 − alpha)` one-sided or `Φ⁻¹(1 − alpha/2)` two-sided and
/// `z_b = Φ⁻¹(power)`:
/// ```text
/// Schoenfeld:  d = (z_a + z_b)² (1 + k)² / (k · (log HR)²)
/// Freedman:    d = (z_a + z_b)² (1 + k·HR)² / (k · (1 − HR)²)
/// power(d)   = Φ(δ − z_a)  [+ Φ(−δ − z_a) two-sided],
///              δ = √(d·k)/(1 + k)·|log HR|   or   √(d·k)·|1 − HR|/(1 + k·HR)
/// ```
/// `d` is returned unrounded (round it up to plan a trial). One-sided,
/// `power(d(power)) = power` exactly; two-sided, `power(d(power))` exceeds
/// `power` by the opposite tail `Φ(−δ − z_a)` (below 1e-5 for power ≥ 0.5
/// at alpha ≤ 0.05), which the closed form for `d` ignores, as rpact does.
///
/// # Conventions
/// Matches rpact's `getSampleSizeSurvival(typeOfComputation = "Schoenfeld"
/// / "Freedman", allocationRatioPlanned = k, sided = )` (`maxNumberOfEvents`)
/// and `getPowerSurvival(...)$overallReject`, gsDesign's
/// `nEvents(hr, alpha, beta, ratio, sided)` (Schoenfeld). The defaults are
/// one-sided alpha 0.025, power 0.80, `k = 1`, Schoenfeld.
///
/// # Errors
/// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) unless the hazard ratio is positive, finite
/// and not 1, `alpha` is in (0, 0.5), power in (0.5, 1), the allocation
/// ratio positive and finite, and (for [`power_for_events`](Self::power_for_events))
/// the number of events positive and finite.
///
/// # Example
/// ```
/// use survkit::{LogRankEvents, Sided};
/// // rpact: getSampleSizeSurvival(hazardRatio = 0.6, alpha = 0.05, sided = 2,
/// //        beta = 0.2)$maxNumberOfEvents = 120.3157
/// let plan = LogRankEvents::new(0.6)?.alpha(0.05).sided(Sided::Two).power(0.8);
/// let events = plan.events()?;
/// assert_eq!(format!("{:.4}", events.events()), "120.3157");
/// assert_eq!(events.events_rounded_up(), 121);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Schoenfeld, D. (1981). The asymptotic properties of nonparametric tests
///   for comparing survival distributions. *Biometrika* 68(1), 316–319.
///   doi:10.1093/biomet/68.1.316
/// - Schoenfeld, D. A. (1983). Sample-size formula for the proportional-hazards
///   regression model. *Biometrics* 39(2), 499–503. doi:10.2307/2531021
/// - Freedman, L. S. (1982). Tables of the number of patients required in
///   clinical trials using the logrank test. *Statistics in Medicine* 1(2),
///   121–129. doi:10.1002/sim.4780010204
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct LogRankEvents {
    hazard_ratio: f64,
    alpha: f64,
    sided: Sided,
    power: f64,
    allocation_ratio: f64,
    method: EventsMethod,
}

impl LogRankEvents {
    /// A plan to detect `hazard_ratio` (experimental / control), one-sided
    /// alpha 0.025, power 0.80, equal allocation, Schoenfeld's formula.
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) unless the hazard ratio is positive,
    /// finite and not 1.
    pub fn new(hazard_ratio: f64) -> Result<Self> {
        check_hazard_ratio(hazard_ratio)?;
        Ok(Self {
            hazard_ratio,
            alpha: 0.025,
            sided: Sided::One,
            power: 0.8,
            allocation_ratio: 1.0,
            method: EventsMethod::Schoenfeld,
        })
    }
    setters! {
        /// Significance level (default 0.025), checked when computing.
        pub fn alpha(mut self, alpha: f64) -> Self { self.alpha }

        /// One- or two-sided test (default one-sided).
        pub fn sided(mut self, sided: Sided) -> Self { self.sided }

        /// Target power (default 0.80), checked when computing.
        pub fn power(mut self, power: f64) -> Self { self.power }

        /// Experimental : control allocation ratio `k` (default 1).
        pub fn allocation_ratio(mut self, ratio: f64) -> Self { self.allocation_ratio }

        /// Schoenfeld (default) or Freedman.
        pub fn method(mut self, method: EventsMethod) -> Self { self.method }
    }

    /// The number of events needed.
    ///
    /// # Errors
    /// See the type's docs.
    pub fn events(&self) -> Result<LogRankEventsResult> {
        check_positive("allocation_ratio", self.allocation_ratio)?;
        let (za, zb) = critical_values(self.alpha, self.sided, self.power)?;
        let drift = drift_per_event(self.method, self.hazard_ratio, self.allocation_ratio);
        let events = ((za + zb) / drift).powi(2);
        Ok(LogRankEventsResult {
            plan: self.clone(),
            events,
        })
    }

    /// The power of the test with `events` events (the power set on the
    /// plan is not used).
    ///
    /// # Errors
    /// See the type's docs.
    pub fn power_for_events(&self, events: f64) -> Result<f64> {
        check_positive("events", events)?;
        check_positive("allocation_ratio", self.allocation_ratio)?;
        check_error_rate("alpha", self.alpha)?;
        let za = z_alpha(self.alpha, self.sided)?;
        let delta =
            events.sqrt() * drift_per_event(self.method, self.hazard_ratio, self.allocation_ratio);
        let near = norm_cdf(delta - za);
        Ok(match self.sided {
            Sided::One => near,
            Sided::Two => near + norm_cdf(-delta - za),
        })
    }
}

/// The number of events computed by [`LogRankEvents::events`].
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct LogRankEventsResult {
    plan: LogRankEvents,
    events: f64,
}

impl LogRankEventsResult {
    /// The number of events, unrounded.
    pub fn events(&self) -> f64 {
        self.events
    }
    /// The number of events rounded up: the number to plan for.
    pub fn events_rounded_up(&self) -> u64 {
        self.events.ceil() as u64
    }
    /// The formula used.
    pub fn method(&self) -> EventsMethod {
        self.plan.method
    }
    /// The hazard ratio to detect.
    pub fn hazard_ratio(&self) -> f64 {
        self.plan.hazard_ratio
    }
    /// The significance level.
    pub fn alpha(&self) -> f64 {
        self.plan.alpha
    }
    /// One- or two-sided.
    pub fn sided(&self) -> Sided {
        self.plan.sided
    }
    /// The target power.
    pub fn power(&self) -> f64 {
        self.plan.power
    }
    /// The experimental : control allocation ratio.
    pub fn allocation_ratio(&self) -> f64 {
        self.plan.allocation_ratio
    }
}

fn sided_text(s: Sided) -> &'static str {
    match s {
        Sided::One => "1-sided",
        Sided::Two => "2-sided",
    }
}

impl fmt::Display for LogRankEventsResult {
    /// The design inputs and the number of events, in the style of
    /// rpact's summary of `getSampleSizeSurvival`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.plan;
        let (name, year) = match p.method {
            EventsMethod::Schoenfeld => ("Schoenfeld", 1981),
            EventsMethod::Freedman => ("Freedman", 1982),
        };
        writeln!(
            f,
            "Number of events for a two-arm log-rank test ({name}, {year})"
        )?;
        let type_i = format!("Type I error ({}):                 ", sided_text(p.sided));
        write_labelled(
            f,
            &[
                (
                    "Hazard ratio:                          ",
                    format_number(p.hazard_ratio, 7),
                ),
                (&type_i, format_number(p.alpha, 7)),
                (
                    "Power:                                 ",
                    format_number(p.power, 7),
                ),
                (
                    "Allocation ratio (experimental/control): ",
                    format_number(p.allocation_ratio, 7),
                ),
                (
                    "Number of events:                      ",
                    format!("{:.1} (plan {})", self.events, self.events_rounded_up()),
                ),
            ],
        )
    }
}

/// How [`SurvivalSampleSize`] finds the number of patients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SurvivalSampleSizeMethod {
    /// Lachin & Foulkes (1986) on the log hazard ratio, with the variance
    /// under H0 at the allocation-weighted mean hazard (gsDesign's `nSurv`
    /// default). Default.
    #[default]
    LachinFoulkes,
    /// Schoenfeld's number of events divided by the probability that a
    /// patient has an event (rpact's `getSampleSizeSurvival`, gsDesign's
    /// `nSurv(method = "Schoenfeld")`).
    Schoenfeld,
    /// Freedman's number of events divided by the event probability.
    Freedman,
}

/// The number of patients (and the expected number of events) for a
/// two-arm log-rank comparison with exponential survival, uniform accrual
/// over `accrual_time`, a further `follow_up` until the analysis, and
/// exponential dropout.
///
/// # Method
/// Hazards `λ_C` (control) and `λ_E = HR·λ_C`, dropout hazard `η` in both
/// arms, fractions `Q_E = k/(1 + k)`, `Q_C = 1/(1 + k)`, accrual `R`, study
/// duration `T = R + follow_up`. A patient entering uniformly in `[0, R]`
/// has an event before `T` with probability
/// ```text
/// P(λ) = λ/(λ + η) · [1 − (e^{−(λ+η)(T−R)} − e^{−(λ+η)T}) / ((λ + η) R)]
/// ```
/// Lachin-Foulkes on the log hazard ratio (the variance of its estimate is
/// `1/(N Q_C P_C) + 1/(N Q_E P_E)`), with the variance under H0 taken at the
/// allocation-weighted hazard `λ̄ = Q_C λ_C + Q_E λ_E` in both arms:
/// ```text
/// N = [ z_a √(1/(Q_C P(λ̄)) + 1/(Q_E P(λ̄))) + z_b √(1/(Q_C P(λ_C)) + 1/(Q_E P(λ_E))) ]² / (log HR)²
/// events = N · (Q_C P(λ_C) + Q_E P(λ_E))
/// ```
/// Schoenfeld or Freedman: `events` from [`LogRankEvents`], `N = events /
/// (Q_C P(λ_C) + Q_E P(λ_E))`.
///
/// # Conventions
/// Lachin-Foulkes matches gsDesign's `nSurv(lambdaC, hr, eta, R, T, minfup,
/// ratio, alpha, beta, sided)` with one accrual period and one stratum
/// (its example, `lambdaC = log(2)/20, hr = 0.5, R = 20, T = 30`, one-sided
/// 0.025, power 0.90, gives N = 227.6 and 88.7 events); Schoenfeld matches
/// rpact's `getSampleSizeSurvival(lambda2, hazardRatio, accrualTime,
/// followUpTime, dropoutRate…)` (`maxNumberOfSubjects`, which rpact does not
/// round). Lachin & Foulkes' paper works on the hazard difference with
/// `φ(λ) = λ²/P(λ)`; the log-hazard form here is gsDesign's.
///
/// # Errors
/// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) unless the hazard ratio is positive, finite
/// and not 1, the control hazard, accrual time and allocation ratio are
/// positive and finite, the follow-up and dropout hazard non-negative and
/// finite, `alpha` in (0, 0.5) and power in (0.5, 1).
///
/// # Example
/// ```
/// use survkit::SurvivalSampleSize;
/// // gsDesign: nSurv(lambdaC = log(2)/20, hr = 0.5, R = 20, T = 30, minfup = 10,
/// //                 alpha = 0.025, beta = 0.1)  -> N = 227.6, 88.7 events
/// let plan = SurvivalSampleSize::new(0.5, 2f64.ln() / 20.0, 20.0, 10.0)?.power(0.9);
/// let size = plan.compute()?;
/// assert_eq!(format!("{:.1} {:.1}", size.patients(), size.events()), "227.6 88.7");
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Lachin, J. M. & Foulkes, M. A. (1986). Evaluation of sample size and
///   power for analyses of survival with allowance for nonuniform patient
///   entry, losses to follow-up, noncompliance, and stratification.
///   *Biometrics* 42(3), 507–519. doi:10.2307/2531201
/// - Schoenfeld, D. (1981), Freedman, L. S. (1982): see [`LogRankEvents`].
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct SurvivalSampleSize {
    hazard_ratio: f64,
    control_hazard: f64,
    accrual_time: f64,
    follow_up: f64,
    dropout_hazard: f64,
    alpha: f64,
    sided: Sided,
    power: f64,
    allocation_ratio: f64,
    method: SurvivalSampleSizeMethod,
}

impl SurvivalSampleSize {
    /// A plan for `hazard_ratio` with control hazard `control_hazard`
    /// (events per unit of time; `log 2 / median` for a median survival),
    /// accrual over `accrual_time` and a further `follow_up` (in the same
    /// unit): no dropout, one-sided alpha 0.025, power 0.80, equal
    /// allocation, Lachin-Foulkes.
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) as in the type's docs.
    pub fn new(
        hazard_ratio: f64,
        control_hazard: f64,
        accrual_time: f64,
        follow_up: f64,
    ) -> Result<Self> {
        check_hazard_ratio(hazard_ratio)?;
        check_positive("control_hazard", control_hazard)?;
        check_positive("accrual_time", accrual_time)?;
        check_non_negative("follow_up", follow_up)?;
        Ok(Self {
            hazard_ratio,
            control_hazard,
            accrual_time,
            follow_up,
            dropout_hazard: 0.0,
            alpha: 0.025,
            sided: Sided::One,
            power: 0.8,
            allocation_ratio: 1.0,
            method: SurvivalSampleSizeMethod::LachinFoulkes,
        })
    }
    setters! {
        /// Exponential dropout hazard in both arms (default 0), checked when computing.
        pub fn dropout_hazard(mut self, eta: f64) -> Self { self.dropout_hazard }

        /// Significance level (default 0.025).
        pub fn alpha(mut self, alpha: f64) -> Self { self.alpha }

        /// One- or two-sided (default one-sided).
        pub fn sided(mut self, sided: Sided) -> Self { self.sided }

        /// Target power (default 0.80).
        pub fn power(mut self, power: f64) -> Self { self.power }

        /// Experimental : control allocation ratio (default 1).
        pub fn allocation_ratio(mut self, ratio: f64) -> Self { self.allocation_ratio }

        /// Lachin-Foulkes (default), Schoenfeld or Freedman.
        pub fn method(mut self, method: SurvivalSampleSizeMethod) -> Self { self.method }
    }

    /// The probability that a patient with event hazard `lambda` has an
    /// event before the analysis.
    fn event_probability(&self, lambda: f64) -> f64 {
        let h = lambda + self.dropout_hazard;
        let (r, t) = (self.accrual_time, self.accrual_time + self.follow_up);
        // (e^{-h(T-R)} - e^{-hT}) / (hR) = e^{-h(T-R)} (1 - e^{-hR}) / (hR)
        let censored = (-h * (t - r)).exp() * -(-h * r).exp_m1() / (h * r);
        lambda / h * (1.0 - censored)
    }

    /// Computes the number of patients and the expected number of events.
    ///
    /// # Errors
    /// See the type's docs.
    pub fn compute(&self) -> Result<SurvivalSampleSizeResult> {
        check_non_negative("dropout_hazard", self.dropout_hazard)?;
        check_positive("allocation_ratio", self.allocation_ratio)?;
        let (za, zb) = critical_values(self.alpha, self.sided, self.power)?;
        let k = self.allocation_ratio;
        let (qe, qc) = (k / (1.0 + k), 1.0 / (1.0 + k));
        let lc = self.control_hazard;
        let le = self.hazard_ratio * lc;
        let (pc, pe) = (self.event_probability(lc), self.event_probability(le));
        let mean_p = qc * pc + qe * pe;
        let (patients, events) = match self.method {
            SurvivalSampleSizeMethod::LachinFoulkes => {
                let p0 = self.event_probability(qc * lc + qe * le);
                let sd0 = (1.0 / (qc * p0) + 1.0 / (qe * p0)).sqrt();
                let sd1 = (1.0 / (qc * pc) + 1.0 / (qe * pe)).sqrt();
                let n = ((za * sd0 + zb * sd1) / self.hazard_ratio.ln()).powi(2);
                (n, n * mean_p)
            }
            SurvivalSampleSizeMethod::Schoenfeld | SurvivalSampleSizeMethod::Freedman => {
                let method = if self.method == SurvivalSampleSizeMethod::Schoenfeld {
                    EventsMethod::Schoenfeld
                } else {
                    EventsMethod::Freedman
                };
                let d = ((za + zb) / drift_per_event(method, self.hazard_ratio, k)).powi(2);
                (d / mean_p, d)
            }
        };
        Ok(SurvivalSampleSizeResult {
            plan: self.clone(),
            patients,
            events,
            event_probability: (pc, pe),
        })
    }
}

/// The number of patients and events computed by [`SurvivalSampleSize::compute`].
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct SurvivalSampleSizeResult {
    plan: SurvivalSampleSize,
    patients: f64,
    events: f64,
    event_probability: (f64, f64),
}

impl SurvivalSampleSizeResult {
    /// The number of patients, unrounded (gsDesign and rpact print it so).
    pub fn patients(&self) -> f64 {
        self.patients
    }
    /// The expected number of events under H1, unrounded.
    pub fn events(&self) -> f64 {
        self.events
    }
    /// The probability of an event before the analysis in the control arm.
    pub fn control_event_probability(&self) -> f64 {
        self.event_probability.0
    }
    /// The probability of an event before the analysis in the experimental arm.
    pub fn experimental_event_probability(&self) -> f64 {
        self.event_probability.1
    }
    /// The method used.
    pub fn method(&self) -> SurvivalSampleSizeMethod {
        self.plan.method
    }
    /// The study duration `T` = accrual time + follow-up.
    pub fn study_duration(&self) -> f64 {
        self.plan.accrual_time + self.plan.follow_up
    }
}

impl fmt::Display for SurvivalSampleSizeResult {
    /// In the layout of gsDesign's `print.nSurv`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.plan;
        let method = match p.method {
            SurvivalSampleSizeMethod::LachinFoulkes => "Lachin and Foulkes, 1986",
            SurvivalSampleSizeMethod::Schoenfeld => "Schoenfeld, 1981",
            SurvivalSampleSizeMethod::Freedman => "Freedman, 1982",
        };
        writeln!(f, "Fixed design, two-arm trial with time-to-event")?;
        writeln!(f, "outcome ({method}).")?;
        let type_i = format!("Type I error ({}):   100*alpha=", sided_text(p.sided));
        write_labelled(
            f,
            &[
                (
                    "Hazard ratio                  H1/H0=",
                    format!("{}/1", format_number(p.hazard_ratio, 4)),
                ),
                (
                    "Study duration:                   T=",
                    format_number(self.study_duration(), 4),
                ),
                (
                    "Accrual duration:                   ",
                    format_number(p.accrual_time, 4),
                ),
                (
                    "Min. end-of-study follow-up: minfup=",
                    format_number(p.follow_up, 4),
                ),
                (
                    "Expected events (total, H1):        ",
                    format_number(self.events, 6),
                ),
                (
                    "Expected sample size (total):       ",
                    format_number(self.patients, 7),
                ),
                (
                    "Control event rate:         lambdaC=",
                    format_number(p.control_hazard, 4),
                ),
                (
                    "Dropout rate:                   eta=",
                    format_number(p.dropout_hazard, 4),
                ),
                (
                    "Power:                 100*(1-beta)=",
                    format!("{}%", format_number(100.0 * p.power, 4)),
                ),
                (&type_i, format!("{}%", format_number(100.0 * p.alpha, 4))),
            ],
        )?;
        if p.allocation_ratio == 1.0 {
            writeln!(f, "Equal randomization:          ratio=1")
        } else {
            writeln!(
                f,
                "Randomization (exp./control): ratio={}",
                format_number(p.allocation_ratio, 4)
            )
        }
    }
}
