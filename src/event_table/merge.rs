//! The union of two event tables of disjoint subjects, and R's near-tie
//! rule applied to a table built exactly.

use super::{fill_risk, Columns, EventTable, MAX_COUNT_SUM};
use crate::data::SurvivalData;
use crate::error::Result;
use crate::sweep::timefix::{cut_of, distinct_time_mean, TieRule};
use crate::sweep::union::{union, TimeList};
use crate::sweep::{self, Layout};
use crate::ErrorDetail;

/// The sorted, duplicate-free union of the increasing runs
/// `values[offsets[i]..offsets[i + 1]]`, by pairwise merging (O(n log runs)).
fn merge_runs(values: &[f64], offsets: &[usize]) -> Vec<f64> {
    let mut runs: Vec<Vec<f64>> = offsets
        .windows(2)
        .map(|w| {
            values
                .get(w[0]..w[1])
                .expect("offsets are increasing and end at values.len()")
                .to_vec()
        })
        .collect();
    while runs.len() > 1 {
        let mut next = Vec::with_capacity(runs.len().div_ceil(2));
        let mut it = runs.into_iter();
        while let Some(a) = it.next() {
            match it.next() {
                None => next.push(a),
                Some(b) => {
                    let mut out = Vec::with_capacity(a.len() + b.len());
                    let (mut i, mut j) = (0, 0);
                    while let (Some(&x), Some(&y)) = (a.get(i), b.get(j)) {
                        if x <= y {
                            out.push(x);
                            i += 1;
                        } else {
                            out.push(y);
                            j += 1;
                        }
                    }
                    out.extend_from_slice(&a[i..]); // i ≤ a.len(): the loop stops there
                    out.extend_from_slice(&b[j..]); // j ≤ b.len(): likewise
                    next.push(out);
                }
            }
        }
        runs = next;
    }
    let mut all = runs.pop().unwrap_or_default();
    all.dedup();
    all
}

impl EventTable {
    /// The table of the union of two disjoint sets of subjects.
    ///
    /// Counts at equal times are added and the risk sets recomputed, so the
    /// result equals the table built from the concatenated data (with
    /// [`TimeFix::Exact`](crate::TimeFix::Exact), or whenever the data have no near-ties): tables
    /// computed on separate machines or partitions combine into one.
    ///
    /// Every part of a partition of the subjects carries all the groups and
    /// strata (declare the levels with
    /// [`SurvivalDataBuilder::group_levels`](crate::SurvivalDataBuilder::group_levels)
    /// and [`stratum_levels`](crate::SurvivalDataBuilder::stratum_levels), or
    /// name them in [`EventTable::from_counts`]), even those it has no
    /// subject of: the parts, merged in any order, give the pooled table.
    ///
    /// # Errors
    /// [`ErrorDetail::Incompatible`](crate::ErrorDetail::Incompatible) when the tables' group or stratum names
    /// differ; [`ErrorDetail::CountOverflow`](crate::ErrorDetail::CountOverflow) when the counts of one group of the
    /// union would sum to more than [`MAX_COUNT_SUM`].
    ///
    /// # Example
    /// ```
    /// use survkit::{EventTable, SurvivalData};
    /// let a = EventTable::from_data(&SurvivalData::new(vec![1.0, 3.0], vec![true, false])?)?;
    /// let b = EventTable::from_data(&SurvivalData::new(vec![2.0, 3.0], vec![true, true])?)?;
    /// let all = EventTable::from_data(&SurvivalData::new(
    ///     vec![1.0, 3.0, 2.0, 3.0], vec![true, false, true, true])?)?;
    /// assert_eq!(a.merge(&b)?, all);
    /// # Ok::<(), survkit::Error>(())
    /// ```
    pub fn merge(&self, other: &EventTable) -> Result<EventTable> {
        if self.group_names != other.group_names {
            return Err(ErrorDetail::Incompatible {
                what: "event tables",
                detail: "group names differ",
            }
            .into());
        }
        if self.stratum_names != other.stratum_names {
            return Err(ErrorDetail::Incompatible {
                what: "event tables",
                detail: "stratum names differ",
            }
            .into());
        }
        let k = self.n_groups();
        let with_enter = self.has_entry() || other.has_entry();
        let mut out = EventTable::empty(&self.group_names, &self.stratum_names);
        for (a, b) in self.strata().zip(other.strata()) {
            let mut cols = Columns::new(k, with_enter);
            let mut lists = [TimeList::new(a.times()), TimeList::new(b.times())];
            union(&mut lists, |row, t, side, list| {
                let idx = list.take();
                if row == cols.time.len() {
                    cols.push_row(t);
                }
                let src = if side == 0 { &a } else { &b };
                for g in 0..k {
                    cols.event[g][row] += src.column(&src.table.n_event, g)[idx];
                    cols.censor[g][row] += src.column(&src.table.n_censor, g)[idx];
                    if with_enter && src.table.has_entry() {
                        cols.enter[g][row] += src.column(&src.table.n_enter, g)[idx];
                    }
                }
            });
            for g in 0..k {
                let exits: f64 = cols.event[g].iter().chain(&cols.censor[g]).sum();
                let enters: f64 = cols.enter.get(g).map_or(0.0, |e| e.iter().sum());
                if !(exits <= MAX_COUNT_SUM && enters <= MAX_COUNT_SUM) {
                    return Err(ErrorDetail::CountOverflow {
                        what: "counts of one group in the merged event tables",
                    }
                    .into());
                }
            }
            // Two consistent tables add up to a consistent one.
            out.push_stratum(cols);
        }
        Ok(out)
    }

