//! The routes from data to Kaplan-Meier curves: the one-curve fit and the
//! multi-curve fit read the packed-key sweep ([`crate::sweep`]); weighted,
//! left-truncated and pre-aggregated data go through the [`EventTable`].
//! All three give the same curves bit for bit (property tests).

use super::curve::{Cache, KaplanMeierFit, SurvivalCurve};
use super::KaplanMeier;
use crate::curve_counts::{Counts, UnitCounts};
use crate::data::SurvivalData;
use crate::error::Result;
use crate::event_table::EventTable;
use crate::interval::{CiTransform, ConfidenceLevel};
use crate::sweep::{self, timefix::TieRule, Runs};
use crate::ErrorDetail;

/// Largest number of subjects fitted by the packed one-curve path: counts
/// up to 2⁵³ are exact in f64, so its arithmetic equals the event table's.
const MAX_UNIT_SUBJECTS: u64 = 1 << 53;

/// Most curves fitted by the packed-key sweep (a few words of state per
/// curve); more go through the event table.
const MAX_SWEEP_CURVES: usize = 1 << 16;

impl KaplanMeier {
    /// The one-curve fit of unweighted data without entry times, straight
    /// from the sorted keys (no event table): `None` when the data have
    /// weights, entries, several groups or strata.
    ///
    /// The shared packed keys without group or stratum bits (`tk << 1 |
    /// event`, [`crate::sweep`]), sorted once; a first pass
    /// counts the distinct times and sums them (R's near-tie rule needs
    /// their mean); a second pass (the run cursor, [`Runs`]) merges near
    /// ties exactly as the event table's one-bucket build and packs the counts (one byte a row),
    /// writing the row times over the keys already read, so the key buffer
    /// becomes the time column; a third pass multiplies out `S`. Peak
    /// memory: the keys (8 bytes an observation) plus 9 bytes a row.
    pub(super) fn fit_unit(
        &self,
        data: &SurvivalData,
        reverse: bool,
    ) -> Result<Option<KaplanMeierFit>> {
        let n = data.len();
        if data.weights().is_some()
            || data.entry().is_some()
            || data.n_groups() != 1
            || data.n_strata() != 1
            || n as u64 > MAX_UNIT_SUBJECTS
        {
            return Ok(None);
        }
        let Some(lay) = sweep::layout(data, 1) else {
            return Ok(None);
        };
        let z = self.conf_level.z();
        let (mut keys, _) = sweep::sorted_keys(data, lay);
        let (distinct, mean) = sweep::distinct_times(&keys, lay);
        let rule = TieRule::for_distinct(self.time_fix, distinct, mean);
        let mut counts = UnitCounts::with_capacity(n as u64, distinct);
        // Each row's time bits overwrite a key already read: row `w` ends
        // after its own keys, which start at index ≥ `w`.
        let flip = u64::from(reverse);
        let mut runs = Runs::new(&keys, lay, rule);
        let mut w = 0;
        loop {
            let (mut d, mut c) = (0u64, 0u64);
            let Some(row) = runs.next_row(&keys, |key| {
                let event = (key & 1) ^ flip;
                d += event;
                c += event ^ 1;
            }) else {
                break;
            };
            if let Some(slot) = keys.get_mut(w) {
                *slot = row.time.to_bits();
            }
            w += 1;
            counts.push(d, c);
        }
        keys.truncate(w);
        // Same size and alignment: the standard library collects in place.
        let mut time: Vec<f64> = keys.into_iter().map(f64::from_bits).collect();
        time.shrink_to_fit();
        let group = data
            .group_names()
            .first()
            .map_or_else(String::new, |g| g.to_string());
        let stratum = data
            .stratum_names()
            .first()
            .map_or_else(String::new, |g| g.to_string());
        let curve = unit_curve(self.curve_info(group, stratum, 1, 1, z), time, counts);
        Ok(Some(KaplanMeierFit {
            curves: vec![curve],
            conf_level: self.conf_level,
            transform: self.transform,
        }))
    }

