//! The packed-key sweep shared by the fast paths (issue #10): one `u64` key
//! per observation, one sort ([`radix`]), one run cursor ([`Runs`]) with
//! R's near-tie rule ([`timefix`]). The one-curve and the multi-curve
//! Kaplan-Meier fits ([`crate::KaplanMeier`]) and the streaming log-rank
//! test ([`crate::logrank`]) read their rows from here; the event table
//! reads its buckets through the same cursor ([`union`] walks several
//! buckets, or tables, in time order), and so do the event table's
//! near-tie pass and the competing-risks count table.
//!
//! Each observation becomes one key holding its time, stratum, group and
//! event flag, in that order from the high bits down:
//!
//! ```text
//! key = tk << (s_bits + g_bits + 1) | stratum << (g_bits + 1) | group << 1 | event
//! tk  = 0                                for t = 0
//!       bits(t) − bits(t_min⁺) + 1       for t > 0   (t_min⁺: the smallest positive time)
//! ```
//!
//! The one-curve case is the layout with no group or stratum bits
//! (`tk << 1 | event`); the event table's exit keys (`bits(t) << 1 |
//! event`) are the same layout with a zero base ([`Layout::EXIT`]).
//!
//! A valid time is finite and ≥ 0 (`+0.0` after validation), so its bits
//! order like its value and `tk` keeps that order. The layout exists only
//! when the largest `tk` fits above the low bits ([`layout`]). The rows of
//! [`Runs`] are the rows of the event table: the keys of one distinct time,
//! or of consecutive distinct times tied by R's rule (computed on the same
//! distinct times as the table), summed into the row of the first.

pub(crate) mod radix;
pub(crate) mod timefix;
pub(crate) mod union;

use std::ops::Range;

use crate::data::SurvivalData;
use timefix::{distinct_time_mean, TieRule, TimeFix};

/// How the keys of one data set are packed.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout {
    /// `bits(t_min⁺) − 1`: positive times map to `bits − base ≥ 1`.
    pub(crate) base: u64,
    /// Bits below the time: stratum, group and event.
    pub(crate) low: u32,
    /// Bits of the group code.
    pub(crate) g_bits: u32,
}

impl Layout {
    /// The event table's exit keys, `bits(t) << 1 | event`.
    pub(crate) const EXIT: Layout = Layout {
        base: 0,
        low: 1,
        g_bits: 0,
    };

    /// The time of a key's time part.
    #[inline(always)]
    pub(crate) fn time(self, tk: u64) -> f64 {
        if tk == 0 {
            0.0
        } else {
            f64::from_bits(tk + self.base)
        }
    }

    /// The time of a key.
    #[inline(always)]
    pub(crate) fn time_of(self, key: u64) -> f64 {
        self.time(key >> self.low)
    }
}

/// Something sorted by a packed key: the key itself, or the event table's
/// `(key, case weight)`.
pub(crate) trait Keyed: Copy {
    /// The packed key.
    fn key(self) -> u64;
}

impl Keyed for u64 {
    #[inline(always)]
    fn key(self) -> u64 {
        self
    }
}

impl Keyed for (u64, f64) {
    #[inline(always)]
    fn key(self) -> u64 {
        self.0
    }
}

/// A valid time (finite, ≥ 0) as an exit key ([`Layout::EXIT`]) without an
/// event flag: the rows of an event table read by the cursor.
impl Keyed for f64 {
    #[inline(always)]
    fn key(self) -> u64 {
        self.to_bits() << 1
    }
}

/// Bits needed for the codes `0..levels`.
pub(crate) fn bits_for(levels: usize) -> u32 {
    if levels <= 1 {
        0
    } else {
        usize::BITS - (levels - 1).leading_zeros()
    }
}

/// The key layout of `data` with `k` group codes, or `None` when the data
/// have entry times or case weights, inconsistent columns, or a time range
/// too wide for the key.
///
/// Always inlined: the cost of its min/max loop over the times varied by
/// 1–2 instructions a subject with LLVM's inlining choice; inlined in every
/// caller, the one- and multi-curve fits and the log-rank stream cost at
/// most what they did before (callgrind, 2026-12-05).
#[inline(always)]
pub(crate) fn layout(data: &SurvivalData, k: usize) -> Option<Layout> {
    if data.entry().is_some() || data.weights().is_some() {
        return None;
    }
    let ns = data.n_strata();
    let n = data.len();
    let groups_ok = match data.group_codes() {
        Some(g) => g.len() == n,
        None => k == 1,
    };
    if !groups_ok || data.stratum_codes().is_some_and(|s| s.len() != n) || data.event().len() != n {
        return None;
    }
    // bits − 1 wraps 0 (time 0) to u64::MAX, out of the minimum.
    let (mut min_m1, mut max) = (u64::MAX, 0u64);
    for &t in data.time() {
        let b = t.to_bits();
        min_m1 = min_m1.min(b.wrapping_sub(1));
        max = max.max(b);
    }
    let base = if min_m1 == u64::MAX { 0 } else { min_m1 };
    let g_bits = bits_for(k);
    let low = g_bits + bits_for(ns) + 1;
    // Valid time bits are below 2^63 (sign clear); the time part must fit above `low`.
    if low >= 63 || (max.saturating_sub(base) >> (64 - low)) != 0 || max >> 63 != 0 {
        return None;
    }
    Some(Layout { base, low, g_bits })
}

