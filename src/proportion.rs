//! Binomial proportions: confidence intervals, the exact binomial test, and
//! the difference of two proportions (Newcombe's hybrid score interval).

use crate::builder::{renamed, setters};
use crate::error::Result;
use crate::interval::{Alternative, ConfidenceInterval, ConfidenceLevel};
use crate::special::{
    beta_quantile, beta_quantile_guess, increasing_root_in_unit_interval, ln_add_exp,
    ln_beta_tails, ln_dbinom, norm_quantile, Tail,
};
use crate::ErrorDetail;

/// The largest number of trials accepted by [`Proportion::new`] (2⁵³):
/// counts are converted to `f64`, which represents every integer up to 2⁵³
/// exactly.
pub const MAX_TRIALS: u64 = 1 << 53;

/// R's `binom.test` treats binomial probabilities within a factor
/// `1 + 1e-7` of the observed one as "as extreme" (`relErr <- 1 + 1e-7`
/// in R's `binom.test` source), so that floating-point noise cannot split
/// ties in the two-sided p-value.
const BINOM_TIE_REL: f64 = 1.0 + 1e-7;

/// A binomial proportion: `x` successes (for example responders) out of
/// `n` trials (patients).
///
/// # Method
/// ```text
/// p̂ = x / n
/// ```
///
/// # Conventions
/// Counts are `u64`; `n` must be positive and at most [`MAX_TRIALS`]
/// (2⁵³, so that every count is exact as a floating-point number).
///
/// # Errors
/// [`Proportion::new`] returns [`ErrorDetail::IntegerOutOfRange`](crate::ErrorDetail::IntegerOutOfRange) for `n = 0` or
/// `n > 2⁵³`, and [`ErrorDetail::CountExceedsTotal`](crate::ErrorDetail::CountExceedsTotal) for `x > n`; with the `serde`
/// feature, deserialisation goes through the same checks.
///
/// # Example
/// ```
/// use survkit::{ConfidenceLevel, Proportion, ProportionCiMethod};
/// let orr = Proportion::new(14, 19)?;
/// let ci = orr.confidence_interval(ProportionCiMethod::ClopperPearson, ConfidenceLevel::NINETY_FIVE)?;
/// assert_eq!(format!("{:.1}–{:.1}", 100.0 * ci.lower(), 100.0 * ci.upper()), "48.8–90.9");
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial
/// limits illustrated in the case of the binomial. *Biometrika* 26(4),
/// 404–413. doi:10.1093/biomet/26.4.404
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawProportion"))]
pub struct Proportion {
    successes: u64,
    trials: u64,
}

/// The unvalidated form of [`Proportion`] that deserialisation reads; it
/// becomes a `Proportion` only through [`Proportion::new`].
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawProportion {
    successes: u64,
    trials: u64,
}

#[cfg(feature = "serde")]
impl TryFrom<RawProportion> for Proportion {
    type Error = crate::Error;
    fn try_from(raw: RawProportion) -> Result<Self> {
        Proportion::new(raw.successes, raw.trials)
    }
}

impl Proportion {
    /// Validates and stores `successes` out of `trials`.
    ///
    /// # Errors
    /// [`ErrorDetail::IntegerOutOfRange`](crate::ErrorDetail::IntegerOutOfRange) if `trials` is 0 or above [`MAX_TRIALS`];
    /// [`ErrorDetail::CountExceedsTotal`](crate::ErrorDetail::CountExceedsTotal) if `successes > trials`.
    pub fn new(successes: u64, trials: u64) -> Result<Self> {
        if trials == 0 || trials > MAX_TRIALS {
            return Err(ErrorDetail::IntegerOutOfRange {
                what: "trials",
                constraint: "in 1..=2^53",
                value: trials,
            }
            .into());
        }
        if successes > trials {
            return Err(ErrorDetail::CountExceedsTotal {
                what: "successes",
                count: successes,
                total: trials,
            }
            .into());
        }
        Ok(Proportion { successes, trials })
    }

    /// Builds a proportion already known to be valid (`0 < n ≤ 2⁵³`, `x ≤ n`).
    pub(crate) fn from_parts_unchecked(successes: u64, trials: u64) -> Self {
        debug_assert!(trials > 0 && successes <= trials && trials <= MAX_TRIALS);
        Proportion { successes, trials }
    }

    /// The number of successes `x`.
    pub fn successes(&self) -> u64 {
        self.successes
    }

    /// The number of trials `n`.
    pub fn trials(&self) -> u64 {
        self.trials
    }

    /// The estimate `x / n`.
    pub fn estimate(&self) -> f64 {
        self.successes as f64 / self.trials as f64
    }

    /// The estimate as a percentage, `100 x / n`.
    pub fn percentage(&self) -> f64 {
        100.0 * self.successes as f64 / self.trials as f64
    }

    /// The two-sided confidence interval by `method` at `level`.
    ///
    /// A shortcut for
    /// `ProportionCi::default().method(method).confidence_level(level).fit(self)`; see
    /// [`ProportionCi`] for one-sided bounds and [`ProportionCiMethod`] for
    /// the formulas.
    ///
    /// # Errors
    /// [`ErrorDetail::NoConvergence`](crate::ErrorDetail::NoConvergence) if a root search fails (not seen in testing, including `tests/fuzz.rs`: every method, side and level down to 5e-324 and up to 1 − 2⁻⁵³, n up to 2⁵³).
    pub fn confidence_interval(
        &self,
        method: ProportionCiMethod,
        level: ConfidenceLevel,
    ) -> Result<ConfidenceInterval> {
        ProportionCi::default()
            .method(method)
            .confidence_level(level)
            .fit(self)
    }
}

