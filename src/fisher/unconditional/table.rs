//! The tables with the observed row totals: the validated groups, and the
//! conditional (hypergeometric) probabilities of the tables with a given
//! column-1 total.

use super::MAX_REGION_TABLES;
use crate::error::Result;
use crate::fisher::table_2x2::Table2x2;
use crate::special::ln_dhyper;
use crate::ErrorDetail;

/// The validated groups: row totals and observed successes.
pub(super) struct Groups {
    pub(super) rows: [[u64; 2]; 2],
    pub(super) n1: u64,
    pub(super) n2: u64,
    pub(super) x1: u64,
    pub(super) x2: u64,
}

impl Groups {
    pub(super) fn new(table: &Table2x2) -> Result<Groups> {
        let rows = table.rows();
        let [[a, b], [c, d]] = rows;
        // Table2x2 guarantees the total is below 2^53, so these cannot overflow.
        let (n1, n2) = (a + b, c + d);
        if n1 == 0 {
            return Err(ErrorDetail::EmptyInput {
                what: "row 1 of the 2 x 2 table (group 1 has no subjects)",
            }
            .into());
        }
        if n2 == 0 {
            return Err(ErrorDetail::EmptyInput {
                what: "row 2 of the 2 x 2 table (group 2 has no subjects)",
            }
            .into());
        }
        let cells = (n1 as u128 + 1) * (n2 as u128 + 1);
        if cells > MAX_REGION_TABLES as u128 {
            return Err(ErrorDetail::BudgetExceeded {
                what: "unconditional test: the tables (n1 + 1)(n2 + 1) to order",
                limit: MAX_REGION_TABLES,
                unit: "tables",
                progress: None,
            }
            .into());
        }
        Ok(Groups {
            rows,
            n1,
            n2,
            x1: a,
            x2: c,
        })
    }

    pub(super) fn total(&self) -> u64 {
        self.n1 + self.n2
    }

    /// The support `[lo, hi]` of `y₁` given `y₁ + y₂ = s`.
    pub(super) fn support(&self, s: u64) -> (u64, u64) {
        (s.saturating_sub(self.n2), s.min(self.n1))
    }
}

/// Exact anchors of the hypergeometric walk: every this many terms the
/// log-density is recomputed by Loader's algorithm, so the term-ratio walk
/// in between accumulates at most ~2·32 ulps of relative error.
const ANCHOR_EVERY: u64 = 32;

/// `ln P(Y₁ = y | s)` for `y` over the support given the column-1 total `s`
/// (hypergeometric), by term ratios from exact anchors.
pub(super) fn ln_pmf_row(g: &Groups, s: u64, out: &mut Vec<f64>) {
    let (lo, hi) = g.support(s);
    let (m, n, k) = (g.n1 as f64, g.n2 as f64, s as f64);
    out.clear();
    let mut prev = f64::NEG_INFINITY;
    for y in lo..=hi {
        let v = if (y - lo).is_multiple_of(ANCHOR_EVERY) {
            ln_dhyper(y as f64, m, n, k)
        } else {
            // P(y)/P(y − 1) = (m − y + 1)(k − y + 1) / (y (n − k + y))
            let yf = y as f64;
            prev + ((m - yf + 1.0) * (k - yf + 1.0)).ln() - (yf * (n - k + yf)).ln()
        };
        out.push(v);
        prev = v;
    }
}
