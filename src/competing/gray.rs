//! Gray's (1988) K-sample test of equal cumulative incidence, as
//! `cmprsk::cuminc` computes it (its `crstm`), with strata and `ρ`.

use crate::competing::table::{cell_rows, CellRows, Runs};
use crate::competing::CompetingRisksData;
use crate::special::chisq_sf;

/// Gray's test of equal cumulative incidence of one cause across groups.
///
/// # Method
/// For the cause of interest, group `g`'s subdistribution hazard is compared
/// with the pooled one. At each distinct time `t` of a stratum, with `nᵍ` at
/// risk, `Sᵍ(t−)` the group's all-cause Kaplan-Meier survival, `Fᵍ(t−)` its
/// cumulative incidence of the cause and `d₁ᵍ` its events of the cause,
///
/// ```text
/// Rᵍ(t)  = nᵍ (1 − Fᵍ(t−)) / Sᵍ(t−)              the subdistribution risk set
/// hᵍ(t)  = nᵍ / Sᵍ(t−),   h = Σ_g hᵍ,   R = Σ_g Rᵍ,   d₁ = Σ_g d₁ᵍ
/// F⁰(t)  = F⁰(t−) + d₁ / h                      the pooled cumulative incidence
/// W(t)   = (1 − F⁰(t−))^ρ                       the weight (ρ = 0: W = 1)
/// scoreᵍ = Σ_t W(t) (d₁ᵍ − d₁ Rᵍ / R),          g = 1 … G − 1
/// ```
///
/// The variance of the scores is Gray's (1988, section 2) martingale
/// estimator: with `a_gk(t) = W hᵍ (δ_gk − hᵏ / h)` and
/// `c_gk(t) = Σ_{s ≤ t} a_gk(s) d₁(s) / (h(s) (1 − F⁰(s−)))`, the
/// contributions of the cause's events (`t4 = 1 − (1 − F⁰(t)) / Sᵏ(t)`,
/// `t3 = t5 Sᵏ(t−) d₁ / (h nᵏ)`, `t5 = 1 − (d₁ − 1)/(h Sᵏ(t−) − 1)`) and of
/// the other causes' events in each group (`t4 = (1 − F⁰(t)) / Sᵏ(t)`,
/// `t3 = t5 Sᵏ(t−)² d₂ᵏ / nᵏ²`, `t5 = 1 − (d₂ᵏ − 1)/(nᵏ − 1)`) are summed as
/// `Σ_k (a_gk − t4 c_gk)(a_jk − t4 c_jk) t3` over time, with the `c` terms
/// completed at the end of the stratum as cmprsk's `crst` does. Scores and
/// variances add over strata; the statistic is
///
/// ```text
/// X² = scoreᵀ V⁻¹ score  ~  χ²(G − 1)
/// ```
///
/// `V` is inverted by Gaussian elimination with partial pivoting; a pivot
/// below `1e-7` times its column's largest entry makes `V` singular (R's
/// `qr()` default tolerance) and the test is not available.
///
/// # Conventions
/// `cmprsk::cuminc(ftime, fstatus, group, strata, rho)$Tests`: `stat`,
/// `pv`, `df`. cmprsk's `pv` is `1 - pchisq(stat, df)`, which loses every
/// digit below about 1e-16; survkit's p-value is the upper tail computed
/// directly (equal to R's `pchisq(stat, df, lower.tail = FALSE)`). cmprsk
/// squares integer risk-set sizes (overflowing above 46 340 subjects per
/// group); survkit computes in `f64`.
///
/// # Errors
/// None: the test comes with [`CumulativeIncidence::fit`](crate::CumulativeIncidence::fit).
///
/// # Example
/// ```
/// use survkit::{datasets::mgus2, CompetingRisksData, CumulativeIncidence};
/// let data = CompetingRisksData::builder(mgus2::competing_time(), mgus2::competing_cause())
///     .group_levels(&mgus2::SEX, &mgus2::SEX_LEVELS)
///     .build()?;
/// let fit = CumulativeIncidence::new().fit(&data)?;
/// // R: cuminc(etime, event, sex)$Tests: progression 1.194508, p = 0.2744
/// let pcm = fit.gray_test(1).ok_or("no test")?;
/// assert_eq!(pcm.df(), 1);
/// assert!((pcm.statistic() - 1.194508).abs() < 1e-6);
/// assert!((pcm.p_value() - 0.274422157).abs() < 1e-8);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # References
/// - Gray, R. J. (1988). A class of K-sample tests for comparing the
///   cumulative incidence of a competing risk. *Ann. Statist.* 16,
///   1141–1154. doi:10.1214/aos/1176350951
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct GrayTest {
    cause: u32,
    statistic: f64,
    df: usize,
    p_value: f64,
    scores: Vec<f64>,
    variance: Vec<Vec<f64>>,
    rho: f64,
}

