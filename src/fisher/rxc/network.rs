//! The exact network algorithm (Mehta & Patel 1983) over the reduced table.

use crate::ErrorDetail;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

#[cfg(test)]
use super::bounds::two_row_bounds;
use super::bounds::{
    even_fill, hyper_mode, lagrange_lower, two_column_max, two_column_min, uneven_fill,
    TWO_COLUMN_MAX_ROWS_EXACT,
};
use super::*;

/// A small deterministic multiplicative hasher (the Fx hash of rustc):
/// node keys are short vectors of counts, and a fixed hasher makes the
/// iteration order, hence every floating-point sum, reproducible.
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        // a slice of u64 arrives here as its raw bytes in one call: take
        // them eight at a time (byte by byte was half of a column fill)
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.write_u64(u64::from_le_bytes(w));
        }
        for &b in chunks.remainder() {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
    fn finish(&self) -> u64 {
        self.0
    }
}

/// Nodes of one stage: remaining row sums (ascending) → data.
type NodeMap<V> = HashMap<Vec<u64>, V, BuildHasherDefault<FxHasher>>;

/// The exact route compares log-probabilities, sums of `ln x!` up to
/// `ln N!`, with the observed one less [`FEXACT_TOL`]; each sum carries
/// rounding of about (number of terms) · ε · `ln N!`. The route refuses a
/// table (a typed [`ErrorDetail::BudgetExceeded`](crate::ErrorDetail::BudgetExceeded)) when that bound exceeds 1/16 of
/// [`FEXACT_TOL`], so a tie is never decided by rounding: totals up to about
/// 2.5e5 for a 5 x 5 table, 6e5 for 2 x 3. (R's FEXACT has no such guard.)
/// 2 x 2 shaped tables use the 2 x 2 route, whose log-densities are
/// Loader's and accurate at every count. Monte Carlo has no such limit.
const EXACT_ROUNDING_BUDGET: f64 = FEXACT_TOL / 16.0;

