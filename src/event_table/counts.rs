//! The event table from pre-aggregated counts (a `GROUP BY stratum, group,
//! time`), validated row by row; the rows of each stratum sorted by time
//! and cut by the sweep's run cursor.

use super::{check_entries, check_names, Columns, EventTable, MAX_COUNT_SUM};
use crate::error::Result;
use crate::sweep::timefix::TieRule;
use crate::sweep::{Keyed, Layout, Runs};
use crate::ErrorDetail;

/// One pre-aggregated row: the counts of one group in one stratum at one time,
/// as a `GROUP BY stratum, group, time` returns them.
///
/// Counts are `f64` so that weighted sums fit; for integer counts they are
/// exact up to 2^53. The fields are public because a row is plain input; it
/// is validated when the table is built ([`EventTable::from_counts`]).
///
/// # Example
/// ```
/// use survkit::{CountRow, EventTable};
/// // SELECT arm, time, SUM(event), SUM(1 - event) FROM trial GROUP BY arm, time
/// let rows = [
///     CountRow::new(3.0, 0, 1.0, 0.0),
///     CountRow::new(5.0, 1, 2.0, 1.0),
///     CountRow { n_enter: 0.0, ..CountRow::new(8.0, 0, 0.0, 2.0) },
/// ];
/// let table = EventTable::from_counts(&["control", "treated"], &["all"], &rows)?;
/// assert_eq!(table.n_rows(), 3);
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct CountRow {
    /// The time.
    pub time: f64,
    /// Group index into the table's group names.
    pub group: usize,
    /// Stratum index into the table's stratum names.
    pub stratum: usize,
    /// Number (or weight) of events at `time`.
    pub n_event: f64,
    /// Number (or weight) censored at `time`.
    pub n_censor: f64,
    /// Number (or weight) entering the risk set just after `time` (left
    /// truncation: a subject with entry time `time` is at risk on `(time, exit]`).
    pub n_enter: f64,
}

impl CountRow {
    /// Events and censorings of `group` at `time`, in stratum 0, no entries.
    pub fn new(time: f64, group: usize, n_event: f64, n_censor: f64) -> Self {
        CountRow {
            time,
            group,
            stratum: 0,
            n_event,
            n_censor,
            n_enter: 0.0,
        }
    }
}

/// The largest sum of the whole counts of one (stratum, group) that
/// [`EventTable::from_counts`] accepts, 2⁵³ − 1: every partial sum up to it
/// is exact in an `f64`, so the number at risk (such a sum) is exact, and a
/// sum past it cannot round back below it (floating-point addition is
/// monotone), so it is always caught. Sums of case weights have the looser
/// [`MAX_COUNT_SUM`].
pub const MAX_WHOLE_COUNT_SUM: f64 = 9_007_199_254_740_991.0;

/// The counts of each (stratum, group), added in the caller's row order,
/// stay at most `limit` ([`MAX_COUNT_SUM`], or [`MAX_WHOLE_COUNT_SUM`] for
/// whole counts): exits (`n_event + n_censor`) and entries separately; the
/// first row past it is reported with its field.
fn check_count_sums(rows: &[CountRow], limit: f64) -> Result<()> {
    // Counts are non-negative: when all of them together stay within the
    // limit, so does every group's sum (one pass, no map).
    let total: f64 = rows
        .iter()
        .map(|r| r.n_event + r.n_censor + r.n_enter)
        .sum();
    if total <= limit {
        return Ok(());
    }
    let mut sums: std::collections::HashMap<(usize, usize), [f64; 2]> =
        std::collections::HashMap::new();
    for (index, r) in rows.iter().enumerate() {
        let sum = sums.entry((r.stratum, r.group)).or_insert([0.0, 0.0]);
        for (what, value, slot) in [
            ("n_event", r.n_event, 0),
            ("n_censor", r.n_censor, 0),
            ("n_enter", r.n_enter, 1),
        ] {
            sum[slot] += value;
            if sum[slot] > limit {
                return Err(ErrorDetail::CountSumOverflow {
                    what,
                    index,
                    value,
                    limit,
                }
                .into());
            }
        }
    }
    Ok(())
}

