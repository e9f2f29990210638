//! The Aalen-Johansen cumulative incidence of each cause, per group, with
//! cmprsk's delta-method variance and survival's infinitesimal-jackknife
//! standard error.

use std::fmt;

use crate::builder::setters;
use crate::competing::gray::{gray_tests, GrayTest};
use crate::competing::table::{CellRows, CompetingRisksTable, Runs};
use crate::competing::{CompetingRisksData, MAX_GRAY_GROUPS};
use crate::error::Result;
use crate::event_table::{TimeFix, MAX_CELLS};
use crate::interval::{CiTransform, ConfidenceInterval, ConfidenceLevel};
use crate::kaplan_meier::ci_bounds;
use crate::rformat::{format_column, matrix};
use crate::ErrorDetail;

/// Aalen-Johansen cumulative incidence curves of competing risks, by
/// group, with Gray's test between groups.
///
/// # Method
/// For one group with distinct times `t₁ < t₂ < …`, `nⱼ` at risk, `dₖⱼ`
/// events of cause `k` and `dⱼ = Σₖ dₖⱼ`, the event-free (all-cause
/// Kaplan-Meier) survival and the cumulative incidence of cause `k` are
///
/// ```text
/// S(tⱼ)  = S(tⱼ₋₁) · (nⱼ − dⱼ) / nⱼ,                S(t₀) = 1
/// Fₖ(t)  = Σ_{tⱼ ≤ t} S(tⱼ₋₁) · dₖⱼ / nⱼ             (Aalen-Johansen)
/// ```
///
/// Two standard errors, each named after the software it reproduces:
///
/// - `std_err_delta`, the square root of `cmprsk::cuminc`'s `var` (Gray's
///   delta-method formula as coded in cmprsk's `cinc`): with
///   `wⱼ = S(tⱼ₋₁)² · dⱼ' (1 − (dⱼ' − 1)/(nⱼ − 1)) / nⱼ²` for the `dⱼ'` events
///   of one kind at `tⱼ`,
///   ```text
///   Var Fₖ(t) = Σ_{tⱼ ≤ t, cause k}  (1 + (Fₖ(tⱼ) − Fₖ(t)) / S(tⱼ))² wⱼ
///             + Σ_{tⱼ ≤ t, other causes} ((Fₖ(tⱼ) − Fₖ(t)) / S(tⱼ))² wⱼ
///   ```
///   (a term with `S(tⱼ) = 0` keeps only its `1`; other-cause terms with
///   `S(tⱼ) = 0` are dropped, as cmprsk does).
/// - `std_err_ij`, survival's `survfit(Surv(time, factor(cause)) ~ group)`
///   `std.err` (the infinitesimal jackknife): `Var = Σᵢ Uᵢ(t)²` with
///   `Uᵢ = ∂P(t)/∂wᵢ`, the derivative of the Aalen-Johansen state
///   probabilities `P = (S, F₁, …, F_K)` with respect to subject `i`'s case
///   weight at `wᵢ = 1`. Through the hazard increments
///   `∂dAₖ(tⱼ)/∂wᵢ = (dNᵢₖ(tⱼ) − Yᵢ(tⱼ) dAₖ(tⱼ)) / nⱼ`:
///   ```text
///   U⁰ᵢ(tⱼ) = U⁰ᵢ(tⱼ₋₁)(1 − dA(tⱼ)) − S(tⱼ₋₁) (dNᵢ(tⱼ) − Yᵢ(tⱼ) dA(tⱼ)) / nⱼ
///   Uᵏᵢ(tⱼ) = Uᵏᵢ(tⱼ₋₁) + U⁰ᵢ(tⱼ₋₁) dAₖ(tⱼ) + S(tⱼ₋₁) (dNᵢₖ(tⱼ) − Yᵢ(tⱼ) dAₖ(tⱼ)) / nⱼ
///   ```
///   Subjects still at risk share one `U`; subjects who have left evolve
///   linearly, so the sums `Σ U⁰²`, `Σ U⁰Uᵏ`, `Σ Uᵏ²` over them are carried
///   forward in O(K) per time: the whole curve costs O(rows · K).
///
/// Pointwise intervals use `std_err_ij` with [`CiTransform`] (default log,
/// survfit's `conf.type = "log"`): for log, `F · exp(∓ z · se / F)`, the
/// upper bound capped at 1; the other transforms as survfit's
/// `survfit_confint` with `logse = FALSE`.
///
/// Gray's test (`ρ` = [`rho`](Self::rho), default 0) compares the
/// subdistribution hazards of each cause between groups; see [`GrayTest`].
///
/// # Conventions
/// Estimates match both R functions; `std_err_ij` and the intervals match
/// survival 3.5-3's `survfit` (multi-state, `conf.type = "log"`, `timefix =
/// TRUE`), `std_err_delta` and the tests match cmprsk 2.2-11's `cuminc`
/// (`rho = 0`, `cencode = 0`). cmprsk compares times exactly: use
/// [`TimeFix::Exact`] for data with times closer than R's tolerance. cmprsk
/// gives no intervals. cmprsk's `cinc` mixes single-precision literals
/// (`1.`) into its double-precision arithmetic; they are small integers,
/// exact in single precision, so its variances are full double precision.
///
/// # Errors
/// [`ErrorDetail::NoEvents`](crate::ErrorDetail::NoEvents) when no subject has a cause, [`ErrorDetail::EmptyGroup`](crate::ErrorDetail::EmptyGroup)
/// for a declared group without subjects, [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for a
/// non-finite `rho`, [`ErrorDetail::IntegerOutOfRange`](crate::ErrorDetail::IntegerOutOfRange) for more than
/// [`MAX_GRAY_GROUPS`] groups or more than [`MAX_CELLS`](crate::MAX_CELLS)
/// groups × strata.
///
/// # Example
/// ```
/// use survkit::{datasets::mgus2, CompetingRisksData, CumulativeIncidence};
/// let data = CompetingRisksData::builder(mgus2::competing_time(), mgus2::competing_cause())
///     .group_levels(&mgus2::SEX, &mgus2::SEX_LEVELS)
///     .build()?;
/// let fit = CumulativeIncidence::new().fit(&data)?;
/// let pcm_women = fit.curve("F", 1).ok_or("no curve")?;
/// // R: cmprsk::timepoints(cuminc(etime, event, sex), 100)$est["F 1", ]
/// let at100 = pcm_women.estimate_at(100.0);
/// assert!((at100 - 0.06196166).abs() < 1e-8);
/// // R: cuminc(etime, event, sex)$Tests["2", ]: death differs by sex
/// let death = fit.gray_test(2).ok_or("no test")?;
/// assert!((death.statistic() - 11.651259).abs() < 1e-6);
/// assert!(death.p_value() < 0.001);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # References
/// - Aalen, O. O. & Johansen, S. (1978). An empirical transition matrix for
///   non-homogeneous Markov chains based on censored observations. *Scand.
///   J. Statist.* 5, 141–150.
/// - Gray, R. J. (1988). A class of K-sample tests for comparing the
///   cumulative incidence of a competing risk. *Ann. Statist.* 16,
///   1141–1154. doi:10.1214/aos/1176350951
/// - Marubini, E. & Valsecchi, M. G. (1995). *Analysing Survival Data from
///   Clinical Trials and Observational Studies*. Wiley (the delta-method
///   variance).
/// - Therneau, T. M., Crowson, C. & Atkinson, E. (2023). Multi-state models
///   and competing risks. Vignette "compete" of the R package survival.
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct CumulativeIncidence {
    level: ConfidenceLevel,
    transform: CiTransform,
    time_fix: TimeFix,
    rho: f64,
}

