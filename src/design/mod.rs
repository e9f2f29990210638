//! Designing the next study: Simon's two-stage designs, inference after a
//! two-stage trial, exact single-stage designs, and the events and patients
//! a log-rank comparison needs.
//!
//! The formulas, conventions and references are in `docs/methods/design.md`;
//! the checks in `docs/validation/design.md`.

mod inference;
mod simon;
mod single_stage;
mod survival;

pub use inference::TwoStageInference;
pub use simon::{
    SimonDesign, SimonDesigns, SimonSearch, TwoStageCharacteristics, TwoStageDesign,
    DEFAULT_SIMON_TIME_LIMIT, MAX_DESIGN_SIZE, MAX_SIMON_NMAX,
};
pub use single_stage::{
    SingleStageDesign, SingleStageSearch, DEFAULT_SINGLE_STAGE_TIME_LIMIT, MAX_SINGLE_STAGE_NMAX,
};
pub use survival::{
    EventsMethod, LogRankEvents, LogRankEventsResult, Sided, SurvivalSampleSize,
    SurvivalSampleSizeMethod, SurvivalSampleSizeResult,
};

use std::time::{Duration, Instant};

use crate::error::Result;
use crate::rformat::format_number;
use crate::special::ln_dbinom;
use crate::ErrorDetail;

/// `Ok` if `ok`, else the invalid-parameter error naming `what`, its
/// `constraint` and the `value`.
pub(crate) fn check_parameter(
    what: &'static str,
    value: f64,
    ok: bool,
    constraint: &'static str,
) -> Result<()> {
    if ok {
        Ok(())
    } else {
        Err(ErrorDetail::InvalidParameter {
            what,
            constraint,
            value,
        }
        .into())
    }
}

/// Checks that a probability is in the open interval (0, 1).
pub(crate) fn check_open_unit(what: &'static str, value: f64) -> Result<()> {
    check_parameter(what, value, value > 0.0 && value < 1.0, "in (0, 1)")
}

/// Checks an error rate (alpha or beta): in the open interval (0, 0.5).
pub(crate) fn check_error_rate(what: &'static str, value: f64) -> Result<()> {
    check_parameter(what, value, value > 0.0 && value < 0.5, "in (0, 0.5)")
}

/// Checks the two response rates of a phase II design: both in (0, 1), p1 > p0.
pub(crate) fn check_rates(p0: f64, p1: f64) -> Result<()> {
    check_open_unit("p0", p0)?;
    check_open_unit("p1", p1)?;
    check_parameter("p1", p1, p1 > p0, "greater than p0")
}

/// What both phase II searches (Simon's two-stage, A'Hern's single stage)
/// are given: the response rates under H0 and H1, the error rates, the
/// largest total size and the time budget.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SearchInputs {
    pub(crate) p0: f64,
    pub(crate) p1: f64,
    pub(crate) alpha: f64,
    pub(crate) beta: f64,
    pub(crate) nmax: u64,
    pub(crate) time_limit: Duration,
}

impl SearchInputs {
    /// Checked rates, alpha 0.05, beta 0.20 (the defaults of both searches).
    pub(crate) fn new(p0: f64, p1: f64, nmax: u64, time_limit: Duration) -> Result<Self> {
        check_rates(p0, p1)?;
        Ok(Self {
            p0,
            p1,
            alpha: 0.05,
            beta: 0.20,
            nmax,
            time_limit,
        })
    }

    /// Checks what the setters did not: the rates, alpha and beta in
    /// (0, 0.5), and `1 ≤ nmax ≤ max_nmax` (`constraint` says so).
    pub(crate) fn check(&self, max_nmax: u64, constraint: &'static str) -> Result<()> {
        check_rates(self.p0, self.p1)?;
        check_error_rate("alpha", self.alpha)?;
        check_error_rate("beta", self.beta)?;
        let nmax_ok = self.nmax != 0 && self.nmax <= max_nmax;
        check_parameter("nmax", self.nmax as f64, nmax_ok, constraint)
    }

    /// Checks the inputs ([`check`](Self::check)) and starts the clock of
    /// the search `what`, which counts its progress in `unit`.
    pub(crate) fn start(
        &self,
        max_nmax: u64,
        constraint: &'static str,
        what: &'static str,
        unit: &'static str,
    ) -> Result<SearchClock<'_>> {
        let start = Instant::now();
        self.check(max_nmax, constraint)?;
        Ok(SearchClock {
            inputs: self,
            start,
            what,
            unit,
        })
    }
}

