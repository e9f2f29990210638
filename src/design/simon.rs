//! Simon's two-stage phase II designs: operating characteristics of a
//! given design and the exhaustive search for the optimal, minimax and
//! admissible designs.

use crate::builder::{getters, setters};
use crate::ErrorDetail;
use std::fmt;
use std::time::Duration;

use super::{binom_pmf, lower_tails, upper_tails, write_phase2_head, write_table, SearchInputs};
use crate::error::{Error, Result};
use crate::rformat::{format_column, format_number};

/// The largest `nmax` [`SimonSearch`] accepts (clinfun's `ph2simon` stops
/// at the same bound): the search keeps binomial tables of `nmax²/2`
/// entries per response rate and its cost grows like `nmax⁴`.
pub const MAX_SIMON_NMAX: u64 = 1000;

/// The largest total size [`TwoStageDesign::new`] accepts (100,000): the
/// characteristics cost `O(n)` time and memory and the inference's root
/// finding about a hundred such evaluations, so every call stays under a
/// second.
pub const MAX_DESIGN_SIZE: u64 = 100_000;

/// Default time budget of [`SimonSearch::search`]: 10 seconds (the default
/// `nmax = 100` needs a few milliseconds; `nmax = 300` about a second on
/// one 2020s core).
pub const DEFAULT_SIMON_TIME_LIMIT: Duration = Duration::from_secs(10);

/// A two-stage phase II design `(r1/n1, r/n)` with early stopping for
/// futility (Simon 1989): treat `n1` patients; stop and declare the
/// treatment inactive if at most `r1` respond; otherwise treat `n − n1`
/// more and declare it active (reject H0: p ≤ p0) if more than `r` of all
/// `n` respond.
///
/// # Method
/// With `X1 ~ Bin(n1, p)`, `X2 ~ Bin(n − n1, p)` independent:
/// ```text
/// PET(p)           = P(X1 ≤ r1)
/// P(reject H0 | p) = Σ_{x1 = r1+1}^{n1} P(X1 = x1) · P(X2 > r − x1)
/// EN(p)            = n1 + (1 − PET(p)) · (n − n1)
/// ```
/// Every probability is a sum of exact binomial terms (Loader's
/// saddle-point densities), upper tails summed from the top.
///
/// # Conventions
/// `r1`, `n1`, `r`, `n` as in Simon (1989) and clinfun's `ph2simon`
/// (`r1` and `r` are the largest response counts that still mean
/// "inactive"); A'Hern's and Koyama-Chen's `R1 = r1 + 1` and `R = r + 1`
/// are the smallest counts that continue or reject.
///
/// # Errors
/// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) unless `1 ≤ n1 < n ≤` [`MAX_DESIGN_SIZE`] (100,000), `r1 < n1` and
/// `r1 ≤ r < n`.
///
/// # Example
/// ```
/// use survkit::TwoStageDesign;
/// // Simon's optimal design for p0 = 0.10, p1 = 0.30 (alpha 0.05, power 0.80)
/// let design = TwoStageDesign::new(1, 10, 5, 29)?;
/// let h0 = design.characteristics(0.10)?;
/// assert_eq!(format!("{:.1} {:.2}", h0.expected_size(), h0.early_termination()), "15.0 0.74");
/// assert!(h0.rejection_probability() <= 0.05);
/// assert!(design.characteristics(0.30)?.rejection_probability() >= 0.80);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Simon, R. (1989). Optimal two-stage designs for phase II clinical
/// trials. *Controlled Clinical Trials* 10(1), 1–10.
/// doi:10.1016/0197-2456(89)90015-9
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[must_use]
pub struct TwoStageDesign {
    r1: u64,
    n1: u64,
    r: u64,
    n: u64,
}

fn invalid(what: &'static str, constraint: &'static str, value: u64) -> Error {
    ErrorDetail::InvalidParameter {
        what,
        constraint,
        value: value as f64,
    }
    .into()
}

