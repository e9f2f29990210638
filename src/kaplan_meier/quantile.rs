//! Quantiles of a Kaplan-Meier curve by R's `findq` rule, and the
//! [`Quantile`] result.

use std::collections::HashSet;

use crate::interval::{ConfidenceInterval, ConfidenceLevel};

/// Tolerance of R's `quantile.survfit` (its `tolerance` argument) and of
/// `survmean`'s median rule: `sqrt(.Machine$double.eps)` = 2^-26. A survival
/// value within this distance of `1 − p` counts as lying exactly on `1 − p`.
pub const QUANTILE_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// R survival's `findq(x, y, p, tol)`: the time at which the cumulative
/// distribution `y` reaches `p`; NaN for R's NA.
fn findq(x: &[f64], y: &[f64], p: f64, tol: f64) -> f64 {
    let ymax = y
        .iter()
        .filter(|v| !v.is_nan())
        .fold(f64::NEG_INFINITY, |a, &b| a.max(b));
    if ymax < p {
        return f64::NAN;
    }
    let xmax = x.last().copied().unwrap_or(f64::NAN);
    // duplicated(y): keep the first occurrence of every value (NaN included).
    let mut seen: HashSet<u64> = HashSet::with_capacity(y.len());
    let mut ux = Vec::with_capacity(y.len());
    let mut uy = Vec::with_capacity(y.len());
    for (&xi, &yi) in x.iter().zip(y) {
        let key = if yi.is_nan() {
            u64::MAX
        } else {
            (yi + 0.0).to_bits()
        };
        if seen.insert(key) {
            ux.push(xi);
            uy.push(yi);
        }
    }
    // approx(y ± tol, 1:n, p, method = "constant", f = 1): the non-NA pairs
    // sorted by abscissa.
    let mut pts: Vec<(f64, usize)> = uy
        .iter()
        .enumerate()
        .filter(|(_, v)| !v.is_nan())
        .map(|(i, &v)| (v, i))
        .collect();
    if pts.windows(2).any(|w| w[0].0 > w[1].0) {
        // windows(2) yields slices of length 2
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    let approx = |shift: f64| -> Option<usize> {
        let first = pts.first()?;
        let last = pts.last()?;
        if p < first.0 + shift || p > last.0 + shift {
            return None;
        }
        // First point whose abscissa is ≥ p (f = 1 takes the right end).
        let j = pts.partition_point(|&(v, _)| v + shift < p);
        pts.get(j).map(|&(_, i)| i)
    };
    let at = |i: Option<usize>| i.and_then(|i| ux.get(i).copied()).unwrap_or(f64::NAN);
    let i1 = approx(tol);
    let i2 = approx(-tol);
    let mut quant = midpoint(at(i1), at(i2));
    if p == 0.0 {
        quant = ux.first().copied().unwrap_or(f64::NAN);
    }
    if let Some(&ylast) = uy.last() {
        if !ylast.is_nan() && (p - ylast).abs() < tol {
            quant = midpoint(at(i1), xmax);
        }
    }
    quant
}

/// R's `(a + b) / 2`, bit for bit, unless the sum of two finite times
/// overflows (times near `f64::MAX`): then `a/2 + b/2`, the finite midpoint.
fn midpoint(a: f64, b: f64) -> f64 {
    let sum = a + b;
    if sum.is_infinite() && a.is_finite() && b.is_finite() {
        a / 2.0 + b / 2.0
    } else {
        sum / 2.0
    }
}

/// What [`findq`] needs to know of `y = (0, 1 − b₁, …, 1 − b_m)` for a
/// band `b` (the curve or one of its bounds) to answer without R's
/// `duplicated()` (a hash set over every row) and sort: the longest prefix
/// of the band whose non-NaN `y` are non-decreasing (all of `1 − S`, and in
/// practice all but a few last rows of an upper bound), described below;
/// the rest is searched directly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Shape {
    /// Band entries in the monotone prefix.
    prefix: usize,
    /// Largest non-NaN `y` of the prefix (its last one).
    ymax: f64,
    /// Index in `y` of the first occurrence of `ymax`.
    ymax_at: usize,
    /// Index in `y` of the first NaN of the prefix (`usize::MAX` when none).
    nan_at: usize,
    /// The non-NaN values of the prefix at indices ≥ 1 fill `[a, b]` with
    /// NaN only outside it (`a > b` when there is none); `None` otherwise.
    block: Option<(usize, usize)>,
}