impl GrayTest {
    /// The cause code tested.
    pub fn cause(&self) -> u32 {
        self.cause
    }

    /// The chi-square statistic `scoreᵀ V⁻¹ score`.
    pub fn statistic(&self) -> f64 {
        self.statistic
    }

    /// Degrees of freedom: groups − 1.
    pub fn df(&self) -> usize {
        self.df
    }

    /// The upper chi-square tail of the statistic.
    pub fn p_value(&self) -> f64 {
        self.p_value
    }

    /// The scores of the first G − 1 groups (summed over strata).
    pub fn scores(&self) -> &[f64] {
        &self.scores
    }

    /// Their variance matrix, (G − 1) × (G − 1).
    pub fn variance(&self) -> &[Vec<f64>] {
        &self.variance
    }

    /// The weight's power `ρ`.
    pub fn rho(&self) -> f64 {
        self.rho
    }
}

/// One distinct time of a stratum: per group, its row index (if it has
/// subjects leaving then) and its number at risk.
struct Step {
    at: Vec<(Option<usize>, f64)>,
}

/// The merged time steps of the groups of one stratum.
fn stratum_steps(cells: &[CellRows]) -> Vec<Step> {
    let mut pos = vec![0usize; cells.len()];
    let mut steps = Vec::new();
    loop {
        let next = cells
            .iter()
            .zip(&pos)
            .filter_map(|(c, &p)| c.run.get(p).copied())
            .min();
        let Some(run) = next else { break };
        let at = cells
            .iter()
            .zip(pos.iter_mut())
            .map(|(c, p)| match c.run.get(*p) {
                Some(&r) if r == run => {
                    *p += 1;
                    (Some(*p - 1), c.n_risk[*p - 1] as f64)
                }
                Some(_) => (None, c.n_risk[*p] as f64),
                None => (None, 0.0),
            })
            .collect();
        steps.push(Step { at });
    }
    steps
}

/// Gray's test of every cause (`None` where the variance is singular).
pub(crate) fn gray_tests(
    data: &CompetingRisksData,
    runs: &Runs,
    rho: f64,
) -> Vec<Option<GrayTest>> {
    let ng = data.n_groups();
    let ns = data.n_strata();
    let cells = cell_rows(runs, data.causes().len(), ng * ns, |s| {
        s.stratum as usize * ng + s.group as usize
    });
    let per_stratum: Vec<(&[CellRows], Vec<Step>)> =
        cells.chunks(ng).map(|c| (c, stratum_steps(c))).collect();
    let ng1 = ng - 1;
    (0..data.causes().len())
        .map(|k| {
            let mut score = vec![0.0; ng1];
            let mut var = vec![vec![0.0; ng1]; ng1];
            for (cells, steps) in &per_stratum {
                stratum_score(cells, steps, k, rho, &mut score, &mut var);
            }
            let statistic = quadratic_form(&score, &var)?;
            if !statistic.is_finite() {
                return None;
            }
            Some(GrayTest {
                cause: data.causes()[k],
                statistic,
                df: ng1,
                p_value: chisq_sf(statistic, ng1 as f64),
                scores: score,
                variance: var,
                rho,
            })
        })
        .collect()
}

/// Adds one stratum's scores and variance for the cause of index `k`
/// (cmprsk's `crstm`, one stratum): per step, the counts, the weights and
/// the score, then the variance terms of the cause's own events and of the
/// other causes' events; at the end the cross terms.
fn stratum_score(
    cells: &[CellRows],
    steps: &[Step],
    k: usize,
    rho: f64,
    score: &mut [f64],
    var: &mut [Vec<f64>],
) {
    let mut st = Crstm::new(cells.len());
    for step in steps {
        let (nd1, nd2) = st.counts(cells, step, k);
        if nd1 == 0.0 && nd2 == 0.0 {
            continue;
        }
        let (tr, tq) = st.risk_weights(step);
        let f = st.fm + nd1 / tr;
        let fb = (1.0 - st.fm).powf(rho);
        st.a_and_c(fb, nd1, tr);
        st.add_score(score, fb, nd1, tq);
        if nd1 > 0.0 {
            st.own_events(var, nd1, tr, f);
        }
        if nd2 > 0.0 {
            st.other_events(var, f);
        }
        st.fm = f;
        st.f1m.clone_from(&st.f1);
        st.skmm.clone_from(&st.skm);
    }
    st.finish(var);
}

