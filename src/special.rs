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

/// `ln(2π)`.
const LN_2PI: f64 = 1.837_877_066_409_345_5;
/// `ln √(2π)`.
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// Stirling's error `ln n! − (n + ½) ln n + n − ln √(2π)` for integer `n ≥ 0`
/// (Loader 2000, as R's `stirlerr`, with its series for `n > 15`).
///
/// For `n ≤ 15` `ln n!` is summed exactly from logarithms (absolute error
/// about 1e-15), so no table is needed.
pub(crate) fn stirlerr(n: f64) -> f64 {
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15.0 {
        if n == 0.0 {
            // never used with n = 0 (the callers treat x = 0 and x = n apart); R's table holds 0 here
            return 0.0;
        }
        let mut lf = 0.0;
        let mut i = 2.0;
        while i <= n {
            lf += f64::ln(i);
            i += 1.0;
        }
        return lf - (n + 0.5) * n.ln() + n - LN_SQRT_2PI;
    }
    let nn = n * n;
    if n > 500.0 {
        (S0 - S1 / nn) / n
    } else if n > 80.0 {
        (S0 - (S1 - S2 / nn) / nn) / n
    } else if n > 35.0 {
        (S0 - (S1 - (S2 - S3 / nn) / nn) / nn) / n
    } else {
        (S0 - (S1 - (S2 - (S3 - S4 / nn) / nn) / nn) / nn) / n
    }
}

/// The deviance term `x ln(x / np) + np − x` computed without cancellation
/// (Loader 2000; R's `bd0`). Requires `np > 0`.
pub(crate) fn bd0(x: f64, np: f64) -> f64 {
    if (x - np).abs() < 0.1 * (x + np) {
        let mut v = (x - np) / (x + np);
        let mut s = (x - np) * v;
        if s.abs() < f64::MIN_POSITIVE {
            return s;
        }
        let mut ej = 2.0 * x * v;
        v *= v;
        let mut j = 1.0;
        while j < 1000.0 {
            ej *= v;
            let s1 = s + ej / (2.0 * j + 1.0);
            if s1 == s {
                return s1;
            }
            s = s1;
            j += 1.0;
        }
    }
    x * (x / np).ln() + np - x
}

/// `ln` of the binomial probability `C(n, x) pˣ qⁿ⁻ˣ` by Loader's saddle-point
/// expansion (R's `dbinom_raw(log = TRUE)`), accurate to a few ulps of the
/// log-density even for `n` near 2^53.
pub(crate) fn ln_dbinom_raw(x: f64, n: f64, p: f64, q: f64) -> f64 {
    if p == 0.0 {
        return if x == 0.0 { 0.0 } else { f64::NEG_INFINITY };
    }
    if q == 0.0 {
        return if x == n { 0.0 } else { f64::NEG_INFINITY };
    }
    if x == 0.0 {
        if n == 0.0 {
            return 0.0;
        }
        return if p < 0.1 {
            -bd0(n, n * q) - n * p
        } else {
            n * q.ln()
        };
    }
    if x == n {
        return if q < 0.1 {
            -bd0(n, n * p) - n * q
        } else {
            n * p.ln()
        };
    }
    if x < 0.0 || x > n {
        return f64::NEG_INFINITY;
    }
    let lc = stirlerr(n) - stirlerr(x) - stirlerr(n - x) - bd0(x, n * p) - bd0(n - x, n * q);
    // R writes log1p(-x/n), which loses digits when x is close to n (both
    // near 1e9: 1 − x/n is then known only to ~1e-8); n − x is exact here.
    let lf = LN_2PI + x.ln() + (n - x).ln() - n.ln();
    lc - 0.5 * lf
}

/// `ln P(X = x)` for the hypergeometric distribution of the number of white
/// balls `x` among `k` drawn from `m` white and `n` black (R's
/// `dhyper(x, m, n, k, log = TRUE)`, Loader's algorithm). Arguments are
/// integers stored exactly in `f64` (below 2^53).
pub(crate) fn ln_dhyper(x: f64, m: f64, n: f64, k: f64) -> f64 {
    if x < 0.0 || x > k || x > m || k - x > n {
        return f64::NEG_INFINITY;
    }
    if k == 0.0 {
        return if x == 0.0 { 0.0 } else { f64::NEG_INFINITY };
    }
    let total = m + n;
    let p = k / total;
    let q = (total - k) / total;
    let p1 = ln_dbinom_raw(x, m, p, q);
    let p2 = ln_dbinom_raw(k - x, n, p, q);
    let p3 = ln_dbinom_raw(k, total, p, q);
    p1 + p2 - p3
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