/// Longest non-monotone tail searched directly (pairwise); a longer one
/// falls back to the general [`findq`].
pub(super) const MAX_DIRECT_TAIL: usize = 4096;

impl Shape {
    /// One pass over the band (up to its first decrease).
    pub(super) fn of(band: &[f64]) -> Shape {
        Self::of_non_increasing(band).unwrap_or_else(|| Self::scan(band))
    }

    /// The shape of a band that starts at most 1, never increases and holds
    /// no NaN (every survival curve, most lower bounds), `None` for any
    /// other band. Then `y = 1 − b` never decreases (`1 − x` rounds
    /// monotonically): the prefix is the whole band, `ymax` its last `y`,
    /// found where it first occurs by a binary search. Equal to
    /// [`scan`](Self::scan) field for field; the check is a pass without a
    /// data-dependent branch, where the scan's `y > ymax` test is a coin
    /// toss on the rows without events.
    fn of_non_increasing(band: &[f64]) -> Option<Shape> {
        let (&first, &last) = (band.first()?, band.last()?);
        let monotone = band.windows(2).fold(true, |ok, w| ok & (w[1] <= w[0]));
        if !(first <= 1.0 && monotone) {
            return None;
        }
        let ymax = 1.0 - last;
        let ymax_at = if ymax > 0.0 {
            band.partition_point(|&v| 1.0 - v < ymax) + 1
        } else {
            0
        };
        Some(Shape {
            prefix: band.len(),
            ymax,
            ymax_at,
            nan_at: usize::MAX,
            block: Some((1, band.len())),
        })
    }

    /// The general pass of [`of`](Self::of).
    fn scan(band: &[f64]) -> Shape {
        let mut scan = ShapeScan::new();
        for (k, &v) in band.iter().enumerate() {
            if !scan.push(k, v) {
                break;
            }
        }
        scan.finish(band.len())
    }

    /// Band entries in the monotone prefix (the tail starts there).
    pub(super) fn prefix(&self) -> usize {
        self.prefix
    }

    /// The largest non-NaN `y` of the prefix (0 when there is none).
    pub(super) fn ymax_of_prefix(&self) -> f64 {
        self.ymax
    }

    /// Whether [`findq_with`] answers from the prefix search and this tail
    /// (else the band goes through the general [`findq`]).
    pub(super) fn direct(&self, tail_len: usize) -> bool {
        tail_len <= MAX_DIRECT_TAIL && (self.block.is_some() || tail_len == 0)
    }
}

/// [`Shape::of`] one band entry at a time, for a band that is computed row
/// by row and not kept (the streaming quantiles of a curve).
#[derive(Debug, Clone, Copy)]
pub(super) struct ShapeScan {
    /// The largest non-NaN `y` so far (`y₀ = 0` included).
    prev: f64,
    ymax_at: usize,
    nan_at: usize,
    a: usize,
    b: usize,
    nans: usize,
    /// Index of the first decrease, once seen.
    prefix: Option<usize>,
}

impl ShapeScan {
    pub(super) fn new() -> Self {
        ShapeScan {
            prev: 0.0,
            ymax_at: 0,
            nan_at: usize::MAX,
            a: usize::MAX,
            b: 0,
            nans: 0,
            prefix: None,
        }
    }

    /// The largest non-NaN `y` of the prefix read so far (0 before any).
    pub(super) fn running_max(&self) -> f64 {
        self.prev
    }

    /// Reads band entry `k` (entries come in order); false once the prefix
    /// has ended, at `k` (the first decrease) or before.
    #[inline]
    pub(super) fn push(&mut self, k: usize, v: f64) -> bool {
        if self.prefix.is_some() {
            return false;
        }
        let (j, y) = (k + 1, 1.0 - v);
        if y.is_nan() {
            self.nans += 1;
            self.nan_at = self.nan_at.min(j);
            return true;
        }
        if y < self.prev {
            self.prefix = Some(k);
            return false;
        }
        self.a = self.a.min(j);
        self.b = j;
        if y > self.prev {
            self.ymax_at = j;
            self.prev = y;
        }
        true
    }

