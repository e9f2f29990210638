//! Bounds on the future `Σ ln t!` of a node's completions: relaxations by
//! columns and rows, a Lagrangian bound, and the exact bounds with two
//! columns or two rows left.

use super::LnFact;

/// Minimum of `Σ ln x_i!` over `Σ x_i = total`, `0 ≤ x_i ≤ caps[i]` (the
/// most even fill); `caps` ascending.
pub(super) fn even_fill(lf: &LnFact, total: u64, caps: &[u64]) -> f64 {
    let mut left = total;
    let mut v = 0.0;
    let n = caps.len() as u64;
    for (i, &c) in caps.iter().enumerate() {
        let k = n - i as u64; // rows left including this one
        let share = left / k;
        let extra = left % k;
        if c <= share {
            v += lf.get(c);
            left -= c;
        } else {
            // every remaining cap is ≥ c > share: spread evenly, `extra` rows get one more
            let rest = (caps.len() - i) as u64;
            v += extra as f64 * lf.get(share + 1) + (rest - extra) as f64 * lf.get(share);
            return v;
        }
    }
    v
}

/// Maximum of `Σ ln x_i!` over the same set (the most uneven fill: largest
/// caps first); `caps` ascending.
pub(super) fn uneven_fill(lf: &LnFact, total: u64, caps: &[u64]) -> f64 {
    let mut left = total;
    let mut v = 0.0;
    for &c in caps.iter().rev() {
        if left == 0 {
            break;
        }
        let x = c.min(left);
        v += lf.get(x);
        left -= x;
    }
    v
}

/// Scaling sweeps of the Lagrangian multipliers (see [`lagrange_lower`]):
/// a speed choice only, every value gives a valid bound.
const LAGRANGE_SWEEPS: usize = 3;

/// Rows up to which the exact maximum of a two-column completion is found by
/// enumerating the vertices (`r 2^(r−1)` of them); above, a relaxation.
pub(super) const TWO_COLUMN_MAX_ROWS_EXACT: usize = 8;

/// Exact `min Σ_i ln x_i! + ln (r_i − x_i)!` over `Σ x_i = a`,
/// `0 ≤ x_i ≤ r_i` (the most probable completion with two columns left): the
/// objective is separable and convex, so adding one unit at a time where the
/// marginal cost `ln(x_i + 1) − ln(r_i − x_i)` is smallest is optimal (the
/// marginal costs are taken as differences of the same `ln k!` values that
/// make up the objective, so the greedy sees exactly what it minimises).
pub(super) fn two_column_min(lf: &LnFact, rows: &[u64], a: u64) -> f64 {
    let n: u64 = rows.iter().sum();
    if n == 0 {
        return 0.0;
    }
    let r = rows.len();
    if r > TWO_COLUMN_MIN_ROWS_MAX {
        // valid lower bound without the per-row buffer: each column as even as possible
        return even_fill(lf, a, rows) + even_fill(lf, n - a, rows);
    }
    // start from the proportional split (no allocation: a fixed buffer)
    let mut buf = [0u64; TWO_COLUMN_MIN_ROWS_MAX];
    let x = &mut buf[..r]; // r ≤ TWO_COLUMN_MIN_ROWS_MAX
    for (xi, &ri) in x.iter_mut().zip(rows) {
        *xi = (((ri as f64) * (a as f64) / (n as f64)).floor() as u64).min(ri);
    }
    let mut placed: u64 = x.iter().sum();
    while placed < a {
        let mut best = usize::MAX;
        let mut best_cost = f64::INFINITY;
        for (i, (&xi, &ri)) in x.iter().zip(rows).enumerate() {
            if xi < ri {
                let c = (lf.get(xi + 1) - lf.get(xi)) - (lf.get(ri - xi) - lf.get(ri - xi - 1));
                if c < best_cost {
                    best_cost = c;
                    best = i;
                }
            }
        }
        match x.get_mut(best) {
            Some(v) => *v += 1,
            None => break,
        }
        placed += 1;
    }
    // exchange single units while that lowers the cost (convexity: this
    // terminates at the optimum)
    loop {
        let (mut best_add, mut add_cost) = (usize::MAX, f64::INFINITY);
        let (mut best_rem, mut rem_gain) = (usize::MAX, f64::NEG_INFINITY);
        for (i, (&xi, &ri)) in x.iter().zip(rows).enumerate() {
            if xi < ri {
                let c = (lf.get(xi + 1) - lf.get(xi)) - (lf.get(ri - xi) - lf.get(ri - xi - 1));
                if c < add_cost {
                    add_cost = c;
                    best_add = i;
                }
            }
            if xi > 0 {
                let g = (lf.get(xi) - lf.get(xi - 1)) - (lf.get(ri - xi + 1) - lf.get(ri - xi));
                if g > rem_gain {
                    rem_gain = g;
                    best_rem = i;
                }
            }
        }
        if best_add == best_rem || add_cost >= rem_gain - 1e-12 {
            break;
        }
        match (x.get(best_add).is_some(), x.get(best_rem).is_some()) {
            (true, true) => {
                x[best_add] += 1; // checked above
                x[best_rem] -= 1; // checked above
            }
            _ => break,
        }
    }
    x.iter()
        .zip(rows)
        .map(|(&xi, &ri)| lf.get(xi) + lf.get(ri - xi))
        .sum()
}