impl TwoStageDesign {
    /// A design from its four numbers (see the type's docs).
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) naming the first number out of range.
    pub fn new(r1: u64, n1: u64, r: u64, n: u64) -> Result<Self> {
        if n1 == 0 {
            return Err(invalid("n1", "at least 1", n1));
        }
        if n > MAX_DESIGN_SIZE {
            return Err(invalid("n", "at most 100000", n));
        }
        if n <= n1 {
            return Err(invalid("n", "greater than n1", n));
        }
        if r1 >= n1 {
            return Err(invalid("r1", "less than n1", r1));
        }
        if r < r1 {
            return Err(invalid("r", "at least r1", r));
        }
        if r >= n {
            return Err(invalid("r", "less than n", r));
        }
        Ok(Self { r1, n1, r, n })
    }

    /// Largest number of first-stage responses that stops the trial.
    pub fn r1(&self) -> u64 {
        self.r1
    }
    /// First-stage size.
    pub fn n1(&self) -> u64 {
        self.n1
    }
    /// Largest total number of responses that does not reject H0.
    pub fn r(&self) -> u64 {
        self.r
    }
    /// Total (maximum) size.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// The operating characteristics at a true response rate `p`:
    /// the probability of rejecting H0, of early termination, and the
    /// expected size.
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) unless `p` is in `[0, 1]`.
    pub fn characteristics(&self, p: f64) -> Result<TwoStageCharacteristics> {
        if !(0.0..=1.0).contains(&p) {
            return Err(ErrorDetail::InvalidParameter {
                what: "p",
                constraint: "in [0, 1]",
                value: p,
            }
            .into());
        }
        let pmf1 = binom_pmf(self.n1, p);
        let pet = lower_tails(&pmf1)[self.r1 as usize];
        let up2 = upper_tails(&binom_pmf(self.n - self.n1, p));
        let reject = rejection(self.r1, self.r, &pmf1, &up2);
        Ok(TwoStageCharacteristics {
            response_rate: p,
            rejection_probability: reject,
            early_termination: pet,
            expected_size: self.n1 as f64 + (1.0 - pet) * (self.n - self.n1) as f64,
        })
    }
}

/// `Σ_{x1 = r1+1}^{n1} P(X1 = x1) P(X2 > r − x1)` from the stage-1
/// probabilities and the stage-2 upper tails `up2[k] = P(X2 > k)`.
pub(crate) fn rejection(r1: u64, r: u64, pmf1: &[f64], up2: &[f64]) -> f64 {
    let n2 = up2.len() as u64 - 1;
    let mut sum = 0.0;
    for (x1, &p) in pmf1.iter().enumerate().skip(r1 as usize + 1) {
        let x1 = x1 as u64;
        let tail = if x1 > r {
            1.0
        } else if r - x1 >= n2 {
            0.0
        } else {
            up2[(r - x1) as usize]
        };
        sum += p * tail;
    }
    sum
}

impl fmt::Display for TwoStageDesign {
    /// `r1/n1, r/n`, as Simon's tables print a design.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}, {}/{}", self.r1, self.n1, self.r, self.n)
    }
}

/// The operating characteristics of a [`TwoStageDesign`] at one response
/// rate (clinfun's `oc.twostage.bdry`).
///
/// # Example
/// ```
/// use survkit::TwoStageDesign;
/// let oc = TwoStageDesign::new(1, 15, 5, 25)?.characteristics(0.1)?;
/// assert_eq!(format!("{:.2}", oc.expected_size()), "19.51");
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[must_use]
pub struct TwoStageCharacteristics {
    response_rate: f64,
    rejection_probability: f64,
    early_termination: f64,
    expected_size: f64,
}

impl TwoStageCharacteristics {
    /// The true response rate `p` these are computed at.
    pub fn response_rate(&self) -> f64 {
        self.response_rate
    }
    /// `P(reject H0 | p)`: the exact type I error at `p0`, the power at `p1`.
    pub fn rejection_probability(&self) -> f64 {
        self.rejection_probability
    }
    /// `PET(p) = P(X1 ≤ r1)`, the probability of stopping after stage 1.
    pub fn early_termination(&self) -> f64 {
        self.early_termination
    }
    /// `EN(p) = n1 + (1 − PET(p))(n − n1)`, the expected number of patients.
    pub fn expected_size(&self) -> f64 {
        self.expected_size
    }
}