    /// The shape of a band of `len` entries, all read up to the end of the
    /// prefix.
    pub(super) fn finish(&self, len: usize) -> Shape {
        let prefix = self.prefix.unwrap_or(len);
        let (a, b, nans) = (self.a, self.b, self.nans);
        let block = if a == usize::MAX {
            Some((1, 0))
        } else if nans == (a - 1) + (prefix - b) {
            Some((a, b))
        } else {
            None
        };
        Shape {
            prefix,
            ymax: self.prev,
            ymax_at: self.ymax_at,
            nan_at: self.nan_at,
            block,
        }
    }
}

/// The monotone prefix of a band as [`findq_with`] queries it: the band in
/// memory ([`SlicePrefix`]), or recomputed segment by segment from the
/// checkpoints of a streamed curve (`super::sketch`).
pub(super) trait Prefix {
    /// The first `j` in `1..=prefix` whose `yⱼ` is not NaN and not
    /// `below`, with `yⱼ` (`below` is monotone in `y`: a `y + shift < p`
    /// test).
    fn first(&self, below: &dyn Fn(f64) -> bool) -> Option<(usize, f64)>;
    /// Whether the non-NaN `y` occurs in the prefix (`y₀ = 0` included).
    fn contains(&self, y: f64) -> bool;
}

/// The prefix of a band held in memory.
pub(super) struct SlicePrefix<'a> {
    head: &'a [f64],
    block: Option<(usize, usize)>,
}

impl Prefix for SlicePrefix<'_> {
    fn first(&self, below: &dyn Fn(f64) -> bool) -> Option<(usize, f64)> {
        let y_of = |v: f64| 1.0 - v;
        let head = self.head;
        let j = match self.block {
            Some((a, b)) => head.get(a - 1..b).and_then(|blk| {
                let j = a + blk.partition_point(|v| below(y_of(*v)));
                (j <= b).then_some(j)
            }),
            None => head
                .iter()
                .position(|v| !y_of(*v).is_nan() && !below(y_of(*v)))
                .map(|k| k + 1),
        }?;
        Some((j, y_of(head[j - 1])))
    }

    fn contains(&self, y: f64) -> bool {
        let y_of = |v: f64| 1.0 - v;
        if y == 0.0 {
            return true;
        }
        match self.block {
            Some((a, b)) => self.head.get(a - 1..b).is_some_and(|blk| {
                let k = blk.partition_point(|v| y_of(*v) < y);
                blk.get(k).is_some_and(|v| y_of(*v) == y)
            }),
            None => self.head.iter().any(|v| y_of(*v) == y),
        }
    }
}

/// R's `findq(c(0, time), c(0, 1 − band), p, tol)` with
/// [`QUANTILE_TOLERANCE`], bit for bit [`findq`]'s answer.
///
/// On the monotone prefix, `duplicated()` keeps the first row of each run
/// of equal values and `approx(y ± tol, 1:n, p, "constant", f = 1)` picks
/// the smallest `y` with `y ± tol ≥ p`, which is the first such row: a
/// binary search (a linear scan when NaNs sit between values). The tail
/// after the first decrease (usually empty) is scanned directly: its
/// smallest qualifying value, and R's last kept value `y[n]` (the last
/// value not seen before). Tails longer than [`MAX_DIRECT_TAIL`] run the
/// general [`findq`].
pub(super) fn findq_band(time: &[f64], band: &[f64], shape: &Shape, p: f64) -> f64 {
    let pre = shape.prefix.min(band.len());
    let (head, tail) = band.split_at(pre);
    if !shape.direct(tail.len()) {
        let mut x = Vec::with_capacity(time.len() + 1);
        x.push(0.0);
        x.extend_from_slice(time);
        let mut y = Vec::with_capacity(band.len() + 1);
        y.push(0.0);
        y.extend(band.iter().map(|b| 1.0 - b));
        return findq(&x, &y, p, QUANTILE_TOLERANCE);
    }
    let prefix = SlicePrefix {
        head,
        block: shape.block,
    };
    findq_with(time, shape, tail, p, &prefix)
}

