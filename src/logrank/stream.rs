//! The streaming log-rank test: one sort of packed keys and one sweep, no
//! event table. The key layout, the sort and the run cursor are the shared
//! ones of [`crate::sweep`].
//!
//! Each observation becomes one `u64` key holding its time, stratum, group
//! and event flag, in that order from the high bits down:
//!
//! ```text
//! key = tk << (s_bits + g_bits + 1) | stratum << (g_bits + 1) | group << 1 | event
//! tk  = 0                                for t = 0
//!       bits(t) − bits(t_min⁺) + 1       for t > 0   (t_min⁺: the smallest positive time)
//! ```
//!
//! A valid time is finite and ≥ 0 (`+0.0` after validation), so its bits
//! order like its value and `tk` keeps that order. The path applies only
//! when the largest `tk` fits above the low bits. One `sort_unstable` of the
//! keys then orders the data by time (then stratum, group, event), and one
//! sequential sweep cuts the keys into R's near-tie runs (the same
//! [`tie_rule`] on the same distinct times as the event table), counts the
//! events and the subjects leaving of each (stratum, group) in the run, and
//! feeds the row straight into the same per-row code as the table path
//! ([`TwoGroupSums::row`], [`general_row`]). The numbers at risk are the
//! group sizes minus the subjects already gone: integer counts, exact in
//! `f64`, so every row's inputs equal the table's and the sums are the same
//! operations in the same order.
//!
//! Two groups (one stratum or several) have their own loops
//! ([`two_arms`], [`two_arms_strata`]) that buffer the rows with events,
//! [`ROW_CHUNK`] at a time, before adding them in order; more than two groups
//! and the pairwise comparisons use the general loop over cells
//! ([`sweep_cells`]).

use super::{
    finish, general_row, general_row_into, LogRankResult, LogRankWeights, PairTest, RowSums, Sums,
    TwoGroupSums, MAX_VARIANCE_OPS,
};
use crate::data::SurvivalData;
use crate::error::Result;
use crate::event_table::TimeFix;
use crate::sweep::timefix::TieRule;
use crate::sweep::{for_each_row, layout, sorted_keys, tie_rule, Layout, Runs};
use crate::ErrorDetail;

/// At most this many (stratum, group) cells, or (stratum, pair) cells for
/// the pairwise comparisons, take the streaming path: it keeps up to a dozen
/// `f64` of state per cell (at most ~30 MiB at this bound, pairwise); beyond
/// it the event table, with its own budgets, is used.
const MAX_STREAM_CELLS: usize = 1 << 18;

/// Rows buffered by the two-arm sweep before their statistics are added
/// (8 KiB: stays in the L1 cache).
const ROW_CHUNK: usize = 256;

/// The log-rank test of all groups by the streaming path, or `None` when the
/// data need the event table: entry times, case weights, more than two
/// groups together with strata, too many strata × groups, data whose size
/// could approach the variance budget, or a time range too wide for the key.
///
/// # Errors
/// [`ErrorDetail::NoEvents`](crate::ErrorDetail::NoEvents) and the errors of [`finish`], as the table path.
pub(super) fn test(
    data: &SurvivalData,
    time_fix: TimeFix,
    weights: LogRankWeights,
) -> Result<Option<LogRankResult>> {
    let Some(sums) = sweep(data, time_fix, weights) else {
        return Ok(None);
    };
    let k = data.n_groups();
    let names: Vec<String> = data.group_names().iter().map(|s| s.to_string()).collect();
    let sel: Vec<usize> = (0..k).collect();
    match finish(sums, &names, &sel, weights, data.n_strata())? {
        (_, false) => Err(ErrorDetail::NoEvents {
            what: "log-rank test",
        }
        .into()),
        (res, true) => Ok(Some(res)),
    }
}

