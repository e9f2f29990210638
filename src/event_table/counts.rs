//! The event table from pre-aggregated counts (a `GROUP BY stratum, group,
//! time`), validated row by row.

use super::{check_entries, check_names, Columns, EventTable, MAX_COUNT_SUM};
use crate::error::Result;
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
        if group_names.is_empty() {
            return Err(ErrorDetail::EmptyInput {
                what: "group names",
            }
            .into());
        }
        if stratum_names.is_empty() {
            return Err(ErrorDetail::EmptyInput {
                what: "stratum names",
            }
            .into());
        }
        if rows.is_empty() {
            return Err(ErrorDetail::EmptyInput { what: "count rows" }.into());
        }
        let k = group_names.len();
        for (index, r) in rows.iter().enumerate() {
            if r.group >= k {
                return Err(ErrorDetail::UnknownLevel {
                    what: "group",
                    index,
                }
                .into());
            }
            if r.stratum >= stratum_names.len() {
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
                if !v.is_finite() {
                    return Err(ErrorDetail::NonFinite {
                        what,
                        index,
                        value: v,
                    }
                    .into());
                }
                if v < 0.0 {
                    return Err(ErrorDetail::Negative {
                        what,
                        index,
                        value: v,
                    }
                    .into());
                }
                if whole && what != "time" && v.fract() != 0.0 {
                    return Err(ErrorDetail::NotWholeNumber {
                        what,
                        index,
                        value: v,
                    }
                    .into());
                }
            }
        }
        check_names(group_names, stratum_names)?;
        check_count_sums(
            rows,
            if whole {
                MAX_WHOLE_COUNT_SUM
            } else {
                MAX_COUNT_SUM
            },
        )?;
        let with_enter = rows.iter().any(|r| r.n_enter > 0.0);
        let mut order: Vec<(usize, u64, usize)> = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.stratum, (r.time + 0.0).to_bits(), i))
            .collect();
        order.sort_unstable();
        // Distinct times ≤ rows, so k × rows bounds the table before it is built.
        check_entries(k.saturating_mul(rows.len()))?;
        let mut table = EventTable::empty(group_names, stratum_names);
        let mut it = order.iter().peekable();
        for (s, stratum_name) in stratum_names.iter().enumerate() {
            let mut cols = Columns::new(k, with_enter);
            while let Some(&&(rs, bits, i)) = it.peek() {
                if rs != s {
                    break;
                }
                it.next();
                if cols.time.last().map(|t| t.to_bits()) != Some(bits) {
                    cols.push_row(f64::from_bits(bits));
                }
                let row = cols.time.len() - 1;
                let r = &rows[i];
                cols.event[r.group][row] += r.n_event;
                cols.censor[r.group][row] += r.n_censor;
                if with_enter {
                    cols.enter[r.group][row] += r.n_enter;
                }
            }
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
