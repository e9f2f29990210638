//! Journal-style p-value formatting, and checking a reported p-value
//! against a recomputed one.

use crate::ErrorDetail;
use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// p-values below this are printed as "< .001" (APA and most medical
/// journals: three decimals, never ".000").
const P_FLOOR: f64 = 0.001;

/// Two decimal values closer than this fraction of the rounding half-width
/// (or of the threshold of "< t" / "> t") are treated as a tie when a
/// reported p-value is checked. A recomputed p-value carries the relative
/// error of its software (survkit and R agree to ~1e-13); 1e-9 is far above
/// that and far below any rounding step a journal prints.
const CHECK_TIE_REL: f64 = 1e-9;

/// The most decimals a reported p-value may have (more is not a rounding
/// a journal prints, and `10^decimals` must stay exact in `f64`).
const MAX_P_DECIMALS: u32 = 15;

/// How a p-value is printed.
///
/// # Conventions
/// ```text
/// Journal   ".011"   "< .001"   "> .999"   (no leading zero: APA, AMA, NEJM)
/// Plain     "0.011"  "<0.001"   ">0.999"   (R's format.pval style)
/// ```
/// The "P = " or "p = " prefix is the caller's.
///
/// # Method
/// See [`format_p_value`] for the rounding rule.
///
/// # Errors
/// None: a plain value.
///
/// # Example
/// ```
/// use survkit::{format_p_value, PValueStyle};
/// assert_eq!(format_p_value(0.0004, PValueStyle::Plain), "<0.001");
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// American Psychological Association (2020). *Publication Manual* (7th
/// ed.), section 6.36. doi:10.1037/0000165-000
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum PValueStyle {
    /// No leading zero, a space after `<` and `>`: ".011", "< .001".
    #[default]
    Journal,
    /// Leading zero, no spaces: "0.011", "<0.001".
    Plain,
}

/// Rounds `v` in `[0, 1]` to `decimals` decimals, half away from zero, on
/// the exact binary value of `v`; returns the result in units of
/// `10^-decimals`.
///
/// Rust prints the exact decimal expansion of an `f64` (correctly rounded at
/// 40 digits, which cannot turn a non-tie into a tie at ≤ 15 decimals: a
/// double in `[2⁻¹¹, 1]` is at least ~1e-23 away from any such tie), and the
/// expansion is then rounded up when its next digit is 5 or more.
fn round_half_away(v: f64, decimals: u32) -> u64 {
    let s = format!("{v:.40}");
    let (int_part, frac) = s.split_once('.').unwrap_or((s.as_str(), ""));
    let d = decimals as usize;
    let mut units: u64 = int_part
        .parse()
        .expect("the integer digits of a value in [0, 1] parse");
    let mut next_digit = 0u8;
    for (i, ch) in frac.bytes().enumerate() {
        let digit = ch.wrapping_sub(b'0');
        if i < d {
            units = units * 10 + u64::from(digit);
        } else {
            next_digit = digit;
            break;
        }
    }
    if frac.len() < d {
        units *= 10u64.pow((d - frac.len()) as u32);
    }
    if next_digit >= 5 {
        units += 1;
    }
    units
}

/// Formats a p-value for a table or text: three decimals, "< .001" below
/// 0.001 and "> .999" when it would round to 1.
///
/// # Method
/// ```text
/// p < 0.001                       → "< .001"
/// r = round(p, 3 decimals) = 1    → "> .999"     (p ≥ 0.9995)
/// otherwise                       → "." followed by the three digits of r
/// ```
/// Rounding is half away from zero on the exact binary value of the `f64`
/// (the schoolbook rule on its decimal expansion): 0.0625, which is exact,
/// gives ".063"; 0.0115, stored as 0.01149999999999999981, gives ".011";
/// 0.9995 (stored just above) gives "> .999"; 0.05 gives ".050"; 0.0005
/// gives "< .001".
///
/// # Conventions
/// Matches the APA / AMA rule (exact p to three decimals, "< .001" below).
/// R's `format.pval(p, digits = 3, eps = 0.001)` differs: it prints
/// significant digits ("0.0108") and "<0.001"; `round()` in R rounds the
/// binary value half to even at ties (IEC 60559), so R prints 0.0625 as
/// 0.062 where survkit prints .063.
///
/// # Errors
/// None: every p-value a survkit result returns is in `[0, 1]`. A value
/// that is not a probability (NaN, negative, above 1) prints as `NA`, as R
/// prints a missing p-value; [`try_format_p_value`] returns an error for it
/// instead.
///
/// # Example
/// ```
/// use survkit::{format_p_value, PValueStyle};
/// assert_eq!(format_p_value(0.0108, PValueStyle::Journal), ".011");
/// assert_eq!(format_p_value(0.0004, PValueStyle::Journal), "< .001");
/// assert_eq!(format_p_value(1.0, PValueStyle::Journal), "> .999");
/// assert_eq!(format_p_value(0.0108, PValueStyle::Plain), "0.011");
/// assert_eq!(format!("P = {}", format_p_value(0.05, PValueStyle::Journal)), "P = .050");
/// assert_eq!(format_p_value(f64::NAN, PValueStyle::Journal), "NA");
/// ```
///
/// # References
/// American Psychological Association (2020). *Publication Manual of the
/// American Psychological Association* (7th ed.), section 6.36.
/// doi:10.1037/0000165-000
pub fn format_p_value(p: f64, style: PValueStyle) -> String {
    match try_format_p_value(p, style) {
        Ok(text) => text,
        Err(_) => "NA".to_owned(),
    }
}

