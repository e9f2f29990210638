//! The certified maximum over the nuisance parameter: the Bernstein
//! polynomial `P(π)` of the rejection region, evaluated in log space on a
//! window of binomial terms, bounded on intervals by its derivatives, and
//! maximised by a grid, golden-section refinement and branch and bound.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::{Deadline, CERTIFIED_REL_TOL};
use crate::error::Result;
use crate::special::ln_dbinom;

/// Binomial terms beyond the Hoeffding window are dropped when their total
/// is below `e^-60` (about 1e-26) of the largest coefficient: far below the
/// certified tolerance, and the cost of an evaluation falls from `O(N)` to
/// `O(√(N log N))`.
const WINDOW_LOG: f64 = 60.0;

/// Intervals narrower than this are not split further; their bound enters
/// the reported error bound as it is.
const MIN_WIDTH: f64 = 1e-15;

/// The stage named when the time budget runs out in the maximisation.
const MAXIMISING: &str = "maximising over the nuisance parameter";

/// `ln C(n, s)` accurate to a few ulps (Loader's binomial density at ½).
fn ln_choose_exact(n: u64, s: u64) -> f64 {
    ln_dbinom(s as f64, n as f64, 0.5) + n as f64 * std::f64::consts::LN_2
}

/// `s ln π + (n − s) ln(1 − π)`, with `0 ln 0 = 0`.
fn ln_power(s: f64, n: f64, ln_p: f64, ln_q: f64) -> f64 {
    let a = if s == 0.0 { 0.0 } else { s * ln_p };
    let b = if n - s == 0.0 { 0.0 } else { (n - s) * ln_q };
    a + b
}

/// `ln Σ exp(xᵢ)` in one pass.
#[derive(Clone, Copy)]
pub(super) struct LogSum {
    max: f64,
    sum: f64,
}

impl LogSum {
    pub(super) fn new() -> LogSum {
        LogSum {
            max: f64::NEG_INFINITY,
            sum: 0.0,
        }
    }

    pub(super) fn add(&mut self, x: f64) {
        if x == f64::NEG_INFINITY || x.is_nan() {
            return;
        }
        if x <= self.max {
            self.sum += (x - self.max).exp();
        } else {
            self.sum = self.sum * (self.max - x).exp() + 1.0;
            self.max = x;
        }
    }

    pub(super) fn ln(self) -> f64 {
        if self.max == f64::NEG_INFINITY {
            f64::NEG_INFINITY
        } else {
            self.max + self.sum.ln()
        }
    }
}

/// The terms `c_s · C(m, s) πˢ (1 − π)^(m−s)` of one sign of a Bernstein
/// sum of degree `m`, stored as `(s, ln c_s + ln C(m, s), ln c_s + ln of
/// the binomial term at its mode s/m)`.
struct Family {
    m: u64,
    terms: Vec<(f64, f64, f64)>,
}

impl Family {
    fn new(m: u64, coefs: &[(u64, f64)]) -> Family {
        let mf = m as f64;
        let terms = coefs
            .iter()
            .filter(|(_, lc)| *lc > f64::NEG_INFINITY)
            .map(|&(s, lc)| {
                let sf = s as f64;
                let at_mode = if m == 0 {
                    0.0
                } else {
                    ln_dbinom(sf, mf, sf / mf)
                };
                (sf, lc + ln_choose_exact(m, s), lc + at_mode)
            })
            .collect();
        Family { m, terms }
    }

    /// The terms with `s` in `[lo, hi]` (they are sorted by `s`).
    fn window(&self, lo: f64, hi: f64) -> &[(f64, f64, f64)] {
        let a = self.terms.partition_point(|t| t.0 < lo);
        let b = self.terms.partition_point(|t| t.0 <= hi);
        &self.terms[a..b.max(a)]
    }

