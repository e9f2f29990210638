//! Boschloo's test: the builder, and the rejection region ordered by
//! Fisher's exact p-value.

use crate::builder::setters;
use std::time::Duration;

use super::table::{ln_pmf_row, Groups};
use super::{finish, Deadline, LogSum, UnconditionalMethod, UnconditionalResult};
use super::{BergerBoos, BoschlooTwoSided, DEFAULT_TIME_LIMIT};
use crate::error::Result;
use crate::fisher::table_2x2::Table2x2;
use crate::interval::Alternative;
use crate::special::ln_add_exp;

/// Boschloo's ordering treats two Fisher p-values as tied when they are
/// within this relative distance (1e-10). Tied p-values are common (equal
/// group sizes make the table and its mirror image tie exactly) and are
/// computed in log space with a relative error of about 1e-13 for totals in
/// the thousands; distinct p-values of one table size differ by far more.
/// The band is relative to the smaller of `p` and `1 − p` (each summed
/// directly), so p-values near 1 keep their resolution. scipy uses 1e-13
/// relative to `p` (`boschloo_exact`, `fisher_stat * (1 + 1e-13)`).
pub const BOSCHLOO_TIE_REL: f64 = 1e-10;

/// R's tolerance for "as probable as the observed table" in Fisher's
/// two-sided p-value (`fisher.test`'s `relErr = 1 + 10^-7`), used by
/// Boschloo's two-sided ordering.
const FISHER_TWO_SIDED_REL: f64 = 1e-7;

/// Boschloo's unconditional exact test: Barnard's construction with
/// Fisher's exact p-value as the ordering statistic.
///
/// # Method
/// As in [`Barnard`](super::Barnard), with `R = {tables y : p_F(y) ≤ p_F(x) (1 + 1e-10)}`,
/// `p_F` Fisher's conditional p-value of a table given its margins:
/// ```text
/// Less       p_F(y) = P(Y₁ ≤ y₁ | s)        Greater   p_F(y) = P(Y₁ ≥ y₁ | s)
/// two-sided  see BoschlooTwoSided
/// p = sup_π P_π(R)   (≤ p_F(x): Boschloo's test is never less powerful than Fisher's)
/// ```
///
/// # Conventions
/// One-sided p-values are scipy's `boschloo_exact` (groups as scipy's
/// columns, see [`Barnard`](super::Barnard)). Two-sided, survkit orders tables by Fisher's
/// two-sided p (R's `fisher.test` rule), the natural two-sided Boschloo
/// test; scipy's doubling of the smaller one-sided p is
/// [`BoschlooTwoSided::Doubled`]. See [`BoschlooTwoSided`] for why.
///
/// # Errors
/// As for [`Barnard`](super::Barnard).
///
/// # Example
/// ```
/// use survkit::{Alternative, Boschloo, Table2x2};
/// // scipy: boschloo_exact([[74, 31], [43, 32]], alternative="greater")
/// let t = Table2x2::new([[74, 43], [31, 32]])?;
/// let r = Boschloo::new().alternative(Alternative::Greater).test(&t)?;
/// assert!((r.p_value() - 0.0356).abs() < 1e-4);
/// assert!(r.p_value() <= r.statistic()); // never above Fisher's p
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Boschloo, R. D. (1970). Raised conditional level of significance for
///   the 2 x 2-table when testing the equality of two probabilities.
///   *Statistica Neerlandica* 24, 1–9. doi:10.1111/j.1467-9574.1970.tb00104.x
/// - Lydersen, S., Fagerland, M. W. & Laake, P. (2009). Recommended tests
///   for association in 2 x 2 tables. *Stat. Med.* 28, 1159–1175.
///   doi:10.1002/sim.3531
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use]
pub struct Boschloo {
    alternative: Alternative,
    two_sided: BoschlooTwoSided,
    berger_boos: Option<BergerBoos>,
    time_limit: Duration,
}