/// The largest total the exact route accepts for a table with `terms`
/// log-factorial terms (for the error message).
pub(super) fn exact_total_limit(terms: f64) -> u64 {
    let (mut lo, mut hi) = (1u64, MAX_EXACT_TOTAL);
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if terms * f64::EPSILON * ln_factorial(mid) > EXACT_ROUNDING_BUDGET {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    lo
}

/// Bounds are computed in floating point; they are widened by this much
/// (absolute, log scale) so that rounding can never make a bound cut a path
/// that should have been expanded. It is 300 times below [`FEXACT_TOL`].
const BOUND_SLACK: f64 = 1e-9;

/// The exact p-value; returns `(p, work)`.
pub(super) fn exact_p(t: &Reduced, budget: Budget, max_bytes: u64) -> Result<(f64, u64)> {
    if t.nrows == 2 && t.ncols == 2 {
        return Ok((two_by_two_p(t), 1));
    }
    check_rounding(t)?;
    let lf = LnFact::new(t.total);
    let inv = Recip::new(t.total);
    // Columns smallest first: the stages before the last two stay small, and
    // the last two (the largest) go through the exact two-column network.
    let mut order: Vec<usize> = (0..t.ncols).collect();
    order.sort_by(|&i, &j| t.cols[i].cmp(&t.cols[j]));
    let cols: Vec<u64> = order.iter().map(|&j| t.cols[j]).collect(); // j < ncols
    let mut net = Network::new(t, &lf, &inv, &cols, budget, max_bytes);
    net.run_stages(&t.rows)?;
    let p = if net.complement {
        1.0 - net.acc
    } else {
        net.acc
    };
    Ok((p.clamp(0.0, 1.0), net.budget.work))
}

/// A 2 x 2 (reduced) table goes to the 2 x 2 route: its two-sided p-value.
fn two_by_two_p(t: &Reduced) -> f64 {
    let c = &t.cells;
    let (a, b, cc, d) = (c[0] as f64, c[1] as f64, c[2] as f64, c[3] as f64); // 2 x 2
    let h = Hyper::new(a, b, cc, d);
    p_value_2x2(&h, a, 1.0, Alternative::TwoSided, PValueKind::Exact)
}

/// Refuses a table whose log-factorial sums could round by more than
/// [`EXACT_ROUNDING_BUDGET`].
fn check_rounding(t: &Reduced) -> Result<()> {
    let terms = (t.cells.len() + t.nrows + t.ncols + 1) as f64;
    if terms * f64::EPSILON * ln_factorial(t.total) > EXACT_ROUNDING_BUDGET {
        return Err(ErrorDetail::BudgetExceeded {
            what: "exact r x c Fisher test (log-factorial rounding would reach FEXACT's tie tolerance; use RxcMethod::Auto or RxcMethod::MonteCarlo)",
            limit: exact_total_limit(terms),
            unit: "table total",
            progress: None,
        }.into());
    }
    Ok(())
}

/// The chi-square approximation of the p-value (only to choose a route).
fn chisq_guess(t: &Reduced) -> f64 {
    let n = t.total as f64;
    let mut x2 = 0.0;
    for (i, row) in t.cells.chunks(t.ncols).enumerate() {
        for (j, &v) in row.iter().enumerate() {
            let e = t.rows[i] as f64 * t.cols[j] as f64 / n; // i < nrows, j < ncols
            x2 += (v as f64 - e) * (v as f64 - e) / e;
        }
    }
    let df = ((t.nrows - 1) * (t.ncols - 1)) as f64;
    chisq_sf(x2, df)
}

/// Sorts pasts and merges those within [`PAST_MERGE_TOL`].
fn merge_pasts(p: &mut Vec<(f64, f64)>) {
    if p.len() < 2 {
        return;
    }
    p.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let mut out = 0;
    for i in 1..p.len() {
        let (v, w) = p[i]; // i < len
        if v - p[out].0 <= PAST_MERGE_TOL {
            p[out].1 += w; // out < i
        } else {
            out += 1;
            p[out] = (v, w); // out ≤ i
        }
    }
    p.truncate(out + 1);
}

/// A node of the next stage: its bounds and the undecided paths reaching it.
#[derive(Debug, Clone, Default)]
struct Node {
    pasts: Vec<(f64, f64)>,
}

/// Bounds and log-mass of a node's completions.
#[derive(Debug, Clone, Copy)]
struct NodeInfo {
    /// lower bound on the future Σ ln t!
    fmin: f64,
    /// upper bound on the future Σ ln t!
    fmax: f64,
    /// ln Σ_completions Π 1/t! = ln N'! − Σ ln r'! − Σ ln c'!
    ln_mass: f64,
}

/// Largest memo of two-column bounds per node (entries of 24 bytes).
const TWO_CACHE_MAX: usize = 1 << 20;

/// Reused buffers of a node expansion.
#[derive(Debug, Default)]
struct Scratch {
    /// two-column bounds `(fmin, fmax, ln_mass)` by `i * two_stride + left`
    two_cache: Vec<(f64, f64, f64)>,
    two_stride: usize,
    /// last-two-rows memo of the node by `left`
    bottom_meta: Vec<Option<BottomRow>>,
    /// their costs `g(x)`
    bottom_g: Vec<f64>,
    /// their interleaved `(prefix, suffix)` masses
    bottom_pre: Vec<f64>,
    x: Vec<u64>,
    /// the later columns' row caps during a column fill
    caps_buf: Vec<u64>,
    child: Vec<u64>,
    cap_suffix: Vec<u64>,
    /// suffix sums Σ_{k ≥ i} w_k exp(p_i − p_k)
    suffix: Vec<f64>,
    /// prefix sums Σ_{k < i} w_k exp(p_0 − p_k)
    prefix: Vec<f64>,
    /// `w_k exp(p_0 − p_k)` of the node's pasts (two-column stage), when
    /// the pasts span less than [`PAST_SPAN_SCALED_MAX`]; else empty
    past_rel: Vec<f64>,
    /// per past of the node (two-column stage): its counted-tail
    /// boundaries at the last row level searched (`u64::MAX`: none yet),
    /// the guesses of the next search (closer than their distances from
    /// the mode: 1 % fewer instructions)
    tail_hints: Vec<[u64; 2]>,
    /// the costs and term ratios of the last two rows, by row sum
    sum_tables: SumTables,
    /// the node's last two rows and the starts of their entries in
    /// `sum_tables` (two-column stage; `None`: not looked up yet)
    bottom_at: Option<([u64; 2], [usize; 2])>,
}

impl Scratch {
    /// Resets the buffers of every node expansion for the node `key` with
    /// its pasts (ascending, the first `pmin`): the cells `x`, the child,
    /// the row caps from each row on, and the pasts' suffix sums relative
    /// to `p_i` and prefix sums relative to `p_0`.
    fn start_node(&mut self, key: &[u64], pasts: &[(f64, f64)], pmin: f64) {
        let r = key.len();
        self.x.clear();
        self.x.resize(r, 0);
        self.child.clear();
        self.child.resize(r, 0);
        self.cap_suffix.clear();
        self.cap_suffix.resize(r + 1, 0);
        for i in (0..r).rev() {
            self.cap_suffix[i] = self.cap_suffix[i + 1] + key[i]; // i < r
        }
        let n = pasts.len();
        self.suffix.clear();
        self.suffix.resize(n + 1, 0.0);
        for i in (0..n).rev() {
            let (p, w) = pasts[i]; // i < n
            let next_rel = match pasts.get(i + 1) {
                Some(&(pn, _)) => (p - pn).exp() * self.suffix[i + 1], // i + 1 ≤ n
                None => 0.0,
            };
            self.suffix[i] = w + next_rel; // i < n
        }
        self.prefix.clear();
        self.prefix.push(0.0);
        let mut run = 0.0;
        for &(p, w) in pasts {
            run += w * (pmin - p).exp();
            self.prefix.push(run);
        }
    }

    /// Resets the memos of the two-column stage for a node of `r` rows
    /// with `c` to place in the current column and pasts spanning
    /// `[pmin, pmax]`: the two-column bounds by (row level, amount left)
    /// and the last-two-rows memo by `left` (when small), the pasts'
    /// relative weights and their tail hints.
    fn start_two_column_node(
        &mut self,
        c: u64,
        r: usize,
        pasts: &[(f64, f64)],
        pmin: f64,
        pmax: f64,
    ) {
        self.two_stride = c as usize + 1;
        let size = r.saturating_mul(self.two_stride);
        self.two_cache.clear();
        if size <= TWO_CACHE_MAX {
            self.two_cache.resize(size, (f64::NAN, 0.0, 0.0));
        }
        self.bottom_meta.clear();
        if self.two_stride <= TWO_CACHE_MAX {
            self.bottom_meta.resize(self.two_stride, None);
        }
        self.bottom_g.clear();
        self.bottom_pre.clear();
        self.past_rel.clear();
        self.bottom_at = None;
        self.tail_hints.clear();
        self.tail_hints.resize(pasts.len(), [u64::MAX; 2]);
        if pmax - pmin < PAST_SPAN_SCALED_MAX {
            self.past_rel
                .extend(pasts.iter().map(|&(p, w)| w * (pmin - p).exp()));
        }
    }
}

/// Largest number of entries of [`SumTables`] (24 bytes each: 48 MiB);
/// past it the tables start over.
const SUM_TABLES_MAX: usize = 1 << 21;

/// The last two rows of a node of the two-column stage have sums `c₁, c₂`;
/// with `x` the first row's cell in the current column and `y = left − x`
/// the second row's, their cost is `g(x) = a_{c₁}(x) + a_{c₂}(y)` with
/// `a_c(x) = ln x! + ln (c − x)!` (the grouping of `two_row_bounds`), and
/// the term ratios of `e^{−g}` along a row level (`left` fixed) are
/// products of a factor of each row:
///
/// ```text
/// P(x + 1)/P(x) = (c₁ − x)/(x + 1) · y/(c₂ − y + 1)      (up)
/// P(x − 1)/P(x) = x/(c₁ − x + 1) · (c₂ − y)/(y + 1)      (down)
/// ```
///
/// Each row sum `c` met is tabulated once per run, `[a_c(x), (c − x)/(x +
/// 1), x/(c − x + 1)]` for `x = 0..=c` (the factors take `1/k` from
/// [`Recip`]: no division), and shared by every node whose last two rows
/// have that sum: a row level reads `g` with two loads and an addition, and
/// a term ratio with two loads and a product.
#[derive(Debug, Default)]
struct SumTables {
    /// the entries of every tabulated row sum, one after the other
    data: Vec<[f64; 3]>,
    /// the start of the entries of row sum `c` in `data`, by `c`
    /// (`usize::MAX`: not tabulated)
    start: Vec<usize>,
}

impl SumTables {
    fn has(&self, c: u64) -> bool {
        self.start.get(c as usize).is_some_and(|&s| s != usize::MAX)
    }

    /// Tabulates the row sums `c` that are not yet; returns the number of
    /// new entries (work units).
    fn ensure(&mut self, lf: &LnFact, inv: &Recip, c: [u64; 2]) -> u64 {
        let missing = |t: &SumTables| {
            let n1 = if t.has(c[0]) { 0 } else { c[0] + 1 };
            let n2 = if c[1] == c[0] || t.has(c[1]) {
                0
            } else {
                c[1] + 1
            };
            n1 + n2
        };
        let mut need = missing(self);
        if need == 0 {
            return 0;
        }
        if self.data.len() as u64 + need > SUM_TABLES_MAX as u64 {
            // full: start over (both rows are then tabulated together)
            self.data.clear();
            self.start.clear();
            need = missing(self);
        }
        for ck in c {
            if self.has(ck) {
                continue;
            }
            let ci = ck as usize;
            if self.start.len() <= ci {
                self.start.resize(ci + 1, usize::MAX);
            }
            self.start[ci] = self.data.len(); // resized above
            self.data.extend((0..=ck).map(|x| {
                let k = ck - x;
                [
                    lf.get(x) + lf.get(k),
                    k as f64 * inv.get(x + 1),
                    x as f64 * inv.get(k + 1),
                ]
            }));
        }
        need
    }

    /// The starts of the entries of the row sums `c` (both tabulated by
    /// [`SumTables::ensure`]).
    fn starts(&self, c: [u64; 2]) -> [usize; 2] {
        c.map(|ck| {
            *self
                .start
                .get(ck as usize)
                .filter(|&&s| s != usize::MAX)
                .expect("the row sums are tabulated before they are read")
        })
    }

    /// The view of the last two rows `c` whose entries start at `at`
    /// ([`SumTables::starts`]).
    #[inline]
    fn bottom(&self, c: [u64; 2], at: [usize; 2]) -> Bottom<'_> {
        let row = |k: usize| {
            self.data
                .get(at[k]..at[k] + c[k] as usize + 1)
                .expect("a tabulated row sum c has c + 1 entries")
        };
        Bottom {
            a: row(0),
            b: row(1),
        }
    }
}

/// The tables of the last two rows `c₁` (`a`) and `c₂` (`b`) of a node (see
/// [`SumTables`]).
#[derive(Debug, Clone, Copy)]
struct Bottom<'t> {
    a: &'t [[f64; 3]],
    b: &'t [[f64; 3]],
}

impl Bottom<'_> {
    /// The cost `g(x) = a_{c₁}(x) + a_{c₂}(left − x)` for `x_lo ≤ x ≤ x_hi`
    /// of the row level `left` (then `x ≤ c₁` and `left − x ≤ c₂`: in range).
    #[inline(always)]
    fn g(self, x: u64, left: u64) -> f64 {
        self.a[x as usize][0] + self.b[(left - x) as usize][0] // x ≤ c₁, left − x ≤ c₂
    }

    /// `P(x + 1)/P(x)` at the row level `left` (`x_lo ≤ x < x_hi`).
    #[inline(always)]
    fn up(self, x: u64, left: u64) -> f64 {
        self.a[x as usize][1] * self.b[(left - x) as usize][2] // as in `g`
    }

    /// `P(x − 1)/P(x)` at the row level `left` (`x_lo < x ≤ x_hi`).
    #[inline(always)]
    fn down(self, x: u64, left: u64) -> f64 {
        self.a[x as usize][2] * self.b[(left - x) as usize][1] // as in `g`
    }
}

/// Pasts spanning less than this (log scale) are weighed relative to the
/// first one by one `exp` each per node (no underflow: `e^{−600}` is a
/// normal `f64`), so a row level costs one `exp` for all of them.
const PAST_SPAN_SCALED_MAX: f64 = 600.0;

