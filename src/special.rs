//! Private numerics on top of statrs, used only where checked against R.
//!
//! Nothing here is public: numeric helpers are implementation details
//! (statrs made its `prec` module public "for historical reasons" and cannot
//! take it back).
#![allow(dead_code)]

use crate::ErrorDetail;
use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

use crate::error::Result;

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
        Err(ErrorDetail::InvalidProbability {
            what: "normal quantile probability",
            value: p,
        }
        .into())
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

/// `n!` for `n ≤ 20` (the largest factorial in a `u64`), exact.
const FACTORIALS: [u64; 21] = {
    let mut f = [1u64; 21];
    let mut i = 1;
    while i < 21 {
        f[i] = f[i - 1] * i as u64;
        i += 1;
    }
    f
};

/// `ln(n!)`: exactly 0 for `n = 0, 1`; for `n ≤ 20` the logarithm of the
/// exact integer `n!` (rounded once to `f64`, then one correctly rounded
/// `ln`); beyond, `ln Γ(n + 1)`.
///
/// `ln Γ(1)` and `ln Γ(2)` through the Lanczos series are about ±4e-16, not
/// 0, which made a sum of `ln t!` over a table's cells depend on how many
/// zeros and ones it held: tables exactly as probable as the observed one
/// were then missed by tie tests.
pub(crate) fn ln_factorial(n: u64) -> f64 {
    match FACTORIALS.get(n as usize) {
        Some(&1) => 0.0, // 0! = 1! = 1
        Some(&f) => (f as f64).ln(),
        None => ln_gamma(n as f64 + 1.0),
    }
}

/// `ln C(n, k)` (−∞ when `k > n`).
pub(crate) fn ln_choose(n: u64, k: u64) -> f64 {
    if k > n {
        return f64::NEG_INFINITY;
    }
    ln_factorial(n) - ln_factorial(k) - ln_factorial(n - k)
}

// ---------------------------------------------------------------------------
// Binomial and beta numerics (used by `proportion.rs`).
//
// The binomial density follows Loader's saddle-point algorithm (R's
// `dbinom_raw`: `stirlerr` and `bd0`), with one change: the deviation
// `x − n·p` is passed in explicitly so that it is exact even when `1 − p`
// is not representable, which keeps `n = 10⁹` accurate. The regularized
// incomplete beta function is the continued fraction of Numerical Recipes
// (modified Lentz) whose prefactor `pᵃ qᵇ / (a B(a, b))` is that density,
// computed in log space; the smaller tail is always the one summed.

/// `stirlerr(n) = ln Γ(n + 1) − (n + ½) ln n + n − ln √(2π)` at
/// `n = 0, ½, 1, …, 15` (computed with mpmath at 40 digits; R's
/// `sferr_halves` table holds the same values).
#[allow(clippy::excessive_precision)] // the digits as printed by mpmath
const STIRLERR_HALVES: [f64; 31] = [
    0.0,
    0.153_426_409_720_027_35,
    0.081_061_466_795_327_258,
    0.054_814_121_051_917_654,
    0.041_340_695_955_409_294,
    0.033_162_873_519_936_287,
    0.027_677_925_684_998_339,
    0.023_746_163_656_297_496,
    0.020_790_672_103_765_093,
    0.018_488_450_532_673_185,
    0.016_644_691_189_821_192,
    0.015_134_973_221_917_379,
    0.013_876_128_823_070_748,
    0.012_810_465_242_920_227,
    0.011_896_709_945_891_770,
    0.011_104_559_758_206_917,
    0.010_411_265_261_972_096,
    0.009_799_416_126_158_803_3,
    0.009_255_462_182_712_733_0,
    0.008_768_700_134_139_385_5,
    0.008_330_563_433_362_871_3,
    0.007_934_114_564_314_020_5,
    0.007_573_675_487_951_840_8,
    0.007_244_554_301_320_383_2,
    0.006_942_840_107_209_529_9,
    0.006_665_247_032_707_682_4,
    0.006_408_994_188_004_207_1,
    0.006_171_712_263_039_457_6,
    0.005_951_370_112_758_847_7,
    0.005_746_216_513_010_115_7,
    0.005_554_733_551_962_801_4,
];