/// The method of a confidence interval for one binomial proportion.
///
/// # Method
/// With `x` of `n`, `p̂ = x/n`, `α = 1 − level`, `α' = α/2` for a two-sided
/// interval and `α' = α` for a one-sided bound, `z = Φ⁻¹(1 − α')`, and
/// `B(q; a, b)` the `q` quantile of the Beta(a, b) distribution:
/// ```text
/// ClopperPearson  L = B(α'; x, n − x + 1)            (0 if x = 0)
///                 U = B(1 − α'; x + 1, n − x)        (1 if x = n)
/// MidP            L solves P(X > x) + ½P(X = x) = α' (0 if x = 0,
///                   min((2α')^(1/n), 1) if x = n)
///                 U solves P(X < x) + ½P(X = x) = α' (1 if x = n,
///                   max(1 − (2α')^(1/n), 0) if x = 0)
/// Jeffreys        L = B(α'; x + ½, n − x + ½)        (0 if x = 0)
///                 U = B(1 − α'; x + ½, n − x + ½)    (1 if x = n)
/// Wilson          (p̃ + z²/2n ∓ z √(p̃(1 − p̃)/n + z²/4n²)) / (1 + z²/n)
///                 with p̃ = p̂ (L is 0 if p̃ ≤ 0, U is 1 if p̃ ≥ 1)
/// WilsonCorrected the same with p̃ = p̂ − c/n for L and p̂ + c/n for U,
///                 c = min(½, |x − n/2|) (R's shrinking: c = 0 at x = n/2)
/// WilsonCorrectedNewcombe  the same with c = ½ always
/// AgrestiCoull    ñ = n + z², p̃ = (x + z²/2)/ñ,  p̃ ∓ z √(p̃(1 − p̃)/ñ)
/// Wald            p̂ ∓ z √(p̂(1 − p̂)/n)
/// ```
/// All bounds are clipped to `[0, 1]`. A one-sided bound (`Alternative::Less`
/// gives `[0, U]`, `Alternative::Greater` gives `[L, 1]`) uses the whole `α`
/// in its one tail. The beta quantiles and mid-p bounds are solved to full
/// double precision by Brent's method on the log of the binomial tail,
/// itself computed directly (Loader's binomial density as the prefactor of
/// the incomplete-beta continued fraction), never as `1 − cdf`. A bound
/// above ½ is taken from the mirrored proportion, `L(x, n) = 1 − U(n − x, n)`
/// and `U(x, n) = 1 − L(n − x, n)` (exact for these three methods), so that
/// the search never has to bracket a root within a few units in the last
/// place of 1; `z` is `−Φ⁻¹(α')`, finite for every valid level.
///
/// # Conventions
/// - `ClopperPearson` equals R's `binom.test(x, n)$conf.int` for every
///   `alternative`, and statsmodels' `proportion_confint(method="beta")`.
/// - `Wilson` equals R's `prop.test(x, n, correct = FALSE)$conf.int`
///   (including its clipping and one-sided bounds) and statsmodels'
///   `method="wilson"`.
/// - `WilsonCorrected` equals R's `prop.test(x, n, correct = TRUE)$conf.int`
///   everywhere, including R's reduction of the correction `½` to
///   `|x − n p₀|` when that is smaller (p₀ = ½, `prop.test`'s default null:
///   at `x = n/2` the interval is the uncorrected one).
///   `WilsonCorrectedNewcombe` is the textbook form (Newcombe 1998, method
///   4), which always applies `½`; the two differ only at `x = n/2`.
/// - `AgrestiCoull` adds `z²/2` successes and failures (Brown, Cai &
///   DasGupta 2001), as statsmodels' `method="agresti_coull"` does, not the
///   fixed 2 and 2 of Agresti & Coull's 95% shortcut.
/// - `Jeffreys` applies the boundary modification of Brown, Cai & DasGupta
///   (2001): `L = 0` when `x = 0` and `U = 1` when `x = n`; statsmodels'
///   `method="jeffreys"` does not, and otherwise agrees. Known limitation:
///   the bound opposite the fix at `x = 0` or `x = n` is accurate to 1e-10
///   only up to `n ≈ 10⁷` (3e-9 at `n = 10⁹`), see docs/validation.
/// - `MidP` is the central mid-p interval (as `exactci::binom.exact(midp =
///   TRUE)` in R).
/// - `Wald` equals statsmodels' `method="normal"`; it is **not
///   recommended** (coverage far below nominal for small n or p̂ near 0 or
///   1, and a zero-width interval at `x = 0` and `x = n`: Brown, Cai &
///   DasGupta 2001).
///
/// # Errors
/// Choosing a method cannot fail; computing an interval with it can only
/// fail with [`ErrorDetail::NoConvergence`](crate::ErrorDetail::NoConvergence) (not seen in testing, including `tests/fuzz.rs`: every method, side and level down to 5e-324 and up to 1 − 2⁻⁵³, n up to 2⁵³).
///
/// # Example
/// ```
/// use survkit::{ConfidenceLevel, Proportion, ProportionCiMethod};
/// let none = Proportion::new(0, 19)?;
/// let j = none.confidence_interval(ProportionCiMethod::Jeffreys, ConfidenceLevel::NINETY_FIVE)?;
/// assert_eq!(j.lower(), 0.0); // the boundary fix
/// let w = none.confidence_interval(ProportionCiMethod::Wald, ConfidenceLevel::NINETY_FIVE)?;
/// assert_eq!(w.width(), 0.0); // why Wald is not recommended
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Clopper, C. J. & Pearson, E. S. (1934). *Biometrika* 26(4), 404–413.
///   doi:10.1093/biomet/26.4.404
/// - Wilson, E. B. (1927). Probable inference, the law of succession, and
///   statistical inference. *JASA* 22(158), 209–212.
///   doi:10.1080/01621459.1927.10502953
/// - Newcombe, R. G. (1998). Two-sided confidence intervals for the single
///   proportion: comparison of seven methods. *Statistics in Medicine*
///   17(8), 857–872. doi:10.1002/(SICI)1097-0258(19980430)17:8<857::AID-SIM777>3.0.CO;2-E
/// - Agresti, A. & Coull, B. A. (1998). Approximate is better than "exact"
///   for interval estimation of binomial proportions. *The American
///   Statistician* 52(2), 119–126. doi:10.1080/00031305.1998.10480550
/// - Brown, L. D., Cai, T. T. & DasGupta, A. (2001). Interval estimation for
///   a binomial proportion. *Statistical Science* 16(2), 101–133.
///   doi:10.1214/ss/1009213286
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum ProportionCiMethod {
    /// The exact (conservative) interval of Clopper & Pearson (R's
    /// `binom.test`), the default.
    #[default]
    ClopperPearson,
    /// The exact mid-p interval.
    MidP,
    /// The Jeffreys equal-tailed Bayesian interval with the boundary fix.
    Jeffreys,
    /// The Wilson score interval (R's `prop.test(correct = FALSE)`).
    Wilson,
    /// The Wilson score interval with continuity correction as R's
    /// `prop.test(correct = TRUE)` computes it: the correction `½` shrinks
    /// to `|x − n/2|` when that is smaller (no correction at `x = n/2`).
    WilsonCorrected,
    /// The Agresti–Coull interval.
    AgrestiCoull,
    /// The Wald interval (not recommended).
    Wald,
    /// The textbook continuity-corrected Wilson interval, Newcombe's (1998)
    /// method 4: always the full correction `½` (differs from
    /// [`WilsonCorrected`](Self::WilsonCorrected), R's, only at `x = n/2`).
    WilsonCorrectedNewcombe,
}

