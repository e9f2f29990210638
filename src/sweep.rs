//! The packed-key sweep shared by the fast paths (issue #10): one `u64` key
//! per observation, one `sort_unstable`, one run cursor with R's near-tie
//! rule. The streaming log-rank test ([`crate::logrank`]) and the
//! multi-curve Kaplan-Meier fit ([`crate::KaplanMeier`]) read their rows
//! from here; the one-curve Kaplan-Meier fit packs its own two-field key
//! (time and event) with the same tie rule.
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
//! A valid time is finite and ≥ 0 (`+0.0` after validation), so its bits
//! order like its value and `tk` keeps that order. The layout exists only
//! when the largest `tk` fits above the low bits ([`layout`]). The runs of
//! [`for_each_row`] are the rows of the event table: the keys of one
//! distinct time, or of consecutive distinct times tied by [`tie_rule`]
//! (computed on the same distinct times as the table), summed into the row
//! of the first.

use crate::data::SurvivalData;
use crate::event_table::{distinct_time_mean, tie_rule, TimeFix};

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
    /// The time of a key's time part.
    #[inline(always)]
    pub(crate) fn time(self, tk: u64) -> f64 {
        if tk == 0 {
            0.0
        } else {
            f64::from_bits(tk + self.base)
        }
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
pub(crate) fn layout(data: &SurvivalData, k: usize) -> Option<Layout> {
    if data.entry().is_some() || data.weights().is_some() {
        return None;
    }
    let ns = data.n_strata();
    let n = data.len();
    if data.group_codes().map(<[u32]>::len) != Some(n)
        || data.stratum_codes().is_some_and(|s| s.len() != n)
        || data.event().len() != n
    {
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
    let groups = data.group_codes().unwrap_or(&[]);
    let mut cells = vec![0u64; k * ns];
    let mut keys: Vec<u64> = Vec::with_capacity(data.len());
    let tk = |t: f64| t.to_bits().saturating_sub(lay.base) << lay.low;
    let rows = data.time().iter().zip(data.event()).zip(groups);
    match data.stratum_codes() {
        None => {
            keys.extend(rows.map(|((&t, &e), &g)| {
                if let Some(c) = cells.get_mut(g as usize) {
                    *c += 1;
                }
                tk(t) | u64::from(g) << 1 | u64::from(e)
            }));
        }
        Some(strata) => {
            let s_shift = lay.g_bits + 1;
            keys.extend(rows.zip(strata).map(|(((&t, &e), &g), &s)| {
                if let Some(c) = cells.get_mut(s as usize * k + g as usize) {
                    *c += 1;
                }
                tk(t) | u64::from(s) << s_shift | u64::from(g) << 1 | u64::from(e)
            }));
        }
    }
    keys.sort_unstable();
    (keys, cells)
}

/// Calls `row` with each run of keys that forms one row of the event table:
/// the keys of one distinct time, or with [`TimeFix::Tolerance`] of a run of
/// consecutive distinct times tied by R's rule (summed into the row of the
/// first, as the table does).
pub(crate) fn for_each_row(keys: &[u64], lay: Layout, time_fix: TimeFix, row: impl FnMut(&[u64])) {
    match time_fix {
        TimeFix::Exact => runs(keys, lay, |_, _| false, row),
        TimeFix::Tolerance => match mean_distinct(keys, lay) {
            Some(mean) => runs(keys, lay, tie_rule(mean), row),
            None => runs(keys, lay, |_, _| false, row),
        },
    }
}

/// [`for_each_row`] with the tie test `tied(previous distinct time, time)`.
#[inline(always)]
pub(crate) fn runs(
    keys: &[u64],
    lay: Layout,
    tied: impl Fn(f64, f64) -> bool,
    mut row: impl FnMut(&[u64]),
) {
    let low = lay.low;
    let Some(&first) = keys.first() else {
        return;
    };
    let mut start = 0;
    let mut prev_tk = first >> low;
    let mut prev_t = lay.time(prev_tk);
    for (i, &key) in keys.iter().enumerate().skip(1) {
        let tk = key >> low;
        if tk != prev_tk {
            let t = lay.time(tk);
            if !tied(prev_t, t) {
                row(keys.get(start..i).unwrap_or_default());
                start = i;
            }
            prev_tk = tk;
            prev_t = t;
        }
    }
    row(keys.get(start..).unwrap_or_default());
}

/// The mean of the distinct times (over all strata and groups, as R's
/// aeqSurv and the table's near-tie pass), summed in increasing order like
/// the table's column of times; `None` for fewer than two distinct times
/// (nothing to merge).
pub(crate) fn mean_distinct(keys: &[u64], lay: Layout) -> Option<f64> {
    let (distinct, mean) = distinct_time_mean(keys.iter().map(|&key| lay.time(key >> lay.low)));
    (distinct >= 2).then_some(mean)
}