impl Default for CumulativeIncidence {
    fn default() -> Self {
        CumulativeIncidence {
            level: ConfidenceLevel::default(),
            transform: CiTransform::Log,
            time_fix: TimeFix::Tolerance,
            rho: 0.0,
        }
    }
}

impl CumulativeIncidence {
    /// The defaults: 95% level, log transform, R's near-tie rule, `ρ = 0`.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Level of the pointwise intervals (default 0.95).
        pub fn confidence_level(mut self, level: ConfidenceLevel) -> Self { self.level }

        /// Scale of the pointwise intervals (default log, as survfit).
        pub fn transform(mut self, transform: CiTransform) -> Self { self.transform }

        /// Near-tie rule (default [`TimeFix::Tolerance`], survfit's `timefix =
        /// TRUE`; [`TimeFix::Exact`] compares times as cmprsk does).
        pub fn time_fix(mut self, time_fix: TimeFix) -> Self { self.time_fix }

        /// The power `ρ` of Gray's weight `(1 − F̂(t−))^ρ` (cmprsk's `rho`,
        /// default 0); must be finite.
        pub fn rho(mut self, rho: f64) -> Self { self.rho }
    }

    /// Fits the curves of every group and cause, and Gray's test of each
    /// cause when there are at least two groups.
    ///
    /// # Errors
    /// See the type's docs.
    pub fn fit(&self, data: &CompetingRisksData) -> Result<CumulativeIncidenceFit> {
        if !self.rho.is_finite() {
            return Err(ErrorDetail::InvalidParameter {
                what: "rho",
                constraint: "finite",
                value: self.rho,
            }
            .into());
        }
        if data.causes().is_empty() {
            return Err(ErrorDetail::NoEvents {
                what: "cumulative incidence",
            }
            .into());
        }
        let n_groups = data.n_groups();
        if n_groups > MAX_GRAY_GROUPS {
            return Err(ErrorDetail::IntegerOutOfRange {
                what: "the number of groups",
                constraint: "at most MAX_GRAY_GROUPS = 1024",
                value: n_groups as u64,
            }
            .into());
        }
        let cells = n_groups.saturating_mul(data.n_strata());
        if cells > MAX_CELLS {
            return Err(ErrorDetail::IntegerOutOfRange {
                what: "groups × strata",
                constraint: "at most MAX_CELLS = 2^24",
                value: cells as u64,
            }
            .into());
        }
        let runs = Runs::new(data, self.time_fix);
        let table = CompetingRisksTable::from_runs(data, &runs, self.time_fix);
        let mut curves = Vec::with_capacity(n_groups * data.causes().len());
        for (g, rows) in table.cells().iter().enumerate() {
            if rows.time.is_empty() {
                return Err(ErrorDetail::EmptyGroup {
                    what: "group",
                    level: table.group_names()[g].clone(),
                }
                .into());
            }
            curves.extend(group_curves(
                rows,
                &table.group_names()[g],
                data.causes(),
                self.level,
                self.transform,
            ));
        }
        let tests = if n_groups >= 2 {
            gray_tests(data, &runs, self.rho)
        } else {
            Vec::new()
        };
        Ok(CumulativeIncidenceFit {
            causes: data.causes().to_vec(),
            group_names: table.group_names().to_vec(),
            curves,
            tests,
            level: self.level,
            transform: self.transform,
            time_fix: self.time_fix,
            rho: self.rho,
        })
    }
}