struct Network<'a> {
    lf: &'a LnFact,
    /// `1/k` for the term ratios of the last two rows
    inv: &'a Recip,
    cols: &'a [u64],
    thr: f64,
    k_const: f64,
    complement: bool,
    acc: f64,
    budget: Budget,
    max_bytes: u64,
    /// distances of the last counted-tail boundaries from the minimum in
    /// [`Network::last_two_rows_by_tails`] (a starting guess only)
    tail_hint: [u64; 2],
    bytes: u64,
    /// bounds of the nodes of the next stage met so far
    info: NodeMap<NodeInfo>,
}

impl<'a> Network<'a> {
    /// The network of the table `t` with its columns in the order `cols`:
    /// the observed statistic `V = Σ ln t!` sets the threshold, and the
    /// chi-square guess of p decides the route (sum the p-value or its
    /// complement).
    fn new(
        t: &Reduced,
        lf: &'a LnFact,
        inv: &'a Recip,
        cols: &'a [u64],
        budget: Budget,
        max_bytes: u64,
    ) -> Self {
        let v_obs: f64 = t.cells.iter().map(|&v| lf.get(v)).sum();
        let k_const: f64 = t.rows.iter().map(|&v| lf.get(v)).sum::<f64>()
            + t.cols.iter().map(|&v| lf.get(v)).sum::<f64>()
            - lf.get(t.total);
        Network {
            lf,
            inv,
            cols,
            thr: v_obs - FEXACT_TOL,
            k_const,
            complement: chisq_guess(t) > COMPLEMENT_SWITCH_P,
            acc: 0.0,
            budget,
            max_bytes,
            tail_hint: [0, 0],
            bytes: 0,
            info: NodeMap::default(),
        }
    }

    /// Walks the stages column by column from the root node `rows`,
    /// accumulating the decided mass in `acc`.
    fn run_stages(&mut self, rows: &[u64]) -> Result<()> {
        let mut root: Vec<u64> = rows.to_vec();
        root.sort_unstable();
        let mut stage: NodeMap<Node> = NodeMap::default();
        stage.insert(
            root,
            Node {
                pasts: vec![(0.0, 1.0)],
            },
        );
        let mut scratch = Scratch::default();
        for j in 0..self.cols.len() {
            let mut next: NodeMap<Node> = NodeMap::default();
            self.bytes = 0;
            self.info.clear();
            for (key, mut node) in stage.drain() {
                if node.pasts.is_empty() {
                    continue;
                }
                self.charge(node.pasts.len() as u64)?;
                merge_pasts(&mut node.pasts);
                self.expand(j, &key, &node.pasts, &mut next, &mut scratch)?;
            }
            stage = next;
            if stage.is_empty() {
                break;
            }
        }
        Ok(())
    }
}

