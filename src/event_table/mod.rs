//! The event table: per distinct time, group and stratum, the number at
//! risk, the events, the censored and the entries; the representation
//! every procedure can read (the packed-key sweep, [`crate::sweep`], is the
//! other, for unweighted data without entry times).
//!
//! - here: [`EventTable`] and its storage, the limits, the assembly of a
//!   stratum's columns and the risk sets;
//! - `build`: the table from [`SurvivalData`](crate::SurvivalData) (buckets, one sort each,
//!   merged; the one-bucket case read through the sweep's run cursor);
//! - `counts`: the table from pre-aggregated [`CountRow`]s;
//! - `merge`: the union of two tables, and R's near-tie rule applied to a
//!   table ([`crate::sweep::timefix`] holds the rule);
//! - `view`: the borrowed views [`StratumTable`] and [`GroupCounts`].

mod build;
mod counts;
mod merge;
mod view;

pub use crate::sweep::timefix::{TimeFix, TIMEFIX_TOLERANCE};
pub use counts::{CountRow, MAX_WHOLE_COUNT_SUM};
pub use view::{GroupCounts, StratumTable};

use crate::error::{within_budget, Result};
use crate::ErrorDetail;

/// Distinct times with, per stratum and group, the number at risk, the events,
/// the censored and (for left-truncated data) the entries.
///
/// # Method
/// From [`SurvivalData`](crate::SurvivalData): the rows are bucketed by (stratum, group) in one
/// counting pass, each bucket's times are sorted once (as bit patterns, which
/// order like the values for non-negative floats, with the event flag in the
/// lowest bit), and the buckets of one stratum are merged in one sweep that
/// counts events `d`, censorings `c` and entries `e` per distinct time. The
/// number at risk follows by a reverse cumulative sum:
///
/// ```text
/// n_risk(tᵢ) = Σ_{j ≥ i} (d_j + c_j) − Σ_{j ≥ i} e_j
/// ```
///
/// (a subject is at risk on `(entry, exit]`). With weights, every count is a
/// sum of weights. With [`TimeFix::Tolerance`](crate::TimeFix::Tolerance) near-ties are then merged as
/// R does. Nothing is sorted again afterwards: every survival procedure reads
/// this table.
///
/// Rows exist at every distinct exit time of the stratum (and every entry
/// time, for left-truncated data); a group with no exit at a row has
/// `d = c = 0` there.
///
/// # Conventions
/// Same risk sets as R survival's `survfit`/`survdiff` (with `timefix`).
/// Tables built from counts ([`EventTable::from_counts`]) use the times
/// exactly as given, and [`EventTable::merge`] matches times exactly.
///
/// # Errors
/// See each constructor.
///
/// # Example
/// ```
/// use survkit::{datasets::aml, EventTable, SurvivalData};
/// let data = SurvivalData::builder(&aml::TIME[..], aml::event()).groups(&aml::X).build()?;
/// let table = EventTable::from_data(&data)?;
/// let s = table.stratum(0).ok_or("one stratum")?;
/// let maintained = s.group(0).ok_or("two groups")?;
/// assert_eq!(s.times()[0], 5.0);
/// assert_eq!(maintained.n_risk()[0], 11.0); // R: survfit(..)$n.risk, Maintained at week 5
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # References
/// Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from incomplete
/// observations. *JASA* 53, 457–481. doi:10.1080/01621459.1958.10501452
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawEventTable"))]
#[must_use]
pub struct EventTable {
    group_names: Vec<String>,
    stratum_names: Vec<String>,
    /// Row times of all strata, stratum after stratum.
    time: Vec<f64>,
    /// Stratum `s` owns rows `offsets[s]..offsets[s + 1]`.
    offsets: Vec<usize>,
    /// Columns of length `rows × groups`: the block of stratum `s`, group `g`
    /// starts at `k·offsets[s] + g·rows_s`.
    n_risk: Vec<f64>,
    n_event: Vec<f64>,
    n_censor: Vec<f64>,
    /// Empty when no subject has an entry time.
    n_enter: Vec<f64>,
}