/// One (group, cause) curve of a [`CumulativeIncidenceFit`]: one row per
/// distinct time of the group (an event of any cause or a censoring).
///
/// `lower` and `upper` are NaN where R gives `NA` (an estimate of 0 under
/// the log transform).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct IncidenceCurve {
    group: String,
    cause: u32,
    time: Vec<f64>,
    n_risk: Vec<u64>,
    n_event: Vec<u64>,
    n_censor: Vec<u64>,
    estimate: Vec<f64>,
    variance_delta: Vec<f64>,
    std_err_delta: Vec<f64>,
    std_err_ij: Vec<f64>,
    lower: Vec<f64>,
    upper: Vec<f64>,
    event_free: Vec<f64>,
    last_time: f64,
    level: ConfidenceLevel,
}

impl IncidenceCurve {
    /// The group's name.
    pub fn group(&self) -> &str {
        &self.group
    }

    /// The cause code.
    pub fn cause(&self) -> u32 {
        self.cause
    }

    /// Row times.
    pub fn time(&self) -> &[f64] {
        &self.time
    }

    /// Number at risk just before each time.
    pub fn n_risk(&self) -> &[u64] {
        &self.n_risk
    }

    /// Events of this cause at each time.
    pub fn n_event(&self) -> &[u64] {
        &self.n_event
    }

    /// Censored at each time.
    pub fn n_censor(&self) -> &[u64] {
        &self.n_censor
    }

    /// The cumulative incidence `Fₖ(t)` after each time.
    pub fn estimate(&self) -> &[f64] {
        &self.estimate
    }