/// Exact minimum and maximum of the cost of an r x 2 table with two rows
/// `c1`, `c2` and `left` in the first column: one free cell `x`, and the
/// cost `g(x) = ln x! + ln (c1 − x)! + ln (left − x)! + ln (c2 − left + x)!`
/// is convex, so the maximum is at an end and the minimum is at the mode
/// of the hypergeometric distribution `e^{−g}`,
/// `⌊(c1 + 1)(left + 1) / (c1 + c2 + 2)⌋` (the values [`two_column_min`]
/// and [`two_column_max`] would find, with three evaluations of `g`). The
/// network reads the same values from its tables by row sum (`SumTables`
/// in `network.rs`); this is their reference in the unit tests.
#[cfg(test)]
pub(super) fn two_row_bounds(lf: &LnFact, c1: u64, c2: u64, left: u64) -> (f64, f64) {
    let x_lo = left.saturating_sub(c2);
    let x_hi = c1.min(left);
    if x_lo > x_hi {
        // infeasible (not reached: callers check left ≤ c1 + c2)
        return (f64::INFINITY, f64::NEG_INFINITY);
    }
    let g = |x: u64| (lf.get(x) + lf.get(c1 - x)) + (lf.get(left - x) + lf.get(c2 + x - left));
    let fmax = g(x_lo).max(g(x_hi));
    // the minimiser is the mode of the hypergeometric distribution
    let gx = g(hyper_mode(c1, c2, left));
    (gx, fmax)
}

/// The mode of the hypergeometric distribution of `x` with weights
/// `1 / (x! (c₁ − x)! (left − x)! (c₂ − left + x)!)`: `⌊(c₁ + 1)(left + 1)
/// / (c₁ + c₂ + 2)⌋`, the minimiser of the convex cost `g(x)` of the last
/// two rows (when two values tie, the larger one; both minimise `g`).
#[inline]
pub(super) fn hyper_mode(c1: u64, c2: u64, left: u64) -> u64 {
    let m = match (c1 + 1).checked_mul(left + 1) {
        Some(num) => num / (c1 + c2 + 2),
        None => (u128::from(c1 + 1) * u128::from(left + 1) / u128::from(c1 + c2 + 2)) as u64,
    };
    // at most min(c₁, left) + 1: clamped into the support
    m.clamp(left.saturating_sub(c2), c1.min(left))
}

/// Rows up to which [`two_column_min`] uses its exact greedy (a fixed
/// buffer); above, a relaxation.
const TWO_COLUMN_MIN_ROWS_MAX: usize = 32;