/// [`format_p_value`] that rejects a value that is not a probability
/// instead of printing `NA`.
///
/// # Method
/// As [`format_p_value`].
///
/// # Conventions
/// As [`format_p_value`].
///
/// # Errors
/// [`ErrorDetail::InvalidProbability`](crate::ErrorDetail::InvalidProbability) if `p` is NaN or outside `[0, 1]`.
///
/// # Example
/// ```
/// use survkit::{try_format_p_value, PValueStyle};
/// assert_eq!(try_format_p_value(0.0108, PValueStyle::Journal)?, ".011");
/// assert!(try_format_p_value(1.5, PValueStyle::Journal).is_err());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// As [`format_p_value`].
pub fn try_format_p_value(p: f64, style: PValueStyle) -> Result<String> {
    check_probability("p-value", p)?;
    let lead = match style {
        PValueStyle::Journal => "",
        PValueStyle::Plain => "0",
    };
    let space = match style {
        PValueStyle::Journal => " ",
        PValueStyle::Plain => "",
    };
    if p < P_FLOOR {
        return Ok(format!("<{space}{lead}.001"));
    }
    let r = round_half_away(p, 3);
    if r >= 1000 {
        return Ok(format!(">{space}{lead}.999"));
    }
    Ok(format!("{lead}.{r:03}"))
}

/// A p-value as printed in a paper: an equality at some number of
/// decimals (".011", "0.05"), or a bound ("< .001", "> .999").
///
/// # Method
/// Parsing accepts an optional `P`/`p` prefix, an optional `=`, `<` or `>`
/// (also `≤`, `≥`, `<=`, `>=`, read as `<` and `>`), and a decimal number
/// in `[0, 1]` with or without a leading zero:
/// ```text
/// ".011"  "0.011"  "P = .011"  "p=0.011"   → Equal { value 0.011, decimals 3 }
/// "< .001"  "P<0.001"                      → LessThan(0.001)
/// "> .999"                                 → GreaterThan(0.999)
/// ```
///
/// # Conventions
/// Scientific notation ("1e-5") and "NS" are not accepted.
///
/// # Errors
/// Parsing returns [`ErrorDetail::InvalidText`](crate::ErrorDetail::InvalidText) for any other text and
/// [`ErrorDetail::InvalidProbability`](crate::ErrorDetail::InvalidProbability) for a number above 1. The fields are
/// public, so a value can also be built directly: `Display` then prints at
/// most 15 decimals and [`check_p_value`] rejects what parsing could not
/// give. With the `serde` feature, deserialisation checks the same (a
/// probability in `[0, 1]`, at most 15 decimals).
///
/// # Example
/// ```
/// use survkit::ReportedPValue;
/// let r: ReportedPValue = "P = .011".parse()?;
/// assert_eq!(r, ReportedPValue::Equal { value: 0.011, decimals: 3 });
/// assert_eq!("< .001".parse::<ReportedPValue>()?, ReportedPValue::LessThan(0.001));
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// American Psychological Association (2020). *Publication Manual* (7th
/// ed.), section 6.36. doi:10.1037/0000165-000
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawReportedPValue"))]
pub enum ReportedPValue {
    /// "P = value", printed with `decimals` decimals (at most 15: `Display`
    /// caps a larger value, and [`check_p_value`] rejects it).
    Equal {
        /// The printed value.
        value: f64,
        /// The number of decimals printed.
        decimals: u32,
    },
    /// "P < threshold".
    LessThan(f64),
    /// "P > threshold".
    GreaterThan(f64),
}

