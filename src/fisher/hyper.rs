//! Fisher's noncentral hypergeometric distribution of the (1, 1) cell of a
//! 2 x 2 table with fixed margins, evaluated in log space from the mode
//! outward.
//!
//! Every sum starts at a term known to be the largest of the range it covers
//! (the mode, or the first term of a tail) and walks outward by the exact
//! term ratio; because the distribution is log-concave the ratios fall
//! monotonically, so after a term `t` with ratio `ρ < 1` the remainder is at
//! most `t ρ / (1 − ρ)` and the walk stops once that bound is below
//! [`SUM_REL_CUTOFF`] of the partial sum. Point probabilities far in a tail
//! come from Loader's saddle-point log-density, so no walk ever crosses the
//! whole support (counts up to 2^53 are fine).

use std::cell::Cell;
use std::time::{Duration, Instant};

use crate::special::ln_dhyper;

/// Stop summing when the geometric bound on the remainder falls below this
/// fraction of the partial sum: 2^-60 ≈ 8.7e-19, below half an ulp of the
/// sum, so the truncation cannot change a single bit of a result that is
/// not itself limited by its target (see [`Hyper::pass`]).
pub(crate) const SUM_REL_CUTOFF: f64 = 8.673_617_379_884_035e-19;

/// Largest number of cached term ratios (8 MiB of `f64`): beyond it (tables
/// with a conditional standard deviation above ~30,000, totals near 1e10)
/// ratios outside the window are computed on the fly.
const RATIO_CACHE_MAX: usize = 1 << 20;

/// The distribution of `X = a` given the margins of `[[a, b], [c, d]]`:
/// `m = a + c` (first column), `n = b + d` (second column), `k = a + b`
/// (first row); support `lo..=hi`. All values are integers held exactly in
/// `f64` (the table total is checked to be below 2^53).
#[derive(Debug, Clone)]
pub(crate) struct Hyper {
    pub(crate) m: f64,
    pub(crate) n: f64,
    pub(crate) k: f64,
    pub(crate) lo: f64,
    pub(crate) hi: f64,
    /// first `u` of the cached ratios
    cache_lo: f64,
    /// `ratio(cache_lo + i)`, precomputed for the window the root finders use
    cache: Vec<f64>,
    /// When the passes started and how long they may take (the 2 x 2
    /// test's time limit); `None`: no limit.
    clock: Option<(Instant, Duration)>,
    /// Set by the first pass refused because the time was up.
    expired: Cell<bool>,
}

/// Sums over one pass, centred at `x` (the observed count): all terms are
/// relative to the term at the mode of the pass.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Moments {
    /// Σ t
    pub(crate) s: f64,
    /// Σ (u − x) t
    pub(crate) s1: f64,
    /// Σ (u − x)² t
    pub(crate) s2: f64,
    /// Σ_{u ≥ x} t
    pub(crate) ge: f64,
    /// Σ_{u ≥ x} (u − x) t
    pub(crate) ge1: f64,
    /// Σ_{u ≤ x} t
    pub(crate) le: f64,
    /// Σ_{u ≤ x} (u − x) t
    pub(crate) le1: f64,
}

/// What a walk accumulates: its running sum decides where the walk stops.
trait Accumulate {
    fn add(&mut self, u: f64, t: f64);
    fn sum(&self) -> f64;
}

/// [`Moments`] centred at `x`.
struct MomentsAt {
    m: Moments,
    x: f64,
}

impl Accumulate for MomentsAt {
    #[inline(always)]
    fn add(&mut self, u: f64, t: f64) {
        self.m.add(u, self.x, t);
    }
    #[inline(always)]
    fn sum(&self) -> f64 {
        self.m.s
    }
}

/// A plain sum of the terms.
struct Sum(f64);

impl Accumulate for Sum {
    #[inline(always)]
    fn add(&mut self, _u: f64, t: f64) {
        self.0 += t;
    }
    #[inline(always)]
    fn sum(&self) -> f64 {
        self.0
    }
}

/// One step of a walk by the ratio `r` to the term at `u`: multiplies the
/// term, adds it, and tells whether to go on. The stop test `t r / (1 − r)
/// ≤ cut · sum` is evaluated as `t r ≤ cut · sum · (1 − r)` (1 − r > 0),
/// without a division per term.
#[inline(always)]
fn step<A: Accumulate>(t: &mut f64, acc: &mut A, u: f64, r: f64, cut: f64) -> bool {
    *t *= r;
    if *t == 0.0 || !t.is_finite() {
        return false;
    }
    acc.add(u, *t);
    !(r < 1.0 && *t * r <= cut * acc.sum() * (1.0 - r))
}

impl Moments {
    #[inline]
    fn add(&mut self, u: f64, x: f64, t: f64) {
        let dx = u - x;
        let tdx = t * dx;
        self.s += t;
        self.s1 += tdx;
        self.s2 += tdx * dx;
        if u >= x {
            self.ge += t;
            self.ge1 += tdx;
        }
        if u <= x {
            self.le += t;
            self.le1 += tdx;
        }
    }
}

