//! Fisher's exact test for r x c tables: the network algorithm with
//! past-path merging and relaxation bounds, and a seeded Monte Carlo
//! alternative (Patefield's sampler).
//!
//! `mod.rs`: the public types, the budgets, the reduced table and the
//! `ln n!` table; `network.rs`: the exact network algorithm; `bounds.rs`:
//! the bounds on a node's completions; `monte_carlo.rs`: the sampler.

use crate::ErrorDetail;
use std::num::NonZeroU64;
use std::time::{Duration, Instant};

use crate::builder::setters;
use crate::error::{BudgetProgress, Error, ErrorKind, Result};
use crate::fisher::hyper::{Hyper, SUM_REL_CUTOFF};
use crate::fisher::p_value::p_value as p_value_2x2;
use crate::fisher::table_2x2::MAX_EXACT_TOTAL;
use crate::fisher::two_by_two::PValueKind;
use crate::interval::Alternative;
use crate::special::{chisq_sf, ln_dhyper, ln_factorial};

mod bounds;
mod monte_carlo;
mod network;

use self::monte_carlo::monte_carlo_p;
use self::network::exact_p;

/// FEXACT's tolerance for "no more probable than the observed table" in
/// r x c tables: a table counts when `ln P(T) ≤ ln P(obs) + 3.45254e-7`
/// (R 4.2.2 `src/library/stats/src/fexact.c`, `tol = 3.45254e-7`, "the
/// square root of the smallest relative spacing"). R's 2 x 2 branch uses
/// `1 + 1e-7` instead; survkit does the same for 2 x 2 shaped tables.
pub(crate) const FEXACT_TOL: f64 = 3.45254e-7;

/// Past path lengths closer than this (absolute, on the log scale) are
/// merged into one entry with summed multiplicity. Equal pasts differ only
/// by rounding (about 1e-13); merging moves a table's log-probability by at
/// most this much, 300 times below [`FEXACT_TOL`], so only a table within
/// 1e-9 of the tolerance boundary itself could be classified differently.
const PAST_MERGE_TOL: f64 = 1e-9;

/// When the chi-square approximation puts the p-value above this, the
/// complement (the mass of the tables *more* probable than the observed one)
/// is summed instead and subtracted from 1: the smaller region is then the
/// one enumerated. Purely a speed choice; both routes are exact.
const COMPLEMENT_SWITCH_P: f64 = 0.5;

/// Monte Carlo: R's `fisher.test(simulate.p.value = TRUE)` counts a
/// simulated table when `−Σ ln t! ≤ STATISTIC / (1 + 64 ε)`, a relative
/// tolerance of `64 ε` on `Σ ln t!`. survkit counts a drawn table when
/// `Σ ln t! ≥ Σ ln o! − tol` with `tol` the larger of this relative
/// tolerance and the exact route's [`FEXACT_TOL`] (a factor `1 + 3.45e-7`
/// on the probability): the two routes then count the same tables, and a
/// tie is never decided by the last bits of a sum of logarithms (R's
/// `64 ε · Σ ln o!` is zero when every observed cell is 0 or 1).
const MC_REL_TOL: f64 = 64.0 * f64::EPSILON;

/// Default wall-clock budget of each route of the r x c test (the exact
/// network algorithm, and the Monte Carlo sampler): 5 seconds. The clock is
/// read every 8192 work units (tens of microseconds of work on
/// any shape), so a run stops within a few milliseconds of its limit.
pub const DEFAULT_TIME_LIMIT: Duration = Duration::from_secs(5);

/// The clock is read when this many work units have been charged since the
/// last reading. A unit is priced by what it costs (one step of a
/// relaxation bound over one row, one past path, one memoised cost), so
/// this is a few tens of microseconds of work whatever the table's shape.
const CHECK_EVERY: u64 = 1 << 13;

/// What to do when the exact route is stopped by its time limit.
const EXACT_FIX_TIME: &str = "use RxcMethod::Auto or RxcMethod::MonteCarlo (an estimate with its standard error), or raise time_limit";