impl EventTable {
    /// Builds a table from pre-aggregated counts, as a `GROUP BY stratum,
    /// group, time` in a database or a distributed engine returns them.
    ///
    /// Rows may come in any order, and rows with the same (stratum, group,
    /// time) are added up. Times are used exactly as given (aggregate on the
    /// exact time values). A table built from the counts of some data equals
    /// [`EventTable::from_data_with`] on that data with [`TimeFix::Exact`](crate::TimeFix::Exact).
    /// Counts are numbers of subjects, so whole numbers; sums of case
    /// weights go through [`EventTable::from_weighted_counts`]. A group may
    /// have no rows (one part of a partition, see [`EventTable::merge`]).
    ///
    /// # Errors
    /// [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) for no group or stratum names or no rows,
    /// [`ErrorDetail::DuplicateLevel`](crate::ErrorDetail::DuplicateLevel) for a group or stratum name given twice (or
    /// a group and stratum pair whose curve name `"group, stratum"` another
    /// pair also prints),
    /// [`ErrorDetail::UnknownLevel`](crate::ErrorDetail::UnknownLevel) for a row whose group or stratum index is out
    /// of range, [`ErrorDetail::NonFinite`](crate::ErrorDetail::NonFinite) / [`ErrorDetail::Negative`](crate::ErrorDetail::Negative) for a bad time or
    /// count and [`ErrorDetail::NotWholeNumber`](crate::ErrorDetail::NotWholeNumber) for a count with a fractional part
    /// (`what` names the field, `index` the row),
    /// [`ErrorDetail::CountSumOverflow`](crate::ErrorDetail::CountSumOverflow) at the row where the counts of one
    /// (stratum, group) would sum to more than [`MAX_WHOLE_COUNT_SUM`]
    /// (2⁵³ − 1: their sum is the number at risk, exact only up to there),
    /// [`ErrorDetail::InconsistentCounts`](crate::ErrorDetail::InconsistentCounts) when entries outnumber later exits (the
    /// number at risk would be negative), [`ErrorDetail::BudgetExceeded`](crate::ErrorDetail::BudgetExceeded) when groups
    /// × rows exceed [`MAX_TABLE_ENTRIES`](crate::MAX_TABLE_ENTRIES).
    ///
    /// # Example
    /// ```
    /// use survkit::{CountRow, EventTable};
    /// let rows = [CountRow::new(5.0, 0, 2.0, 0.0), CountRow::new(8.0, 0, 1.0, 1.0)];
    /// let table = EventTable::from_counts(&["all"], &["all"], &rows)?;
    /// assert_eq!(table.stratum(0).and_then(|s| s.group(0)).map(|g| g.n_risk().to_vec()),
    ///            Some(vec![4.0, 2.0]));
    /// # Ok::<(), survkit::Error>(())
    /// ```
    pub fn from_counts<S: AsRef<str>>(
        group_names: &[S],
        stratum_names: &[S],
        rows: &[CountRow],
    ) -> Result<Self> {
        Self::from_counts_impl(group_names, stratum_names, rows, true)
    }

    /// [`EventTable::from_counts`] for sums of case weights: the counts may
    /// have fractional parts (as `SUM(weight)` returns them).
    ///
    /// # Errors
    /// As [`EventTable::from_counts`], without [`ErrorDetail::NotWholeNumber`](crate::ErrorDetail::NotWholeNumber),
    /// and with the sum limit [`MAX_COUNT_SUM`] instead of
    /// [`MAX_WHOLE_COUNT_SUM`].
    ///
    /// # Example
    /// ```
    /// use survkit::{CountRow, EventTable};
    /// let rows = [CountRow::new(5.0, 0, 1.5, 0.0), CountRow::new(8.0, 0, 0.5, 1.0)];
    /// let table = EventTable::from_weighted_counts(&["all"], &["all"], &rows)?;
    /// assert_eq!(table.total_events(), 2.0);
    /// assert!(EventTable::from_counts(&["all"], &["all"], &rows).is_err());
    /// # Ok::<(), survkit::Error>(())
    /// ```
    pub fn from_weighted_counts<S: AsRef<str>>(
        group_names: &[S],
        stratum_names: &[S],
        rows: &[CountRow],
    ) -> Result<Self> {
        Self::from_counts_impl(group_names, stratum_names, rows, false)
    }