/// The unvalidated form of [`EventTable`] that deserialisation reads: it is
/// checked for consistent shapes and valid counts, and its risk sets are
/// recomputed, before it becomes an `EventTable`.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawEventTable {
    group_names: Vec<String>,
    stratum_names: Vec<String>,
    time: Vec<f64>,
    offsets: Vec<usize>,
    n_event: Vec<f64>,
    n_censor: Vec<f64>,
    n_enter: Vec<f64>,
}

#[cfg(feature = "serde")]
impl TryFrom<RawEventTable> for EventTable {
    type Error = crate::Error;
    fn try_from(raw: RawEventTable) -> Result<Self> {
        let k = raw.group_names.len();
        let bad = |detail| {
            ErrorDetail::Incompatible {
                what: "deserialised event table",
                detail,
            }
            .into()
        };
        if k == 0 || raw.stratum_names.is_empty() {
            return Err(bad("no groups or no strata"));
        }
        if raw.offsets.len() != raw.stratum_names.len() + 1
            || raw.offsets.first() != Some(&0)
            || raw.offsets.last() != Some(&raw.time.len())
            || raw.offsets.windows(2).any(|w| w[0] > w[1])
        {
            return Err(bad("stratum offsets do not partition the rows"));
        }
        let cells = raw.time.len().checked_mul(k).ok_or(bad("too many rows"))?;
        if raw.n_event.len() != cells
            || raw.n_censor.len() != cells
            || !(raw.n_enter.is_empty() || raw.n_enter.len() == cells)
        {
            return Err(bad("count columns are not rows x groups long"));
        }
        let mut rows = Vec::with_capacity(cells);
        for (s, w) in raw.offsets.windows(2).enumerate() {
            let times = &raw.time[w[0]..w[1]]; // offsets checked above
            if times
                .windows(2)
                .any(|p| p[0].partial_cmp(&p[1]) != Some(std::cmp::Ordering::Less))
            {
                return Err(bad("times of a stratum are not increasing"));
            }
            for g in 0..k {
                let start = k * w[0] + g * times.len();
                for (i, &t) in times.iter().enumerate() {
                    // Lengths checked above (n_enter is empty or full).
                    let mut row =
                        CountRow::new(t, g, raw.n_event[start + i], raw.n_censor[start + i]);
                    row.stratum = s;
                    row.n_enter = raw.n_enter.get(start + i).copied().unwrap_or(0.0);
                    rows.push(row);
                }
            }
        }
        // The same validation and risk-set computation as any table from
        // counts (weighted sums allowed: a table of weighted data round-trips).
        EventTable::from_weighted_counts(&raw.group_names, &raw.stratum_names, &rows)
    }
}

/// Relative slack allowed when the number at risk, computed as a difference
/// of weighted sums, falls below the number leaving: rounding of sums of up
/// to ~10⁸ weights (n · ε ≈ 10⁻⁸), never a real inconsistency.
const RISK_ROUNDING: f64 = 1e-8;

/// `n_risk[i] = Σ_{j ≥ i} (d_j + c_j) − Σ_{j ≥ i} e_j`, never below the
/// `d_i + c_i` subjects leaving at `tᵢ` (who were all at risk there): with
/// weighted left-truncated data the difference can fall short by rounding.
///
/// Returns false when some row falls short by more than rounding, which only
/// inconsistent pre-aggregated counts can produce (entries that never exit).
fn fill_risk(event: &[f64], censor: &[f64], enter: Option<&[f64]>, risk: &mut [f64]) -> bool {
    let mut out = 0.0;
    let mut entered = 0.0;
    let mut consistent = true;
    for i in (0..risk.len()).rev() {
        let leaving = event[i] + censor[i];
        out += leaving;
        if let Some(e) = enter {
            entered += e[i];
        }
        let r = out - entered;
        if r < leaving {
            if leaving - r > RISK_ROUNDING * out.max(entered) {
                consistent = false;
            }
            risk[i] = leaving;
        } else {
            risk[i] = r;
        }
    }
    consistent
}

/// At most this many (stratum, group) cells: the bucket bounds are one
/// `usize` per cell (2²⁴ cells = 128 MiB).
pub const MAX_CELLS: usize = 1 << 24;

