//! Consistency checks of reported percentages: can a printed percentage
//! come from a whole number of patients out of `n`?

use crate::ErrorDetail;
use std::ops::RangeInclusive;
use std::str::FromStr;

use crate::error::{Error, Result};
use crate::pvalue::parse_decimal;

/// The most decimals a reported percentage may have (keeps the exact
/// integer arithmetic of [`check_percentage`] within `u128`).
const MAX_PERCENT_DECIMALS: u32 = 9;

/// A numeric percentage must be within this of a multiple of
/// `10^-decimals` (in units of `10^-decimals`): it absorbs the binary
/// representation error of a decimal such as 10.6 while rejecting a value
/// with more decimals than stated.
const DECIMAL_MATCH_TOL: f64 = 1e-6;

/// A percentage as printed in a paper, for example "10.6" or "73.7%":
/// its value and the number of decimals it was rounded to.
///
/// # Method
/// Stored exactly as an integer number of units of `10^-decimals`
/// (10.6 → 106 tenths), so that checks use integer arithmetic only.
///
/// # Conventions
/// Parsing accepts digits with an optional decimal point and an optional
/// trailing `%`; the number of digits after the point is the precision.
///
/// # Errors
/// [`ReportedPercentage::new`] returns [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) if the
/// value is not finite, outside `[0, 100]`, has more than 9 decimals or is
/// not a multiple of `10^-decimals`; parsing returns [`ErrorDetail::InvalidText`](crate::ErrorDetail::InvalidText)
/// for text in another form. With the `serde` feature, deserialisation
/// applies the same checks (decimals at most 9, at most 100%).
///
/// # Example
/// ```
/// use survkit::ReportedPercentage;
/// let a: ReportedPercentage = "10.6%".parse()?;
/// let b = ReportedPercentage::new(10.6, 1)?;
/// assert_eq!(a, b);
/// assert_eq!(a.decimals(), 1);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Brown, N. J. L. & Heathers, J. A. J. (2017). The GRIM test: a simple
/// technique detects numerous anomalies in the reporting of results in
/// psychology. *Social Psychological and Personality Science* 8(4),
/// 363–369. doi:10.1177/1948550616673876
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawReportedPercentage"))]
pub struct ReportedPercentage {
    units: u64,
    decimals: u32,
}

/// The unvalidated form of [`ReportedPercentage`] that deserialisation
/// reads; it becomes a `ReportedPercentage` only through
/// [`ReportedPercentage::from_units`]'s checks.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawReportedPercentage {
    units: u64,
    decimals: u32,
}

#[cfg(feature = "serde")]
impl TryFrom<RawReportedPercentage> for ReportedPercentage {
    type Error = Error;
    fn try_from(raw: RawReportedPercentage) -> Result<Self> {
        ReportedPercentage::from_units(raw.units, raw.decimals)
    }
}

/// `100·10^decimals`, the number of units in 100%, if `decimals` is at
/// most [`MAX_PERCENT_DECIMALS`].
fn units_in_hundred(decimals: u32) -> Result<u64> {
    let err = ErrorDetail::InvalidParameter {
        what: "reported percentage decimals",
        constraint: "at most 9",
        value: f64::from(decimals),
    };
    if decimals > MAX_PERCENT_DECIMALS {
        return Err(err.into());
    }
    10u64
        .checked_pow(decimals)
        .and_then(|p| p.checked_mul(100))
        .ok_or_else(|| err.into())
}

impl ReportedPercentage {
    /// A percentage `value` printed with `decimals` decimals.
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) as described on the type.
    pub fn new(value: f64, decimals: u32) -> Result<Self> {
        if !(0.0..=100.0).contains(&value) {
            return Err(ErrorDetail::InvalidParameter {
                what: "reported percentage",
                constraint: "in [0, 100]",
                value,
            }
            .into());
        }
        if decimals > MAX_PERCENT_DECIMALS {
            return Err(ErrorDetail::InvalidParameter {
                what: "reported percentage decimals",
                constraint: "at most 9",
                value: f64::from(decimals),
            }
            .into());
        }
        let scaled = value * 10f64.powi(decimals as i32);
        let units = scaled.round();
        if (scaled - units).abs() > DECIMAL_MATCH_TOL {
            return Err(ErrorDetail::InvalidParameter {
                what: "reported percentage",
                constraint: "a multiple of 10^-decimals",
                value,
            }
            .into());
        }
        Ok(ReportedPercentage {
            // 0 ≤ units ≤ 100·10⁹: exact as u64.
            units: units as u64,
            decimals,
        })
    }

    /// A percentage of `units·10^-decimals`, validated: `decimals` at most 9
    /// and `units` at most `100·10^decimals`.
    fn from_units(units: u64, decimals: u32) -> Result<Self> {
        if units > units_in_hundred(decimals)? {
            return Err(ErrorDetail::InvalidParameter {
                what: "reported percentage",
                constraint: "in [0, 100]",
                value: units as f64 / 10f64.powi(decimals as i32),
            }
            .into());
        }
        Ok(ReportedPercentage { units, decimals })
    }

    /// The percentage as a number, for example 10.6.
    pub fn value(&self) -> f64 {
        self.units as f64 / 10f64.powi(self.decimals as i32)
    }

    /// The number of decimals printed.
    pub fn decimals(&self) -> u32 {
        self.decimals
    }
}