impl Hyper {
    /// The distribution for the table `[[a, b], [c, d]]` (counts as exact
    /// `f64`).
    pub(crate) fn new(a: f64, b: f64, c: f64, d: f64) -> Hyper {
        let m = a + c;
        let n = b + d;
        let k = a + b;
        let lo = (k - n).max(0.0);
        let hi = k.min(m);
        Hyper {
            m,
            n,
            k,
            lo,
            hi,
            cache_lo: 0.0,
            cache: Vec::new(),
            clock: None,
            expired: Cell::new(false),
        }
    }

    /// Limits the passes to `limit` from now: once it has passed, every
    /// [`pass`](Self::pass) and tail sum returns its first term only, at
    /// once, and [`expired`](Self::expired) says so. The clock is read once
    /// a pass (a pass at the largest tables takes about 1.5 s).
    pub(crate) fn set_time_limit(&mut self, limit: Duration) {
        self.clock = Some((Instant::now(), limit));
    }

    /// Whether a pass was cut short by the time limit: every value computed
    /// from this distribution since is meaningless.
    pub(crate) fn expired(&self) -> bool {
        self.expired.get()
    }

    /// Whether the time is up (and remembers it).
    fn out_of_time(&self) -> bool {
        if self.expired.get() {
            return true;
        }
        let Some((start, limit)) = self.clock else {
            return false;
        };
        let up = start.elapsed() > limit;
        self.expired.set(up);
        up
    }

    /// Precomputes the term ratios for `u` within `half_width` of `x` (the
    /// window every root-finding pass stays in), so that a pass costs two
    /// multiplications per term instead of a division. Ratios outside the
    /// window are still computed on the fly.
    pub(crate) fn cache_window(&mut self, x: f64, half_width: f64) {
        // never more than RATIO_CACHE_MAX entries (8 MiB), whatever the counts
        let half_width = half_width.min((RATIO_CACHE_MAX / 2) as f64);
        let a = (x - half_width.floor()).max(self.lo);
        let b = (x + half_width.floor()).min(self.hi - 1.0);
        self.cache.clear();
        if b >= a {
            self.cache_lo = a;
            let mut u = a;
            while u <= b {
                self.cache.push(self.ratio_raw(u));
                u += 1.0;
            }
        }
    }

    /// Central ratio `P(u + 1) / P(u)` for `lo ≤ u < hi`.
    #[inline]
    fn ratio_raw(&self, u: f64) -> f64 {
        ((self.m - u) * (self.k - u)) / ((u + 1.0) * (self.n - self.k + u + 1.0))
    }

    /// [`Hyper::ratio_raw`], from the cache when `u` is in its window.
    #[inline]
    fn ratio(&self, u: f64) -> f64 {
        let i = u - self.cache_lo;
        if i >= 0.0 {
            if let Some(&r) = self.cache.get(i as usize) {
                return r;
            }
        }
        self.ratio_raw(u)
    }

    /// The variance of the central distribution (a scale for windows).
    pub(crate) fn central_sd(&self) -> f64 {
        let total = self.m + self.n;
        if total < 2.0 {
            return 0.0;
        }
        (self.k * self.m * self.n * (total - self.k) / (total * total * (total - 1.0))).sqrt()
    }

    /// Unnormalised log-density `ln dhyper(u) + u ln ψ` (only differences
    /// are used, so the `u ln ψ` part is taken relative to `origin`).
    pub(crate) fn ln_term(&self, u: f64, ln_psi: f64, origin: f64) -> f64 {
        let base = ln_dhyper(u, self.m, self.n, self.k);
        if ln_psi == 0.0 {
            base
        } else {
            base + (u - origin) * ln_psi
        }
    }

    /// The mode of the noncentral distribution with log odds ratio
    /// `ln_psi`: the smallest `u` with `P(u + 1) ≤ P(u)`.
    pub(crate) fn mode(&self, ln_psi: f64) -> f64 {
        // ψ ratio(u) is decreasing in u: binary search for the first u with ψ ratio(u) ≤ 1.
        let (mut a, mut b) = (self.lo, self.hi);
        while a < b {
            let mid = a + ((b - a) / 2.0).floor();
            if self.ratio(mid).ln() + ln_psi <= 0.0 {
                b = mid;
            } else {
                a = mid + 1.0;
            }
        }
        a
    }

    /// One pass over the noncentral distribution at `ln_psi`, from its mode
    /// outward, accumulating [`Moments`] centred at `x`. The walk stops when
    /// the remainder bound drops below `cut` times the partial sum; callers
    /// pass [`SUM_REL_CUTOFF`] scaled by the smallest probability they need
    /// to relative accuracy.
    pub(crate) fn pass(&self, ln_psi: f64, x: f64, cut: f64) -> Moments {
        let mode = self.mode(ln_psi);
        let mut acc = MomentsAt {
            m: Moments::default(),
            x,
        };
        acc.add(mode, 1.0);
        if self.out_of_time() {
            return acc.m;
        }
        acc = self.walk(mode, ln_psi, true, cut, acc);
        self.walk(mode, ln_psi, false, cut, acc).m
    }

