//! What a fitted log-rank test gives beyond its chi-square: hazard ratios
//! (Peto, O/E) and the test for trend.

use super::*;

/// Scores standardized to `u = (s − s̄)/(max s − min s)`, computed without
/// overflow (every score is first divided by the largest `|s|`, so that
/// differences and sums stay finite). The trend test depends on the scores
/// only up to shift and positive scale, so `u` gives the same test for every
/// such transformation while keeping `U` and `Var U` finite.
pub(super) fn standardize_scores(scores: &[f64]) -> Result<Vec<f64>> {
    let big = scores.iter().fold(0.0_f64, |m, s| m.max(s.abs()));
    let t: Vec<f64> = scores
        .iter()
        .map(|s| if big > 0.0 { s / big } else { 0.0 })
        .collect();
    let (lo, hi) = t
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
            (a.min(x), b.max(x))
        });
    let range = hi - lo;
    if range.is_nan() || range <= 0.0 {
        return Err(ErrorDetail::InvalidParameter {
            what: "scores (their range, max − min)",
            constraint: "positive: the scores must not all be equal",
            value: 0.0,
        }
        .into());
    }
    let mean = t.iter().sum::<f64>() / t.len() as f64;
    Ok(t.iter().map(|x| (x - mean) / range).collect())
}

/// How the log-rank hazard ratio is estimated from `O`, `E` and `V`.
///
/// # Method
/// See [`LogRankResult::hazard_ratio`].
///
/// # Conventions
/// `ObservedOverExpected` is the classic `(O₂/E₂)/(O₁/E₁)` of textbooks
/// (Pike's estimator in Berry et al. 1991); `Peto` is the one-step
/// estimator used in meta-analyses (Yusuf et al. 1985). In Berry et al.'s
/// simulations Pike's was the less biased, both adequate below HR = 3.
///
/// # Errors
/// None.
///
/// # Example
/// ```
/// use survkit::HazardRatioEstimator;
/// assert_ne!(HazardRatioEstimator::Peto, HazardRatioEstimator::ObservedOverExpected);
/// ```
///
/// # References
/// Berry, G., Kitchin, R. M. & Mock, P. A. (1991). *Stat. Med.* 10, 749–755.
/// doi:10.1002/sim.4780100510
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum HazardRatioEstimator {
    /// `(O₂/E₂)/(O₁/E₁)` with `SE(log HR) = √(1/E₁ + 1/E₂)`.
    ObservedOverExpected,
    /// `exp((O₂ − E₂)/V)` with `SE(log HR) = 1/√V`.
    Peto,
}

/// A hazard-ratio estimate from log-rank statistics, with its confidence interval.
///
/// # Method
/// From the observed `O`, expected `E` (summed over strata) and the variance
/// `V = V₂₂` of the log-rank test of two groups:
///
/// ```text
/// ObservedOverExpected  log HR = log(O₂/E₂) − log(O₁/E₁),  SE = √(1/E₁ + 1/E₂)
/// Peto                  log HR = (O₂ − E₂)/V,              SE = 1/√V
/// CI = exp(log HR ± z SE),   z = −Φ⁻¹(α/2)
/// ```
///
/// # Conventions
/// The second group relative to the first (R's `coxph` reference level).
/// Pike's and Peto's estimators approximate, but are not, the Cox partial
/// likelihood estimate of R's `coxph`; the reference values are computed in
/// R from `survdiff`'s `obs`, `exp` and `var`.
///
/// # Errors
/// None: a plain value, built by [`LogRankResult::hazard_ratio`] (see its
/// errors).
///
/// # Example
/// ```
/// use survkit::{datasets::ovarian, log_rank, ConfidenceLevel, HazardRatioEstimator, SurvivalData};
/// let data = SurvivalData::builder(&ovarian::FUTIME[..], ovarian::event())
///     .groups(&ovarian::RX).build()?;
/// let hr = log_rank(&data)?
///     .hazard_ratio(HazardRatioEstimator::ObservedOverExpected, ConfidenceLevel::NINETY_FIVE)?;
/// // R: f <- survdiff(Surv(futime, fustat) ~ rx, data = ovarian)
/// //    (f$obs[2] / f$exp[2]) / (f$obs[1] / f$exp[1]) = 0.55246487500291941
/// assert!((hr.estimate() / 0.55246487500291941 - 1.0).abs() < 1e-10);
/// assert_eq!(hr.estimator(), HazardRatioEstimator::ObservedOverExpected);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Berry, G., Kitchin, R. M. & Mock, P. A. (1991). A comparison of two
/// simple hazard ratio estimators based on the logrank test. *Stat. Med.*
/// 10, 749–755. doi:10.1002/sim.4780100510
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct HazardRatio {
    pub(super) estimator: HazardRatioEstimator,
    pub(super) estimate: f64,
    pub(super) se_log: f64,
    pub(super) ci: ConfidenceInterval,
}