/// [`findq_band`] from the band's shape, its prefix (searched through
/// `prefix`) and its tail (the entries from `shape.prefix` on, at most
/// [`MAX_DIRECT_TAIL`]; `shape.block` is known when the tail is not empty).
pub(super) fn findq_with(
    time: &[f64],
    shape: &Shape,
    tail: &[f64],
    p: f64,
    prefix: &dyn Prefix,
) -> f64 {
    let tol = QUANTILE_TOLERANCE;
    // Extremes over all non-NaN y (y₀ = 0 is the prefix's smallest).
    let (mut ymin, mut ymax) = (0.0_f64, shape.ymax);
    for &v in tail {
        let y = 1.0 - v;
        if !y.is_nan() {
            ymin = ymin.min(y);
            ymax = ymax.max(y);
        }
    }
    if ymax < p {
        return f64::NAN;
    }
    let x = |j: usize| -> f64 {
        match j.checked_sub(1) {
            None => 0.0,
            Some(k) => time.get(k).copied().unwrap_or(f64::NAN),
        }
    };
    let search = Approx {
        pre: shape.prefix,
        tail,
        prefix,
        p,
        range: (ymin, ymax),
    };
    let ylast = last_kept(shape, tail, prefix);
    let at = |i: Option<usize>| i.map_or(f64::NAN, x);
    let i1 = search.first_row(tol);
    let i2 = search.first_row(-tol);
    let mut quant = midpoint(at(i1), at(i2));
    if p == 0.0 {
        quant = 0.0;
    }
    if !ylast.is_nan() && (p - ylast).abs() < tol {
        let last = time.last().expect("a band with a last value has its time");
        quant = midpoint(at(i1), *last);
    }
    quant
}

/// R's `approx(y + shift, 1:n, p, "constant", f = 1)` over `y = 1 − band`
/// kept by `duplicated()`: the prefix searched through `prefix`, the tail
/// (from row `pre` on) scanned.
struct Approx<'a> {
    pre: usize,
    tail: &'a [f64],
    prefix: &'a dyn Prefix,
    p: f64,
    /// The smallest and largest non-NaN `y`.
    range: (f64, f64),
}

impl Approx<'_> {
    /// The index (in `c(0, time)`) of the row R's `approx` picks with
    /// `shift`, or `None` when `p` is outside the shifted range.
    fn first_row(&self, shift: f64) -> Option<usize> {
        let (p, (ymin, ymax)) = (self.p, self.range);
        if p < ymin + shift || p > ymax + shift {
            return None;
        }
        let below = |y: f64| y + shift < p;
        // The prefix's first qualifying row, and its value.
        // p is in [0, 1] (never NaN): `y₀ + shift ≥ p` is R's `!(y₀ + shift < p)`.
        let in_head: Option<(usize, f64)> = if shift >= p {
            Some((0, 0.0))
        } else {
            self.prefix.first(&below)
        };
        // The tail's smallest qualifying value, first row on ties.
        let mut best: Option<(f64, usize)> = None;
        for (i, &v) in self.tail.iter().enumerate() {
            let y = 1.0 - v;
            if y.is_nan() || below(y) {
                continue;
            }
            if best.is_none_or(|(bv, _)| y < bv) {
                best = Some((y, self.pre + 1 + i));
            }
        }
        match (in_head, best) {
            (Some((_, hy)), Some((ty, tj))) if ty < hy => Some(tj),
            (Some((j, _)), _) => Some(j),
            (None, Some((_, tj))) => Some(tj),
            (None, None) => None,
        }
    }
}

/// R's `y[n]` after `duplicated()`: the value whose first occurrence is the
/// latest (`y = 1 − band`).
fn last_kept(shape: &Shape, tail: &[f64], prefix: &dyn Prefix) -> f64 {
    let y_of = |v: f64| 1.0 - v;
    for i in (0..tail.len()).rev() {
        let y = y_of(tail[i]);
        let seen = if y.is_nan() {
            shape.nan_at != usize::MAX || tail[..i].iter().any(|v| y_of(*v).is_nan())
        } else {
            prefix.contains(y) || tail[..i].iter().any(|v| y_of(*v) == y)
        };
        if !seen {
            return y;
        }
    }
    if shape.nan_at != usize::MAX && shape.nan_at > shape.ymax_at {
        f64::NAN
    } else {
        shape.ymax
    }
}

