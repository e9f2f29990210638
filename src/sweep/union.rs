//! Several sorted sources of rows walked together in increasing time: the
//! (stratum, group) buckets of the event table's build, each cut into rows
//! by its own run cursor ([`Bucket`]), or the row times of tables and of
//! per-group columns ([`TimeList`]). One k-way walk serves the build, its
//! per-group union and the merge of two tables.
//!
//! Times are compared exactly: a row of the union holds the rows of every
//! source at one time. R's near ties across sources are merged afterwards,
//! on the table's distinct times ([`super::timefix`]).

use super::timefix::TieRule;
use super::{Keyed, Layout, Runs};

/// A source of rows in increasing time, read by [`union`].
pub(crate) trait RowSource {
    /// The time of the next row, or `None` after the last.
    fn head(&self) -> Option<f64>;
}

/// A sorted bucket of keyed items, cut by the run cursor into rows of one
/// exact time.
#[derive(Debug, Clone)]
pub(crate) struct Bucket<'a, I> {
    items: &'a [I],
    runs: Runs,
}

impl<'a, I: Keyed> Bucket<'a, I> {
    /// A cursor at the first item of `items`, sorted by key.
    pub(crate) fn new(items: &'a [I], lay: Layout) -> Self {
        Bucket {
            items,
            runs: Runs::new(items, lay, TieRule::NEVER),
        }
    }

    /// Reads the next row, calling `visit` with each of its items.
    #[inline(always)]
    pub(crate) fn take(&mut self, visit: impl FnMut(I)) {
        self.runs.next_row(self.items, visit);
    }
}

impl<I: Keyed> RowSource for Bucket<'_, I> {
    #[inline(always)]
    fn head(&self) -> Option<f64> {
        self.runs.head(self.items)
    }
}

/// An increasing, duplicate-free list of times: one row each.
#[derive(Debug, Clone)]
pub(crate) struct TimeList<'a> {
    times: &'a [f64],
    pos: usize,
}

impl<'a> TimeList<'a> {
    /// A cursor at the first time of `times`.
    pub(crate) fn new(times: &'a [f64]) -> Self {
        TimeList { times, pos: 0 }
    }

    /// Reads the next row; returns its index in the list.
    #[inline(always)]
    pub(crate) fn take(&mut self) -> usize {
        self.pos += 1;
        self.pos - 1
    }
}

impl RowSource for TimeList<'_> {
    #[inline(always)]
    fn head(&self) -> Option<f64> {
        self.times.get(self.pos).copied()
    }
}

/// Walks the union of `sources` in increasing time: for each distinct time
/// (a row of the union), calls `take(row, time, source index, source)` for
/// every source whose next row is at that time, in source order; `take`
/// must read that row. Returns the number of rows. Costs O(rows · sources)
/// beyond the reading.
pub(crate) fn union<S: RowSource>(
    sources: &mut [S],
    mut take: impl FnMut(usize, f64, usize, &mut S),
) -> usize {
    let mut rows = 0;
    loop {
        let Some(t) = sources.iter().filter_map(S::head).reduce(f64::min) else {
            return rows;
        };
        for (i, source) in sources.iter_mut().enumerate() {
            if source.head() == Some(t) {
                take(rows, t, i, source);
            }
        }
        rows += 1;
    }
}
