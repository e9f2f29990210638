//! The options of the unconditional tests: the Wald variance, Boschloo's
//! two-sided rule, the Berger-Boos restriction, and the method tag.

use crate::error::Result;
use crate::ErrorDetail;

/// The variance in the denominator of Barnard's Wald statistic.
///
/// # Method
/// With `p̂ᵢ = xᵢ/nᵢ` and `p̂ = (x₁ + x₂)/(n₁ + n₂)`:
/// ```text
/// Pooled     T = (p̂₁ − p̂₂) / √( p̂ (1 − p̂) (1/n₁ + 1/n₂) )
/// Unpooled   T = (p̂₁ − p̂₂) / √( p̂₁(1 − p̂₁)/n₁ + p̂₂(1 − p̂₂)/n₂ )
/// T = 0 when p̂₁ = p̂₂; an unpooled zero variance with p̂₁ ≠ p̂₂ gives ±∞
/// ```
///
/// # Conventions
/// scipy's `barnard_exact(pooled=True|False)`, including its zero-variance
/// conventions.
///
/// # Example
/// ```
/// use survkit::{Barnard, Table2x2, WaldVariance};
/// let t = Table2x2::new([[0, 10], [5, 0]])?;
/// let r = Barnard::new().variance(WaldVariance::Unpooled).test(&t)?;
/// assert_eq!(r.statistic(), f64::NEG_INFINITY); // p̂₁ = 0, p̂₂ = 1: scipy's −∞
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Lydersen, S., Fagerland, M. W. & Laake, P. (2009). Recommended tests for
/// association in 2 x 2 tables. *Stat. Med.* 28, 1159–1175. doi:10.1002/sim.3531
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum WaldVariance {
    /// The variance under the null (scipy's default, `pooled=True`).
    #[default]
    Pooled,
    /// The sum of the two groups' own variances (`pooled=False`).
    Unpooled,
}

/// How Boschloo's two-sided p-value is formed.
///
/// # Method
/// ```text
/// FisherTwoSided   order the tables by Fisher's two-sided p (R's rule:
///                  the conditional probability of all tables no more
///                  probable than it, ties within 1 + 1e-7);
///                  p = sup_π P_π(p_F2(X) ≤ p_F2(x))
/// Doubled          p = min(1, 2 min(p_less, p_greater)), each a one-sided
///                  Boschloo p-value with its own maximising π
/// ```
///
/// # Conventions
/// `FisherTwoSided` (the default) is the unconditional version of R's
/// `fisher.test` two-sided p, so it never exceeds it (Boschloo 1970: the
/// unconditional test on a conditional p-value is at least as powerful).
/// `Doubled` is scipy's `boschloo_exact(alternative="two-sided")`; it can
/// exceed Fisher's two-sided p: for `[[2, 4], [0, 9]]` Fisher gives .1429,
/// doubled Boschloo .1717 and `FisherTwoSided` .1152 (the founding study's
/// age row: Fisher .0108, `FisherTwoSided` .0060, doubled .0069).
///
/// # Example
/// ```
/// use survkit::{fisher_exact, Boschloo, BoschlooTwoSided, Table2x2};
/// let t = Table2x2::new([[2, 4], [0, 9]])?;
/// let doubled = Boschloo::new().two_sided(BoschlooTwoSided::Doubled).test(&t)?;
/// assert!(doubled.p_value() > fisher_exact(&t)?.p_value());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Boschloo, R. D. (1970). *Statistica Neerlandica* 24, 1–9.
/// doi:10.1111/j.1467-9574.1970.tb00104.x
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum BoschlooTwoSided {
    /// Ordering by Fisher's two-sided p-value (R's `fisher.test` rule).
    #[default]
    FisherTwoSided,
    /// scipy's rule: twice the smaller one-sided Boschloo p-value.
    Doubled,
}

/// The Berger-Boos restriction of the nuisance parameter: the supremum is
/// taken over a `1 − γ` Clopper-Pearson interval for the common success
/// probability, and `γ` is added to it.
///
/// # Method
/// ```text
/// C_γ = Clopper-Pearson 1 − γ interval for π from s = x₁ + x₂ of N = n₁ + n₂
/// p_γ = min(1, sup_{π ∈ C_γ} P_π(R) + γ)
/// ```
///
/// # Errors
/// [`BergerBoos::new`] returns [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) unless
/// `0 < γ < 1`.
///
/// # Example
/// ```
/// use survkit::BergerBoos;
/// assert_eq!(BergerBoos::new(0.001)?.gamma(), 0.001);
/// assert!(BergerBoos::new(0.0).is_err());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Berger, R. L. & Boos, D. D. (1994). P values maximised over a confidence
/// set for the nuisance parameter. *JASA* 89, 1012–1016.
/// doi:10.1080/01621459.1994.10476836
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct BergerBoos(f64);

impl BergerBoos {
    /// Validates `γ` (must be in `(0, 1)`; Berger and Boos suggest 0.001).
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for NaN or a value outside `(0, 1)`.
    pub fn new(gamma: f64) -> Result<BergerBoos> {
        if gamma > 0.0 && gamma < 1.0 {
            Ok(BergerBoos(gamma))
        } else {
            Err(ErrorDetail::InvalidParameter {
                what: "Berger-Boos gamma",
                constraint: "in (0, 1), for example 0.001",
                value: gamma,
            }
            .into())
        }
    }

    /// `γ`.
    pub fn gamma(self) -> f64 {
        self.0
    }
}

/// Which unconditional test produced a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum UnconditionalMethod {
    /// Barnard's test with the Wald statistic and the given variance.
    Barnard(WaldVariance),
    /// Boschloo's test with the given two-sided rule.
    Boschloo(BoschlooTwoSided),
}