/// The key layout for `data`, or `None` when the streaming path does not
/// apply: entry times, case weights, fewer than two or too many groups ×
/// strata, data whose size could approach the variance budget (`n ·
/// ops_per_row`, an upper bound of the table path's `rows · ops_per_row`), or
/// a time range too wide for the key.
fn plan(data: &SurvivalData, k: usize, ops_per_row: u64) -> Option<Layout> {
    if data.entry().is_some() || data.weights().is_some() {
        return None;
    }
    let ns = data.n_strata();
    if k < 2 || k.checked_mul(ns)? > MAX_STREAM_CELLS {
        return None;
    }
    // Rows ≤ n: within this bound the table path's variance budget never
    // refuses these data (its table-size bound may; the stream needs no
    // table); beyond it the table decides.
    if (data.len() as u64).saturating_mul(ops_per_row) > MAX_VARIANCE_OPS {
        return None;
    }
    layout(data, k)
}

/// O, E, V and n of all groups by the streaming path, or `None` when it does
/// not apply (see [`test()`]).
fn sweep(data: &SurvivalData, time_fix: TimeFix, weights: LogRankWeights) -> Option<Sums> {
    let k = data.n_groups();
    let ns = data.n_strata();
    // More than two groups with strata: the table path sums the strata's rows
    // into one accumulator, which a time-ordered sweep cannot reproduce.
    if k > 2 && ns > 1 {
        return None;
    }
    let lay = plan(data, k, (k as u64).saturating_mul(k as u64))?;
    let (keys, cells) = sorted_keys(data, lay);
    let mut sums = Sums::zeros(k);
    sums.n = group_sizes(&cells, k);
    if let (&[n0, n1], 1) = (sums.n.as_slice(), ns) {
        // The two-arm trial: one tight loop, the state in registers.
        two_arms(&keys, lay, time_fix, [n0, n1], weights).add_to(&mut sums);
    } else if k == 2 {
        // Two groups in several strata: one running state per stratum, added
        // to the totals in stratum order (as the table path does).
        for st in &two_arms_strata(&keys, lay, time_fix, &cells, weights) {
            st.add_to(&mut sums);
        }
    } else {
        // More than two groups, one stratum: a loop with the group counts
        // in arrays for up to eight groups, else over the cells.
        match k {
            3 => few_groups::<3>(&keys, lay, time_fix, weights, &mut sums),
            4 => few_groups::<4>(&keys, lay, time_fix, weights, &mut sums),
            5 => few_groups::<5>(&keys, lay, time_fix, weights, &mut sums),
            6 => few_groups::<6>(&keys, lay, time_fix, weights, &mut sums),
            7 => few_groups::<7>(&keys, lay, time_fix, weights, &mut sums),
            8 => few_groups::<8>(&keys, lay, time_fix, weights, &mut sums),
            _ => {
                let (mut km, mut peto) = (1.0, 1.0);
                sweep_cells(&keys, lay, time_fix, &cells, k, |_, r, d| {
                    general_row(r, d, weights, &mut km, &mut peto, &mut sums);
                });
            }
        }
    }
    Some(sums)
}

/// The sweep of `K` groups in one stratum ([`sweep_cells`] with one
/// stratum): the row's events and leavers counted in arrays, and the row's
/// statistics by [`general_row`]'s code on arrays of `K` (its loops then
/// have a known length), from `sums.n` at risk; the sums start at zero in
/// the arrays and are copied to `sums` at the end. The same operations in
/// the same order as [`sweep_cells`], so the same sums.
fn few_groups<const K: usize>(
    keys: &[u64],
    lay: Layout,
    time_fix: TimeFix,
    weights: LogRankWeights,
    sums: &mut Sums,
) {
    // The plain log-rank weight as a constant (multiplications by 1.0 fold
    // away: same bits), as in `two_arms`.
    match weights {
        LogRankWeights::LogRank => {
            few_groups_with::<K>(keys, lay, time_fix, LogRankWeights::LogRank, sums)
        }
        w => few_groups_with::<K>(keys, lay, time_fix, w, sums),
    }
}

