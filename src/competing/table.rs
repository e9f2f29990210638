//! The per-cause count table: one sort of the subjects by time, the runs of
//! equal (or near-tied) times cut by the sweep's run cursor
//! ([`crate::sweep::Runs`]), and per cell (group, or stratum × group) the
//! rows of at-risk, per-cause event and censored counts.

use crate::competing::CompetingRisksData;
use crate::error::Result;
use crate::event_table::TimeFix;
use crate::sweep::timefix::TieRule;
use crate::sweep::{self, Keyed, Layout};

/// One subject as the sweep reads it: its time's bits (valid times are
/// finite and ≥ +0.0, so the bits order like the values), `cause` as
/// `1 + the index of its cause` (0 = censored), group and stratum codes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Subject {
    bits: u64,
    cause: u32,
    pub(crate) group: u32,
    pub(crate) stratum: u32,
}

/// A subject's time as an exit key of the sweep ([`Layout::EXIT`]; the
/// cause is not part of the key).
impl Keyed for Subject {
    #[inline(always)]
    fn key(self) -> u64 {
        self.bits << 1
    }
}

/// The subjects sorted by time and cut into runs of one (merged) time by
/// the sweep's run cursor.
#[derive(Debug)]
pub(crate) struct Runs {
    /// The subjects in increasing time (ties in any order: only counts
    /// are read).
    pub(crate) sorted: Vec<Subject>,
    /// End (exclusive) in `sorted` of each run.
    pub(crate) end: Vec<usize>,
    /// The time of each run: its first (smallest) time, as R's `aeqSurv`.
    pub(crate) time: Vec<f64>,
}

impl Runs {
    /// One sort of the subjects by time; with [`TimeFix::Tolerance`]
    /// consecutive distinct times tied by R's rule (`TieRule`, on the
    /// mean of all distinct times) share a run.
    pub(crate) fn new(data: &CompetingRisksData, time_fix: TimeFix) -> Runs {
        let causes = data.causes();
        let groups = data.group_codes();
        let strata = data.stratum_codes();
        let mut sorted: Vec<Subject> = data
            .time()
            .iter()
            .zip(data.cause())
            .enumerate()
            .map(|(i, (&t, &c))| Subject {
                bits: t.to_bits(),
                cause: match c {
                    0 => 0,
                    code => {
                        let k = causes
                            .binary_search(&code)
                            .expect("every non-zero code is one of the causes");
                        k as u32 + 1
                    }
                },
                group: groups.map_or(0, |g| g[i]),
                stratum: strata.map_or(0, |s| s[i]),
            })
            .collect();
        sorted.sort_unstable_by_key(|s| s.bits);
        let rule = TieRule::of(time_fix, sorted.iter().map(|s| f64::from_bits(s.bits)));
        let (mut end, mut run_time) = (Vec::new(), Vec::new());
        for row in sweep::rows(&sorted, Layout::EXIT, rule) {
            end.push(row.keys.end);
            run_time.push(row.time);
        }
        Runs {
            sorted,
            end,
            time: run_time,
        }
    }
}

/// The rows of one cell (a group, or a group within a stratum).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub(crate) struct CellRows {
    /// Run index of each row.
    #[cfg_attr(feature = "serde", serde(skip))]
    pub(crate) run: Vec<usize>,
    pub(crate) time: Vec<f64>,
    pub(crate) n_risk: Vec<u64>,
    /// `n_event[k][row]`, `k` the index of the cause.
    pub(crate) n_event: Vec<Vec<u64>>,
    pub(crate) n_censor: Vec<u64>,
}

/// The rows of each of `n_cells` cells of the `k` causes; `cell(s)` is a
/// subject's cell.
pub(crate) fn cell_rows(
    runs: &Runs,
    k: usize,
    n_cells: usize,
    cell: impl Fn(&Subject) -> usize,
) -> Vec<CellRows> {
    let mut cells: Vec<CellRows> = (0..n_cells)
        .map(|_| CellRows {
            run: Vec::new(),
            time: Vec::new(),
            n_risk: Vec::new(),
            n_event: vec![Vec::new(); k],
            n_censor: Vec::new(),
        })
        .collect();
    let mut size = vec![0u64; n_cells];
    let mut start = 0;
    for (r, &end) in runs.end.iter().enumerate() {
        for subject in &runs.sorted[start..end] {
            let j = cell(subject);
            size[j] += 1;
            let c = &mut cells[j];
            if c.run.last() != Some(&r) {
                c.run.push(r);
                c.time.push(runs.time[r]);
                c.n_risk.push(0);
                c.n_censor.push(0);
                for e in &mut c.n_event {
                    e.push(0);
                }
            }
            let row = c.run.len() - 1;
            match subject.cause {
                0 => c.n_censor[row] += 1,
                code => c.n_event[code as usize - 1][row] += 1,
            }
        }
        start = end;
    }
    for (c, &n) in cells.iter_mut().zip(&size) {
        let mut left = n;
        for row in 0..c.run.len() {
            c.n_risk[row] = left;
            left -= c.n_censor[row] + c.n_event.iter().map(|e| e[row]).sum::<u64>();
        }
        assert_eq!(left, 0, "every subject of a cell leaves at one row");
    }
    cells
}

