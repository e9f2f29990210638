//! Pairwise log-rank tests with Bonferroni, Holm and Benjamini-Hochberg
//! adjustments.

use super::*;

/// Pairwise log-rank comparisons with adjusted p-values.
///
/// # Method
/// One two-group log-rank test per pair of groups, on that pair's subjects;
/// the `m = k(k − 1)/2` raw p-values are adjusted by Bonferroni (`min(1, m p)`),
/// Holm (step-down) and Benjamini-Hochberg (step-up), as
/// [`LogRank::pairwise`] details.
///
/// # Conventions
/// R's `survdiff` on each pair's subset followed by `p.adjust`; lifelines'
/// `pairwise_logrank_test` gives the same raw p-values. A pair without
/// events is the degenerate test (χ² = 0 on 0 df, p = 1) and counts in `m`.
///
/// # Errors
/// None: a plain value, built by [`LogRank::pairwise`] (see its errors).
///
/// # Example
/// ```
/// use survkit::{datasets::veteran, ErrorDetail, LogRank, SurvivalData};
/// let data = SurvivalData::builder(&veteran::TIME[..], veteran::event())
///     .groups(&veteran::CELLTYPE).build()?;
/// let pairs = LogRank::new().pairwise(&data)?;
/// let missing = ErrorDetail::EmptyInput { what: "pair" };
/// let c = pairs.get(1, 0).ok_or(missing)?;
/// assert_eq!((c.first(), c.second()), (0, 1));
/// assert!(c.p_bonferroni() >= c.p_holm());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Holm, S. (1979). A simple sequentially rejective multiple test
/// procedure. *Scand. J. Statist.* 6, 65–70. JSTOR 4615733.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct PairwiseLogRank {
    pub(super) comparisons: Vec<PairwiseComparison>,
}

impl PairwiseLogRank {
    /// The comparisons, in the order (0, 1), (0, 2), …, (1, 2), ….
    pub fn comparisons(&self) -> &[PairwiseComparison] {
        &self.comparisons
    }

    /// The comparison of groups `a` and `b` (in either order), if any.
    pub fn get(&self, a: usize, b: usize) -> Option<&PairwiseComparison> {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        self.comparisons
            .iter()
            .find(|c| c.first == a && c.second == b)
    }
}

/// One pair of groups of a [`PairwiseLogRank`]: its two-group log-rank test
/// and the adjusted p-values.
///
/// # Method
/// The log-rank test of [`LogRank`] on the two groups' subjects alone, and
/// the Bonferroni, Holm and Benjamini-Hochberg adjustments of
/// [`LogRank::pairwise`] over all pairs.
///
/// # Conventions
/// `first < second`, group indices in the data's group order (sorted
/// labels). The adjusted values are R's `p.adjust(p, "bonferroni" | "holm"
/// | "BH")`.
///
/// # Errors
/// None: a plain value.
///
/// # Example
/// ```
/// use survkit::{datasets::veteran, ErrorDetail, LogRank, SurvivalData};
/// let data = SurvivalData::builder(&veteran::TIME[..], veteran::event())
///     .groups(&veteran::CELLTYPE).build()?;
/// let pairs = LogRank::new().pairwise(&data)?;
/// let missing = ErrorDetail::EmptyInput { what: "pair" };
/// let c = pairs.comparisons().first().ok_or(missing)?;
/// assert_eq!(c.statistic(), c.test().statistic());
/// assert!(c.p_holm() >= c.p_value() && c.p_benjamini_hochberg() >= c.p_value());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery
/// rate: a practical and powerful approach to multiple testing. *J. R.
/// Stat. Soc. B* 57, 289–300. doi:10.1111/j.2517-6161.1995.tb02031.x
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct PairwiseComparison {
    pub(super) first: usize,
    pub(super) second: usize,
    pub(super) test: LogRankResult,
    pub(super) p_bonferroni: f64,
    pub(super) p_holm: f64,
    pub(super) p_bh: f64,
}

