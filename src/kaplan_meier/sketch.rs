//! A curve read row by row with its standard errors and pointwise bounds
//! computed on the fly ([`Walk`]), and what the quantiles need to know of
//! the two bounds without keeping them ([`Sketch`]).
//!
//! The complete result of a curve with continuous times has as many rows
//! as subjects, and its four computed columns (σ, σ·S, lower, upper) are 32
//! bytes a row: twice the curve itself and more than three times the input.
//! [`SurvivalCurve::rows`] therefore computes each row's standard errors
//! and bounds from the running Greenwood sum, and the quantiles read the
//! bands through a sketch: the shape of each band (as
//! [`Shape::of`] would compute it), its tail after the first decrease of
//! `1 − band` (a few rows, usually), and a checkpoint of the running state
//! every [`EVERY`] rows, from which any segment of the band is recomputed
//! exactly (the same operations on the same values). A search of the
//! monotone prefix is a binary search over the checkpoints' running maxima
//! and one segment recomputed: `O(m / EVERY + EVERY)` for `m` rows. The
//! sketch costs about 0.2 bytes a row.

use super::confint::ci_bounds;
use super::curve::SurvivalCurve;
use super::quantile::{findq_band, findq_with, Prefix, Shape, ShapeScan, MAX_DIRECT_TAIL};
use crate::curve_counts::{RowPos, Rows};

/// Rows between two checkpoints of a [`Sketch`].
const EVERY: usize = 256;

/// One row of a [`Walk`]: the counts, `S`, Greenwood σ and the bounds.
#[derive(Debug, Clone, Copy)]
pub(super) struct Step {
    pub(super) n: f64,
    pub(super) d: f64,
    pub(super) c: f64,
    pub(super) s: f64,
    pub(super) sigma: f64,
    pub(super) bounds: [f64; 2],
}

/// The rows of a curve with σ and the bounds computed from the running
/// Greenwood sum: bit for bit the columns of [`SurvivalCurve::std_err_log`]
/// (the same sum in the same order) and [`SurvivalCurve::lower`] /
/// [`SurvivalCurve::upper`] (the same `ci_bounds` of the same `S` and σ).
#[derive(Clone)]
pub(super) struct Walk<'a> {
    pub(super) counts: Rows<'a>,
    green: f64,
    k: usize,
    /// The bounds of the last row, `None` before the first: a row without
    /// events has the same `S` and σ (bit for bit: `S` is carried, nothing
    /// is added to the Greenwood sum), so the same bounds.
    prev: Option<[f64; 2]>,
}

impl<'a> Walk<'a> {
    /// At the first row.
    pub(super) fn new(curve: &'a SurvivalCurve) -> Self {
        Walk {
            counts: curve.counts.rows(),
            green: 0.0,
            k: 0,
            prev: None,
        }
    }

    /// At a checkpoint.
    fn resume(curve: &'a SurvivalCurve, cp: &Checkpoint) -> Self {
        Walk {
            counts: curve.counts.rows_from(cp.pos),
            green: cp.green,
            k: cp.k,
            prev: None,
        }
    }

    /// The next row, `None` after the last.
    #[inline]
    pub(super) fn next(&mut self, curve: &SurvivalCurve) -> Option<Step> {
        let (n, d, c) = self.counts.next()?;
        let s = *curve
            .surv
            .get(self.k)
            .expect("S has one entry per row of the counts");
        self.k += 1;
        // As `Counts::greenwood`: with d = 0 nothing is added.
        if d > 0.0 {
            self.green += if n > d {
                d / (n * (n - d))
            } else {
                f64::INFINITY
            };
        }
        let sigma = self.green.sqrt();
        let bounds = match self.prev {
            Some(b) if d == 0.0 => b,
            _ => ci_bounds(s, sigma, curve.z, curve.transform),
        };
        self.prev = Some(bounds);
        Some(Step {
            n,
            d,
            c,
            s,
            sigma,
            bounds,
        })
    }
}

/// The state of a [`Walk`] before row `k`, and the running maxima of
/// `1 − lower` and `1 − upper` over the rows before it.
#[derive(Debug, Clone, Copy)]
struct Checkpoint {
    pos: RowPos,
    green: f64,
    k: usize,
    before: [f64; 2],
}

/// Builds a [`Sketch`] from the rows of a walk, in order.
pub(super) struct SketchBuilder {
    every: usize,
    countdown: usize,
    checkpoints: Vec<Checkpoint>,
    scans: [ShapeScan; 2],
    tails: [Vec<f64>; 2],
    overflow: [bool; 2],
}