/// Builder of a confidence interval for a [`Proportion`]: method, level and
/// sidedness.
///
/// Defaults: Clopper–Pearson, 95%, two-sided (R's `binom.test`).
///
/// # Method
/// See [`ProportionCiMethod`] for the formulas.
///
/// # Conventions
/// `Alternative::Less` gives `[0, U]` and `Alternative::Greater` gives
/// `[L, 1]`, as R's `binom.test` and `prop.test` do with `alternative =`.
///
/// # Errors
/// [`ProportionCi::fit`] returns [`ErrorDetail::NoConvergence`](crate::ErrorDetail::NoConvergence) if a root search
/// fails (not seen in testing, including `tests/fuzz.rs`: every method, side and level down to 5e-324 and up to 1 − 2⁻⁵³, n up to 2⁵³).
///
/// # Example
/// ```
/// use survkit::{Alternative, ConfidenceLevel, Proportion, ProportionCi, ProportionCiMethod};
/// let p = Proportion::new(2, 19)?;
/// let upper = ProportionCi::default()
///     .method(ProportionCiMethod::Wilson)
///     .confidence_level(ConfidenceLevel::new(0.90)?)
///     .alternative(Alternative::Less)
///     .fit(&p)?;
/// assert_eq!(upper.lower(), 0.0);
/// assert!(upper.upper() > p.estimate());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Brown, L. D., Cai, T. T. & DasGupta, A. (2001). Interval estimation for a
/// binomial proportion. *Statistical Science* 16(2), 101–133.
/// doi:10.1214/ss/1009213286
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[must_use]
pub struct ProportionCi {
    method: ProportionCiMethod,
    level: ConfidenceLevel,
    alternative: Alternative,
}

impl ProportionCi {
    /// The defaults (equal to `Default::default()`).
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Sets the method (default Clopper–Pearson).
        pub fn method(mut self, method: ProportionCiMethod) -> Self { self.method }

        /// Sets the confidence level (default 0.95).
        pub fn confidence_level(mut self, level: ConfidenceLevel) -> Self { self.level }
    }

    renamed! {
        pub fn level(self, level: ConfidenceLevel) -> Self { self.confidence_level(level) }
    }

    setters! {
        /// Sets the sidedness (default two-sided).
        pub fn alternative(mut self, alternative: Alternative) -> Self { self.alternative }
    }

    /// Computes the interval for `proportion`.
    ///
    /// # Errors
    /// [`ErrorDetail::NoConvergence`](crate::ErrorDetail::NoConvergence) if a root search fails (not seen in testing, including `tests/fuzz.rs`: every method, side and level down to 5e-324 and up to 1 − 2⁻⁵³, n up to 2⁵³).
    pub fn fit(&self, proportion: &Proportion) -> Result<ConfidenceInterval> {
        let x = proportion.successes;
        let n = proportion.trials;
        let level = self.level.value();
        let two_sided = self.alternative == Alternative::TwoSided;
        // Tail probability of each side and its complement; R computes
        // (1 − conf.level)/2. The complement is exact where it is used (one
        // side, `level`), so a tail near 1 (a one-sided level near 0) is
        // solved as its complement instead of losing it to rounding.
        let tails = if two_sided {
            Tails {
                tail: (1.0 - level) / 2.0,
                complement: (1.0 + level) / 2.0,
            }
        } else {
            Tails {
                tail: 1.0 - level,
                complement: level,
            }
        };
        let tail = tails.tail;
        let want_lower = self.alternative != Alternative::Less;
        let want_upper = self.alternative != Alternative::Greater;
        let (lower, upper) = match self.method {
            ProportionCiMethod::ClopperPearson
            | ProportionCiMethod::Jeffreys
            | ProportionCiMethod::MidP => (
                if want_lower {
                    exact_bound(self.method, Side::Lower, x, n, tails)?
                } else {
                    0.0
                },
                if want_upper {
                    exact_bound(self.method, Side::Upper, x, n, tails)?
                } else {
                    1.0
                },
            ),
            ProportionCiMethod::Wilson
            | ProportionCiMethod::WilsonCorrected
            | ProportionCiMethod::WilsonCorrectedNewcombe
            | ProportionCiMethod::AgrestiCoull
            | ProportionCiMethod::Wald => {
                // R: qnorm((1 + conf.level)/2) two-sided, qnorm(conf.level) one-sided;
                // computed as −Φ⁻¹(tail) so that a level just below 1 (where
                // (1 + level)/2 rounds to 1) still gives a finite z, and as
                // Φ⁻¹(complement) for a tail above ½ (a one-sided level below
                // ½, where 1 − level may round to 1).
                let z = if tail <= 0.5 {
                    -norm_quantile(tail)?
                } else {
                    norm_quantile(tails.complement)?
                };
                let (l, u) = normal_bounds(self.method, x, n, z);
                (
                    if want_lower { l.clamp(0.0, 1.0) } else { 0.0 },
                    if want_upper { u.clamp(0.0, 1.0) } else { 1.0 },
                )
            }
        };
        // At a level near 0 both bounds are the same point (the median),
        // reached by different paths (one through the mirror): keep them
        // ordered when they differ by rounding.
        let lower = lower.min(upper);
        Ok(ConfidenceInterval::new(lower, upper, self.level))
    }
}