impl Default for Boschloo {
    fn default() -> Self {
        Boschloo {
            alternative: Alternative::TwoSided,
            two_sided: BoschlooTwoSided::FisherTwoSided,
            berger_boos: None,
            time_limit: DEFAULT_TIME_LIMIT,
        }
    }
}

impl Boschloo {
    /// The default test: two-sided by Fisher's two-sided p, `π ∈ [0, 1]`, 10 s.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// The alternative (default two-sided): `Less` means row 1's success
        /// probability is the smaller.
        pub fn alternative(mut self, alternative: Alternative) -> Self { self.alternative }

        /// The two-sided rule (default [`BoschlooTwoSided::FisherTwoSided`]).
        pub fn two_sided(mut self, rule: BoschlooTwoSided) -> Self { self.two_sided }

        /// Restricts `π` to a Clopper-Pearson interval (default: no restriction).
        pub fn berger_boos(mut self, restriction: BergerBoos) -> Self { self.berger_boos }

        /// The time budget (default [`DEFAULT_TIME_LIMIT`]).
        pub fn time_limit(mut self, limit: Duration) -> Self { self.time_limit }
    }

    /// Runs the test on a table whose rows are the two groups.
    ///
    /// # Errors
    /// As for [`Barnard`](super::Barnard).
    pub fn test(&self, table: &Table2x2) -> Result<UnconditionalResult> {
        let deadline = Deadline::new(self.time_limit, "Boschloo's test");
        let g = Groups::new(table)?;
        let method = UnconditionalMethod::Boschloo(self.two_sided);
        let one = |order: FisherOrder| -> Result<UnconditionalResult> {
            let (region, stat) = boschloo_region(&g, order, &deadline)?;
            finish(
                &g,
                &region,
                self.berger_boos,
                &deadline,
                method,
                self.alternative,
                stat,
            )
        };
        match (self.alternative, self.two_sided) {
            (Alternative::Less, _) => one(FisherOrder::Less),
            (Alternative::Greater, _) => one(FisherOrder::Greater),
            (Alternative::TwoSided, BoschlooTwoSided::FisherTwoSided) => one(FisherOrder::TwoSided),
            (Alternative::TwoSided, BoschlooTwoSided::Doubled) => {
                let less = one(FisherOrder::Less)?;
                let greater = one(FisherOrder::Greater)?;
                // scipy: the less side only when strictly smaller.
                let mut r = if less.p_value < greater.p_value {
                    less
                } else {
                    greater
                };
                r.p_value = (2.0 * r.p_value).min(1.0);
                r.error_bound *= 2.0;
                r.alternative = Alternative::TwoSided;
                Ok(r)
            }
        }
    }
}

/// Boschloo's test with the defaults of [`Boschloo::new`].
///
/// # Errors
/// As for [`Barnard`](super::Barnard).
///
/// # Example
/// ```
/// use survkit::{boschloo_exact, fisher_exact, Table2x2};
/// let t = Table2x2::new([[0, 10], [5, 4]])?;
/// assert!(boschloo_exact(&t)?.p_value() <= fisher_exact(&t)?.p_value());
/// # Ok::<(), survkit::Error>(())
/// ```
pub fn boschloo_exact(table: &Table2x2) -> Result<UnconditionalResult> {
    Boschloo::new().test(table)
}

/// Which Fisher p-value orders the tables in Boschloo's test.
#[derive(Clone, Copy, PartialEq, Eq)]
enum FisherOrder {
    Less,
    Greater,
    TwoSided,
}