impl Network<'_> {
    #[inline]
    fn charge(&mut self, units: u64) -> Result<()> {
        match self.budget.charge(units) {
            Ok(()) => Ok(()),
            Err(stop) => Err(self.budget.exact_error(stop)),
        }
    }

    fn charge_bytes(&mut self, bytes: u64) -> Result<()> {
        self.bytes = self.bytes.saturating_add(bytes);
        if self.bytes > self.max_bytes {
            return Err(ErrorDetail::BudgetExceeded {
                what: "exact r x c Fisher test (memory of one stage)",
                limit: self.max_bytes,
                unit: "bytes",
                progress: Some(BudgetProgress::new(
                    self.budget.work,
                    "work units",
                    None,
                    EXACT_FIX_MEMORY,
                )),
            }
            .into());
        }
        Ok(())
    }

    /// Tabulates the last two rows `c` of the node in [`SumTables`] unless
    /// they are (one unit per new entry); returns the starts of their
    /// entries, looked up once per node (`c` is the same at every row
    /// level of a node, and nothing else is tabulated during its expansion).
    #[inline(always)]
    fn bottom_tables(&mut self, scratch: &mut Scratch, c: [u64; 2]) -> Result<[usize; 2]> {
        match scratch.bottom_at {
            Some((c_at, at)) if c_at == c => Ok(at),
            _ => self.bottom_tables_lookup(scratch, c),
        }
    }

    /// [`Network::bottom_tables`] at the first row level of a node.
    #[inline(never)]
    fn bottom_tables_lookup(&mut self, scratch: &mut Scratch, c: [u64; 2]) -> Result<[usize; 2]> {
        let units = scratch.sum_tables.ensure(self.lf, self.inv, c);
        if units > 0 {
            self.charge(units)?;
        }
        let at = scratch.sum_tables.starts(c);
        scratch.bottom_at = Some((c, at));
        Ok(at)
    }

    /// Bounds for the node `rows` (ascending) before column `j`.
    fn info(&self, j: usize, rows: &[u64]) -> NodeInfo {
        let lf = self.lf;
        let cols = self.cols.get(j..).unwrap_or(&[]);
        let n: u64 = rows.iter().sum();
        let sum_rows: f64 = rows.iter().map(|&r| lf.get(r)).sum();
        let ln_mass = lf.get(n) - sum_rows - cols.iter().map(|&c| lf.get(c)).sum::<f64>();
        if cols.len() <= 1 {
            return NodeInfo {
                fmin: sum_rows,
                fmax: sum_rows,
                ln_mass,
            };
        }
        if let [a, _] = cols {
            // two columns left: both bounds exact
            let fmin = two_column_min(lf, rows, *a);
            let fmax = if rows.len() <= TWO_COLUMN_MAX_ROWS_EXACT {
                two_column_max(lf, rows, *a)
            } else {
                let mut col_caps: Vec<u64> = cols.to_vec();
                col_caps.sort_unstable();
                let hi_c: f64 = cols.iter().map(|&c| uneven_fill(lf, c, rows)).sum();
                let hi_r: f64 = rows.iter().map(|&r| uneven_fill(lf, r, &col_caps)).sum();
                hi_c.min(hi_r)
            };
            return NodeInfo {
                fmin: fmin - BOUND_SLACK,
                fmax: fmax + BOUND_SLACK,
                ln_mass,
            };
        }
        // column relaxation (caps = row sums) and row relaxation (caps = column sums)
        let mut col_caps: Vec<u64> = cols.to_vec();
        col_caps.sort_unstable();
        let lo_c: f64 = cols.iter().map(|&c| even_fill(lf, c, rows)).sum();
        let lo_r: f64 = rows.iter().map(|&r| even_fill(lf, r, &col_caps)).sum();
        let lo_l = lagrange_lower(lf, rows, cols, n);
        let hi_c: f64 = cols.iter().map(|&c| uneven_fill(lf, c, rows)).sum();
        let hi_r: f64 = rows.iter().map(|&r| uneven_fill(lf, r, &col_caps)).sum();
        NodeInfo {
            fmin: lo_c.max(lo_r).max(lo_l) - BOUND_SLACK,
            fmax: hi_c.min(hi_r) + BOUND_SLACK,
            ln_mass,
        }
    }

    /// Expands node `key` (ascending remaining row sums) at column `j` with
    /// its merged, sorted pasts.
    fn expand(
        &mut self,
        j: usize,
        key: &[u64],
        pasts: &[(f64, f64)],
        next: &mut NodeMap<Node>,
        scratch: &mut Scratch,
    ) -> Result<()> {
        let Some(&c) = self.cols.get(j) else {
            return Ok(());
        };
        let (Some(&(pmin, _)), Some(&(pmax, _))) = (pasts.first(), pasts.last()) else {
            return Ok(());
        };
        let (later_lo, later_hi) = self.later_bounds(j, key);
        scratch.start_node(key, pasts, pmin);
        let mut ctx = FillCtx {
            key,
            pasts,
            pmin,
            pmax,
            later_lo,
            later_hi,
            j,
        };
        if j + 2 == self.cols.len() {
            scratch.start_two_column_node(c, key.len(), pasts, pmin, pmax);
            let level = RowLevel {
                i: 0,
                left: c,
                v: 0.0,
                lo: 0,
                hi: pasts.len(),
            };
            return self.fill_two(&ctx, scratch, level);
        }
        self.fill(&mut ctx, scratch, 0, c, 0.0, next)
    }

    /// Relaxed bounds of the columns after `j` for the node `key`, used to
    /// cut partial fills: caps are the current row sums, an over-estimate,
    /// so still valid.
    fn later_bounds(&self, j: usize, key: &[u64]) -> (f64, f64) {
        let lf = self.lf;
        let later = self.cols.get(j + 1..).unwrap_or(&[]);
        let later_lo: f64 =
            later.iter().map(|&cc| even_fill(lf, cc, key)).sum::<f64>() - BOUND_SLACK;
        let later_hi: f64 = later
            .iter()
            .map(|&cc| uneven_fill(lf, cc, key))
            .sum::<f64>()
            + BOUND_SLACK;
        (later_lo, later_hi)
    }

    /// Two columns left (the current one and the last): after rows `0..i`
    /// of the current column are fixed (`v` holds their cells in both
    /// columns), the rest is an r x 2 table whose bounds are exact
    /// ([`two_column_min`], [`two_column_max`]) and whose total mass is
    /// closed-form by Vandermonde's identity,
    /// `Σ Π 1/(x_k! (r_k − x_k)!) = C(R_S, left) / Π r_k!`. So every row
    /// level decides whole ranges of the pasts `[lo, hi)`, and only the
    /// undecided ones go one row deeper.
    fn fill_two(
        &mut self,
        ctx: &FillCtx<'_>,
        scratch: &mut Scratch,
        level: RowLevel,
    ) -> Result<()> {
        let RowLevel { i, left, v, lo, hi } = level;
        let rest = ctx.key.get(i..).unwrap_or(&[]);
        let r_s = *scratch
            .cap_suffix
            .get(i)
            .expect("a fill starts at a row i < r; cap_suffix has r + 1 entries");
        if left > r_s {
            return Ok(());
        }
        let (fmin, fmax, ln_mass) = self.two_column_bounds(scratch, i, left, rest, r_s)?;
        let pasts = ctx.pasts.get(lo..hi).unwrap_or(&[]);
        let none_below = self.thr - v - (fmax + BOUND_SLACK);
        let all_from = self.thr - v - (fmin - BOUND_SLACK);
        let a = lo + pasts.partition_point(|&(p, _)| p < none_below);
        let b = (lo + pasts.partition_point(|&(p, _)| p < all_from)).max(a);
        self.charge(1)?;
        let base = self.k_const - v + ln_mass;
        if self.complement {
            self.acc += range_mass(ctx.pasts, scratch, lo, a, base);
        } else {
            self.acc += range_mass(ctx.pasts, scratch, b, hi, base);
        }
        if a == b || rest.len() == 1 {
            return Ok(());
        }
        let undecided = RowLevel {
            lo: a,
            hi: b,
            ..level
        };
        if let [c1, c2] = *rest {
            let at = LastTwo {
                c: [c1, c2],
                level: undecided,
            };
            match self.last_two_rows_route(scratch, at.c, left, b - a) {
                BottomRoute::TailWalks => return self.last_two_rows_by_tails(ctx, scratch, at),
                BottomRoute::Memo => return self.last_two_rows(ctx, scratch, at),
                BottomRoute::RowByRow => {}
            }
        }
        self.fill_two_next_row(ctx, scratch, undecided)
    }

    /// The bounds `(fmin, fmax)` of the future `Σ ln t!` and the log-mass
    /// of the r x 2 table `rest` (row sums, `r_s` in all) with `left` to
    /// place in the current column, at row level `i`: they depend on
    /// `(i, left)` only and are memoised per node.
    #[inline]
    fn two_column_bounds(
        &mut self,
        scratch: &mut Scratch,
        i: usize,
        left: u64,
        rest: &[u64],
        r_s: u64,
    ) -> Result<(f64, f64, f64)> {
        let slot = i * scratch.two_stride + left as usize;
        let cached = scratch
            .two_cache
            .get(slot)
            .copied()
            .filter(|c| !c.0.is_nan());
        if let Some(c) = cached {
            return Ok(c);
        }
        let bounds = self.two_column_bounds_fresh(scratch, left, rest, r_s)?;
        if let Some(c) = scratch.two_cache.get_mut(slot) {
            *c = bounds;
        }
        Ok(bounds)
    }

    /// [`Network::two_column_bounds`] computed: one row is fixed, two rows
    /// read the node's [`SumTables`] (the values of `two_row_bounds`), more
    /// go through [`two_column_min`] and [`two_column_max`] (or its
    /// relaxation past [`TWO_COLUMN_MAX_ROWS_EXACT`] rows).
    fn two_column_bounds_fresh(
        &mut self,
        scratch: &mut Scratch,
        left: u64,
        rest: &[u64],
        r_s: u64,
    ) -> Result<(f64, f64, f64)> {
        let lf = self.lf;
        // the exact maximum enumerates r 2^(r−1) vertices of r terms
        let rl = rest.len().min(TWO_COLUMN_MAX_ROWS_EXACT) as u64;
        self.charge(4 * rest.len() as u64 + ((rl * rl) << rl))?;
        let (fmin, fmax) = if rest.len() == 1 {
            let f = lf.get(left) + lf.get(r_s - left);
            (f, f)
        } else if let [c1, c2] = *rest {
            let at = self.bottom_tables(scratch, [c1, c2])?;
            let t = scratch.sum_tables.bottom([c1, c2], at);
            let x_lo = left.saturating_sub(c2);
            let x_hi = c1.min(left);
            // left ≤ r_s = c₁ + c₂ (checked by the caller): x_lo ≤ x_hi
            let fmax = t.g(x_lo, left).max(t.g(x_hi, left));
            (t.g(hyper_mode(c1, c2, left), left), fmax)
        } else {
            let fmax = if rest.len() <= TWO_COLUMN_MAX_ROWS_EXACT {
                two_column_max(lf, rest, left)
            } else {
                // relaxation: each row as uneven as the column sums allow
                let b = r_s - left;
                let caps = if left <= b { [left, b] } else { [b, left] };
                let hi_r: f64 = rest.iter().map(|&rk| uneven_fill(lf, rk, &caps)).sum();
                hi_r.min(uneven_fill(lf, left, rest) + uneven_fill(lf, b, rest))
            };
            (two_column_min(lf, rest, left), fmax)
        };
        let ln_mass = lf.get(r_s)
            - lf.get(left)
            - lf.get(r_s - left)
            - rest.iter().map(|&rk| lf.get(rk)).sum::<f64>();
        Ok((fmin, fmax, ln_mass))
    }

    /// How the last two rows `c` (one free cell `x`) at `left` are summed
    /// for `undecided` pasts. Per undecided past, the counted `x` form an
    /// interval or its complement (the cost is convex in `x`): on the
    /// p-value route a few pasts walk their tails before any memo is
    /// built; otherwise they are summed from memoised prefix masses when
    /// the memo exists for this `left` or fits in its cap, and there are no
    /// more pasts than values of `x`.
    fn last_two_rows_route(
        &self,
        scratch: &Scratch,
        c: [u64; 2],
        left: u64,
        undecided: usize,
    ) -> BottomRoute {
        let n_x = c[0].min(left) - left.saturating_sub(c[1]) + 1;
        let (memo_built, memo_ok) = match scratch.bottom_meta.get(left as usize) {
            Some(Some(_)) => (true, true),
            Some(None) => (
                false,
                scratch.bottom_g.len() as u64 + n_x <= BOTTOM_MEMO_MAX,
            ),
            None => (false, false),
        };
        if !self.complement && !memo_built && undecided <= TAIL_WALK_MAX_PASTS {
            BottomRoute::TailWalks
        } else if memo_ok && undecided as u64 <= n_x {
            BottomRoute::Memo
        } else {
            BottomRoute::RowByRow
        }
    }

    /// Fixes row `i` of the current column at each feasible cell and goes
    /// one row deeper with the undecided pasts.
    fn fill_two_next_row(
        &mut self,
        ctx: &FillCtx<'_>,
        scratch: &mut Scratch,
        level: RowLevel,
    ) -> Result<()> {
        let RowLevel { i, left, v, .. } = level;
        let cap = *ctx
            .key
            .get(i)
            .expect("i < r: the rows from i on are not empty");
        let rest_caps = *scratch
            .cap_suffix
            .get(i + 1)
            .expect("i + 1 <= r; cap_suffix has r + 1 entries");
        let lo_x = left.saturating_sub(rest_caps);
        let hi_x = cap.min(left);
        let mut xi = lo_x;
        while xi <= hi_x {
            let row = RowLevel {
                i: i + 1,
                left: left - xi,
                v: v + self.lf.get(xi) + self.lf.get(cap - xi),
                ..level
            };
            self.fill_two(ctx, scratch, row)?;
            xi += 1;
        }
        Ok(())
    }

    /// The last two rows of the two-column network (rows `c` of the
    /// remaining sub-table, `left` still to place in the current column):
    /// the table is fixed by the first row's cell `x`, with cost
    /// `g(x) = ln x! + ln (c₀ − x)! + ln (left − x)! + ln (c₁ − left + x)!`,
    /// convex in `x`. For each past `p` in `[lo, hi)` of the level the
    /// counted `x` are those with `g(x) ≥ thr − v − p` (p-value: two tails
    /// around the minimum) or `g(x) < thr − v − p` (complement: one
    /// interval), found by binary search on the two monotone halves and
    /// summed from prefix masses `Σ e^{g_min − g(x)}` memoised per `left`
    /// for the node. The decisions are those of the row-by-row recursion,
    /// table by table (the same [`BOUND_SLACK`] either side).
    fn last_two_rows(
        &mut self,
        ctx: &FillCtx<'_>,
        scratch: &mut Scratch,
        at: LastTwo,
    ) -> Result<()> {
        let (
            c,
            RowLevel {
                left, v, lo, hi, ..
            },
        ) = (at.c, at.level);
        self.charge(1 + (hi - lo) as u64)?;
        let row = self.bottom_row_memo(scratch, c, left)?;
        let g = scratch
            .bottom_g
            .get(row.off..row.off + row.len)
            .expect("bottom_row appends len costs");
        // pre[k] = Σ_{j<k} t_j and suf[k] = Σ_{j≥k} t_j, k = 0..=len,
        // interleaved: 2(len + 1) entries, all written by `bottom_row`
        let pre = scratch
            .bottom_pre
            .get(2 * row.off_p..2 * (row.off_p + row.len + 1))
            .expect("bottom_row appends 2(len + 1) masses");
        let (dec, inc) = g.split_at(row.argmin.min(g.len()));
        // the counted x are [k1, k2) (complement) or outside it (p-value),
        // with k1 ≤ argmin ≤ k2 ≤ len: within the 2(len + 1) entries
        let below = |t: f64| {
            let k1 = dec.partition_point(|&gx| gx >= t);
            (k1, row.argmin + inc.partition_point(|&gx| gx < t))
        };
        for &(p, w) in ctx.pasts.get(lo..hi).unwrap_or(&[]) {
            let mass = if self.complement {
                // counted: g(x) < thr − v − p − slack, an interval around the minimum
                let (k1, k2) = below(self.thr - v - p - BOUND_SLACK);
                if k2 <= k1 {
                    continue;
                }
                pre[2 * k2] - pre[2 * k1]
            } else {
                // counted: g(x) ≥ thr − v − p + slack, the two tails
                let (k1, k2) = below(self.thr - v - p + BOUND_SLACK);
                if k2 <= k1 {
                    // even the minimum is counted: every table (suf[0])
                    pre[1]
                } else {
                    pre[2 * k1] + pre[2 * k2 + 1] // pre[k1] + suf[k2]
                }
            };
            self.acc += w * mass * (self.k_const - v - p - row.gmin).exp();
        }
        Ok(())
    }

    /// The memo of the last two rows `c` at `left` ([`BottomRow`]), built
    /// on first use (one work unit per value of `x`).
    fn bottom_row_memo(
        &mut self,
        scratch: &mut Scratch,
        c: [u64; 2],
        left: u64,
    ) -> Result<BottomRow> {
        if let Some(row) = scratch.bottom_meta.get(left as usize).copied().flatten() {
            return Ok(row);
        }
        self.charge(c[0].min(left) - left.saturating_sub(c[1]) + 1)?;
        let row = bottom_row(
            self.lf,
            c,
            left,
            &mut scratch.bottom_g,
            &mut scratch.bottom_pre,
        );
        if let Some(slot) = scratch.bottom_meta.get_mut(left as usize) {
            *slot = Some(row);
        }
        Ok(row)
    }

    /// [`Network::last_two_rows`] for a few pasts without a memo (p-value
    /// route only): per past, the two counted tails of the convex cost
    /// `g(x)` are found by stepping outward from the same past's
    /// boundaries at the row level before (they move by a table or two)
    /// and summed from their inner ends outward by the exact term ratios
    /// of the hypergeometric distribution (`e^{−g(x)}` is the term of the
    /// 2 x 2 table `[[x, c₀ − x], [left − x, c₁ − left + x]]`), stopping as
    /// the 2 x 2 walks do once the rest is below 2⁻⁶⁰ of the sum: the far
    /// tails that a strong association leaves cost a few terms instead of
    /// the whole row. `g` and the term ratios come from the node's
    /// tables ([`SumTables`]: two loads each). The minimum of `g` is the
    /// hypergeometric mode. The counted tables are those of the memoised
    /// route (the same `g` values and comparisons).
    fn last_two_rows_by_tails(
        &mut self,
        ctx: &FillCtx<'_>,
        scratch: &mut Scratch,
        at: LastTwo,
    ) -> Result<()> {
        let LastTwo { c, level } = at;
        let [c1, c2] = c;
        let RowLevel {
            left, v, lo, hi, ..
        } = level;
        let (x_lo, x_hi) = (left.saturating_sub(c2), c1.min(left));
        let log2_n = u64::from(64 - (x_hi - x_lo + 1).leading_zeros());
        self.charge(1 + (hi - lo) as u64 * (8 + 2 * log2_n))?;
        let at = self.bottom_tables(scratch, c)?;
        let Scratch {
            sum_tables,
            tail_hints,
            past_rel,
            ..
        } = scratch;
        // the pasts' weights relative to the first one, or none
        let rel: &[f64] = match past_rel.get(lo..hi) {
            Some(r) if r.len() == hi - lo => r,
            _ => &[],
        };
        let tab = sum_tables.bottom(c, at);
        // the minimiser of g: the mode of the hypergeometric distribution
        let xm = hyper_mode(c1, c2, left);
        let gm = tab.g(xm, left);
        let row = TailRow {
            tab,
            left,
            x_lo,
            x_hi,
            xm,
            // masses are e^{ln_base − g(x)}: the probability of the table
            // with the first past (≤ 1, no overflow) when the pasts are
            // weighed relative to it, else relative to the mode
            ln_base: if rel.is_empty() {
                gm
            } else {
                self.k_const - v - ctx.pmin
            },
        };
        let mut tails = CountedTails::new(&row);
        // every table's mass (Vandermonde's identity)
        let lf = self.lf;
        let n = c1 + c2;
        let ln_all = gm + lf.get(n) - lf.get(left) - lf.get(n - left) - lf.get(c1) - lf.get(c2);
        let [d1, d2] = self.tail_hint;
        let pasts = ctx.pasts.get(lo..hi).expect("lo ≤ hi ≤ number of pasts");
        let hints = tail_hints
            .get_mut(lo..hi)
            .expect("one hint per past of the node");
        // The pasts ascend, so the thresholds descend and the counted tails
        // only grow: each past extends the tails of the one before.
        for (k, (&(p, w), hint)) in pasts.iter().zip(hints.iter_mut()).enumerate() {
            if !tails.all {
                // guesses: this past's boundaries at the row level before,
                // else the last past's (as distances from the mode)
                let guess = if hint[0] != u64::MAX {
                    *hint
                } else if k == 0 {
                    [xm.saturating_sub(d1), xm.saturating_add(d2)]
                } else {
                    [tails.k1, tails.k2]
                };
                *hint = tails.advance(&row, self.thr - v - p + BOUND_SLACK, guess, k == 0);
            }
            let mass = if tails.all {
                (row.ln_base - gm + ln_all).exp()
            } else {
                tails.lower + tails.upper
            };
            self.acc += match rel.get(k) {
                Some(&r) => r * mass,
                None => w * mass * (self.k_const - v - p - gm).exp(),
            };
        }
        self.tail_hint = [xm - tails.k1.min(xm), tails.k2.saturating_sub(xm)];
        Ok(())
    }

    /// Fills the current column from row `i` on (`left` still to place,
    /// `v` the `Σ ln t!` of rows `0..i`), handing every complete column to
    /// [`Network::leaf`].
    fn fill(
        &mut self,
        ctx: &mut FillCtx<'_>,
        scratch: &mut Scratch,
        i: usize,
        left: u64,
        v: f64,
        next: &mut NodeMap<Node>,
    ) -> Result<()> {
        let r = ctx.key.len();
        // the partial-fill cut below passes over every row for every later column
        let later_cols = self.cols.len().saturating_sub(ctx.j + 1) as u64;
        self.charge(1 + later_cols * r as u64)?;
        if i + 1 == r {
            // last row takes the rest (feasible by construction)
            scratch.x[i] = left; // i < r
            let v = v + self.lf.get(left);
            return self.leaf(ctx, scratch, v, next);
        }
        if i > 0 && self.partial_fill_decided(ctx, scratch, i, left, v) {
            return Ok(());
        }
        let cap = ctx.key[i]; // i < r
        let rest_caps = scratch.cap_suffix[i + 1]; // i + 1 ≤ r
        let lo_x = left.saturating_sub(rest_caps);
        let hi_x = cap.min(left);
        let mut xi = lo_x;
        while xi <= hi_x {
            scratch.x[i] = xi; // i < r
            self.fill(ctx, scratch, i + 1, left - xi, v + self.lf.get(xi), next)?;
            xi += 1;
        }
        Ok(())
    }

    /// The partial-fill cut: whether bounds over this column's remaining
    /// rows `i..` (`left` to place) and the later columns show that no
    /// completion of rows `0..i` adds to the sum (every one counted on the
    /// complement route, none on the p-value route).
    fn partial_fill_decided(
        &self,
        ctx: &FillCtx<'_>,
        scratch: &mut Scratch,
        i: usize,
        left: u64,
        v: f64,
    ) -> bool {
        let caps = ctx.key.get(i..).unwrap_or(&[]);
        let lf = self.lf;
        // the later columns' caps once rows 0..i have taken their cells
        // of this column (still at least the final ones: a relaxation)
        let later_caps = |scratch: &mut Scratch| {
            scratch.caps_buf.clear();
            for (k, &rk) in ctx.key.iter().enumerate() {
                let taken = if k < i {
                    *scratch
                        .x
                        .get(k)
                        .expect("rows before i have taken their cell of this column")
                } else {
                    0
                };
                scratch.caps_buf.push(rk - taken);
            }
            scratch.caps_buf.sort_unstable();
        };
        let later = self.cols.get(ctx.j + 1..).unwrap_or(&[]);
        if self.complement {
            let here = v + even_fill(lf, left, caps);
            if ctx.pmin + here + ctx.later_lo >= self.thr {
                return true; // every completion counted: none in the complement
            }
            if later.is_empty() {
                return false;
            }
            later_caps(scratch);
            let lo: f64 = later
                .iter()
                .map(|&cc| even_fill(lf, cc, &scratch.caps_buf))
                .sum();
            ctx.pmin + here + lo - BOUND_SLACK >= self.thr
        } else {
            let here = v + uneven_fill(lf, left, caps);
            if ctx.pmax + here + ctx.later_hi < self.thr {
                return true; // no completion counted
            }
            if later.is_empty() {
                return false;
            }
            later_caps(scratch);
            let hi: f64 = later
                .iter()
                .map(|&cc| uneven_fill(lf, cc, &scratch.caps_buf))
                .sum();
            ctx.pmax + here + hi + BOUND_SLACK < self.thr
        }
    }

    fn leaf(
        &mut self,
        ctx: &mut FillCtx<'_>,
        scratch: &mut Scratch,
        v: f64,
        next: &mut NodeMap<Node>,
    ) -> Result<()> {
        for (c, (k, x)) in scratch
            .child
            .iter_mut()
            .zip(ctx.key.iter().zip(scratch.x.iter()))
        {
            *c = k - x;
        }
        scratch.child.sort_unstable();
        let info = match self.info.get(scratch.child.as_slice()) {
            Some(i) => *i,
            None => {
                // a bound costs a few passes over every row of every later column
                let later = self.cols.len().saturating_sub(ctx.j + 1) as u64;
                self.charge(4 * later * scratch.child.len() as u64)?;
                let i = self.info(ctx.j + 1, &scratch.child);
                self.charge_bytes((scratch.child.len() * 8 + 64) as u64)?;
                self.info.insert(scratch.child.clone(), i);
                i
            }
        };
        let pasts = ctx.pasts;
        // pasts are ascending: [none counted | undecided | all counted]
        let none_below = self.thr - v - info.fmax; // past < none_below: never counted
        let all_from = self.thr - v - info.fmin; // past ≥ all_from: always counted
        let lo = pasts.partition_point(|&(p, _)| p < none_below);
        let hi = pasts.partition_point(|&(p, _)| p < all_from).max(lo);
        self.charge(1 + (hi - lo) as u64)?;
        let base = self.k_const - v + info.ln_mass;
        if self.complement {
            if lo > 0 {
                // prefix has one entry per past and a leading 0: lo ≤ pasts.len()
                let s = scratch.prefix[lo];
                self.acc += s * (base - ctx.pmin).exp();
            }
        } else if let (Some(&(p_hi, _)), Some(&s)) = (pasts.get(hi), scratch.suffix.get(hi)) {
            self.acc += s * (base - p_hi).exp();
        }
        if hi > lo {
            let und = pasts.get(lo..hi).unwrap_or(&[]);
            let node = match next.get_mut(scratch.child.as_slice()) {
                Some(node) => node,
                None => {
                    self.charge_bytes((scratch.child.len() * 8 + 64) as u64)?;
                    next.entry(scratch.child.clone()).or_default()
                }
            };
            node.pasts.extend(und.iter().map(|&(p, w)| (p + v, w)));
            self.charge_bytes(16 * und.len() as u64)?;
        }
        Ok(())
    }
}