impl fmt::Display for TwoStageCharacteristics {
    /// Like clinfun's `oc.twostage.bdry` named vector (7 significant digits).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cells = [
            format_number(self.rejection_probability, 7),
            format_number(self.early_termination, 7),
            format_number(self.expected_size, 7),
        ];
        let names = ["P(reject H0 | p)", "PET(p)", "EN(p)"];
        let widths: Vec<usize> = names
            .iter()
            .zip(&cells)
            .map(|(n, c)| n.len().max(c.len()))
            .collect();
        for (n, w) in names.iter().zip(&widths) {
            write!(f, "{n:>w$} ")?;
        }
        writeln!(f)?;
        for (c, w) in cells.iter().zip(&widths) {
            write!(f, "{c:>w$} ")?;
        }
        writeln!(f)
    }
}

/// The search for Simon's optimal, minimax and admissible two-stage
/// designs for H0: p ≤ p0 against p = p1 at one-sided level `alpha` and
/// power `1 − beta`.
///
/// # Method
/// Exhaustive and exact: every `(r1, n1, r, n)` with `n ≤ nmax` is
/// covered, but most are excluded by bounds that cannot exclude a
/// feasible design:
/// ```text
/// n   ≥ n_lo: the smallest n whose randomized UMP test of size alpha on
///       n Bernoulli trials (Neyman-Pearson) has power ≥ 1 − beta; no test
///       on n patients, sequential or not, is more powerful
/// r1  : stop increasing once P(X1 ≤ r1 | p1) > beta (power ≤ 1 − PET(p1))
/// r   : for each (r1, n1, n) only the smallest r with
///       P(reject | p0) ≤ alpha (found by bisection; P(reject) falls as r
///       grows, so this r has the largest power and EN does not depend on r)
/// EN  : (r1, n1) are skipped once EN(p0) cannot beat the best design of
///       the same n
/// ```
/// For each `n` this gives the design of smallest `EN(p0)`; the minimax
/// design is the one of smallest feasible `n` (ties: smallest `EN(p0)`), the
/// optimal design the one of smallest `EN(p0)` (ties: smallest `n`), and
/// the admissible designs (Jung et al. 2001) those minimising
/// `q·n + (1 − q)·EN(p0)` for some `q ∈ [0, 1]`: the vertices of the lower
/// convex hull of the points `(n, EN(p0))` between the minimax and the
/// optimal design, each with its interval of `q`.
///
/// # Conventions
/// Matches clinfun's `ph2simon(pu = p0, pa = p1, ep1 = alpha, ep2 = beta,
/// nmax)` and Simon's (1989) tables: constraints are compared as computed
/// (`P(reject | p0) ≤ alpha`, `P(reject | p1) ≥ 1 − beta`), without a tie
/// tolerance; among designs with equal `n`, `EN(p0)` within floating-point
/// equality keep the first found (smallest `n1`, then smallest `r1`).
///
/// # Budget
/// `nmax` (default 100, at most [`MAX_SIMON_NMAX`]) bounds the search; a
/// time limit (default [`DEFAULT_SIMON_TIME_LIMIT`], 10 s) bounds its
/// cost, checked once per `(n, n1)` and after the binomial tables are built
/// (at most 2 × 501,501 densities, well under a second). Past it the search
/// returns [`ErrorDetail::SearchStopped`](crate::ErrorDetail::SearchStopped) with the largest `n` it finished.
///
/// # Errors
/// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) unless `p0`, `p1` are in (0, 1) with
/// `p1 > p0`, `alpha` and `beta` are in (0, 0.5) and
/// `1 ≤ nmax ≤ 1000`; [`ErrorDetail::NoFeasibleDesign`](crate::ErrorDetail::NoFeasibleDesign) when no design with
/// `n ≤ nmax` meets both error rates; [`ErrorDetail::SearchStopped`](crate::ErrorDetail::SearchStopped) past the
/// time limit.
///
/// # Example
/// ```
/// use survkit::SimonSearch;
/// let designs = SimonSearch::new(0.10, 0.30)?.alpha(0.05).beta(0.20).search()?;
/// assert_eq!(designs.optimal().design().to_string(), "1/10, 5/29");
/// assert_eq!(designs.minimax().design().to_string(), "1/15, 5/25");
/// assert_eq!(format!("{:.1}", designs.optimal().expected_size()), "15.0");
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Simon, R. (1989). Optimal two-stage designs for phase II clinical
///   trials. *Controlled Clinical Trials* 10(1), 1–10.
///   doi:10.1016/0197-2456(89)90015-9
/// - Jung, S.-H., Carey, M. & Kim, K. M. (2001). Graphical search for
///   two-stage designs for phase II clinical trials. *Controlled Clinical
///   Trials* 22(4), 367–372.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct SimonSearch {
    inputs: SearchInputs,
}