/// [`few_groups`] with the weights given (inlined twice).
#[inline(always)]
fn few_groups_with<const K: usize>(
    keys: &[u64],
    lay: Layout,
    time_fix: TimeFix,
    weights: LogRankWeights,
    sums: &mut Sums,
) {
    let mut risk = [0.0f64; K];
    for (r, &n) in risk.iter_mut().zip(&sums.n) {
        *r = n;
    }
    let (mut observed, mut expected) = ([0.0f64; K], [0.0f64; K]);
    let mut variance = [[0.0f64; K]; K];
    let mut events = sums.events;
    let g_mask = (1u64 << lay.g_bits) - 1;
    let (mut km, mut peto) = (1.0, 1.0);
    let mut runs = Runs::new(keys, lay, tie_rule(keys, lay, time_fix));
    {
        let mut out = RowSums {
            events: &mut events,
            observed: &mut observed,
            expected: &mut expected,
            variance: variance.as_flattened_mut(),
        };
        loop {
            let (mut dead, mut gone) = ([0.0f64; K], [0.0f64; K]);
            let row = runs.next_row(keys, |key| {
                // group < K by the layout (one stratum, K groups)
                let g = ((key >> 1) & g_mask) as usize;
                if let (Some(d), Some(l)) = (dead.get_mut(g), gone.get_mut(g)) {
                    *d += (key & 1) as f64;
                    *l += 1.0;
                }
            });
            if row.is_none() {
                break;
            }
            general_row_into(&risk, &dead, weights, &mut km, &mut peto, &mut out);
            for (r, l) in risk.iter_mut().zip(gone) {
                *r -= l;
            }
        }
    }
    // Fresh sums (only `n` set): the arrays' sums started from their zeros.
    sums.events = events;
    sums.observed = observed.to_vec();
    sums.expected = expected.to_vec();
    sums.variance = variance.as_flattened().to_vec();
}

/// The sweep of one stratum of two groups (the two-arm trial): the rows of
/// the run cursor ([`Runs`]) with their counts and the running sums in
/// locals, counting branch-free (the group and event bits select the
/// counters by multiplication, exact for these integer counts).
fn two_arms(
    keys: &[u64],
    lay: Layout,
    time_fix: TimeFix,
    n: [f64; 2],
    weights: LogRankWeights,
) -> TwoGroupSums {
    let rule = tie_rule(keys, lay, time_fix);
    // The plain log-rank weight as a constant, so that its loop carries no
    // weight function (multiplications by 1.0 fold away: same bits).
    match weights {
        LogRankWeights::LogRank => two_arms_with(keys, lay, rule, n, LogRankWeights::LogRank),
        w => two_arms_with(keys, lay, rule, n, w),
    }
}

/// [`two_arms`] with the weights given (inlined twice, once with the plain
/// log-rank weight as a constant).
#[inline(always)]
fn two_arms_with(
    keys: &[u64],
    lay: Layout,
    rule: TieRule,
    n: [f64; 2],
    weights: LogRankWeights,
) -> TwoGroupSums {
    let mut two = TwoGroupSums::NEW;
    let [mut r0, mut r1] = n;
    // Rows with events, `[a, b, da, db]`, gathered in a small buffer and fed
    // to the statistics in order: the sweep's counting and the statistics'
    // divisions then run as two short independent loops, and rows without
    // events (which add nothing) are dropped without a branch.
    let mut buf = [[0.0f64; 4]; ROW_CHUNK];
    let mut len = 0usize;
    let mut runs = Runs::new(keys, lay, rule);
    loop {
        // Events and subjects leaving in the row: all, and of group 1.
        let (mut d, mut d1, mut l, mut l1) = (0.0, 0.0, 0.0, 0.0);
        let row = runs.next_row(keys, |key| {
            let e = (key & 1) as f64;
            let g = ((key >> 1) & 1) as f64;
            d += e;
            d1 += e * g;
            l += 1.0;
            l1 += g;
        });
        if row.is_none() {
            break;
        }
        if let Some(slot) = buf.get_mut(len) {
            *slot = [r0, r1, d - d1, d1];
        }
        len += usize::from(d > 0.0);
        r0 -= l - l1;
        r1 -= l1;
        if len == ROW_CHUNK {
            for &[a, b, da, db] in &buf {
                two.row(a, b, da, db, weights);
            }
            len = 0;
        }
    }
    for &[a, b, da, db] in buf.get(..len).unwrap_or_default() {
        two.row(a, b, da, db, weights);
    }
    two
}