/// Which way [`Network::fill_two`] sums the last two rows of a row level
/// (see [`Network::last_two_rows_route`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BottomRoute {
    /// [`Network::last_two_rows_by_tails`]
    TailWalks,
    /// [`Network::last_two_rows`]
    Memo,
    /// row by row ([`Network::fill_two_next_row`])
    RowByRow,
}

/// The last two rows `c` of a row level (the first one's cell is the only
/// free one) and that level ([`Network::last_two_rows`]).
#[derive(Debug, Clone, Copy)]
struct LastTwo {
    c: [u64; 2],
    level: RowLevel,
}

/// A row level of the two-column stage: rows `0..i` of the current column
/// are fixed, `left` is still to place in it, `v` is the `Σ ln t!` of the
/// fixed cells (in both columns), and the node's pasts `[lo, hi)` are still
/// undecided.
#[derive(Debug, Clone, Copy)]
struct RowLevel {
    i: usize,
    left: u64,
    v: f64,
    lo: usize,
    hi: usize,
}

/// One row level of the last two rows, as [`Network::last_two_rows_by_tails`]
/// walks it: the cost `g(x)` and term ratios for `x` in `[x_lo, x_hi]`, its
/// minimiser `xm` (the hypergeometric mode), and the log-scale `ln_base`
/// of the masses `e^{ln_base − g(x)}`.
#[derive(Debug, Clone, Copy)]
struct TailRow<'t> {
    tab: Bottom<'t>,
    left: u64,
    x_lo: u64,
    x_hi: u64,
    xm: u64,
    ln_base: f64,
}