    /// Half-width `t` of the window of `s` beyond which the binomial terms
    /// of degree `m` are negligible: by Hoeffding's inequality
    /// `P(|S − mπ| ≥ t) ≤ 2 exp(−2t²/m)`, and `t² = m (WINDOW_LOG + ln(m + 1))/2`
    /// makes the dropped mass below `e^(−WINDOW_LOG)` times the largest
    /// coefficient, itself at most `(N + 1)` times the maximum of `P`.
    fn half_width(&self) -> f64 {
        let mf = self.m as f64;
        (0.5 * mf * (WINDOW_LOG + (mf + 1.0).ln())).sqrt() + 1.0
    }

    /// `ln Σ_s c_s b_{m,s}(π)`.
    fn ln_at(&self, pi: f64) -> f64 {
        let mf = self.m as f64;
        let (ln_p, ln_q) = (pi.ln(), (-pi).ln_1p());
        let t = self.half_width();
        let mut acc = LogSum::new();
        for &(s, c, _) in self.window(mf * pi - t, mf * pi + t) {
            acc.add(c + ln_power(s, mf, ln_p, ln_q));
        }
        acc.ln()
    }

    /// `ln Σ_s c_s max_{π∈[u,v]} b_{m,s}(π)`: each binomial term is unimodal
    /// with its mode at `s/m`, so its maximum on `[u, v]` is at the point of
    /// `[u, v]` nearest to the mode.
    fn ln_max_on(&self, u: f64, v: f64) -> f64 {
        let mf = self.m as f64;
        let (ln_pu, ln_qu) = (u.ln(), (-u).ln_1p());
        let (ln_pv, ln_qv) = (v.ln(), (-v).ln_1p());
        let t = self.half_width();
        let mut acc = LogSum::new();
        for &(s, c, at_mode) in self.window(mf * u - t, mf * v + t) {
            let mode = if self.m == 0 { u } else { s / mf };
            let t = if mode < u {
                c + ln_power(s, mf, ln_pu, ln_qu)
            } else if mode > v {
                c + ln_power(s, mf, ln_pv, ln_qv)
            } else {
                at_mode
            };
            acc.add(t);
        }
        acc.ln()
    }
}

/// `P(π) = Σ_s h_s C(N,s) πˢ(1 − π)^(N−s)` with its derivative families:
/// `P' = N Σ Δ_s b_{N−1,s}` and `P'' = N(N−1) Σ Δ²_s b_{N−2,s}`.
pub(super) struct Bernstein {
    n: u64,
    value: Family,
    d1_pos: Family,
    d1_neg: Family,
    d2_pos: Family,
}

/// `P`, and the positive and negative parts of `P'`, at one point (logs).
#[derive(Clone, Copy)]
struct Point {
    x: f64,
    ln_p: f64,
    ln_up: f64,
    ln_down: f64,
}

/// The outcome of the maximisation (all on the log scale).
pub(super) struct Maximum {
    pub(super) value: f64,
    pub(super) at: f64,
    pub(super) upper: f64,
}

/// An interval of the branch and bound with its certified upper bound.
struct Cell {
    ln_ub: f64,
    a: Point,
    b: Point,
}

impl PartialEq for Cell {
    fn eq(&self, other: &Self) -> bool {
        self.ln_ub.total_cmp(&other.ln_ub) == Ordering::Equal
    }
}
impl Eq for Cell {}
impl PartialOrd for Cell {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Cell {
    fn cmp(&self, other: &Self) -> Ordering {
        self.ln_ub.total_cmp(&other.ln_ub)
    }
}

impl Bernstein {
    pub(super) fn new(ln_h: &[f64]) -> Bernstein {
        let n = (ln_h.len() - 1) as u64;
        assert!(n >= 2, "both groups are non-empty");
        let value = Family::new(
            n,
            &ln_h
                .iter()
                .enumerate()
                .map(|(s, &l)| (s as u64, l))
                .collect::<Vec<_>>(),
        );
        // Differences in linear scale relative to the largest h (terms below
        // 1e-308 of it cannot matter: P's maximum is at least h_max/(N+1)).
        let top = ln_h.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let h: Vec<f64> = ln_h.iter().map(|l| (l - top).exp()).collect();
        let (mut pos1, mut neg1, mut pos2) = (Vec::new(), Vec::new(), Vec::new());
        for s in 0..n as usize {
            let d = h[s + 1] - h[s];
            if d > 0.0 {
                pos1.push((s as u64, top + d.ln()));
            } else if d < 0.0 {
                neg1.push((s as u64, top + (-d).ln()));
            }
            if s + 2 <= n as usize {
                let d2 = h[s + 2] - 2.0 * h[s + 1] + h[s];
                if d2 > 0.0 {
                    pos2.push((s as u64, top + d2.ln()));
                }
            }
        }
        Bernstein {
            n,
            value,
            d1_pos: Family::new(n - 1, &pos1),
            d1_neg: Family::new(n - 1, &neg1),
            d2_pos: Family::new(n - 2, &pos2),
        }
    }

