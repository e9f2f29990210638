//! Unconditional exact tests for a 2 x 2 table with fixed row totals:
//! Barnard's test (Wald statistic) and Boschloo's test (Fisher's p as the
//! ordering), with a certified maximum over the nuisance parameter.
//!
//! The p-value of either test is `sup_π P_π(R)`, where `R` is the set of
//! tables at least as extreme as the observed one. Grouping the tables of
//! `R` by their column-1 total `s` turns `P_π(R)` into a Bernstein
//! polynomial whose coefficients are conditional (hypergeometric)
//! probabilities; its derivative is again a Bernstein sum, which bounds the
//! polynomial between any two points. A branch-and-bound search on that
//! bound gives the maximum with a certified gap (see `docs/methods/unconditional.md`).
//!
//! One file per idea: the options (`options.rs`), the result and its print
//! (`result.rs`), the tables and their conditional probabilities
//! (`table.rs`), the two orderings of the tables (`barnard.rs`,
//! `boschloo.rs`), and the certified maximum over the nuisance parameter
//! (`maximum.rs`). This file holds the budget and the step both tests end
//! with: the maximum over the nuisance range, assembled into the result.

mod barnard;
mod boschloo;
mod maximum;
mod options;
mod result;
mod table;

pub use self::barnard::{barnard_exact, Barnard};
pub use self::boschloo::{boschloo_exact, Boschloo, BOSCHLOO_TIE_REL};
use self::maximum::LogSum;
pub use self::options::{BergerBoos, BoschlooTwoSided, UnconditionalMethod, WaldVariance};
pub use self::result::UnconditionalResult;

use std::time::{Duration, Instant};

use self::maximum::Bernstein;
use self::table::Groups;
use crate::error::Result;
use crate::interval::{Alternative, ConfidenceLevel};
use crate::proportion::{Proportion, ProportionCiMethod};
use crate::ErrorDetail;

/// Default time budget of one unconditional test (10 seconds): far above
/// the cost of tables with group totals in the hundreds (milliseconds), and
/// short enough that a table with groups in the tens of thousands, whose
/// `(n₁ + 1)(n₂ + 1)` tables must all be ordered, stops with an error
/// instead of running for minutes.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(10);

/// The search stops when the certified upper bound of the maximum is within
/// this relative distance of the largest value found (1e-12: three orders
/// of magnitude below the 1e-9 at which survkit is compared with scipy, and
/// about 100 times the rounding error of one evaluation of the polynomial
/// of degree ~1000).
pub const CERTIFIED_REL_TOL: f64 = 1e-12;

/// Largest number of tables `(n₁ + 1)(n₂ + 1)` that the rejection region may
/// hold (2^40): beyond it no time budget could order them, and below it the
/// exact integer comparisons of Wald statistics fit in 128 bits.
pub const MAX_REGION_TABLES: u64 = 1 << 40;

/// A time budget that remembers what it is for.
struct Deadline {
    start: Instant,
    limit: Duration,
    what: &'static str,
}

impl Deadline {
    fn new(limit: Duration, what: &'static str) -> Deadline {
        Deadline {
            start: Instant::now(),
            limit,
            what,
        }
    }

    fn check(&self, stage: &'static str, done: u64, total: u64) -> Result<()> {
        if self.start.elapsed() > self.limit {
            Err(ErrorDetail::TimeLimitExceeded {
                what: self.what,
                limit: self.limit,
                stage,
                done,
                total,
            }
            .into())
        } else {
            Ok(())
        }
    }
}

/// Maximises over the nuisance range and assembles the result.
fn finish(
    g: &Groups,
    ln_h: &[f64],
    berger_boos: Option<BergerBoos>,
    deadline: &Deadline,
    method: UnconditionalMethod,
    alternative: Alternative,
    statistic: f64,
) -> Result<UnconditionalResult> {
    let (range, gamma) = match berger_boos {
        None => ([0.0, 1.0], 0.0),
        Some(bb) => {
            let level = ConfidenceLevel::new(1.0 - bb.gamma())?;
            let ci = Proportion::new(g.x1 + g.x2, g.total())?
                .confidence_interval(ProportionCiMethod::ClopperPearson, level)?;
            ([ci.lower(), ci.upper()], bb.gamma())
        }
    };
    let poly = Bernstein::new(ln_h);
    let max = poly.maximise(range[0], range[1], deadline)?;
    let p = max.value.exp();
    let ub = max.upper.exp();
    Ok(UnconditionalResult {
        method,
        alternative,
        rows: g.rows,
        statistic,
        p_value: (p + gamma).min(1.0),
        nuisance: max.at,
        error_bound: (ub - p).max(0.0),
        nuisance_range: range,
        berger_boos,
    })
}