impl SimonSearch {
    /// A search for H0: p ≤ `p0` against `p1`, with alpha 0.05, beta 0.20,
    /// `nmax` 100 and a 10-second budget.
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) unless `0 < p0 < p1 < 1`.
    pub fn new(p0: f64, p1: f64) -> Result<Self> {
        Ok(Self {
            inputs: SearchInputs::new(p0, p1, 100, DEFAULT_SIMON_TIME_LIMIT)?,
        })
    }

    setters! {
        /// One-sided type I error (default 0.05), checked by [`search`](Self::search).
        pub fn alpha(mut self, alpha: f64) -> Self { self.inputs.alpha }

        /// Type II error (default 0.20, power 0.80), checked by [`search`](Self::search).
        pub fn beta(mut self, beta: f64) -> Self { self.inputs.beta }

        /// Largest total size searched (default 100, at most 1000).
        pub fn nmax(mut self, nmax: u64) -> Self { self.inputs.nmax }

        /// Time budget (default 10 s).
        pub fn time_limit(mut self, limit: Duration) -> Self { self.inputs.time_limit }
    }

    /// Runs the search.
    ///
    /// # Errors
    /// See the type's docs.
    pub fn search(&self) -> Result<SimonDesigns> {
        let inp = &self.inputs;
        let what = "Simon two-stage design";
        let clock = inp.start(MAX_SIMON_NMAX, "in 1..=1000", what, "maximum sizes n")?;
        let nmax = inp.nmax;
        let no_design = ErrorDetail::NoFeasibleDesign { what, nmax };
        let n_lo =
            ump_lower_bound(inp.p0, inp.p1, inp.alpha, inp.beta, nmax).ok_or(no_design.clone())?;
        let tables = [Tables::new(inp.p0, nmax), Tables::new(inp.p1, nmax)];
        clock.check(n_lo - 1)?;
        let mut per_size: Vec<SimonDesign> = Vec::new();
        for n in n_lo.max(2)..=nmax {
            let mut best: Option<SimonDesign> = None;
            for n1 in 1..n {
                clock.check(n - 1)?;
                best_with_first_stage(inp, &tables, n, n1, &mut best);
            }
            if let Some(b) = best {
                per_size.push(b);
            }
        }
        if per_size.is_empty() {
            return Err(no_design.into());
        }
        Ok(SimonDesigns {
            p0: inp.p0,
            p1: inp.p1,
            alpha: inp.alpha,
            beta: inp.beta,
            nmax,
            admissible: admissible(&per_size),
            per_size,
        })
    }
}

