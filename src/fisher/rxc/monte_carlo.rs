//! The Monte Carlo route: Patefield's conditional sequential sampler, with
//! hypergeometric draws by inversion from the mode.

use super::*;
use crate::ErrorDetail;

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, well-mixed 64-bit
/// generator, enough for Monte Carlo p-values.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform on `[0, 1)` with 53 random bits.
    fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// The walk from the mode stops on a side when the geometric bound on that
/// side's remaining mass, `t r / (1 − r)` for the last term `t` and the last
/// term ratio `r < 1` (the hypergeometric is log-concave, so the ratios keep
/// falling), is below this fraction of the mass walked so far: the one
/// stopping rule of every hypergeometric walk in survkit
/// ([`SUM_REL_CUTOFF`], 2⁻⁶⁰, far below the 2⁻⁵³ resolution of the
/// uniform draw).
const WALK_TAIL_EPS: f64 = SUM_REL_CUTOFF;

/// Draws the hypergeometric count of successes among `draws` taken from a
/// population of `pop` with `succ` successes, by inversion from the mode
/// outward (Patefield's search from the conditional mean).
///
/// The mode's probability comes from Loader's saddle-point log-density
/// (accurate to a few ulps at any count); the walk multiplies exact term
/// ratios relative to the mode (`t = 1` there) and stops on each side once
/// the rest is negligible ([`WALK_TAIL_EPS`]), so its work is bounded by
/// the width of the distribution (a few dozen standard deviations), never
/// by the support. If the uniform falls beyond the walked mass (possible
/// only through rounding, with probability about 1e-12), it is rescaled to
/// the walked mass and the walk repeated. `None` when `deadline` passed
/// during the walk (read every [`WALK_CLOCK_EVERY`] terms: one draw at
/// totals near 2^52 walks about 3e7 of them).
fn draw_hyper(
    lf: &LnFact,
    rng: &mut SplitMix64,
    pop: u64,
    succ: u64,
    draws: u64,
    deadline: Option<Instant>,
) -> Option<(u64, u64)> {
    let u = rng.uniform();
    draw_hyper_at(lf, u, pop, succ, draws, deadline)
}

/// The clock is read every this many terms of one hypergeometric walk.
const WALK_CLOCK_EVERY: u64 = 1 << 16;

/// [`draw_hyper`] for a given uniform `u` in `[0, 1)`; also returns the
/// number of terms walked.
fn draw_hyper_at(
    lf: &LnFact,
    u: f64,
    pop: u64,
    succ: u64,
    draws: u64,
    deadline: Option<Instant>,
) -> Option<(u64, u64)> {
    let lo = (draws + succ).saturating_sub(pop);
    let hi = draws.min(succ);
    if lo == hi {
        return Some((lo, 0));
    }
    let fail = pop - succ;
    // mode of the hypergeometric
    let mode = (((draws + 1) as f64 * (succ + 1) as f64) / (pop + 2) as f64).floor() as u64;
    let mode = mode.clamp(lo, hi);
    // Within the exact `ln n!` table the mode's log-probability is a sum of
    // correctly rounded values below 2e7 (error ~1e-9 relative, absorbed by
    // the rescaling below) and 3x cheaper than Loader's; beyond it, Loader's.
    let ln_pm = if (pop as usize) < lf.table.len() {
        lf.get(succ) - lf.get(mode) - lf.get(succ - mode) + lf.get(fail)
            - lf.get(draws - mode)
            - lf.get(fail - (draws - mode))
            - (lf.get(pop) - lf.get(draws) - lf.get(pop - draws))
    } else {
        ln_dhyper(mode as f64, succ as f64, fail as f64, draws as f64)
    };
    let pm = ln_pm.exp();
    // the target is u on the absolute scale, u / P(mode) on the relative one
    let walk = |target: f64| walk_from_mode(target, mode, [lo, hi], [succ, fail, draws], deadline);
    match walk(u / pm) {
        (WalkEnd::Hit(x), work) => Some((x, work)),
        (WalkEnd::Stopped, _) => None,
        (WalkEnd::Total(total, _), work) => match walk(u * total) {
            (WalkEnd::Hit(x), more) => Some((x, work + more)),
            // u · total rounded up to total itself: the last count walked
            (WalkEnd::Total(_, x), more) => Some((x, work + more)),
            (WalkEnd::Stopped, _) => None,
        },
    }
}