impl SketchBuilder {
    pub(super) fn new(rows: usize) -> Self {
        Self::every(rows, EVERY)
    }

    /// With a checkpoint every `every` rows (≥ 1).
    fn every(rows: usize, every: usize) -> Self {
        SketchBuilder {
            every,
            countdown: 0,
            checkpoints: Vec::with_capacity(rows / every + 1),
            scans: [ShapeScan::new(), ShapeScan::new()],
            tails: [Vec::new(), Vec::new()],
            overflow: [false, false],
        }
    }

    /// Called before `walk` reads its next row.
    #[inline]
    pub(super) fn before_row(&mut self, walk: &Walk<'_>, curve: &SurvivalCurve) {
        if self.countdown == 0 {
            self.checkpoints.push(Checkpoint {
                pos: walk.counts.pos(&curve.counts),
                green: walk.green,
                k: walk.k,
                before: [self.scans[0].running_max(), self.scans[1].running_max()],
            });
            self.countdown = self.every;
        }
        self.countdown -= 1;
    }

    /// The bounds of row `k`.
    #[inline]
    pub(super) fn row(&mut self, k: usize, bounds: [f64; 2]) {
        for (((scan, tail), overflow), v) in self
            .scans
            .iter_mut()
            .zip(&mut self.tails)
            .zip(&mut self.overflow)
            .zip(bounds)
        {
            if !scan.push(k, v) {
                if tail.len() <= MAX_DIRECT_TAIL {
                    tail.push(v);
                } else {
                    *overflow = true;
                }
            }
        }
    }

    /// The sketch of a curve of `rows` rows, all read.
    pub(super) fn finish(self, rows: usize) -> Sketch {
        let [lo, hi] = self.scans;
        let [t_lo, t_hi] = self.tails;
        let [o_lo, o_hi] = self.overflow;
        let keep = |tail: Vec<f64>, overflow: bool| (!overflow).then_some(tail);
        Sketch {
            every: self.every,
            checkpoints: self.checkpoints,
            shapes: [lo.finish(rows), hi.finish(rows)],
            tails: [keep(t_lo, o_lo), keep(t_hi, o_hi)],
        }
    }
}

/// What the quantiles need of the lower (`0`) and upper (`1`) bounds of a
/// curve, without the bounds (see the module documentation).
#[derive(Debug, Clone)]
pub(super) struct Sketch {
    /// Rows between two checkpoints.
    every: usize,
    checkpoints: Vec<Checkpoint>,
    shapes: [Shape; 2],
    /// The band from its first decrease on, `None` when longer than
    /// [`MAX_DIRECT_TAIL`].
    tails: [Option<Vec<f64>>; 2],
}

impl Sketch {
    /// The sketch of `curve`'s bounds, in one walk.
    pub(super) fn of(curve: &SurvivalCurve) -> Sketch {
        Self::every(curve, EVERY)
    }

    fn every(curve: &SurvivalCurve, every: usize) -> Sketch {
        let rows = curve.len();
        let mut walk = Walk::new(curve);
        let mut b = SketchBuilder::every(rows, every);
        for k in 0..rows {
            b.before_row(&walk, curve);
            let step = walk.next(curve).expect("the counts have one row per time");
            b.row(k, step.bounds);
        }
        b.finish(rows)
    }

    /// R's `findq` on band `band` (0: lower, 1: upper) of `curve`, the
    /// curve this sketch was made of: bit for bit [`findq_band`] on the
    /// band in memory.
    pub(super) fn findq(&self, curve: &SurvivalCurve, band: usize, p: f64) -> f64 {
        let shape = &self.shapes[band];
        match &self.tails[band] {
            Some(tail) if shape.direct(tail.len()) => {
                let prefix = SketchPrefix {
                    curve,
                    sketch: self,
                    band,
                };
                findq_with(&curve.time, shape, tail, p, &prefix)
            }
            _ => {
                // The general rule needs the whole band: computed for this
                // call only.
                let mut walk = Walk::new(curve);
                let mut values = Vec::with_capacity(curve.len());
                while let Some(step) = walk.next(curve) {
                    values.push(step.bounds[band]);
                }
                findq_band(&curve.time, &values, &Shape::of(&values), p)
            }
        }
    }
}

/// The monotone prefix of one band, recomputed segment by segment.
struct SketchPrefix<'a> {
    curve: &'a SurvivalCurve,
    sketch: &'a Sketch,
    band: usize,
}

