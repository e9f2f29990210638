//! R's near-tie rule (`timefix = TRUE`, survival's `aeqSurv`): the
//! tolerance, the mean of the distinct times it is relative to, the pairwise
//! test and the cut points. Every path that merges near ties (the run
//! cursor of [`crate::sweep`], the event table's build and its near-tie
//! pass) takes them from here, so that they merge alike.

/// R's `timefix` tolerance, `sqrt(.Machine$double.eps)` = 2^-26 (R survival's
/// `aeqSurv`): two consecutive distinct times `a < b` are tied when
/// `b − a ≤ tol` or `(b − a) / mean(|distinct times|) ≤ tol`.
pub const TIMEFIX_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// How nearly equal times are treated when the event table is built.
///
/// # Conventions
/// `Tolerance` (the default) reproduces R survival's `timefix = TRUE`
/// (`aeqSurv`): the distinct times of the whole data set (exit and entry times,
/// all groups and strata) are sorted, each run of consecutive times closer
/// than [`TIMEFIX_TOLERANCE`] (absolutely, or relative to the mean distinct
/// time) is replaced by its first value. `Exact` compares times bit for bit,
/// like R's `timefix = FALSE`, lifelines and scipy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum TimeFix {
    /// Merge near-ties as R's `timefix = TRUE` does (default).
    #[default]
    Tolerance,
    /// Distinct floating-point values are distinct times.
    Exact,
}

/// The pairwise near-tie test of one data set: R's `aeqSurv` test for
/// consecutive distinct times `a < b`, `b − a ≤ tol || (b − a) / mean ≤
/// tol`, or never (for [`TimeFix::Exact`], or fewer than two distinct times).
///
/// A plain value rather than a closure, so that one compiled sweep serves
/// both rules: "never" is a bound no positive gap is below.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TieRule {
    /// Gaps above this bound are not tied (by a factor 2, far beyond
    /// rounding, above both of R's bounds), which skips the division; −∞
    /// for a rule that never ties.
    clear: f64,
    /// The mean of the distinct times.
    mean: f64,
}

impl TieRule {
    /// Never tied.
    pub(crate) const NEVER: TieRule = TieRule {
        clear: f64::NEG_INFINITY,
        mean: f64::NAN,
    };

    /// R's rule relative to `mean`, the mean of the distinct times.
    pub(crate) fn relative_to(mean: f64) -> TieRule {
        TieRule {
            clear: 2.0 * TIMEFIX_TOLERANCE * mean.max(1.0),
            mean,
        }
    }

    /// The rule of `time_fix` for the sorted times `sorted` (all distinct
    /// times of the data set, repeats allowed): R's rule relative to their
    /// mean when there are two distinct times or more.
    pub(crate) fn of(time_fix: TimeFix, sorted: impl Iterator<Item = f64> + Clone) -> TieRule {
        match time_fix {
            TimeFix::Exact => TieRule::NEVER,
            TimeFix::Tolerance => {
                let (distinct, mean) = distinct_time_mean(sorted);
                TieRule::for_distinct(time_fix, distinct, mean)
            }
        }
    }

    /// The rule of `time_fix` for `distinct` distinct times of mean `mean`
    /// ([`distinct_time_mean`]): R's rule when there are two or more.
    pub(crate) fn for_distinct(time_fix: TimeFix, distinct: usize, mean: f64) -> TieRule {
        match time_fix {
            TimeFix::Tolerance if distinct >= 2 => TieRule::relative_to(mean),
            _ => TieRule::NEVER,
        }
    }

    /// Whether the consecutive distinct times `a < b` are tied.
    #[inline(always)]
    pub(crate) fn tied(self, a: f64, b: f64) -> bool {
        let dy = b - a;
        dy <= self.clear && (dy <= TIMEFIX_TOLERANCE || dy / self.mean <= TIMEFIX_TOLERANCE)
    }

    /// The cut points of R's `aeqSurv` on sorted distinct times (the first
    /// time of every run of tied times), or `None` when no two are tied.
    pub(crate) fn cuts(self, distinct: &[f64]) -> Option<Vec<f64>> {
        if !distinct.windows(2).any(|w| self.tied(w[0], w[1])) {
            return None;
        }
        let mut cuts = Vec::with_capacity(distinct.len());
        cuts.extend(distinct.first());
        for w in distinct.windows(2) {
            if !self.tied(w[0], w[1]) {
                cuts.push(w[1]);
            }
        }
        Some(cuts)
    }
}

/// The cut that R's `findInterval(t, cuts)` maps `t` to: the largest cut ≤ `t`.
pub(crate) fn cut_of(cuts: &[f64], t: f64) -> f64 {
    let i = cuts.partition_point(|&c| c <= t);
    cuts.get(i.saturating_sub(1)).copied().unwrap_or(t)
}

/// The number of distinct values of a sorted sequence of times and their
/// mean, summed in increasing order (R's near-tie rule uses the mean). When
/// the plain sum overflows (times near `f64::MAX`; R sums in long double
/// and does not), the mean is recomputed as `Σ t / count`. The mean is NaN
/// for no times.
///
/// Not inlined: in a large caller LLVM kept the sum on the stack (a store
/// and a load in the add chain of every distinct time; measured 2026-11-27).
#[inline(never)]
pub(crate) fn distinct_time_mean(sorted: impl Iterator<Item = f64> + Clone) -> (usize, f64) {
    let (mut distinct, mut sum, mut prev) = (0usize, 0.0, f64::NAN);
    for t in sorted.clone() {
        if t != prev {
            distinct += 1;
            sum += t;
            prev = t;
        }
    }
    let count = distinct as f64;
    if sum.is_finite() {
        return (distinct, sum / count);
    }
    let (mut mean, mut prev) = (0.0, f64::NAN);
    for t in sorted {
        if t != prev {
            mean += t / count;
            prev = t;
        }
    }
    (distinct, mean)
}