/// The running state of cmprsk's `crstm` over one stratum's steps (its
/// Fortran names): per group the estimates before (`f1m`, `skmm`) and after
/// (`f1`, `skm`) the step, the variance sums `v3`, `v2`, `c`, the weight
/// matrix `a`, the pooled estimate `fm`, the step's own and other events
/// `d1`, `d2` and the numbers at risk `rs`.
struct Crstm {
    ng: usize,
    f1m: Vec<f64>,
    skmm: Vec<f64>,
    f1: Vec<f64>,
    skm: Vec<f64>,
    v3: Vec<f64>,
    v2: Vec<Vec<f64>>,
    c: Vec<Vec<f64>>,
    a: Vec<Vec<f64>>,
    fm: f64,
    d1: Vec<f64>,
    d2: Vec<f64>,
    rs: Vec<f64>,
}

// Indices over groups (i, j, g) mirror the formulas in the docs above.
#[allow(clippy::needless_range_loop)]
impl Crstm {
    fn new(ng: usize) -> Self {
        Crstm {
            ng,
            f1m: vec![0.0; ng],
            skmm: vec![1.0; ng],
            f1: vec![0.0; ng],
            skm: vec![1.0; ng],
            v3: vec![0.0; ng],
            v2: vec![vec![0.0; ng]; ng - 1],
            c: vec![vec![0.0; ng]; ng],
            a: vec![vec![0.0; ng]; ng],
            fm: 0.0,
            d1: vec![0.0; ng],
            d2: vec![0.0; ng],
            rs: vec![0.0; ng],
        }
    }

    /// The step's events of cause `k` (`d1`) and of the other causes
    /// (`d2`) per group; returns their totals.
    fn counts(&mut self, cells: &[CellRows], step: &Step, k: usize) -> (f64, f64) {
        let (mut nd1, mut nd2) = (0.0, 0.0);
        for (g, &(row, _)) in step.at.iter().enumerate() {
            (self.d1[g], self.d2[g]) = match row {
                Some(r) => {
                    let all: u64 = cells[g].n_event.iter().map(|e| e[r]).sum();
                    let own = cells[g].n_event[k][r];
                    (own as f64, (all - own) as f64)
                }
                None => (0.0, 0.0),
            };
            nd1 += self.d1[g];
            nd2 += self.d2[g];
        }
        (nd1, nd2)
    }

    /// The numbers at risk, each group's estimates after the step, and the
    /// weighted sums `tr`, `tq`.
    fn risk_weights(&mut self, step: &Step) -> (f64, f64) {
        for (r, &(_, n)) in self.rs.iter_mut().zip(&step.at) {
            *r = n;
        }
        let (mut tr, mut tq) = (0.0_f64, 0.0_f64);
        let Crstm {
            rs,
            skm,
            skmm,
            f1,
            f1m,
            d1,
            d2,
            ..
        } = self;
        for g in 0..self.ng {
            if rs[g] <= 0.0 {
                continue;
            }
            let td = d1[g] + d2[g];
            skm[g] = skmm[g] * (rs[g] - td) / rs[g];
            f1[g] = f1m[g] + skmm[g] * d1[g] / rs[g];
            tr += rs[g] / skmm[g];
            tq += rs[g] * (1.0 - f1m[g]) / skmm[g];
        }
        (tr, tq)
    }

    /// The weight matrix `a` of the step and its sum into `c`.
    fn a_and_c(&mut self, fb: f64, nd1: f64, tr: f64) {
        let Crstm {
            ng,
            a,
            c,
            rs,
            skmm,
            fm,
            ..
        } = self;
        let (ng, fm) = (*ng, *fm);
        for row in a.iter_mut() {
            row.iter_mut().for_each(|x| *x = 0.0);
        }
        for i in 0..ng {
            if rs[i] <= 0.0 {
                continue;
            }
            let t1 = rs[i] / skmm[i];
            a[i][i] = fb * t1 * (1.0 - t1 / tr);
            c[i][i] += a[i][i] * nd1 / (tr * (1.0 - fm));
            for j in i + 1..ng {
                if rs[j] <= 0.0 {
                    continue;
                }
                a[i][j] = -fb * t1 * rs[j] / (skmm[j] * tr);
                c[i][j] += a[i][j] * nd1 / (tr * (1.0 - fm));
            }
        }
        for i in 1..ng {
            for j in 0..i {
                a[i][j] = a[j][i];
                c[i][j] = c[j][i];
            }
        }
    }

    /// Adds the step's score of the first `ng − 1` groups.
    fn add_score(&self, score: &mut [f64], fb: f64, nd1: f64, tq: f64) {
        let (rs, f1m, skmm) = (&self.rs, &self.f1m, &self.skmm);
        for i in 0..self.ng - 1 {
            if rs[i] <= 0.0 {
                continue;
            }
            score[i] += fb * (self.d1[i] - nd1 * rs[i] * (1.0 - f1m[i]) / (skmm[i] * tq));
        }
    }