/// What to do when the exact route is stopped by its work budget.
const EXACT_FIX_WORK: &str = "use RxcMethod::Auto or RxcMethod::MonteCarlo (an estimate with its standard error), or raise max_nodes";

/// What to do when the exact route is stopped by its memory budget.
const EXACT_FIX_MEMORY: &str = "use RxcMethod::Auto or RxcMethod::MonteCarlo (an estimate with its standard error), or raise max_bytes";

/// What to do when the Monte Carlo route is stopped by its time limit.
const MONTE_CARLO_FIX: &str = "lower replicates or raise time_limit";

/// Default memory budget for the stored nodes and past paths: 1 GiB.
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;

/// An r x c table of counts (rows of equal length).
///
/// # Method
/// Stored row-major; margins are computed with checked arithmetic.
///
/// # Conventions
/// Rows are given as R prints a matrix (`matrix(..., byrow = TRUE)`).
///
/// # Errors
/// [`ContingencyTable::new`] returns [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) for no rows or
/// empty rows, [`ErrorDetail::LengthMismatch`](crate::ErrorDetail::LengthMismatch) for ragged rows,
/// [`ErrorDetail::InvalidShape`](crate::ErrorDetail::InvalidShape) for fewer than 2 rows or 2 columns (R: "'x' must
/// have at least 2 rows and columns") and [`ErrorDetail::CountOverflow`](crate::ErrorDetail::CountOverflow) when the
/// total exceeds 2^53.
///
/// # Example
/// ```
/// use survkit::ContingencyTable;
/// let t = ContingencyTable::new(vec![vec![3, 1, 0], vec![1, 3, 5]])?;
/// assert_eq!((t.nrows(), t.ncols(), t.total()), (2, 3, 13));
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Agresti, A. (2002). *Categorical Data Analysis*, 2nd ed. Wiley.
/// doi:10.1002/0471249688
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawContingencyTable"))]
pub struct ContingencyTable {
    nrows: usize,
    ncols: usize,
    cells: Vec<u64>,
    total: u64,
}

/// The serialised form of [`ContingencyTable`], validated on
/// deserialisation: the cells must be `nrows × ncols`, they go through
/// [`ContingencyTable::from_rows`], and the stored total must equal theirs.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawContingencyTable {
    nrows: usize,
    ncols: usize,
    cells: Vec<u64>,
    total: u64,
}

#[cfg(feature = "serde")]
impl TryFrom<RawContingencyTable> for ContingencyTable {
    type Error = Error;
    fn try_from(raw: RawContingencyTable) -> Result<ContingencyTable> {
        let shape = ErrorDetail::LengthMismatch {
            what: "deserialised contingency table cells",
            expected: raw.nrows.saturating_mul(raw.ncols),
            actual: raw.cells.len(),
        };
        if raw.ncols == 0 || raw.nrows.checked_mul(raw.ncols) != Some(raw.cells.len()) {
            return Err(shape.into());
        }
        let rows: Vec<&[u64]> = raw.cells.chunks(raw.ncols).collect();
        let t = ContingencyTable::from_rows(&rows)?;
        crate::fisher::table::check_stored_total(
            "contingency table total (deserialised)",
            "equal to the sum of the cells",
            raw.total,
            t.total,
        )?;
        Ok(t)
    }
}

impl ContingencyTable {
    /// Builds a table from its rows.
    ///
    /// # Errors
    /// See the type documentation.
    pub fn new(rows: Vec<Vec<u64>>) -> Result<ContingencyTable> {
        Self::from_rows(&rows)
    }

