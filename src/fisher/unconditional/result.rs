//! `UnconditionalResult`: what the tests report, and its `Display` as R's
//! `print.htest`.

use std::fmt;

use super::{BergerBoos, BoschlooTwoSided, UnconditionalMethod, WaldVariance};
use crate::interval::Alternative;

/// The result of Barnard's or Boschloo's unconditional exact test.
///
/// # Method
/// See [`Barnard`](super::Barnard) and [`Boschloo`](super::Boschloo).
///
/// # Example
/// ```
/// use survkit::{barnard_exact, Table2x2};
/// // the founding study's age row: 0 of 10 against 5 of 9 non-responders
/// let r = barnard_exact(&Table2x2::new([[0, 10], [5, 4]])?)?;
/// assert!((r.p_value() - 0.006003295269940481).abs() < 1e-12);
/// assert!(r.error_bound() <= 1e-12 * r.p_value());
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct UnconditionalResult {
    pub(super) method: UnconditionalMethod,
    pub(super) alternative: Alternative,
    pub(super) rows: [[u64; 2]; 2],
    pub(super) statistic: f64,
    pub(super) p_value: f64,
    pub(super) nuisance: f64,
    pub(super) error_bound: f64,
    pub(super) nuisance_range: [f64; 2],
    pub(super) berger_boos: Option<BergerBoos>,
}

impl UnconditionalResult {
    /// The p-value: the certified maximum over `π` (plus `γ` under the
    /// Berger-Boos restriction), in `[0, 1]`.
    pub fn p_value(&self) -> f64 {
        self.p_value
    }

    /// The observed ordering statistic: Barnard's Wald z (`±∞` for the
    /// unpooled statistic when `p̂₁ ≠ p̂₂` are both 0 or 1, as scipy), or for Boschloo
    /// Fisher's p-value of the observed table (one-sided for `Less` and
    /// `Greater`; two-sided by R's rule for [`BoschlooTwoSided::FisherTwoSided`];
    /// the one-sided p of the side that gave the smaller Boschloo p for
    /// [`BoschlooTwoSided::Doubled`], as scipy reports it).
    pub fn statistic(&self) -> f64 {
        self.statistic
    }

    /// The nuisance parameter `π` (the common success probability) at which
    /// the maximum is attained (for `Doubled`, that of the smaller side).
    pub fn nuisance(&self) -> f64 {
        self.nuisance
    }

    /// The certified bound on the error of the maximisation: the true
    /// supremum of the polynomial lies in `[p, p + error_bound]` (doubled
    /// with the p-value for [`BoschlooTwoSided::Doubled`]), up to the
    /// rounding error of evaluating it (about `1e-15 N` relative).
    pub fn error_bound(&self) -> f64 {
        self.error_bound
    }

    /// The range of `π` searched: `[0, 1]`, or the Clopper-Pearson interval
    /// of the Berger-Boos restriction.
    pub fn nuisance_range(&self) -> [f64; 2] {
        self.nuisance_range
    }

    /// The Berger-Boos restriction used, if any.
    pub fn berger_boos(&self) -> Option<BergerBoos> {
        self.berger_boos
    }

    /// The observed difference of the success proportions, row 1 minus row
    /// 2: `a/(a + b) − c/(c + d)`.
    pub fn estimate(&self) -> f64 {
        let [p1, p2] = self.proportions();
        p1 - p2
    }

    /// The two observed success proportions `[a/(a + b), c/(c + d)]`.
    pub fn proportions(&self) -> [f64; 2] {
        let [[a, b], [c, d]] = self.rows;
        [a as f64 / (a + b) as f64, c as f64 / (c + d) as f64]
    }

    /// The alternative tested.
    pub fn alternative(&self) -> Alternative {
        self.alternative
    }

    /// The test and its options.
    pub fn method(&self) -> UnconditionalMethod {
        self.method
    }

    /// The table tested, `[[a, b], [c, d]]`.
    pub fn rows(&self) -> [[u64; 2]; 2] {
        self.rows
    }
}

/// `x` with `digits` significant digits, as R's `format(x, digits = )`
/// prints it (trailing zeros dropped; fixed unless scientific is shorter).
fn r_format(x: f64, digits: usize) -> String {
    crate::rformat::format_number(x, digits)
}