/// At most this many (row, group) entries in one table: each holds four
/// `f64` counts, so 2²⁷ entries = 4 GiB. One group per subject (a mistaken
/// grouping variable) would otherwise need memory quadratic in the rows.
pub const MAX_TABLE_ENTRIES: usize = 1 << 27;

/// Above this many groups, the table size is bounded by groups × items
/// before the k-way merge walk (whose cost is items × groups), not after.
const LOOSE_BOUND_GROUPS: usize = 64;

/// The largest sum of the counts (or case weights) of one (stratum, group)
/// that a table accepts, `f64::MAX / 4`: the number at risk is such a sum,
/// and the headroom keeps every partial sum finite whatever the order in
/// which a procedure adds the counts. Whole counts are exact up to 2⁵³.
pub const MAX_COUNT_SUM: f64 = f64::MAX / 4.0;

/// Group and stratum names must be distinct, and so must the curve names
/// `"group, stratum"` of a table with several groups and strata (R's and
/// survkit's name of the curve of one group in one stratum).
pub(crate) fn check_names<S: AsRef<str>>(groups: &[S], strata: &[S]) -> Result<()> {
    crate::data::check_distinct_names("group", groups)?;
    crate::data::check_distinct_names("stratum", strata)?;
    // "g₁, s₁" = "g₂, s₂" with g₁ ≠ g₂ needs g₂ = g₁ + ", " + …: only
    // possible when a group name contains ", ".
    if groups.len() > 1 && strata.len() > 1 && groups.iter().any(|g| g.as_ref().contains(", ")) {
        let mut seen = std::collections::BTreeSet::new();
        for g in groups {
            for st in strata {
                let name = format!("{}, {}", g.as_ref(), st.as_ref());
                if !seen.insert(name.clone()) {
                    return Err(ErrorDetail::DuplicateLevel {
                        what: "curve (group, stratum)",
                        level: name,
                    }
                    .into());
                }
            }
        }
    }
    Ok(())
}

fn check_entries(entries: usize) -> Result<()> {
    let limit = MAX_TABLE_ENTRIES as u64;
    within_budget(
        "event table (rows x groups)",
        entries as u64,
        limit,
        "entries",
    )
}

/// Per-stratum, per-group count columns under construction.
struct Columns {
    time: Vec<f64>,
    event: Vec<Vec<f64>>,
    censor: Vec<Vec<f64>>,
    enter: Vec<Vec<f64>>,
}

impl Columns {
    fn new(k: usize, with_enter: bool) -> Self {
        Columns {
            time: Vec::new(),
            event: vec![Vec::new(); k],
            censor: vec![Vec::new(); k],
            enter: if with_enter {
                vec![Vec::new(); k]
            } else {
                Vec::new()
            },
        }
    }

    fn push_row(&mut self, t: f64) {
        self.time.push(t);
        for v in self
            .event
            .iter_mut()
            .chain(&mut self.censor)
            .chain(&mut self.enter)
        {
            v.push(0.0);
        }
    }
}

impl EventTable {
    /// Opens a stratum of `rows` distinct times and `k` groups: checks the
    /// budget, appends zeroed columns and the stratum's offset; returns the
    /// first row and the first (row, group) entry of the stratum.
    fn open_stratum(&mut self, rows: usize, k: usize, with_enter: bool) -> Result<(usize, usize)> {
        let base_row = self.time.len();
        let base = self.n_event.len();
        let end = k
            .checked_mul(rows)
            .and_then(|cells| cells.checked_add(base))
            .unwrap_or(usize::MAX);
        check_entries(end)?;
        self.time.resize(base_row + rows, 0.0);
        self.offsets.push(base_row + rows);
        for col in [&mut self.n_event, &mut self.n_censor, &mut self.n_risk] {
            col.resize(end, 0.0);
        }
        if with_enter {
            self.n_enter.resize(end, 0.0);
        }
        Ok((base_row, base))
    }

    /// Computes the risk sets of the stratum opened at entry `base`.
    fn close_stratum(&mut self, base: usize, rows: usize, k: usize) {
        for g in 0..k {
            let r = base + g * rows..base + (g + 1) * rows;
            let en = if self.n_enter.is_empty() {
                None
            } else {
                Some(&self.n_enter[r.clone()])
            };
            fill_risk(
                &self.n_event[r.clone()],
                &self.n_censor[r.clone()],
                en,
                &mut self.n_risk[r],
            );
        }
    }

