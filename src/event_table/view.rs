//! Borrowed views of an [`EventTable`]: one stratum, one group's columns.

use super::EventTable;

/// One stratum of an [`EventTable`]: its distinct times and, per group, the
/// count columns aligned with them (a borrowed view; nothing is copied).
///
/// # Example
/// ```
/// use survkit::{datasets::veteran, EventTable, SurvivalData};
/// // R: survdiff(Surv(time, status) ~ celltype + strata(trt), data = veteran)
/// let data = SurvivalData::builder(&veteran::TIME[..], veteran::event())
///     .group_levels(&veteran::CELLTYPE, &veteran::CELLTYPE_LEVELS)
///     .strata(&veteran::TRT)
///     .build()?;
/// let table = EventTable::from_data(&data)?;
/// let events: f64 = table
///     .strata()
///     .flat_map(|s| s.groups().map(|g| g.n_event().iter().sum::<f64>()).collect::<Vec<_>>())
///     .sum();
/// assert_eq!(events, 128.0); // R: sum(veteran$status)
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct StratumTable<'a> {
    pub(super) table: &'a EventTable,
    pub(super) s: usize,
}

impl<'a> StratumTable<'a> {
    pub(super) fn rows(&self) -> std::ops::Range<usize> {
        self.table.offsets[self.s]..self.table.offsets[self.s + 1]
    }

    pub(super) fn column(&self, col: &'a [f64], g: usize) -> &'a [f64] {
        let r = self.rows();
        let k = self.table.n_groups();
        let start = k * r.start + g * r.len();
        &col[start..start + r.len()]
    }

    /// The stratum's name.
    pub fn name(&self) -> &'a str {
        &self.table.stratum_names[self.s]
    }

    /// Index of the stratum.
    pub fn index(&self) -> usize {
        self.s
    }

    /// Distinct times of the stratum, increasing.
    pub fn times(&self) -> &'a [f64] {
        &self.table.time[self.rows()]
    }

    /// Number of groups.
    pub fn n_groups(&self) -> usize {
        self.table.n_groups()
    }

    /// The counts of group `g` at the stratum's times, or `None` when out of range.
    pub fn group(&self, g: usize) -> Option<GroupCounts<'a>> {
        if g >= self.n_groups() {
            return None;
        }
        Some(GroupCounts {
            time: self.times(),
            n_risk: self.column(&self.table.n_risk, g),
            n_event: self.column(&self.table.n_event, g),
            n_censor: self.column(&self.table.n_censor, g),
            n_enter: if self.table.has_entry() {
                Some(self.column(&self.table.n_enter, g))
            } else {
                None
            },
        })
    }

    /// All groups in order.
    pub fn groups(&self) -> impl Iterator<Item = GroupCounts<'a>> + '_ {
        (0..self.n_groups()).filter_map(move |g| self.group(g))
    }
}

/// The count columns of one group in one stratum, aligned with the stratum's
/// times: at each time `tᵢ`, the number (or weight) at risk just before
/// `tᵢ`, the events and censorings at `tᵢ`, and the entries at `tᵢ`.
///
/// # Example
/// ```
/// use survkit::{EventTable, SurvivalData};
/// let data = SurvivalData::new(vec![2.0, 2.0, 3.0, 5.0], vec![true, false, true, true])?;
/// let table = EventTable::from_data(&data)?;
/// let g = table.stratum(0).and_then(|s| s.group(0)).ok_or("one group")?;
/// assert_eq!(g.time(), [2.0, 3.0, 5.0]);
/// assert_eq!(g.n_risk(), [4.0, 2.0, 1.0]);
/// assert_eq!(g.n_event(), [1.0, 1.0, 1.0]);
/// assert_eq!(g.n_censor(), [1.0, 0.0, 0.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct GroupCounts<'a> {
    time: &'a [f64],
    n_risk: &'a [f64],
    n_event: &'a [f64],
    n_censor: &'a [f64],
    n_enter: Option<&'a [f64]>,
}

impl<'a> GroupCounts<'a> {
    /// The stratum's distinct times.
    pub fn time(&self) -> &'a [f64] {
        self.time
    }

    /// Number (or weight) at risk just before each time.
    pub fn n_risk(&self) -> &'a [f64] {
        self.n_risk
    }

    /// Number (or weight) of events at each time.
    pub fn n_event(&self) -> &'a [f64] {
        self.n_event
    }

    /// Number (or weight) censored at each time.
    pub fn n_censor(&self) -> &'a [f64] {
        self.n_censor
    }

    /// Number (or weight) entering just after each time, for left-truncated data.
    pub fn n_enter(&self) -> Option<&'a [f64]> {
        self.n_enter
    }
}