/// Improves `best` (the design of total size `n` with the smallest
/// expected size under p0 found so far) over the designs with first stage
/// `n1`: for each `r1`, the smallest `r` whose type I error is at most
/// alpha, kept when its power reaches `1 − beta`. `tables` are at p0, p1.
fn best_with_first_stage(
    inp: &SearchInputs,
    [tables0, tables1]: &[Tables; 2],
    n: u64,
    n1: u64,
    best: &mut Option<SimonDesign>,
) {
    let n2 = n - n1;
    let pmf0 = &tables0.pmf[n1 as usize];
    let pmf1 = &tables1.pmf[n1 as usize];
    let up0 = &tables0.upper[n2 as usize];
    let up1 = &tables1.upper[n2 as usize];
    let mut r_hi = n - 1;
    for r1 in 0..n1 {
        if tables1.lower[n1 as usize][r1 as usize] > inp.beta {
            break;
        }
        let pet0 = tables0.lower[n1 as usize][r1 as usize];
        let en = n1 as f64 + (1.0 - pet0) * n2 as f64;
        if best.as_ref().is_some_and(|b| en >= b.expected_size) {
            continue;
        }
        // r_hi from the previous r1 stays valid: raising r1 lowers
        // P(reject | p0) at every r.
        let Some(r) = smallest_r(r1, r_hi.max(r1), |r| {
            rejection(r1, r, pmf0, up0) <= inp.alpha
        }) else {
            continue;
        };
        r_hi = r;
        let power = rejection(r1, r, pmf1, up1);
        if power >= 1.0 - inp.beta {
            *best = Some(SimonDesign {
                design: TwoStageDesign { r1, n1, r, n },
                expected_size: en,
                early_termination: pet0,
                type_i_error: rejection(r1, r, pmf0, up0),
                power,
                weight_range: (f64::NAN, f64::NAN),
            });
        }
    }
}