    fn from_counts_impl<S: AsRef<str>>(
        group_names: &[S],
        stratum_names: &[S],
        rows: &[CountRow],
        whole: bool,
    ) -> Result<Self> {
        check_rows(group_names.len(), stratum_names.len(), rows, whole)?;
        check_names(group_names, stratum_names)?;
        check_count_sums(
            rows,
            if whole {
                MAX_WHOLE_COUNT_SUM
            } else {
                MAX_COUNT_SUM
            },
        )?;
        let k = group_names.len();
        let with_enter = rows.iter().any(|r| r.n_enter > 0.0);
        let mut order: Vec<Sorted> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| Sorted {
                stratum: r.stratum,
                bits: (r.time + 0.0).to_bits(),
                row: i,
            })
            .collect();
        order.sort_unstable();
        // Distinct times ≤ rows, so k × rows bounds the table before it is built.
        check_entries(k.saturating_mul(rows.len()))?;
        let mut table = EventTable::empty(group_names, stratum_names);
        for (s, stratum_name) in stratum_names.iter().enumerate() {
            let lo = order.partition_point(|o| o.stratum < s);
            let hi = order.partition_point(|o| o.stratum <= s);
            let cols = stratum_columns(rows, &order[lo..hi], k, with_enter);
            if !table.push_stratum(cols) {
                return Err(ErrorDetail::InconsistentCounts {
                    stratum: stratum_name.as_ref().to_owned(),
                }
                .into());
            }
        }
        Ok(table)
    }
}

/// A count row in the sorted order of the build: its stratum, its time's
/// bits (`+0.0` for `−0.0`) and its index, compared in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Sorted {
    stratum: usize,
    bits: u64,
    row: usize,
}

/// The time as an exit key of the sweep ([`Layout::EXIT`]).
impl Keyed for Sorted {
    #[inline(always)]
    fn key(self) -> u64 {
        self.bits << 1
    }
}

/// The columns of one stratum from its count rows sorted by time: the run
/// cursor cuts them into rows of one exact time, whose counts are added up.
fn stratum_columns(rows: &[CountRow], sorted: &[Sorted], k: usize, with_enter: bool) -> Columns {
    let mut cols = Columns::new(k, with_enter);
    let mut runs = Runs::new(sorted, Layout::EXIT, TieRule::NEVER);
    while let Some(t) = runs.head(sorted) {
        cols.push_row(t);
        let at = cols.time.len() - 1;
        runs.next_row(sorted, |o| {
            let r = &rows[o.row];
            cols.event[r.group][at] += r.n_event;
            cols.censor[r.group][at] += r.n_censor;
            if with_enter {
                cols.enter[r.group][at] += r.n_enter;
            }
        });
    }
    cols
}

/// Count rows name known levels and hold valid times and counts (whole
/// numbers when `whole`); there is at least one row and one level of each.
fn check_rows(k: usize, n_strata: usize, rows: &[CountRow], whole: bool) -> Result<()> {
    if k == 0 {
        return Err(ErrorDetail::EmptyInput {
            what: "group names",
        }
        .into());
    }
    if n_strata == 0 {
        return Err(ErrorDetail::EmptyInput {
            what: "stratum names",
        }
        .into());
    }
    if rows.is_empty() {
        return Err(ErrorDetail::EmptyInput { what: "count rows" }.into());
    }
    for (index, r) in rows.iter().enumerate() {
        if r.group >= k {
            return Err(ErrorDetail::UnknownLevel {
                what: "group",
                index,
            }
            .into());
        }
        if r.stratum >= n_strata {
            return Err(ErrorDetail::UnknownLevel {
                what: "stratum",
                index,
            }
            .into());
        }
        for (what, v) in [
            ("time", r.time),
            ("n_event", r.n_event),
            ("n_censor", r.n_censor),
            ("n_enter", r.n_enter),
        ] {
            check_value(what, index, v, whole && what != "time")?;
        }
    }
    Ok(())
}

/// A time or count: finite, ≥ 0 and, when `whole`, a whole number.
fn check_value(what: &'static str, index: usize, value: f64, whole: bool) -> Result<()> {
    if !value.is_finite() {
        return Err(ErrorDetail::NonFinite { what, index, value }.into());
    }
    if value < 0.0 {
        return Err(ErrorDetail::Negative { what, index, value }.into());
    }
    if whole && value.fract() != 0.0 {
        return Err(ErrorDetail::NotWholeNumber { what, index, value }.into());
    }
    Ok(())
}