    /// Applies R's near-tie rule (`aeqSurv`) to a table built exactly.
    pub(super) fn apply_timefix(mut self, data: Option<&SurvivalData>) -> Result<Self> {
        if self.n_strata() == 1 && !self.has_entry() {
            self.timefix_in_place();
            return Ok(self);
        }
        let cuts = match self.timefix_cuts() {
            Some(c) => c,
            None => return Ok(self),
        };
        // R stops when an (entry, exit] interval collapses to one cut.
        if let Some(data) = data {
            if let Some(entry) = data.entry() {
                for (index, (&en, &ex)) in entry.iter().zip(data.time()).enumerate() {
                    if cut_of(&cuts, en) == cut_of(&cuts, ex) {
                        return Err(ErrorDetail::EntryNotBeforeExit {
                            index,
                            entry: en,
                            exit: ex,
                        }
                        .into());
                    }
                }
            }
        }
        let k = self.n_groups();
        let mut out = EventTable::empty(&self.group_names, &self.stratum_names);
        let mut target: Vec<usize> = Vec::new();
        for s in self.strata() {
            // Map each row to its cut (rows and cuts are both increasing).
            target.clear();
            let base = out.time.len();
            let mut ci = 0;
            for &t in s.times() {
                while cuts.get(ci + 1).is_some_and(|&c| c <= t) {
                    ci += 1;
                }
                let c = cuts.get(ci).copied().unwrap_or(t);
                if out.time.len() == base || out.time.last() != Some(&c) {
                    out.time.push(c);
                }
                target.push(out.time.len() - 1 - base);
            }
            let rows = out.time.len() - base;
            out.offsets.push(out.time.len());
            for g in 0..k {
                let sum_into = |dst: &mut Vec<f64>, src: &[f64]| {
                    let start = dst.len();
                    dst.resize(start + rows, 0.0);
                    for (&t, &v) in target.iter().zip(src) {
                        dst[start + t] += v;
                    }
                };
                sum_into(&mut out.n_event, s.column(&self.n_event, g));
                sum_into(&mut out.n_censor, s.column(&self.n_censor, g));
                if self.has_entry() {
                    sum_into(&mut out.n_enter, s.column(&self.n_enter, g));
                }
                let start = out.n_risk.len();
                out.n_risk.resize(start + rows, 0.0);
                let r = start..start + rows;
                let enter = if self.has_entry() {
                    Some(&out.n_enter[r.clone()])
                } else {
                    None
                };
                fill_risk(
                    &out.n_event[r.clone()],
                    &out.n_censor[r.clone()],
                    enter,
                    &mut out.n_risk[r],
                );
            }
        }
        Ok(out)
    }

    /// R's near-tie rule for one stratum without entry times, in place: the
    /// rows are the distinct times, so a run of consecutive tied rows (a
    /// row of the run cursor over the table's times) is summed into its
    /// first row.
    fn timefix_in_place(&mut self) {
        let n = self.time.len();
        if n < 2 {
            return;
        }
        // Valid times are ≥ 0, so mean(|y|) is the plain mean.
        let (_, mean) = distinct_time_mean(self.time.iter().copied());
        // The rows are distinct times: each row of the run cursor is a run
        // of consecutive tied rows, summed into its first.
        let rule = TieRule::relative_to(mean);
        if sweep::rows(&self.time, Layout::EXIT, rule).count() == n {
            return;
        }
        let runs: Vec<_> = sweep::rows(&self.time, Layout::EXIT, rule).collect();
        let rows = runs.len();
        let k = self.n_groups();
        for g in 0..k {
            // Block g moves from g·n to g·rows; writes never overtake reads.
            let (old, new) = (g * n, g * rows);
            for (w, run) in runs.iter().enumerate() {
                for col in [&mut self.n_event, &mut self.n_censor] {
                    col[new + w] = col[old + run.keys.start];
                    for r in run.keys.start + 1..run.keys.end {
                        col[new + w] += col[old + r];
                    }
                }
            }
        }
        for (w, run) in runs.iter().enumerate() {
            self.time[w] = run.time;
        }
        self.time.truncate(rows);
        self.n_event.truncate(k * rows);
        self.n_censor.truncate(k * rows);
        self.n_risk.truncate(k * rows);
        self.offsets = vec![0, rows];
        for g in 0..k {
            let r = g * rows..(g + 1) * rows;
            fill_risk(
                &self.n_event[r.clone()],
                &self.n_censor[r.clone()],
                None,
                &mut self.n_risk[r],
            );
        }
    }

    /// The cut points of R's `aeqSurv` over the distinct times of all strata,
    /// or `None` when no two distinct times are tied.
    fn timefix_cuts(&self) -> Option<Vec<f64>> {
        let merged;
        let distinct: &[f64] = if self.n_strata() == 1 {
            &self.time
        } else {
            // The union of the strata's times: each stratum's times are
            // already sorted, so they are merged pairwise (no second sort).
            merged = merge_runs(&self.time, &self.offsets);
            &merged
        };
        if distinct.len() < 2 {
            return None;
        }
        // Valid times are ≥ 0, so mean(|y|) is the plain mean.
        let (_, mean) = distinct_time_mean(distinct.iter().copied());
        TieRule::relative_to(mean).cuts(distinct)
    }
}