    fn at(&self, x: f64) -> Point {
        let ln_n = (self.n as f64).ln();
        Point {
            x,
            ln_p: self.value.ln_at(x),
            ln_up: ln_n + self.d1_pos.ln_at(x),
            ln_down: ln_n + self.d1_neg.ln_at(x),
        }
    }

    /// The certified upper bound of `ln P` on `[a.x, b.x]`: the smaller of
    /// a first-order bound (`P' ≤ D⁺`, `−P' ≤ D⁻` on the interval) and a
    /// second-order one (`P'' ≤ M` on the interval, Taylor from each end).
    fn ln_upper(&self, a: &Point, b: &Point) -> f64 {
        let (u, v) = (a.x, b.x);
        let nf = self.n as f64;
        let ln_dp = nf.ln() + self.d1_pos.ln_max_on(u, v);
        let ln_dm = nf.ln() + self.d1_neg.ln_max_on(u, v);
        let ln_m2 = (nf * (nf - 1.0)).ln() + self.d2_pos.ln_max_on(u, v);
        let r = [
            a.ln_p, b.ln_p, ln_dp, ln_dm, ln_m2, a.ln_up, a.ln_down, b.ln_up, b.ln_down,
        ]
        .into_iter()
        .fold(f64::NEG_INFINITY, f64::max);
        if r == f64::NEG_INFINITY {
            return r;
        }
        let e = |l: f64| (l - r).exp();
        let (pu, pv) = (e(a.ln_p), e(b.ln_p));
        let (dp, dm, m2) = (e(ln_dp), e(ln_dm), e(ln_m2));
        let w = v - u;
        // first order: P ≤ min(P(u) + D⁺(π − u), P(v) + D⁻(v − π))
        let ub1 = if dp == 0.0 && dm == 0.0 {
            pu.max(pv)
        } else if dp == 0.0 {
            pu
        } else if dm == 0.0 {
            pv
        } else {
            (dm * pu + dp * pv) / (dp + dm) + w / (1.0 / dp + 1.0 / dm)
        };
        // second order: P(π) ≤ P(u) + P'(u)(π − u) + M(π − u)²/2, a convex
        // bound whose maximum on the interval is at an end; likewise from v.
        let du = e(a.ln_up) - e(a.ln_down);
        let dv = e(b.ln_up) - e(b.ln_down);
        let qu = pu + (du * w + 0.5 * m2 * w * w).max(0.0);
        let qv = pv + (-dv * w + 0.5 * m2 * w * w).max(0.0);
        let ub = ub1.min(qu).min(qv).max(pu).max(pv);
        r + ub.ln()
    }

    pub(super) fn maximise(&self, lo: f64, hi: f64, deadline: &Deadline) -> Result<Maximum> {
        let pts = self.grid(lo, hi, deadline)?;
        let ib = (0..pts.len())
            .max_by(|&i, &j| pts[i].ln_p.total_cmp(&pts[j].ln_p))
            .expect("the grid is not empty");
        let mut best = (pts[ib].ln_p, pts[ib].x);
        if hi == lo {
            return Ok(Maximum {
                value: best.0,
                at: best.1,
                upper: best.0,
            });
        }
        let last = pts.len() - 1;
        let (a, b) = (pts[ib.saturating_sub(1)].x, pts[(ib + 1).min(last)].x);
        for (y, x) in self.golden_section(a, b) {
            if y > best.0 {
                best = (y, x);
            }
        }
        let unresolved = self.branch_and_bound(&pts, &mut best, deadline)?;
        Ok(Maximum {
            value: best.0,
            at: best.1,
            upper: unresolved.max(best.0),
        })
    }