/// Bounds of the closed-form (normal-approximation) intervals, unclipped.
///
/// Each bound is computed by its formula where it is at most ½ and, above
/// ½, through the mirror `U(x, n) = 1 − L(n − x, n)`, `L(x, n) = 1 −
/// U(n − x, n)` (every method here is symmetric under `x ↦ n − x`): a bound
/// near 1 computed directly loses its last digits to cancellation (for
/// `2⁵³ − 1` of `2⁵³` the direct Wilson upper bound fell one unit below the
/// estimate), while `1 − (a small bound)` keeps them. Mathematically
/// `L ≤ p̂ ≤ U` for every method and level; when the half-width is below
/// the spacing of doubles at `p̂` (levels near 0), the bounds are `p̂`
/// itself rather than one unit past it.
fn normal_bounds(method: ProportionCiMethod, x: u64, n: u64, z: f64) -> (f64, f64) {
    let est = x as f64 / n as f64;
    let direct = |x: u64| normal_bounds_direct(method, x, n, z);
    let (l, u) = direct(x);
    let (ml, mu) = if l > 0.5 || u > 0.5 {
        direct(n - x)
    } else {
        (l, u)
    };
    let l = if l > 0.5 { 1.0 - mu } else { l };
    let u = if u > 0.5 { 1.0 - ml } else { u };
    (l.min(est), u.max(est))
}

/// The formulas of [`normal_bounds`], term by term as R's `prop.test` (and
/// statsmodels) write them.
fn normal_bounds_direct(method: ProportionCiMethod, x: u64, n: u64, z: f64) -> (f64, f64) {
    let nf = n as f64;
    let est = x as f64 / nf;
    match method {
        ProportionCiMethod::Wilson
        | ProportionCiMethod::WilsonCorrected
        | ProportionCiMethod::WilsonCorrectedNewcombe => {
            // R's prop.test, term by term; its correction is
            // YATES = min(½, |x − n p₀|) with p₀ = ½, which is 0 exactly
            // when 2x = n (|x − n/2| is a multiple of ½).
            let yates = match method {
                ProportionCiMethod::Wilson => 0.0,
                ProportionCiMethod::WilsonCorrected if x.checked_mul(2) == Some(n) => 0.0,
                _ => 0.5,
            };
            let z22n = z * z / (2.0 * nf);
            let wilson = |pc: f64, sign: f64| {
                (pc + z22n + sign * z * (pc * (1.0 - pc) / nf + z22n / (2.0 * nf)).sqrt())
                    / (1.0 + 2.0 * z22n)
            };
            let pc_u = est + yates / nf;
            let u = if pc_u >= 1.0 { 1.0 } else { wilson(pc_u, 1.0) };
            let pc_l = est - yates / nf;
            let l = if pc_l <= 0.0 { 0.0 } else { wilson(pc_l, -1.0) };
            (l, u)
        }
        ProportionCiMethod::AgrestiCoull => {
            let n_t = nf + z * z;
            let p_t = (x as f64 + z * z / 2.0) / n_t;
            let half = z * (p_t * (1.0 - p_t) / n_t).sqrt();
            (p_t - half, p_t + half)
        }
        _ => {
            let half = z * (est * (1.0 - est) / nf).sqrt();
            (est - half, est + half)
        }
    }
}

/// The probability in one tail of a confidence bound and its complement
/// (`tail + complement = 1`, each as accurate as the level allows).
#[derive(Debug, Clone, Copy)]
struct Tails {
    tail: f64,
    complement: f64,
}

/// Which bound of an interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Lower,
    Upper,
}

impl Side {
    fn flip(self) -> Side {
        match self {
            Side::Lower => Side::Upper,
            Side::Upper => Side::Lower,
        }
    }
}