    /// `Σ_{u ≥ start} t(u) / t(start)` for `start ≥ mode` (a decreasing
    /// tail), to full relative precision.
    pub(crate) fn upper_tail_from(&self, start: f64, ln_psi: f64) -> f64 {
        self.tail_from(start, ln_psi, true)
    }

    /// `Σ_{u ≤ start} t(u) / t(start)` for `start ≤ mode`.
    pub(crate) fn lower_tail_from(&self, start: f64, ln_psi: f64) -> f64 {
        self.tail_from(start, ln_psi, false)
    }

    fn tail_from(&self, start: f64, ln_psi: f64, up: bool) -> f64 {
        if self.out_of_time() {
            return 1.0;
        }
        self.walk(start, ln_psi, up, SUM_REL_CUTOFF, Sum(1.0)).0
    }

    /// Walks the terms `t(u) / t(start)` away from `start` (upward or
    /// downward) by their exact ratios, adding them to `acc`; stops at the
    /// support's end, on underflow, or once the geometric bound `t r / (1 −
    /// r)` on everything left is at most `cut` times the running sum.
    ///
    /// The accumulator is owned by the walk (a local, so its sums stay in
    /// registers: through a closure capturing them by reference they were
    /// stored and reloaded on every term, measured 2026-11-27), and the
    /// cached window of ratios is read as a slice before ratios are
    /// computed on the fly. A walk that starts outside the window computes
    /// every ratio on the fly (same values; the callers start inside it).
    #[inline(always)]
    fn walk<A: Accumulate>(&self, start: f64, ln_psi: f64, up: bool, cut: f64, mut acc: A) -> A {
        // the central distribution (ψ = 1) is walked once per row level by
        // the r x c network: no exponentials there
        let (psi, ipsi) = if ln_psi == 0.0 {
            (1.0, 1.0)
        } else {
            (ln_psi.exp(), (-ln_psi).exp())
        };
        let mut t = 1.0;
        let mut u = start;
        let first = start - self.cache_lo;
        if up {
            if first >= 0.0 && first < self.cache.len() as f64 {
                for &ratio in self.cache.get(first as usize..).unwrap_or(&[]) {
                    if u >= self.hi {
                        return acc;
                    }
                    u += 1.0;
                    if !step(&mut t, &mut acc, u, psi * ratio, cut) {
                        return acc;
                    }
                }
            }
            while u < self.hi {
                let r = psi * self.ratio_raw(u);
                u += 1.0;
                if !step(&mut t, &mut acc, u, r, cut) {
                    return acc;
                }
            }
        } else {
            // ratio(u − 1) for u = start, start − 1, …: cache indices first − 1 down.
            if first >= 1.0 && first <= self.cache.len() as f64 {
                for &ratio in self.cache.get(..first as usize).unwrap_or(&[]).iter().rev() {
                    if u <= self.lo {
                        return acc;
                    }
                    u -= 1.0;
                    if !step(&mut t, &mut acc, u, ipsi / ratio, cut) {
                        return acc;
                    }
                }
            }
            while u > self.lo {
                let r = ipsi / self.ratio_raw(u - 1.0);
                u -= 1.0;
                if !step(&mut t, &mut acc, u, r, cut) {
                    return acc;
                }
            }
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_dhyper_is_exact_on_small_tables() {
        // exact: P(X = 3) = C(4,3) C(4,1) / C(8,4) = 16/70; P(X = 0) = 1/C(10,5) = 1/252
        let v = ln_dhyper(3.0, 4.0, 4.0, 4.0);
        assert!((v - (16.0f64 / 70.0).ln()).abs() < 1e-14);
        let w = ln_dhyper(0.0, 5.0, 5.0, 5.0);
        assert!((w - (1.0f64 / 252.0).ln()).abs() < 1e-14);
    }

    #[test]
    fn pass_sums_to_exact_tea_table() {
        // [[3, 1], [1, 3]]: P(X = u) = C(4,u) C(4,4-u) / 70, u = 0..4
        let h = Hyper::new(3.0, 1.0, 1.0, 3.0);
        assert_eq!((h.lo, h.hi), (0.0, 4.0));
        assert_eq!(h.mode(0.0), 2.0);
        let m = h.pass(0.0, 3.0, SUM_REL_CUTOFF);
        // relative to the mode term 36/70: total 70/36
        assert!((m.s - 70.0 / 36.0).abs() < 1e-15);
        assert!((m.ge - 17.0 / 36.0).abs() < 1e-15);
        assert!((h.upper_tail_from(3.0, 0.0) - 17.0 / 16.0).abs() < 1e-15);
        assert!((h.lower_tail_from(1.0, 0.0) - 17.0 / 16.0).abs() < 1e-15);
    }
}
