//! The per-row log-rank kernel: O, E and V of the selected groups summed
//! over the event table, the two-group form, and the chi-square from them.

use super::*;

/// O, E (length m) and V (m × m, row-major) of the selected groups, with n.
pub(crate) struct Sums {
    pub(crate) n: Vec<f64>,
    pub(crate) observed: Vec<f64>,
    pub(crate) expected: Vec<f64>,
    pub(crate) variance: Vec<f64>,
    pub(crate) events: f64,
}

impl Sums {
    /// Zero sums for `m` groups.
    pub(crate) fn zeros(m: usize) -> Self {
        Sums {
            n: vec![0.0; m],
            observed: vec![0.0; m],
            expected: vec![0.0; m],
            variance: vec![0.0; m * m],
            events: 0.0,
        }
    }
}

/// Accumulates the score statistics of the groups `sel` over all strata.
pub(super) fn accumulate(table: &EventTable, sel: &[usize], weights: LogRankWeights) -> Sums {
    let m = sel.len();
    let mut s = Sums::zeros(m);
    let mut risk: Vec<&[f64]> = Vec::with_capacity(m);
    let mut event: Vec<&[f64]> = Vec::with_capacity(m);
    // The numbers at risk and the events of the current row, gathered once
    // per row so that the m² update reads contiguous buffers instead of m
    // columns.
    let mut at_risk: Vec<f64> = Vec::with_capacity(m);
    let mut dead: Vec<f64> = Vec::with_capacity(m);
    for st in table.strata() {
        risk.clear();
        event.clear();
        for (j, g) in sel.iter().filter_map(|&g| st.group(g)).enumerate() {
            risk.push(g.n_risk());
            event.push(g.n_event());
            if let Some(nj) = s.n.get_mut(j) {
                // Without entries everyone is at risk at the first time (a
                // declared stratum without rows has no first time: nobody).
                *nj += match g.n_enter() {
                    None => g.n_risk().first().map_or(0.0, |&n| n),
                    Some(_) => g.n_event().iter().sum::<f64>() + g.n_censor().iter().sum::<f64>(),
                };
            }
        }
        if let ([r0, r1], [e0, e1]) = (risk.as_slice(), event.as_slice()) {
            let mut two = TwoGroupSums::NEW;
            for (((&a, &b), &da), &db) in r0.iter().zip(*r1).zip(*e0).zip(*e1) {
                two.row(a, b, da, db, weights);
            }
            two.add_to(&mut s);
            continue;
        }
        let rows = st.times().len();
        // Pooled left-continuous Kaplan-Meier S(t−) and Peto-Peto S̃(t).
        let mut km = 1.0;
        let mut peto = 1.0;
        for i in 0..rows {
            at_risk.clear();
            dead.clear();
            for (r, e) in risk.iter().zip(&event) {
                // Every group's column of the stratum has `rows` entries.
                at_risk.push(r[i]);
                dead.push(e[i]);
            }
            general_row(&at_risk, &dead, weights, &mut km, &mut peto, &mut s);
        }
    }
    s
}

/// One row (distinct time) of the k-group loop: with `at_risk` and `dead`
/// the numbers at risk and the events of each selected group, adds the
/// row's terms to `O`, `E` and `V` and updates the pooled Kaplan-Meier `km`
/// (S(t−)) and Peto-Peto `peto` estimates. Rows without events or without
/// anyone at risk add nothing. The event table and the streaming path
/// ([`stream`]) both call it, so their sums are the same operations in the
/// same order.
#[inline]
pub(crate) fn general_row(
    at_risk: &[f64],
    dead: &[f64],
    weights: LogRankWeights,
    km: &mut f64,
    peto: &mut f64,
    s: &mut Sums,
) {
    let mut out = RowSums {
        events: &mut s.events,
        observed: &mut s.observed,
        expected: &mut s.expected,
        variance: &mut s.variance,
    };
    general_row_into(at_risk, dead, weights, km, peto, &mut out);
}