/// `ln √(2π)`.
const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// The error of Stirling's formula for `ln n!` (R's `stirlerr`).
fn stirlerr(n: f64) -> f64 {
    const S0: f64 = 1.0 / 12.0;
    const S1: f64 = 1.0 / 360.0;
    const S2: f64 = 1.0 / 1260.0;
    const S3: f64 = 1.0 / 1680.0;
    const S4: f64 = 1.0 / 1188.0;
    if n <= 15.0 {
        let nn = n + n;
        if nn.fract() == 0.0 && nn >= 0.0 {
            // 0 <= nn <= 30 and integral, so the index is in bounds
            if let Some(v) = STIRLERR_HALVES.get(nn as usize) {
                return *v;
            }
        }
        return ln_gamma(n + 1.0) - (n + 0.5) * n.ln() + n - LN_SQRT_2PI;
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

/// The deviance term `bd0(x, m) = x ln(x / m) + m − x` of Loader, with the
/// difference `delta = x − m` supplied exactly by the caller.
fn bd0(x: f64, m: f64, delta: f64) -> f64 {
    if delta.abs() < 0.1 * (x + m) {
        let mut v = delta / (x + m);
        let mut s = delta * v;
        if s.abs() < f64::MIN_POSITIVE {
            return s;
        }
        let mut ej = 2.0 * x * v;
        v *= v;
        for j in 1..1000 {
            ej *= v;
            let s1 = s + ej / f64::from(2 * j + 1);
            if s1 == s {
                return s1;
            }
            s = s1;
        }
        s
    } else {
        // Far from the mean (|x − m| ≥ 0.1 (x + m)) there is no cancellation,
        // so R's form is accurate (a log1p of −delta/x would lose the digits
        // of a small m to the rounding of delta).
        let ratio = x / m;
        let ln_ratio = if ratio.is_finite() && ratio > 0.0 {
            ratio.ln()
        } else {
            x.ln() - m.ln()
        };
        x * ln_ratio + m - x
    }
}

/// `ln P(X = x)` for `X ~ Binomial(n, p)`, with real `0 ≤ x ≤ n` (Loader's
/// algorithm; `n` need not be an integer, which the beta prefactor uses).
pub(crate) fn ln_dbinom(x: f64, n: f64, p: f64) -> f64 {
    let q = 1.0 - p;
    if !(x >= 0.0 && x <= n && (0.0..=1.0).contains(&p)) {
        return f64::NEG_INFINITY;
    }
    if p == 0.0 {
        return if x == 0.0 { 0.0 } else { f64::NEG_INFINITY };
    }
    if q == 0.0 {
        return if x == n { 0.0 } else { f64::NEG_INFINITY };
    }
    // ln q and ln p, each accurate whichever of p, q is small.
    let ln_q = if p < 0.5 { (-p).ln_1p() } else { q.ln() };
    let ln_p = if p < 0.5 { p.ln() } else { (-q).ln_1p() };
    if x == 0.0 {
        return if n == 0.0 { 0.0 } else { n * ln_q };
    }
    if x == n {
        return n * ln_p;
    }
    let delta = x - n * p;
    let lc = stirlerr(n)
        - stirlerr(x)
        - stirlerr(n - x)
        - bd0(x, n * p, delta)
        - bd0(n - x, n * q, -delta);
    let lf = 2.0 * LN_SQRT_2PI + x.ln() + (-x / n).ln_1p();
    lc - 0.5 * lf
}

/// `ln(2π)`.
const LN_2PI: f64 = 1.837_877_066_409_345_5;

/// `ln` of the binomial probability `C(n, x) pˣ qⁿ⁻ˣ` with `p` and `q = 1 − p`
/// both supplied (R's `dbinom_raw(log = TRUE)`, Loader's saddle-point
/// expansion), accurate to a few ulps of the log-density even for `n` near
/// 2^53; the hypergeometric density of Fisher's test is built from it.
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
            -bd0(n, n * q, n - n * q) - n * p
        } else {
            n * q.ln()
        };
    }
    if x == n {
        return if q < 0.1 {
            -bd0(n, n * p, n - n * p) - n * q
        } else {
            n * p.ln()
        };
    }
    if x < 0.0 || x > n {
        return f64::NEG_INFINITY;
    }
    let (np, nq) = (n * p, n * q);
    let lc = stirlerr(n)
        - stirlerr(x)
        - stirlerr(n - x)
        - bd0(x, np, x - np)
        - bd0(n - x, nq, (n - x) - nq);
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

