//! Exact r x c Fisher p-values for tables whose p is close to 1, by
//! enumerating only the tables *more probable* than the observed one
//! (reference data for tests/fisher.rs; independent of survkit's code).
//!
//! p = 1 − Σ P(T) over the tables T with the observed margins and
//! ln P(T) > ln P(observed) + 3.45254e-7 (FEXACT's tolerance, R's fexact.c).
//! When p is close to 1 these tables are few (at most (1 − p) / P(observed)),
//! and a depth-first search over the cells, column by column, finds them all:
//! a partial table is dropped once even its most probable completion is not
//! more probable than the observed one (lower bounds on Σ ln t! of the
//! completion: each remaining column filled as evenly as the row sums allow,
//! the same by rows, and a Lagrangian weak-duality bound; any valid bound
//! gives the same answer, only faster or slower). ln n! is the running sum of
//! ln k (about 1e-13 relative); the probabilities are summed in f64 (a few
//! thousand positive terms), so p is good to far below 1e-12.
//!
//! Run from the repository root (no dependencies):
//!   rustc -O tests/data/generate_fisher_complement.rs -o /tmp/gen_fc && /tmp/gen_fc > tests/data/fisher_complement.txt

use std::time::Instant;

/// FEXACT's tolerance on the log-probability scale.
const TOL: f64 = 3.45254e-7;
/// Partial tables are kept when their bound is within this of the limit (rounding).
const KEEP_MARGIN: f64 = 1e-6;

struct Search {
    r: usize,
    c: usize,
    cols: Vec<u64>,
    rem: Vec<u64>,
    lf: Vec<f64>,
    limit: f64,
    kconst: f64,
    found: u64,
    mass: f64,
    visited: u64,
}

fn even_fill(lf: &[f64], total: u64, caps: &mut [u64]) -> f64 {
    caps.sort_unstable();
    let k = caps.len() as u64;
    let mut left = total;
    let mut v = 0.0;
    for (i, &c) in caps.iter().enumerate() {
        let share = left / (k - i as u64);
        if c <= share {
            v += lf[c as usize];
            left -= c;
        } else {
            let rest = k - i as u64;
            let extra = left - share * rest;
            return v + extra as f64 * lf[(share + 1) as usize] + (rest - extra) as f64 * lf[share as usize];
        }
    }
    if left == 0 {
        v
    } else {
        f64::INFINITY
    }
}

impl Search {
    /// Lower bound on Σ ln t! of a table whose cells `v` are fixed, rows `i..`
    /// of column `j` still take `left`, and columns after `j` are free.
    fn bound(&self, j: usize, i: usize, left: u64, v: f64) -> f64 {
        let mut caps: Vec<u64> = self.rem[i..].to_vec();
        let mut by_cols = v + even_fill(&self.lf, left, &mut caps);
        for jj in j + 1..self.c {
            let mut caps = self.rem.clone();
            by_cols += even_fill(&self.lf, self.cols[jj], &mut caps);
        }
        let mut by_rows = v;
        for k in 0..self.r {
            let mut caps: Vec<u64> = if k >= i { vec![left] } else { vec![] };
            caps.extend(self.cols[j + 1..].iter().copied());
            by_rows += even_fill(&self.lf, self.rem[k], &mut caps);
        }
        by_cols.max(by_rows).max(self.lagrange(j, i, left, v))
    }

    /// Weak duality: for any a_k, b_m,
    /// Σ_cells min_t (ln t! − (a_k + b_m) t) + Σ a_k R_k + Σ b_m C_m ≤ min Σ ln t!
    /// (cells of rows < i in column j are already fixed, so absent).
    fn lagrange(&self, j: usize, i: usize, left: u64, v: f64) -> f64 {
        let ccols: Vec<u64> = std::iter::once(left).chain(self.cols[j + 1..].iter().copied()).collect();
        let n: u64 = ccols.iter().sum();
        if n == 0 {
            return v;
        }
        let allowed = |k: usize, m: usize| m > 0 || k >= i;
        let mut a: Vec<f64> = self.rem.iter().map(|&r| if r > 0 { (r as f64).ln() } else { -50.0 }).collect();
        let mut b: Vec<f64> = ccols.iter().map(|&c| if c > 0 { (c as f64 / n as f64).ln() } else { -50.0 }).collect();
        for _ in 0..4 {
            for k in 0..self.r {
                if self.rem[k] > 0 {
                    let s: f64 = (0..ccols.len()).filter(|&m| allowed(k, m)).map(|m| (a[k] + b[m]).exp()).sum();
                    if s > 0.0 {
                        a[k] += (self.rem[k] as f64 / s).ln();
                    }
                }
            }
            for m in 0..ccols.len() {
                if ccols[m] > 0 {
                    let s: f64 = (0..self.r).filter(|&k| allowed(k, m)).map(|k| (a[k] + b[m]).exp()).sum();
                    if s > 0.0 {
                        b[m] += (ccols[m] as f64 / s).ln();
                    }
                }
            }
        }
        let mut tot = v;
        for k in 0..self.r {
            tot += a[k] * self.rem[k] as f64;
        }
        for m in 0..ccols.len() {
            tot += b[m] * ccols[m] as f64;
        }
        for k in 0..self.r {
            for m in 0..ccols.len() {
                if !allowed(k, m) {
                    continue;
                }
                let g = a[k] + b[m];
                let cap = self.rem[k].min(ccols[m]);
                let t0 = (g.exp().floor().max(0.0) as u64).min(cap);
                let f = |t: u64| self.lf[t as usize] - g * t as f64;
                let mut best = f(t0);
                if t0 > 0 {
                    best = best.min(f(t0 - 1));
                }
                if t0 < cap {
                    best = best.min(f(t0 + 1));
                }
                tot += best;
            }
        }
        tot
    }