/// Where [`general_row_into`] adds a row's terms: the fields of [`Sums`],
/// or arrays of a fixed number of groups (the streaming sweep of a few
/// groups, whose loops then have a known length and unroll).
pub(crate) struct RowSums<'a> {
    pub(crate) events: &'a mut f64,
    pub(crate) observed: &'a mut [f64],
    pub(crate) expected: &'a mut [f64],
    /// Row-major, `m × m`.
    pub(crate) variance: &'a mut [f64],
}

/// The body of [`general_row`], always inlined, adding to `s`.
#[inline(always)]
pub(crate) fn general_row_into(
    at_risk: &[f64],
    dead: &[f64],
    weights: LogRankWeights,
    km: &mut f64,
    peto: &mut f64,
    s: &mut RowSums<'_>,
) {
    let m = at_risk.len();
    let mut n = 0.0;
    let mut d = 0.0;
    for (&r, &e) in at_risk.iter().zip(dead) {
        n += r;
        d += e;
    }
    if d <= 0.0 || n <= 0.0 {
        return;
    }
    if weights.uses_peto() {
        *peto *= 1.0 - d / (n + 1.0);
    }
    let w = weights.weight(n, *km, *peto);
    if weights.uses_km() {
        *km *= (n - d) / n;
    }
    *s.events += d;
    let dn = w * d / n;
    for (((o, x), &e), &r) in s
        .observed
        .iter_mut()
        .zip(s.expected.iter_mut())
        .zip(dead)
        .zip(at_risk)
    {
        *o += w * e;
        *x += dn * r;
    }
    if n > 1.0 {
        let f = w * w * d * (n - d) / (n * (n - 1.0));
        for (j, (row, &rj)) in s
            .variance
            .chunks_exact_mut(m.max(1))
            .zip(at_risk)
            .enumerate()
        {
            let t = f * rj;
            if let Some(vjj) = row.get_mut(j) {
                *vjj += t;
            }
            for (v, &rk) in row.iter_mut().zip(at_risk) {
                *v -= t * rk / n;
            }
        }
    }
}

/// The running sums of one stratum of a two-group test: the loop of
/// [`accumulate`] for two groups, with the same formulas as
/// [`general_row`] but without its indirections (the two-group test is the
/// common, large case). The event table and the streaming path ([`stream`])
/// both feed it, row by row, so their sums agree bit for bit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TwoGroupSums {
    pub(super) o0: f64,
    pub(super) o1: f64,
    pub(super) x0: f64,
    pub(super) x1: f64,
    pub(super) v00: f64,
    pub(super) v01: f64,
    pub(super) v10: f64,
    pub(super) v11: f64,
    pub(super) events: f64,
    /// Pooled left-continuous Kaplan-Meier S(t−).
    pub(super) km: f64,
    /// Pooled Peto-Peto S̃(t).
    pub(super) peto: f64,
}

impl TwoGroupSums {
    /// The sums before the first row of a stratum.
    pub(crate) const NEW: Self = TwoGroupSums {
        o0: 0.0,
        o1: 0.0,
        x0: 0.0,
        x1: 0.0,
        v00: 0.0,
        v01: 0.0,
        v10: 0.0,
        v11: 0.0,
        events: 0.0,
        km: 1.0,
        peto: 1.0,
    };

    /// Adds the row with `a` and `b` at risk and `da` and `db` events in the
    /// two groups (nothing when the row has no event or no one at risk).
    #[inline(always)]
    pub(crate) fn row(&mut self, a: f64, b: f64, da: f64, db: f64, weights: LogRankWeights) {
        let n = a + b;
        let d = da + db;
        if d <= 0.0 || n <= 0.0 {
            return;
        }
        if weights.uses_peto() {
            self.peto *= 1.0 - d / (n + 1.0);
        }
        let w = weights.weight(n, self.km, self.peto);
        if weights.uses_km() {
            self.km *= (n - d) / n;
        }
        self.events += d;
        let dn = w * d / n;
        self.o0 += w * da;
        self.o1 += w * db;
        self.x0 += dn * a;
        self.x1 += dn * b;
        if n > 1.0 {
            let f = w * w * d * (n - d) / (n * (n - 1.0));
            let t0 = f * a;
            let t1 = f * b;
            self.v00 += t0;
            self.v00 -= t0 * a / n;
            self.v01 -= t0 * b / n;
            self.v11 += t1;
            self.v10 -= t1 * a / n;
            self.v11 -= t1 * b / n;
        }
    }

