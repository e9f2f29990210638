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

/// `Φ(x)`, the standard normal lower tail, to full relative precision.
pub(crate) fn norm_cdf(x: f64) -> f64 {
    norm_sf(-x)
}

/// `1 − Φ(x)`, to full relative precision in both tails (never `1 − cdf`).
///
/// statrs' `Normal::sf`/`cdf` are only accurate to about 1e-10 relative
/// (Φ(−1.8429293798129105) is off by 4.6e-11 against mpmath), so the far tail
/// is taken from the chi-square upper tail, `P(Z > |x|) = P(χ²₁ > x²) / 2`
/// (statrs' regularized upper incomplete gamma, accurate to about 1e-14 here,
/// checked against scipy and mpmath by the log-rank reference tests).
pub(crate) fn norm_sf(x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    let far = 0.5 * chisq_sf(x * x, 1.0);
    if x >= 0.0 {
        far
    } else {
        1.0 - far
    }
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

    /// R 4.2.2: `sprintf("%.17g", qnorm(p))` and `pnorm(x)`.
    #[test]
    #[allow(clippy::excessive_precision)] // R's 17 significant digits, verbatim
    fn normal_matches_r_across_the_range() {
        let q = [
            (0.95, 1.6448536269514715),
            (0.995, 2.5758293035488999),
            (0.9995, 3.2905267314919255),
            (0.5000001, 2.5066282733116488e-07),
            (1e-10, -6.3613409024040557),
            (1e-300, -37.047096299361201),
            (0.999999, 4.7534243088170891),
        ];
        for (p, want) in q {
            let got = norm_quantile(p).unwrap(); // ok: test
            assert!(
                (got / want - 1.0).abs() < 1e-10,
                "qnorm({p}): {got} vs {want}"
            );
        }
        let c = [
            (-1.8429293798129105, 0.032669661020252531),
            (-10.0, 7.6198530241605269e-24),
            (5.0, 0.99999971334842808),
            (0.3, 0.61791142218895267),
        ];
        for (x, want) in c {
            let got = norm_cdf(x);
            assert!(
                (got / want - 1.0).abs() < 1e-13,
                "pnorm({x}): {got} vs {want}"
            );
        }
    }

    #[test]
    fn quantile_matches_r_qnorm() {
        // R 4.x: qnorm(0.975) = 1.959963984540054
        let z = norm_quantile(0.975).unwrap(); // ok: test
        assert!((z / 1.959963984540054 - 1.0).abs() < 1e-12);
    }
}