    /// Appends one stratum's columns (group-major) and computes its risk sets.
    ///
    /// Returns false when the counts are inconsistent (see [`fill_risk`]).
    fn push_stratum(&mut self, mut cols: Columns) -> bool {
        let rows = cols.time.len();
        if self.time.is_empty() && cols.event.len() == 1 && cols.enter.is_empty() {
            // The first stratum of one group: move the columns, no copy.
            self.time = std::mem::take(&mut cols.time);
            self.offsets.push(rows);
            self.n_event = cols.event.pop().expect("one group checked above");
            self.n_censor = cols.censor.pop().expect("one group checked above");
            self.n_risk = vec![0.0; rows];
            return fill_risk(&self.n_event, &self.n_censor, None, &mut self.n_risk);
        }
        let mut consistent = true;
        let start = self.n_event.len();
        self.time.extend_from_slice(&cols.time);
        self.offsets.push(self.time.len());
        for g in 0..cols.event.len() {
            self.n_event.extend_from_slice(&cols.event[g]);
            self.n_censor.extend_from_slice(&cols.censor[g]);
            if let Some(e) = cols.enter.get(g) {
                self.n_enter.extend_from_slice(e);
            }
            self.n_risk.resize(self.n_risk.len() + rows, 0.0);
            let r = start + g * rows..start + (g + 1) * rows;
            let enter = cols.enter.get(g).map(Vec::as_slice);
            consistent &= fill_risk(
                &self.n_event[r.clone()],
                &self.n_censor[r.clone()],
                enter,
                &mut self.n_risk[r],
            );
        }
        consistent
    }

    fn empty<S: AsRef<str>>(group_names: &[S], stratum_names: &[S]) -> Self {
        EventTable {
            group_names: group_names.iter().map(|s| s.as_ref().to_owned()).collect(),
            stratum_names: stratum_names
                .iter()
                .map(|s| s.as_ref().to_owned())
                .collect(),
            time: Vec::new(),
            offsets: vec![0],
            n_risk: Vec::new(),
            n_event: Vec::new(),
            n_censor: Vec::new(),
            n_enter: Vec::new(),
        }
    }

    /// Whether the table has one group, one stratum and no entry times.
    pub(crate) fn is_single(&self) -> bool {
        self.n_groups() == 1 && self.n_strata() == 1 && !self.has_entry()
    }

    /// The columns `[time, n_risk, n_event, n_censor]`, moved out without a
    /// copy; meaningful for a table that [`is_single`](Self::is_single).
    pub(crate) fn into_columns(self) -> [Vec<f64>; 4] {
        [self.time, self.n_risk, self.n_event, self.n_censor]
    }

    /// Number of groups (1 when the data were ungrouped).
    pub fn n_groups(&self) -> usize {
        self.group_names.len()
    }

    /// Number of strata (1 when the data were unstratified).
    pub fn n_strata(&self) -> usize {
        self.stratum_names.len()
    }

    /// Group names.
    pub fn group_names(&self) -> &[String] {
        &self.group_names
    }

    /// Stratum names.
    pub fn stratum_names(&self) -> &[String] {
        &self.stratum_names
    }

    /// Whether any subject has an entry time (left truncation).
    pub fn has_entry(&self) -> bool {
        !self.n_enter.is_empty()
    }

    /// Total number of rows over all strata.
    pub fn n_rows(&self) -> usize {
        self.time.len()
    }

    /// Total events (or event weight) over all strata and groups.
    pub fn total_events(&self) -> f64 {
        self.n_event.iter().sum()
    }

    /// Stratum `s`, or `None` when out of range.
    pub fn stratum(&self, s: usize) -> Option<StratumTable<'_>> {
        if s < self.n_strata() {
            Some(StratumTable { table: self, s })
        } else {
            None
        }
    }

    /// All strata in order.
    pub fn strata(&self) -> impl Iterator<Item = StratumTable<'_>> + '_ {
        (0..self.n_strata()).map(move |s| StratumTable { table: self, s })
    }
}
