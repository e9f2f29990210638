//! Boundary-non-crossing probabilities of the Brownian bridge and the
//! critical values of the Hall-Wellner and equal-precision bands.
//!
//! Both probabilities are computed from series that converge to the double
//! precision of their terms (no table, no Monte Carlo):
//!
//! - Hall-Wellner, `P(sup_{a_L ≤ x ≤ a_U} |B⁰(x)| ≤ c)`: `B⁰` is Brownian
//!   motion `W` pinned at `W(1) = 0`, so the probability is the integral over
//!   `W(a_L) = u` and `W(a_U) = v` of the Gaussian densities times the
//!   density of Brownian motion killed outside `(−c, c)` (a method-of-images
//!   series). The `v` integral is closed (normal distribution functions); the
//!   `u` integral is adaptive Gauss-Kronrod (7-15) to an absolute error
//!   below [`QUAD_TOL`].
//! - Equal precision, `P(sup_{a_L ≤ x ≤ a_U} |B⁰(x)| / √(x(1 − x)) ≤ c)`:
//!   with `τ = ½ log(x / (1 − x))` the process is a stationary
//!   Ornstein-Uhlenbeck process `U` (`dU = −U dτ + √2 dB`) over an interval
//!   of length `L = ½ log(a_U (1 − a_L) / (a_L (1 − a_U)))`, and the
//!   probability is its eigenfunction expansion in the strip `(−c, c)`:
//!   `Σₖ wₖ exp(−λₖ L)` over the even Dirichlet eigenfunctions of
//!   `f'' − x f' = −λ f`, found by Taylor-series stepping (three-term
//!   recurrence) with Sturm zero counting and safeguarded Newton.

use crate::ErrorDetail;
use std::time::Instant;

use crate::error::{BudgetProgress, Result};
use crate::special::{brent, norm_cdf};

/// Absolute error target of the Gauss-Kronrod integral of the Hall-Wellner
/// probability (the integrand is bounded by 1/√(2π a_L)).
const QUAD_TOL: f64 = 1e-15;

/// Deepest bisection of the adaptive quadrature (2⁻⁴⁰ of the interval: far
/// finer than any feature of the smooth integrand).
const QUAD_MAX_DEPTH: u32 = 40;

/// The eigenvalue series stops when `exp(−λₖ L)` is below this: the weights
/// are positive and sum to at most 1, so the rest of the series is smaller.
const SERIES_TAIL: f64 = 1e-17;

/// Relative size of the last Taylor term kept in one step of the ODE.
const TAYLOR_TOL: f64 = 1e-18;

/// Most eigenvalues of one equal-precision probability (`L ≥ 1e-6` needs
/// fewer than this at any `c` a level in `(0, 1)` gives).
const MAX_EIGEN: u64 = 20_000;

/// `1/√(2π)`.
const INV_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// The `N(0, s)` density at `x`.
fn normal_pdf(x: f64, s: f64) -> f64 {
    INV_SQRT_2PI / s.sqrt() * (-x * x / (2.0 * s)).exp()
}