    /// `P` and its derivative's parts on an even grid of `[lo, hi]`
    /// (at least 64 intervals, `16 √N` for large `N`).
    fn grid(&self, lo: f64, hi: f64, deadline: &Deadline) -> Result<Vec<Point>> {
        let grid = ((16.0 * (self.n as f64).sqrt()).ceil() as usize).max(64);
        let mut pts = Vec::with_capacity(grid + 1);
        for i in 0..=grid {
            if i.is_multiple_of(64) {
                deadline.check(MAXIMISING, i as u64, grid as u64 + 1)?;
            }
            let x = if i == grid {
                hi
            } else {
                lo + (hi - lo) * i as f64 / grid as f64
            };
            pts.push(self.at(x));
        }
        Ok(pts)
    }

    /// Golden-section refinement of `ln P` on `[a, b]` (around the best grid
    /// point): the last two points, `(ln P, π)`.
    fn golden_section(&self, mut a: f64, mut b: f64) -> [(f64, f64); 2] {
        let phi = 0.5 * (5f64.sqrt() - 1.0);
        let (mut c, mut d) = (b - phi * (b - a), a + phi * (b - a));
        let (mut fc, mut fd) = (self.value.ln_at(c), self.value.ln_at(d));
        for _ in 0..100 {
            if b - a <= 1e-14 * b {
                break;
            }
            if fc >= fd {
                b = d;
                d = c;
                fd = fc;
                c = b - phi * (b - a);
                fc = self.value.ln_at(c);
            } else {
                a = c;
                c = d;
                fc = fd;
                d = a + phi * (b - a);
                fd = self.value.ln_at(d);
            }
        }
        [(fc, c), (fd, d)]
    }

    /// Branch and bound over the grid's intervals: splits the interval of
    /// the largest bound until every bound is within [`CERTIFIED_REL_TOL`]
    /// of `best` (raised by the midpoints it evaluates); returns the
    /// largest bound left unresolved (`−∞` if none).
    fn branch_and_bound(
        &self,
        pts: &[Point],
        best: &mut (f64, f64),
        deadline: &Deadline,
    ) -> Result<f64> {
        let slack = CERTIFIED_REL_TOL.ln_1p();
        let mut heap = BinaryHeap::new();
        let mut unresolved = f64::NEG_INFINITY;
        // An interval whose bound may still beat the best value is kept.
        let bound =
            |a: Point, b: Point, best: f64, heap: &mut BinaryHeap<Cell>, unresolved: &mut f64| {
                let ln_ub = self.ln_upper(&a, &b);
                if ln_ub > best + slack {
                    heap.push(Cell { ln_ub, a, b });
                } else {
                    *unresolved = unresolved.max(ln_ub);
                }
            };
        for w in pts.windows(2) {
            bound(w[0], w[1], best.0, &mut heap, &mut unresolved);
        }
        let mut done = 0u64;
        while let Some(cell) = heap.pop() {
            if cell.ln_ub <= best.0 + slack {
                unresolved = unresolved.max(cell.ln_ub);
                break;
            }
            done += 1;
            if done.is_multiple_of(64) {
                deadline.check(MAXIMISING, done, done + heap.len() as u64)?;
            }
            let mid = 0.5 * (cell.a.x + cell.b.x);
            if cell.b.x - cell.a.x <= MIN_WIDTH || mid <= cell.a.x || mid >= cell.b.x {
                unresolved = unresolved.max(cell.ln_ub);
                continue;
            }
            let pm = self.at(mid);
            if pm.ln_p > best.0 {
                *best = (pm.ln_p, mid);
            }
            bound(cell.a, pm, best.0, &mut heap, &mut unresolved);
            bound(pm, cell.b, best.0, &mut heap, &mut unresolved);
        }
        Ok(unresolved)
    }
}