    /// The curves of unweighted data without entry times and with several
    /// groups or strata, from the shared packed-key sweep ([`crate::sweep`]):
    /// one sort of `time | stratum | group | event` keys, one pass
    /// over R's near-tie runs that appends each run to the curves of the
    /// (group, stratum) cells present in it (row time: the run's first time,
    /// as the event table), then `S` per curve. `None` when the data need
    /// the event table (weights, entries, one curve, a time range too wide
    /// for the key, more than [`MAX_SWEEP_CURVES`] curves). Bit for bit the
    /// event-table path's curves (integer counts, the same rows and the same
    /// products; a property test checks it).
    pub(super) fn fit_sweep(
        &self,
        data: &SurvivalData,
        reverse: bool,
    ) -> Result<Option<KaplanMeierFit>> {
        let (k, m) = (data.n_groups(), data.n_strata());
        let cells = k.saturating_mul(m);
        if !(2..=MAX_SWEEP_CURVES).contains(&cells) || data.len() as u64 > MAX_UNIT_SUBJECTS {
            return Ok(None);
        }
        let Some(lay) = sweep::layout(data, k) else {
            return Ok(None);
        };
        let z = self.conf_level.z();
        let mut slots: Vec<Option<(Vec<f64>, UnitCounts)>> = sweep_cells(data, lay, self, reverse)
            .into_iter()
            .map(Some)
            .collect();
        let group_names = data.group_names();
        let stratum_names = data.stratum_names();
        let mut curves = Vec::with_capacity(cells);
        for g in 0..k {
            for st in 0..m {
                let (time, counts) = slots
                    .get_mut(st * k + g)
                    .and_then(Option::take)
                    .expect("one slot per (group, stratum) cell");
                let group = group_names
                    .get(g)
                    .map_or_else(String::new, |s| s.to_string());
                let stratum = stratum_names
                    .get(st)
                    .map_or_else(String::new, |s| s.to_string());
                if time.is_empty() {
                    if m == 1 {
                        return Err(ErrorDetail::EmptyGroup {
                            what: "group",
                            level: group,
                        }
                        .into());
                    }
                    continue;
                }
                let info = self.curve_info(group, stratum, k, m, z);
                curves.push(unit_curve(info, time, counts));
            }
        }
        Ok(Some(KaplanMeierFit {
            curves,
            conf_level: self.conf_level,
            transform: self.transform,
        }))
    }

    /// The description of the curve of `group` in `stratum` of data with
    /// `k` groups and `m` strata; its name is R's: the group's, the
    /// stratum's, or `"group, stratum"`.
    fn curve_info(&self, group: String, stratum: String, k: usize, m: usize, z: f64) -> CurveInfo {
        let name = if m == 1 {
            group.clone()
        } else if k == 1 {
            stratum.clone()
        } else {
            format!("{group}, {stratum}")
        };
        CurveInfo {
            name,
            group,
            stratum,
            conf_level: self.conf_level,
            transform: self.transform,
            z,
        }
    }

    /// Fits a table the caller no longer needs: a one-group table hands its
    /// columns to the curve without a copy.
    pub(super) fn fit_owned(&self, table: EventTable, reverse: bool) -> Result<KaplanMeierFit> {
        let name = table.group_names().first().cloned().unwrap_or_default();
        let stratum = table.stratum_names().first().cloned().unwrap_or_default();
        if !table.is_single() {
            return self.fit_impl(&table, reverse);
        }
        let [time, n_risk, n_event, n_censor] = table.into_columns();
        let (n_event, n_censor) = if reverse {
            (n_censor, n_event)
        } else {
            (n_event, n_censor)
        };
        let curve = SurvivalCurve::from_columns(
            [time, n_risk, n_event, n_censor],
            self.curve_info(name, stratum, 1, 1, self.conf_level.z()),
        );
        if curve.time.is_empty() {
            return Err(ErrorDetail::EmptyGroup {
                what: "group",
                level: curve.group,
            }
            .into());
        }
        Ok(KaplanMeierFit {
            curves: vec![curve],
            conf_level: self.conf_level,
            transform: self.transform,
        })
    }

    pub(super) fn fit_impl(&self, table: &EventTable, reverse: bool) -> Result<KaplanMeierFit> {
        let z = self.conf_level.z();
        let k = table.n_groups();
        let m = table.n_strata();
        let mut curves = Vec::with_capacity(k * m);
        for g in 0..k {
            for stratum in table.strata() {
                let Some(counts) = stratum.group(g) else {
                    continue;
                };
                let group_name = table.group_names().get(g).cloned().unwrap_or_default();
                let stratum_name = stratum.name().to_owned();
                let info = self.curve_info(group_name, stratum_name, k, m, z);
                let curve = SurvivalCurve::from_counts(&counts, reverse, info);
                if curve.time.is_empty() {
                    if m == 1 {
                        return Err(ErrorDetail::EmptyGroup {
                            what: "group",
                            level: curve.group,
                        }
                        .into());
                    }
                    continue;
                }
                curves.push(curve);
            }
        }
        if curves.is_empty() {
            return Err(ErrorDetail::EmptyInput {
                what: "event table",
            }
            .into());
        }
        Ok(KaplanMeierFit {
            curves,
            conf_level: self.conf_level,
            transform: self.transform,
        })
    }
}