    /// cmprsk's delta-method variance (`cuminc(...)$var`).
    pub fn variance_delta(&self) -> &[f64] {
        &self.variance_delta
    }

    /// cmprsk's delta-method standard error (`sqrt(cuminc(...)$var)`).
    pub fn std_err_delta(&self) -> &[f64] {
        &self.std_err_delta
    }

    /// survival's infinitesimal-jackknife standard error (`survfit(...)$std.err`).
    pub fn std_err_ij(&self) -> &[f64] {
        &self.std_err_ij
    }

    /// Lower bounds of the pointwise intervals.
    pub fn lower(&self) -> &[f64] {
        &self.lower
    }

    /// Upper bounds of the pointwise intervals.
    pub fn upper(&self) -> &[f64] {
        &self.upper
    }

    /// The group's event-free survival `S(t)` (all-cause Kaplan-Meier) after
    /// each time: survfit's state `(s0)`.
    pub fn event_free(&self) -> &[f64] {
        &self.event_free
    }

    /// The estimate at time `t` (0 before the first row; the last value
    /// after the last row; NaN for a NaN `t`).
    pub fn estimate_at(&self, t: f64) -> f64 {
        self.value_at(&self.estimate, t)
    }

    /// cmprsk's delta-method variance at time `t`, as `timepoints` reads it.
    pub fn variance_delta_at(&self, t: f64) -> f64 {
        self.value_at(&self.variance_delta, t)
    }

    fn value_at(&self, column: &[f64], t: f64) -> f64 {
        if t.is_nan() {
            return f64::NAN;
        }
        let i = self.time.partition_point(|&x| x <= t);
        if i == 0 {
            0.0
        } else {
            column[i - 1]
        }
    }

    /// The pointwise interval at row `row` (bounds NaN where R gives `NA`),
    /// or `None` past the last row.
    pub fn confidence_interval(&self, row: usize) -> Option<ConfidenceInterval> {
        Some(ConfidenceInterval::new(
            *self.lower.get(row)?,
            *self.upper.get(row)?,
            self.level,
        ))
    }

    /// The level of the pointwise intervals.
    pub fn confidence_level(&self) -> ConfidenceLevel {
        self.level
    }

    /// The group's largest time (its last row).
    pub fn last_time(&self) -> f64 {
        self.last_time
    }
}

/// The fitted curves of every group and cause, and Gray's tests.
///
/// Displays as R's `print.cuminc`: the tests, then the estimates and
/// variances at `pretty(c(0, max time), 5)` without its end points.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct CumulativeIncidenceFit {
    causes: Vec<u32>,
    group_names: Vec<String>,
    curves: Vec<IncidenceCurve>,
    tests: Vec<Option<GrayTest>>,
    level: ConfidenceLevel,
    transform: CiTransform,
    time_fix: TimeFix,
    rho: f64,
}

impl CumulativeIncidenceFit {
    /// The curves, group by group, each group's causes in increasing code.
    pub fn curves(&self) -> &[IncidenceCurve] {
        &self.curves
    }

    /// The curve of `group` (a group name) and cause code `cause`.
    pub fn curve(&self, group: &str, cause: u32) -> Option<&IncidenceCurve> {
        self.curves
            .iter()
            .find(|c| c.group == group && c.cause == cause)
    }

    /// The causes.
    pub fn causes(&self) -> &[u32] {
        &self.causes
    }

    /// The group names.
    pub fn group_names(&self) -> &[String] {
        &self.group_names
    }

    /// Gray's test of cause code `cause`; `None` with one group, for an
    /// unknown code, or when the variance matrix is singular (cmprsk then
    /// reports a statistic of −1).
    pub fn gray_test(&self, cause: u32) -> Option<&GrayTest> {
        let k = self.causes.binary_search(&cause).ok()?;
        self.tests.get(k)?.as_ref()
    }

    /// The level of the pointwise intervals.
    pub fn confidence_level(&self) -> ConfidenceLevel {
        self.level
    }

    /// The transform of the pointwise intervals.
    pub fn transform(&self) -> CiTransform {
        self.transform
    }

    /// The near-tie rule used.
    pub fn time_fix(&self) -> TimeFix {
        self.time_fix
    }

    /// Gray's `ρ`.
    pub fn rho(&self) -> f64 {
        self.rho
    }