/// The sweep of two groups in several strata: [`two_arms`] with one set of
/// counters per stratum (a row's keys may come from several strata) and the
/// buffered rows tagged with their stratum; each stratum's rows reach its
/// running sums in time order, as on the table.
fn two_arms_strata(
    keys: &[u64],
    lay: Layout,
    time_fix: TimeFix,
    cells: &[u64],
    weights: LogRankWeights,
) -> Vec<TwoGroupSums> {
    let rule = tie_rule(keys, lay, time_fix);
    let ns = cells.len() / 2;
    let mut sw = StrataSweep {
        state: vec![TwoGroupSums::NEW; ns],
        risk: cells
            .chunks_exact(2)
            .map(|c| [c[0] as f64, c[1] as f64]) // chunks of 2
            .collect(),
        count: vec![[0.0; 4]; ns],
        touched: Vec::new(),
        listed: vec![false; ns],
        buf: [(0, [0.0; 4]); ROW_CHUNK],
        len: 0,
    };
    let s_shift = lay.g_bits + 1;
    let s_mask = (1u64 << (lay.low - s_shift)) - 1;
    let mut runs = Runs::new(keys, lay, rule);
    loop {
        let row = runs.next_row(keys, |key| {
            let s = ((key >> s_shift) & s_mask) as usize;
            if let (Some(c), Some(m)) = (sw.count.get_mut(s), sw.listed.get_mut(s)) {
                if !*m {
                    *m = true;
                    sw.touched.push(s);
                }
                let e = (key & 1) as f64;
                let g = ((key >> 1) & 1) as f64;
                c[0] += e;
                c[1] += e * g;
                c[2] += 1.0;
                c[3] += g;
            }
        });
        if row.is_none() {
            break;
        }
        sw.close_rows(weights);
    }
    add_rows(&sw.buf, &mut sw.len, &mut sw.state, weights);
    sw.state
}

/// The state of [`two_arms_strata`].
struct StrataSweep {
    /// Running sums per stratum.
    state: Vec<TwoGroupSums>,
    /// Numbers at risk of both groups, per stratum.
    risk: Vec<[f64; 2]>,
    /// The current row's events and leavers (all, and of group 1), per stratum.
    count: Vec<[f64; 4]>,
    /// The strata with a key in the current row, each listed once.
    touched: Vec<usize>,
    listed: Vec<bool>,
    /// Closed rows with events, `(stratum, [a, b, da, db])`: the first `len`
    /// are not yet added.
    buf: [(usize, [f64; 4]); ROW_CHUNK],
    len: usize,
}

impl StrataSweep {
    /// Closes the current row of every touched stratum: buffers it (kept
    /// when it had an event), removes its leavers from the risk sets and
    /// clears its counters.
    #[inline]
    fn close_rows(&mut self, weights: LogRankWeights) {
        let StrataSweep {
            state,
            risk,
            count,
            touched,
            listed,
            buf,
            len,
        } = self;
        for &s in touched.iter() {
            if *len == ROW_CHUNK {
                add_rows(buf, len, state, weights);
            }
            if let (Some(c), Some(r), Some(m)) =
                (count.get_mut(s), risk.get_mut(s), listed.get_mut(s))
            {
                let [d, d1, l, l1] = *c;
                // Written always, kept only with an event: no branch.
                if let Some(slot) = buf.get_mut(*len) {
                    *slot = (s, [r[0], r[1], d - d1, d1]);
                }
                *len += usize::from(d > 0.0);
                r[0] -= l - l1;
                r[1] -= l1;
                *c = [0.0; 4];
                *m = false;
            }
        }
        touched.clear();
    }
}

/// Adds the first `len` buffered rows, in order, to their strata's sums.
fn add_rows(
    buf: &[(usize, [f64; 4])],
    len: &mut usize,
    state: &mut [TwoGroupSums],
    weights: LogRankWeights,
) {
    for &(s, [a, b, da, db]) in buf.get(..*len).unwrap_or_default() {
        if let Some(st) = state.get_mut(s) {
            st.row(a, b, da, db, weights);
        }
    }
    *len = 0;
}