impl SketchPrefix<'_> {
    /// Segments of [`EVERY`] rows that start inside the prefix.
    fn segments(&self) -> usize {
        self.sketch.shapes[self.band]
            .prefix()
            .div_ceil(self.sketch.every)
    }

    /// The largest non-NaN `y` of the prefix up to the end of segment `c`.
    fn max_through(&self, c: usize) -> f64 {
        let shape = &self.sketch.shapes[self.band];
        let end = (c + 1) * self.sketch.every;
        if end < shape.prefix() {
            self.sketch
                .checkpoints
                .get(c + 1)
                .expect("a checkpoint every `every` rows")
                .before[self.band]
        } else {
            shape.ymax_of_prefix()
        }
    }

    /// The first segment whose running maximum is not `below`.
    fn first_segment(&self, below: impl Fn(f64) -> bool) -> Option<usize> {
        let (mut lo, mut hi) = (0, self.segments());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if below(self.max_through(mid)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        (lo < self.segments()).then_some(lo)
    }

    /// The first row of segment `c` (inside the prefix) whose non-NaN `y`
    /// satisfies `hit`: `(j, y)` with `j` the index in `y` (row + 1).
    fn scan(&self, c: usize, hit: impl Fn(f64) -> bool) -> Option<(usize, f64)> {
        let cp = self
            .sketch
            .checkpoints
            .get(c)
            .expect("a checkpoint every `every` rows");
        let end = ((c + 1) * self.sketch.every).min(self.sketch.shapes[self.band].prefix());
        let mut walk = Walk::resume(self.curve, cp);
        for k in cp.k..end {
            let step = walk.next(self.curve).expect("rows of the prefix");
            let y = 1.0 - step.bounds[self.band];
            if !y.is_nan() && hit(y) {
                return Some((k + 1, y));
            }
        }
        None
    }
}