    /// The largest time of any group.
    pub fn max_time(&self) -> f64 {
        self.curves.iter().map(|c| c.last_time).fold(0.0, f64::max)
    }
}

/// The per-cause columns of one group: the Aalen-Johansen estimate, its
/// delta-method and infinitesimal-jackknife variances, and the event-free
/// survival.
struct Estimates {
    est: Vec<Vec<f64>>,
    var_delta: Vec<Vec<f64>>,
    var_ij: Vec<Vec<f64>>,
    event_free: Vec<f64>,
}

impl Estimates {
    /// One pass over the rows of a group with `kk` causes.
    fn of(rows: &CellRows, kk: usize) -> Self {
        let m = rows.time.len();
        let mut out = Estimates {
            est: vec![Vec::with_capacity(m); kk],
            var_delta: vec![Vec::with_capacity(m); kk],
            var_ij: vec![Vec::with_capacity(m); kk],
            event_free: Vec::with_capacity(m),
        };
        // Aalen-Johansen state.
        let mut s = 1.0_f64;
        let mut f = vec![0.0_f64; kk];
        let mut delta = DeltaMethod::new(kk);
        let mut ij = Jackknife::new(kk);
        let mut dk = vec![0.0_f64; kk];
        for row in 0..m {
            let n = rows.n_risk[row] as f64;
            let c = rows.n_censor[row] as f64;
            for (x, e) in dk.iter_mut().zip(&rows.n_event) {
                *x = e[row] as f64;
            }
            let d: f64 = dk.iter().sum();
            let s_prev = s;
            let s_next = s_prev * (n - d) / n;
            // Aalen-Johansen.
            for (fk, &d_k) in f.iter_mut().zip(&dk) {
                if d_k > 0.0 {
                    *fk += s_prev * d_k / n;
                }
            }
            if d > 0.0 {
                delta.step(&f, &dk, d, n, s_prev, s_next);
            }
            ij.step(&dk, d, c, n, s_prev);
            let stay = n - d - c;
            s = s_next;
            out.event_free.push(s);
            for (k, &fk) in f.iter().enumerate() {
                out.est[k].push(fk);
                out.var_delta[k].push(delta.vd[k]);
                out.var_ij[k].push(ij.mk[k] + stay * ij.r[k] * ij.r[k]);
            }
        }
        out
    }
}

/// cmprsk's delta-method variance: its running sums v1, v2, v3 per cause
/// and the variance of each cause's estimate.
struct DeltaMethod {
    v: Vec<[f64; 3]>,
    vd: Vec<f64>,
}

impl DeltaMethod {
    fn new(kk: usize) -> Self {
        DeltaMethod {
            v: vec![[0.0; 3]; kk],
            vd: vec![0.0; kk],
        }
    }

    /// A time with `d > 0` events, `dk` of each cause, `n` at risk, the
    /// event-free survival `s_prev` before and `s_next` after, and the
    /// estimates `f` after it: per cause k, first the other causes' events
    /// (with Fₖ after this time), then cause k's own.
    fn step(&mut self, f: &[f64], dk: &[f64], d: f64, n: f64, s_prev: f64, s_next: f64) {
        for k in 0..dk.len() {
            let d_other = d - dk[k];
            let [v1, v2, v3] = &mut self.v[k];
            if d_other > 0.0 && s_next > 0.0 {
                let t5 = if d_other > 1.0 {
                    1.0 - (d_other - 1.0) / (n - 1.0)
                } else {
                    1.0
                };
                let t6 = s_prev * s_prev * t5 * d_other / (n * n);
                let t3 = 1.0 / s_next;
                let t4 = f[k] / s_next;
                *v1 += t4 * t4 * t6;
                *v2 += t3 * t4 * t6;
                *v3 += t3 * t3 * t6;
            }
            if dk[k] > 0.0 {
                let t5 = if dk[k] > 1.0 {
                    1.0 - (dk[k] - 1.0) / (n - 1.0)
                } else {
                    1.0
                };
                let t6 = s_prev * s_prev * t5 * dk[k] / (n * n);
                let t3 = if s_next > 0.0 { 1.0 / s_next } else { 0.0 };
                let t4 = 1.0 + t3 * f[k];
                *v1 += t4 * t4 * t6;
                *v2 += t3 * t4 * t6;
                *v3 += t3 * t3 * t6;
                self.vd[k] = *v1 + f[k] * f[k] * *v3 - 2.0 * f[k] * *v2;
            }
        }
    }
}