/// `ln` of Fisher's p-value of every `y₁` in the support given `s`.
fn fisher_ln_p(ln_pmf: &[f64], order: FisherOrder, out: &mut Vec<(f64, f64)>) {
    // Each entry is (ln p, ln q): the p-value and its complement, each summed
    // directly, so that p-values near 1 are compared through q.
    let len = ln_pmf.len();
    out.clear();
    out.resize(len, (f64::NEG_INFINITY, f64::NEG_INFINITY));
    // prefix[i] = ln Σ_{j<i}, suffix[i] = ln Σ_{j≥i}
    let cumulate = |terms: &mut dyn Iterator<Item = f64>| -> Vec<f64> {
        let mut v = vec![f64::NEG_INFINITY];
        let mut acc = f64::NEG_INFINITY;
        for l in terms {
            acc = ln_add_exp(acc, l);
            v.push(acc.min(0.0));
        }
        v
    };
    match order {
        FisherOrder::Less | FisherOrder::Greater => {
            let prefix = cumulate(&mut ln_pmf.iter().copied());
            let mut suffix = cumulate(&mut ln_pmf.iter().rev().copied());
            suffix.reverse();
            for (i, o) in out.iter_mut().enumerate() {
                // P(Y ≤ y) = prefix[i + 1], P(Y > y) = suffix[i + 1],
                // P(Y ≥ y) = suffix[i], P(Y < y) = prefix[i]
                *o = if order == FisherOrder::Less {
                    (prefix[i + 1], suffix[i + 1])
                } else {
                    (suffix[i], prefix[i])
                };
            }
        }
        FisherOrder::TwoSided => {
            // Sum, for each y, the probabilities no larger than P(y)(1 + 1e-7),
            // smallest first (R's fisher.test rule); the complement sums the rest.
            let mut sorted = ln_pmf.to_vec();
            sorted.sort_by(f64::total_cmp);
            let prefix = cumulate(&mut sorted.iter().copied());
            let mut suffix = cumulate(&mut sorted.iter().rev().copied());
            suffix.reverse();
            let tie = FISHER_TWO_SIDED_REL.ln_1p();
            for (o, &l) in out.iter_mut().zip(ln_pmf) {
                let k = sorted.partition_point(|&v| v <= l + tie);
                assert!(k >= 1, "the table itself is within the tie band");
                *o = (prefix[k], suffix[k]);
            }
        }
    }
}

/// Whether Fisher's p `(ln p, ln q)` is at most the observed one within the
/// relative tie band [`BOSCHLOO_TIE_REL`] of the smaller of `p_obs` and
/// `q_obs = 1 − p_obs` (a p-value near 1 is compared through its complement,
/// so that 1 − 1e-12 and 1 are not taken for a tie).
fn fisher_at_most(cell: (f64, f64), obs: (f64, f64)) -> bool {
    if obs.0 <= -std::f64::consts::LN_2 {
        cell.0 <= obs.0 + BOSCHLOO_TIE_REL.ln_1p()
    } else {
        cell.1 >= obs.1 + (-BOSCHLOO_TIE_REL).ln_1p()
    }
}

/// `ln h_s` of Boschloo's region, and Fisher's p of the observed table.
fn boschloo_region(g: &Groups, order: FisherOrder, deadline: &Deadline) -> Result<(Vec<f64>, f64)> {
    let total = g.total();
    let (mut buf, mut pmf) = (Vec::new(), Vec::new());
    let s_obs = g.x1 + g.x2;
    ln_pmf_row(g, s_obs, &mut pmf);
    fisher_ln_p(&pmf, order, &mut buf);
    let obs = buf[(g.x1 - g.support(s_obs).0) as usize];
    let mut ln_h = vec![f64::NEG_INFINITY; total as usize + 1];
    for s in 0..=total {
        deadline.check("ordering the tables", s, total + 1)?;
        ln_pmf_row(g, s, &mut pmf);
        fisher_ln_p(&pmf, order, &mut buf);
        let mut acc = LogSum::new();
        for (&cell, &lq) in buf.iter().zip(&pmf) {
            if fisher_at_most(cell, obs) {
                acc.add(lq);
            }
        }
        ln_h[s as usize] = acc.ln().min(0.0);
    }
    Ok((ln_h, obs.0.exp()))
}