impl TailRow<'_> {
    /// `g(x)` for `x` in `[x_lo, x_hi]` (the only values searched or walked).
    #[inline(always)]
    fn g(&self, x: u64) -> f64 {
        self.tab.g(x, self.left)
    }
}

/// The counted tails `[x_lo, k1)` and `[k2, x_hi]` of a [`TailRow`], for
/// one past after another: their masses `e^{ln_base − g(x)}` summed, and
/// the terms at their inner edges (`e^{ln_base − g(k1 − 1)}` and
/// `e^{ln_base − g(k2)}`), from which the tails are extended by exact term
/// ratios, without an `exp`.
#[derive(Debug, Clone, Copy)]
struct CountedTails {
    k1: u64,
    k2: u64,
    /// the mass of `[x_lo, k1)`
    lower: f64,
    /// the mass of `[k2, x_hi]`
    upper: f64,
    lo_edge: f64,
    hi_edge: f64,
    /// every table is counted (for this past and every later one)
    all: bool,
}

impl CountedTails {
    /// No table counted yet.
    fn new(row: &TailRow<'_>) -> Self {
        CountedTails {
            k1: row.x_lo,
            k2: row.x_hi + 1,
            lower: 0.0,
            upper: 0.0,
            lo_edge: 0.0,
            hi_edge: 0.0,
            all: false,
        }
    }