/// The smallest `r` in `[lo, hi]` with `ok(r)` (P(reject | p0) ≤ alpha,
/// which holds from some `r` on), by bisection; `None` if not even `hi`.
fn smallest_r(mut lo: u64, mut hi: u64, ok: impl Fn(u64) -> bool) -> Option<u64> {
    if !ok(hi) {
        return None;
    }
    if ok(lo) {
        hi = lo;
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if ok(mid) {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}

/// Binomial probabilities for every size up to `nmax` at one rate.
struct Tables {
    pmf: Vec<Vec<f64>>,
    lower: Vec<Vec<f64>>,
    upper: Vec<Vec<f64>>,
}

impl Tables {
    fn new(p: f64, nmax: u64) -> Self {
        let pmf: Vec<Vec<f64>> = (0..=nmax).map(|m| binom_pmf(m, p)).collect();
        let lower = pmf.iter().map(|v| lower_tails(v)).collect();
        let upper = pmf.iter().map(|v| upper_tails(v)).collect();
        Self { pmf, lower, upper }
    }
}

/// The smallest `n ≤ nmax` whose randomized uniformly most powerful test of
/// H0: p = p0 against p1 at size `alpha` has power ≥ 1 − beta; `None` when
/// there is none. Its power increases with `n`.
pub(crate) fn ump_lower_bound(p0: f64, p1: f64, alpha: f64, beta: f64, nmax: u64) -> Option<u64> {
    (1..=nmax).find(|&n| {
        let pmf0 = binom_pmf(n, p0);
        let pmf1 = binom_pmf(n, p1);
        let up0 = upper_tails(&pmf0);
        let up1 = upper_tails(&pmf1);
        // Smallest k with P(X > k | p0) ≤ alpha; reject above k, and at k
        // with the probability that brings the size to alpha.
        let k = (0..=n as usize)
            .find(|&k| up0[k] <= alpha)
            .expect("P(X > n) = 0 ≤ alpha");
        let gamma = if pmf0[k] > 0.0 {
            ((alpha - up0[k]) / pmf0[k]).min(1.0)
        } else {
            0.0
        };
        up1[k] + gamma * pmf1[k] >= 1.0 - beta
    })
}

/// The lower convex hull of `(n, EN)` from the smallest `n` to the design
/// of smallest EN, with each vertex's interval of weights `q`.
fn admissible(per_size: &[SimonDesign]) -> Vec<SimonDesign> {
    let opt = per_size.iter().enumerate().fold(0, |best, (i, d)| {
        if d.expected_size < per_size[best].expected_size {
            i
        } else {
            best
        }
    });
    let pts = &per_size[..=opt];
    let mut hull: Vec<usize> = Vec::new();
    for i in 0..pts.len() {
        while hull.len() >= 2 {
            let a = &pts[hull[hull.len() - 2]];
            let b = &pts[hull[hull.len() - 1]];
            let c = &pts[i];
            let (ax, ay) = (a.design.n as f64, a.expected_size);
            let (bx, by) = (b.design.n as f64, b.expected_size);
            let (cx, cy) = (c.design.n as f64, c.expected_size);
            // Drop b unless it lies strictly below the segment a–c.
            let cross = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
            if cross <= 0.0 {
                hull.pop();
            } else {
                break;
            }
        }
        hull.push(i);
    }
    // The chain ends at the smallest EN and is convex, so every slope is
    // negative: EN falls strictly as n grows along the admissible designs.
    let mut out: Vec<SimonDesign> = hull.iter().map(|&i| pts[i].clone()).collect();
    let m = out.len();
    // q at which neighbours tie: q·n_i + (1 − q)·EN_i = q·n_j + (1 − q)·EN_j.
    let tie = |a: &SimonDesign, b: &SimonDesign| {
        let de = a.expected_size - b.expected_size;
        let dn = (b.design.n - a.design.n) as f64;
        de / (de + dn)
    };
    let ties: Vec<f64> = (1..m).map(|i| tie(&out[i - 1], &out[i])).collect();
    for i in 0..m {
        let upper = if i == 0 { 1.0 } else { ties[i - 1] };
        let lower = if i + 1 == m { 0.0 } else { ties[i] };
        out[i].weight_range = (lower, upper);
    }
    out
}

/// One design found by [`SimonSearch`], with its exact operating
/// characteristics under H0 and H1.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct SimonDesign {
    design: TwoStageDesign,
    expected_size: f64,
    early_termination: f64,
    type_i_error: f64,
    power: f64,
    weight_range: (f64, f64),
}

impl SimonDesign {
    /// The design `(r1/n1, r/n)`.
    pub fn design(&self) -> TwoStageDesign {
        self.design
    }
    /// `EN(p0)`, the expected number of patients if the treatment is inactive.
    pub fn expected_size(&self) -> f64 {
        self.expected_size
    }
    /// `PET(p0)`, the probability of stopping after stage 1 under H0.
    pub fn early_termination(&self) -> f64 {
        self.early_termination
    }
    /// The exact type I error `P(reject H0 | p0)` (at most alpha).
    pub fn type_i_error(&self) -> f64 {
        self.type_i_error
    }
    /// The exact power `P(reject H0 | p1)` (at least 1 − beta).
    pub fn power(&self) -> f64 {
        self.power
    }
    /// For an admissible design, the interval `[q_lo, q_hi]` of weights for
    /// which it minimises `q·n + (1 − q)·EN(p0)` (Jung et al. 2001); `None`
    /// for a design that is not admissible.
    pub fn weight_range(&self) -> Option<(f64, f64)> {
        if self.weight_range.0.is_nan() {
            None
        } else {
            Some(self.weight_range)
        }
    }
}

/// The result of a [`SimonSearch`]: the admissible designs from the minimax
/// to the optimal design, and the best design of each size.
///
/// `Display` prints like clinfun's `print.ph2simon`, followed by the
/// admissible designs with their weight intervals.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct SimonDesigns {
    p0: f64,
    p1: f64,
    alpha: f64,
    beta: f64,
    nmax: u64,
    admissible: Vec<SimonDesign>,
    per_size: Vec<SimonDesign>,
}

impl SimonDesigns {
    /// The optimal design: smallest `EN(p0)`.
    pub fn optimal(&self) -> &SimonDesign {
        self.admissible
            .last()
            .expect("a search result has a design")
    }
    /// The minimax design: smallest `n`, then smallest `EN(p0)`.
    pub fn minimax(&self) -> &SimonDesign {
        self.admissible
            .first()
            .expect("a search result has a design")
    }
    getters! {
        /// The admissible designs, from the minimax (q = 1) to the optimal
        /// (q = 0), each with its [`weight_range`](SimonDesign::weight_range).
        pub fn admissible(&self) -> &[SimonDesign] { &self.admissible }
    }