impl HazardRatio {
    /// The estimator used.
    pub fn estimator(&self) -> HazardRatioEstimator {
        self.estimator
    }

    /// The hazard ratio (second group relative to the first).
    pub fn estimate(&self) -> f64 {
        self.estimate
    }

    /// Standard error of the log hazard ratio.
    pub fn std_err_log(&self) -> f64 {
        self.se_log
    }

    /// The confidence interval, `exp(log HR ± z SE)`.
    pub fn confidence_interval(&self) -> ConfidenceInterval {
        self.ci
    }

    renamed! {
        pub fn se_log(&self) -> f64 { self.std_err_log() }
        pub fn ci(&self) -> ConfidenceInterval { self.confidence_interval() }
    }
}

/// The log-rank test for trend across ordered groups.
///
/// # Method
/// With scores `s` (one per group) and the `O − E` and `V` of the k-group test:
///
/// ```text
/// u_g = (s_g − s̄)/(max s − min s)     (scores standardized)
/// U = Σ_g u_g (O_g − E_g),   Var U = uᵀ V u,   z = U / √Var U,   χ² = z² on 1 df
/// ```
///
/// # Conventions
/// Unstratified and unweighted, the score test of R's `coxph(Surv ~ score,
/// ties = "exact")`; [`z_p_value`](Self::z_p_value) gives the one-sided
/// p-values of `z` (`Less`: `Φ(z)`, `Greater`: `1 − Φ(z)` computed directly).
///
/// # Errors
/// None: a plain value, built by [`LogRankResult::trend`] (see its errors).
///
/// # Example
/// ```
/// use survkit::{datasets::veteran, log_rank, Alternative, SurvivalData};
/// let data = SurvivalData::builder(&veteran::TIME[..], veteran::event())
///     .groups(&veteran::CELLTYPE).build()?;
/// let trend = log_rank(&data)?.trend(&[0.0, 1.0, 2.0, 3.0])?;
/// let both = trend.z_p_value(Alternative::Greater) + trend.z_p_value(Alternative::Less);
/// assert!((both - 1.0).abs() < 1e-12);
/// assert!((trend.statistic() - trend.z() * trend.z()).abs() < 1e-9 * trend.statistic());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Collett, D. (2015). *Modelling Survival Data in Medical Research*, 3rd
/// ed., CRC Press, §2.7. doi:10.1201/b18041
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct TrendTest {
    pub(super) score: f64,
    pub(super) variance: f64,
    pub(super) z: f64,
    pub(super) chisq: f64,
    pub(super) p_value: f64,
}

impl TrendTest {
    /// The score `U = Σ u_g (O_g − E_g)` with the standardized scores
    /// `u_g = (s_g − s̄)/(max s − min s)` (in 0.1.0 this was
    /// `statistic()`; `statistic()` is now the chi-square, as on every test).
    pub fn score(&self) -> f64 {
        self.score
    }

    /// `Var U = uᵀ V u` (standardized scores).
    pub fn variance(&self) -> f64 {
        self.variance
    }

    /// `z = U / √Var U`.
    pub fn z(&self) -> f64 {
        self.z
    }

    /// The chi-square statistic `χ² = U² / Var U` on 1 degree of freedom.
    pub fn statistic(&self) -> f64 {
        self.chisq
    }

    /// Degrees of freedom of [`statistic`](Self::statistic): always 1.
    pub fn df(&self) -> usize {
        1
    }

    renamed! {
        pub fn chisq(&self) -> f64 { self.statistic() }
    }

    /// Two-sided p-value, `P(χ²₁ ≥ χ²)`.
    pub fn p_value(&self) -> f64 {
        self.p_value
    }

    /// The p-value of `z` for the given alternative (`Less`: `Φ(z)`, `Greater`: `1 − Φ(z)`).
    pub fn z_p_value(&self, alternative: Alternative) -> f64 {
        match alternative {
            Alternative::TwoSided => self.p_value,
            Alternative::Less => normal_lower(self.z),
            Alternative::Greater => normal_upper(self.z),
        }
    }
}