impl FromStr for ReportedPercentage {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let bad = ErrorDetail::InvalidText {
            what: "reported percentage",
            expected: "a percentage such as \"10.5\" or \"73.7%\"",
        };
        let s = text.trim();
        let s = s.strip_suffix('%').unwrap_or(s).trim_end();
        let (_, decimals) = parse_decimal(s).ok_or(bad.clone())?;
        units_in_hundred(decimals)?;
        let digits: String = s.chars().filter(|c| *c != '.').collect();
        let units: u64 = digits.parse().map_err(|_| bad)?;
        ReportedPercentage::from_units(units, decimals)
    }
}

/// The outcome of checking a reported percentage against a denominator.
///
/// # Method
/// With the report `r` printed at `d` decimals, a count `x` of `n` fits when
/// ```text
/// |100·x/n − r| ≤ ½·10^(−d)      ⇔   (2r·10^d − 1)·n ≤ 2·100·10^d·x ≤ (2r·10^d + 1)·n
/// ```
/// decided in exact `u128` integer arithmetic. The fitting counts form a
/// contiguous range.
///
/// # Conventions
/// Ties (a percentage exactly halfway, such as 1/8 = 12.5% reported as
/// "13" or "12") are accepted either way, so the check does not depend on
/// whether the authors rounded half up or half to even (R's `round` and
/// `sprintf` round the binary value, SAS and Excel half away from zero).
/// This is the GRIM test of Brown & Heathers (2017) for percentages.
///
/// # Errors
/// [`check_percentage`] returns [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for `n = 0`.
///
/// # Example
/// ```
/// use survkit::check_percentage;
/// let bad = check_percentage(&"10.6".parse()?, 19)?;
/// assert!(!bad.is_consistent()); // 2/19 = 10.526…% prints as 10.5
/// let good = check_percentage(&"73.7".parse()?, 19)?;
/// assert_eq!(good.possible_counts(), 14..=14);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Brown, N. J. L. & Heathers, J. A. J. (2017). The GRIM test.
/// *Social Psychological and Personality Science* 8(4), 363–369.
/// doi:10.1177/1948550616673876
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct PercentageCheck {
    reported: ReportedPercentage,
    trials: u64,
    first: u64,
    last: u64,
    consistent: bool,
}

impl PercentageCheck {
    /// The reported percentage.
    pub fn reported(&self) -> ReportedPercentage {
        self.reported
    }
    /// The denominator `n`.
    pub fn trials(&self) -> u64 {
        self.trials
    }
    /// Whether some whole count out of `n` prints as the report.
    pub fn is_consistent(&self) -> bool {
        self.consistent
    }
    /// The counts `x` whose percentage `100·x/n` prints as the report; an
    /// empty range (`1..=0`) when none does.
    pub fn possible_counts(&self) -> RangeInclusive<u64> {
        if self.consistent {
            self.first..=self.last
        } else {
            RangeInclusive::new(1, 0)
        }
    }
}

/// Checks whether `reported` can be a whole count out of `n`, rounded (see
/// [`PercentageCheck`]).
///
/// # Method
/// See [`PercentageCheck`].
///
/// # Conventions
/// See [`PercentageCheck`].
///
/// # Errors
/// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) if `n` is 0 (or if the report has more than
/// 9 decimals or exceeds 100%, which the constructors already reject).
///
/// # Example
/// ```
/// use survkit::{check_percentage, ReportedPercentage};
/// // 73.3% cannot be x/19; 73.7% can (14/19).
/// assert!(!check_percentage(&ReportedPercentage::new(73.3, 1)?, 19)?.is_consistent());
/// assert!(check_percentage(&ReportedPercentage::new(73.7, 1)?, 19)?.is_consistent());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Brown, N. J. L. & Heathers, J. A. J. (2017). *Social Psychological and
/// Personality Science* 8(4), 363–369. doi:10.1177/1948550616673876
pub fn check_percentage(reported: &ReportedPercentage, n: u64) -> Result<PercentageCheck> {
    if n == 0 {
        return Err(ErrorDetail::InvalidParameter {
            what: "n",
            constraint: "positive",
            value: 0.0,
        }
        .into());
    }
    // The fields may come from deserialisation or a future constructor:
    // revalidate, so that S below is at most 10¹¹ and r ≤ S.
    let reported = &ReportedPercentage::from_units(reported.units, reported.decimals)?;
    let overflow = ErrorDetail::CountOverflow {
        what: "percentage check",
    };
    let n128 = u128::from(n);
    // S = 100·10^d ≤ 10¹¹ and r ≤ S, so every product below stays under
    // 2·10¹¹·2⁶⁴ < 2¹²⁸; checked all the same.
    let s = u128::from(units_in_hundred(reported.decimals)?);
    let r = u128::from(reported.units);
    let two_s = s.checked_mul(2).ok_or(overflow.clone())?;
    let two_r = r.checked_mul(2).ok_or(overflow.clone())?;
    // x ≥ ceil((2r − 1)·n / 2S)   (0 when r = 0)
    let first = match two_r.checked_sub(1) {
        None => 0,
        Some(lo) => lo
            .checked_mul(n128)
            .ok_or(overflow.clone())?
            .div_ceil(two_s),
    };
    // x ≤ floor((2r + 1)·n / 2S), and x ≤ n
    let last = (two_r
        .checked_add(1)
        .and_then(|hi| hi.checked_mul(n128))
        .ok_or(overflow)?
        / two_s)
        .min(n128);
    let consistent = first <= last;
    Ok(PercentageCheck {
        reported: *reported,
        trials: n,
        // first ≤ ceil((2r − 1)·n / 2S) ≤ n as r ≤ S, and last ≤ n: both fit.
        first: u64::try_from(first).expect("first <= n fits in u64"),
        last: u64::try_from(last).expect("last <= n fits in u64"),
        consistent,
    })
}