/// The time budget of a running phase II search.
pub(crate) struct SearchClock<'a> {
    inputs: &'a SearchInputs,
    start: Instant,
    what: &'static str,
    unit: &'static str,
}

impl SearchClock<'_> {
    /// `Ok` while the time limit has not passed; after it, the error of a
    /// search that stopped after `reached` of the `nmax` sizes.
    pub(crate) fn check(&self, reached: u64) -> Result<()> {
        let inp = self.inputs;
        if self.start.elapsed() <= inp.time_limit {
            return Ok(());
        }
        Err(ErrorDetail::SearchStopped {
            what: self.what,
            limit_ms: inp.time_limit.as_millis().min(u64::MAX as u128) as u64,
            unit: self.unit,
            reached,
            target: inp.nmax,
        }
        .into())
    }
}

/// Writes the head of clinfun's `print.ph2simon` (the title line, the two
/// response rates and the two error rates), shared by both phase II designs.
pub(crate) fn write_phase2_head(
    f: &mut std::fmt::Formatter<'_>,
    title: &str,
    [p0, p1, alpha, beta]: [f64; 4],
) -> std::fmt::Result {
    writeln!(f)?;
    writeln!(f, " {title} ")?;
    writeln!(f)?;
    writeln!(f, "Unacceptable response rate:  {} ", format_number(p0, 7))?;
    writeln!(f, "Desirable response rate:  {} ", format_number(p1, 7))?;
    writeln!(
        f,
        "Error rates: alpha =  {} ; beta =  {} ",
        format_number(alpha, 7),
        format_number(beta, 7)
    )?;
    writeln!(f)
}

/// The binomial probabilities `P(X = x)`, `x = 0..=m`, for `X ~ Bin(m, p)`
/// (Loader's saddle-point densities, each to a few ulps).
pub(crate) fn binom_pmf(m: u64, p: f64) -> Vec<f64> {
    (0..=m)
        .map(|x| ln_dbinom(x as f64, m as f64, p).exp())
        .collect()
}

/// Upper tails `P(X > k)` for `k = 0..=m` (index k), each summed directly
/// from the top so that small tails keep their relative precision.
pub(crate) fn upper_tails(pmf: &[f64]) -> Vec<f64> {
    let mut tails = vec![0.0; pmf.len()];
    let mut acc = 0.0;
    for k in (0..pmf.len()).rev() {
        tails[k] = acc;
        acc += pmf[k];
    }
    tails
}

/// Lower tails `P(X ≤ k)` for `k = 0..=m`, summed from the bottom.
pub(crate) fn lower_tails(pmf: &[f64]) -> Vec<f64> {
    let mut tails = Vec::with_capacity(pmf.len());
    let mut acc = 0.0;
    for &p in pmf {
        acc += p;
        tails.push(acc);
    }
    tails
}

/// Writes one line per `(label, value)`: the label carries its own padding,
/// so each line is exactly the text the reference software prints.
pub(crate) fn write_labelled(
    f: &mut std::fmt::Formatter<'_>,
    lines: &[(&str, String)],
) -> std::fmt::Result {
    for (label, value) in lines {
        writeln!(f, "{label}{value}")?;
    }
    Ok(())
}

/// Lays out a table like R's `print` of a matrix with row names: row names
/// left-aligned, each column right-aligned to its widest entry.
pub(crate) fn write_table(
    f: &mut std::fmt::Formatter<'_>,
    header: &[&str],
    rows: &[(String, Vec<String>)],
) -> std::fmt::Result {
    let name_width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let widths: Vec<usize> = header
        .iter()
        .enumerate()
        .map(|(j, h)| {
            rows.iter()
                .map(|r| r.1[j].len())
                .chain(std::iter::once(h.len()))
                .max()
                .expect("the header is never empty")
        })
        .collect();
    write!(f, "{:name_width$}", "")?;
    for (h, w) in header.iter().zip(&widths) {
        write!(f, " {h:>w$}")?;
    }
    writeln!(f)?;
    for (name, cells) in rows {
        write!(f, "{name:name_width$}")?;
        for (c, w) in cells.iter().zip(&widths) {
            write!(f, " {c:>w$}")?;
        }
        writeln!(f)?;
    }
    Ok(())
}