    /// The variance terms of the events of the tested cause.
    fn own_events(&mut self, var: &mut [Vec<f64>], nd1: f64, tr: f64, f: f64) {
        let ng = self.ng;
        let (skm, skmm, rs, a, c) = (&self.skm, &self.skmm, &self.rs, &self.a, &self.c);
        let (v3, v2) = (&mut self.v3, &mut self.v2);
        for g in 0..ng {
            if rs[g] <= 0.0 {
                continue;
            }
            let t4 = if skm[g] > 0.0 {
                1.0 - (1.0 - f) / skm[g]
            } else {
                1.0
            };
            let t5 = if nd1 > 1.0 {
                1.0 - (nd1 - 1.0) / (tr * skmm[g] - 1.0)
            } else {
                1.0
            };
            let t3 = t5 * skmm[g] * nd1 / (tr * rs[g]);
            v3[g] += t4 * t4 * t3;
            for i in 0..ng - 1 {
                let t1 = a[i][g] - t4 * c[i][g];
                v2[i][g] += t1 * t4 * t3;
                for j in 0..=i {
                    let t2 = a[j][g] - t4 * c[j][g];
                    var[i][j] += t1 * t2 * t3;
                }
            }
        }
    }

    /// The variance terms of the events of the other causes.
    fn other_events(&mut self, var: &mut [Vec<f64>], f: f64) {
        let ng = self.ng;
        let (skm, skmm, rs, c, d2) = (&self.skm, &self.skmm, &self.rs, &self.c, &self.d2);
        let (v3, v2) = (&mut self.v3, &mut self.v2);
        for g in 0..ng {
            if skm[g] <= 0.0 || d2[g] <= 0.0 {
                continue;
            }
            let t4 = (1.0 - f) / skm[g];
            let t5 = if d2[g] > 1.0 {
                1.0 - (d2[g] - 1.0) / (rs[g] - 1.0)
            } else {
                1.0
            };
            let t3 = t5 * (skmm[g] * skmm[g] * d2[g]) / (rs[g] * rs[g]);
            v3[g] += t4 * t4 * t3;
            for i in 0..ng - 1 {
                let t1 = t4 * c[i][g];
                v2[i][g] -= t1 * t4 * t3;
                for j in 0..=i {
                    let t2 = t4 * c[j][g];
                    var[i][j] += t1 * t2 * t3;
                }
            }
        }
    }

    /// Adds the cross terms to the variance and mirrors its lower triangle
    /// (idempotent over strata).
    fn finish(&self, var: &mut [Vec<f64>]) {
        let (ng, c, v2, v3) = (self.ng, &self.c, &self.v2, &self.v3);
        for i in 0..ng - 1 {
            for j in 0..=i {
                for g in 0..ng {
                    var[i][j] +=
                        c[i][g] * c[j][g] * v3[g] + c[i][g] * v2[j][g] + c[j][g] * v2[i][g];
                }
            }
        }
        for i in 0..ng - 1 {
            for j in 0..i {
                let x = var[i][j];
                var[j][i] = x;
            }
        }
    }
}

/// R's `qr()` tolerance for a rank-deficient variance matrix.
const SINGULAR_TOLERANCE: f64 = 1e-7;

/// `sᵀ V⁻¹ s` by Gaussian elimination with partial pivoting; `None` when
/// `V` is singular (a pivot below [`SINGULAR_TOLERANCE`] times the largest
/// entry of its column).
fn quadratic_form(s: &[f64], v: &[Vec<f64>]) -> Option<f64> {
    let n = s.len();
    let mut m: Vec<Vec<f64>> = v.to_vec();
    let mut x = s.to_vec();
    for col in 0..n {
        let scale = (0..n).map(|r| v[r][col].abs()).fold(0.0, f64::max);
        let p = (col..n).max_by(|&a, &b| m[a][col].abs().total_cmp(&m[b][col].abs()))?;
        let pivot = m[p][col].abs();
        if pivot.is_nan() || pivot <= SINGULAR_TOLERANCE * scale {
            return None;
        }
        m.swap(col, p);
        x.swap(col, p);
        let (top, rest) = m.split_at_mut(col + 1);
        let pivot_row = &top[col];
        for (r, row) in rest.iter_mut().enumerate() {
            let factor = row[col] / pivot_row[col];
            for (a, &b) in row[col..].iter_mut().zip(&pivot_row[col..]) {
                *a -= factor * b;
            }
            x[col + 1 + r] -= factor * x[col];
        }
    }
    for col in (0..n).rev() {
        let mut acc = x[col];
        for cc in col + 1..n {
            acc -= m[col][cc] * x[cc];
        }
        x[col] = acc / m[col][col];
    }
    Some(s.iter().zip(&x).map(|(a, b)| a * b).sum())
}