/// `P(sup_{a_l ≤ x ≤ a_u} |B⁰(x)| ≤ c)` for `0 ≤ a_l ≤ a_u ≤ 1`, `c > 0`.
pub(crate) fn hall_wellner_coverage(c: f64, a_l: f64, a_u: f64) -> f64 {
    assert!(
        c > 0.0 && (0.0..=a_u).contains(&a_l) && a_u <= 1.0,
        "validated by the callers"
    );
    if a_u == 0.0 {
        return 1.0;
    }
    let t = a_u - a_l; // bridge time between the two ends
    let s = 1.0 - a_u; // time from a_U to the pin at 1
    let v = t + s; // = 1 − a_L
                   // Images 4kc apart: terms beyond |m| > 9.7 √v are below 1e-20 of the first.
    let k_max = ((9.7 * v.sqrt() + 3.0 * c) / (4.0 * c)).ceil() as i64 + 1;
    // ∫_{−c}^{c} φ_t(w − m) φ_s(w) dw (s = 0: φ_t(m)).
    let g = |m: f64| -> f64 {
        if s == 0.0 {
            return normal_pdf(m, t);
        }
        if t == 0.0 {
            return if m.abs() < c { normal_pdf(m, s) } else { 0.0 };
        }
        let tau = (t * s / v).sqrt();
        let mu = m * s / v;
        normal_pdf(m, v) * (norm_cdf((c - mu) / tau) - norm_cdf((-c - mu) / tau))
    };
    // Density (in u) of reaching a_U inside the strip and then the pin,
    // from W(a_L) = u, by the images of u (+) and of 2c − u (−).
    let inner = |u: f64| -> f64 {
        let mut sum = 0.0;
        for k in -k_max..=k_max {
            let shift = 4.0 * c * k as f64;
            sum += g(u - shift) - g(2.0 * c - u + shift);
        }
        sum
    };
    let pin = normal_pdf(0.0, 1.0);
    if a_l == 0.0 {
        return (inner(0.0) / pin).clamp(0.0, 1.0);
    }
    // Even integrand: twice the integral over [0, min(c, 12 sd)].
    let hi = c.min(12.0 * a_l.sqrt());
    let f = |u: f64| normal_pdf(u, a_l) * inner(u);
    let integral = 2.0 * adaptive_gk(&f, 0.0, hi, QUAD_TOL, QUAD_MAX_DEPTH);
    (integral / pin).clamp(0.0, 1.0)
}

/// Nodes (non-negative half) of the 15-point Kronrod rule.
const XGK: [f64; 8] = [
    0.991_455_371_120_812_6,
    0.949_107_912_342_758_5,
    0.864_864_423_359_769_1,
    0.741_531_185_599_394_4,
    0.586_087_235_467_691_1,
    0.405_845_151_377_397_2,
    0.207_784_955_007_898_5,
    0.0,
];
/// Weights of the 15-point Kronrod rule.
const WGK: [f64; 8] = [
    0.022_935_322_010_529_22,
    0.063_092_092_629_978_55,
    0.104_790_010_322_250_18,
    0.140_653_259_715_525_92,
    0.169_004_726_639_267_9,
    0.190_350_578_064_785_4,
    0.204_432_940_075_298_9,
    0.209_482_141_084_727_83,
];
/// Weights of the embedded 7-point Gauss rule (nodes XGK[1], XGK[3], XGK[5], XGK[7]).
const WG: [f64; 4] = [
    0.129_484_966_168_869_7,
    0.279_705_391_489_276_7,
    0.381_830_050_505_118_9,
    0.417_959_183_673_469_4,
];

/// Gauss-Kronrod (7, 15) on `[a, b]`: `(K15, |K15 − G7|)`.
fn gk15(f: &dyn Fn(f64) -> f64, a: f64, b: f64) -> (f64, f64) {
    let (mid, half) = (0.5 * (a + b), 0.5 * (b - a));
    let fc = f(mid);
    let mut k = WGK[7] * fc;
    let mut g = WG[3] * fc;
    for j in 0..7 {
        let dx = half * XGK[j];
        let pair = f(mid - dx) + f(mid + dx);
        k += WGK[j] * pair;
        if j % 2 == 1 {
            g += WG[j / 2] * pair;
        }
    }
    (k * half, ((k - g) * half).abs())
}

/// Adaptive Gauss-Kronrod: bisects until the error estimate of each piece
/// is below its share of `tol` (or `depth` runs out).
fn adaptive_gk(f: &dyn Fn(f64) -> f64, a: f64, b: f64, tol: f64, depth: u32) -> f64 {
    let (k, err) = gk15(f, a, b);
    if err <= tol || depth == 0 {
        return k;
    }
    let m = 0.5 * (a + b);
    adaptive_gk(f, a, m, 0.5 * tol, depth - 1) + adaptive_gk(f, m, b, 0.5 * tol, depth - 1)
}