/// Exact `max Σ_i ln x_i! + ln (r_i − x_i)!` over the same set: a convex
/// function is maximised at a vertex, where every `x_i` is 0 or `r_i` except
/// at most one; all vertices are enumerated.
pub(super) fn two_column_max(lf: &LnFact, rows: &[u64], a: u64) -> f64 {
    let r = rows.len();
    let full: f64 = rows.iter().map(|&ri| lf.get(ri)).sum();
    let mut best = f64::NEG_INFINITY;
    for (free, &rf) in rows.iter().enumerate() {
        for mask in 0u64..(1u64 << r) {
            if mask >> free & 1 == 1 {
                continue;
            }
            let mut at_top: u64 = 0;
            for (bit, &ri) in rows.iter().enumerate() {
                if mask >> bit & 1 == 1 {
                    at_top += ri;
                }
            }
            if at_top > a || a - at_top > rf {
                continue;
            }
            let xf = a - at_top;
            // rows at a bound contribute ln r_i! (0 in one column, r_i in the other)
            let v = full - lf.get(rf) + lf.get(xf) + lf.get(rf - xf);
            best = best.max(v);
        }
    }
    best
}

/// Lagrangian lower bound on `min Σ ln t_ij!` over tables with row sums
/// `rows` and column sums `cols`: for any multipliers `α, β`,
/// `Σ_ij min_t (ln t! − (α_i + β_j) t) + Σ α_i r_i + Σ β_j c_j` is below the
/// minimum (weak duality). With `α_i = ln r_i`, `β_j = ln(c_j / n)` the cell
/// minimisers sit at the independence table, which makes the bound tight.
pub(super) fn lagrange_lower(lf: &LnFact, rows: &[u64], cols: &[u64], n: u64) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let rows: Vec<f64> = rows.iter().filter(|&&r| r > 0).map(|&r| r as f64).collect();
    let cols: Vec<f64> = cols.iter().filter(|&&c| c > 0).map(|&c| c as f64).collect();
    let ln_n = (n as f64).ln();
    let mut alpha: Vec<f64> = rows.iter().map(|r| r.ln()).collect();
    let mut beta: Vec<f64> = cols.iter().map(|c| c.ln() - ln_n).collect();
    // A few scaling sweeps (iterative proportional fitting of the continuous
    // cell minimisers e^γ − ½ to the margins) tighten the bound; any
    // multipliers give a valid bound, so the sweeps need not converge.
    let (nr, nc) = (rows.len() as f64, cols.len() as f64);
    for _ in 0..LAGRANGE_SWEEPS {
        for (a, r) in alpha.iter_mut().zip(&rows) {
            let s: f64 = beta.iter().map(|b| (*a + b).exp()).sum();
            *a += ((r + 0.5 * nc) / s).ln();
        }
        for (b, c) in beta.iter_mut().zip(&cols) {
            let s: f64 = alpha.iter().map(|a| (a + *b).exp()).sum();
            *b += ((c + 0.5 * nr) / s).ln();
        }
    }
    let mut v = 0.0;
    for (a, &r) in alpha.iter().zip(&rows) {
        v += a * r;
        for (b, &c) in beta.iter().zip(&cols) {
            let g = a + b;
            let cap = r.min(c) as u64;
            // ln t! − g t is convex in t: its minimum over [0, cap] is next to floor(e^g)
            let t0 = (g.exp().floor().max(0.0).min(cap as f64)) as u64;
            let mut best = lf.get(t0) - g * t0 as f64;
            if t0 > 0 {
                best = best.min(lf.get(t0 - 1) - g * (t0 - 1) as f64);
            }
            if t0 < cap {
                best = best.min(lf.get(t0 + 1) - g * (t0 + 1) as f64);
            }
            v += best;
        }
    }
    for (b, &c) in beta.iter().zip(&cols) {
        v += b * c;
    }
    v
}
