//! The algorithm of Guyot, Ades, Ouwens & Welton (2012), interval by
//! interval, with survkit's exact-click step.
//!
//! Written from the paper's description (BMC Med Res Methodol 12:9,
//! doi:10.1186/1471-2288-12-9); see `docs/methods/reconstruct.md` for the
//! steps and where survkit differs.

use crate::ErrorDetail;
use std::ops::Range;

use crate::error::Result;

use super::clean::Click;
use super::{AtRiskTable, IntervalMethod, RiskInterval};

/// Two survival ratios closer than this are the same fraction: a drop
/// `S_k / S_{k−1}` is read as exactly `(n − d)/n` when it lies within this
/// distance of it. survkit's own curves carry ratios exact to a few ulps
/// (≈ 1e-16); a click read by hand or from a rendered figure is off by more
/// than 1e-6, so it is never taken for an exact fraction by accident (two
/// fractions `(n − d)/n` near `n = 10⁴` are 1e-8 apart).
pub const EXACT_RATIO_TOLERANCE: f64 = 1e-10;

/// A published total of events within 1/20 (5%, at least 2 events) of the
/// range the curve allows is read as digitisation noise: the nearest
/// reachable total is used and the difference shows in the result (clicks
/// perturbed by 0.5% of the axes move lung's totals by up to 3 events of
/// 112, tests/reconstruct.rs). Further out it is an error.
pub(crate) const TOTAL_EVENTS_SLACK_DIVISOR: u64 = 20;

/// What the algorithm needs besides the clicks and the table.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Settings {
    pub(crate) total_events: Option<u64>,
    pub(crate) max_adjustments: u32,
    pub(crate) exact_budget: u64,
}

/// The reconstructed rows and the per-interval record.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) time: Vec<f64>,
    pub(crate) event: Vec<bool>,
    pub(crate) intervals: Vec<RiskInterval>,
}

/// One pass of the paper's steps 2 and 3 over an interval with `nc`
/// censorings spread evenly over `[t_start, spread_end]`.
#[derive(Debug, Clone)]
struct Pass {
    nc: u64,
    /// Events at each click of the interval.
    d: Vec<u64>,
    /// Number at risk at each click (before its events), as the pass sees it.
    n_hat: Vec<i64>,
    /// Number left at the end of the interval (negative when more
    /// censorings were asked for than there were patients).
    n_end: i64,
    events: u64,
}

fn censor_time(t_start: f64, width: f64, j: u64, nc: u64) -> f64 {
    t_start + (j + 1) as f64 * width / (nc + 1) as f64
}