    /// Moves to the next past, whose counted tables are those with
    /// `g(x) ≥ t`: finds the new inner ends from the guesses `guess` (they
    /// only move inward from one past to the next) and updates the masses;
    /// returns the new ends.
    #[inline(always)]
    fn advance(&mut self, row: &TailRow<'_>, t: f64, guess: [u64; 2], first: bool) -> [u64; 2] {
        let xm = row.xm;
        let n1 = first_true_step(self.k1, xm, guess[0], |x| row.g(x) < t);
        let n2 = first_true_step(xm, self.k2, guess[1], |x| row.g(x) >= t);
        if n2 <= n1 {
            // every table, and so for every later past
            self.all = true;
        } else {
            self.grow_lower(row, n1, first);
            self.grow_upper(row, n2, first);
        }
        (self.k1, self.k2) = (n1, n2);
        [n1, n2]
    }

    /// The lower tail becomes `[x_lo, n1)`: extended term by term when its
    /// edge moved a little, else walked afresh.
    #[inline(always)]
    fn grow_lower(&mut self, row: &TailRow<'_>, n1: u64, first: bool) {
        let (tab, left, x_lo) = (row.tab, row.left, row.x_lo);
        if first || self.k1 == x_lo || n1 - self.k1 > TAIL_EXTEND_MAX {
            (self.lower, self.lo_edge) = if n1 > x_lo {
                let s = n1 - 1;
                let e = (row.ln_base - row.g(s)).exp();
                (e * walk_down(tab, left, s, x_lo), e)
            } else {
                (0.0, 0.0)
            };
        } else {
            // the new terms are the largest: added last;
            // P(x)/P(x − 1) with x − 1 ≥ k1 − 1 ≥ x_lo
            for x in self.k1..n1 {
                self.lo_edge *= tab.up(x - 1, left);
                self.lower += self.lo_edge;
            }
        }
    }

    /// The upper tail becomes `[n2, x_hi]`, as [`CountedTails::grow_lower`].
    #[inline(always)]
    fn grow_upper(&mut self, row: &TailRow<'_>, n2: u64, first: bool) {
        let (tab, left, x_hi) = (row.tab, row.left, row.x_hi);
        if first || self.k2 == x_hi + 1 || self.k2 - n2 > TAIL_EXTEND_MAX {
            (self.upper, self.hi_edge) = if n2 <= x_hi {
                let e = (row.ln_base - row.g(n2)).exp();
                (e * walk_up(tab, left, n2, x_hi), e)
            } else {
                (0.0, 0.0)
            };
        } else {
            // P(x)/P(x + 1) with x + 1 ≤ k2 ≤ x_hi
            for x in (n2..self.k2).rev() {
                self.hi_edge *= tab.down(x + 1, left);
                self.upper += self.hi_edge;
            }
        }
    }
}

/// Undecided pasts up to which the last two rows of the p-value route are
/// summed by tail walks ([`Network::last_two_rows_by_tails`]) rather than
/// by building the memo of the whole row.
const TAIL_WALK_MAX_PASTS: usize = 64;

/// A counted tail whose boundary moved by at most this many tables from one
/// past to the next is extended term by term; beyond, walked afresh.
const TAIL_EXTEND_MAX: u64 = 8;