    /// Builds a table from borrowed rows.
    ///
    /// # Errors
    /// See the type documentation.
    pub fn from_rows<R: AsRef<[u64]>>(rows: &[R]) -> Result<ContingencyTable> {
        let first = rows.first().ok_or(ErrorDetail::EmptyInput {
            what: "contingency table rows",
        })?;
        let ncols = first.as_ref().len();
        if ncols == 0 {
            return Err(ErrorDetail::EmptyInput {
                what: "contingency table row",
            }
            .into());
        }
        let mut cells = Vec::with_capacity(rows.len().saturating_mul(ncols));
        for row in rows {
            let row = row.as_ref();
            if row.len() != ncols {
                return Err(ErrorDetail::LengthMismatch {
                    what: "contingency table row",
                    expected: ncols,
                    actual: row.len(),
                }
                .into());
            }
            cells.extend_from_slice(row);
        }
        let nrows = rows.len();
        if nrows < 2 || ncols < 2 {
            return Err(ErrorDetail::InvalidShape {
                what: "contingency table",
                rows: nrows,
                cols: ncols,
                min_rows: 2,
                min_cols: 2,
            }
            .into());
        }
        let overflow = ErrorDetail::CountOverflow {
            what: "contingency table counts",
        };
        let mut total: u64 = 0;
        for &v in &cells {
            total = total.checked_add(v).ok_or(overflow.clone())?;
        }
        if total > MAX_EXACT_TOTAL {
            return Err(overflow.into());
        }
        Ok(ContingencyTable {
            nrows,
            ncols,
            cells,
            total,
        })
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.nrows
    }

    /// Number of columns.
    pub fn ncols(&self) -> usize {
        self.ncols
    }

    /// The count in row `i`, column `j` (`None` outside the table).
    pub fn get(&self, i: usize, j: usize) -> Option<u64> {
        if i < self.nrows && j < self.ncols {
            self.cells.get(i * self.ncols + j).copied()
        } else {
            None
        }
    }

    /// The total count.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// Row sums (cannot overflow: the total fits).
    pub fn row_sums(&self) -> Vec<u64> {
        self.cells
            .chunks(self.ncols)
            .map(|r| r.iter().sum())
            .collect()
    }

    /// Column sums.
    pub fn col_sums(&self) -> Vec<u64> {
        let mut s = vec![0u64; self.ncols];
        for row in self.cells.chunks(self.ncols) {
            for (acc, v) in s.iter_mut().zip(row) {
                *acc += v;
            }
        }
        s
    }

    /// The transposed table.
    pub fn transpose(&self) -> ContingencyTable {
        let mut cells = Vec::with_capacity(self.cells.len());
        for j in 0..self.ncols {
            for i in 0..self.nrows {
                cells.push(self.cells[i * self.ncols + j]); // i < nrows, j < ncols
            }
        }
        ContingencyTable {
            nrows: self.ncols,
            ncols: self.nrows,
            cells,
            total: self.total,
        }
    }
}

/// How the r x c p-value is computed.
///
/// # Example
/// ```
/// use std::num::NonZeroU64;
/// use survkit::{ContingencyTable, FisherExactRxc, RxcMethod};
/// let t = ContingencyTable::new(vec![vec![3, 1, 0], vec![1, 3, 5]])?;
/// let auto = RxcMethod::Auto { replicates: NonZeroU64::new(10_000).unwrap(), seed: 1 };
/// let r = FisherExactRxc::default().method(auto).test(&t)?;
/// assert_eq!(r.method(), RxcMethod::Exact); // small enough: exact
/// assert!(r.is_exact() && r.std_err().is_none());
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RxcMethod {
    /// Exact, by the network algorithm (R's `fisher.test` default).
    #[default]
    Exact,
    /// Monte Carlo with `replicates` random tables drawn with the observed
    /// margins from the generator seeded by `seed` (R's
    /// `simulate.p.value = TRUE, B = replicates`; R's own random stream is
    /// not reproduced).
    MonteCarlo {
        /// Number of simulated tables.
        replicates: NonZeroU64,
        /// Seed of the private SplitMix64 generator.
        seed: u64,
    },
    /// The exact p-value when the network algorithm finishes within the
    /// budgets (time limit, and the optional work and memory budgets), and
    /// otherwise the Monte Carlo p-value with `replicates` tables and its
    /// standard error ([`RxcResult::method`] says which; each route has its
    /// own time limit, so the whole call takes at most twice the limit).
    Auto {
        /// Number of simulated tables if the exact route stops.
        replicates: NonZeroU64,
        /// Seed of the private SplitMix64 generator.
        seed: u64,
    },
}