/// The infinitesimal jackknife (survfit's variance): the shared influence
/// of the subjects at risk (`r0`, `r`) and the sums over subjects who have
/// left (`m00`, `m0`, `mk`).
struct Jackknife {
    r0: f64,
    r: Vec<f64>,
    m00: f64,
    m0: Vec<f64>,
    mk: Vec<f64>,
    b: Vec<f64>,
}

impl Jackknife {
    fn new(kk: usize) -> Self {
        Jackknife {
            r0: 0.0,
            r: vec![0.0; kk],
            m00: 0.0,
            m0: vec![0.0; kk],
            mk: vec![0.0; kk],
            b: vec![0.0; kk],
        }
    }

    /// A time with `d` events (`dk` of each cause), `c` censored, `n` at
    /// risk and the event-free survival `s_prev` before it.
    fn step(&mut self, dk: &[f64], d: f64, c: f64, n: f64, s_prev: f64) {
        let Jackknife {
            r0,
            r,
            m00,
            m0,
            mk,
            b,
        } = self;
        let da = d / n;
        // Subjects who left before: linear map of the Aalen-Johansen step.
        for k in 0..dk.len() {
            let dak = dk[k] / n;
            mk[k] += 2.0 * dak * m0[k] + dak * dak * *m00;
            m0[k] = (1.0 - da) * (m0[k] + dak * *m00);
        }
        *m00 *= (1.0 - da) * (1.0 - da);
        // Subjects at risk at this time, without an event here.
        let b0 = *r0 * (1.0 - da) + s_prev * da / n;
        for k in 0..dk.len() {
            b[k] = r[k] + *r0 * dk[k] / n - s_prev * dk[k] / (n * n);
        }
        // Those leaving now: censored with b, events of cause j with
        // b shifted by the event's own term.
        let e0 = b0 - s_prev / n;
        *m00 += c * b0 * b0 + d * e0 * e0;
        for k in 0..dk.len() {
            let jump = s_prev / n;
            // Σ over events of all causes j of (bₖ + [j = k]·jump)
            m0[k] += c * b0 * b[k] + e0 * (d * b[k] + dk[k] * jump);
            mk[k] +=
                c * b[k] * b[k] + (d - dk[k]) * b[k] * b[k] + dk[k] * (b[k] + jump) * (b[k] + jump);
        }
        *r0 = b0;
        r.clone_from(b);
    }
}

/// The curves of one group, one per cause.
fn group_curves(
    rows: &CellRows,
    group: &str,
    causes: &[u32],
    level: ConfidenceLevel,
    transform: CiTransform,
) -> Vec<IncidenceCurve> {
    let z = level.z();
    let m = rows.time.len();
    let Estimates {
        est,
        var_delta,
        var_ij,
        event_free,
    } = Estimates::of(rows, causes.len());
    let last_time = *rows
        .time
        .last()
        .expect("empty groups are rejected before their curves are built");
    est.into_iter()
        .zip(var_delta)
        .zip(var_ij)
        .enumerate()
        .map(|(k, ((estimate, variance_delta), var_ij))| {
            let std_err_ij: Vec<f64> = var_ij.iter().map(|&x| x.max(0.0).sqrt()).collect();
            let (mut lower, mut upper) = (Vec::with_capacity(m), Vec::with_capacity(m));
            for (&p, &se) in estimate.iter().zip(&std_err_ij) {
                // survfit_confint(logse = FALSE): se on the log scale is se / p.
                let se_log = if se == 0.0 { 0.0 } else { se / p };
                let [lo, hi] = ci_bounds(p, se_log, z, transform);
                lower.push(lo);
                upper.push(hi);
            }
            IncidenceCurve {
                group: group.to_owned(),
                cause: causes[k],
                time: rows.time.clone(),
                n_risk: rows.n_risk.clone(),
                n_event: rows.n_event[k].clone(),
                n_censor: rows.n_censor.clone(),
                std_err_delta: variance_delta.iter().map(|&x| x.max(0.0).sqrt()).collect(),
                estimate,
                variance_delta,
                std_err_ij,
                lower,
                upper,
                event_free: event_free.clone(),
                last_time,
                level,
            }
        })
        .collect()
}