/// `ln(eᵃ + eᵇ)` without overflow.
pub(crate) fn ln_add_exp(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    if hi == f64::NEG_INFINITY {
        return f64::NEG_INFINITY;
    }
    hi + (lo - hi).exp().ln_1p()
}

/// `ln(eᵃ − eᵇ)` for `a ≥ b`.
fn ln_sub_exp(a: f64, b: f64) -> f64 {
    if b == f64::NEG_INFINITY {
        return a;
    }
    a + (-(b - a).exp_m1()).ln()
}

/// Relative convergence of the continued fraction: a few units in the
/// last place (Numerical Recipes' `EPS` is 3e-7 in single precision; this
/// is the double-precision counterpart).
const BETA_CF_EPS: f64 = 4.0 * f64::EPSILON;

/// The continued fraction of `I_x(a, b)` (Numerical Recipes `betacf`).
fn beta_cf(x: f64, a: f64, b: f64) -> Option<f64> {
    const TINY: f64 = 1e-300;
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    // The fraction needs O(√max(a, b)) terms; allow ample room.
    let max_iter = 1000 + (20.0 * a.max(b).sqrt()) as u64;
    // One modified-Lentz step with partial numerator `aa`: returns d·c.
    let step = |aa: f64, c: &mut f64, d: &mut f64| {
        *d = 1.0 + aa * *d;
        if d.abs() < TINY {
            *d = TINY;
        }
        *c = 1.0 + aa / *c;
        if c.abs() < TINY {
            *c = TINY;
        }
        *d = 1.0 / *d;
        *d * *c
    };
    let mut m = 1.0_f64;
    for _ in 0..max_iter {
        let m2 = 2.0 * m;
        h *= step(m * (b - m) * x / ((qam + m2) * (a + m2)), &mut c, &mut d);
        let del = step(
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
            &mut c,
            &mut d,
        );
        h *= del;
        if (del - 1.0).abs() <= BETA_CF_EPS {
            return Some(h);
        }
        m += 1.0;
    }
    None
}

/// `ln[pᵃ qᵇ / (a B(a, b))]` for `a ≥ 0`, `b > 0` (at `a = 0` the limit
/// `qᵇ`): `ln dbinom(a; a + b, p) + ln(b / (a + b))`.
fn ln_beta_prefactor(p: f64, a: f64, b: f64) -> f64 {
    ln_dbinom(a, a + b, p) + (b / (a + b)).ln()
}

/// Relative size below which the rest of a positive series is dropped.
const SERIES_EPS: f64 = 0.5 * f64::EPSILON;

/// `ln` of both tails of the Beta(a, b) distribution at `p`:
/// `(ln I_p(a, b), ln (1 − I_p(a, b)))`, the smaller tail summed directly.
///
/// `a, b > 0`, `0 ≤ p ≤ 1`; `None` if a series does not converge (not
/// seen in testing; guarded so that no input can hang). For `p > ½` the
/// problem is mirrored (`I_p(a, b) = 1 − I_q(b, a)`) so that the variable
/// is always the smaller of `p` and `q = 1 − p`, which is exact.
pub(crate) fn ln_beta_tails(p: f64, a: f64, b: f64) -> Option<(f64, f64)> {
    if !(a > 0.0 && b > 0.0 && (0.0..=1.0).contains(&p)) {
        return None;
    }
    if p == 0.0 {
        return Some((f64::NEG_INFINITY, 0.0));
    }
    if p == 1.0 {
        return Some((0.0, f64::NEG_INFINITY));
    }
    if p > 0.5 {
        let (lower, upper) = ln_beta_tails_small(1.0 - p, b, a)?;
        return Some((upper, lower));
    }
    ln_beta_tails_small(p, a, b)
}

/// [`ln_beta_tails`] for `0 < p ≤ ½`.
fn ln_beta_tails_small(p: f64, a: f64, b: f64) -> Option<(f64, f64)> {
    if p < (a + 1.0) / (a + b + 2.0) {
        // Lower tail small: continued fraction in p.
        let lower = (ln_beta_prefactor(p, a, b) + beta_cf(p, a, b)?.ln()).min(0.0);
        Some((lower, ln_sub_exp(0.0, lower)))
    } else {
        // Upper tail small: 1 − I_p(a, b) = Σ_{j ≥ 1} pre(a − j, b), a
        // positive series in p alone (for integer a and b it is the
        // binomial sum P(X ≤ a − 1)); the continued fraction in 1 − p
        // would lose about b·ε to the rounding of 1 − p.
        let upper = ln_upper_by_sum(p, a, b)?.min(0.0);
        Some((ln_sub_exp(0.0, upper), upper))
    }
}