/// How a walk from the mode ended.
enum WalkEnd {
    /// The count reached.
    Hit(u64),
    /// The target lay beyond the walked mass: the mass (relative to the
    /// mode) and the last count walked.
    Total(f64, u64),
    /// The deadline passed.
    Stopped,
}

/// Walks outward from the mode alternately up and down, summing terms
/// relative to the mode, until the sum passes `target` or both sides are
/// exhausted or negligible. Returns how it ended and the terms walked.
fn walk_from_mode(
    target: f64,
    mode: u64,
    [lo, hi]: [u64; 2],
    [succ, fail, draws]: [u64; 3],
    deadline: Option<Instant>,
) -> (WalkEnd, u64) {
    let mut cum = 1.0;
    if target < cum {
        return (WalkEnd::Hit(mode), 1);
    }
    let (sf, ff, df) = (succ as f64, fail as f64, draws as f64);
    let (mut up, mut down) = (mode, mode);
    let (mut t_up, mut t_down) = (1.0_f64, 1.0_f64);
    let (mut up_done, mut down_done) = (up >= hi, down <= lo);
    let mut last = mode;
    let mut work: u64 = 1;
    let mut steps: u64 = 0;
    while !(up_done && down_done) {
        steps += 1;
        if steps.is_multiple_of(WALK_CLOCK_EVERY) && deadline.is_some_and(|d| Instant::now() > d) {
            return (WalkEnd::Stopped, work);
        }
        if !up_done {
            // P(u+1)/P(u) = (succ − u)(draws − u) / ((u + 1)(fail − draws + u + 1))
            let uu = up as f64;
            let r = (sf - uu) * (df - uu) / ((uu + 1.0) * (ff - df + uu + 1.0));
            t_up *= r;
            up += 1;
            cum += t_up;
            work += 1;
            last = up;
            if target < cum {
                return (WalkEnd::Hit(up), work);
            }
            up_done = up >= hi || (r < 1.0 && t_up * r < WALK_TAIL_EPS * cum * (1.0 - r));
        }
        if !down_done {
            // P(d−1)/P(d) = d (fail − draws + d) / ((succ − d + 1)(draws − d + 1))
            let dd = down as f64;
            let r = dd * (ff - df + dd) / ((sf - dd + 1.0) * (df - dd + 1.0));
            t_down *= r;
            down -= 1;
            cum += t_down;
            work += 1;
            last = down;
            if target < cum {
                return (WalkEnd::Hit(down), work);
            }
            down_done = down <= lo || (r < 1.0 && t_down * r < WALK_TAIL_EPS * cum * (1.0 - r));
        }
    }
    (WalkEnd::Total(cum, last), work)
}

/// Totals up to this use `Σ ln x!` from the exact table of [`LnFact`] for
/// the Monte Carlo statistic (R's own statistic; its rounding, a few ulps of
/// numbers below 2e7, is far below R's tie tolerance). Above it the
/// statistic is the log-probability of the drawn table, summed from the
/// Loader log-densities of its hypergeometric draws: `Σ ln x!` would be a
/// sum of numbers up to `N ln N` whose rounding (about 0.03 at N = 1e12)
/// exceeds any sensible tie tolerance.
const MC_TABLE_STAT_MAX_TOTAL: u64 = LN_FACT_TABLE_MAX;