/// A bound of the Clopper–Pearson, Jeffreys or mid-p interval.
///
/// The bounds with a closed form (at `x = 0` and `x = n`) are returned
/// directly. Otherwise, when the bound lies above ½ (decided by the
/// defining tail at `p = ½`), it is taken from the mirrored proportion,
/// `L(x, n) = 1 − U(n − x, n)` and `U(x, n) = 1 − L(n − x, n)` (exact for
/// all three methods: `X ↦ n − X` maps Binomial(n, p) to Binomial(n, 1 − p)
/// and Beta(a, b) to Beta(b, a)), so that the root search always runs on a
/// bound in `(0, ½]`, where floating-point numbers are dense, and never has
/// to bracket a root within a few units in the last place of 1 (which it
/// cannot: for `999 999 999 999 999` of `10¹⁵` the upper bound is
/// `1 − 2.5e-17`).
fn exact_bound(method: ProportionCiMethod, side: Side, x: u64, n: u64, t: Tails) -> Result<f64> {
    let nf = n as f64;
    let ln_2 = std::f64::consts::LN_2;
    match (method, side) {
        (ProportionCiMethod::ClopperPearson | ProportionCiMethod::MidP, Side::Lower) if x == 0 => {
            return Ok(0.0)
        }
        (ProportionCiMethod::ClopperPearson | ProportionCiMethod::MidP, Side::Upper) if x == n => {
            return Ok(1.0)
        }
        (ProportionCiMethod::Jeffreys, Side::Lower) if x == 0 => return Ok(0.0),
        (ProportionCiMethod::Jeffreys, Side::Upper) if x == n => return Ok(1.0),
        // P(X = n) = Lⁿ = tail.
        (ProportionCiMethod::ClopperPearson, Side::Lower) if x == n => {
            return Ok((ln_tail(t) / nf).exp())
        }
        // P(X = 0) = (1 − U)ⁿ = tail.
        (ProportionCiMethod::ClopperPearson, Side::Upper) if x == 0 => {
            return Ok(-(ln_tail(t) / nf).exp_m1())
        }
        // ½ Lⁿ = tail; no root (bound 1) when tail ≥ ½, as ½ pⁿ ≤ ½.
        (ProportionCiMethod::MidP, Side::Lower) if x == n => {
            return Ok(((ln_2 + ln_tail(t)) / nf).exp().min(1.0))
        }
        // ½ (1 − U)ⁿ = tail; no root (bound 0) when tail ≥ ½. (−0 when
        // 2·tail = 1, so take the larger of it and +0.)
        (ProportionCiMethod::MidP, Side::Upper) if x == 0 => {
            return Ok((-((ln_2 + ln_tail(t)) / nf).exp_m1()).max(0.0) + 0.0)
        }
        _ => {}
    }
    let (xf, ln_t) = (x as f64, ln_tail(t));
    if let Some(above_half) = side_for_large_n(method, side, xf, nf) {
        return if above_half {
            Ok(1.0 - solve_bound(method, side.flip(), n - x, n, t)?)
        } else {
            solve_bound(method, side, x, n, t)
        };
    }
    let half = 0.5;
    let above_half = match (method, side) {
        // L solves lower-tail(L) = tail with lower-tail increasing in p.
        (ProportionCiMethod::ClopperPearson, Side::Lower) => {
            ln_tails_at(half, xf, nf - xf + 1.0)?.0 < ln_t
        }
        (ProportionCiMethod::Jeffreys, Side::Lower) => {
            ln_tails_at(half, xf + 0.5, nf - xf + 0.5)?.0 < ln_t
        }
        (_, Side::Lower) => {
            let ln_gt = ln_tails_at(half, xf + 1.0, nf - xf)?.0;
            ln_add_exp(ln_gt, ln_dbinom(xf, nf, half) - ln_2) < ln_t
        }
        // U solves upper-tail(U) = tail with upper-tail decreasing in p.
        (ProportionCiMethod::ClopperPearson, Side::Upper) => {
            ln_tails_at(half, xf + 1.0, nf - xf)?.1 > ln_t
        }
        (ProportionCiMethod::Jeffreys, Side::Upper) => {
            ln_tails_at(half, xf + 0.5, nf - xf + 0.5)?.1 > ln_t
        }
        (_, Side::Upper) => {
            let ln_lt = ln_tails_at(half, xf, nf - xf + 1.0)?.1;
            ln_add_exp(ln_lt, ln_dbinom(xf, nf, half) - ln_2) > ln_t
        }
    };
    if above_half {
        Ok(1.0 - solve_bound(method, side.flip(), n - x, n, t)?)
    } else {
        solve_bound(method, side, x, n, t)
    }
}

/// Above this `a + b`, [`exact_bound`] decides the side of ½ from the mean
/// of the Beta distribution behind the bound instead of evaluating its tail
/// at ½: that evaluation costs `O(√(a + b))` series terms when ½ is within
/// a few standard deviations of the mean (about 1 s at `n = 2⁵³`), and
/// 30 µs at most below this size.
const LARGE_BETA_SIZE: f64 = 1e6;

/// The margin around ½ within which [`side_for_large_n`] leaves the bound to
/// the direct search. Beta(a, b) is sub-Gaussian with variance proxy
/// `1/(4(a + b + 1))` (Marchal & Arbel 2017), so a quantile at a tail
/// `q ≥ 5e-324` (the smallest level) lies within `√(ln(1/q)/(2(a + b)))
/// ≤ √(745/2e6) = 0.0193` of the mean when `a + b > 10⁶`; with this margin
/// a bound whose mean is within it of ½ is within `0.07` of ½ (far from 0
/// and 1, where the direct search is as accurate as the mirrored one), and
/// any other bound is on the same side of ½ as its mean.
const LARGE_BETA_HALF_MARGIN: f64 = 0.05;

/// For `a + b > 10⁶` (the Beta distribution behind the bound:
/// Clopper–Pearson's, or Jeffreys' for Jeffreys and mid-p), whether the
/// bound lies above ½ (`Some(true)`: mirror), is below ½ or near it
/// (`Some(false)`: direct search); `None` for smaller `a + b`, where the
/// tail at ½ is cheap and decides exactly.
fn side_for_large_n(method: ProportionCiMethod, side: Side, xf: f64, nf: f64) -> Option<bool> {
    let (a, b) = match (method, side) {
        (ProportionCiMethod::ClopperPearson, Side::Lower) => (xf, nf - xf + 1.0),
        (ProportionCiMethod::ClopperPearson, Side::Upper) => (xf + 1.0, nf - xf),
        _ => (xf + 0.5, nf - xf + 0.5),
    };
    let sum = a + b;
    if sum <= LARGE_BETA_SIZE {
        return None;
    }
    Some(a / sum > 0.5 + LARGE_BETA_HALF_MARGIN)
}

/// [`ln_beta_tails`] as a `Result`.
fn ln_tails_at(p: f64, a: f64, b: f64) -> Result<(f64, f64)> {
    ln_beta_tails(p, a, b).ok_or(
        ErrorDetail::NoConvergence {
            what: "binomial tail",
        }
        .into(),
    )
}

/// The root search of [`exact_bound`] (`0 < x < n` for Clopper–Pearson and
/// mid-p; Jeffreys' parameters are always positive).
fn solve_bound(method: ProportionCiMethod, side: Side, x: u64, n: u64, t: Tails) -> Result<f64> {
    let (xf, nf) = (x as f64, n as f64);
    match (method, side) {
        (ProportionCiMethod::ClopperPearson, Side::Lower) => {
            beta_bound(t, Tail::Lower, xf, nf - xf + 1.0)
        }
        (ProportionCiMethod::ClopperPearson, Side::Upper) => {
            beta_bound(t, Tail::Upper, xf + 1.0, nf - xf)
        }
        (ProportionCiMethod::Jeffreys, Side::Lower) => {
            beta_bound(t, Tail::Lower, xf + 0.5, nf - xf + 0.5)
        }
        (ProportionCiMethod::Jeffreys, Side::Upper) => {
            beta_bound(t, Tail::Upper, xf + 0.5, nf - xf + 0.5)
        }
        // Lower: P(X > x) + ½ P(X = x) = tail. Upper: P(X < x) + ½ P(X = x) = tail.
        (_, Side::Lower) => midp_root(x, n, t.tail, t.complement, "mid-p lower bound"),
        (_, Side::Upper) => midp_root(x, n, t.complement, t.tail, "mid-p upper bound"),
    }
}