    fn cell(&mut self, j: usize, i: usize, left: u64, v: f64) {
        self.visited += 1;
        if j == self.c - 1 {
            // the last column is forced: each row takes what it has left
            let vv = v + (0..self.r).map(|k| self.lf[self.rem[k] as usize]).sum::<f64>();
            if vv < self.limit - TOL {
                self.found += 1;
                self.mass += (self.kconst - vv).exp();
            }
            return;
        }
        if i == self.r - 1 {
            if left > self.rem[i] {
                return;
            }
            self.rem[i] -= left;
            let next = self.cols[j + 1];
            self.cell(j + 1, 0, next, v + self.lf[left as usize]);
            self.rem[i] += left;
            return;
        }
        if self.bound(j, i, left, v) > self.limit - TOL + KEEP_MARGIN {
            return;
        }
        let later: u64 = self.rem[i + 1..].iter().sum();
        for val in left.saturating_sub(later)..=self.rem[i].min(left) {
            self.rem[i] -= val;
            self.cell(j, i + 1, left - val, v + self.lf[val as usize]);
            self.rem[i] += val;
        }
    }
}

fn run(x: &[Vec<u64>]) -> (f64, f64, u64, u64) {
    let c = x[0].len();
    let rows: Vec<u64> = x.iter().map(|row| row.iter().sum()).collect();
    let cols: Vec<u64> = (0..c).map(|j| x.iter().map(|row| row[j]).sum()).collect();
    let n: u64 = rows.iter().sum();
    let mut lf = vec![0.0f64; n as usize + 2];
    for m in 1..lf.len() {
        lf[m] = lf[m - 1] + (m as f64).ln();
    }
    let vobs: f64 = x.iter().flatten().map(|&v| lf[v as usize]).sum();
    let kconst = rows.iter().map(|&v| lf[v as usize]).sum::<f64>() + cols.iter().map(|&v| lf[v as usize]).sum::<f64>()
        - lf[n as usize];
    let mut s = Search { r: x.len(), c, cols: cols.clone(), rem: rows, lf, limit: vobs, kconst, found: 0, mass: 0.0, visited: 0 };
    s.cell(0, 0, cols[0], 0.0);
    (1.0 - s.mass, s.mass, s.found, s.visited)
}

fn main() {
    let tables: Vec<(&str, &str, Vec<Vec<u64>>)> = vec![
        ("4x4_job", "R fisher.test(Job): 0.7826849389656388",
         vec![vec![1, 3, 10, 6], vec![2, 3, 10, 7], vec![1, 6, 14, 12], vec![0, 1, 9, 11]]),
        ("5x5_n302_lopsided", "R fisher.test(x, workspace = 2e8): 0.99999781728577242",
         vec![vec![80, 40, 20, 10, 5], vec![40, 20, 10, 5, 3], vec![20, 10, 5, 3, 1], vec![10, 5, 3, 1, 1], vec![5, 3, 1, 1, 0]]),
        ("5x5_n390_lopsided", "R fisher.test(x): FEXACT error 501; fisher.test(t(x), workspace = 2e8): 0.99999961358236422",
         vec![vec![60, 30, 15, 8, 4], vec![50, 25, 14, 6, 3], vec![40, 22, 10, 5, 2], vec![30, 12, 8, 4, 2], vec![20, 10, 6, 3, 1]]),
    ];
    println!("# generated by tests/data/generate_fisher_complement.rs (rustc -O); do not edit by hand");
    for (name, r_says, x) in tables {
        let t0 = Instant::now();
        let (p, comp, found, visited) = run(&x);
        let cells: Vec<String> = x.iter().flatten().map(|v| v.to_string()).collect();
        println!("case: rxc-complement/{name}");
        println!(
            "source: exact enumeration of the {found} tables more probable than the observed one (FEXACT's tolerance), \
             pruned depth-first search ({visited} partial tables, {:.1} s); for comparison {r_says}",
            t0.elapsed().as_secs_f64()
        );
        println!("kind: rxc-complement");
        println!("dim: {} {}", x.len(), x[0].len());
        println!("cells: {}", cells.join(" "));
        println!("p_value: {p:.17e}");
        println!("complement: {comp:.17e}");
        println!("tables: {found}");
        println!();
    }
}