/// The even solution of `f'' − x f' + λ f = 0` with `f(0) = 1`, `f'(0) = 0`,
/// at `x = c`: `f(c)`, `f'(c)`, `∂f(c)/∂λ`, the number of zeros of `f`
/// in `(0, c)`, and the number before the last step.
///
/// Taylor stepping: around `x₀`, `f = Σ aₙ hⁿ` with
/// `(n+2)(n+1) aₙ₊₂ = x₀ (n+1) aₙ₊₁ + (n − λ) aₙ` (and the λ-derivative of
/// the recurrence for `∂f/∂λ`); steps of at most `0.5 / √(λ + 1 + c²)`, so
/// that each holds at most one zero and the terms fall geometrically.
struct Solution {
    f: f64,
    fp: f64,
    g: f64,
    zeros: u64,
    zeros_inner: u64,
}

fn even_solution(c: f64, lambda: f64) -> Solution {
    let h0 = 0.5 / (lambda + 1.0 + c * c).sqrt();
    let steps = (c / h0).ceil().max(1.0);
    let h = c / steps;
    let (mut f, mut fp, mut g, mut gp) = (1.0_f64, 0.0_f64, 0.0_f64, 0.0_f64);
    let mut zeros = 0;
    let mut zeros_inner = 0;
    let steps = steps as u64;
    for i in 0..steps {
        let x0 = c * i as f64 / steps as f64;
        // a[n], a[n+1] and b[n], b[n+1] of the recurrence.
        let (mut a0, mut a1, mut b0, mut b1) = (f, fp, g, gp);
        let (mut nf, mut nfp, mut ng, mut ngp) = (f + fp * h, fp, g + gp * h, gp);
        let mut hn = h; // h^(n+1)
        let mut n = 0.0_f64;
        let mut small = 0;
        loop {
            let denom = (n + 2.0) * (n + 1.0);
            let a2 = (x0 * (n + 1.0) * a1 + (n - lambda) * a0) / denom;
            let b2 = (x0 * (n + 1.0) * b1 + (n - lambda) * b0 - a0) / denom;
            let hn2 = hn * h; // h^(n+2)
            nf += a2 * hn2;
            nfp += (n + 2.0) * a2 * hn;
            ng += b2 * hn2;
            ngp += (n + 2.0) * b2 * hn;
            let scale = nf.abs() + nfp.abs() * h + ng.abs() + ngp.abs() * h;
            if (a2.abs() + b2.abs()) * hn2 * (n + 3.0) <= TAYLOR_TOL * scale {
                small += 1;
                if small >= 2 {
                    break;
                }
            } else {
                small = 0;
            }
            (a0, a1, b0, b1) = (a1, a2, b1, b2);
            hn = hn2;
            n += 1.0;
            assert!(
                n < 400.0,
                "the Taylor terms fall geometrically at this step size"
            );
        }
        if (nf < 0.0) != (f < 0.0) {
            zeros += 1;
            if i + 1 < steps {
                zeros_inner += 1;
            }
        }
        (f, fp, g, gp) = (nf, nfp, ng, ngp);
    }
    Solution {
        f,
        fp,
        g,
        zeros,
        zeros_inner,
    }
}

/// Where a computation stands against its deadline.
pub(crate) struct Budget {
    pub(crate) start: Instant,
    pub(crate) limit: std::time::Duration,
}

impl Budget {
    fn check(&self, done: u64) -> Result<()> {
        if self.start.elapsed() > self.limit {
            return Err(ErrorDetail::BudgetExceeded {
                what: "equal-precision band critical value: eigenvalues of the Ornstein-Uhlenbeck strip",
                limit: self.limit.as_millis().min(u64::MAX as u128) as u64,
                unit: "milliseconds",
                progress: Some(BudgetProgress::new(
                    done,
                    "eigenvalues",
                    None,
                    "raise time_limit, or widen the range [t_L, t_U] (a_L and a_U very close need many eigenvalues)",
                )),
            }.into());
        }
        Ok(())
    }
}