/// A quantile of the survival time with its confidence interval.
///
/// `estimate()` is `None` when the curve never reaches `1 − p`, and
/// `lower()` / `upper()` are `None` when their pointwise band never reaches
/// it (R's `NA` in each case).
///
/// # Method
/// R's `findq` rule, see [`SurvivalCurve::quantile`](super::SurvivalCurve::quantile).
///
/// # Conventions
/// `quantile(survfit(...), p)` in R; the median of `print.survfit` differs
/// only when the curve ends exactly on `1 − p`.
///
/// # Errors
/// None: a plain value.
///
/// # Example
/// ```
/// use survkit::{datasets::aml, KaplanMeier, SurvivalData};
/// let data = SurvivalData::builder(&aml::TIME[..], aml::event()).groups(&aml::X).build()?;
/// let m = KaplanMeier::default().fit(&data)?.medians();
/// // R: print(survfit(Surv(time, status) ~ x, aml)): 31 (18, NA) and 23 (8, NA)
/// assert_eq!((m[0].estimate(), m[0].lower()), (Some(31.0), Some(18.0)));
/// assert_eq!(m[0].upper(), None); // R: NA
/// assert_eq!((m[1].estimate(), m[1].lower()), (Some(23.0), Some(8.0)));
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Brookmeyer, R. & Crowley, J. (1982). A confidence interval for the median
/// survival time. *Biometrics* 38, 29–41. doi:10.2307/2530286
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct Quantile {
    pub(super) probability: f64,
    pub(super) estimate: Option<f64>,
    pub(super) lower: Option<f64>,
    pub(super) upper: Option<f64>,
    pub(super) confidence_level: ConfidenceLevel,
}

impl Quantile {
    /// The probability `p` (0.5 for the median).
    pub fn probability(&self) -> f64 {
        self.probability
    }

    /// The quantile, or `None` when not reached (R's `NA`).
    pub fn estimate(&self) -> Option<f64> {
        self.estimate
    }

    /// Lower bound of the Brookmeyer-Crowley interval, or `None` when the
    /// upper pointwise band does not reach `1 − p` (R's `NA`).
    pub fn lower(&self) -> Option<f64> {
        self.lower
    }

    /// Upper bound of the Brookmeyer-Crowley interval, or `None` when the
    /// lower pointwise band does not reach `1 − p` (R's `NA`).
    pub fn upper(&self) -> Option<f64> {
        self.upper
    }

    /// Level of the interval (the curve's pointwise level).
    pub fn confidence_level(&self) -> ConfidenceLevel {
        self.confidence_level
    }

