//! Confidence levels, intervals, alternatives and interval transforms.

use crate::error::{Error, Result};
use crate::ErrorDetail;

/// A confidence level in the open interval `(0, 1)`, such as 0.95.
///
/// Constructing one validates it once, so every procedure that takes a
/// `ConfidenceLevel` can rely on it being usable.
///
/// # Errors
/// [`ConfidenceLevel::new`] returns [`ErrorDetail::InvalidConfidenceLevel`](crate::ErrorDetail::InvalidConfidenceLevel) for NaN
/// or any value outside `(0, 1)`.
///
/// # Example
/// ```
/// use survkit::ConfidenceLevel;
/// let level = ConfidenceLevel::new(0.90)?;
/// assert!((level.alpha() - 0.10).abs() < 1e-15);
/// assert!(ConfidenceLevel::new(1.5).is_err());
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "f64", into = "f64"))]
pub struct ConfidenceLevel(f64);

/// Validates like [`ConfidenceLevel::new`] (used by deserialisation too).
impl TryFrom<f64> for ConfidenceLevel {
    type Error = Error;
    fn try_from(level: f64) -> Result<Self> {
        Self::new(level)
    }
}

impl From<ConfidenceLevel> for f64 {
    fn from(level: ConfidenceLevel) -> f64 {
        level.0
    }
}

impl ConfidenceLevel {
    /// The conventional 95% level (R's default everywhere).
    pub const NINETY_FIVE: ConfidenceLevel = ConfidenceLevel(0.95);

    /// Validates `level` (must lie strictly between 0 and 1).
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidConfidenceLevel`](crate::ErrorDetail::InvalidConfidenceLevel) if `level` is NaN or not in `(0, 1)`.
    pub fn new(level: f64) -> Result<Self> {
        if level > 0.0 && level < 1.0 {
            Ok(ConfidenceLevel(level))
        } else {
            Err(ErrorDetail::InvalidConfidenceLevel { value: level }.into())
        }
    }

    /// The level itself, for example 0.95.
    pub fn value(self) -> f64 {
        self.0
    }

    /// `1 − level`, the total error probability of a two-sided interval.
    pub fn alpha(self) -> f64 {
        1.0 - self.0
    }

    /// `z = Φ⁻¹(1 − α/2)`, the two-sided normal quantile of the level,
    /// computed as `−Φ⁻¹(α/2)`: R forms `1 − α/2`, which rounds to 1 for a
    /// level within 2⁻⁵³ of 1 (then R's `qnorm` gives `Inf`); `α/2` is
    /// exact and in `(0, 1/2)` for every valid level, so this cannot fail.
    /// The one z of an interval at a level (Kaplan-Meier bands, hazard
    /// ratios, Wald intervals).
    pub(crate) fn z(self) -> f64 {
        -crate::special::norm_quantile(self.alpha() / 2.0)
            .expect("α/2 lies in (0, 1/2) for a valid level")
    }
}

impl Default for ConfidenceLevel {
    fn default() -> Self {
        Self::NINETY_FIVE
    }
}

/// A confidence interval `[lower, upper]` at a stated level.
///
/// A bound that the method cannot give is NaN (R prints `NA` there), and a
/// one-sided interval has one infinite or boundary bound, as documented by
/// the procedure that returns it.
///
/// # Example
/// ```
/// use survkit::{ConfidenceInterval, ConfidenceLevel};
/// let ci = ConfidenceInterval::new(0.2, 0.6, ConfidenceLevel::NINETY_FIVE);
/// assert!(ci.contains(0.5));
/// assert!((ci.width() - 0.4).abs() < 1e-15);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct ConfidenceInterval {
    lower: f64,
    upper: f64,
    level: ConfidenceLevel,
}

impl ConfidenceInterval {
    /// Builds an interval from its bounds (no validation: bounds may be NaN
    /// or infinite, as documented by the procedures that return them).
    pub fn new(lower: f64, upper: f64, level: ConfidenceLevel) -> Self {
        ConfidenceInterval {
            lower,
            upper,
            level,
        }
    }

    /// The lower bound.
    pub fn lower(&self) -> f64 {
        self.lower
    }