/// `ln tail`, through the complement when the tail is near 1.
fn ln_tail(t: Tails) -> f64 {
    if t.tail > 0.5 {
        (-t.complement).ln_1p()
    } else {
        t.tail.ln()
    }
}

/// The Beta(a, b) quantile with probability `t.tail` in the given tail; a
/// tail above ½ is solved as the complement in the other tail (the same
/// quantile), so that its logarithm keeps full precision.
///
/// A quantile below the smallest positive double (Jeffreys' `a = ½` at a
/// one-sided level near 0: `I_p(½, b) ≈ c √p = 1e-300` needs `p ≈ 1e-600`)
/// is returned as 0, which is what it rounds to.
fn beta_bound(t: Tails, tail: Tail, a: f64, b: f64) -> Result<f64> {
    let (target, tail) = if t.tail <= 0.5 {
        (t.tail, tail)
    } else {
        let other = match tail {
            Tail::Lower => Tail::Upper,
            Tail::Upper => Tail::Lower,
        };
        (t.complement, other)
    };
    // The search function, increasing in p, is already ≥ 0 at the smallest
    // subnormal: the root is below it.
    let (lo, up) = ln_tails_at(SMALLEST_POSITIVE, a, b)?;
    let at_min = match tail {
        Tail::Lower => lo - target.ln(),
        Tail::Upper => target.ln() - up,
    };
    if at_min >= 0.0 {
        return Ok(0.0);
    }
    beta_quantile(target, tail, a, b)
}

/// The smallest positive (subnormal) double, `2⁻¹⁰⁷⁴ ≈ 4.9e-324`.
const SMALLEST_POSITIVE: f64 = f64::from_bits(1);

/// The `p` in `(0, 1)` where `S₊(p) = P(X > x) + ½ P(X = x)` equals
/// `target_gt`, i.e. where `S₋(p) = P(X < x) + ½ P(X = x)` equals
/// `target_lt = 1 − target_gt`; `0 < x < n`. The equation in the smaller
/// target is solved (full precision of its logarithm).
fn midp_root(x: u64, n: u64, target_gt: f64, target_lt: f64, what: &'static str) -> Result<f64> {
    let (xf, nf) = (x as f64, n as f64);
    // Start near the Jeffreys bound, which the mid-p bound resembles.
    let (guess, step) = beta_quantile_guess(target_lt, Tail::Upper, xf + 0.5, nf - xf + 0.5);
    if target_gt <= target_lt {
        // P(X > x) = I_p(x + 1, n − x), increasing in p.
        let ln_target = target_gt.ln();
        let f = |p: f64| -> Option<f64> {
            let (ln_gt, _) = ln_beta_tails(p, xf + 1.0, nf - xf)?;
            let ln_eq = ln_dbinom(xf, nf, p) - std::f64::consts::LN_2;
            Some(ln_add_exp(ln_gt, ln_eq) - ln_target)
        };
        below_smallest_or(f, guess, step, what)
    } else {
        // P(X < x) = 1 − I_p(x, n − x + 1), decreasing in p; negate to increase.
        let ln_target = target_lt.ln();
        let f = |p: f64| -> Option<f64> {
            let (_, ln_lt) = ln_beta_tails(p, xf, nf - xf + 1.0)?;
            let ln_eq = ln_dbinom(xf, nf, p) - std::f64::consts::LN_2;
            Some(ln_target - ln_add_exp(ln_lt, ln_eq))
        };
        below_smallest_or(f, guess, step, what)
    }
}

/// The root of the increasing `f` on `(0, ½]`, or 0 when `f` is already
/// non-negative at the smallest positive double: the root then lies below
/// every positive double and 0 is what it rounds to. (A mid-p bound at a
/// one-sided level near 0: `½·n·p = 5e-324` at 1 of 1000 needs `p ≈ 1e-326`;
/// the bracketing search stopped at the last positive double and reported
/// no convergence.)
fn below_smallest_or(
    f: impl Fn(f64) -> Option<f64>,
    guess: f64,
    step: f64,
    what: &'static str,
) -> Result<f64> {
    let at_min = f(SMALLEST_POSITIVE).ok_or(ErrorDetail::NoConvergence {
        what: "binomial tail",
    })?;
    if at_min >= 0.0 {
        return Ok(0.0);
    }
    increasing_root_in_unit_interval(f, guess, step, what)
}

/// `ln P(X ≤ k)` for `X ~ Binomial(n, p)`.
fn ln_pbinom_le(k: u64, n: u64, p: f64) -> Result<f64> {
    if k >= n {
        return Ok(0.0);
    }
    if p == 0.0 {
        return Ok(0.0);
    }
    if p == 1.0 {
        return Ok(f64::NEG_INFINITY);
    }
    // P(X ≤ k) = P(Beta(k + 1, n − k) > p).
    ln_beta_tails(p, (k + 1) as f64, (n - k) as f64)
        .map(|t| t.1)
        .ok_or(
            ErrorDetail::NoConvergence {
                what: "binomial tail",
            }
            .into(),
        )
}

/// `ln P(X ≥ k)` for `X ~ Binomial(n, p)`.
fn ln_pbinom_ge(k: u64, n: u64, p: f64) -> Result<f64> {
    if k == 0 {
        return Ok(0.0);
    }
    if k > n || p == 0.0 {
        return Ok(f64::NEG_INFINITY);
    }
    if p == 1.0 {
        return Ok(0.0);
    }
    // P(X ≥ k) = P(Beta(k, n − k + 1) ≤ p).
    ln_beta_tails(p, k as f64, (n - k + 1) as f64)
        .map(|t| t.0)
        .ok_or(
            ErrorDetail::NoConvergence {
                what: "binomial tail",
            }
            .into(),
        )
}