/// `ln(1 − I_p(a, b))` by the downward recurrence
/// `1 − I_p(a, b) = pre(a − 1, b) + (1 − I_p(a − 1, b))`, with
/// `pre(c, b) = pᶜ qᵇ / (c B(c, b))` and
/// `pre(c − 1, b) / pre(c, b) = c / ((c + b − 1) p)`. For non-integer `a`
/// the remainder `1 − I_p(c, b)`, `0 < c < 1`, comes from the continued
/// fraction. Needs `p ≥ (a + 1)/(a + b + 2)` and `p ≤ ½` (then `a ≤ b` and
/// every ratio is at most 1).
fn ln_upper_by_sum(p: f64, a: f64, b: f64) -> Option<f64> {
    let q = 1.0 - p;
    let remainder = |c: f64| -> Option<f64> {
        // 1 − I_p(c, b) = I_q(b, c), prefactor pre(c, b)·c/b.
        Some(ln_beta_prefactor(p, c, b) + (c / b).ln() + beta_cf(q, b, c)?.ln())
    };
    let c0 = a - 1.0;
    if c0 < 0.0 {
        return remainder(a);
    }
    let ln_t0 = ln_beta_prefactor(p, c0, b);
    let (mut s, mut t, mut c) = (1.0_f64, 1.0_f64, c0);
    // The sum has at most a terms, and only O(√(a + b)) matter.
    let max_iter = 1000 + (50.0 * (a + b).sqrt()) as u64;
    for _ in 0..max_iter {
        if c < 1.0 {
            if c > 0.0 {
                s += (remainder(c)? - ln_t0).exp();
            }
            return Some(ln_t0 + s.ln());
        }
        let ratio = c / ((c + b - 1.0) * p);
        t *= ratio;
        c -= 1.0;
        s += t;
        if ratio < 1.0 && t * ratio / (1.0 - ratio) < SERIES_EPS * s {
            return Some(ln_t0 + s.ln());
        }
    }
    None
}

/// Which tail of a distribution a probability refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tail {
    /// `P(X ≤ t)`.
    Lower,
    /// `P(X > t)`.
    Upper,
}

/// The `p` at which the given tail of Beta(a, b) equals `target`, solved
/// on `ln` of the tail by Brent's method (never through statrs'
/// `Beta::inverse_cdf`, which can hang for tiny probabilities, statrs
/// issue #435). `target` in `(0, 1)`.
pub(crate) fn beta_quantile(target: f64, tail: Tail, a: f64, b: f64) -> Result<f64> {
    let ln_target = target.ln();
    let f = |p: f64| -> Option<f64> {
        let (lo, up) = ln_beta_tails(p, a, b)?;
        // Oriented so that g increases with p.
        Some(match tail {
            Tail::Lower => lo - ln_target,
            Tail::Upper => ln_target - up,
        })
    };
    let (guess, step) = beta_quantile_guess(target, tail, a, b);
    increasing_root_in_unit_interval(f, guess, step, "beta quantile")
}

/// A starting point and first step for a Beta(a, b) quantile search: the
/// normal approximation `μ ± z σ` (or `μ` when that leaves `(0, 1)`), and
/// a tenth of `σ`. Only the speed depends on it.
pub(crate) fn beta_quantile_guess(target: f64, tail: Tail, a: f64, b: f64) -> (f64, f64) {
    let mean = a / (a + b);
    let sd = (a * b / ((a + b) * (a + b) * (a + b + 1.0))).sqrt();
    let z = norm_quantile(target).unwrap_or(0.0); // a starting point only: the mean if target were outside (0, 1)
    let guess = match tail {
        Tail::Lower => mean + z * sd,
        Tail::Upper => mean - z * sd,
    };
    let guess = if guess > 0.0 && guess < 1.0 {
        guess
    } else {
        mean
    };
    (guess, 0.1 * sd)
}

/// Maximum iterations of the bracketing and of Brent's method.
const MAX_SOLVER_ITER: usize = 2000;

