//! Private numerics on top of statrs, used only where checked against R.
//!
//! Nothing here is public: numeric helpers are implementation details
//! (statrs made its `prec` module public "for historical reasons" and cannot
//! take it back).
#![allow(dead_code)]

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

use crate::error::{Error, Result};

/// The standard normal distribution (construction cannot fail for (0, 1)).
fn std_normal() -> Normal {
    Normal::standard()
}

/// Standard normal quantile `Φ⁻¹(p)` for `p` in `(0, 1)`.
///
/// statrs' `Normal::inverse_cdf` panics outside `[0, 1]`, so the
/// probability is validated first.
pub(crate) fn norm_quantile(p: f64) -> Result<f64> {
    if p > 0.0 && p < 1.0 {
        Ok(std_normal().inverse_cdf(p))
    } else {
        Err(Error::InvalidProbability {
            what: "normal quantile probability",
            value: p,
        })
    }
}

/// `Φ(x)`, the standard normal lower tail.
pub(crate) fn norm_cdf(x: f64) -> f64 {
    std_normal().cdf(x)
}

/// `1 − Φ(x)`, computed directly (never as `1 − cdf`).
pub(crate) fn norm_sf(x: f64) -> f64 {
    std_normal().sf(x)
}

/// Upper tail of the chi-square distribution with `df` degrees of freedom,
/// computed directly by statrs' regularized upper incomplete gamma.
pub(crate) fn chisq_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    match ChiSquared::new(df) {
        Ok(d) => d.sf(x),
        Err(_) => f64::NAN,
    }
}

/// `ln Γ(x)` for `x > 0`.
pub(crate) fn ln_gamma(x: f64) -> f64 {
    statrs::function::gamma::ln_gamma(x)
}

/// `ln(n!)`.
pub(crate) fn ln_factorial(n: u64) -> f64 {
    ln_gamma(n as f64 + 1.0)
}

/// `ln C(n, k)` (−∞ when `k > n`).
pub(crate) fn ln_choose(n: u64, k: u64) -> f64 {
    if k > n {
        return f64::NEG_INFINITY;
    }
    ln_factorial(n) - ln_factorial(k) - ln_factorial(n - k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_rejects_bad_probabilities() {
        assert!(norm_quantile(1.5).is_err());
        assert!(norm_quantile(f64::NAN).is_err());
        assert!(norm_quantile(0.0).is_err());
    }

    #[test]
    fn quantile_matches_r_qnorm() {
        // R 4.x: qnorm(0.975) = 1.959963984540054
        let z = norm_quantile(0.975).unwrap(); // ok: test
        assert!((z / 1.959963984540054 - 1.0).abs() < 1e-12);
    }
}