/// The result of Fisher's exact test on an r x c table.
///
/// # Example
/// ```
/// use survkit::{fisher_exact_rxc, ContingencyTable};
/// let t = ContingencyTable::new(vec![vec![3, 1, 0], vec![1, 3, 5]])?;
/// let r = fisher_exact_rxc(&t)?;
/// assert!(r.p_value() > 0.0 && r.p_value() <= 1.0);
/// assert_eq!(r.std_err(), None);
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct RxcResult {
    p_value: f64,
    standard_error: Option<f64>,
    method: RxcMethod,
    work: u64,
}

impl RxcResult {
    /// The p-value.
    pub fn p_value(&self) -> f64 {
        self.p_value
    }

    /// The Monte Carlo standard error `√(p (1 − p) / B)`; `None` when exact.
    pub fn std_err(&self) -> Option<f64> {
        self.standard_error
    }

    /// Deprecated alias of [`std_err`](Self::std_err).
    #[deprecated(since = "0.2.0", note = "renamed to `std_err` (docs/api.md)")]
    #[doc(hidden)]
    pub fn standard_error(&self) -> Option<f64> {
        self.std_err()
    }

    /// The route that produced the p-value: [`RxcMethod::Exact`] or
    /// [`RxcMethod::MonteCarlo`] (never `Auto`: an `Auto` request reports
    /// the route it took).
    pub fn method(&self) -> RxcMethod {
        self.method
    }

    /// Whether the p-value is exact (`false`: a Monte Carlo estimate with
    /// [`RxcResult::standard_error`]).
    pub fn is_exact(&self) -> bool {
        self.method == RxcMethod::Exact
    }

    /// Work units spent (exact: bound evaluations priced by their rows and
    /// columns, column fills, past paths visited and memoised two-row
    /// tables; Monte Carlo: tables drawn), to compare with
    /// [`FisherExactRxc::max_nodes`].
    pub fn work(&self) -> u64 {
        self.work
    }
}