/// The first `x` in `[lo, hi)` where `pred` holds (`hi` if none), for a
/// predicate that is false then true.
#[inline]
fn first_true(mut lo: u64, mut hi: u64, pred: impl Fn(u64) -> bool) -> u64 {
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// Steps of [`first_true_step`] before it switches to doubling steps.
const STEP_SEARCH_MAX: u32 = 3;

/// [`first_true`] for an answer expected at or next to `guess`: steps one
/// value at a time (two evaluations when the answer is `guess`), and past
/// [`STEP_SEARCH_MAX`] steps goes on with [`first_true_near`]. The same
/// answer.
#[inline]
fn first_true_step(lo: u64, hi: u64, guess: u64, pred: impl Fn(u64) -> bool) -> u64 {
    if lo >= hi {
        return lo;
    }
    let mut q = guess.clamp(lo, hi - 1);
    if pred(q) {
        // the answer is in [lo, q]
        for _ in 0..STEP_SEARCH_MAX {
            if q == lo || !pred(q - 1) {
                return q;
            }
            q -= 1;
        }
        // pred(q) holds: the first true in [lo, q), else q
        return first_true_near(lo, q, q.saturating_sub(1), pred);
    }
    // the answer is in (q, hi]
    for _ in 0..STEP_SEARCH_MAX {
        q += 1;
        if q == hi || pred(q) {
            return q;
        }
    }
    // pred(q) fails: the answer is in (q, hi]
    first_true_near(q + 1, hi, q + 1, pred)
}

/// [`first_true`] searching outward from `guess` (doubling steps, then a
/// binary search in the bracket found): the same answer, in `O(log d)`
/// evaluations for an answer `d` away from the guess.
fn first_true_near(lo: u64, hi: u64, guess: u64, pred: impl Fn(u64) -> bool) -> u64 {
    if lo >= hi {
        return lo;
    }
    let q = guess.clamp(lo, hi - 1);
    let mut step = 1;
    if pred(q) {
        // the answer is in [lo, q]
        let mut top = q;
        loop {
            if top - lo <= step {
                return first_true(lo, top, &pred);
            }
            let probe = top - step;
            if !pred(probe) {
                return first_true(probe + 1, top, &pred);
            }
            top = probe;
            step *= 2;
        }
    }
    // the answer is in (q, hi]
    let mut bot = q;
    loop {
        let probe = bot.saturating_add(step);
        if probe >= hi {
            return first_true(bot + 1, hi, &pred);
        }
        if pred(probe) {
            return first_true(bot + 1, probe, &pred);
        }
        bot = probe;
        step *= 2;
    }
}

/// `Σ_{x ≤ s} P(x) / P(s)` for the last two rows at the row level `left`
/// (`s` at or below the mode), walked down by the exact term ratios
/// `P(x − 1)/P(x) = x (c₂ − left + x) / ((c₁ − x + 1)(left − x + 1))` of
/// [`SumTables`] ([`walk`]).
#[inline]
fn walk_down(tab: Bottom<'_>, left: u64, s: u64, x_lo: u64) -> f64 {
    walk::<false>(tab, left, s, x_lo)
}

/// `Σ_{x ≥ s} P(x) / P(s)` (`s` at or above the mode), walked up by
/// `P(x + 1)/P(x) = (c₁ − x)(left − x) / ((x + 1)(c₂ − left + x + 1))`.
#[inline]
fn walk_up(tab: Bottom<'_>, left: u64, s: u64, x_hi: u64) -> f64 {
    walk::<true>(tab, left, s, x_hi)
}

/// The terms from `s` to `end` (up or down) relative to the one at `s`,
/// summed with the stopping rule of the 2 x 2 walks: stop once the
/// geometric bound on the rest, `t r / (1 − r)`, is below
/// [`SUM_REL_CUTOFF`] of the sum (evaluated as `t r ≤ cut · sum · (1 − r)`,
/// no division), or a term underflows.
#[inline(always)]
fn walk<const UP: bool>(tab: Bottom<'_>, left: u64, s: u64, end: u64) -> f64 {
    let (mut sum, mut t, mut x) = (1.0_f64, 1.0_f64, s);
    while if UP { x < end } else { x > end } {
        let r = if UP {
            tab.up(x, left)
        } else {
            tab.down(x, left)
        };
        x = if UP { x + 1 } else { x - 1 };
        t *= r;
        if t == 0.0 {
            break;
        }
        sum += t;
        if r < 1.0 && t * r <= SUM_REL_CUTOFF * sum * (1.0 - r) {
            break;
        }
    }
    sum
}

/// `1/k` from a table for small `k` (the term ratios of the last two rows
/// without a division).
pub(super) struct Recip {
    table: Vec<f64>,
}

impl Recip {
    fn new(n: u64) -> Recip {
        let len = n.saturating_add(2).min(LN_FACT_TABLE_MAX) as usize;
        let table = (0..len).map(|k| 1.0 / k as f64).collect();
        Recip { table }
    }
    #[inline(always)]
    fn get(&self, k: u64) -> f64 {
        match self.table.get(k as usize) {
            Some(v) => *v,
            None => recip_cold(k),
        }
    }
}

/// `1/k` past the table (out of line, so that the division is not
/// computed speculatively on the fast path).
#[cold]
#[inline(never)]
fn recip_cold(k: u64) -> f64 {
    1.0 / k as f64
}

/// Largest number of memoised last-two-rows costs per node (3 f64 each:
/// 96 MiB); past it the two-column network goes on table by table.
const BOTTOM_MEMO_MAX: u64 = 1 << 22;

/// Memoised costs of the last two rows of the two-column network for one
/// `left` (see [`Network::last_two_rows`]).
#[derive(Debug, Clone, Copy)]
struct BottomRow {
    /// start of the costs `g(x)`, `x = x_lo..`, in `Scratch::bottom_g`
    off: usize,
    /// start (in pairs) of `(pre, suf)` in `Scratch::bottom_pre`
    off_p: usize,
    /// number of values of `x`
    len: usize,
    /// index of the smallest cost (the first one if tied)
    argmin: usize,
    /// the smallest cost
    gmin: f64,
}

/// Computes and appends the costs and the prefix/suffix masses
/// `Σ e^{g_min − g}` of the last two rows (sums of positive terms, each
/// accumulated from its own end: no cancellation in the tails).
fn bottom_row(
    lf: &LnFact,
    c: [u64; 2],
    left: u64,
    g_out: &mut Vec<f64>,
    pre_out: &mut Vec<f64>,
) -> BottomRow {
    let [c1, c2] = c;
    let x_lo = left.saturating_sub(c2);
    let x_hi = c1.min(left);
    let off = g_out.len();
    let off_p = pre_out.len() / 2;
    let mut gmin = f64::INFINITY;
    let mut argmin = 0;
    let mut x = x_lo;
    while x <= x_hi {
        // grouped as in `SumTables` and `two_row_bounds`: the same values
        let gx = (lf.get(x) + lf.get(c1 - x)) + (lf.get(left - x) + lf.get(c2 + x - left));
        if gx < gmin {
            gmin = gx;
            argmin = (x - x_lo) as usize;
        }
        g_out.push(gx);
        x += 1;
    }
    let len = g_out.len() - off;
    let g = g_out.get(off..).unwrap_or(&[]);
    pre_out.resize(2 * (off_p + len + 1), 0.0);
    let pre = pre_out.get_mut(2 * off_p..).unwrap_or(&mut []);
    // terms first (one exp each, parked in the suffix slots), then both sums
    for (k, &gx) in g.iter().enumerate() {
        pre[2 * k + 1] = (gmin - gx).exp(); // 2k + 1 < 2(len + 1)
    }
    let mut run = 0.0;
    for k in 0..len {
        pre[2 * k] = run; // 2k < 2(len + 1)
        run += pre[2 * k + 1]; // as above
    }
    pre[2 * len] = run; // 2 len < 2(len + 1)
    let mut run = 0.0;
    pre[2 * len + 1] = 0.0; // within 2(len + 1)
    for k in (0..len).rev() {
        run += pre[2 * k + 1]; // the term, read before it is overwritten
        pre[2 * k + 1] = run; // 2k + 1 < 2(len + 1)
    }
    BottomRow {
        off,
        off_p,
        len,
        argmin,
        gmin,
    }
}

/// `Σ_{k ∈ [a, b)} w_k exp(base − p_k)` over the sorted pasts, from the
/// relative suffix sums (`S_a − e^{p_a − p_b} S_b`, times `e^{base − p_a}`);
/// short ranges, and ranges where that difference would cancel, are summed
/// directly.
fn range_mass(pasts: &[(f64, f64)], scratch: &Scratch, a: usize, b: usize, base: f64) -> f64 {
    if b <= a {
        return 0.0;
    }
    let direct = || {
        pasts
            .get(a..b)
            .unwrap_or(&[])
            .iter()
            .map(|&(p, w)| w * (base - p).exp())
            .sum::<f64>()
    };
    if b - a <= RANGE_DIRECT_MAX {
        return direct();
    }
    let (Some(&(pa, _)), Some(&sa)) = (pasts.get(a), scratch.suffix.get(a)) else {
        return direct();
    };
    let tail = match (pasts.get(b), scratch.suffix.get(b)) {
        (Some(&(pb, _)), Some(&sb)) => (pa - pb).exp() * sb,
        _ => 0.0,
    };
    let rel = sa - tail;
    if rel < RANGE_CANCEL_GUARD * sa {
        return direct();
    }
    rel * (base - pa).exp()
}

/// Ranges of at most this many pasts are summed term by term.
const RANGE_DIRECT_MAX: usize = 16;

/// A differenced range sum keeping less than this fraction of the suffix
/// sum it came from has lost digits; it is then summed term by term (above
/// it the difference loses at most 3 of 16 digits: relative error ≤ 2e-13).
const RANGE_CANCEL_GUARD: f64 = 1e-3;

struct FillCtx<'a> {
    key: &'a [u64],
    pasts: &'a [(f64, f64)],
    pmin: f64,
    pmax: f64,
    later_lo: f64,
    later_hi: f64,
    j: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outward search finds what the binary search finds, for every
    /// guess.
    #[test]
    fn first_true_near_agrees_with_first_true() {
        for lo in 0u64..6 {
            for hi in lo..14 {
                for cut in lo..=hi + 1 {
                    let pred = |x: u64| x >= cut;
                    let want = first_true(lo, hi, pred);
                    for guess in 0..16 {
                        assert_eq!(first_true_near(lo, hi, guess, pred), want);
                        assert_eq!(first_true_step(lo, hi, guess, pred), want);
                    }
                }
            }
        }
    }

    /// The closed-form mode minimises the cost of the last two rows, the
    /// node's tables give the costs of `two_row_bounds` bit for bit, and
    /// the division-free tail walks equal the direct sums of `e^{g(s) − g}`.
    #[test]
    fn last_two_rows_mode_and_tail_walks() {
        let lf = LnFact::new(80);
        let inv = Recip::new(80);
        let mut tables = SumTables::default();
        for c1 in 0u64..=12 {
            for c2 in 0u64..=12 {
                tables.ensure(&lf, &inv, [c1, c2]);
                assert_eq!(tables.ensure(&lf, &inv, [c1, c2]), 0);
                let tab = tables.bottom([c1, c2], tables.starts([c1, c2]));
                for left in 0..=c1 + c2 {
                    let (x_lo, x_hi) = (left.saturating_sub(c2), c1.min(left));
                    let g = |x: u64| {
                        lf.get(x) + lf.get(c1 - x) + lf.get(left - x) + lf.get(c2 + x - left)
                    };
                    let xm = hyper_mode(c1, c2, left);
                    assert!((x_lo..=x_hi).contains(&xm));
                    let (fmin, fmax) = two_row_bounds(&lf, c1, c2, left);
                    assert_eq!(tab.g(xm, left).to_bits(), fmin.to_bits());
                    let gmax = tab.g(x_lo, left).max(tab.g(x_hi, left));
                    assert_eq!(gmax.to_bits(), fmax.to_bits());
                    for x in x_lo..=x_hi {
                        assert!((tab.g(x, left) - g(x)).abs() < 1e-12);
                    }
                    for x in x_lo..=x_hi {
                        assert!(g(xm) <= g(x) + 1e-12, "{c1} {c2} {left}: {xm} vs {x}");
                    }
                    for s in xm..=x_hi {
                        let want: f64 = (s..=x_hi).map(|x| (g(s) - g(x)).exp()).sum();
                        let got = walk_up(tab, left, s, x_hi);
                        assert!((got / want - 1.0).abs() < 1e-13, "up {c1} {c2} {left} {s}");
                    }
                    for s in x_lo..=xm {
                        let want: f64 = (x_lo..=s).map(|x| (g(s) - g(x)).exp()).sum();
                        let got = walk_down(tab, left, s, x_lo);
                        assert!(
                            (got / want - 1.0).abs() < 1e-13,
                            "down {c1} {c2} {left} {s}"
                        );
                    }
                }
            }
        }
    }

    /// The documented limits of the exact route's rounding guard.
    #[test]
    fn exact_total_limits() {
        let l23 = exact_total_limit(12.0); // 2 x 3: 6 cells + 2 + 3 + 1
        let l55 = exact_total_limit(36.0); // 5 x 5: 25 + 5 + 5 + 1
        assert!((550_000..700_000).contains(&l23), "{l23}");
        assert!((200_000..300_000).contains(&l55), "{l55}");
    }
}