/// The `k`-th even Dirichlet eigenvalue on `(−c, c)` above `prev` (the
/// `(k−1)`-th, or 0), where `gap` guesses the distance to it.
fn next_eigenvalue(c: f64, k: u64, prev: f64, gap: f64) -> f64 {
    // N(λ) = zeros of f in (0, c) = number of even eigenvalues below λ.
    let zeros = |l: f64| even_solution(c, l).zeros;
    let mut lo = prev;
    let mut step = gap.max(1e-3);
    let mut hi = prev + step;
    while zeros(hi) < k {
        lo = hi;
        step *= 2.0;
        hi = prev + step;
    }
    // Bisect on N until exactly the k-th eigenvalue lies in (lo, hi].
    let (mut n_lo, mut n_hi) = (zeros(lo), zeros(hi));
    while !(n_lo + 1 == k && n_hi == k) {
        let mid = 0.5 * (lo + hi);
        assert!(mid > lo && mid < hi, "the zero count is monotone in λ");
        let n = zeros(mid);
        if n >= k {
            (hi, n_hi) = (mid, n);
        } else {
            (lo, n_lo) = (mid, n);
        }
    }
    let sign_lo = even_solution(c, lo).f < 0.0;
    // Safeguarded Newton (∂f/∂λ known) in the bracket.
    let mut x = 0.5 * (lo + hi);
    for _ in 0..200 {
        let s = even_solution(c, x);
        if s.f == 0.0 {
            return x;
        }
        if (s.f < 0.0) == sign_lo {
            lo = x;
        } else {
            hi = x;
        }
        let newton = x - s.f / s.g;
        let next = if newton > lo && newton < hi && s.g.is_finite() {
            newton
        } else {
            0.5 * (lo + hi)
        };
        if (next - x).abs() <= 4.0 * f64::EPSILON * x.abs() || hi - lo <= 4.0 * f64::EPSILON * hi {
            return next;
        }
        x = next;
    }
    x
}

/// The `k`-th even eigenvalue by Newton's method from `guess` (above
/// `prev`, the `(k−1)`-th),
/// accepted only when zero counting confirms it is the `k`-th: `None` sends
/// the caller to the bracketing search.
fn newton_eigenvalue(c: f64, k: u64, prev: f64, guess: f64) -> Option<f64> {
    let mut x = guess;
    let mut converged = false;
    let mut inner = 0;
    for _ in 0..30 {
        let s = even_solution(c, x);
        inner = s.zeros_inner;
        let step = s.f / s.g;
        if !step.is_finite() {
            return None;
        }
        x -= step;
        if x.is_nan() || x <= prev {
            return None;
        }
        if step.abs() <= 8.0 * f64::EPSILON * x {
            converged = true;
            break;
        }
    }
    // The k-th: its eigenfunction has k − 1 zeros inside (0, c) and one at
    // c, in the last step (zeros are more than 6 steps apart, so no other
    // zero shares that step).
    (converged && inner + 1 == k).then_some(x)
}

/// `P(sup_{a_l ≤ x ≤ a_u} |B⁰(x)| / √(x(1 − x)) ≤ c)` for `0 < a_l ≤ a_u < 1`.
pub(crate) fn equal_precision_coverage(c: f64, a_l: f64, a_u: f64, budget: &Budget) -> Result<f64> {
    assert!(
        c > 0.0 && a_l > 0.0 && a_l <= a_u && a_u < 1.0,
        "validated by the callers"
    );
    let len = 0.5 * ((a_u * (1.0 - a_l)) / (a_l * (1.0 - a_u))).ln();
    if len <= 0.0 {
        return Ok(1.0 - 2.0 * norm_cdf(-c));
    }
    let pc = normal_pdf(c, 1.0);
    let mut sum = 0.0;
    let mut found: Vec<f64> = Vec::new();
    for k in 1..=MAX_EIGEN {
        budget.check(k - 1)?;
        let lambda = match found.len() {
            0 => next_eigenvalue(c, k, 0.0, 2.0),
            1 => next_eigenvalue(c, k, found[0], 2.0),
            m => {
                let (p2, p1) = (found[m - 2], found[m - 1]);
                let guess = if m >= 3 {
                    // λₖ is close to quadratic in k: second differences vary slowly.
                    3.0 * p1 - 3.0 * p2 + found[m - 3]
                } else {
                    2.0 * p1 - p2
                };
                newton_eigenvalue(c, k, p1, guess)
                    .unwrap_or_else(|| next_eigenvalue(c, k, p1, p1 - p2))
            }
        };
        let s = even_solution(c, lambda);
        // wₖ = ⟨1, fₖ⟩²_φ / ⟨fₖ, fₖ⟩_φ = 2 φ(c) f'(c) / (λ² ∂f(c)/∂λ).
        let w = 2.0 * pc * s.fp / (lambda * lambda * s.g);
        let decay = (-lambda * len).exp();
        sum += w * decay;
        if decay < SERIES_TAIL {
            return Ok(sum.clamp(0.0, 1.0));
        }
        found.push(lambda);
    }
    Err(ErrorDetail::BudgetExceeded {
        what: "equal-precision band critical value: eigenvalues of the Ornstein-Uhlenbeck strip",
        limit: MAX_EIGEN,
        unit: "eigenvalues",
        progress: None,
    }
    .into())
}