/// Fisher's exact test for an r x c table, with budgets and an optional
/// Monte Carlo route.
///
/// # Method
/// Conditionally on both margins a table has probability
/// ```text
/// P(T) = Π r_i! Π c_j! / (N! Π t_ij!)
/// p    = Σ P(T) over tables T with the observed margins and
///        ln P(T) ≤ ln P(observed) + 3.45254e-7           (FEXACT's tolerance)
/// ```
/// The network algorithm (Mehta & Patel 1983) fills the table one column at
/// a time; a node is the multiset of the remaining row sums (rows are
/// exchangeable, so the vector is sorted), and each node keeps the list of
/// distinct "past" values `Σ ln t!` of the paths reaching it with their
/// multiplicities. For each node the future `Σ ln t!` over its completions is
/// bounded below and above (relaxations by columns and by rows, and a
/// Lagrangian bound; exact with one or two columns left). A path whose whole
/// future is counted adds `mult · exp(K − past) · N'!/(Π r'! Π c'!)` in
/// closed form; one whose future is never counted is dropped; only the rest
/// are expanded. Within a column the fill is enumerated row by row with
/// relaxation bounds, so whole branches of fills are cut; with two columns
/// left every row level is itself a node with exact bounds and a closed-form
/// mass (Vandermonde's identity), and at the last two rows, where one cell
/// fixes the table and its cost is convex, each undecided past gets its
/// counted cells by binary search and their mass from memoised prefix sums.
/// With few undecided pasts the counted tails of the last two rows are
/// instead walked from their boundaries outward by exact term ratios (the
/// stopping rule of the 2 x 2 walks) and grown from one past to the next.
/// When the
/// chi-square approximation says the
/// p-value is large, the complement (tables more probable than the observed
/// one) is summed instead. Rows are the shorter dimension (a square table
/// takes the orientation with fewer fills of the columns enumerated one by
/// one, `Σ_j ln C(c_j + r − 1, r − 1)` over all but the two largest);
/// columns are processed smallest first (the two largest go through the
/// two-column network); zero rows and columns are dropped (they do not
/// change the p-value). A 2 x 2 table uses the 2 x 2 code with R's 2 x 2
/// tolerance `1 + 1e-7`.
///
/// Monte Carlo: `p = (1 + #{simulated tables with Σ ln t! ≥ Σ ln o! − tol})
/// / (B + 1)` with `tol = max(3.45254e-7, 64 ε Σ ln o!)` (FEXACT's
/// tolerance, or R's relative `64 ε` when larger), tables drawn by
/// Patefield's (1981) conditional sequential sampler.
///
/// Budgets: each route stops at its [`FisherExactRxc::time_limit`] (default
/// [`DEFAULT_TIME_LIMIT`], 5 s), read every few tens of microseconds of
/// work on any shape; optional deterministic budgets are
/// [`FisherExactRxc::max_nodes`] (work units, default none) and
/// [`FisherExactRxc::max_bytes`].
///
/// # Conventions
/// Exact: R's `fisher.test(x, workspace = large)` (FEXACT) to 1e-9
/// relative; it also runs where FEXACT stops with errors 6, 7, 30 or 501.
/// The time limit makes success depend on the machine near the limit; use
/// `max_nodes` with a long time limit for a run that succeeds or fails the
/// same way everywhere. Monte Carlo: R's rule (with FEXACT's tolerance as a
/// floor, so that exact ties always count), a different random stream.
///
/// # Errors
/// [`ErrorDetail::BudgetExceeded`](crate::ErrorDetail::BudgetExceeded) past the time limit, the work or the memory
/// budget, saying how far the run got (raise the budget, or use
/// [`RxcMethod::Auto`] or [`RxcMethod::MonteCarlo`]), and (unit
/// `"table total"`) on the exact
/// route for totals so large that the rounding of the log-factorial sums
/// could reach 1/16 of FEXACT's tie tolerance (about 2.5e5 for 5 x 5, 6e5
/// for 2 x 3; 2 x 2 shaped tables have no limit): use
/// [`RxcMethod::MonteCarlo`], whose statistic is accurate at any count.
///
/// # Example
/// ```
/// use survkit::{ContingencyTable, FisherExactRxc, RxcMethod};
/// use std::num::NonZeroU64;
/// use std::time::Duration;
/// let job = ContingencyTable::new(vec![
///     vec![1, 3, 10, 6], vec![2, 3, 10, 7], vec![1, 6, 14, 12], vec![0, 1, 9, 11],
/// ])?;
/// let exact = FisherExactRxc::default().time_limit(Duration::from_secs(10)).test(&job)?;
/// assert!((exact.p_value() - 0.7826849389656388).abs() < 1e-9);
/// let mc = FisherExactRxc::default()
///     .method(RxcMethod::MonteCarlo { replicates: NonZeroU64::new(2000).unwrap(), seed: 1 })
///     .test(&job)?;
/// assert!((mc.p_value() - exact.p_value()).abs() < 5.0 * mc.std_err().unwrap());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Mehta, C. R. & Patel, N. R. (1983). A network algorithm for performing
///   Fisher's exact test in r × c contingency tables. *JASA* 78, 427–434.
///   doi:10.1080/01621459.1983.10477973
/// - Clarkson, D. B., Fan, Y. & Joe, H. (1993). A remark on algorithm 643:
///   FEXACT. *ACM TOMS* 19, 484–488. doi:10.1145/168173.168412
/// - Patefield, W. M. (1981). Algorithm AS 159: an efficient method of
///   generating random r × c tables with given row and column totals.
///   *Applied Statistics* 30, 91–97. doi:10.2307/2346669
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct FisherExactRxc {
    max_nodes: u64,
    max_bytes: u64,
    time_limit: Duration,
    method: RxcMethod,
}