    /// Adds this stratum's sums to the totals over strata.
    pub(crate) fn add_to(&self, s: &mut Sums) {
        if let ([so0, so1], [sx0, sx1], [sv00, sv01, sv10, sv11]) = (
            s.observed.as_mut_slice(),
            s.expected.as_mut_slice(),
            s.variance.as_mut_slice(),
        ) {
            *so0 += self.o0;
            *so1 += self.o1;
            *sx0 += self.x0;
            *sx1 += self.x1;
            *sv00 += self.v00;
            *sv01 += self.v01;
            *sv10 += self.v10;
            *sv11 += self.v11;
        }
        s.events += self.events;
    }
}

/// The log-rank test of the groups `sel` of `table`.
pub(crate) fn test_groups(
    table: &EventTable,
    sel: &[usize],
    weights: LogRankWeights,
) -> Result<LogRankResult> {
    match test_sel(table, sel, weights)? {
        (_, false) => Err(ErrorDetail::NoEvents {
            what: "log-rank test",
        }
        .into()),
        (res, true) => Ok(res),
    }
}

/// The log-rank test of the groups `sel`, and whether they had any event;
/// without events the result is the degenerate test (O = E = V = 0, χ² = 0
/// on 0 df, p = 1).
pub(crate) fn test_sel(
    table: &EventTable,
    sel: &[usize],
    weights: LogRankWeights,
) -> Result<(LogRankResult, bool)> {
    let sums = accumulate(table, sel, weights);
    finish(sums, table.group_names(), sel, weights, table.n_strata())
}

/// The test from the accumulated sums of the groups `sel` (indices into
/// `names`), and whether they had any event.
pub(crate) fn finish(
    sums: Sums,
    names: &[String],
    sel: &[usize],
    weights: LogRankWeights,
    n_strata: usize,
) -> Result<(LogRankResult, bool)> {
    if let Some(j) = sums.n.iter().position(|&n| n <= 0.0) {
        return Err(ErrorDetail::EmptyGroup {
            what: "group",
            // sums.n has one entry per selected group; sel indexes names.
            level: names[sel[j]].clone(),
        }
        .into());
    }
    // Finite case weights can still overflow their sums (weights near
    // f64::MAX): a typed error rather than a NaN χ².
    if let Some(&value) = sums
        .n
        .iter()
        .chain(&sums.observed)
        .chain(&sums.expected)
        .chain(&sums.variance)
        .find(|x| !x.is_finite())
    {
        return Err(ErrorDetail::InvalidParameter {
            what: "log-rank sums of case weights",
            constraint: "finite (the case weights are too large: their sums overflow)",
            value,
        }
        .into());
    }
    let has_events = sums.events > 0.0;
    let m = sel.len();
    let used: Vec<usize> = (0..m).filter(|&j| sums.expected[j] > 0.0).collect();
    let (chisq, df) = if used.len() < 2 {
        (0.0, 0)
    } else {
        let keep = &used[1..];
        let u: Vec<f64> = keep
            .iter()
            .map(|&j| sums.observed[j] - sums.expected[j])
            .collect();
        let v: Vec<f64> = keep
            .iter()
            .flat_map(|&a| keep.iter().map(move |&b| (a, b)))
            .map(|(a, b)| sums.variance[a * m + b])
            .collect();
        quadratic_form(&v, &u)
    };
    let p_value = if df == 0 {
        1.0
    } else {
        chisq_sf(chisq, df as f64)
    };
    let res = LogRankResult {
        group_names: sel
            .iter()
            .map(|&g| names[g].clone()) // sel indexes the table's groups
            .collect(),
        n: sums.n,
        observed: sums.observed,
        expected: sums.expected,
        variance: sums.variance,
        chisq,
        df,
        p_value,
        weights,
        n_strata,
    };
    Ok((res, has_events))
}