/// R's `format.pval(p, digits = 4)` as `print.htest` uses it.
fn r_format_pval(p: f64) -> String {
    if p < f64::EPSILON {
        "< 2.2e-16".to_owned()
    } else {
        format!("= {}", r_format(p, 4))
    }
}

/// A named vector as R prints it: right-aligned columns, a trailing space.
fn r_named(names: &[&str], values: &[f64]) -> String {
    // R formats a vector with the decimals its most demanding element needs
    // for 7 significant digits.
    let decimals = values
        .iter()
        .map(|&v| {
            let s = r_format(v, 7);
            s.split_once('.').map_or(0, |(_, f)| f.len())
        })
        .fold(0, usize::max);
    let cells: Vec<String> = values
        .iter()
        .map(|v| format!("{:.*}", decimals, v))
        .collect();
    let width = names
        .iter()
        .map(|n| n.len())
        .chain(cells.iter().map(String::len))
        .fold(0, usize::max);
    let mut top = String::new();
    let mut bottom = String::new();
    for (n, c) in names.iter().zip(&cells) {
        top.push_str(&format!("{n:>width$} "));
        bottom.push_str(&format!("{c:>width$} "));
    }
    format!("{top}\n{bottom}\n")
}

impl fmt::Display for UnconditionalResult {
    /// Prints like R's `print.htest`, with the maximising `π` and the
    /// certified error bound on one more line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (title, stat_name) = match self.method {
            UnconditionalMethod::Barnard(WaldVariance::Pooled) => (
                "Barnard's unconditional exact test (Wald statistic, pooled variance)",
                "z",
            ),
            UnconditionalMethod::Barnard(WaldVariance::Unpooled) => (
                "Barnard's unconditional exact test (Wald statistic, unpooled variance)",
                "z",
            ),
            UnconditionalMethod::Boschloo(BoschlooTwoSided::FisherTwoSided) => {
                ("Boschloo's unconditional exact test", "Fisher p")
            }
            UnconditionalMethod::Boschloo(BoschlooTwoSided::Doubled) => (
                "Boschloo's unconditional exact test (two-sided: doubled one-sided p)",
                "Fisher p",
            ),
        };
        let [[a, b], [c, d]] = self.rows;
        writeln!(f)?;
        writeln!(f, "\t{title}")?;
        writeln!(f)?;
        writeln!(
            f,
            "data:  {a} of {} in group 1 against {c} of {} in group 2",
            a + b,
            c + d
        )?;
        writeln!(
            f,
            "{stat_name} = {}, p-value {}",
            r_format(self.statistic, 5),
            r_format_pval(self.p_value)
        )?;
        let rel = match self.alternative {
            Alternative::TwoSided => "not equal to",
            Alternative::Less => "less than",
            Alternative::Greater => "greater than",
        };
        writeln!(
            f,
            "alternative hypothesis: true difference in proportions is {rel} 0"
        )?;
        write!(
            f,
            "nuisance parameter: maximum at pi = {}",
            r_format(self.nuisance, 4)
        )?;
        if let Some(bb) = self.berger_boos {
            write!(
                f,
                " within [{}, {}] (Berger-Boos, gamma = {})",
                r_format(self.nuisance_range[0], 4),
                r_format(self.nuisance_range[1], 4),
                r_format(bb.gamma(), 4)
            )?;
        }
        writeln!(f, ", certified to within {}", r_format(self.error_bound, 2))?;
        writeln!(f, "sample estimates:")?;
        let [p1, p2] = self.proportions();
        write!(f, "{}", r_named(&["prop 1", "prop 2"], &[p1, p2]))?;
        writeln!(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn r_formatting() {
        assert_eq!(r_format(-1.8943380760602064, 5), "-1.8943");
        assert_eq!(r_format(0.034076716365767874, 4), "0.03408");
        assert_eq!(r_format(1.0, 4), "1");
        assert_eq!(r_format(1.1700481867125247e-17, 4), "1.17e-17");
        assert_eq!(r_format(0.5, 4), "0.5");
        assert_eq!(
            r_named(&["prop 1", "prop 2"], &[1.0, 4.0 / 9.0]),
            "   prop 1    prop 2 \n1.0000000 0.4444444 \n"
        );
    }
}