/// Subjects per group, summed over strata in stratum order (integers: exact),
/// as the table path sums each stratum's number at risk at its first time.
fn group_sizes(cells: &[u64], k: usize) -> Vec<f64> {
    let mut n = vec![0.0; k];
    for st in cells.chunks_exact(k.max(1)) {
        for (n, &c) in n.iter_mut().zip(st) {
            *n += c as f64;
        }
    }
    n
}

/// The sweep over (stratum, group) cells: for each row (run of keys, see
/// [`for_each_row`]) and each stratum with a key in it, calls
/// `row(stratum, at_risk, events)` with the stratum's `k` numbers at risk
/// and events, then removes the row's subjects from the risk sets.
fn sweep_cells(
    keys: &[u64],
    lay: Layout,
    time_fix: TimeFix,
    cells: &[u64],
    k: usize,
    mut row: impl FnMut(usize, &[f64], &[f64]),
) {
    let ns = cells.len() / k.max(1);
    let g_mask = (1u64 << lay.g_bits) - 1;
    let s_shift = lay.g_bits + 1;
    let s_mask = (1u64 << (lay.low - s_shift)) - 1;
    let mut risk: Vec<f64> = cells.iter().map(|&c| c as f64).collect();
    let mut dead = vec![0.0; cells.len()];
    let mut gone = vec![0.0; cells.len()];
    // The strata with a key in the current row, each listed once.
    let mut touched: Vec<usize> = Vec::new();
    let mut listed = vec![false; ns];
    for_each_row(keys, lay, time_fix, |run, _| {
        for &key in run {
            let s = ((key >> s_shift) & s_mask) as usize;
            let c = s * k + ((key >> 1) & g_mask) as usize;
            if let (Some(d), Some(l), Some(m)) =
                (dead.get_mut(c), gone.get_mut(c), listed.get_mut(s))
            {
                if !*m {
                    *m = true;
                    touched.push(s);
                }
                *d += (key & 1) as f64;
                *l += 1.0;
            }
        }
        for &s in &touched {
            let c = s * k..(s + 1) * k;
            if let (Some(r), Some(d), Some(l)) = (
                risk.get_mut(c.clone()),
                dead.get_mut(c.clone()),
                gone.get_mut(c),
            ) {
                row(s, r, d);
                for (r, l) in r.iter_mut().zip(l.iter_mut()) {
                    *r -= *l;
                    *l = 0.0;
                }
                d.fill(0.0);
            }
            if let Some(m) = listed.get_mut(s) {
                *m = false;
            }
        }
        touched.clear();
    });
}