impl Prefix for SketchPrefix<'_> {
    fn first(&self, below: &dyn Fn(f64) -> bool) -> Option<(usize, f64)> {
        // `below(0)` is false only when `shift ≥ p`, which the caller
        // answers itself; so the segment's maximum is a row of it.
        let c = self.first_segment(below)?;
        Some(
            self.scan(c, |y| !below(y))
                .expect("the first segment whose maximum qualifies holds that row"),
        )
    }

    fn contains(&self, y: f64) -> bool {
        if y == 0.0 {
            return true;
        }
        // The prefix's non-NaN y are ≥ 0 (a smaller one ends it).
        if y < 0.0 {
            return false;
        }
        let Some(c) = self.first_segment(|m| m < y) else {
            return false;
        };
        let (_, first) = self
            .scan(c, |v| v >= y)
            .expect("the first segment whose maximum reaches y holds that row");
        first == y
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{CiTransform, ConfidenceLevel, KaplanMeier, SurvivalData};

    use crate::test_rng::Mix;

    fn same(a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits() || (a.is_nan() && b.is_nan())
    }

    /// A row's nine columns, as bits.
    fn bits(r: &crate::CurveRow) -> [u64; 9] {
        [
            r.time(),
            r.n_risk(),
            r.n_event(),
            r.n_censor(),
            r.survival(),
            r.std_err_log(),
            r.std_err_surv(),
            r.lower(),
            r.upper(),
        ]
        .map(f64::to_bits)
    }

    /// The streamed rows and the sketched quantiles equal the kept columns
    /// and the quantiles read off them, bit for bit, on curves of every
    /// kind: ties or not, weights, a last row with `n = d` (S = 0, NaN
    /// bounds), every transform, several levels, probabilities on the
    /// band values themselves, and checkpoints every 1 to 256 rows.
    #[test]
    fn streamed_rows_and_sketched_quantiles_equal_the_columns() {
        let mut rng = Mix(12);
        let transforms = [
            CiTransform::Log,
            CiTransform::Plain,
            CiTransform::LogLog,
            CiTransform::Logit,
            CiTransform::Arcsine,
        ];
        for case in 0..240 {
            let n = match case % 4 {
                0 => 1 + rng.below(12) as usize,
                1 => 1 + rng.below(300) as usize,
                _ => 1 + rng.below(2500) as usize,
            };
            let grid = [0u64, 5, 50, 100_000][rng.below(4) as usize];
            let p_event = 0.2 + 0.8 * rng.unit();
            let mut time = Vec::with_capacity(n);
            let mut event = Vec::with_capacity(n);
            for _ in 0..n {
                let t = -rng.unit().ln() * 100.0;
                time.push(if grid == 0 {
                    t
                } else {
                    (t * grid as f64 / 100.0).floor()
                });
                event.push(rng.unit() < p_event);
            }
            if case % 3 == 0 {
                // The largest time an event: the curve ends at S = 0.
                let (i, _) = time
                    .iter()
                    .enumerate()
                    .max_by(|a, b| a.1.total_cmp(b.1))
                    .expect("n ≥ 1");
                event[i] = true;
            }
            let mut builder = SurvivalData::builder(time, event);
            if case % 5 == 4 {
                let w: Vec<f64> = (0..n).map(|_| 0.25 + rng.unit() * 3.0).collect();
                builder = builder.weights(w);
            }
            let data = builder.build().expect("valid data");
            let level = [0.5, 0.95, 0.999][rng.below(3) as usize];
            let transform = transforms[rng.below(5) as usize];
            let fit = KaplanMeier::new()
                .confidence_level(ConfidenceLevel::new(level).expect("valid level"))
                .transform(transform)
                .fit(&data)
                .expect("a fit");
            let curve = &fit.curves()[0];
            let kept = curve.clone();
            let (sigma, se_s, lower, upper) = (
                kept.std_err_log(),
                kept.std_err_surv(),
                kept.lower(),
                kept.upper(),
            );
            let (n_risk, n_event, n_censor) = (kept.n_risk(), kept.n_event(), kept.n_censor());
            // Streamed rows (the curve keeps no column).
            let streamed = curve.clone();
            assert!(streamed.kept_columns().is_none());
            let rows: Vec<_> = streamed.rows().collect();
            assert_eq!(rows.len(), curve.len());
            for (i, r) in rows.iter().enumerate() {
                let want = [
                    curve.time()[i],
                    n_risk[i],
                    n_event[i],
                    n_censor[i],
                    curve.survival()[i],
                    sigma[i],
                    se_s[i],
                    lower[i],
                    upper[i],
                ];
                assert_eq!(bits(r), want.map(f64::to_bits), "case {case}, row {i}");
            }
            assert!(streamed.cache.sketch.get().is_some());
            assert!(streamed.kept_columns().is_none());
            // Rows read from the kept columns: the same.
            assert!(kept.rows().map(|r| bits(&r)).eq(rows.iter().map(bits)));
            // Probabilities on the grid and on the band values themselves.
            let mut probs = vec![0.0, 1e-9, 0.1, 0.25, 0.5, 0.5 + 1e-9, 0.75, 0.9, 1.0];
            for _ in 0..6 {
                let k = rng.below(curve.len() as u64) as usize;
                for v in [lower[k], upper[k], curve.survival()[k]] {
                    let p = 1.0 - v;
                    if (0.0..=1.0).contains(&p) {
                        probs.push(p);
                        probs.push(p + 1e-8);
                    }
                }
            }
            let fresh = curve.clone();
            let sketches: Vec<Sketch> = [1, 3, 17, 256]
                .iter()
                .map(|&e| Sketch::every(curve, e))
                .collect();
            let shapes = [Shape::of(lower), Shape::of(upper)];
            for &p in probs.iter().filter(|p| (0.0..=1.0).contains(*p)) {
                let want = kept.quantile(p).expect("valid p");
                for q in [
                    streamed.quantile(p).expect("valid p"),
                    fresh.quantile(p).expect("valid p"),
                ] {
                    assert_eq!(q, want, "case {case}, p = {p}");
                }
                for sk in &sketches {
                    for (band, values) in [lower, upper].into_iter().enumerate() {
                        let want = findq_band(curve.time(), values, &shapes[band], p);
                        let got = sk.findq(curve, band, p);
                        assert!(
                            same(got, want),
                            "case {case}, every {}, band {band}, p = {p}: {got} vs {want}",
                            sk.every
                        );
                    }
                }
            }
            assert!(fresh.kept_columns().is_none());
            // Another level and transform: a new sketch.
            let other = fresh
                .with_ci(
                    ConfidenceLevel::new(0.8).expect("valid"),
                    CiTransform::LogLog,
                )
                .expect("with_ci");
            let other_kept = kept
                .with_ci(
                    ConfidenceLevel::new(0.8).expect("valid"),
                    CiTransform::LogLog,
                )
                .expect("with_ci");
            let _ = other_kept.lower();
            assert_eq!(other.median(), other_kept.median(), "case {case}");
        }
    }
}
