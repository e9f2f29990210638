//! Inference after a Simon two-stage trial: p-value, UMVUE and exact
//! confidence interval under the stage-wise ordering.

use crate::ErrorDetail;
use std::fmt;

use super::simon::TwoStageDesign;
use super::{binom_pmf, check_open_unit};
use crate::error::Result;
use crate::interval::{ConfidenceInterval, ConfidenceLevel};
use crate::rformat::{format_column, format_number};
use crate::special::{increasing_root_in_unit_interval, ln_dhyper};

/// The analysis of a completed two-stage trial (Koyama & Chen 2008;
/// Jung & Kim 2004): the p-value of H0: p ≤ p0 and the confidence interval
/// under the stage-wise ordering of outcomes, and the UMVUE of the response
/// rate. Made by [`TwoStageDesign::inference`].
///
/// # Method
/// An outcome is the stage `m` at which the trial stopped and the total
/// number of responses `s`. The stage-wise ordering ranks every outcome
/// that stopped after stage 1 (`s = x1 ≤ r1`) below every outcome that
/// went on, and orders outcomes of the same stage by `s`. With
/// `X1 ~ Bin(n1, p)` and `X2 ~ Bin(n2 = n − n1, p)`:
/// ```text
/// pv(p) = P(outcome ⪰ observed | p)
///       = P(X1 ≥ s)                                         stopped at stage 1
///       = Σ_{x1 = r1+1}^{n1} P(X1 = x1) · P(X2 ≥ s − x1)     went on to stage 2
/// p-value = pv(p0)
/// UMVUE   = s / n1                                          stopped at stage 1
///         = Σ C(n1−1, x1−1) C(n2, s−x1) / Σ C(n1, x1) C(n2, s−x1),
///           x1 from max(r1+1, s−n2) to min(s, n1)           went on to stage 2
/// interval at level 1 − 2a:  pv(p_L) = a,  pv(p_U) = 1 − a
/// ```
/// `pv` increases with `p`, so each bound is one root, solved to full
/// double precision by Brent's method. The UMVUE is computed as `E[X1] / n1`
/// under the hypergeometric weights `C(n1, x1) C(n2, s − x1)`.
///
/// # Conventions
/// Matches clinfun's `twostage.inference(x, r1, n1, n, pu, alpha)`, whose
/// `alpha` is `a` here: its default `alpha = 0.05` is the two-sided 90%
/// interval (`5% LCL`, `95% UCL`), that is `ConfidenceLevel::new(0.90)`.
/// clinfun finds the bounds on a grid of step 0.0001 (its LCL is the first
/// grid point above the root and its UCL the last below it), so it agrees
/// with survkit to about 1e-4; survkit solves them exactly.
/// As in Koyama & Chen, the upper bound solves `P(outcome ⪰ observed) = 1 − a`,
/// that is `P(outcome ≺ observed) = a` (a Clopper-Pearson-type bound would
/// solve `P(outcome ⪯ observed) = a` and is wider). For the lowest outcome
/// (stopped at stage 1 with no response) `pv ≡ 1` and that rule gives no
/// bound: survkit returns `[0, p_U]` with `P(X1 = 0 | p_U) = a`, and says so
/// here because clinfun fails on this outcome.
///
/// # Errors
/// See [`TwoStageDesign::inference`].
///
/// # Example
/// ```
/// use survkit::{ConfidenceLevel, TwoStageDesign};
/// // Optimal design 1/10, 5/29 for p0 = 0.1; 8 responses in all 29 patients.
/// let design = TwoStageDesign::new(1, 10, 5, 29)?;
/// let result = design.inference(8, 0.1, ConfidenceLevel::new(0.90)?)?;
/// assert!(result.p_value() < 0.05);
/// let ci = result.confidence_interval();
/// assert!(ci.lower() < result.umvue() && result.umvue() < ci.upper());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Koyama, T. & Chen, H. (2008). Proper inference from Simon's two-stage
///   designs. *Statistics in Medicine* 27(16), 3145–3154. doi:10.1002/sim.3123
/// - Jung, S.-H. & Kim, K. M. (2004). On the estimation of the binomial
///   probability in multistage clinical trials. *Statistics in Medicine*
///   23(6), 881–896.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct TwoStageInference {
    design: TwoStageDesign,
    responses: u64,
    stage: u8,
    p0: f64,
    umvue: f64,
    p_value: f64,
    interval: ConfidenceInterval,
}

impl TwoStageDesign {
    /// Analyses a completed trial with `responses` responses in all (a count
    /// of at most `r1` means the trial stopped after stage 1 with `n1`
    /// patients; a larger count means it went on to all `n` patients): the
    /// p-value of H0: p ≤ `p0`, the UMVUE and the exact interval at `level`
    /// (see [`TwoStageInference`]).
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) unless `p0` is in (0, 1);
    /// [`ErrorDetail::CountExceedsTotal`](crate::ErrorDetail::CountExceedsTotal) when `responses > n`;
    /// [`ErrorDetail::NoConvergence`](crate::ErrorDetail::NoConvergence) if a bound's root is not found (not seen).
    pub fn inference(
        &self,
        responses: u64,
        p0: f64,
        level: ConfidenceLevel,
    ) -> Result<TwoStageInference> {
        check_open_unit("p0", p0)?;
        if responses > self.n() {
            return Err(ErrorDetail::CountExceedsTotal {
                what: "responses",
                count: responses,
                total: self.n(),
            }
            .into());
        }
        let a = (1.0 - level.value()) / 2.0;
        let stage = if responses <= self.r1() { 1 } else { 2 };
        let pv = |p: f64| p_value_function(self, responses, p);
        let umvue = if stage == 1 {
            responses as f64 / self.n1() as f64
        } else {
            umvue_stage2(self, responses)
        };
        let lowest = stage == 1 && responses == 0;
        let lower = if lowest {
            0.0
        } else {
            increasing_root_in_unit_interval(
                |p| Some(pv(p) - a),
                umvue.clamp(0.01, 0.99),
                0.05,
                "lower confidence bound",
            )?
        };
        let upper = if lowest {
            // P(X1 = 0 | p) = (1 − p)^n1 = a.
            -(a.ln() / self.n1() as f64).exp_m1()
        } else {
            increasing_root_in_unit_interval(
                |p| Some(pv(p) - (1.0 - a)),
                umvue.clamp(0.01, 0.99),
                0.05,
                "upper confidence bound",
            )?
        };
        Ok(TwoStageInference {
            design: *self,
            responses,
            stage,
            p0,
            umvue,
            p_value: pv(p0),
            interval: ConfidenceInterval::new(lower, upper, level),
        })
    }
}

