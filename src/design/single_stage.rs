//! Exact single-stage phase II designs (A'Hern 2001).

use crate::builder::{getters, setters};
use crate::ErrorDetail;
use std::fmt;
use std::time::Duration;

use super::{binom_pmf, upper_tails, write_phase2_head, SearchInputs};
use crate::error::Result;
use crate::rformat::format_number;

/// The largest `nmax` [`SingleStageSearch`] accepts: 10⁶ (each size costs
/// `O(n)` binomial terms).
pub const MAX_SINGLE_STAGE_NMAX: u64 = 1_000_000;

/// Default time budget of [`SingleStageSearch::search`]: 10 seconds.
pub const DEFAULT_SINGLE_STAGE_TIME_LIMIT: Duration = Duration::from_secs(10);

/// The search for the exact single-stage design of A'Hern (2001): the
/// smallest number of patients `n` and the smallest number of responses
/// `r` that rejects H0: p ≤ p0 at one-sided level `alpha` with power
/// `1 − beta` at `p1`.
///
/// # Method
/// With `X ~ Bin(n, p)`, for `n = 1, 2, …`: `r` is the smallest count with
/// `P(X ≥ r | p0) ≤ alpha`; the design is the first `n` with
/// `P(X ≥ r | p1) ≥ 1 − beta`. Both tails are summed exactly from the top.
/// Because of discreteness a few sizes above the one found can fail again;
/// like A'Hern's tables, the smallest `n` is reported.
///
/// # Conventions
/// `r` as in A'Hern (2001): reject H0 with **at least** `r` responses (Simon's
/// two-stage `r` is one less: the largest count that does not reject).
/// Constraints are compared as computed, without a tie tolerance.
///
/// # Budget
/// `nmax` (default 1000, at most [`MAX_SINGLE_STAGE_NMAX`]) and a time limit
/// (default [`DEFAULT_SINGLE_STAGE_TIME_LIMIT`], 10 s,
/// checked once per `n`); past the limit, [`ErrorDetail::SearchStopped`](crate::ErrorDetail::SearchStopped) says
/// which `n` was reached.
///
/// # Errors
/// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) unless `0 < p0 < p1 < 1`, `alpha` and `beta`
/// are in (0, 0.5) and `1 ≤ nmax ≤ 10⁶`; [`ErrorDetail::NoFeasibleDesign`](crate::ErrorDetail::NoFeasibleDesign) when no
/// `n ≤ nmax` works; [`ErrorDetail::SearchStopped`](crate::ErrorDetail::SearchStopped) past the time limit.
///
/// # Example
/// ```
/// use survkit::SingleStageSearch;
/// let design = SingleStageSearch::new(0.10, 0.30)?.alpha(0.05).beta(0.20).search()?;
/// assert_eq!((design.n(), design.r()), (25, 6));
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// A'Hern, R. P. (2001). Sample size tables for exact single-stage phase II
/// designs. *Statistics in Medicine* 20(6), 859–866. doi:10.1002/sim.721
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct SingleStageSearch {
    inputs: SearchInputs,
}

impl SingleStageSearch {
    /// A search for H0: p ≤ `p0` against `p1` with alpha 0.05, beta 0.20,
    /// `nmax` 1000 and a 10-second budget.
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) unless `0 < p0 < p1 < 1`.
    pub fn new(p0: f64, p1: f64) -> Result<Self> {
        Ok(Self {
            inputs: SearchInputs::new(p0, p1, 1000, DEFAULT_SINGLE_STAGE_TIME_LIMIT)?,
        })
    }
    setters! {
        /// One-sided type I error (default 0.05), checked by [`search`](Self::search).
        pub fn alpha(mut self, alpha: f64) -> Self { self.inputs.alpha }

        /// Type II error (default 0.20), checked by [`search`](Self::search).
        pub fn beta(mut self, beta: f64) -> Self { self.inputs.beta }

        /// Largest size searched (default 1000).
        pub fn nmax(mut self, nmax: u64) -> Self { self.inputs.nmax }

        /// Time budget (default 10 s).
        pub fn time_limit(mut self, limit: Duration) -> Self { self.inputs.time_limit }
    }

    /// Runs the search.
    ///
    /// # Errors
    /// See the type's docs.
    pub fn search(&self) -> Result<SingleStageDesign> {
        let inp = &self.inputs;
        let what = "single-stage design";
        let clock = inp.start(MAX_SINGLE_STAGE_NMAX, "in 1..=1000000", what, "sizes n")?;
        for n in 1..=inp.nmax {
            clock.check(n - 1)?;
            let up0 = upper_tails(&binom_pmf(n, inp.p0));
            // up0[k] = P(X > k) = P(X ≥ k + 1); r = k + 1.
            let k = (0..=n as usize)
                .find(|&k| up0[k] <= inp.alpha)
                .expect("P(X > n) = 0 ≤ alpha");
            if k as u64 == n {
                continue;
            }
            let up1 = upper_tails(&binom_pmf(n, inp.p1));
            if up1[k] >= 1.0 - inp.beta {
                return Ok(SingleStageDesign {
                    p0: inp.p0,
                    p1: inp.p1,
                    alpha: inp.alpha,
                    beta: inp.beta,
                    n,
                    r: k as u64 + 1,
                    type_i_error: up0[k],
                    power: up1[k],
                });
            }
        }
        Err(ErrorDetail::NoFeasibleDesign {
            what,
            nmax: inp.nmax,
        }
        .into())
    }
}

/// An exact single-stage design found by [`SingleStageSearch`].
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct SingleStageDesign {
    p0: f64,
    p1: f64,
    alpha: f64,
    beta: f64,
    n: u64,
    r: u64,
    type_i_error: f64,
    power: f64,
}

impl SingleStageDesign {
    getters! {
        /// Number of patients.
        pub fn n(&self) -> u64 { self.n }

        /// A'Hern's `r`: reject H0 with at least this many responses.
        pub fn r(&self) -> u64 { self.r }

        /// The exact type I error `P(X ≥ r | p0)`.
        pub fn type_i_error(&self) -> f64 { self.type_i_error }

        /// The exact power `P(X ≥ r | p1)`.
        pub fn power(&self) -> f64 { self.power }

        /// The null response rate.
        pub fn p0(&self) -> f64 { self.p0 }

        /// The alternative response rate.
        pub fn p1(&self) -> f64 { self.p1 }

        /// The nominal type I error.
        pub fn alpha(&self) -> f64 { self.alpha }

        /// The nominal type II error.
        pub fn beta(&self) -> f64 { self.beta }
    }
}

impl fmt::Display for SingleStageDesign {
    /// In the layout of clinfun's `print.ph2simon`, with A'Hern's `n` and `r`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rates = [self.p0, self.p1, self.alpha, self.beta];
        write_phase2_head(f, "A'Hern exact single-stage Phase II design", rates)?;
        writeln!(
            f,
            "n = {}; reject H0 with at least r = {} responses",
            self.n, self.r
        )?;
        writeln!(
            f,
            "P(reject H0 | p0) = {}; P(reject H0 | p1) = {}",
            format_number(self.type_i_error, 4),
            format_number(self.power, 4)
        )
    }
}
