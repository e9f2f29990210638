//! Two response rates (two independent proportions) compared.

use crate::error::Result;
use crate::fisher::{FisherExact, FisherResult, Table2x2};
use crate::interval::ConfidenceLevel;
use crate::proportion::{risk_difference, Proportion, RiskDifference, MAX_TRIALS};
use crate::ErrorDetail;

/// Two independent proportions compared the way a clinical report does it:
/// Fisher's exact test, the conditional odds ratio with its exact interval,
/// and the difference of the rates with Newcombe's interval.
///
/// # Method
/// The two proportions `x₁/n₁` and `x₂/n₂` form the 2 x 2 table
///
/// ```text
///               responders   non-responders
///   first           x₁          n₁ − x₁
///   second          x₂          n₂ − x₂
/// ```
///
/// on which [`FisherExact`] gives the two-sided p-value (R's rule), the
/// conditional maximum-likelihood odds ratio (odds of response in the first
/// group over the second) and its exact interval; [`risk_difference`] gives
/// `p̂₁ − p̂₂` with Newcombe's hybrid-score interval (method 10).
///
/// # Conventions
/// The p-value and odds ratio are R's `fisher.test(matrix(c(x1, x2, n1 - x1,
/// n2 - x2), 2))`; the difference and its interval are statsmodels'
/// `confint_proportions_2indep(x1, n1, x2, n2, method = "newcomb")`. Both
/// intervals use the same level.
///
/// # Errors
/// [`ErrorDetail::IntegerOutOfRange`](crate::ErrorDetail::IntegerOutOfRange) when `n₁ + n₂` exceeds 2⁵³ (Fisher's test
/// needs the total exact); otherwise those of [`FisherExact::test`] (its
/// time limit, [`DEFAULT_2X2_TIME_LIMIT`](crate::DEFAULT_2X2_TIME_LIMIT),
/// which only totals near 2⁵³ approach) and [`risk_difference`] (none for
/// valid proportions and level).
///
/// # Example
/// ```
/// use survkit::{compare_proportions, format_p_value, ConfidenceLevel, PValueStyle, Proportion};
/// // The founding study: objective response in 10 of 10 patients under 55
/// // and in 4 of 9 aged 55 or more (R: fisher.test(matrix(c(10, 4, 0, 5), 2))$p.value).
/// let young = Proportion::new(10, 10)?;
/// let older = Proportion::new(4, 9)?;
/// let c = compare_proportions(&young, &older, ConfidenceLevel::NINETY_FIVE)?;
/// assert_eq!(format_p_value(c.fisher().p_value(), PValueStyle::Journal), ".011");
/// assert!((c.difference().estimate() - 5.0 / 9.0).abs() < 1e-15);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Fisher, R. A. (1935). The logic of inductive inference. *JRSS* 98(1),
///   39–82. doi:10.2307/2342435
/// - Newcombe, R. G. (1998). Interval estimation for the difference between
///   independent proportions: comparison of eleven methods. *Statistics in
///   Medicine* 17(8), 873–890.
///   doi:10.1002/(SICI)1097-0258(19980430)17:8<873::AID-SIM779>3.0.CO;2-I
pub fn compare_proportions(
    first: &Proportion,
    second: &Proportion,
    level: ConfidenceLevel,
) -> Result<ProportionComparison> {
    let (x1, n1) = (first.successes(), first.trials());
    let (x2, n2) = (second.successes(), second.trials());
    // Fisher's test needs the total exact as a double; name the caller's
    // arguments rather than the 2 x 2 table built from them.
    if n1 + n2 > MAX_TRIALS {
        return Err(ErrorDetail::IntegerOutOfRange {
            what: "first.trials() + second.trials()",
            constraint: "at most 2^53 (Fisher's exact test of the two)",
            // n₁, n₂ ≤ 2⁵³ (Proportion), so the sum fits.
            value: n1 + n2,
        }
        .into());
    }
    // Proportion guarantees x ≤ n, so the subtractions cannot underflow.
    let table = Table2x2::new([[x1, n1 - x1], [x2, n2 - x2]])?;
    let fisher = FisherExact::default()
        .confidence_level(level)
        .test(&table)?;
    let difference = risk_difference(first, second, level)?;
    Ok(ProportionComparison {
        table,
        fisher,
        difference,
    })
}

/// The result of [`compare_proportions`]: the 2 x 2 table, Fisher's exact
/// test with the conditional odds ratio, and the risk difference.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct ProportionComparison {
    table: Table2x2,
    fisher: FisherResult,
    difference: RiskDifference,
}

impl ProportionComparison {
    /// The table `[[x₁, n₁ − x₁], [x₂, n₂ − x₂]]`.
    pub fn table(&self) -> &Table2x2 {
        &self.table
    }

    /// Fisher's exact test on the table: p-value, conditional odds ratio and
    /// its exact interval, sample odds ratio with Woolf's interval.
    pub fn fisher(&self) -> &FisherResult {
        &self.fisher
    }

    /// `p̂₁ − p̂₂` with Newcombe's hybrid-score interval.
    pub fn difference(&self) -> &RiskDifference {
        &self.difference
    }
}