/// Monte Carlo p-value from `b` tables drawn with the margins, within the
/// time limit of `budget` (one unit of work: one term of a hypergeometric
/// walk).
///
/// A drawn table counts when `ln P(drawn) ≤ ln P(observed) + tol`, that is
/// `Σ ln x! ≥ Σ ln o! − tol`, with `tol` the larger of [`FEXACT_TOL`] and
/// R's `64 ε · Σ ln o!` ([`MC_REL_TOL`]). Small totals compare `Σ ln x!`
/// (the observed sum computed by the same function, cell by cell, as the
/// drawn ones); large ones compare the accurately computed `ln P`.
pub(super) fn monte_carlo_p(t: &Reduced, b: u64, seed: u64, mut budget: Budget) -> Result<f64> {
    let lf = LnFact::new(t.total.min(MC_TABLE_STAT_MAX_TOTAL));
    let v_obs: f64 = t.cells.iter().map(|&v| lf.get(v)).sum();
    let by_table = t.total <= MC_TABLE_STAT_MAX_TOTAL;
    // ln P(observed) by the same chain of hypergeometric draws (large totals)
    let ln_p_obs = if by_table { 0.0 } else { ln_p_chain(t) };
    let tol = FEXACT_TOL.max(v_obs * MC_REL_TOL);
    let mut rng = SplitMix64(seed);
    let mut jwork = vec![0u64; t.ncols];
    let mut hits: u64 = 0;
    let deadline = budget.start.checked_add(budget.limit);
    for done in 0..b {
        let mut walked: u64 = 1;
        jwork.copy_from_slice(&t.cols);
        let mut v = 0.0;
        let mut ln_p = 0.0;
        let mut remaining_total = t.total;
        for &row in t.rows.iter().take(t.nrows - 1) {
            let mut ia = row;
            let mut pop = remaining_total;
            for col in jwork.iter_mut().take(t.ncols - 1) {
                let id = *col;
                let Some((x, terms)) = draw_hyper(&lf, &mut rng, pop, id, ia, deadline) else {
                    return Err(monte_carlo_error(&budget, done, b));
                };
                walked += terms;
                if by_table {
                    v += lf.get(x);
                } else {
                    ln_p += ln_dhyper(x as f64, id as f64, (pop - id) as f64, ia as f64);
                }
                pop -= id;
                ia -= x;
                *col -= x;
            }
            if by_table {
                // last column of this row
                v += lf.get(ia);
            }
            if let Some(last) = jwork.last_mut() {
                *last -= ia;
            }
            remaining_total -= row;
        }
        let counted = if by_table {
            // last row
            v += jwork.iter().map(|&c| lf.get(c)).sum::<f64>();
            v >= v_obs - tol
        } else {
            ln_p <= ln_p_obs + tol
        };
        if counted {
            hits += 1;
        }
        if budget.charge(walked).is_err() {
            return Err(monte_carlo_error(&budget, done + 1, b));
        }
    }
    Ok((1.0 + hits as f64) / (b as f64 + 1.0))
}

/// The error of a Monte Carlo run stopped after `done` of `b` tables, with
/// the time the whole run would have needed at the pace so far.
fn monte_carlo_error(budget: &Budget, done: u64, b: u64) -> Error {
    let elapsed = budget.start.elapsed().as_secs_f64() * 1e3;
    let needed = (done > 0).then(|| (elapsed * (b as f64 / done as f64)).ceil() as u64);
    ErrorDetail::BudgetExceeded {
        what: "Monte Carlo r x c Fisher test",
        limit: budget.limit_ms(),
        unit: "milliseconds",
        progress: Some(BudgetProgress::new(
            done,
            "simulated tables",
            needed,
            MONTE_CARLO_FIX,
        )),
    }
    .into()
}

