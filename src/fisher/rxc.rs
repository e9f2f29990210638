//! Fisher's exact test for r x c tables: the network algorithm with
//! past-path merging and relaxation bounds, and a seeded Monte Carlo
//! alternative (Patefield's sampler).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::num::NonZeroU64;
use std::time::{Duration, Instant};

use crate::error::{BudgetProgress, Error, Result};
use crate::fisher::hyper::{Hyper, SUM_REL_CUTOFF};
use crate::fisher::two_by_two::{p_value as p_value_2x2, PValueKind, MAX_EXACT_TOTAL};
use crate::interval::Alternative;
use crate::special::{chisq_sf, ln_dhyper, ln_factorial};

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
/// [`ContingencyTable::new`] returns [`Error::EmptyInput`] for no rows or
/// empty rows, [`Error::LengthMismatch`] for ragged rows,
/// [`Error::InvalidShape`] for fewer than 2 rows or 2 columns (R: "'x' must
/// have at least 2 rows and columns") and [`Error::CountOverflow`] when the
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
        let shape = Error::LengthMismatch {
            what: "deserialised contingency table cells",
            expected: raw.nrows.saturating_mul(raw.ncols),
            actual: raw.cells.len(),
        };
        if raw.ncols == 0 || raw.nrows.checked_mul(raw.ncols) != Some(raw.cells.len()) {
            return Err(shape);
        }
        let rows: Vec<&[u64]> = raw.cells.chunks(raw.ncols).collect();
        let t = ContingencyTable::from_rows(&rows)?;
        if t.total != raw.total {
            return Err(Error::InvalidParameter {
                what: "contingency table total (deserialised)",
                constraint: "equal to the sum of the cells",
                value: raw.total as f64,
            });
        }
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
        let first = rows.first().ok_or(Error::EmptyInput {
            what: "contingency table rows",
        })?;
        let ncols = first.as_ref().len();
        if ncols == 0 {
            return Err(Error::EmptyInput {
                what: "contingency table row",
            });
        }
        let mut cells = Vec::with_capacity(rows.len().saturating_mul(ncols));
        for row in rows {
            let row = row.as_ref();
            if row.len() != ncols {
                return Err(Error::LengthMismatch {
                    what: "contingency table row",
                    expected: ncols,
                    actual: row.len(),
                });
            }
            cells.extend_from_slice(row);
        }
        let nrows = rows.len();
        if nrows < 2 || ncols < 2 {
            return Err(Error::InvalidShape {
                what: "contingency table",
                rows: nrows,
                cols: ncols,
                min_rows: 2,
                min_cols: 2,
            });
        }
        let overflow = Error::CountOverflow {
            what: "contingency table counts",
        };
        let mut total: u64 = 0;
        for &v in &cells {
            total = total.checked_add(v).ok_or(overflow.clone())?;
        }
        if total > MAX_EXACT_TOTAL {
            return Err(overflow);
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
                cells.push(self.cells[i * self.ncols + j]); // ok: i < nrows, j < ncols
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
/// assert!(r.is_exact() && r.standard_error().is_none());
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
/// assert_eq!(r.standard_error(), None);
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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
    pub fn standard_error(&self) -> Option<f64> {
        self.standard_error
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
/// instead walked from their boundaries outward (the hypergeometric walk of
/// the 2 x 2 code) and grown from one past to the next. When the
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
/// [`Error::BudgetExceeded`] past the time limit, the work or the memory
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
/// assert!((mc.p_value() - exact.p_value()).abs() < 5.0 * mc.standard_error().unwrap());
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
    /// The wall-clock budget of each route (default [`DEFAULT_TIME_LIMIT`],
    /// 5 s). The exact route and the Monte Carlo sampler read the clock
    /// every few tens of microseconds of work and stop with
    /// [`Error::BudgetExceeded`] (saying how far they got) once it has
    /// passed; a Monte Carlo run also stops within one drawn table (about
    /// 0.15 s for totals near 2^52, microseconds for ordinary tables).
    #[must_use]
    pub fn time_limit(mut self, limit: Duration) -> Self {
        self.time_limit = limit;
        self
    }

    /// An optional deterministic work budget of the exact route (default:
    /// none). Unlike the time limit, a run that succeeds under it once
    /// succeeds on every machine; see [`RxcResult::work`] for the unit.
    #[must_use]
    pub fn max_nodes(mut self, max_nodes: u64) -> Self {
        self.max_nodes = max_nodes;
        self
    }

    /// The memory budget of the exact route in bytes (default
    /// [`DEFAULT_MAX_BYTES`]).
    #[must_use]
    pub fn max_bytes(mut self, max_bytes: u64) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// Exact (default), Monte Carlo, or exact when it fits the budget and
    /// Monte Carlo otherwise ([`RxcMethod::Auto`]).
    #[must_use]
    pub fn method(mut self, method: RxcMethod) -> Self {
        self.method = method;
        self
    }

    /// Shorthand for `.method(RxcMethod::MonteCarlo { replicates, seed })`.
    #[must_use]
    pub fn monte_carlo(self, replicates: NonZeroU64, seed: u64) -> Self {
        self.method(RxcMethod::MonteCarlo { replicates, seed })
    }

    /// Runs the test.
    ///
    /// # Errors
    /// [`Error::BudgetExceeded`] past a budget: the time limit of either
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
                Err(Error::BudgetExceeded { .. }) => {
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
        Error::BudgetExceeded {
            what: "exact r x c Fisher test",
            limit,
            unit,
            progress: Some(BudgetProgress::new(self.work, "work units", None, fix)),
        }
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
/// [`Error::BudgetExceeded`] past the default budgets (5 s of wall time).
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
        let keep_r: Vec<usize> = (0..t.nrows).filter(|&i| rs[i] > 0).collect(); // ok: i < nrows
        let keep_c: Vec<usize> = (0..t.ncols).filter(|&j| cs[j] > 0).collect(); // ok: j < ncols
        if keep_r.len() < 2 || keep_c.len() < 2 {
            return None;
        }
        let transpose = match keep_r.len().cmp(&keep_c.len()) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Less => false,
            std::cmp::Ordering::Equal => {
                let r: Vec<u64> = keep_r.iter().map(|&i| rs[i]).collect(); // ok: i < nrows
                let c: Vec<u64> = keep_c.iter().map(|&j| cs[j]).collect(); // ok: j < ncols
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
                cells.push(t.cells[r * t.ncols + c]); // ok: indices from the table's ranges
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

/// A small deterministic multiplicative hasher (the Fx hash of rustc):
/// node keys are short vectors of counts, and a fixed hasher makes the
/// iteration order, hence every floating-point sum, reproducible.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        // a slice of u64 arrives here as its raw bytes in one call: take
        // them eight at a time (byte by byte was half of a column fill)
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Nodes of one stage: remaining row sums (ascending) → data.
type NodeMap<V> = HashMap<Vec<u64>, V, BuildHasherDefault<FxHasher>>;

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
            None => ln_factorial(n),
        }
    }
}

/// The exact route compares log-probabilities, sums of `ln x!` up to
/// `ln N!`, with the observed one less [`FEXACT_TOL`]; each sum carries
/// rounding of about (number of terms) · ε · `ln N!`. The route refuses a
/// table (a typed [`Error::BudgetExceeded`]) when that bound exceeds 1/16 of
/// [`FEXACT_TOL`], so a tie is never decided by rounding: totals up to about
/// 2.5e5 for a 5 x 5 table, 6e5 for 2 x 3. (R's FEXACT has no such guard.)
/// 2 x 2 shaped tables use the 2 x 2 route, whose log-densities are
/// Loader's and accurate at every count. Monte Carlo has no such limit.
const EXACT_ROUNDING_BUDGET: f64 = FEXACT_TOL / 16.0;

/// The largest total the exact route accepts for a table with `terms`
/// log-factorial terms (for the error message).
fn exact_total_limit(terms: f64) -> u64 {
    let (mut lo, mut hi) = (1u64, MAX_EXACT_TOTAL);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if terms * f64::EPSILON * ln_factorial(mid) > EXACT_ROUNDING_BUDGET {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    lo
}

/// Bounds are computed in floating point; they are widened by this much
/// (absolute, log scale) so that rounding can never make a bound cut a path
/// that should have been expanded. It is 300 times below [`FEXACT_TOL`].
const BOUND_SLACK: f64 = 1e-9;

/// The exact p-value; returns `(p, work)`.
fn exact_p(t: &Reduced, budget: Budget, max_bytes: u64) -> Result<(f64, u64)> {
    if t.nrows == 2 && t.ncols == 2 {
        let c = &t.cells;
        let (a, b, cc, d) = (c[0] as f64, c[1] as f64, c[2] as f64, c[3] as f64); // ok: 2 x 2
        let h = Hyper::new(a, b, cc, d);
        return Ok((
            p_value_2x2(&h, a, 1.0, Alternative::TwoSided, PValueKind::Exact),
            1,
        ));
    }
    let terms = (t.cells.len() + t.nrows + t.ncols + 1) as f64;
    if terms * f64::EPSILON * ln_factorial(t.total) > EXACT_ROUNDING_BUDGET {
        return Err(Error::BudgetExceeded {
            what: "exact r x c Fisher test (log-factorial rounding would reach FEXACT's tie tolerance; use RxcMethod::Auto or RxcMethod::MonteCarlo)",
            limit: exact_total_limit(terms),
            unit: "table total",
            progress: None,
        });
    }
    let lf = LnFact::new(t.total);
    // Columns smallest first: the stages before the last two stay small, and
    // the last two (the largest) go through the exact two-column network.
    let mut order: Vec<usize> = (0..t.ncols).collect();
    order.sort_by(|&i, &j| t.cols[i].cmp(&t.cols[j]));
    let cols: Vec<u64> = order.iter().map(|&j| t.cols[j]).collect(); // ok: j < ncols
                                                                     // Observed statistic V = Σ ln t!
    let v_obs: f64 = t.cells.iter().map(|&v| lf.get(v)).sum();
    let k_const: f64 = t.rows.iter().map(|&v| lf.get(v)).sum::<f64>()
        + t.cols.iter().map(|&v| lf.get(v)).sum::<f64>()
        - lf.get(t.total);
    let thr = v_obs - FEXACT_TOL;
    // Chi-square guess of p decides the route.
    let complement = chisq_guess(t) > COMPLEMENT_SWITCH_P;
    let mut net = Network {
        lf: &lf,
        cols: &cols,
        thr,
        k_const,
        complement,
        acc: 0.0,
        budget,
        max_bytes,
        tail_hint: [0, 0],
        bytes: 0,
        info: NodeMap::default(),
    };
    let mut root: Vec<u64> = t.rows.clone();
    root.sort_unstable();
    let mut stage: NodeMap<Node> = NodeMap::default();
    stage.insert(
        root,
        Node {
            pasts: vec![(0.0, 1.0)],
        },
    );
    let mut scratch = Scratch::default();
    for j in 0..cols.len() {
        let mut next: NodeMap<Node> = NodeMap::default();
        net.bytes = 0;
        net.info.clear();
        for (key, mut node) in stage.drain() {
            if node.pasts.is_empty() {
                continue;
            }
            net.charge(node.pasts.len() as u64)?;
            merge_pasts(&mut node.pasts);
            net.expand(j, &key, &node.pasts, &mut next, &mut scratch)?;
        }
        stage = next;
        if stage.is_empty() {
            break;
        }
    }
    let p = if complement { 1.0 - net.acc } else { net.acc };
    Ok((p.clamp(0.0, 1.0), net.budget.work))
}

/// The chi-square approximation of the p-value (only to choose a route).
fn chisq_guess(t: &Reduced) -> f64 {
    let n = t.total as f64;
    let mut x2 = 0.0;
    for (i, row) in t.cells.chunks(t.ncols).enumerate() {
        for (j, &v) in row.iter().enumerate() {
            let e = t.rows[i] as f64 * t.cols[j] as f64 / n; // ok: i < nrows, j < ncols
            x2 += (v as f64 - e) * (v as f64 - e) / e;
        }
    }
    let df = ((t.nrows - 1) * (t.ncols - 1)) as f64;
    chisq_sf(x2, df)
}

/// Sorts pasts and merges those within [`PAST_MERGE_TOL`].
fn merge_pasts(p: &mut Vec<(f64, f64)>) {
    if p.len() < 2 {
        return;
    }
    p.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = 0;
    for i in 1..p.len() {
        let (v, w) = p[i]; // ok: i < len
        if v - p[out].0 <= PAST_MERGE_TOL {
            p[out].1 += w; // ok: out < i
        } else {
            out += 1;
            p[out] = (v, w); // ok: out ≤ i
        }
    }
    p.truncate(out + 1);
}

/// A node of the next stage: its bounds and the undecided paths reaching it.
#[derive(Debug, Clone, Default)]
struct Node {
    pasts: Vec<(f64, f64)>,
}

/// Bounds and log-mass of a node's completions.
#[derive(Debug, Clone, Copy)]
struct NodeInfo {
    /// lower bound on the future Σ ln t!
    fmin: f64,
    /// upper bound on the future Σ ln t!
    fmax: f64,
    /// ln Σ_completions Π 1/t! = ln N'! − Σ ln r'! − Σ ln c'!
    ln_mass: f64,
}

/// Largest memo of two-column bounds per node (entries of 24 bytes).
const TWO_CACHE_MAX: usize = 1 << 20;

/// Reused buffers of a node expansion.
#[derive(Debug, Default)]
struct Scratch {
    /// two-column bounds `(fmin, fmax, ln_mass)` by `i * two_stride + left`
    two_cache: Vec<(f64, f64, f64)>,
    two_stride: usize,
    /// last-two-rows memo of the node by `left`
    bottom_meta: Vec<Option<BottomRow>>,
    /// their costs `g(x)`
    bottom_g: Vec<f64>,
    /// their interleaved `(prefix, suffix)` masses
    bottom_pre: Vec<f64>,
    x: Vec<u64>,
    /// the later columns' row caps during a column fill
    caps_buf: Vec<u64>,
    child: Vec<u64>,
    cap_suffix: Vec<u64>,
    /// suffix sums Σ_{k ≥ i} w_k exp(p_i − p_k)
    suffix: Vec<f64>,
    /// prefix sums Σ_{k < i} w_k exp(p_0 − p_k)
    prefix: Vec<f64>,
    /// `w_k exp(p_0 − p_k)` of the node's pasts (two-column stage), when
    /// the pasts span less than [`PAST_SPAN_SCALED_MAX`]; else empty
    past_rel: Vec<f64>,
}

/// Pasts spanning less than this (log scale) are weighed relative to the
/// first one by one `exp` each per node (no underflow: `e^{−600}` is a
/// normal `f64`), so a row level costs one `exp` for all of them.
const PAST_SPAN_SCALED_MAX: f64 = 600.0;

struct Network<'a> {
    lf: &'a LnFact,
    cols: &'a [u64],
    thr: f64,
    k_const: f64,
    complement: bool,
    acc: f64,
    budget: Budget,
    max_bytes: u64,
    /// distances of the last counted-tail boundaries from the minimum in
    /// [`Network::last_two_rows_by_tails`] (a starting guess only)
    tail_hint: [u64; 2],
    bytes: u64,
    /// bounds of the nodes of the next stage met so far
    info: NodeMap<NodeInfo>,
}

/// Minimum of `Σ ln x_i!` over `Σ x_i = total`, `0 ≤ x_i ≤ caps[i]` (the
/// most even fill); `caps` ascending.
fn even_fill(lf: &LnFact, total: u64, caps: &[u64]) -> f64 {
    let mut left = total;
    let mut v = 0.0;
    let n = caps.len() as u64;
    for (i, &c) in caps.iter().enumerate() {
        let k = n - i as u64; // rows left including this one
        let share = left / k;
        let extra = left % k;
        if c <= share {
            v += lf.get(c);
            left -= c;
        } else {
            // every remaining cap is ≥ c > share: spread evenly, `extra` rows get one more
            let rest = (caps.len() - i) as u64;
            v += extra as f64 * lf.get(share + 1) + (rest - extra) as f64 * lf.get(share);
            return v;
        }
    }
    v
}

/// Maximum of `Σ ln x_i!` over the same set (the most uneven fill: largest
/// caps first); `caps` ascending.
fn uneven_fill(lf: &LnFact, total: u64, caps: &[u64]) -> f64 {
    let mut left = total;
    let mut v = 0.0;
    for &c in caps.iter().rev() {
        if left == 0 {
            break;
        }
        let x = c.min(left);
        v += lf.get(x);
        left -= x;
    }
    v
}

/// Scaling sweeps of the Lagrangian multipliers (see [`lagrange_lower`]):
/// a speed choice only, every value gives a valid bound.
const LAGRANGE_SWEEPS: usize = 3;

/// Rows up to which the exact maximum of a two-column completion is found by
/// enumerating the vertices (`r 2^(r−1)` of them); above, a relaxation.
const TWO_COLUMN_MAX_ROWS_EXACT: usize = 8;

/// Exact `min Σ_i ln x_i! + ln (r_i − x_i)!` over `Σ x_i = a`,
/// `0 ≤ x_i ≤ r_i` (the most probable completion with two columns left): the
/// objective is separable and convex, so adding one unit at a time where the
/// marginal cost `ln(x_i + 1) − ln(r_i − x_i)` is smallest is optimal (the
/// marginal costs are taken as differences of the same `ln k!` values that
/// make up the objective, so the greedy sees exactly what it minimises).
fn two_column_min(lf: &LnFact, rows: &[u64], a: u64) -> f64 {
    let n: u64 = rows.iter().sum();
    if n == 0 {
        return 0.0;
    }
    let r = rows.len();
    if r > TWO_COLUMN_MIN_ROWS_MAX {
        // valid lower bound without the per-row buffer: each column as even as possible
        return even_fill(lf, a, rows) + even_fill(lf, n - a, rows);
    }
    // start from the proportional split (no allocation: a fixed buffer)
    let mut buf = [0u64; TWO_COLUMN_MIN_ROWS_MAX];
    let x = &mut buf[..r]; // ok: r ≤ TWO_COLUMN_MIN_ROWS_MAX
    for (xi, &ri) in x.iter_mut().zip(rows) {
        *xi = (((ri as f64) * (a as f64) / (n as f64)).floor() as u64).min(ri);
    }
    let mut placed: u64 = x.iter().sum();
    while placed < a {
        let mut best = usize::MAX;
        let mut best_cost = f64::INFINITY;
        for (i, (&xi, &ri)) in x.iter().zip(rows).enumerate() {
            if xi < ri {
                let c = (lf.get(xi + 1) - lf.get(xi)) - (lf.get(ri - xi) - lf.get(ri - xi - 1));
                if c < best_cost {
                    best_cost = c;
                    best = i;
                }
            }
        }
        match x.get_mut(best) {
            Some(v) => *v += 1,
            None => break,
        }
        placed += 1;
    }
    // exchange single units while that lowers the cost (convexity: this
    // terminates at the optimum)
    loop {
        let (mut best_add, mut add_cost) = (usize::MAX, f64::INFINITY);
        let (mut best_rem, mut rem_gain) = (usize::MAX, f64::NEG_INFINITY);
        for (i, (&xi, &ri)) in x.iter().zip(rows).enumerate() {
            if xi < ri {
                let c = (lf.get(xi + 1) - lf.get(xi)) - (lf.get(ri - xi) - lf.get(ri - xi - 1));
                if c < add_cost {
                    add_cost = c;
                    best_add = i;
                }
            }
            if xi > 0 {
                let g = (lf.get(xi) - lf.get(xi - 1)) - (lf.get(ri - xi + 1) - lf.get(ri - xi));
                if g > rem_gain {
                    rem_gain = g;
                    best_rem = i;
                }
            }
        }
        if best_add == best_rem || add_cost >= rem_gain - 1e-12 {
            break;
        }
        match (x.get(best_add).is_some(), x.get(best_rem).is_some()) {
            (true, true) => {
                x[best_add] += 1; // ok: checked above
                x[best_rem] -= 1; // ok: checked above
            }
            _ => break,
        }
    }
    x.iter()
        .zip(rows)
        .map(|(&xi, &ri)| lf.get(xi) + lf.get(ri - xi))
        .sum()
}

/// Exact minimum and maximum of the cost of an r x 2 table with two rows
/// `c1`, `c2` and `left` in the first column: one free cell `x`, and the
/// cost `g(x) = ln x! + ln (c1 − x)! + ln (left − x)! + ln (c2 − left + x)!`
/// is convex, so the maximum is at an end and the minimum is found by
/// walking downhill from the proportional split (the same values
/// [`two_column_min`] and [`two_column_max`] would find, in a few steps).
fn two_row_bounds(lf: &LnFact, c1: u64, c2: u64, left: u64) -> (f64, f64) {
    let x_lo = left.saturating_sub(c2);
    let x_hi = c1.min(left);
    if x_lo > x_hi {
        // infeasible (not reached: callers check left ≤ c1 + c2)
        return (f64::INFINITY, f64::NEG_INFINITY);
    }
    let g = |x: u64| (lf.get(x) + lf.get(c1 - x)) + (lf.get(left - x) + lf.get(c2 + x - left));
    let fmax = g(x_lo).max(g(x_hi));
    let n = c1 + c2;
    let start = if n == 0 {
        x_lo
    } else {
        ((left as f64 * c1 as f64 / n as f64).round() as u64).clamp(x_lo, x_hi)
    };
    let (mut x, mut gx) = (start, g(start));
    while x > x_lo {
        let gd = g(x - 1);
        if gd < gx {
            x -= 1;
            gx = gd;
        } else {
            break;
        }
    }
    while x < x_hi {
        let gu = g(x + 1);
        if gu < gx {
            x += 1;
            gx = gu;
        } else {
            break;
        }
    }
    (gx, fmax)
}

/// Rows up to which [`two_column_min`] uses its exact greedy (a fixed
/// buffer); above, a relaxation.
const TWO_COLUMN_MIN_ROWS_MAX: usize = 32;

/// Exact `max Σ_i ln x_i! + ln (r_i − x_i)!` over the same set: a convex
/// function is maximised at a vertex, where every `x_i` is 0 or `r_i` except
/// at most one; all vertices are enumerated.
fn two_column_max(lf: &LnFact, rows: &[u64], a: u64) -> f64 {
    let r = rows.len();
    let full: f64 = rows.iter().map(|&ri| lf.get(ri)).sum();
    let mut best = f64::NEG_INFINITY;
    for (free, &rf) in rows.iter().enumerate() {
        for mask in 0u64..(1u64 << r) {
            if mask >> free & 1 == 1 {
                continue;
            }
            let mut at_top: u64 = 0;
            for (bit, &ri) in rows.iter().enumerate() {
                if mask >> bit & 1 == 1 {
                    at_top += ri;
                }
            }
            if at_top > a || a - at_top > rf {
                continue;
            }
            let xf = a - at_top;
            // rows at a bound contribute ln r_i! (0 in one column, r_i in the other)
            let v = full - lf.get(rf) + lf.get(xf) + lf.get(rf - xf);
            best = best.max(v);
        }
    }
    best
}

/// Lagrangian lower bound on `min Σ ln t_ij!` over tables with row sums
/// `rows` and column sums `cols`: for any multipliers `α, β`,
/// `Σ_ij min_t (ln t! − (α_i + β_j) t) + Σ α_i r_i + Σ β_j c_j` is below the
/// minimum (weak duality). With `α_i = ln r_i`, `β_j = ln(c_j / n)` the cell
/// minimisers sit at the independence table, which makes the bound tight.
fn lagrange_lower(lf: &LnFact, rows: &[u64], cols: &[u64], n: u64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let rows: Vec<f64> = rows.iter().filter(|&&r| r > 0).map(|&r| r as f64).collect();
    let cols: Vec<f64> = cols.iter().filter(|&&c| c > 0).map(|&c| c as f64).collect();
    let ln_n = (n as f64).ln();
    let mut alpha: Vec<f64> = rows.iter().map(|r| r.ln()).collect();
    let mut beta: Vec<f64> = cols.iter().map(|c| c.ln() - ln_n).collect();
    // A few scaling sweeps (iterative proportional fitting of the continuous
    // cell minimisers e^γ − ½ to the margins) tighten the bound; any
    // multipliers give a valid bound, so the sweeps need not converge.
    let (nr, nc) = (rows.len() as f64, cols.len() as f64);
    for _ in 0..LAGRANGE_SWEEPS {
        for (a, r) in alpha.iter_mut().zip(&rows) {
            let s: f64 = beta.iter().map(|b| (*a + b).exp()).sum();
            *a += ((r + 0.5 * nc) / s).ln();
        }
        for (b, c) in beta.iter_mut().zip(&cols) {
            let s: f64 = alpha.iter().map(|a| (a + *b).exp()).sum();
            *b += ((c + 0.5 * nr) / s).ln();
        }
    }
    let mut v = 0.0;
    for (a, &r) in alpha.iter().zip(&rows) {
        v += a * r;
        for (b, &c) in beta.iter().zip(&cols) {
            let g = a + b;
            let cap = r.min(c) as u64;
            // ln t! − g t is convex in t: its minimum over [0, cap] is next to floor(e^g)
            let t0 = (g.exp().floor().max(0.0).min(cap as f64)) as u64;
            let mut best = lf.get(t0) - g * t0 as f64;
            if t0 > 0 {
                best = best.min(lf.get(t0 - 1) - g * (t0 - 1) as f64);
            }
            if t0 < cap {
                best = best.min(lf.get(t0 + 1) - g * (t0 + 1) as f64);
            }
            v += best;
        }
    }
    for (b, &c) in beta.iter().zip(&cols) {
        v += b * c;
    }
    v
}

impl Network<'_> {
    #[inline]
    fn charge(&mut self, units: u64) -> Result<()> {
        match self.budget.charge(units) {
            Ok(()) => Ok(()),
            Err(stop) => Err(self.budget.exact_error(stop)),
        }
    }

    fn charge_bytes(&mut self, bytes: u64) -> Result<()> {
        self.bytes = self.bytes.saturating_add(bytes);
        if self.bytes > self.max_bytes {
            return Err(Error::BudgetExceeded {
                what: "exact r x c Fisher test (memory of one stage)",
                limit: self.max_bytes,
                unit: "bytes",
                progress: Some(BudgetProgress::new(
                    self.budget.work,
                    "work units",
                    None,
                    EXACT_FIX_MEMORY,
                )),
            });
        }
        Ok(())
    }

    /// Bounds for the node `rows` (ascending) before column `j`.
    fn info(&self, j: usize, rows: &[u64]) -> NodeInfo {
        let lf = self.lf;
        let cols = self.cols.get(j..).unwrap_or(&[]);
        let n: u64 = rows.iter().sum();
        let sum_rows: f64 = rows.iter().map(|&r| lf.get(r)).sum();
        let ln_mass = lf.get(n) - sum_rows - cols.iter().map(|&c| lf.get(c)).sum::<f64>();
        if cols.len() <= 1 {
            return NodeInfo {
                fmin: sum_rows,
                fmax: sum_rows,
                ln_mass,
            };
        }
        if let [a, _] = cols {
            // two columns left: both bounds exact
            let fmin = two_column_min(lf, rows, *a);
            let fmax = if rows.len() <= TWO_COLUMN_MAX_ROWS_EXACT {
                two_column_max(lf, rows, *a)
            } else {
                let mut col_caps: Vec<u64> = cols.to_vec();
                col_caps.sort_unstable();
                let hi_c: f64 = cols.iter().map(|&c| uneven_fill(lf, c, rows)).sum();
                let hi_r: f64 = rows.iter().map(|&r| uneven_fill(lf, r, &col_caps)).sum();
                hi_c.min(hi_r)
            };
            return NodeInfo {
                fmin: fmin - BOUND_SLACK,
                fmax: fmax + BOUND_SLACK,
                ln_mass,
            };
        }
        // column relaxation (caps = row sums) and row relaxation (caps = column sums)
        let mut col_caps: Vec<u64> = cols.to_vec();
        col_caps.sort_unstable();
        let lo_c: f64 = cols.iter().map(|&c| even_fill(lf, c, rows)).sum();
        let lo_r: f64 = rows.iter().map(|&r| even_fill(lf, r, &col_caps)).sum();
        let lo_l = lagrange_lower(lf, rows, cols, n);
        let hi_c: f64 = cols.iter().map(|&c| uneven_fill(lf, c, rows)).sum();
        let hi_r: f64 = rows.iter().map(|&r| uneven_fill(lf, r, &col_caps)).sum();
        NodeInfo {
            fmin: lo_c.max(lo_r).max(lo_l) - BOUND_SLACK,
            fmax: hi_c.min(hi_r) + BOUND_SLACK,
            ln_mass,
        }
    }

    /// Expands node `key` (ascending remaining row sums) at column `j` with
    /// its merged, sorted pasts.
    fn expand(
        &mut self,
        j: usize,
        key: &[u64],
        pasts: &[(f64, f64)],
        next: &mut NodeMap<Node>,
        scratch: &mut Scratch,
    ) -> Result<()> {
        let Some(&c) = self.cols.get(j) else {
            return Ok(());
        };
        let (Some(&(pmin, _)), Some(&(pmax, _))) = (pasts.first(), pasts.last()) else {
            return Ok(());
        };
        // Relaxed bounds of the later columns, used to cut partial fills:
        // caps are the current row sums, an over-estimate, so still valid.
        let lf = self.lf;
        let later = self.cols.get(j + 1..).unwrap_or(&[]);
        let later_lo: f64 =
            later.iter().map(|&cc| even_fill(lf, cc, key)).sum::<f64>() - BOUND_SLACK;
        let later_hi: f64 = later
            .iter()
            .map(|&cc| uneven_fill(lf, cc, key))
            .sum::<f64>()
            + BOUND_SLACK;
        let r = key.len();
        scratch.x.clear();
        scratch.x.resize(r, 0);
        scratch.child.clear();
        scratch.child.resize(r, 0);
        scratch.cap_suffix.clear();
        scratch.cap_suffix.resize(r + 1, 0);
        for i in (0..r).rev() {
            scratch.cap_suffix[i] = scratch.cap_suffix[i + 1] + key[i]; // ok: i < r
        }
        // suffix sums relative to p_i and prefix sums relative to p_0
        let n = pasts.len();
        scratch.suffix.clear();
        scratch.suffix.resize(n + 1, 0.0);
        for i in (0..n).rev() {
            let (p, w) = pasts[i]; // ok: i < n
            let next_rel = match pasts.get(i + 1) {
                Some(&(pn, _)) => (p - pn).exp() * scratch.suffix[i + 1], // ok: i + 1 ≤ n
                None => 0.0,
            };
            scratch.suffix[i] = w + next_rel; // ok: i < n
        }
        scratch.prefix.clear();
        scratch.prefix.push(0.0);
        let mut run = 0.0;
        for &(p, w) in pasts {
            run += w * (pmin - p).exp();
            scratch.prefix.push(run);
        }
        let mut ctx = FillCtx {
            key,
            pasts,
            pmin,
            pmax,
            later_lo,
            later_hi,
            j,
        };
        if j + 2 == self.cols.len() {
            // memo of the two-column bounds by (row level, amount left), when small
            scratch.two_stride = c as usize + 1;
            let size = r.saturating_mul(scratch.two_stride);
            scratch.two_cache.clear();
            if size <= TWO_CACHE_MAX {
                scratch.two_cache.resize(size, (f64::NAN, 0.0, 0.0));
            }
            scratch.bottom_meta.clear();
            if scratch.two_stride <= TWO_CACHE_MAX {
                scratch.bottom_meta.resize(scratch.two_stride, None);
            }
            scratch.bottom_g.clear();
            scratch.bottom_pre.clear();
            scratch.past_rel.clear();
            if pmax - pmin < PAST_SPAN_SCALED_MAX {
                scratch
                    .past_rel
                    .extend(pasts.iter().map(|&(p, w)| w * (pmin - p).exp()));
            }
            return self.fill_two(&ctx, scratch, 0, c, 0.0, 0, n);
        }
        self.fill(&mut ctx, scratch, 0, c, 0.0, next)
    }

    /// Two columns left (the current one and the last): after rows `0..i`
    /// of the current column are fixed (`v` holds their cells in both
    /// columns), the rest is an r x 2 table whose bounds are exact
    /// ([`two_column_min`], [`two_column_max`]) and whose total mass is
    /// closed-form by Vandermonde's identity,
    /// `Σ Π 1/(x_k! (r_k − x_k)!) = C(R_S, left) / Π r_k!`. So every row
    /// level decides whole ranges of the pasts `[lo, hi)`, and only the
    /// undecided ones go one row deeper.
    #[allow(clippy::too_many_arguments)]
    fn fill_two(
        &mut self,
        ctx: &FillCtx<'_>,
        scratch: &mut Scratch,
        i: usize,
        left: u64,
        v: f64,
        lo: usize,
        hi: usize,
    ) -> Result<()> {
        let lf = self.lf;
        let rest = ctx.key.get(i..).unwrap_or(&[]);
        let r_s = scratch.cap_suffix.get(i).copied().unwrap_or(0);
        if left > r_s {
            return Ok(());
        }
        // (fmin, fmax, ln_mass) depend on (i, left) only: memoised per node
        let slot = i * scratch.two_stride + left as usize;
        let cached = scratch
            .two_cache
            .get(slot)
            .copied()
            .filter(|c| !c.0.is_nan());
        let (fmin, fmax, ln_mass) = match cached {
            Some(c) => c,
            None => {
                // the exact maximum enumerates r 2^(r−1) vertices of r terms
                let rl = rest.len().min(TWO_COLUMN_MAX_ROWS_EXACT) as u64;
                self.charge(4 * rest.len() as u64 + ((rl * rl) << rl))?;
                let (fmin, fmax) = if rest.len() == 1 {
                    let f = lf.get(left) + lf.get(r_s - left);
                    (f, f)
                } else if let [c1, c2] = *rest {
                    two_row_bounds(lf, c1, c2, left)
                } else {
                    let fmax = if rest.len() <= TWO_COLUMN_MAX_ROWS_EXACT {
                        two_column_max(lf, rest, left)
                    } else {
                        // relaxation: each row as uneven as the column sums allow
                        let b = r_s - left;
                        let caps = if left <= b { [left, b] } else { [b, left] };
                        let hi_r: f64 = rest.iter().map(|&rk| uneven_fill(lf, rk, &caps)).sum();
                        hi_r.min(uneven_fill(lf, left, rest) + uneven_fill(lf, b, rest))
                    };
                    (two_column_min(lf, rest, left), fmax)
                };
                let ln_mass = lf.get(r_s)
                    - lf.get(left)
                    - lf.get(r_s - left)
                    - rest.iter().map(|&rk| lf.get(rk)).sum::<f64>();
                if let Some(c) = scratch.two_cache.get_mut(slot) {
                    *c = (fmin, fmax, ln_mass);
                }
                (fmin, fmax, ln_mass)
            }
        };
        let pasts = ctx.pasts.get(lo..hi).unwrap_or(&[]);
        let none_below = self.thr - v - (fmax + BOUND_SLACK);
        let all_from = self.thr - v - (fmin - BOUND_SLACK);
        let a = lo + pasts.partition_point(|&(p, _)| p < none_below);
        let b = (lo + pasts.partition_point(|&(p, _)| p < all_from)).max(a);
        self.charge(1)?;
        let base = self.k_const - v + ln_mass;
        if self.complement {
            self.acc += range_mass(ctx.pasts, scratch, lo, a, base);
        } else {
            self.acc += range_mass(ctx.pasts, scratch, b, hi, base);
        }
        if a == b || rest.len() == 1 {
            return Ok(());
        }
        if let [c1, c2] = *rest {
            // Last two rows: one free cell x. Per undecided past, the counted
            // x form an interval or its complement (the cost is convex in
            // x), summed from memoised prefix masses; worth it when there
            // are no more pasts than values of x.
            let n_x = c1.min(left) - left.saturating_sub(c2) + 1;
            // the memo must exist for this `left` or fit in its cap
            let (memo_built, memo_ok) = match scratch.bottom_meta.get(left as usize) {
                Some(Some(_)) => (true, true),
                Some(None) => (
                    false,
                    scratch.bottom_g.len() as u64 + n_x <= BOTTOM_MEMO_MAX,
                ),
                None => (false, false),
            };
            if !self.complement && !memo_built && b - a <= TAIL_WALK_MAX_PASTS {
                return self.last_two_rows_by_tails(ctx, scratch, [c1, c2], left, v, a, b);
            }
            if memo_ok && (b - a) as u64 <= n_x {
                return self.last_two_rows(ctx, scratch, [c1, c2], left, v, a, b);
            }
        }
        let cap = rest.first().copied().unwrap_or(0);
        let rest_caps = scratch.cap_suffix.get(i + 1).copied().unwrap_or(0);
        let lo_x = left.saturating_sub(rest_caps);
        let hi_x = cap.min(left);
        let mut xi = lo_x;
        while xi <= hi_x {
            let vv = v + lf.get(xi) + lf.get(cap - xi);
            self.fill_two(ctx, scratch, i + 1, left - xi, vv, a, b)?;
            xi += 1;
        }
        Ok(())
    }

    /// The last two rows of the two-column network (rows `c` of the
    /// remaining sub-table, `left` still to place in the current column):
    /// the table is fixed by the first row's cell `x`, with cost
    /// `g(x) = ln x! + ln (c₀ − x)! + ln (left − x)! + ln (c₁ − left + x)!`,
    /// convex in `x`. For each past `p` in `[a, b)` the counted `x` are
    /// those with `g(x) ≥ thr − v − p` (p-value: two tails around the
    /// minimum) or `g(x) < thr − v − p` (complement: one interval), found by
    /// binary search on the two monotone halves and summed from prefix
    /// masses `Σ e^{g_min − g(x)}` memoised per `left` for the node. The
    /// decisions are those of the row-by-row recursion, table by table
    /// (the same [`BOUND_SLACK`] either side).
    #[allow(clippy::too_many_arguments)]
    fn last_two_rows(
        &mut self,
        ctx: &FillCtx<'_>,
        scratch: &mut Scratch,
        c: [u64; 2],
        left: u64,
        v: f64,
        a: usize,
        b: usize,
    ) -> Result<()> {
        self.charge(1 + (b - a) as u64)?;
        let lf = self.lf;
        let row = match scratch.bottom_meta.get(left as usize).copied().flatten() {
            Some(row) => row,
            None => {
                // building the row is work too: one unit per value of x
                self.charge(c[0].min(left) - left.saturating_sub(c[1]) + 1)?;
                let row = bottom_row(lf, c, left, &mut scratch.bottom_g, &mut scratch.bottom_pre);
                if let Some(slot) = scratch.bottom_meta.get_mut(left as usize) {
                    *slot = Some(row);
                }
                row
            }
        };
        let g = scratch
            .bottom_g
            .get(row.off..row.off + row.len)
            .unwrap_or(&[]);
        // pre[k] = Σ_{j<k} t_j and suf[k] = Σ_{j≥k} t_j, k = 0..=len
        let pre = scratch
            .bottom_pre
            .get(2 * row.off_p..2 * (row.off_p + row.len + 1))
            .unwrap_or(&[]);
        let (dec, inc) = g.split_at(row.argmin.min(g.len()));
        for &(p, w) in ctx.pasts.get(a..b).unwrap_or(&[]) {
            let mass = if self.complement {
                // counted: g(x) < thr − v − p − slack, an interval around the minimum
                let t = self.thr - v - p - BOUND_SLACK;
                let k1 = dec.partition_point(|&gx| gx >= t);
                let k2 = row.argmin + inc.partition_point(|&gx| gx < t);
                if k2 <= k1 {
                    continue;
                }
                pre.get(2 * k2).copied().unwrap_or(0.0) - pre.get(2 * k1).copied().unwrap_or(0.0)
            } else {
                // counted: g(x) ≥ thr − v − p + slack, the two tails
                let t = self.thr - v - p + BOUND_SLACK;
                let k1 = dec.partition_point(|&gx| gx >= t);
                let k2 = row.argmin + inc.partition_point(|&gx| gx < t);
                if k2 <= k1 {
                    // even the minimum is counted: every table
                    pre.get(1).copied().unwrap_or(0.0)
                } else {
                    pre.get(2 * k1).copied().unwrap_or(0.0)
                        + pre.get(2 * k2 + 1).copied().unwrap_or(0.0)
                }
            };
            self.acc += w * mass * (self.k_const - v - p - row.gmin).exp();
        }
        Ok(())
    }

    /// [`Network::last_two_rows`] for a few pasts without a memo (p-value
    /// route only): per past, the two counted tails of the convex cost
    /// `g(x)` are found by binary search on `g` and summed by the one
    /// hypergeometric walk ([`Hyper`]: `e^{−g(x)}` is the hypergeometric
    /// term of the 2 x 2 table `[[x, c₀ − x], [left − x, c₁ − left + x]]`)
    /// from their inner ends outward, stopping once the rest is below
    /// 2⁻⁶⁰ of the sum: the far tails that a strong association leaves
    /// cost a few terms instead of the whole row. The counted tables are
    /// those of the memoised route (the same `g` values and comparisons).
    #[allow(clippy::too_many_arguments)]
    fn last_two_rows_by_tails(
        &mut self,
        ctx: &FillCtx<'_>,
        scratch: &Scratch,
        c: [u64; 2],
        left: u64,
        v: f64,
        a: usize,
        b: usize,
    ) -> Result<()> {
        let lf = self.lf;
        let [c1, c2] = c;
        let x_lo = left.saturating_sub(c2);
        let x_hi = c1.min(left);
        let g = |x: u64| lf.get(x) + lf.get(c1 - x) + lf.get(left - x) + lf.get(c2 + x - left);
        // a minimiser: downhill from the proportional split
        let n = c1 + c2;
        let start = if n == 0 {
            x_lo
        } else {
            ((left as f64 * c1 as f64 / n as f64).round() as u64).clamp(x_lo, x_hi)
        };
        let (mut xm, mut gm) = (start, g(start));
        while xm > x_lo && g(xm - 1) < gm {
            xm -= 1;
            gm = g(xm);
        }
        while xm < x_hi && g(xm + 1) < gm {
            xm += 1;
            gm = g(xm);
        }
        let (xf, c1f, leftf, c2f) = (xm as f64, c1 as f64, left as f64, c2 as f64);
        let h = Hyper::new(xf, c1f - xf, leftf - xf, c2f - leftf + xf);
        let log2_n = u64::from(64 - (x_hi - x_lo + 1).leading_zeros());
        self.charge(1 + (b - a) as u64 * (8 + 2 * log2_n))?;
        // The pasts ascend, so the thresholds descend and the counted tails
        // only grow: each past extends the tails of the one before by the
        // few tables its boundaries moved (or walks them afresh when they
        // moved far). Masses are relative to e^{−g(xm)}.
        let ln_all = gm + lf.get(n) - lf.get(left) - lf.get(n - left) - lf.get(c1) - lf.get(c2);
        let (mut lower, mut upper) = (0.0_f64, 0.0_f64);
        // `lower` covers [x_lo, k1_done), `upper` covers [k2_done, x_hi]
        let (mut k1_done, mut k2_done) = (x_lo, x_hi + 1);
        let [d1, d2] = self.tail_hint;
        let (mut guess1, mut guess2) = (xm.saturating_sub(d1), xm.saturating_add(d2));
        let mut all = false;
        // the `lower` edge term e^{gm − g(k1_done − 1)}, and the `upper` one
        // e^{gm − g(k2_done)}: extended by exact term ratios, no `exp`
        let (mut lo_edge, mut hi_edge) = (0.0_f64, 0.0_f64);
        let rel = scratch.past_rel.get(a..b).filter(|r| r.len() == b - a);
        let scale = (self.k_const - v - ctx.pmin - gm).exp();
        for (k, &(p, w)) in ctx.pasts.get(a..b).unwrap_or(&[]).iter().enumerate() {
            if !all {
                // counted: g(x) ≥ t, the tails [x_lo, k1) and [k2, x_hi]
                let t = self.thr - v - p + BOUND_SLACK;
                let k1 = first_true_near(x_lo, xm, guess1, |x| g(x) < t);
                let k2 = first_true_near(xm, x_hi + 1, guess2, |x| g(x) >= t);
                (guess1, guess2) = (k1, k2);
                if k2 <= k1 {
                    // every table (Vandermonde's identity), and so for every later past
                    all = true;
                } else {
                    if k1 < k1_done || k1_done == x_lo || k1 - k1_done > TAIL_EXTEND_MAX {
                        (lower, lo_edge) = if k1 > x_lo {
                            let s = k1 - 1;
                            let e = (gm - g(s)).exp();
                            (e * h.lower_tail_from(s as f64, 0.0), e)
                        } else {
                            (0.0, 0.0)
                        };
                    } else {
                        // the new terms are the largest: added last;
                        // P(x)/P(x − 1) = (c₀ − x + 1)(left − x + 1) / (x (c₁ − left + x))
                        for x in k1_done..k1 {
                            let xf = x as f64;
                            lo_edge *=
                                (c1f - xf + 1.0) * (leftf - xf + 1.0) / (xf * (c2f - leftf + xf));
                            lower += lo_edge;
                        }
                    }
                    if k2 > k2_done || k2_done == x_hi + 1 || k2_done - k2 > TAIL_EXTEND_MAX {
                        (upper, hi_edge) = if k2 <= x_hi {
                            let e = (gm - g(k2)).exp();
                            (e * h.upper_tail_from(k2 as f64, 0.0), e)
                        } else {
                            (0.0, 0.0)
                        };
                    } else {
                        // P(x)/P(x + 1) = (x + 1)(c₁ − left + x + 1) / ((c₀ − x)(left − x))
                        for x in (k2..k2_done).rev() {
                            let xf = x as f64;
                            hi_edge *=
                                (xf + 1.0) * (c2f - leftf + xf + 1.0) / ((c1f - xf) * (leftf - xf));
                            upper += hi_edge;
                        }
                    }
                    (k1_done, k2_done) = (k1, k2);
                }
            }
            let mass = if all { ln_all.exp() } else { lower + upper };
            self.acc += match rel.and_then(|r| r.get(k)) {
                Some(&r) => r * mass * scale,
                None => w * mass * (self.k_const - v - p - gm).exp(),
            };
        }
        self.tail_hint = [xm - guess1.min(xm), guess2.saturating_sub(xm)];
        Ok(())
    }

    fn fill(
        &mut self,
        ctx: &mut FillCtx<'_>,
        scratch: &mut Scratch,
        i: usize,
        left: u64,
        v: f64,
        next: &mut NodeMap<Node>,
    ) -> Result<()> {
        let r = ctx.key.len();
        // the partial-fill cut below passes over every row for every later column
        let later_cols = self.cols.len().saturating_sub(ctx.j + 1) as u64;
        self.charge(1 + later_cols * r as u64)?;
        if i + 1 == r {
            // last row takes the rest (feasible by construction)
            scratch.x[i] = left; // ok: i < r
            let v = v + self.lf.get(left);
            return self.leaf(ctx, scratch, v, next);
        }
        // partial-fill cut: bounds over this column's remaining rows + later columns
        if i > 0 {
            let caps = ctx.key.get(i..).unwrap_or(&[]);
            let lf = self.lf;
            // the later columns' caps once rows 0..i have taken their cells
            // of this column (still at least the final ones: a relaxation)
            let later_caps = |scratch: &mut Scratch| {
                scratch.caps_buf.clear();
                for (k, &rk) in ctx.key.iter().enumerate() {
                    let taken = if k < i {
                        scratch.x.get(k).copied().unwrap_or(0)
                    } else {
                        0
                    };
                    scratch.caps_buf.push(rk - taken);
                }
                scratch.caps_buf.sort_unstable();
            };
            let later = self.cols.get(ctx.j + 1..).unwrap_or(&[]);
            if self.complement {
                let here = v + even_fill(lf, left, caps);
                if ctx.pmin + here + ctx.later_lo >= self.thr {
                    return Ok(()); // every completion counted: none in the complement
                }
                if !later.is_empty() {
                    later_caps(scratch);
                    let lo: f64 = later
                        .iter()
                        .map(|&cc| even_fill(lf, cc, &scratch.caps_buf))
                        .sum();
                    if ctx.pmin + here + lo - BOUND_SLACK >= self.thr {
                        return Ok(());
                    }
                }
            } else {
                let here = v + uneven_fill(lf, left, caps);
                if ctx.pmax + here + ctx.later_hi < self.thr {
                    return Ok(()); // no completion counted
                }
                if !later.is_empty() {
                    later_caps(scratch);
                    let hi: f64 = later
                        .iter()
                        .map(|&cc| uneven_fill(lf, cc, &scratch.caps_buf))
                        .sum();
                    if ctx.pmax + here + hi + BOUND_SLACK < self.thr {
                        return Ok(());
                    }
                }
            }
        }
        let cap = ctx.key[i]; // ok: i < r
        let rest_caps = scratch.cap_suffix[i + 1]; // ok: i + 1 ≤ r
        let lo_x = left.saturating_sub(rest_caps);
        let hi_x = cap.min(left);
        let mut xi = lo_x;
        while xi <= hi_x {
            scratch.x[i] = xi; // ok: i < r
            self.fill(ctx, scratch, i + 1, left - xi, v + self.lf.get(xi), next)?;
            xi += 1;
        }
        Ok(())
    }

    fn leaf(
        &mut self,
        ctx: &mut FillCtx<'_>,
        scratch: &mut Scratch,
        v: f64,
        next: &mut NodeMap<Node>,
    ) -> Result<()> {
        for (c, (k, x)) in scratch
            .child
            .iter_mut()
            .zip(ctx.key.iter().zip(scratch.x.iter()))
        {
            *c = k - x;
        }
        scratch.child.sort_unstable();
        let info = match self.info.get(scratch.child.as_slice()) {
            Some(i) => *i,
            None => {
                // a bound costs a few passes over every row of every later column
                let later = self.cols.len().saturating_sub(ctx.j + 1) as u64;
                self.charge(4 * later * scratch.child.len() as u64)?;
                let i = self.info(ctx.j + 1, &scratch.child);
                self.charge_bytes((scratch.child.len() * 8 + 64) as u64)?;
                self.info.insert(scratch.child.clone(), i);
                i
            }
        };
        let pasts = ctx.pasts;
        // pasts are ascending: [none counted | undecided | all counted]
        let none_below = self.thr - v - info.fmax; // past < none_below: never counted
        let all_from = self.thr - v - info.fmin; // past ≥ all_from: always counted
        let lo = pasts.partition_point(|&(p, _)| p < none_below);
        let hi = pasts.partition_point(|&(p, _)| p < all_from).max(lo);
        self.charge(1 + (hi - lo) as u64)?;
        let base = self.k_const - v + info.ln_mass;
        if self.complement {
            if lo > 0 {
                let s = scratch.prefix.get(lo).copied().unwrap_or(0.0);
                self.acc += s * (base - ctx.pmin).exp();
            }
        } else if let (Some(&(p_hi, _)), Some(&s)) = (pasts.get(hi), scratch.suffix.get(hi)) {
            self.acc += s * (base - p_hi).exp();
        }
        if hi > lo {
            let und = pasts.get(lo..hi).unwrap_or(&[]);
            let node = match next.get_mut(scratch.child.as_slice()) {
                Some(node) => node,
                None => {
                    self.charge_bytes((scratch.child.len() * 8 + 64) as u64)?;
                    next.entry(scratch.child.clone()).or_default()
                }
            };
            node.pasts.extend(und.iter().map(|&(p, w)| (p + v, w)));
            self.charge_bytes(16 * und.len() as u64)?;
        }
        Ok(())
    }
}