/// Builder of the exact binomial test of `H₀: p = p₀`.
///
/// # Method
/// With `X ~ Binomial(n, p₀)` and observed `x`:
/// ```text
/// Less      P = P(X ≤ x)
/// Greater   P = P(X ≥ x)
/// TwoSided  P = Σ P(X = i) over all i with P(X = i) ≤ P(X = x)·(1 + 1e-7)
/// ```
/// Each tail is an incomplete-beta tail computed directly in log space
/// (never `1 − cdf`); the two-sided sum is the lower tail up to `x` plus the
/// far tail beyond the last index as improbable as `x`, found by bisection
/// on the monotone side of the mode (R's rule, in `O(log n)` density
/// evaluations instead of `n`). The p-value is capped at 1. The confidence
/// interval is Clopper–Pearson with the same alternative.
///
/// # Conventions
/// Matches R's `binom.test(x, n, p, alternative, conf.level)`: p-value,
/// estimate and interval, including the `1 + 1e-7` tie factor. scipy's
/// `binomtest` uses the same rule with factor `1 + 1e-7`.
///
/// # Errors
/// [`BinomialTest::new`] returns [`ErrorDetail::InvalidProbability`](crate::ErrorDetail::InvalidProbability) when `p₀` is
/// NaN or outside `[0, 1]`; [`BinomialTest::test`] returns
/// [`ErrorDetail::NoConvergence`](crate::ErrorDetail::NoConvergence) if a root search fails (not seen in testing, including `tests/fuzz.rs`: every method, side and level down to 5e-324 and up to 1 − 2⁻⁵³, n up to 2⁵³).
///
/// # Example
/// ```
/// use survkit::{Alternative, BinomialTest, Proportion};
/// // 14 responders of 19 against a historical rate of 40%.
/// let result = BinomialTest::new(0.4)?
///     .alternative(Alternative::Greater)
///     .test(&Proportion::new(14, 19)?)?;
/// assert!(result.p_value() < 0.01);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial
/// limits illustrated in the case of the binomial. *Biometrika* 26(4),
/// 404–413. doi:10.1093/biomet/26.4.404
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BinomialTest {
    null: f64,
    alternative: Alternative,
    level: ConfidenceLevel,
}

impl Default for BinomialTest {
    /// `p₀ = 0.5`, two-sided, 95% (R's defaults).
    fn default() -> Self {
        BinomialTest {
            null: 0.5,
            alternative: Alternative::TwoSided,
            level: ConfidenceLevel::NINETY_FIVE,
        }
    }
}