pub(super) struct CurveInfo {
    pub(super) name: String,
    pub(super) group: String,
    pub(super) stratum: String,
    pub(super) conf_level: ConfidenceLevel,
    pub(super) transform: CiTransform,
    pub(super) z: f64,
}

/// The curve of byte-packed unit counts.
fn unit_curve(info: CurveInfo, time: Vec<f64>, counts: UnitCounts) -> SurvivalCurve {
    let surv = counts.survival();
    SurvivalCurve {
        name: info.name,
        group: info.group,
        stratum: info.stratum,
        time,
        counts: Counts::Unit(counts),
        surv,
        conf_level: info.conf_level,
        transform: info.transform,
        z: info.z,
        cache: Cache::default(),
    }
}

/// One pass of the run cursor over the sorted keys of `data` (R's near-tie
/// runs): each run is appended to the rows of the (group, stratum) cells
/// present in it (row time: the run's first time, as the event table).
/// Returns each cell's row times and counts, cell `stratum · k + group`.
fn sweep_cells(
    data: &SurvivalData,
    lay: sweep::Layout,
    km: &KaplanMeier,
    reverse: bool,
) -> Vec<(Vec<f64>, UnitCounts)> {
    let k = data.n_groups();
    let (keys, sizes) = sweep::sorted_keys(data, lay);
    let cells = sizes.len();
    // R's near-tie rule from the distinct times, whose number also bounds
    // every curve's rows (columns sized once, no regrowth).
    let (distinct, mean) = sweep::distinct_times(&keys, lay);
    let rule = TieRule::for_distinct(km.time_fix, distinct, mean);
    let mut time: Vec<Vec<f64>> = sizes
        .iter()
        .map(|&size| Vec::with_capacity(distinct.min(size as usize)))
        .collect();
    let mut counts: Vec<UnitCounts> = sizes
        .iter()
        .map(|&size| UnitCounts::with_capacity(size, distinct.min(size as usize)))
        .collect();
    // Events and censored of each cell in the open run, and the cells
    // the run touched (in order of first key).
    let mut run_counts = vec![(0u64, 0u64); cells];
    let mut touched: Vec<usize> = Vec::new();
    let (g_bits, flip) = (lay.g_bits, u64::from(reverse));
    let g_mask = (1u64 << g_bits) - 1;
    let code_mask = (1u64 << (lay.low - 1)) - 1;
    // stratum < m and group < k by the layout
    let cell_of = |key: u64| {
        let code = (key >> 1) & code_mask;
        (code >> g_bits) as usize * k + (code & g_mask) as usize
    };
    let mut runs = Runs::new(&keys, lay, rule);
    loop {
        let (mut first, mut len) = (0u64, 0usize);
        let Some(row) = runs.next_row(&keys, |key| {
            if len == 0 {
                first = key;
            }
            len += 1;
        }) else {
            break;
        };
        let t = row.time;
        if len == 1 {
            // One subject (most rows of continuous times): its cell's row,
            // as the general case below makes it.
            let cell = cell_of(first);
            let event = (first & 1) ^ flip;
            if let (Some(tc), Some(uc)) = (time.get_mut(cell), counts.get_mut(cell)) {
                tc.push(t);
                uc.push(event, event ^ 1);
            }
            continue;
        }
        for &key in keys.get(row.keys).expect("a row of these keys") {
            let cell = cell_of(key);
            let event = (key & 1) ^ flip;
            if let Some(rc) = run_counts.get_mut(cell) {
                if rc.0 + rc.1 == 0 {
                    touched.push(cell);
                }
                rc.0 += event;
                rc.1 += event ^ 1;
            }
        }
        for &cell in &touched {
            if let (Some(rc), Some(tc), Some(uc)) = (
                run_counts.get_mut(cell),
                time.get_mut(cell),
                counts.get_mut(cell),
            ) {
                tc.push(t);
                uc.push(rc.0, rc.1);
                *rc = (0, 0);
            }
        }
        touched.clear();
    }
    time.into_iter().zip(counts).collect()
}