/// `ln P(t)` under the margins, as the sum of the Loader log-densities of
/// the hypergeometric draws [`monte_carlo_p`] makes (cells filled row by
/// row, column by column, all but the last row and column drawn).
fn ln_p_chain(t: &Reduced) -> f64 {
    let mut cols = t.cols.clone();
    let mut ln_p = 0.0;
    let mut remaining_total = t.total;
    for (i, &row) in t.rows.iter().enumerate().take(t.nrows - 1) {
        let mut ia = row;
        let mut pop = remaining_total;
        for (j, col) in cols.iter_mut().enumerate().take(t.ncols - 1) {
            let id = *col;
            let x = t.cells[i * t.ncols + j]; // i < nrows, j < ncols
            ln_p += ln_dhyper(x as f64, id as f64, (pop - id) as f64, ia as f64);
            pop -= id;
            ia -= x;
            *col -= x;
        }
        if let Some(last) = cols.last_mut() {
            *last -= ia;
        }
        remaining_total -= row;
    }
    ln_p
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hypergeometric standard deviation.
    fn sd(pop: u64, succ: u64, draws: u64) -> f64 {
        let (n, k, d) = (pop as f64, succ as f64, draws as f64);
        (d * (k / n) * (1.0 - k / n) * (n - d) / (n - 1.0)).sqrt()
    }

    /// The walk's work is bounded by the spread, not the support, for every
    /// uniform including the largest one (1 − 2⁻⁵³), at counts up to 2⁵³.
    #[test]
    fn sampler_work_is_bounded_by_the_spread() {
        let top = 1.0 - f64::EPSILON / 2.0;
        for &(pop, succ, draws) in &[
            (
                6_000_000_000_000u64,
                2_000_000_000_000u64,
                3_000_000_000_000u64,
            ),
            (1u64 << 53, 1u64 << 51, 1u64 << 20),
            (300_000_000_000, 100_000_000_000, 150_000_000_000),
            (1_000_000, 3, 500_000),
            (40, 20, 20),
        ] {
            let s = sd(pop, succ, draws);
            let no_table = LnFact::new(0);
            let table = LnFact::new(pop.min(1 << 16));
            let lo = (draws + succ).saturating_sub(pop);
            let hi = draws.min(succ);
            for u in [0.0, 1e-300, 0.25, 0.5, 0.999, 1.0 - 1e-12, top] {
                let (x, work) =
                    draw_hyper_at(&no_table, u, pop, succ, draws, None).expect("no deadline");
                let (x2, _) =
                    draw_hyper_at(&table, u, pop, succ, draws, None).expect("no deadline");
                assert!((lo..=hi).contains(&x2));
                assert!((lo..=hi).contains(&x), "{pop} {succ} {draws} {u}: {x}");
                // each side stops about 10.3 sd out (2^-60 tail); the rare
                // restart doubles it
                let bound = 50.0 * s + 10.0;
                assert!(
                    (work as f64) <= bound,
                    "{pop} {succ} {draws} {u}: {work} > {bound}"
                );
            }
        }
    }

    /// A uniform below the mode's probability gives the mode; the largest
    /// uniform gives a value in the support.
    #[test]
    fn sampler_small_support() {
        for lf in [LnFact::new(0), LnFact::new(40)] {
            let (x, _) = draw_hyper_at(&lf, 0.0, 40, 20, 20, None).expect("no deadline");
            assert_eq!(x, 10);
            let (x, _) = draw_hyper_at(&lf, 1.0 - f64::EPSILON / 2.0, 40, 20, 20, None)
                .expect("no deadline");
            assert!(x <= 20);
        }
    }

    /// ln P of a table by the chain of draws equals the multivariate
    /// hypergeometric from factorials.
    #[test]
    fn chain_log_probability() {
        let table = ContingencyTable::new(vec![vec![3, 5, 2], vec![4, 1, 6]]).unwrap();
        let r = Reduced::new(&table).unwrap();
        let lf = |n: u64| ln_factorial(n);
        // margins: rows 10, 11; columns 7, 6, 8; total 21
        let want = [10u64, 11, 7, 6, 8].iter().map(|&v| lf(v)).sum::<f64>()
            - lf(21)
            - [3u64, 5, 2, 4, 1, 6].iter().map(|&v| lf(v)).sum::<f64>();
        let got = ln_p_chain(&r);
        assert!(((got - want) / want).abs() < 1e-13, "{got} {want}");
    }
}