impl BinomialTest {
    /// A test of `H₀: p = null`, two-sided at 95% unless changed.
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidProbability`](crate::ErrorDetail::InvalidProbability) if `null` is NaN or outside `[0, 1]`.
    pub fn new(null: f64) -> Result<Self> {
        if !(0.0..=1.0).contains(&null) {
            return Err(ErrorDetail::InvalidProbability {
                what: "null proportion",
                value: null,
            }
            .into());
        }
        Ok(BinomialTest {
            null,
            ..BinomialTest::default()
        })
    }

    setters! {
        /// Sets the alternative (default two-sided).
        pub fn alternative(mut self, alternative: Alternative) -> Self { self.alternative }

        /// Sets the level of the reported Clopper–Pearson interval (default 0.95).
        pub fn confidence_level(mut self, level: ConfidenceLevel) -> Self { self.level }
    }

    renamed! {
        pub fn level(self, level: ConfidenceLevel) -> Self { self.confidence_level(level) }
    }

    /// Runs the test on `proportion`.
    ///
    /// # Errors
    /// [`ErrorDetail::NoConvergence`](crate::ErrorDetail::NoConvergence) if a root search fails (not seen in testing, including `tests/fuzz.rs`: every method, side and level down to 5e-324 and up to 1 − 2⁻⁵³, n up to 2⁵³).
    pub fn test(&self, proportion: &Proportion) -> Result<BinomialTestResult> {
        let (x, n, p0) = (proportion.successes, proportion.trials, self.null);
        let ln_p = match self.alternative {
            Alternative::Less => ln_pbinom_le(x, n, p0)?,
            Alternative::Greater => ln_pbinom_ge(x, n, p0)?,
            Alternative::TwoSided => ln_two_sided(x, n, p0)?,
        };
        let p_value = ln_p.exp().min(1.0);
        let confidence_interval = ProportionCi::default()
            .confidence_level(self.level)
            .alternative(self.alternative)
            .fit(proportion)?;
        Ok(BinomialTestResult {
            successes: x,
            trials: n,
            null: p0,
            alternative: self.alternative,
            estimate: proportion.estimate(),
            p_value,
            confidence_interval,
        })
    }
}

/// `ln` of R's two-sided exact binomial p-value (before capping at 1).
fn ln_two_sided(x: u64, n: u64, p0: f64) -> Result<f64> {
    let (xf, nf) = (x as f64, n as f64);
    if p0 == 0.0 || p0 == 1.0 {
        // All mass at 0 (or n): the observed value either is that value or
        // has probability 0, and every other outcome is as extreme.
        let at = if p0 == 0.0 { 0 } else { n };
        return Ok(if x == at { 0.0 } else { f64::NEG_INFINITY });
    }
    let ln_d = ln_dbinom(xf, nf, p0);
    let ln_thr = ln_d + BINOM_TIE_REL.ln();
    let m = nf * p0;
    let dens = |i: u64| ln_dbinom(i as f64, nf, p0);
    if xf == m {
        return Ok(0.0);
    }
    if xf < m {
        // Indices ceil(m)..=n, density non-increasing: first index at or
        // below the threshold, by bisection.
        let start = (m.ceil() as u64).min(n);
        let (mut lo, mut hi) = (start, n + 1); // answer in [lo, hi]
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if dens(mid) <= ln_thr {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        // y = n + 1 − lo indices qualify; far tail P(X ≥ lo).
        let left = ln_pbinom_le(x, n, p0)?;
        let right = if lo > n {
            f64::NEG_INFINITY
        } else {
            ln_pbinom_ge(lo, n, p0)?
        };
        Ok(ln_add_exp(left, right))
    } else {
        // Indices 0..=floor(m), density non-decreasing: last index at or
        // below the threshold.
        let end = (m.floor() as u64).min(n);
        // Count of qualifying indices y in [0, end + 1].
        let (mut lo, mut hi) = (0u64, end + 1);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if dens(mid) <= ln_thr {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let y = lo;
        let left = if y == 0 {
            f64::NEG_INFINITY
        } else {
            ln_pbinom_le(y - 1, n, p0)?
        };
        let right = ln_pbinom_ge(x, n, p0)?;
        Ok(ln_add_exp(left, right))
    }
}

/// The result of an exact binomial test (R's `binom.test` value).
///
/// # Method
/// See [`BinomialTest`].
///
/// # Conventions
/// Fields as R's `htest`: `estimate` is `x/n`, `null` is `p₀`, the interval
/// is Clopper–Pearson with the test's alternative and level.
///
/// # Errors
/// None (a computed value).
///
/// # Example
/// ```
/// use survkit::{BinomialTest, Proportion};
/// let r = BinomialTest::default().test(&Proportion::new(7, 20)?)?;
/// assert!((r.p_value() - 0.263176).abs() < 1e-6); // R: binom.test(7, 20)
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Clopper, C. J. & Pearson, E. S. (1934). *Biometrika* 26(4), 404–413.
/// doi:10.1093/biomet/26.4.404
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct BinomialTestResult {
    successes: u64,
    trials: u64,
    null: f64,
    alternative: Alternative,
    estimate: f64,
    p_value: f64,
    confidence_interval: ConfidenceInterval,
}

impl BinomialTestResult {
    /// The number of successes.
    pub fn successes(&self) -> u64 {
        self.successes
    }
    /// The number of trials.
    pub fn trials(&self) -> u64 {
        self.trials
    }
    /// The null proportion `p₀`.
    pub fn null(&self) -> f64 {
        self.null
    }
    /// The alternative tested.
    pub fn alternative(&self) -> Alternative {
        self.alternative
    }
    /// The estimate `x / n`.
    pub fn estimate(&self) -> f64 {
        self.estimate
    }
    /// The exact p-value.
    pub fn p_value(&self) -> f64 {
        self.p_value
    }
    /// The Clopper–Pearson interval (same alternative and level).
    pub fn confidence_interval(&self) -> ConfidenceInterval {
        self.confidence_interval
    }
}

/// The difference of two proportions `p₁ − p₂` with Newcombe's hybrid
/// score interval.
///
/// # Method
/// Newcombe (1998b) method 10: with `(lᵢ, uᵢ)` the Wilson score interval
/// (no continuity correction) of `p̂ᵢ` at the same level,
/// ```text
/// D = p̂₁ − p̂₂
/// L = D − √((p̂₁ − l₁)² + (u₂ − p̂₂)²)
/// U = D + √((u₁ − p̂₁)² + (p̂₂ − l₂)²)
/// ```
///
/// # Conventions
/// Matches statsmodels' `confint_proportions_2indep(x1, n1, x2, n2,
/// method="newcomb", compare="diff")`, which also uses the uncorrected
/// Wilson interval (the `correction` argument there applies only to
/// `method="score"`). R's base has no such function.
///
/// # Errors
/// None beyond those of the inputs ([`risk_difference`] validates nothing
/// further).
///
/// # Example
/// ```
/// use survkit::{risk_difference, ConfidenceLevel, Proportion};
/// let d = risk_difference(&Proportion::new(14, 19)?, &Proportion::new(8, 20)?, ConfidenceLevel::NINETY_FIVE)?;
/// assert!(d.confidence_interval().contains(d.estimate()));
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Newcombe, R. G. (1998b). Interval estimation for the difference between
/// independent proportions: comparison of eleven methods. *Statistics in
/// Medicine* 17(8), 873–890.
/// doi:10.1002/(SICI)1097-0258(19980430)17:8<873::AID-SIM779>3.0.CO;2-I
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct RiskDifference {
    estimate: f64,
    confidence_interval: ConfidenceInterval,
}

impl RiskDifference {
    /// The estimate `p̂₁ − p̂₂`.
    pub fn estimate(&self) -> f64 {
        self.estimate
    }
    /// Newcombe's hybrid score interval.
    pub fn confidence_interval(&self) -> ConfidenceInterval {
        self.confidence_interval
    }
}

/// The difference `first − second` of two independent proportions with
/// Newcombe's hybrid score interval (see [`RiskDifference`]).
///
/// # Method
/// See [`RiskDifference`].
///
/// # Conventions
/// statsmodels' `confint_proportions_2indep(method="newcomb")`.
///
/// # Errors
/// [`ErrorDetail::InvalidProbability`](crate::ErrorDetail::InvalidProbability) only if the normal quantile of the level
/// cannot be taken (never for a valid [`ConfidenceLevel`]).
///
/// # Example
/// ```
/// use survkit::{risk_difference, ConfidenceLevel, Proportion};
/// let d = risk_difference(&Proportion::new(14, 19)?, &Proportion::new(8, 20)?, ConfidenceLevel::NINETY_FIVE)?;
/// assert!(d.estimate() > 0.3);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Newcombe, R. G. (1998). *Statistics in Medicine* 17(8), 873–890.
/// doi:10.1002/(SICI)1097-0258(19980430)17:8<873::AID-SIM779>3.0.CO;2-I
pub fn risk_difference(
    first: &Proportion,
    second: &Proportion,
    level: ConfidenceLevel,
) -> Result<RiskDifference> {
    let ci = |p: &Proportion| {
        ProportionCi::default()
            .method(ProportionCiMethod::Wilson)
            .confidence_level(level)
            .fit(p)
    };
    let (w1, w2) = (ci(first)?, ci(second)?);
    let (p1, p2) = (first.estimate(), second.estimate());
    let d = p1 - p2;
    let lower = d - ((p1 - w1.lower()).powi(2) + (w2.upper() - p2).powi(2)).sqrt();
    let upper = d + ((w1.upper() - p1).powi(2) + (p2 - w2.lower()).powi(2)).sqrt();
    Ok(RiskDifference {
        estimate: d,
        confidence_interval: ConfidenceInterval::new(lower, upper, level),
    })
}