    /// The upper bound.
    pub fn upper(&self) -> f64 {
        self.upper
    }

    /// The confidence level.
    pub fn level(&self) -> ConfidenceLevel {
        self.level
    }

    /// `upper − lower`.
    pub fn width(&self) -> f64 {
        self.upper - self.lower
    }

    /// Whether `lower ≤ x ≤ upper` (false when a bound is NaN).
    pub fn contains(&self, x: f64) -> bool {
        self.lower <= x && x <= self.upper
    }
}

/// The alternative hypothesis of a test.
///
/// `Less` and `Greater` name the direction of the effect measure of the test
/// (the odds ratio for Fisher's test, the proportion for the binomial test,
/// the z statistic for the log-rank test), as R's `alternative =` does.
///
/// # Example
/// ```
/// use survkit::{Alternative, FisherExact, Table2x2};
/// // R: fisher.test(matrix(c(3, 1, 1, 3), 2), alternative = "greater")$p.value = 0.2428571
/// let tea = Table2x2::new([[3, 1], [1, 3]])?;
/// let r = FisherExact::default().alternative(Alternative::Greater).test(&tea)?;
/// assert!((r.p_value() - 0.24285714285714285).abs() < 1e-12);
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Alternative {
    /// Two-sided (R's `"two.sided"`, the default).
    #[default]
    TwoSided,
    /// The effect is smaller than under the null (R's `"less"`).
    Less,
    /// The effect is larger than under the null (R's `"greater"`).
    Greater,
}

/// The scale on which a pointwise survival confidence interval is built.
///
/// With `S` the estimate, `σ` the Greenwood standard error of `−log S`
/// (R's `std.err`) and `z` the normal quantile:
///
/// ```text
/// Plain    S ± z σ S                                  (R conf.type = "plain")
/// Log      S exp(± z σ)                               (R conf.type = "log", the default)
/// LogLog   S^exp(± z σ / log S)                       (R conf.type = "log-log")
/// Logit    logit⁻¹( logit S ± z σ / (1 − S) )         (R conf.type = "logit")
/// Arcsine  sin²( asin √S ± z σ √S / (2 √(1 − S)) )    (R conf.type = "arcsin")
/// ```
///
/// Bounds are clipped to `[0, 1]` as R clips them.
///
/// # Example
/// ```
/// use survkit::{datasets::aml, CiTransform, KaplanMeier, SurvivalData};
/// let data = SurvivalData::new(&aml::TIME[..], aml::event())?;
/// let fit = KaplanMeier::new().transform(CiTransform::LogLog).fit(&data)?;
/// let curve = &fit.curves()[0];
/// let (lo, hi) = (curve.lower(), curve.upper());
/// assert!(lo[0] < curve.survival()[0] && curve.survival()[0] < hi[0]);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Klein, J. P. & Moeschberger, M. L. (2003). *Survival Analysis*, 2nd ed.,
/// section 4.3. Springer. doi:10.1007/b97377; Borgan, Ø. & Liestøl, K.
/// (1990). A note on confidence intervals and bands for the survival function
/// based on transformations. *Scand. J. Statist.* 17, 35–41.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum CiTransform {
    /// Linear scale.
    Plain,
    /// Log scale (R's default).
    #[default]
    Log,
    /// Complementary log-log scale (Kalbfleisch & Prentice).
    LogLog,
    /// Logit scale.
    Logit,
    /// Arcsine-square-root scale.
    Arcsine,
}

#[cfg(all(test, feature = "serde"))]
mod serde_tests {
    use super::ConfidenceLevel;
    use serde::de::value::{Error as DeError, F64Deserializer};
    use serde::de::IntoDeserializer;
    use serde::Deserialize;

    #[test]
    fn deserialising_validates_the_level() {
        let ok: F64Deserializer<DeError> = 0.9.into_deserializer();
        assert_eq!(
            ConfidenceLevel::deserialize(ok).map(ConfidenceLevel::value),
            Ok(0.9)
        );
        for bad in [1.5, 0.0, f64::NAN] {
            let d: F64Deserializer<DeError> = bad.into_deserializer();
            assert!(ConfidenceLevel::deserialize(d).is_err());
        }
    }
}