    /// For each feasible `n ≤ nmax` in increasing order, the design of that
    /// size with the smallest `EN(p0)` (not all are admissible: their
    /// `weight_range()` is then `None`).
    pub fn best_by_size(&self) -> Vec<SimonDesign> {
        self.per_size
            .iter()
            .map(|d| {
                self.admissible
                    .iter()
                    .find(|a| a.design == d.design)
                    .cloned()
                    .unwrap_or_else(|| d.clone())
            })
            .collect()
    }
    getters! {
        /// The null response rate `p0`.
        pub fn p0(&self) -> f64 { self.p0 }

        /// The alternative response rate `p1`.
        pub fn p1(&self) -> f64 { self.p1 }

        /// The nominal one-sided type I error.
        pub fn alpha(&self) -> f64 { self.alpha }

        /// The nominal type II error.
        pub fn beta(&self) -> f64 { self.beta }

        /// The largest total size searched.
        pub fn nmax(&self) -> u64 { self.nmax }
    }
}

impl fmt::Display for SimonDesigns {
    /// clinfun's `print.ph2simon`, then the admissible designs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rates = [self.p0, self.p1, self.alpha, self.beta];
        write_phase2_head(f, "Simon 2-stage Phase II design", rates)?;
        let shown = [("Optimal", self.optimal()), ("Minimax", self.minimax())];
        design_table(f, &shown, false)?;
        writeln!(f)?;
        if self.optimal().design.n + 10 > self.nmax {
            writeln!(
                f,
                "Warning: optimal sample size too close to nmax; try increasing nmax (current value = {})",
                self.nmax
            )?;
            writeln!(f)?;
        }
        writeln!(
            f,
            "Admissible designs (Jung et al. 2001), q in q*n + (1-q)*EN(p0):"
        )?;
        let labelled: Vec<(String, &SimonDesign)> = self
            .admissible
            .iter()
            .enumerate()
            .map(|(i, d)| {
                let name = if i + 1 == self.admissible.len() {
                    "Optimal".to_owned()
                } else if i == 0 {
                    "Minimax".to_owned()
                } else {
                    "Admissible".to_owned()
                };
                (name, d)
            })
            .collect();
        let refs: Vec<(&str, &SimonDesign)> =
            labelled.iter().map(|(n, d)| (n.as_str(), *d)).collect();
        design_table(f, &refs, true)
    }
}

fn design_table(
    f: &mut fmt::Formatter<'_>,
    shown: &[(&str, &SimonDesign)],
    with_q: bool,
) -> fmt::Result {
    let en: Vec<f64> = shown.iter().map(|s| s.1.expected_size).collect();
    let pet: Vec<f64> = shown.iter().map(|s| s.1.early_termination).collect();
    let (en, pet) = (format_column(&en, 4), format_column(&pet, 4));
    let mut header = vec!["r1", "n1", "r", "n", "EN(p0)", "PET(p0)"];
    if with_q {
        header.extend(["qLo", "qHi"]);
    }
    let rows: Vec<(String, Vec<String>)> = shown
        .iter()
        .enumerate()
        .map(|(i, (name, d))| {
            let t = d.design;
            let mut cells = vec![
                t.r1.to_string(),
                t.n1.to_string(),
                t.r.to_string(),
                t.n.to_string(),
                en[i].clone(),
                pet[i].clone(),
            ];
            if with_q {
                let (lo, hi) = d.weight_range;
                cells.push(format!("{lo:.4}"));
                cells.push(format!("{hi:.4}"));
            }
            ((*name).to_owned(), cells)
        })
        .collect();
    write_table(f, &header, &rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simon_table_row() {
        let d = SimonSearch::new(0.1, 0.3).unwrap().search().unwrap();
        assert_eq!(
            d.optimal().design(),
            TwoStageDesign::new(1, 10, 5, 29).unwrap()
        );
        assert_eq!(
            d.minimax().design(),
            TwoStageDesign::new(1, 15, 5, 25).unwrap()
        );
    }
}