/// Every pair's two-group test by the streaming path (each pair on its own
/// subjects, with the near ties of the whole data merged), in the order
/// (0, 1), (0, 2), …, (1, 2), …, with whether the pair had any event; or
/// `None` when the data need the event table.
///
/// # Errors
/// The errors of [`finish`], as the table path.
pub(super) fn pairwise(
    data: &SurvivalData,
    time_fix: TimeFix,
    weights: LogRankWeights,
) -> Result<Option<Vec<PairTest>>> {
    let k = data.n_groups();
    let ns = data.n_strata();
    let pairs: Vec<(usize, usize)> = (0..k)
        .flat_map(|a| (a + 1..k).map(move |b| (a, b)))
        .collect();
    let np = pairs.len();
    if np.saturating_mul(ns) > MAX_STREAM_CELLS {
        return Ok(None);
    }
    let Some(lay) = plan(data, k, (np as u64).saturating_mul(4)) else {
        return Ok(None);
    };
    let (keys, cells) = sorted_keys(data, lay);
    let n = group_sizes(&cells, k);
    let mut state = vec![TwoGroupSums::NEW; np * ns];
    sweep_cells(&keys, lay, time_fix, &cells, k, |s, r, d| {
        let st = state.get_mut(s * np..(s + 1) * np).unwrap_or_default();
        for (st, &(a, b)) in st.iter_mut().zip(&pairs) {
            if let (Some(&ra), Some(&rb), Some(&da), Some(&db)) =
                (r.get(a), r.get(b), d.get(a), d.get(b))
            {
                st.row(ra, rb, da, db, weights);
            }
        }
    });
    let names: Vec<String> = data.group_names().iter().map(|s| s.to_string()).collect();
    let mut out = Vec::with_capacity(np);
    for (p, &(a, b)) in pairs.iter().enumerate() {
        let mut sums = Sums::zeros(2);
        sums.n = vec![
            n.get(a).copied().unwrap_or(0.0),
            n.get(b).copied().unwrap_or(0.0),
        ];
        for st in state.iter().skip(p).step_by(np.max(1)) {
            st.add_to(&mut sums);
        }
        out.push((a, b, finish(sums, &names, &[a, b], weights, ns)?));
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::datasets::{aml, lung, ovarian, veteran};
    use crate::event_table::EventTable;
    use crate::logrank::{all_groups, test_groups};

    /// The reference data sets of tests/logrank.rs, built the same way.
    fn reference_data() -> Vec<(&'static str, SurvivalData)> {
        let lung_event: Vec<bool> = lung::STATUS.iter().map(|&s| s == 2).collect();
        let ecog: Vec<usize> = (0..lung::TIME.len())
            .filter(|&i| lung::PH_ECOG[i].is_some())
            .collect();
        let inst: Vec<usize> = (0..lung::TIME.len())
            .filter(|&i| lung::INST[i].is_some())
            .collect();
        let pick = |keep: &[usize]| -> (Vec<f64>, Vec<bool>) {
            (
                keep.iter().map(|&i| lung::TIME[i]).collect(),
                keep.iter().map(|&i| lung_event[i]).collect(),
            )
        };
        let (te, ee) = pick(&ecog);
        let (ti, ei) = pick(&inst);
        let ge: Vec<u32> = ecog
            .iter()
            .map(|&i| lung::PH_ECOG[i].unwrap_or(0.0) as u32)
            .collect();
        let gi: Vec<u8> = inst.iter().map(|&i| lung::SEX[i]).collect();
        let si: Vec<u32> = inst
            .iter()
            .map(|&i| lung::INST[i].unwrap_or(0.0) as u32)
            .collect();
        let ok = |r: Result<SurvivalData>| r.expect("reference data are valid");
        vec![
            (
                "aml",
                ok(SurvivalData::builder(&aml::TIME[..], aml::event())
                    .groups(&aml::X)
                    .build()),
            ),
            (
                "lung-sex",
                ok(SurvivalData::builder(&lung::TIME[..], lung_event.clone())
                    .groups(&lung::SEX)
                    .build()),
            ),
            (
                "lung-ecog",
                ok(SurvivalData::builder(te, ee).groups(&ge).build()),
            ),
            (
                "lung-sex-inst",
                ok(SurvivalData::builder(ti, ei)
                    .groups(&gi)
                    .strata(&si)
                    .build()),
            ),
            (
                "ovarian",
                ok(
                    SurvivalData::builder(&ovarian::FUTIME[..], ovarian::event())
                        .groups(&ovarian::RX)
                        .build(),
                ),
            ),
            (
                "veteran-trt-cell",
                ok(SurvivalData::builder(&veteran::TIME[..], veteran::event())
                    .groups(&veteran::TRT)
                    .strata(&veteran::CELLTYPE)
                    .build()),
            ),
            (
                "veteran-cell",
                ok(SurvivalData::builder(&veteran::TIME[..], veteran::event())
                    .groups(&veteran::CELLTYPE)
                    .build()),
            ),
        ]
    }

    const ALL_WEIGHTS: [LogRankWeights; 6] = [
        LogRankWeights::LogRank,
        LogRankWeights::FlemingHarrington {
            rho: 1.0,
            gamma: 0.0,
        },
        LogRankWeights::FlemingHarrington {
            rho: 0.5,
            gamma: 2.0,
        },
        LogRankWeights::GehanBreslow,
        LogRankWeights::TaroneWare,
        LogRankWeights::PetoPeto,
    ];

    /// Every reference data set of tests/logrank.rs (except the one with
    /// entry times) takes the streaming path, and gives exactly the table's
    /// numbers, bit for bit, for every weight and near-tie rule.
    #[test]
    fn reference_data_take_the_stream_and_equal_the_table() {
        for (name, data) in reference_data() {
            assert!(
                plan(&data, data.n_groups(), 1).is_some(),
                "{name} must take the streaming path"
            );
            for tf in [TimeFix::Tolerance, TimeFix::Exact] {
                let table = EventTable::from_data_with(&data, tf).expect("table");
                for w in ALL_WEIGHTS {
                    let a = test(&data, tf, w).expect("stream");
                    let b = test_groups(&table, &all_groups(data.n_groups()), w).ok();
                    assert_eq!(a, b, "{name} {tf:?} {w:?}");
                }
            }
        }
    }

    /// The same for every pair of groups.
    #[test]
    fn pairwise_equals_the_table() {
        for (name, data) in reference_data() {
            for tf in [TimeFix::Tolerance, TimeFix::Exact] {
                let table = EventTable::from_data_with(&data, tf).expect("table");
                for w in ALL_WEIGHTS {
                    let a = pairwise(&data, tf, w).expect("stream");
                    let a = a.expect("the stream applies");
                    let mut i = 0;
                    for x in 0..data.n_groups() {
                        for y in x + 1..data.n_groups() {
                            let b = crate::logrank::test_sel(&table, &[x, y], w).expect("table");
                            assert_eq!(a.get(i), Some(&(x, y, b)), "{name} {tf:?} {w:?}");
                            i += 1;
                        }
                    }
                    assert_eq!(a.len(), i);
                }
            }
        }
    }

    /// More strata in one row than the two-arm buffer holds (all 600 strata
    /// share each time, against 256 buffered rows): the buffer is emptied
    /// within the row. (With 600 strata the key keeps 52 bits for the time:
    /// one binade, [1, 2) here.)
    #[test]
    fn many_strata_in_one_row_equal_the_table() {
        let (mut t, mut e, mut g, mut st) = (vec![], vec![], vec![], vec![]);
        for s in 0..600u32 {
            for (i, time) in [1.0, 1.25, 1.25 + 1e-9, 1.5].into_iter().enumerate() {
                t.push(time);
                e.push(!(i + s as usize).is_multiple_of(3));
                g.push(i % 2);
                st.push(s);
            }
        }
        let data = SurvivalData::builder(t, e)
            .groups(&g)
            .strata(&st)
            .build()
            .expect("valid");
        assert!(plan(&data, 2, 4).is_some());
        for tf in [TimeFix::Tolerance, TimeFix::Exact] {
            let table = EventTable::from_data_with(&data, tf).expect("table");
            for w in ALL_WEIGHTS {
                let a = test(&data, tf, w).expect("stream");
                let b = test_groups(&table, &all_groups(2), w).expect("table test");
                assert_eq!(a, Some(b), "{tf:?} {w:?}");
            }
        }
    }

    #[test]
    fn keys_keep_the_order_of_times() {
        // 1e-200 .. 7.5e10 spans fewer than 1024 binades: the time part
        // needs fewer than 62 bits.
        let t = vec![0.0, 1e-200, 1.0, 1.0 + f64::EPSILON, 7.5e10, 7.5e10];
        let data = SurvivalData::builder(t.clone(), vec![true; t.len()])
            .groups(&[0, 1, 0, 1, 0, 1])
            .build()
            .expect("valid");
        let lay = plan(&data, 2, 4).expect("fits");
        let (keys, cells) = sorted_keys(&data, lay);
        assert_eq!(cells, vec![3, 3]);
        let back: Vec<f64> = keys.iter().map(|&k| lay.time(k >> lay.low)).collect();
        assert_eq!(back, t);
        // The smallest subnormal and f64::MAX: the range needs 63 bits.
        let wide = SurvivalData::builder(vec![5e-324, 1.0, f64::MAX], vec![true; 3])
            .groups(&[0, 1, 0])
            .build()
            .expect("valid");
        assert!(plan(&wide, 2, 4).is_none());
    }
}