impl Default for FisherExactRxc {
    fn default() -> Self {
        FisherExactRxc {
            max_nodes: u64::MAX,
            max_bytes: DEFAULT_MAX_BYTES,
            time_limit: DEFAULT_TIME_LIMIT,
            method: RxcMethod::Exact,
        }
    }
}

impl FisherExactRxc {
    /// The defaults (equal to `Default::default()`).
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// The wall-clock budget of each route (default [`DEFAULT_TIME_LIMIT`],
        /// 5 s). The exact route and the Monte Carlo sampler read the clock
        /// every few tens of microseconds of work and stop with
        /// [`ErrorDetail::BudgetExceeded`](crate::ErrorDetail::BudgetExceeded) (saying how far they got) once it has
        /// passed; a Monte Carlo run also stops within one drawn table (about
        /// 0.15 s for totals near 2^52, microseconds for ordinary tables).
        pub fn time_limit(mut self, limit: Duration) -> Self { self.time_limit }

        /// An optional deterministic work budget of the exact route (default:
        /// none). Unlike the time limit, a run that succeeds under it once
        /// succeeds on every machine; see [`RxcResult::work`] for the unit.
        pub fn max_nodes(mut self, max_nodes: u64) -> Self { self.max_nodes }

        /// The memory budget of the exact route in bytes (default
        /// [`DEFAULT_MAX_BYTES`]).
        pub fn max_bytes(mut self, max_bytes: u64) -> Self { self.max_bytes }

        /// Exact (default), Monte Carlo, or exact when it fits the budget and
        /// Monte Carlo otherwise ([`RxcMethod::Auto`]).
        pub fn method(mut self, method: RxcMethod) -> Self { self.method }
    }

    /// Shorthand for `.method(RxcMethod::MonteCarlo { replicates, seed })`.
    pub fn monte_carlo(self, replicates: NonZeroU64, seed: u64) -> Self {
        self.method(RxcMethod::MonteCarlo { replicates, seed })
    }

    /// Runs the test.
    ///
    /// # Errors
    /// [`ErrorDetail::BudgetExceeded`](crate::ErrorDetail::BudgetExceeded) past a budget: the time limit of either
    /// route, or the work or memory budget of the exact route (with
    /// [`RxcMethod::Auto`] only when the Monte Carlo route also runs out of
    /// time), and the exact route's refusal of very large totals (see the
    /// type documentation).
    pub fn test(&self, table: &ContingencyTable) -> Result<RxcResult> {
        let reduced = Reduced::new(table);
        match self.method {
            RxcMethod::Exact => self.run_exact(reduced.as_ref()),
            RxcMethod::MonteCarlo { replicates, seed } => {
                self.run_monte_carlo(reduced.as_ref(), replicates, seed)
            }
            RxcMethod::Auto { replicates, seed } => match self.run_exact(reduced.as_ref()) {
                Err(e) if e.kind() == ErrorKind::BudgetExceeded => {
                    self.run_monte_carlo(reduced.as_ref(), replicates, seed)
                }
                other => other,
            },
        }
    }

    fn run_exact(&self, reduced: Option<&Reduced>) -> Result<RxcResult> {
        let (p_value, work) = match reduced {
            None => (1.0, 0),
            Some(r) => {
                let budget = Budget::new(self.time_limit, self.max_nodes);
                exact_p(r, budget, self.max_bytes)?
            }
        };
        Ok(RxcResult {
            p_value,
            standard_error: None,
            method: RxcMethod::Exact,
            work,
        })
    }

    fn run_monte_carlo(
        &self,
        reduced: Option<&Reduced>,
        replicates: NonZeroU64,
        seed: u64,
    ) -> Result<RxcResult> {
        let b = replicates.get();
        let p_value = match reduced {
            None => 1.0,
            Some(r) => monte_carlo_p(r, b, seed, Budget::new(self.time_limit, u64::MAX))?,
        };
        let se = (p_value * (1.0 - p_value) / b as f64).sqrt();
        Ok(RxcResult {
            p_value,
            standard_error: Some(se),
            method: RxcMethod::MonteCarlo { replicates, seed },
            work: b,
        })
    }
}