    /// Deprecated: the interval with NaN for a bound not reached; use
    /// [`lower`](Self::lower) and [`upper`](Self::upper).
    #[deprecated(
        since = "0.2.0",
        note = "use `lower()` / `upper()` (`Option`, docs/api.md)"
    )]
    #[doc(hidden)]
    pub fn ci(&self) -> ConfidenceInterval {
        ConfidenceInterval::new(
            self.lower.unwrap_or(f64::NAN),
            self.upper.unwrap_or(f64::NAN),
            self.confidence_level,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::test_rng::Mix;

    /// The shape of a non-increasing band, computed without the scan,
    /// equals the scan's field for field; any other band takes the scan.
    #[test]
    fn non_increasing_shape_equals_the_scan() {
        let mut rng = Mix(11);
        let mut fast = 0;
        for case in 0..20_000 {
            let m = rng.below(10) as usize;
            let mut v = [1.0, 1.0 + 1e-16, 1.5, 0.75][(case % 4) as usize];
            let mut band = Vec::with_capacity(m);
            for _ in 0..m {
                match rng.below(4) {
                    0 => {}
                    1 => v -= rng.below(8) as f64 / 16.0,
                    2 => v *= 1.0 - rng.unit() * 1e-3,
                    _ => v = v.min(0.0),
                }
                band.push(v);
            }
            if case % 5 == 4 && m > 0 {
                let k = rng.below(m as u64) as usize;
                band[k] = [f64::NAN, 2.0, -0.0, 0.5][rng.below(4) as usize];
            }
            let shape = Shape::of(&band);
            assert_eq!(shape, Shape::scan(&band), "{band:?}");
            fast += usize::from(Shape::of_non_increasing(&band).is_some());
        }
        // Both paths are taken.
        assert!(fast > 5_000 && fast < 19_000, "{fast}");
    }

    /// The fast quantile search answers as R's general `findq` (with its
    /// hash-set `duplicated()` and sort) on bands of every shape: monotone
    /// with runs of ties, NaN prefixes, suffixes and holes, values within
    /// the tolerance of p, non-monotone ones, ±0.
    #[test]
    fn findq_band_equals_general_findq() {
        let mut rng = Mix(7);
        let probs = [0.0, 1e-9, 0.1, 0.25, 0.5, 0.5 + 1e-9, 0.75, 0.9, 1.0];
        for case in 0..40_000 {
            let m = 1 + rng.below(12) as usize;
            let mut time: Vec<f64> = (0..m).map(|_| rng.below(40) as f64).collect();
            time.sort_by(f64::total_cmp);
            time.dedup();
            let m = time.len();
            // A non-increasing band on a coarse grid (ties), then damage.
            let mut band: Vec<f64> = Vec::with_capacity(m);
            let mut v = 1.0_f64;
            for _ in 0..m {
                match rng.below(4) {
                    0 => {}
                    1 => v -= 0.25,
                    2 => v -= rng.below(8) as f64 / 16.0,
                    _ => v = 0.5 + [0.0, 1e-9, -1e-9, 2e-8][rng.below(4) as usize],
                }
                band.push(v.clamp(0.0, 1.0).min(band.last().copied().unwrap_or(1.0)));
            }
            match case % 7 {
                6 => {
                    for _ in 0..3 {
                        let k = rng.below(m as u64) as usize;
                        band[k] = match rng.below(3) {
                            0 => f64::NAN,
                            1 => rng.below(9) as f64 / 8.0,
                            _ => band[rng.below(m as u64) as usize],
                        };
                    }
                }
                1 => {
                    let k = rng.below(m as u64 + 1) as usize;
                    for b in band.iter_mut().take(k) {
                        *b = f64::NAN;
                    }
                }
                2 => {
                    let k = rng.below(m as u64 + 1) as usize;
                    for b in band.iter_mut().skip(k) {
                        *b = f64::NAN;
                    }
                }
                3 => {
                    let k = rng.below(m as u64) as usize;
                    band[k] = f64::NAN;
                }
                4 => {
                    let k = rng.below(m as u64) as usize;
                    band[k] = rng.below(5) as f64 / 4.0;
                }
                5 => {
                    let k = rng.below(m as u64) as usize;
                    band[k] = if rng.below(2) == 0 { -0.0 } else { 1.0 };
                }
                _ => {}
            }
            let shape = Shape::of(&band);
            let mut x = vec![0.0];
            x.extend_from_slice(&time);
            let mut y = vec![0.0];
            y.extend(band.iter().map(|b| 1.0 - b));
            for &p in &probs {
                let want = findq(&x, &y, p, QUANTILE_TOLERANCE);
                let got = findq_band(&time, &band, &shape, p);
                assert!(
                    want.to_bits() == got.to_bits() || (want.is_nan() && got.is_nan()),
                    "case {case}: p = {p}, band {band:?}, time {time:?}: {got} vs {want}"
                );
            }
        }
    }

    /// Issue #11: `(a + b) / 2` overflowed to ∞ for times near `f64::MAX`.
    #[test]
    fn midpoint_of_huge_times_is_finite() {
        let (a, b) = (f64::MAX, f64::MAX / 2.0 * 1.5);
        assert_eq!(midpoint(a, b), a / 2.0 + b / 2.0);
        assert!(midpoint(a, b).is_finite());
        assert_eq!(midpoint(3.0, 4.0), 3.5);
        assert!(midpoint(f64::NAN, 1.0).is_nan());
    }
}