/// R's `pretty(c(0, hi), n)` (`R_pretty` with its default biases
/// `high.u.bias = 1.5`, `u5.bias = 0.5 + 1.5 · 1.5`, `eps.correct = 0`) for
/// a finite `hi > 0`.
pub(crate) fn r_pretty(hi: f64, n: usize) -> Vec<f64> {
    const ROUNDING_EPS: f64 = 1e-10;
    let (h, h5) = (1.5_f64, 0.5 + 1.5 * 1.5);
    let cell = if n > 1 { hi / n as f64 } else { hi };
    let base = 10f64.powf(cell.log10().floor());
    let mut unit = base;
    if 2.0 * base - cell < h * (cell - unit) {
        unit = 2.0 * base;
        if 5.0 * base - cell < h5 * (cell - unit) {
            unit = 5.0 * base;
            if 10.0 * base - cell < h * (cell - unit) {
                unit = 10.0 * base;
            }
        }
    }
    let mut ns = ROUNDING_EPS.floor();
    let mut nu = (hi / unit - ROUNDING_EPS).ceil();
    while ns * unit > ROUNDING_EPS * unit {
        ns -= 1.0;
    }
    while nu * unit < hi - ROUNDING_EPS * unit {
        nu += 1.0;
    }
    let min_n = (n / 3) as f64;
    let k = (0.5 + nu - ns).floor();
    if k < min_n {
        let extra = min_n - k;
        nu += (extra / 2.0).floor();
        ns -= (extra / 2.0).floor() + extra % 2.0;
    }
    let steps = (nu - ns).round().max(1.0);
    let (lo, up) = (ns * unit, nu * unit);
    // R: seq.int(lo, up, length.out = steps + 1)
    (0..=steps as usize)
        .map(|i| lo + i as f64 * (up - lo) / steps)
        .collect()
}

impl fmt::Display for CumulativeIncidenceFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // R: print.cuminc(x): the tests (when any), then timepoints() at
        // pretty(c(0, maxtime), 5) without its end points.
        if self.group_names.len() >= 2 {
            writeln!(f, "Tests:")?;
            let pick = |g: fn(&GrayTest) -> f64| -> Vec<f64> {
                self.tests
                    .iter()
                    .map(|t| t.as_ref().map_or(f64::NAN, g))
                    .collect()
            };
            let names: Vec<String> = self.causes.iter().map(u32::to_string).collect();
            let cols = [
                format_column(&pick(GrayTest::statistic), 7),
                format_column(&pick(GrayTest::p_value), 7),
                format_column(&pick(|t| t.df() as f64), 7),
            ];
            write!(f, "{}", matrix(&["stat", "pv", "df"], &names, &cols))?;
        }
        let max = self.max_time();
        let mut tp = if max > 0.0 {
            r_pretty(max, 5)
        } else {
            Vec::new()
        };
        if tp.len() >= 2 {
            tp.remove(0);
            tp.pop();
        } else {
            tp.clear();
        }
        writeln!(f, "Estimates and Variances:")?;
        let mut order: Vec<&IncidenceCurve> = Vec::with_capacity(self.curves.len());
        for &k in &self.causes {
            order.extend(self.curves.iter().filter(|c| c.cause == k));
        }
        let names: Vec<String> = order
            .iter()
            .map(|c| format!("{} {}", c.group, c.cause))
            .collect();
        let header: Vec<String> = tp
            .iter()
            .map(|&t| format_column(&[t], 15).remove(0))
            .collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        for (title, var) in [("$est", false), ("$var", true)] {
            let cols: Vec<Vec<String>> = tp
                .iter()
                .map(|&t| {
                    let v: Vec<f64> = order
                        .iter()
                        .map(|c| {
                            if t > c.last_time {
                                f64::NAN
                            } else if var {
                                c.variance_delta_at(t)
                            } else {
                                c.estimate_at(t)
                            }
                        })
                        .collect();
                    format_column(&v, 7)
                })
                .collect();
            writeln!(f, "{title}")?;
            write!(f, "{}", matrix(&header, &names, &cols))?;
            writeln!(f)?;
        }
        Ok(())
    }
}