/// A wall-clock budget with an optional cap on work units, checked every
/// [`CHECK_EVERY`] units.
#[derive(Debug, Clone, Copy)]
struct Budget {
    start: Instant,
    limit: Duration,
    max_work: u64,
    work: u64,
    next_check: u64,
}

/// Which budget stopped a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Time,
    Work,
}

impl Budget {
    fn new(limit: Duration, max_work: u64) -> Budget {
        Budget {
            start: Instant::now(),
            limit,
            max_work,
            work: 0,
            next_check: CHECK_EVERY,
        }
    }

    /// Adds `units` of work; `Err` once a budget is spent.
    #[inline]
    fn charge(&mut self, units: u64) -> std::result::Result<(), Stop> {
        self.work = self.work.saturating_add(units);
        if self.work > self.max_work {
            return Err(Stop::Work);
        }
        if self.work >= self.next_check {
            self.next_check = self.work.saturating_add(CHECK_EVERY);
            if self.start.elapsed() > self.limit {
                return Err(Stop::Time);
            }
        }
        Ok(())
    }

    fn limit_ms(&self) -> u64 {
        u64::try_from(self.limit.as_millis()).unwrap_or(u64::MAX)
    }

    /// The error of the exact route stopped by `stop`.
    fn exact_error(&self, stop: Stop) -> Error {
        let (limit, unit, fix) = match stop {
            Stop::Time => (self.limit_ms(), "milliseconds", EXACT_FIX_TIME),
            Stop::Work => (self.max_work, "work units", EXACT_FIX_WORK),
        };
        ErrorDetail::BudgetExceeded {
            what: "exact r x c Fisher test",
            limit,
            unit,
            progress: Some(BudgetProgress::new(self.work, "work units", None, fix)),
        }
        .into()
    }
}

/// Fisher's exact test for an r x c table with the default budgets.
///
/// # Method
/// See [`FisherExactRxc`].
///
/// # Conventions
/// R's `fisher.test(x, workspace = large)`.
///
/// # Errors
/// [`ErrorDetail::BudgetExceeded`](crate::ErrorDetail::BudgetExceeded) past the default budgets (5 s of wall time).
///
/// # Example
/// ```
/// use survkit::{fisher_exact_rxc, ContingencyTable};
/// let t = ContingencyTable::new(vec![vec![10, 5, 2], vec![4, 12, 6], vec![1, 3, 15]])?;
/// assert!(fisher_exact_rxc(&t)?.p_value() < 0.001);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Mehta, C. R. & Patel, N. R. (1983). *JASA* 78, 427–434.
/// doi:10.1080/01621459.1983.10477973
pub fn fisher_exact_rxc(table: &ContingencyTable) -> Result<RxcResult> {
    FisherExactRxc::default().test(table)
}

/// The table without zero rows and columns, oriented with rows the shorter
/// dimension; `None` when fewer than two rows or columns are left (p = 1).
#[derive(Debug, Clone)]
struct Reduced {
    nrows: usize,
    ncols: usize,
    /// row-major
    cells: Vec<u64>,
    rows: Vec<u64>,
    cols: Vec<u64>,
    total: u64,
}