/// The per-cause count table of competing-risks data: for each group, the
/// distinct times at which its subjects leave, with the number at risk, the
/// number of events of each cause and the number censored.
///
/// # Method
/// The subjects are sorted once by time; with [`TimeFix::Tolerance`] (the
/// default) consecutive distinct times closer than R's `timefix` tolerance
/// are merged into the first ([`crate::TIMEFIX_TOLERANCE`], as survival's
/// `aeqSurv`). For group `g` at its row time `t`:
///
/// ```text
/// n_risk(t)     = #{ i in g : time_i ≥ t }
/// n_event_k(t)  = #{ i in g : time_i = t, cause_i = k }
/// n_censor(t)   = #{ i in g : time_i = t, cause_i = 0 }
/// ```
///
/// # Conventions
/// The rows of R's `survfit(Surv(time, factor(cause)) ~ group)`: its
/// `n.risk[, 1]`, `n.event` per state and `n.censor`, one row per distinct
/// time of the group. `cmprsk::cuminc` compares times exactly (as
/// [`TimeFix::Exact`]).
///
/// # Errors
/// None beyond the data's own validation (the constructors return `Result`
/// for symmetry with [`crate::EventTable`]).
///
/// # Example
/// ```
/// use survkit::{datasets::mgus2, CompetingRisksData, CompetingRisksTable};
/// let data = CompetingRisksData::builder(mgus2::competing_time(), mgus2::competing_cause())
///     .group_levels(&mgus2::SEX, &mgus2::SEX_LEVELS)
///     .build()?;
/// let table = CompetingRisksTable::new(&data)?;
/// let women = table.group(0).ok_or("no group")?;
/// assert_eq!(women.n_risk()[0], 631);
/// let pcm: u64 = women.n_event(1).ok_or("no cause 1")?.iter().sum();
/// assert_eq!(pcm, 59); // R: table(event, sex)
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # References
/// - Therneau, T. M., Crowson, C. & Atkinson, E. (2023). Multi-state models
///   and competing risks. Vignette "compete" of the R package survival.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct CompetingRisksTable {
    causes: Vec<u32>,
    group_names: Vec<String>,
    groups: Vec<CellRows>,
    time_fix: TimeFix,
}

impl CompetingRisksTable {
    /// The table with R's near-tie rule ([`TimeFix::Tolerance`]).
    ///
    /// # Errors
    /// None at present (see the type's docs).
    pub fn new(data: &CompetingRisksData) -> Result<Self> {
        Self::with_time_fix(data, TimeFix::Tolerance)
    }

    /// The table with an explicit near-tie rule.
    ///
    /// # Errors
    /// None at present (see the type's docs).
    pub fn with_time_fix(data: &CompetingRisksData, time_fix: TimeFix) -> Result<Self> {
        let runs = Runs::new(data, time_fix);
        Ok(Self::from_runs(data, &runs, time_fix))
    }

    pub(crate) fn from_runs(data: &CompetingRisksData, runs: &Runs, time_fix: TimeFix) -> Self {
        let groups = cell_rows(runs, data.causes().len(), data.n_groups(), |s| {
            s.group as usize
        });
        CompetingRisksTable {
            causes: data.causes().to_vec(),
            group_names: data.group_names().iter().map(|s| s.to_string()).collect(),
            groups,
            time_fix,
        }
    }

    /// The causes (distinct non-zero codes, increasing).
    pub fn causes(&self) -> &[u32] {
        &self.causes
    }

    /// The group names.
    pub fn group_names(&self) -> &[String] {
        &self.group_names
    }

    /// The near-tie rule the table was built with.
    pub fn time_fix(&self) -> TimeFix {
        self.time_fix
    }

    /// The counts of group `g` (an index into [`group_names`](Self::group_names)).
    pub fn group(&self, g: usize) -> Option<CauseCounts<'_>> {
        self.groups.get(g).map(|rows| CauseCounts {
            causes: &self.causes,
            rows,
        })
    }

    pub(crate) fn cells(&self) -> &[CellRows] {
        &self.groups
    }
}

/// One group's rows of a [`CompetingRisksTable`] (a borrowed view).
#[derive(Debug, Clone, Copy)]
pub struct CauseCounts<'a> {
    causes: &'a [u32],
    rows: &'a CellRows,
}

impl<'a> CauseCounts<'a> {
    /// The distinct times at which subjects of the group leave.
    pub fn time(&self) -> &'a [f64] {
        &self.rows.time
    }

    /// Number at risk just before each time.
    pub fn n_risk(&self) -> &'a [u64] {
        &self.rows.n_risk
    }

    /// Events of cause code `cause` at each time (`None` for a code that is
    /// not one of the causes).
    pub fn n_event(&self, cause: u32) -> Option<&'a [u64]> {
        let k = self.causes.binary_search(&cause).ok()?;
        self.rows.n_event.get(k).map(Vec::as_slice)
    }

    /// Events of any cause at each time.
    pub fn n_event_any(&self) -> Vec<u64> {
        (0..self.rows.time.len())
            .map(|r| self.rows.n_event.iter().map(|e| e[r]).sum())
            .collect()
    }

    /// Censored at each time.
    pub fn n_censor(&self) -> &'a [u64] {
        &self.rows.n_censor
    }
}