/// Root of a function increasing on `(0, 1)` (values may be ±∞ at the
/// ends), started from `guess` in `(0, 1)`: brackets by steps of `step`,
/// doubling, but always at least halving the distance to 0 or to 1 (so the
/// search ends for any guess), then runs Brent's method to full double
/// precision. Used for probabilities: beta quantiles, binomial and
/// two-stage confidence bounds.
pub(crate) fn increasing_root_in_unit_interval<F>(
    f: F,
    guess: f64,
    step: f64,
    what: &'static str,
) -> Result<f64>
where
    F: Fn(f64) -> Option<f64>,
{
    let fail = ErrorDetail::NoConvergence { what };
    let guess = if guess > 0.0 && guess < 1.0 {
        guess
    } else {
        0.5
    };
    let step = if step > 0.0 { step } else { 0.0 };
    let g0 = f(guess).ok_or(fail.clone())?;
    if g0 == 0.0 {
        return Ok(guess);
    }
    // A positive value puts the root below the guess: walk toward 0.
    let ((a, fa), (b, fb)) =
        bracket_in_unit_interval(&f, (guess, g0), step, g0 > 0.0).ok_or(fail.clone())?;
    if fa == 0.0 {
        return Ok(a);
    }
    if fb == 0.0 {
        return Ok(b);
    }
    let root = brent(|x| f(x).ok_or(()), (a, fa), (b, fb), f64::from_bits(1));
    root.ok().flatten().ok_or_else(|| fail.into())
}

/// Walks from `start` toward 0 (`toward_zero`) or toward 1 by steps of
/// `step`, doubling, but always at least halving the distance to the end,
/// until the increasing `f` changes sign: the bracket `(lower, upper)`
/// with `f(lower) ≤ 0 ≤ f(upper)`, or `None` if `f` fails or the walk
/// reaches the end first.
fn bracket_in_unit_interval<F>(
    f: &F,
    start: (f64, f64),
    mut step: f64,
    toward_zero: bool,
) -> Option<((f64, f64), (f64, f64))>
where
    F: Fn(f64) -> Option<f64>,
{
    let mut near = start;
    for _ in 0..MAX_SOLVER_ITER {
        let x = near.0;
        let next = if toward_zero {
            (x - step).max(x * 0.5)
        } else {
            (x + step).min(1.0 - (1.0 - x) * 0.5)
        };
        step *= 2.0;
        if (toward_zero && next <= 0.0) || (!toward_zero && (next >= 1.0 || next <= x)) {
            return None;
        }
        let far = near;
        near = (next, f(next)?);
        if toward_zero && near.1 <= 0.0 {
            return Some((near, far));
        }
        if !toward_zero && near.1 >= 0.0 {
            return Some((far, near));
        }
    }
    None
}