impl Reduced {
    fn new(t: &ContingencyTable) -> Option<Reduced> {
        let rs = t.row_sums();
        let cs = t.col_sums();
        let keep_r: Vec<usize> = (0..t.nrows).filter(|&i| rs[i] > 0).collect(); // i < nrows
        let keep_c: Vec<usize> = (0..t.ncols).filter(|&j| cs[j] > 0).collect(); // j < ncols
        if keep_r.len() < 2 || keep_c.len() < 2 {
            return None;
        }
        let transpose = match keep_r.len().cmp(&keep_c.len()) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => {
                let r: Vec<u64> = keep_r.iter().map(|&i| rs[i]).collect(); // i < nrows
                let c: Vec<u64> = keep_c.iter().map(|&j| cs[j]).collect(); // j < ncols
                ln_fill_count(&r, &c) > ln_fill_count(&c, &r)
            }
        };
        let (outer, inner) = if transpose {
            (&keep_c, &keep_r)
        } else {
            (&keep_r, &keep_c)
        };
        let mut cells = Vec::with_capacity(outer.len() * inner.len());
        for &o in outer {
            for &i in inner {
                let (r, c) = if transpose { (i, o) } else { (o, i) };
                cells.push(t.cells[r * t.ncols + c]); // indices from the table's ranges
            }
        }
        let nrows = outer.len();
        let ncols = inner.len();
        let rows = cells.chunks(ncols).map(|r| r.iter().sum()).collect();
        let mut cols = vec![0u64; ncols];
        for row in cells.chunks(ncols) {
            for (a, v) in cols.iter_mut().zip(row) {
                *a += v;
            }
        }
        Some(Reduced {
            nrows,
            ncols,
            cells,
            rows,
            cols,
            total: t.total,
        })
    }
}

/// Orientation rule for square tables: the log of the number of ways to
/// fill the columns the network enumerates one by one (all but the two
/// largest, which go through the exact two-column network), with `rows` as
/// the node key: `Σ_j ln C(c_j + r − 1, r − 1)`, the compositions of each
/// such column sum into `r` cells. The orientation with the smaller count
/// is used (ties keep the given one). For the job-satisfaction table this
/// picks R's layout (columns 4 and 13 enumerated, `ln(35 · 560)`) over its
/// transpose (20 and 21, `ln(1771 · 2024)`), 3x faster.
fn ln_fill_count(rows: &[u64], cols: &[u64]) -> f64 {
    let mut c = cols.to_vec();
    c.sort_unstable();
    let r = rows.len() as u64 - 1;
    c.iter()
        .take(c.len().saturating_sub(2))
        .map(|&cj| ln_factorial(cj + r) - ln_factorial(cj) - ln_factorial(r))
        .sum()
}

/// `ln n!` from a table for small `n`, else from `ln Γ`.
struct LnFact {
    table: Vec<f64>,
}

/// Largest `n` whose `ln n!` is tabulated (8 MB of `f64`).
const LN_FACT_TABLE_MAX: u64 = 1 << 20;

impl LnFact {
    fn new(n: u64) -> LnFact {
        let len = n.min(LN_FACT_TABLE_MAX) as usize + 1;
        let table = (0..len).map(|i| ln_factorial(i as u64)).collect();
        LnFact { table }
    }
    #[inline]
    fn get(&self, n: u64) -> f64 {
        match self.table.get(n as usize) {
            Some(v) => *v,
            None => ln_factorial_cold(n),
        }
    }
}

/// [`ln_factorial`] past the table, out of line (keeps the inlined fast
/// path of [`LnFact::get`] small in the hot loops).
#[cold]
#[inline(never)]
fn ln_factorial_cold(n: u64) -> f64 {
    ln_factorial(n)
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    use super::*;

    #[test]
    fn deserialising_validates_the_shape_and_total() {
        let raw = |nrows, ncols, cells: Vec<u64>, total| RawContingencyTable {
            nrows,
            ncols,
            cells,
            total,
        };
        let ok = ContingencyTable::try_from(raw(2, 3, vec![1, 2, 3, 4, 5, 6], 21));
        assert_eq!(ok.map(|t| (t.nrows(), t.ncols())), Ok((2, 3)));
        for bad in [
            raw(2, 3, vec![1, 2, 3, 4, 5], 15),
            raw(3, 3, vec![1, 2, 3, 4, 5, 6], 21),
            raw(0, 0, vec![], 0),
            raw(usize::MAX, 2, vec![1, 2], 3),
            raw(2, 3, vec![1, 2, 3, 4, 5, 6], 22),
            raw(1, 2, vec![1, 2], 3),
        ] {
            assert!(ContingencyTable::try_from(bad).is_err());
        }
    }
}