/// `pv(p) = P(outcome ⪰ observed | p)` under the stage-wise ordering.
pub(crate) fn p_value_function(design: &TwoStageDesign, s: u64, p: f64) -> f64 {
    let (r1, n1, n) = (design.r1(), design.n1(), design.n());
    let pmf1 = binom_pmf(n1, p);
    if s == 0 {
        return 1.0;
    }
    if s <= r1 {
        // P(X1 ≥ s), summed from the top.
        return pmf1[s as usize..].iter().rev().sum();
    }
    let pmf2 = binom_pmf(n - n1, p);
    // ge2[k] = P(X2 ≥ k) for k = 0..=n2 (+ 0 beyond).
    let mut ge2 = vec![0.0; pmf2.len() + 1];
    for k in (0..pmf2.len()).rev() {
        ge2[k] = ge2[k + 1] + pmf2[k];
    }
    let mut sum = 0.0;
    for x1 in (r1 + 1..=n1).rev() {
        let need = s.saturating_sub(x1) as usize;
        let tail = if need >= ge2.len() { 0.0 } else { ge2[need] };
        sum += pmf1[x1 as usize] * tail;
    }
    sum
}

/// The UMVUE after stage 2: `E[X1 | X1 + X2 = s, X1 > r1] / n1` under the
/// hypergeometric weights `C(n1, x1) C(n2, s − x1)` (Jung & Kim 2004).
fn umvue_stage2(design: &TwoStageDesign, s: u64) -> f64 {
    let (r1, n1, n) = (design.r1(), design.n1(), design.n());
    let n2 = n - n1;
    let lo = (r1 + 1).max(s.saturating_sub(n2));
    let hi = s.min(n1);
    assert!(lo <= hi, "a stage-2 total has a first-stage count above r1");
    let logs: Vec<f64> = (lo..=hi)
        .map(|x1| ln_dhyper(x1 as f64, n1 as f64, n2 as f64, s as f64))
        .collect();
    let top = logs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (mut num, mut den) = (0.0, 0.0);
    for (x1, l) in (lo..=hi).zip(&logs) {
        let w = (l - top).exp();
        num += w * x1 as f64;
        den += w;
    }
    num / den / n1 as f64
}

impl TwoStageInference {
    /// The design analysed.
    pub fn design(&self) -> TwoStageDesign {
        self.design
    }
    /// Total number of responses.
    pub fn responses(&self) -> u64 {
        self.responses
    }
    /// The stage at which the trial stopped: 1 (at most `r1` responses
    /// among `n1`) or 2.
    pub fn stage(&self) -> u8 {
        self.stage
    }
    /// The null response rate tested.
    pub fn p0(&self) -> f64 {
        self.p0
    }
    /// The UMVUE of the response rate (the same as [`estimate`](Self::estimate)).
    pub fn umvue(&self) -> f64 {
        self.umvue
    }
    /// The point estimate: the UMVUE.
    pub fn estimate(&self) -> f64 {
        self.umvue
    }
    /// The one-sided p-value of H0: p ≤ p0 under the stage-wise ordering.
    pub fn p_value(&self) -> f64 {
        self.p_value
    }
    /// The exact two-sided interval (stage-wise ordering).
    pub fn confidence_interval(&self) -> ConfidenceInterval {
        self.interval
    }
    /// Its level.
    pub fn confidence_level(&self) -> ConfidenceLevel {
        self.interval.level()
    }
}

impl fmt::Display for TwoStageInference {
    /// Like clinfun's `twostage.inference` named vector
    /// (`pumvue p.value 5% LCL 95% UCL` at level 0.90).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let a = (1.0 - self.interval.level().value()) / 2.0;
        let names = [
            "pumvue".to_owned(),
            "p.value".to_owned(),
            format!("{}% LCL", format_number(100.0 * a, 7)),
            format!("{}% UCL", format_number(100.0 * (1.0 - a), 7)),
        ];
        let values = [
            self.umvue,
            self.p_value,
            self.interval.lower(),
            self.interval.upper(),
        ];
        let cells = format_column(&values, 7);
        let w = names
            .iter()
            .map(String::len)
            .chain(cells.iter().map(String::len))
            .max()
            .expect("four entries");
        for n in &names {
            write!(f, "{n:>w$} ")?;
        }
        writeln!(f)?;
        let line: Vec<String> = cells.iter().map(|c| format!("{c:>w$}")).collect();
        writeln!(f, "{} ", line.join(" "))
    }
}