/// Brent's root finder (zeroin, Brent 1973 ch. 4) on a sign-changing
/// bracket `(a, f(a))`, `(b, f(b))`, to the resolution of the floating-point
/// numbers near the root: the tolerance is `2ε|b| + floor` (a floor keeps it
/// positive at `b = 0`). The one Brent iteration of the crate: an error of
/// `f` is passed on, `Ok(None)` means no convergence in
/// [`MAX_SOLVER_ITER`] steps.
pub(crate) fn brent<E>(
    mut f: impl FnMut(f64) -> std::result::Result<f64, E>,
    (mut a, mut fa): (f64, f64),
    (mut b, mut fb): (f64, f64),
    floor: f64,
) -> std::result::Result<Option<f64>, E> {
    let mut c = a;
    let mut fc = fa;
    let mut d = b - a;
    let mut e = d;
    for _ in 0..MAX_SOLVER_ITER {
        if (fb > 0.0 && fc > 0.0) || (fb < 0.0 && fc < 0.0) {
            c = a;
            fc = fa;
            d = b - a;
            e = d;
        }
        if fc.abs() < fb.abs() {
            a = b;
            b = c;
            c = a;
            fa = fb;
            fb = fc;
            fc = fa;
        }
        let tol1 = 2.0 * f64::EPSILON * b.abs() + floor;
        let xm = 0.5 * (c - b);
        if xm.abs() <= tol1 || fb == 0.0 {
            return Ok(Some(b));
        }
        if e.abs() >= tol1 && fa.abs() > fb.abs() && fa.is_finite() && fc.is_finite() {
            let s = fb / fa;
            let (mut p, mut q);
            if a == c {
                p = 2.0 * xm * s;
                q = 1.0 - s;
            } else {
                let qq = fa / fc;
                let r = fb / fc;
                p = s * (2.0 * xm * qq * (qq - r) - (b - a) * (r - 1.0));
                q = (qq - 1.0) * (r - 1.0) * (s - 1.0);
            }
            if p > 0.0 {
                q = -q;
            } else {
                p = -p;
            }
            if 2.0 * p < (3.0 * xm * q - (tol1 * q).abs()).min((e * q).abs()) {
                e = d;
                d = p / q;
            } else {
                d = xm;
                e = d;
            }
        } else {
            d = xm;
            e = d;
        }
        a = b;
        fa = fb;
        b += if d.abs() > tol1 { d } else { tol1.copysign(xm) };
        fb = f(b)?;
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ln 0! = ln 1! = 0` exactly, small factorials within an ulp of the
    /// logarithm of the exact integer, and continuity with `ln Γ` at 21.
    #[test]
    fn ln_factorial_is_exact_for_small_integers() {
        assert_eq!(ln_factorial(0).to_bits(), 0.0f64.to_bits());
        assert_eq!(ln_factorial(1).to_bits(), 0.0f64.to_bits());
        assert_eq!(ln_factorial(2), std::f64::consts::LN_2);
        assert_eq!(ln_factorial(3), 6f64.ln());
        // 6! = 3! 5!: one tie every table-based tie test must see
        assert!((ln_factorial(6) - ln_factorial(3) - ln_factorial(5)).abs() < 1e-15);
        let g21 = ln_gamma(22.0);
        assert!(((ln_factorial(20) + 21f64.ln()) / g21 - 1.0).abs() < 1e-15);
    }

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
            let got = norm_quantile(p).unwrap();
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

    /// R 4.2.2: dbinom(x, n, p, log = TRUE) and pbeta(..., log.p = TRUE).
    #[test]
    #[allow(clippy::excessive_precision)] // R prints 17 digits
    fn binomial_and_beta_tails_match_r() {
        let rel = |a: f64, e: f64| ((a - e) / e).abs();
        for (x, n, p, r) in [
            (3.0, 1e9, 2.2e-9, -1.626387386955245),
            (123456.0, 1e6, 0.1234, -6.7293685706030413),
            (1.0, 2.0, 5e-7, -13.815511057964398),
        ] {
            let got = ln_dbinom(x, n, p);
            assert!(rel(got, r) < 1e-13, "dbinom({x}, {n}, {p}): {got} vs {r}");
        }
        // pbeta(2.2e-8, 4, 1e9 - 3, lower.tail = FALSE, log.p = TRUE)
        let (_, up) = ln_beta_tails(2.2e-8, 4.0, 1e9 - 3.0).unwrap();
        assert!(rel(up, -14.379458507051627) < 1e-12, "{up}");
        // pbeta(0.2, 3.5, 16.5, log.p = TRUE)
        let (lo, _) = ln_beta_tails(0.2, 3.5, 16.5).unwrap();
        assert!(rel(lo, -0.41786035819131218) < 1e-13, "{lo}");
        // pbeta(0.9, 30.5, 2.5, lower.tail = FALSE, log.p = TRUE)
        let (_, up) = ln_beta_tails(0.9, 30.5, 2.5).unwrap();
        assert!(rel(up, -0.29251317793555487) < 1e-13, "{up}");
    }

    #[test]
    fn beta_quantile_is_exact_for_the_uniform() {
        // Beta(1, 1) is uniform: the quantile is the probability itself.
        // The search runs on ln T, whose spacing near ln 1e-300 = −690.8 is
        // 1.1e-13: that bounds the relative precision there.
        for (t, tol) in [
            (1e-300, 1e-12),
            (1e-12, 1e-14),
            (5.000000000143778e-7, 1e-14),
            (0.025, 1e-14),
            (0.3, 1e-14),
        ] {
            let q = beta_quantile(t, Tail::Lower, 1.0, 1.0).unwrap();
            assert!(((q - t) / t).abs() < tol, "{t:e}: {q:e}");
        }
    }

    #[test]
    fn quantile_matches_r_qnorm() {
        // R 4.x: qnorm(0.975) = 1.959963984540054
        let z = norm_quantile(0.975).unwrap();
        assert!((z / 1.959963984540054 - 1.0).abs() < 1e-12);
    }
}