/// The packed keys of `data`, sorted, and the number of subjects of each
/// (stratum, group) cell.
pub(crate) fn sorted_keys(data: &SurvivalData, lay: Layout) -> (Vec<u64>, Vec<u64>) {
    let k = data.n_groups();
    let ns = data.n_strata();
    let mut cells = vec![0u64; k * ns];
    let mut keys: Vec<u64> = Vec::with_capacity(data.len());
    let tk = |t: f64| t.to_bits().saturating_sub(lay.base) << lay.low;
    let rows = data.time().iter().zip(data.event());
    match (data.group_codes(), data.stratum_codes()) {
        (None, None) => {
            keys.extend(rows.map(|(&t, &e)| tk(t) | u64::from(e)));
            if let Some(c) = cells.first_mut() {
                *c = keys.len() as u64;
            }
        }
        (Some(groups), None) => {
            keys.extend(rows.zip(groups).map(|((&t, &e), &g)| {
                if let Some(c) = cells.get_mut(g as usize) {
                    *c += 1;
                }
                tk(t) | u64::from(g) << 1 | u64::from(e)
            }));
        }
        (groups, Some(strata)) => {
            let s_shift = lay.g_bits + 1;
            keys.extend(rows.zip(strata).enumerate().map(|(i, ((&t, &e), &s))| {
                let g = groups.and_then(|g| g.get(i)).copied().unwrap_or(0);
                if let Some(c) = cells.get_mut(s as usize * k + g as usize) {
                    *c += 1;
                }
                tk(t) | u64::from(s) << s_shift | u64::from(g) << 1 | u64::from(e)
            }));
        }
    }
    radix::sort(&mut keys);
    (keys, cells)
}

/// The run cursor: cuts sorted keys into the rows of the event table, the
/// keys of one distinct time or, under a [`TieRule`] that ties them, of a
/// run of consecutive distinct times (summed into the row of the first, as
/// the table does). The one loop every sweep runs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Runs {
    lay: Layout,
    rule: TieRule,
    /// Index of the next row's first key.
    pos: usize,
    /// Time part and time of the last key read.
    prev_tk: u64,
    prev_t: f64,
}

/// One row of [`Runs`]: the keys `start..end` and the row's time (its first
/// time).
#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) keys: Range<usize>,
    pub(crate) time: f64,
}

impl Runs {
    /// A cursor at the first key of `items`, sorted by key.
    pub(crate) fn new<I: Keyed>(items: &[I], lay: Layout, rule: TieRule) -> Runs {
        let prev_tk = items.first().map_or(0, |it| it.key() >> lay.low);
        Runs {
            lay,
            rule,
            pos: 0,
            prev_tk,
            prev_t: lay.time(prev_tk),
        }
    }

    /// The time of the next row (its first item's time), or `None` after
    /// the last. `items` is the slice the cursor was made for.
    #[inline(always)]
    pub(crate) fn head<I>(&self, items: &[I]) -> Option<f64> {
        (self.pos < items.len()).then_some(self.prev_t)
    }

    /// The next row, calling `visit` with each of its items in order; `None`
    /// after the last. `items` is the slice the cursor was made for; the
    /// caller may overwrite items before the returned row's end (they are
    /// not read again).
    #[inline(always)]
    pub(crate) fn next_row<I: Keyed>(
        &mut self,
        items: &[I],
        mut visit: impl FnMut(I),
    ) -> Option<Row> {
        let start = self.pos;
        let time = self.prev_t;
        let mut i = start;
        // The first item's time part is `prev_tk` (set by `new` or by the
        // previous row's end), so a row holds at least one item.
        while let Some(&it) = items.get(i) {
            let tk = it.key() >> self.lay.low;
            if tk != self.prev_tk {
                let t = self.lay.time(tk);
                let tied = self.rule.tied(self.prev_t, t);
                self.prev_tk = tk;
                self.prev_t = t;
                if !tied {
                    break;
                }
            }
            visit(it);
            i += 1;
        }
        self.pos = i;
        (i > start).then_some(Row {
            keys: start..i,
            time,
        })
    }
}

/// The tie rule of `time_fix` for sorted keys: R's rule relative to the
/// mean of their distinct times (over all strata and groups, as R's aeqSurv
/// and the table's near-tie pass), summed in increasing order like the
/// table's column of times.
pub(crate) fn tie_rule(keys: &[u64], lay: Layout, time_fix: TimeFix) -> TieRule {
    TieRule::of(time_fix, keys.iter().map(|&key| lay.time_of(key)))
}

/// The rows of sorted items under `rule` (see [`Runs`]): each row's items
/// and time.
pub(crate) fn rows<I: Keyed>(
    items: &[I],
    lay: Layout,
    rule: TieRule,
) -> impl Iterator<Item = Row> + '_ {
    let mut runs = Runs::new(items, lay, rule);
    std::iter::from_fn(move || runs.next_row(items, |_| {}))
}

/// The number of distinct times of sorted keys and their mean
/// ([`distinct_time_mean`]).
pub(crate) fn distinct_times(keys: &[u64], lay: Layout) -> (usize, f64) {
    distinct_time_mean(keys.iter().map(|&key| lay.time_of(key)))
}

/// Calls `row` with each row of sorted keys (see [`Runs`]).
pub(crate) fn for_each_row(
    keys: &[u64],
    lay: Layout,
    time_fix: TimeFix,
    mut row: impl FnMut(&[u64], f64),
) {
    let mut runs = Runs::new(keys, lay, tie_rule(keys, lay, time_fix));
    while let Some(r) = runs.next_row(keys, |_| {}) {
        row(keys.get(r.keys).expect("a row of these keys"), r.time);
    }
}