/// Steps 2 and 3: censorings at `t_start + j w/(nc + 1)`, then at each click
/// `d = round(n̂ (1 − S_k / Ŝ))` with `Ŝ` the reconstructed Kaplan-Meier
/// value so far, clamped to `[0, n̂]` (a click above the reconstructed curve
/// has no events; the paper's formula would give a negative count).
fn pass(clicks: &[Click], t_start: f64, spread_end: f64, n_start: u64, nc: u64, s_km: f64) -> Pass {
    let width = spread_end - t_start;
    let mut n = n_start as i64; // counts are validated ≤ 2⁵³
    let mut ci = 0u64;
    let mut s = s_km;
    let mut d = Vec::with_capacity(clicks.len());
    let mut n_hat = Vec::with_capacity(clicks.len());
    let mut events = 0u64;
    for c in clicks {
        // Censorings before the click: the times increase with j, so a
        // binary search from the last count (O(log nc), the same times as
        // the ones written out).
        let (mut lo, mut hi) = (ci, nc);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if censor_time(t_start, width, mid, nc) < c.time {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        n -= (lo - ci) as i64; // ≤ nc ≤ n_start ≤ 2⁵³
        ci = lo;
        n_hat.push(n);
        let mut dk = 0u64;
        if s > 0.0 && n > 0 {
            let x = (n as f64 * (1.0 - c.survival / s)).round();
            if x > 0.0 {
                dk = (x as u64).min(n as u64); // x > 0 and finite (s > 0)
            }
        }
        if dk > 0 {
            s *= (n as f64 - dk as f64) / n as f64;
            n -= dk as i64; // dk ≤ n
            events += dk;
        }
        d.push(dk);
    }
    n -= (nc - ci) as i64; // ≤ nc ≤ n_start
    Pass {
        nc,
        d,
        n_hat,
        n_end: n,
        events,
    }
}

/// The solution of one interval: events per click and censoring times.
#[derive(Debug, Clone)]
struct Solution {
    d: Vec<u64>,
    censor: Vec<f64>,
}

fn spread(out: &mut Vec<f64>, a: f64, b: f64, count: u64) {
    for j in 0..count {
        out.push(censor_time(a, b - a, j, count));
    }
}

/// The censoring times of a pass (steps 2's even spread).
fn pass_censorings(t_start: f64, spread_end: f64, nc: u64) -> Vec<f64> {
    let mut out = Vec::with_capacity(nc as usize);
    spread(&mut out, t_start, spread_end, nc);
    out
}

/// Removes `k` exits from the end of an interval's solution: the latest
/// censorings first, then the latest events.
fn remove_exits(sol: &mut Solution, mut k: u64) -> u64 {
    let mut removed = 0;
    while k > 0 && sol.censor.pop().is_some() {
        k -= 1;
        removed += 1;
    }
    for dk in sol.d.iter_mut().rev() {
        let take = (*dk).min(k);
        *dk -= take;
        k -= take;
        removed += take;
        if k == 0 {
            break;
        }
    }
    removed
}

/// How the exact-click step ended.
enum Exact {
    /// The solution, and whether the interval had drops at all.
    Found(Solution, bool),
    Inconsistent,
    OverBudget,
}

/// survkit's exact-click step. When every drop of the clicks in the
/// interval is a fraction `(M − d)/M` of whole numbers (to
/// [`EXACT_RATIO_TOLERANCE`]), the numbers at risk `M` at the drops can be
/// read off the curve instead of estimated. Among the sequences of `(M, d)`
/// that fit the interval (`M` at a drop at most the patients left after the
/// previous drop, censorings only where time passes, the published count
/// reached at the end) this picks, by dynamic programming over the number
/// left, the one closest in squares to the paper's estimates `n̂`.
#[allow(clippy::too_many_arguments)]
fn exact(
    clicks: &[Click],
    s_before: f64,
    t_start: f64,
    end: End,
    n_start: u64,
    n_hat: &[i64],
    target_events: Option<u64>,
    budget: &mut u64,
) -> Exact {
    // Budget first, before any allocation: at most (2 drops + 1)(N + 1)
    // cells (each drop tries at most N + 1 counts and sweeps N + 1 states).
    let n_drops = clicks
        .iter()
        .scan(s_before, |prev, c| {
            let drop = c.survival < *prev;
            *prev = c.survival;
            Some(drop)
        })
        .filter(|&d| d)
        .count() as u64;
    let cells = (2 * n_drops + 1).saturating_mul(n_start + 1);
    if cells > *budget {
        return Exact::OverBudget;
    }
    *budget -= cells;
    let big_n = n_start as usize; // within the budget, so allocatable
    let Some(drops) = drop_candidates(clicks, s_before, n_start) else {
        return Exact::Inconsistent;
    };
    let (cost, back) = cheapest_paths(clicks, t_start, n_hat, big_n, &drops);
    // The end of the interval.
    let lowest = match end {
        End::Next { n, .. } => n as usize,
        End::Last { .. } => 0,
    };
    let mut fin: Option<(f64, usize)> = None;
    for (n, &c) in cost.iter().enumerate().skip(lowest) {
        if c.is_finite() && fin.is_none_or(|f| c < f.0) {
            fin = Some((c, n));
        }
    }
    let Some((_, mut state)) = fin else {
        return Exact::Inconsistent;
    };
    let final_state = state as u64;
    // Backtrack: for each drop (M, d, state before its gap).
    let mut path = vec![(0u64, 0u64, 0u64); drops.len()];
    for (j, choice) in back.iter().enumerate().rev() {
        let Some(&(_, m, pred)) = choice.iter().rev().find(|e| e.0 == state as u64) else {
            return Exact::Inconsistent;
        };
        path[j] = (m, m - (state as u64), pred);
        state = pred as usize;
    }
    assert_eq!(state, big_n, "the path starts from everyone at risk");
    let mut d = vec![0u64; clicks.len()];
    let mut censor = Vec::new();
    let mut a = t_start;
    for ((k, _), &(m, dk, pred)) in drops.iter().zip(&path) {
        let t = clicks[*k].time;
        spread(&mut censor, a, t, pred - m);
        d[*k] = dk;
        a = t;
    }
    let events: u64 = d.iter().sum();
    if target_events.is_some_and(|e| e != events) {
        return Exact::Inconsistent;
    }
    match end {
        End::Next { t, n } => spread(&mut censor, a, t, final_state - n),
        End::Last { t_end } => {
            // The patients left are censored over the flat tail, the last
            // one at the end of the curve.
            let w = t_end - a;
            for j in 1..=final_state {
                censor.push(a + j as f64 * w / final_state as f64);
            }
        }
    }
    Exact::Found(Solution { d, censor }, !drops.is_empty())
}

/// A drop of the curve: its click's index in the interval and the
/// candidate `(M, d)` (at risk, events) that give its ratio.
type Drop = (usize, Vec<(u64, u64)>);

/// A step of the dynamic programme: `(state after, M, state before)`.
type Choice = (u64, u64, u64);

/// The drops of the clicks with their candidate `(M, d)`: `d` events among
/// `M` at risk whose ratio `(M − d)/M` matches the drop to
/// [`EXACT_RATIO_TOLERANCE`]; `None` when a drop has no candidate or the
/// curve rises.
fn drop_candidates(clicks: &[Click], s_before: f64, n_start: u64) -> Option<Vec<Drop>> {
    let mut drops: Vec<Drop> = Vec::new();
    let mut prev = s_before;
    for (k, c) in clicks.iter().enumerate() {
        if c.survival < prev {
            let r = c.survival / prev;
            let q = 1.0 - r;
            let d_max = ((n_start as f64 * q).ceil() as u64 + 1).min(n_start);
            let mut cands = Vec::new();
            for d in 1..=d_max {
                let m = (d as f64 / q).round();
                if m > n_start as f64 {
                    break;
                }
                let m = m as u64; // 0 ≤ m ≤ n_start
                if m < d {
                    continue;
                }
                let ratio = (m - d) as f64 / m as f64;
                if (ratio - r).abs() <= EXACT_RATIO_TOLERANCE {
                    cands.push((m, d));
                }
            }
            if cands.is_empty() {
                return None;
            }
            drops.push((k, cands));
        } else if c.survival > prev {
            // Impossible after cleaning (the running minimum).
            return None;
        }
        prev = c.survival;
    }
    Some(drops)
}

/// The dynamic programme over the number left after each drop: the cost
/// `Σ (M − n̂)²` of the cheapest path to each state after the last drop,
/// and for each drop its choices `(state after, M, state before)`.
fn cheapest_paths(
    clicks: &[Click],
    t_start: f64,
    n_hat: &[i64],
    big_n: usize,
    drops: &[Drop],
) -> (Vec<f64>, Vec<Vec<Choice>>) {
    // Dynamic programme over the number left after each drop.
    let mut cost = vec![f64::INFINITY; big_n + 1];
    cost[big_n] = 0.0;
    let mut back: Vec<Vec<Choice>> = Vec::with_capacity(drops.len());
    let mut prev_t = t_start;
    let mut best = vec![(f64::INFINITY, 0usize); big_n + 1];
    for (k, cands) in drops {
        let t = clicks[*k].time;
        let width = t > prev_t;
        if width {
            let mut run = (f64::INFINITY, big_n);
            for n in (0..=big_n).rev() {
                if cost[n] < run.0 {
                    run = (cost[n], n);
                }
                best[n] = run;
            }
        } else {
            for (n, b) in best.iter_mut().enumerate() {
                *b = (cost[n], n);
            }
        }
        let mut next = vec![f64::INFINITY; big_n + 1];
        let mut choice: Vec<Choice> = Vec::with_capacity(cands.len());
        let nh = n_hat[*k] as f64; // one n̂ per click, k < clicks.len()
        for &(m, d) in cands {
            let (c0, pred) = best[m as usize];
            if !c0.is_finite() {
                continue;
            }
            let c = c0 + (m as f64 - nh).powi(2);
            let s2 = (m - d) as usize;
            if c < next[s2] {
                // A later entry for the same state is cheaper: the
                // backtrack reads the last one.
                next[s2] = c;
                choice.push((s2 as u64, m, pred as u64));
            }
        }
        cost = next;
        back.push(choice);
        prev_t = t;
    }
    (cost, back)
}

#[derive(Debug, Clone, Copy)]
enum End {
    /// A later row of the table: its time and published count.
    Next { t: f64, n: u64 },
    /// The last interval, ending at the last click.
    Last { t_end: f64 },
}

/// What the Guyot passes settled on for one interval, before the exact
/// search of the clicks' counts.
struct IntervalFit {
    end: End,
    sol: Solution,
    n_hat: Vec<i64>,
    target: Option<u64>,
    adjustments: u32,
    searched: bool,
    forced: i64,
}

/// The state carried from one interval to the next.
struct Walk {
    /// The reconstructed Kaplan-Meier value at the interval's start.
    s_km: f64,
    events_before: u64,
    censored_before: u64,
    /// What is left of the exact search's budget (cells).
    budget: u64,
    out: Outcome,
}

/// Runs the algorithm over every interval of the table.
pub(crate) fn reconstruct(
    clicks: &[Click],
    table: &AtRiskTable,
    ranges: &[Range<usize>],
    settings: Settings,
) -> Result<Outcome> {
    let times = table.time();
    let counts = table.count();
    check_no_drop_when_empty(clicks, times, counts)?;
    let t_curve_end = clicks.last().map_or(0.0, |c| c.time);
    let mut walk = Walk {
        s_km: 1.0,
        events_before: 0,
        censored_before: 0,
        budget: settings.exact_budget,
        out: Outcome {
            time: Vec::new(),
            event: Vec::new(),
            intervals: Vec::with_capacity(times.len()),
        },
    };
    for (i, range) in ranges.iter().enumerate() {
        let cl = &clicks[range.clone()];
        let (t_start, n_start) = (times[i], counts[i]);
        let s_entry = if range.start > 0 {
            clicks[range.start - 1].survival
        } else {
            1.0
        };
        let next = times.get(i + 1).map(|&t| (t, counts[i + 1]));
        let mut fit = match next {
            Some(next) => inner_interval(cl, t_start, n_start, s_entry, next, &settings, walk.s_km),
            None => {
                let t_end = t_curve_end.max(t_start);
                let elapsed = t_start - times[0];
                last_interval(cl, (t_start, t_end), n_start, elapsed, &settings, &walk)?
            }
        };
        let method = walk.try_exact(cl, s_entry, t_start, n_start, &mut fit);
        let (events, censored) = walk.record(cl, n_start, fit.sol);
        walk.out.intervals.push(RiskInterval {
            start: t_start,
            end: next.map(|n| n.0),
            clicks: range.clone(),
            at_risk: n_start,
            events,
            censored,
            adjustments: fit.adjustments,
            searched: fit.searched,
            forced: fit.forced,
            method,
        });
    }
    Ok(walk.out)
}

/// A drop of the curve where nobody is at risk any more is an error.
fn check_no_drop_when_empty(clicks: &[Click], times: &[f64], counts: &[u64]) -> Result<()> {
    let Some(z) = counts.iter().position(|&c| c == 0) else {
        return Ok(());
    };
    let empty_from = times[z];
    let mut prev = 1.0;
    for c in clicks {
        if c.time >= empty_from && c.survival < prev {
            return Err(ErrorDetail::ClickOutsideAtRiskTable {
                index: c
                    .input_index
                    .expect("the origin (0, 1) added by the cleaning never drops the curve"),
                time: c.time,
                empty_from,
            }
            .into());
        }
        prev = c.survival;
    }
    Ok(())
}

/// An interval with a later row of the table: the censorings adjusted
/// until the pass ends at the published count `n_next` (steps 2 to 4),
/// the rest forced after the last click or removed from the end.
fn inner_interval(
    cl: &[Click],
    t_start: f64,
    n_start: u64,
    s_entry: f64,
    (t_next, n_next): (f64, u64),
    settings: &Settings,
    s_km: f64,
) -> IntervalFit {
    let s_end = cl.last().map_or(s_entry, |c| c.survival);
    let guess = if s_entry > 0.0 {
        (n_start as f64 * s_end / s_entry - n_next as f64).round()
    } else {
        (n_start - n_next) as f64
    };
    let nc0 = guess.clamp(0.0, n_start as f64) as u64; // clamped
    let run = |nc: u64| pass(cl, t_start, t_next, n_start, nc, s_km);
    let goal = n_next as i64; // ≤ 2⁵³
    let (p, adjustments, searched) = adjust(nc0, n_start, settings.max_adjustments, &run, |p| {
        p.n_end - goal
    });
    let mut sol = Solution {
        d: p.d.clone(),
        censor: pass_censorings(t_start, t_next, p.nc),
    };
    let diff = p.n_end - goal;
    let mut forced = 0;
    if diff > 0 {
        // Too few exits: censor the rest after the last click.
        let a = cl.last().map_or(t_start, |c| c.time).max(t_start);
        spread(&mut sol.censor, a, t_next, diff as u64);
        forced = diff;
    } else if diff < 0 {
        forced = -(remove_exits(&mut sol, (-diff) as u64) as i64);
    }
    IntervalFit {
        end: End::Next {
            t: t_next,
            n: n_next,
        },
        sol,
        n_hat: p.n_hat,
        target: None,
        adjustments,
        searched,
        forced,
    }
}

/// The last interval, up to the last click `t_end`: the censoring rate of
/// the earlier intervals (over `elapsed`) carried on, or, with a total
/// number of events, the censorings adjusted to reach it (step 5).
fn last_interval(
    cl: &[Click],
    (t_start, t_end): (f64, f64),
    n_start: u64,
    elapsed: f64,
    settings: &Settings,
    walk: &Walk,
) -> Result<IntervalFit> {
    let run = |nc: u64| pass(cl, t_start, t_end, n_start, nc, walk.s_km);
    let rule = if elapsed > 0.0 {
        (walk.censored_before as f64 / elapsed * (t_end - t_start)).round()
    } else {
        0.0
    };
    let nc_rule = rule.clamp(0.0, n_start as f64) as u64; // clamped
    let (mut adjustments, mut searched) = (0, false);
    let (p, target) = match settings.total_events {
        None => (run(nc_rule), None),
        Some(total) => {
            let most = run(0).events;
            let fewest = run(n_start).events;
            let lo = walk.events_before + fewest;
            let hi = walk.events_before + most;
            let slack = total.div_ceil(TOTAL_EVENTS_SLACK_DIVISOR).max(2);
            if total.saturating_add(slack) < lo || total > hi.saturating_add(slack) {
                return Err(ErrorDetail::TotalEventsContradictCurve {
                    total,
                    min: lo,
                    max: hi,
                }
                .into());
            }
            // Within the slack: the nearest reachable total.
            let goal = (total.clamp(lo, hi) - walk.events_before) as i64; // ≥ lo ≥ events_before
            let (p, iters, bis) = adjust(nc_rule, n_start, settings.max_adjustments, &run, |p| {
                p.events as i64 - goal // events ≤ n_start
            });
            (adjustments, searched) = (iters, bis);
            (p, Some(goal as u64)) // goal ≥ 0
        }
    };
    let mut sol = Solution {
        d: p.d.clone(),
        censor: pass_censorings(t_start, t_end, p.nc),
    };
    let mut forced = 0;
    if p.n_end < 0 {
        forced = -(remove_exits(&mut sol, (-p.n_end) as u64) as i64);
    } else {
        for _ in 0..p.n_end {
            sol.censor.push(t_end);
        }
    }
    Ok(IntervalFit {
        end: End::Last { t_end },
        sol,
        n_hat: p.n_hat,
        target,
        adjustments,
        searched,
        forced,
    })
}

impl Walk {
    /// Replaces the Guyot solution by the exact search's when it finds one
    /// within the budget; the method that gave the interval's counts.
    fn try_exact(
        &mut self,
        cl: &[Click],
        s_entry: f64,
        t_start: f64,
        n_start: u64,
        fit: &mut IntervalFit,
    ) -> IntervalMethod {
        let found = exact(
            cl,
            s_entry,
            t_start,
            fit.end,
            n_start,
            &fit.n_hat,
            fit.target,
            &mut self.budget,
        );
        match found {
            Exact::Found(s, has_drops) => {
                fit.sol = s;
                fit.forced = 0;
                if has_drops {
                    IntervalMethod::ExactClicks
                } else {
                    IntervalMethod::NoDrops
                }
            }
            Exact::Inconsistent => IntervalMethod::Guyot,
            Exact::OverBudget => IntervalMethod::GuyotExactSkipped,
        }
    }

    /// Appends the interval's rows, steps the reconstructed Kaplan-Meier
    /// value over it, and returns its events and censorings.
    fn record(&mut self, cl: &[Click], n_start: u64, mut sol: Solution) -> (u64, u64) {
        sol.censor
            .sort_unstable_by(|a: &f64, b: &f64| a.total_cmp(b));
        let mut n = n_start as f64;
        let mut ci = 0usize;
        for (c, &dk) in cl.iter().zip(&sol.d) {
            while ci < sol.censor.len() && sol.censor[ci] < c.time {
                n -= 1.0;
                ci += 1;
            }
            if dk > 0 && n > 0.0 {
                self.s_km *= (n - dk as f64) / n;
                n -= dk as f64;
            }
            for _ in 0..dk {
                self.out.time.push(c.time);
                self.out.event.push(true);
            }
        }
        for &c in &sol.censor {
            self.out.time.push(c);
            self.out.event.push(false);
        }
        let events: u64 = sol.d.iter().sum();
        let censored = sol.censor.len() as u64;
        self.events_before += events;
        self.censored_before += censored;
        (events, censored)
    }
}

/// The paper's step 4 (for the last interval with a total, its step 5):
/// `nc ← nc + miss(nc)` until the miss is 0, bounded by `max` passes; when
/// the update stalls, cycles or runs out, a bisection over `nc ∈ [0, n]`
/// (at most 64 passes, `miss` taken as non-increasing in `nc`) returns the
/// `nc` whose miss is smallest, preferring a positive miss (the caller
/// then adds censorings rather than removing events). Returns the pass,
/// the number of adjustment passes and whether the bisection ran.
fn adjust(
    nc0: u64,
    n: u64,
    max: u32,
    run: &dyn Fn(u64) -> Pass,
    miss: impl Fn(&Pass) -> i64,
) -> (Pass, u32, bool) {
    let mut nc = nc0;
    let mut seen = Vec::new();
    let mut iters = 0u32;
    while iters < max {
        let p = run(nc);
        iters += 1;
        let m = miss(&p);
        if m == 0 {
            return (p, iters, false);
        }
        let next = (nc as i64 + m).clamp(0, n as i64) as u64; // clamped to [0, n]
        seen.push(nc);
        if next == nc || seen.contains(&next) {
            break;
        }
        nc = next;
    }
    // Bisection: the smallest nc whose miss is ≤ 0.
    let p0 = run(0);
    if miss(&p0) <= 0 {
        return (p0, iters, true);
    }
    let (mut lo, mut hi) = (0u64, n);
    let mut p_lo = p0;
    let mut p_hi = run(hi);
    if miss(&p_hi) > 0 {
        return (p_hi, iters, true);
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        let p = run(mid);
        if miss(&p) <= 0 {
            hi = mid;
            p_hi = p;
        } else {
            lo = mid;
            p_lo = p;
        }
    }
    let (m_lo, m_hi) = (miss(&p_lo), miss(&p_hi));
    if m_hi == 0 || -m_hi < m_lo {
        (p_hi, iters, true)
    } else {
        (p_lo, iters, true)
    }
}