impl PairwiseComparison {
    /// Index of the first group (in the data's group order).
    pub fn first(&self) -> usize {
        self.first
    }

    /// Index of the second group.
    pub fn second(&self) -> usize {
        self.second
    }

    /// The two-group test of this pair.
    pub fn test(&self) -> &LogRankResult {
        &self.test
    }

    /// The pair's chi-square statistic (on one degree of freedom).
    pub fn statistic(&self) -> f64 {
        self.test.chisq
    }

    renamed! {
        pub fn chisq(&self) -> f64 { self.statistic() }
    }

    /// The unadjusted p-value.
    pub fn p_value(&self) -> f64 {
        self.test.p_value
    }

    /// Bonferroni-adjusted p-value (R's `p.adjust(p, "bonferroni")`).
    pub fn p_bonferroni(&self) -> f64 {
        self.p_bonferroni
    }

    /// Holm-adjusted p-value (R's `p.adjust(p, "holm")`).
    pub fn p_holm(&self) -> f64 {
        self.p_holm
    }

    /// Benjamini-Hochberg-adjusted p-value (R's `p.adjust(p, "BH")`).
    pub fn p_benjamini_hochberg(&self) -> f64 {
        self.p_bh
    }
}

pub(super) fn pairwise_table(
    table: &EventTable,
    weights: LogRankWeights,
) -> Result<PairwiseLogRank> {
    let k = table.n_groups();
    let pairs = (k as u64).saturating_mul(k.saturating_sub(1) as u64) / 2;
    check_budget(table, 2, pairs)?;
    let mut tests = Vec::with_capacity(k * k.saturating_sub(1) / 2);
    for a in 0..k {
        for b in a + 1..k {
            tests.push((a, b, test_sel(table, &[a, b], weights)?));
        }
    }
    adjust(tests)
}

/// One pair's test: the two group indices, the test and whether the pair
/// had any event.
pub(crate) type PairTest = (usize, usize, (LogRankResult, bool));

/// The pairwise result from each pair's test and whether it had events.
pub(super) fn adjust(tests: Vec<PairTest>) -> Result<PairwiseLogRank> {
    if !tests.iter().any(|t| t.2 .1) {
        return Err(ErrorDetail::NoEvents {
            what: "pairwise log-rank test",
        }
        .into());
    }
    let p: Vec<f64> = tests.iter().map(|t| t.2 .0.p_value).collect();
    let (bonf, holm, bh) = (bonferroni(&p), holm(&p), benjamini_hochberg(&p));
    let comparisons = tests
        .into_iter()
        .enumerate()
        .map(|(i, (first, second, (test, _)))| PairwiseComparison {
            first,
            second,
            test,
            p_bonferroni: bonf[i],
            p_holm: holm[i],
            p_bh: bh[i],
        })
        .collect();
    Ok(PairwiseLogRank { comparisons })
}

/// Indices of `p` in increasing order of p (stable, NaN last).
pub(super) fn order(p: &[f64]) -> Vec<usize> {
    let mut o: Vec<usize> = (0..p.len()).collect();
    o.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    o
}

pub(super) fn bonferroni(p: &[f64]) -> Vec<f64> {
    let m = p.len() as f64;
    p.iter().map(|&x| (m * x).min(1.0)).collect()
}

pub(super) fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut out = vec![0.0; m];
    let mut running: f64 = 0.0;
    for (i, &j) in order(p).iter().enumerate() {
        running = running.max((m - i) as f64 * p[j]);
        out[j] = running.min(1.0);
    }
    out
}

pub(super) fn benjamini_hochberg(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut out = vec![0.0; m];
    let mut running = f64::INFINITY;
    for (i, &j) in order(p).iter().enumerate().rev() {
        running = running.min(m as f64 * p[j] / (i + 1) as f64);
        out[j] = running.min(1.0);
    }
    out
}