/// The unvalidated form of [`ReportedPValue`] that deserialisation reads;
/// it becomes a `ReportedPValue` only if every value is a probability and
/// `decimals` is at most 15 (what parsing can produce).
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
enum RawReportedPValue {
    Equal { value: f64, decimals: u32 },
    LessThan(f64),
    GreaterThan(f64),
}

#[cfg(feature = "serde")]
impl TryFrom<RawReportedPValue> for ReportedPValue {
    type Error = Error;
    fn try_from(raw: RawReportedPValue) -> Result<Self> {
        let reported = match raw {
            RawReportedPValue::Equal { value, decimals } => {
                ReportedPValue::Equal { value, decimals }
            }
            RawReportedPValue::LessThan(t) => ReportedPValue::LessThan(t),
            RawReportedPValue::GreaterThan(t) => ReportedPValue::GreaterThan(t),
        };
        reported.validate()?;
        Ok(reported)
    }
}

impl ReportedPValue {
    /// Checks what parsing guarantees and the public fields do not: the
    /// value (or threshold) is a probability and at most
    /// [`MAX_P_DECIMALS`] decimals are reported.
    fn validate(&self) -> Result<()> {
        let (value, decimals) = match *self {
            ReportedPValue::Equal { value, decimals } => (value, decimals),
            ReportedPValue::LessThan(t) | ReportedPValue::GreaterThan(t) => (t, 0),
        };
        check_probability("reported p-value", value)?;
        if decimals > MAX_P_DECIMALS {
            return Err(ErrorDetail::InvalidParameter {
                what: "reported p-value decimals",
                constraint: "at most 15",
                value: f64::from(decimals),
            }
            .into());
        }
        Ok(())
    }
}

/// [`ErrorDetail::InvalidProbability`] unless `value` is in `[0, 1]`.
fn check_probability(what: &'static str, value: f64) -> Result<()> {
    if (0.0..=1.0).contains(&value) {
        Ok(())
    } else {
        Err(ErrorDetail::InvalidProbability { what, value }.into())
    }
}

const P_TEXT_FORMS: &str = "a p-value such as \".011\", \"P = 0.011\", \"< .001\" or \"> .999\"";

impl FromStr for ReportedPValue {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let bad = ErrorDetail::InvalidText {
            what: "reported p-value",
            expected: P_TEXT_FORMS,
        };
        let mut s = text.trim();
        if let Some(rest) = s.strip_prefix('P').or_else(|| s.strip_prefix('p')) {
            s = rest.trim_start();
        }
        enum Op {
            Eq,
            Lt,
            Gt,
        }
        let mut op = Op::Eq;
        for (prefix, o) in [
            ("<=", Op::Lt),
            (">=", Op::Gt),
            ("≤", Op::Lt),
            ("≥", Op::Gt),
            ("<", Op::Lt),
            (">", Op::Gt),
            ("=", Op::Eq),
        ] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.trim_start();
                op = o;
                break;
            }
        }
        let (value, decimals) = parse_decimal(s).ok_or(bad)?;
        check_probability("reported p-value", value)?;
        Ok(match op {
            Op::Eq => ReportedPValue::Equal { value, decimals },
            Op::Lt => ReportedPValue::LessThan(value),
            Op::Gt => ReportedPValue::GreaterThan(value),
        })
    }
}

impl fmt::Display for ReportedPValue {
    /// Prints in journal style: ".011", "< .001", "> .999".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let no_lead = |v: f64, d: usize| {
            let s = format!("{v:.d$}");
            s.strip_prefix('0').map(str::to_owned).unwrap_or(s)
        };
        match *self {
            // The fields are public, so `decimals` may exceed what parsing
            // gives; a larger width than MAX_P_DECIMALS prints nothing more
            // that a p-value can carry (and a huge one would make the
            // formatter panic), so it is capped there.
            ReportedPValue::Equal { value, decimals } => write!(
                f,
                "{}",
                no_lead(value, decimals.min(MAX_P_DECIMALS) as usize)
            ),
            ReportedPValue::LessThan(t) => write!(f, "< {}", no_lead(t, decimals_of(t))),
            ReportedPValue::GreaterThan(t) => write!(f, "> {}", no_lead(t, decimals_of(t))),
        }
    }
}