/// Undecided pasts up to which the last two rows of the p-value route are
/// summed by tail walks ([`Network::last_two_rows_by_tails`]) rather than
/// by building the memo of the whole row.
const TAIL_WALK_MAX_PASTS: usize = 64;

/// A counted tail whose boundary moved by at most this many tables from one
/// past to the next is extended term by term; beyond, walked afresh.
const TAIL_EXTEND_MAX: u64 = 8;

/// The first `x` in `[lo, hi)` where `pred` holds (`hi` if none), for a
/// predicate that is false then true.
fn first_true(mut lo: u64, mut hi: u64, pred: impl Fn(u64) -> bool) -> u64 {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// [`first_true`] searching outward from `guess` (doubling steps, then a
/// binary search in the bracket found): the same answer, in `O(log d)`
/// evaluations for an answer `d` away from the guess.
fn first_true_near(lo: u64, hi: u64, guess: u64, pred: impl Fn(u64) -> bool) -> u64 {
    if lo >= hi {
        return lo;
    }
    let q = guess.clamp(lo, hi - 1);
    let mut step = 1;
    if pred(q) {
        // the answer is in [lo, q]
        let mut top = q;
        loop {
            if top - lo <= step {
                return first_true(lo, top, &pred);
            }
            let probe = top - step;
            if !pred(probe) {
                return first_true(probe + 1, top, &pred);
            }
            top = probe;
            step *= 2;
        }
    }
    // the answer is in (q, hi]
    let mut bot = q;
    loop {
        let probe = bot.saturating_add(step);
        if probe >= hi {
            return first_true(bot + 1, hi, &pred);
        }
        if pred(probe) {
            return first_true(bot + 1, probe, &pred);
        }
        bot = probe;
        step *= 2;
    }
}

/// Largest number of memoised last-two-rows costs per node (3 f64 each:
/// 96 MiB); past it the two-column network goes on table by table.
const BOTTOM_MEMO_MAX: u64 = 1 << 22;

/// Memoised costs of the last two rows of the two-column network for one
/// `left` (see [`Network::last_two_rows`]).
#[derive(Debug, Clone, Copy)]
struct BottomRow {
    /// start of the costs `g(x)`, `x = x_lo..`, in `Scratch::bottom_g`
    off: usize,
    /// start (in pairs) of `(pre, suf)` in `Scratch::bottom_pre`
    off_p: usize,
    /// number of values of `x`
    len: usize,
    /// index of the smallest cost (the first one if tied)
    argmin: usize,
    /// the smallest cost
    gmin: f64,
}

/// Computes and appends the costs and the prefix/suffix masses
/// `Σ e^{g_min − g}` of the last two rows (sums of positive terms, each
/// accumulated from its own end: no cancellation in the tails).
fn bottom_row(
    lf: &LnFact,
    c: [u64; 2],
    left: u64,
    g_out: &mut Vec<f64>,
    pre_out: &mut Vec<f64>,
) -> BottomRow {
    let [c1, c2] = c;
    let x_lo = left.saturating_sub(c2);
    let x_hi = c1.min(left);
    let off = g_out.len();
    let off_p = pre_out.len() / 2;
    let mut gmin = f64::INFINITY;
    let mut argmin = 0;
    let mut x = x_lo;
    while x <= x_hi {
        let gx = lf.get(x) + lf.get(c1 - x) + lf.get(left - x) + lf.get(c2 + x - left);
        if gx < gmin {
            gmin = gx;
            argmin = (x - x_lo) as usize;
        }
        g_out.push(gx);
        x += 1;
    }
    let len = g_out.len() - off;
    let g = g_out.get(off..).unwrap_or(&[]);
    pre_out.resize(2 * (off_p + len + 1), 0.0);
    let pre = pre_out.get_mut(2 * off_p..).unwrap_or(&mut []);
    // terms first (one exp each, parked in the suffix slots), then both sums
    for (k, &gx) in g.iter().enumerate() {
        pre[2 * k + 1] = (gmin - gx).exp(); // ok: 2k + 1 < 2(len + 1)
    }
    let mut run = 0.0;
    for k in 0..len {
        pre[2 * k] = run; // ok: 2k < 2(len + 1)
        run += pre[2 * k + 1]; // ok: as above
    }
    pre[2 * len] = run; // ok: 2 len < 2(len + 1)
    let mut run = 0.0;
    pre[2 * len + 1] = 0.0; // ok: within 2(len + 1)
    for k in (0..len).rev() {
        run += pre[2 * k + 1]; // ok: the term, read before it is overwritten
        pre[2 * k + 1] = run; // ok: 2k + 1 < 2(len + 1)
    }
    BottomRow {
        off,
        off_p,
        len,
        argmin,
        gmin,
    }
}

/// `Σ_{k ∈ [a, b)} w_k exp(base − p_k)` over the sorted pasts, from the
/// relative suffix sums (`S_a − e^{p_a − p_b} S_b`, times `e^{base − p_a}`);
/// short ranges, and ranges where that difference would cancel, are summed
/// directly.
fn range_mass(pasts: &[(f64, f64)], scratch: &Scratch, a: usize, b: usize, base: f64) -> f64 {
    if b <= a {
        return 0.0;
    }
    let direct = || {
        pasts
            .get(a..b)
            .unwrap_or(&[])
            .iter()
            .map(|&(p, w)| w * (base - p).exp())
            .sum::<f64>()
    };
    if b - a <= RANGE_DIRECT_MAX {
        return direct();
    }
    let (Some(&(pa, _)), Some(&sa)) = (pasts.get(a), scratch.suffix.get(a)) else {
        return direct();
    };
    let tail = match (pasts.get(b), scratch.suffix.get(b)) {
        (Some(&(pb, _)), Some(&sb)) => (pa - pb).exp() * sb,
        _ => 0.0,
    };
    let rel = sa - tail;
    if rel < RANGE_CANCEL_GUARD * sa {
        return direct();
    }
    rel * (base - pa).exp()
}

/// Ranges of at most this many pasts are summed term by term.
const RANGE_DIRECT_MAX: usize = 16;

/// A differenced range sum keeping less than this fraction of the suffix
/// sum it came from has lost digits; it is then summed term by term (above
/// it the difference loses at most 3 of 16 digits: relative error ≤ 2e-13).
const RANGE_CANCEL_GUARD: f64 = 1e-3;

struct FillCtx<'a> {
    key: &'a [u64],
    pasts: &'a [(f64, f64)],
    pmin: f64,
    pmax: f64,
    later_lo: f64,
    later_hi: f64,
    j: usize,
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, well-mixed 64-bit
/// generator, enough for Monte Carlo p-values.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform on `[0, 1)` with 53 random bits.
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// The walk from the mode stops on a side when the geometric bound on that
/// side's remaining mass, `t r / (1 − r)` for the last term `t` and the last
/// term ratio `r < 1` (the hypergeometric is log-concave, so the ratios keep
/// falling), is below this fraction of the mass walked so far: the one
/// stopping rule of every hypergeometric walk in survkit
/// ([`SUM_REL_CUTOFF`], 2⁻⁶⁰, far below the 2⁻⁵³ resolution of the
/// uniform draw).
const WALK_TAIL_EPS: f64 = SUM_REL_CUTOFF;

/// Draws the hypergeometric count of successes among `draws` taken from a
/// population of `pop` with `succ` successes, by inversion from the mode
/// outward (Patefield's search from the conditional mean).
///
/// The mode's probability comes from Loader's saddle-point log-density
/// (accurate to a few ulps at any count); the walk multiplies exact term
/// ratios relative to the mode (`t = 1` there) and stops on each side once
/// the rest is negligible ([`WALK_TAIL_EPS`]), so its work is bounded by
/// the width of the distribution (a few dozen standard deviations), never
/// by the support. If the uniform falls beyond the walked mass (possible
/// only through rounding, with probability about 1e-12), it is rescaled to
/// the walked mass and the walk repeated. `None` when `deadline` passed
/// during the walk (read every [`WALK_CLOCK_EVERY`] terms: one draw at
/// totals near 2^52 walks about 3e7 of them).
fn draw_hyper(
    lf: &LnFact,
    rng: &mut SplitMix64,
    pop: u64,
    succ: u64,
    draws: u64,
    deadline: Option<Instant>,
) -> Option<(u64, u64)> {
    let u = rng.uniform();
    draw_hyper_at(lf, u, pop, succ, draws, deadline)
}

/// The clock is read every this many terms of one hypergeometric walk.
const WALK_CLOCK_EVERY: u64 = 1 << 16;

/// [`draw_hyper`] for a given uniform `u` in `[0, 1)`; also returns the
/// number of terms walked.
fn draw_hyper_at(
    lf: &LnFact,
    u: f64,
    pop: u64,
    succ: u64,
    draws: u64,
    deadline: Option<Instant>,
) -> Option<(u64, u64)> {
    let lo = (draws + succ).saturating_sub(pop);
    let hi = draws.min(succ);
    if lo == hi {
        return Some((lo, 0));
    }
    let fail = pop - succ;
    // mode of the hypergeometric
    let mode = (((draws + 1) as f64 * (succ + 1) as f64) / (pop + 2) as f64).floor() as u64;
    let mode = mode.clamp(lo, hi);
    // Within the exact `ln n!` table the mode's log-probability is a sum of
    // correctly rounded values below 2e7 (error ~1e-9 relative, absorbed by
    // the rescaling below) and 3x cheaper than Loader's; beyond it, Loader's.
    let ln_pm = if (pop as usize) < lf.table.len() {
        lf.get(succ) - lf.get(mode) - lf.get(succ - mode) + lf.get(fail)
            - lf.get(draws - mode)
            - lf.get(fail - (draws - mode))
            - (lf.get(pop) - lf.get(draws) - lf.get(pop - draws))
    } else {
        ln_dhyper(mode as f64, succ as f64, fail as f64, draws as f64)
    };
    let pm = ln_pm.exp();
    // the target is u on the absolute scale, u / P(mode) on the relative one
    let walk = |target: f64| walk_from_mode(target, mode, [lo, hi], [succ, fail, draws], deadline);
    match walk(u / pm) {
        (WalkEnd::Hit(x), work) => Some((x, work)),
        (WalkEnd::Stopped, _) => None,
        (WalkEnd::Total(total, _), work) => match walk(u * total) {
            (WalkEnd::Hit(x), more) => Some((x, work + more)),
            // u · total rounded up to total itself: the last count walked
            (WalkEnd::Total(_, x), more) => Some((x, work + more)),
            (WalkEnd::Stopped, _) => None,
        },
    }
}

/// How a walk from the mode ended.
enum WalkEnd {
    /// The count reached.
    Hit(u64),
    /// The target lay beyond the walked mass: the mass (relative to the
    /// mode) and the last count walked.
    Total(f64, u64),
    /// The deadline passed.
    Stopped,
}

/// Walks outward from the mode alternately up and down, summing terms
/// relative to the mode, until the sum passes `target` or both sides are
/// exhausted or negligible. Returns how it ended and the terms walked.
fn walk_from_mode(
    target: f64,
    mode: u64,
    [lo, hi]: [u64; 2],
    [succ, fail, draws]: [u64; 3],
    deadline: Option<Instant>,
) -> (WalkEnd, u64) {
    let mut cum = 1.0;
    if target < cum {
        return (WalkEnd::Hit(mode), 1);
    }
    let (sf, ff, df) = (succ as f64, fail as f64, draws as f64);
    let (mut up, mut down) = (mode, mode);
    let (mut t_up, mut t_down) = (1.0_f64, 1.0_f64);
    let (mut up_done, mut down_done) = (up >= hi, down <= lo);
    let mut last = mode;
    let mut work: u64 = 1;
    let mut steps: u64 = 0;
    while !(up_done && down_done) {
        steps += 1;
        if steps.is_multiple_of(WALK_CLOCK_EVERY) && deadline.is_some_and(|d| Instant::now() > d) {
            return (WalkEnd::Stopped, work);
        }
        if !up_done {
            // P(u+1)/P(u) = (succ − u)(draws − u) / ((u + 1)(fail − draws + u + 1))
            let uu = up as f64;
            let r = (sf - uu) * (df - uu) / ((uu + 1.0) * (ff - df + uu + 1.0));
            t_up *= r;
            up += 1;
            cum += t_up;
            work += 1;
            last = up;
            if target < cum {
                return (WalkEnd::Hit(up), work);
            }
            up_done = up >= hi || (r < 1.0 && t_up * r < WALK_TAIL_EPS * cum * (1.0 - r));
        }
        if !down_done {
            // P(d−1)/P(d) = d (fail − draws + d) / ((succ − d + 1)(draws − d + 1))
            let dd = down as f64;
            let r = dd * (ff - df + dd) / ((sf - dd + 1.0) * (df - dd + 1.0));
            t_down *= r;
            down -= 1;
            cum += t_down;
            work += 1;
            last = down;
            if target < cum {
                return (WalkEnd::Hit(down), work);
            }
            down_done = down <= lo || (r < 1.0 && t_down * r < WALK_TAIL_EPS * cum * (1.0 - r));
        }
    }
    (WalkEnd::Total(cum, last), work)
}

/// Totals up to this use `Σ ln x!` from the exact table of [`LnFact`] for
/// the Monte Carlo statistic (R's own statistic; its rounding, a few ulps of
/// numbers below 2e7, is far below R's tie tolerance). Above it the
/// statistic is the log-probability of the drawn table, summed from the
/// Loader log-densities of its hypergeometric draws: `Σ ln x!` would be a
/// sum of numbers up to `N ln N` whose rounding (about 0.03 at N = 1e12)
/// exceeds any sensible tie tolerance.
const MC_TABLE_STAT_MAX_TOTAL: u64 = LN_FACT_TABLE_MAX;

/// Monte Carlo p-value from `b` tables drawn with the margins, within the
/// time limit of `budget` (one unit of work: one term of a hypergeometric
/// walk).
///
/// A drawn table counts when `ln P(drawn) ≤ ln P(observed) + tol`, that is
/// `Σ ln x! ≥ Σ ln o! − tol`, with `tol` the larger of [`FEXACT_TOL`] and
/// R's `64 ε · Σ ln o!` ([`MC_REL_TOL`]). Small totals compare `Σ ln x!`
/// (the observed sum computed by the same function, cell by cell, as the
/// drawn ones); large ones compare the accurately computed `ln P`.
fn monte_carlo_p(t: &Reduced, b: u64, seed: u64, mut budget: Budget) -> Result<f64> {
    let lf = LnFact::new(t.total.min(MC_TABLE_STAT_MAX_TOTAL));
    let v_obs: f64 = t.cells.iter().map(|&v| lf.get(v)).sum();
    let by_table = t.total <= MC_TABLE_STAT_MAX_TOTAL;
    // ln P(observed) by the same chain of hypergeometric draws (large totals)
    let ln_p_obs = if by_table { 0.0 } else { ln_p_chain(t) };
    let tol = FEXACT_TOL.max(v_obs * MC_REL_TOL);
    let mut rng = SplitMix64(seed);
    let mut jwork = vec![0u64; t.ncols];
    let mut hits: u64 = 0;
    let deadline = budget.start.checked_add(budget.limit);
    for done in 0..b {
        let mut walked: u64 = 1;
        jwork.copy_from_slice(&t.cols);
        let mut v = 0.0;
        let mut ln_p = 0.0;
        let mut remaining_total = t.total;
        for &row in t.rows.iter().take(t.nrows - 1) {
            let mut ia = row;
            let mut pop = remaining_total;
            for col in jwork.iter_mut().take(t.ncols - 1) {
                let id = *col;
                let Some((x, terms)) = draw_hyper(&lf, &mut rng, pop, id, ia, deadline) else {
                    return Err(monte_carlo_error(&budget, done, b));
                };
                walked += terms;
                if by_table {
                    v += lf.get(x);
                } else {
                    ln_p += ln_dhyper(x as f64, id as f64, (pop - id) as f64, ia as f64);
                }
                pop -= id;
                ia -= x;
                *col -= x;
            }
            if by_table {
                // last column of this row
                v += lf.get(ia);
            }
            if let Some(last) = jwork.last_mut() {
                *last -= ia;
            }
            remaining_total -= row;
        }
        let counted = if by_table {
            // last row
            v += jwork.iter().map(|&c| lf.get(c)).sum::<f64>();
            v >= v_obs - tol
        } else {
            ln_p <= ln_p_obs + tol
        };
        if counted {
            hits += 1;
        }
        if budget.charge(walked).is_err() {
            return Err(monte_carlo_error(&budget, done + 1, b));
        }
    }
    Ok((1.0 + hits as f64) / (b as f64 + 1.0))
}

/// The error of a Monte Carlo run stopped after `done` of `b` tables, with
/// the time the whole run would have needed at the pace so far.
fn monte_carlo_error(budget: &Budget, done: u64, b: u64) -> Error {
    let elapsed = budget.start.elapsed().as_secs_f64() * 1e3;
    let needed = (done > 0).then(|| (elapsed * (b as f64 / done as f64)).ceil() as u64);
    Error::BudgetExceeded {
        what: "Monte Carlo r x c Fisher test",
        limit: budget.limit_ms(),
        unit: "milliseconds",
        progress: Some(BudgetProgress::new(
            done,
            "simulated tables",
            needed,
            MONTE_CARLO_FIX,
        )),
    }
}

/// `ln P(t)` under the margins, as the sum of the Loader log-densities of
/// the hypergeometric draws [`monte_carlo_p`] makes (cells filled row by
/// row, column by column, all but the last row and column drawn).
fn ln_p_chain(t: &Reduced) -> f64 {
    let mut cols = t.cols.clone();
    let mut ln_p = 0.0;
    let mut remaining_total = t.total;
    for (i, &row) in t.rows.iter().enumerate().take(t.nrows - 1) {
        let mut ia = row;
        let mut pop = remaining_total;
        for (j, col) in cols.iter_mut().enumerate().take(t.ncols - 1) {
            let id = *col;
            let x = t.cells[i * t.ncols + j]; // ok: i < nrows, j < ncols
            ln_p += ln_dhyper(x as f64, id as f64, (pop - id) as f64, ia as f64);
            pop -= id;
            ia -= x;
            *col -= x;
        }
        if let Some(last) = cols.last_mut() {
            *last -= ia;
        }
        remaining_total -= row;
    }
    ln_p
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hypergeometric standard deviation.
    fn sd(pop: u64, succ: u64, draws: u64) -> f64 {
        let (n, k, d) = (pop as f64, succ as f64, draws as f64);
        (d * (k / n) * (1.0 - k / n) * (n - d) / (n - 1.0)).sqrt()
    }

    /// The walk's work is bounded by the spread, not the support, for every
    /// uniform including the largest one (1 − 2⁻⁵³), at counts up to 2⁵³.
    #[test]
    fn sampler_work_is_bounded_by_the_spread() {
        let top = 1.0 - f64::EPSILON / 2.0;
        for &(pop, succ, draws) in &[
            (
                6_000_000_000_000u64,
                2_000_000_000_000u64,
                3_000_000_000_000u64,
            ),
            (1u64 << 53, 1u64 << 51, 1u64 << 20),
            (300_000_000_000, 100_000_000_000, 150_000_000_000),
            (1_000_000, 3, 500_000),
            (40, 20, 20),
        ] {
            let s = sd(pop, succ, draws);
            let no_table = LnFact::new(0);
            let table = LnFact::new(pop.min(1 << 16));
            let lo = (draws + succ).saturating_sub(pop);
            let hi = draws.min(succ);
            for u in [0.0, 1e-300, 0.25, 0.5, 0.999, 1.0 - 1e-12, top] {
                let (x, work) =
                    draw_hyper_at(&no_table, u, pop, succ, draws, None).expect("no deadline");
                let (x2, _) =
                    draw_hyper_at(&table, u, pop, succ, draws, None).expect("no deadline");
                assert!((lo..=hi).contains(&x2));
                assert!((lo..=hi).contains(&x), "{pop} {succ} {draws} {u}: {x}");
                // each side stops about 10.3 sd out (2^-60 tail); the rare
                // restart doubles it
                let bound = 50.0 * s + 10.0;
                assert!(
                    (work as f64) <= bound,
                    "{pop} {succ} {draws} {u}: {work} > {bound}"
                );
            }
        }
    }

    /// A uniform below the mode's probability gives the mode; the largest
    /// uniform gives a value in the support.
    #[test]
    fn sampler_small_support() {
        for lf in [LnFact::new(0), LnFact::new(40)] {
            let (x, _) = draw_hyper_at(&lf, 0.0, 40, 20, 20, None).expect("no deadline");
            assert_eq!(x, 10);
            let (x, _) = draw_hyper_at(&lf, 1.0 - f64::EPSILON / 2.0, 40, 20, 20, None)
                .expect("no deadline");
            assert!(x <= 20);
        }
    }

    /// ln P of a table by the chain of draws equals the multivariate
    /// hypergeometric from factorials.
    #[test]
    fn chain_log_probability() {
        let table = ContingencyTable::new(vec![vec![3, 5, 2], vec![4, 1, 6]]).unwrap(); // ok: test
        let r = Reduced::new(&table).unwrap(); // ok: test
        let lf = |n: u64| ln_factorial(n);
        // margins: rows 10, 11; columns 7, 6, 8; total 21
        let want = [10u64, 11, 7, 6, 8].iter().map(|&v| lf(v)).sum::<f64>()
            - lf(21)
            - [3u64, 5, 2, 4, 1, 6].iter().map(|&v| lf(v)).sum::<f64>();
        let got = ln_p_chain(&r);
        assert!(((got - want) / want).abs() < 1e-13, "{got} {want}");
    }

    /// The outward search finds what the binary search finds, for every
    /// guess.
    #[test]
    fn first_true_near_agrees_with_first_true() {
        for lo in 0u64..6 {
            for hi in lo..14 {
                for cut in lo..=hi + 1 {
                    let pred = |x: u64| x >= cut;
                    let want = first_true(lo, hi, pred);
                    for guess in 0..16 {
                        assert_eq!(first_true_near(lo, hi, guess, pred), want);
                    }
                }
            }
        }
    }

    /// The documented limits of the exact route's rounding guard.
    #[test]
    fn exact_total_limits() {
        let l23 = exact_total_limit(12.0); // 2 x 3: 6 cells + 2 + 3 + 1
        let l55 = exact_total_limit(36.0); // 5 x 5: 25 + 5 + 5 + 1
        assert!((550_000..700_000).contains(&l23), "{l23}");
        assert!((200_000..300_000).contains(&l55), "{l55}");
    }

    #[cfg(feature = "serde")]
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