/// The critical value `c` at which the increasing coverage `p(c)` equals
/// `level`, for `c` in `(0, ∞)`: brackets by doubling from 1, then the
/// crate's one Brent iteration ([`brent`]) to a relative 4 ε in `c`.
pub(crate) fn critical_value_at_level(
    level: f64,
    mut p: impl FnMut(f64) -> Result<f64>,
) -> Result<f64> {
    let (mut a, mut fa) = (0.0, -level);
    let mut b = 1.0;
    let mut fb = p(b)? - level;
    while fb < 0.0 {
        (a, fa) = (b, fb);
        b *= 2.0;
        assert!(
            b < 1e3,
            "the coverage reaches any level below 1 before c = 1000"
        );
        fb = p(b)? - level;
    }
    brent(|c| p(c).map(|pc| pc - level), (a, fa), (b, fb), 0.0)?.ok_or_else(|| {
        ErrorDetail::NoConvergence {
            what: "simultaneous band critical value",
        }
        .into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn budget() -> Budget {
        Budget {
            start: Instant::now(),
            limit: Duration::from_secs(60),
        }
    }

    #[test]
    fn hall_wellner_over_the_whole_line_is_kolmogorov() {
        // P(K ≤ c) = 1 − 2 Σ (−1)^{k−1} exp(−2k²c²)
        for c in [0.5, 0.8, 1.0, 1.3580986, 2.0] {
            let mut series = 1.0;
            for k in 1..50 {
                let sign = if k % 2 == 1 { -2.0 } else { 2.0 };
                series += sign * (-2.0 * (k * k) as f64 * c * c).exp();
            }
            let p = hall_wellner_coverage(c, 0.0, 1.0);
            assert!((p - series).abs() < 1e-14, "{c}: {p} vs {series}");
        }
    }

    #[test]
    fn hall_wellner_at_a_point_is_normal() {
        // a_L = a_U = a: |B⁰(a)| ≤ c with variance a(1 − a).
        let (a, c) = (0.3, 0.7);
        let p = hall_wellner_coverage(c, a, a);
        let exact = 1.0 - 2.0 * norm_cdf(-c / (a * (1.0 - a)).sqrt());
        assert!((p - exact).abs() < 1e-13, "{p} vs {exact}");
    }

    #[test]
    fn equal_precision_without_length_is_normal() {
        let p = equal_precision_coverage(1.96, 0.3, 0.3, &budget()).unwrap();
        assert!((p - (1.0 - 2.0 * norm_cdf(-1.96))).abs() < 1e-15);
    }

    #[test]
    fn equal_precision_short_interval_tends_to_normal() {
        // L → 0: the series must approach 2Φ(c) − 1 from below.
        let c = 1.5;
        let p0 = 1.0 - 2.0 * norm_cdf(-c);
        let p = equal_precision_coverage(c, 0.3, 0.3001, &budget()).unwrap();
        assert!(p < p0 && p0 - p < 0.01, "{p} vs {p0}");
    }

    #[test]
    fn eigen_weights_sum_to_the_strip_mass() {
        // At L → 0⁺ the weights sum to 2Φ(c) − 1 (Parseval); check the
        // first eigenvalue of a wide strip is near 0 (Hermite λ = 0).
        let lambda = next_eigenvalue(6.0, 1, 0.0, 2.0);
        assert!(lambda > 0.0 && lambda < 1e-6, "{lambda}");
        let second = next_eigenvalue(6.0, 2, lambda, 2.0);
        assert!((second - 2.0).abs() < 1e-4, "{second}");
    }
}