/// The fewest decimals (at most 15) that print `t` back exactly.
fn decimals_of(t: f64) -> usize {
    (0..=15)
        .find(|&d| format!("{t:.d$}").parse::<f64>().ok() == Some(t))
        .unwrap_or(15)
}

/// Parses `digits[.digits]` or `.digits`; returns the value and the number
/// of decimals.
pub(crate) fn parse_decimal(s: &str) -> Option<(f64, u32)> {
    let (int_part, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac.is_empty())
        || !all_digits(int_part)
        || !all_digits(frac)
        || (s.contains('.') && frac.is_empty())
        || frac.len() > MAX_P_DECIMALS as usize
        || int_part.len() > 15
    {
        return None;
    }
    let value: f64 = s.parse().ok()?;
    Some((value, frac.len() as u32))
}

/// The outcome of checking a reported p-value against a recomputed one.
///
/// # Method
/// ```text
/// Equal { v, d }    consistent ⇔ |p − v| ≤ ½·10^(−d)   (ties accepted)
/// LessThan(t)       consistent ⇔ p < t                 (p = t accepted)
/// GreaterThan(t)    consistent ⇔ p > t                 (p = t accepted)
/// ```
/// Ties are decided with a relative slack of 1e-9 of the half-width (or
/// threshold), so that a p-value lying exactly on a rounding boundary is
/// accepted whichever way the authors' software rounded it.
///
/// # Conventions
/// The rule accepts both round-half-up and round-half-even reports.
///
/// # Errors
/// [`check_p_value`] returns [`ErrorDetail::InvalidProbability`](crate::ErrorDetail::InvalidProbability) if the
/// recomputed p-value or a reported value is NaN or outside `[0, 1]`.
///
/// # Example
/// ```
/// use survkit::{check_p_value, ReportedPValue};
/// let check = check_p_value(&".011".parse::<ReportedPValue>()?, 0.01083)?;
/// assert!(check.is_consistent());
/// assert!(!check_p_value(&".02".parse()?, 0.01083)?.is_consistent());
/// assert!(check_p_value(&"> .999".parse()?, 1.0)?.is_consistent());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Nuijten, M. B., Hartgerink, C. H. J., van Assen, M. A. L. M., Epskamp,
/// S. & Wicherts, J. M. (2016). The prevalence of statistical reporting
/// errors in psychology (1985–2013). *Behavior Research Methods* 48(4),
/// 1205–1226. doi:10.3758/s13428-015-0664-2
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct PValueCheck {
    reported: ReportedPValue,
    recomputed: f64,
    consistent: bool,
}

impl PValueCheck {
    /// The reported p-value.
    pub fn reported(&self) -> ReportedPValue {
        self.reported
    }
    /// The recomputed p-value.
    pub fn recomputed(&self) -> f64 {
        self.recomputed
    }
    /// Whether the report can come from the recomputed value.
    pub fn is_consistent(&self) -> bool {
        self.consistent
    }
}

/// Checks whether a reported p-value matches `recomputed` at the reported
/// precision (see [`PValueCheck`]).
///
/// # Method
/// See [`PValueCheck`].
///
/// # Conventions
/// See [`PValueCheck`].
///
/// # Errors
/// [`ErrorDetail::InvalidProbability`](crate::ErrorDetail::InvalidProbability) if `recomputed` or the reported value is
/// NaN or outside `[0, 1]`; [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) if the reported
/// decimals exceed 15.
///
/// # Example
/// ```
/// use survkit::{check_p_value, ReportedPValue};
/// let reported = ReportedPValue::Equal { value: 0.011, decimals: 3 };
/// assert!(check_p_value(&reported, 0.010_83)?.is_consistent());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Nuijten, M. B., et al. (2016). *Behavior Research Methods* 48(4),
/// 1205–1226. doi:10.3758/s13428-015-0664-2
pub fn check_p_value(reported: &ReportedPValue, recomputed: f64) -> Result<PValueCheck> {
    check_probability("recomputed p-value", recomputed)?;
    reported.validate()?;
    let consistent = match *reported {
        ReportedPValue::Equal { value, decimals } => {
            let half = 0.5 * 10f64.powi(-(decimals as i32));
            (recomputed - value).abs() <= half * (1.0 + CHECK_TIE_REL)
        }
        ReportedPValue::LessThan(t) => recomputed <= t * (1.0 + CHECK_TIE_REL),
        ReportedPValue::GreaterThan(t) => recomputed >= t * (1.0 - CHECK_TIE_REL),
    };
    Ok(PValueCheck {
        reported: *reported,
        recomputed,
        consistent,
    })
}
