//! The numbers-at-risk table, as data.

use crate::ErrorDetail;
use std::fmt;

use crate::{KaplanMeierFit, Result};

/// One cell group of a [`RiskTable`]: a curve at one time.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RiskTableRow {
    time: f64,
    group: String,
    n_risk: f64,
    events: f64,
    censored: f64,
}

impl RiskTableRow {
    /// The time, in the fit's unit.
    pub fn time(&self) -> f64 {
        self.time
    }

    /// The curve's name ([`SurvivalCurve::name`](crate::SurvivalCurve::name)).
    pub fn group(&self) -> &str {
        &self.group
    }

    /// Number (or weight) at risk at the time: R's `summary(fit, times =
    /// )$n.risk`, the subjects still under observation just before it.
    pub fn n_risk(&self) -> f64 {
        self.n_risk
    }

    /// Events in `[0, time]`, cumulative (the KMunicate "Events" row).
    pub fn events(&self) -> f64 {
        self.events
    }

    /// Censorings in `[0, time]`, cumulative (the KMunicate "Censored" row).
    pub fn censored(&self) -> f64 {
        self.censored
    }
}

/// The numbers at risk, cumulative events and cumulative censorings of every
/// curve of a fit at given times: the table printed under a Kaplan-Meier
/// figure, as data for users who lay figures out elsewhere.
///
/// # Method
/// For each curve and time `t`: the number at risk of the first row with
/// time ≥ `t` (0 after the last row); events and censorings summed over the
/// rows with time ≤ `t`. These are [`SurvivalCurve::survival_at`]'s counts,
/// with its per-interval events and censorings added up.
///
/// [`SurvivalCurve::survival_at`]: crate::SurvivalCurve::survival_at
///
/// # Conventions
/// The number at risk is R's `summary(fit, times = times, extend =
/// TRUE)$n.risk` (survminer's `ggsurvplot(risk.table = TRUE)` and
/// lifelines' `add_at_risk_counts` show the same counts at the tick times);
/// R's `n.event` and `n.censor` are the differences between consecutive
/// cumulative counts here. Rows are curve-major, times ascending.
///
/// # Errors
/// [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) for no times, [`ErrorDetail::NonFinite`](crate::ErrorDetail::NonFinite) or
/// [`ErrorDetail::Negative`](crate::ErrorDetail::Negative) for a bad time.
///
/// # Example
/// ```
/// use survkit::{datasets::lung, KaplanMeier, RiskTable, SurvivalData};
/// let data = SurvivalData::builder(&lung::TIME[..], lung::event()).groups(&lung::SEX).build()?;
/// let fit = KaplanMeier::new().fit(&data)?;
/// let table = RiskTable::new(&fit, &[0.0, 200.0, 400.0])?;
/// // R: summary(survfit(Surv(time, status) ~ sex, lung), times = c(0, 200, 400))$n.risk
/// let n: Vec<f64> = table.rows().iter().map(|r| r.n_risk()).collect();
/// assert_eq!(n, [138.0, 78.0, 31.0, 90.0, 66.0, 26.0]);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Morris, T. P. et al. (2019). Proposals on Kaplan-Meier plots in medical
/// research and a survey of stakeholder views: KMunicate. *BMJ Open* 9,
/// e030215. doi:10.1136/bmjopen-2019-030215
#[derive(Debug, Clone, PartialEq)]
#[must_use]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RiskTable {
    times: Vec<f64>,
    groups: Vec<String>,
    rows: Vec<RiskTableRow>,
}

impl RiskTable {
    /// The table of every curve of `fit` at `times` (in the fit's unit).
    ///
    /// # Errors
    /// See the type's docs.
    pub fn new(fit: &KaplanMeierFit, times: &[f64]) -> Result<Self> {
        if times.is_empty() {
            return Err(ErrorDetail::EmptyInput { what: "times" }.into());
        }
        for (index, &value) in times.iter().enumerate() {
            if !value.is_finite() {
                return Err(ErrorDetail::NonFinite {
                    what: "times",
                    index,
                    value,
                }
                .into());
            }
            if value < 0.0 {
                return Err(ErrorDetail::Negative {
                    what: "times",
                    index,
                    value,
                }
                .into());
            }
        }
        let mut sorted = times.to_vec();
        sorted.sort_unstable_by(f64::total_cmp);
        let mut rows = Vec::with_capacity(sorted.len() * fit.curves().len());
        for curve in fit.curves() {
            let (mut events, mut censored) = (0.0, 0.0);
            for at in curve.survival_at(&sorted)? {
                events += at.n_event();
                censored += at.n_censor();
                rows.push(RiskTableRow {
                    time: at.time(),
                    group: curve.name().to_owned(),
                    n_risk: at.n_risk(),
                    events,
                    censored,
                });
            }
        }
        Ok(RiskTable {
            times: sorted,
            groups: fit.curves().iter().map(|c| c.name().to_owned()).collect(),
            rows,
        })
    }

    /// The table of curves given by their rows (the hook for figures that
    /// are not a [`KaplanMeierFit`]): at each of the sorted, valid `times`,
    /// the number at risk of the first row at or after it (0 after the
    /// last row), events and censorings of the rows up to it.
    pub(crate) fn from_rows(curves: &[super::draw::CurveInput], times: &[f64]) -> Self {
        let mut rows = Vec::with_capacity(times.len() * curves.len());
        for c in curves {
            for &t in times {
                let next = c.time.partition_point(|&x| x < t);
                let upto = c.time.partition_point(|&x| x <= t);
                rows.push(RiskTableRow {
                    time: t,
                    group: c.name.clone(),
                    // Past the last row nobody is at risk (R's risk tables
                    // print 0 there): a value, not a missing one.
                    n_risk: if next < c.n_risk.len() {
                        c.n_risk[next]
                    } else {
                        0.0
                    },
                    events: c.n_event[..upto].iter().sum(),
                    censored: c.n_censor[..upto].iter().sum(),
                });
            }
        }
        RiskTable {
            times: times.to_vec(),
            groups: curves.iter().map(|c| c.name.clone()).collect(),
            rows,
        }
    }

    /// The times, ascending.
    pub fn times(&self) -> &[f64] {
        &self.times
    }

    /// The curves' names, in the fit's order.
    pub fn groups(&self) -> &[String] {
        &self.groups
    }

    /// Every (curve, time) row, curve-major.
    pub fn rows(&self) -> &[RiskTableRow] {
        &self.rows
    }

    /// The rows of the `i`-th curve (empty past the last curve).
    pub fn group_rows(&self, i: usize) -> &[RiskTableRow] {
        let n = self.times.len();
        self.rows.get(i * n..(i + 1) * n).unwrap_or(&[])
    }
}

/// A count as printed: whole numbers without decimals, weights with one.
pub(crate) fn format_count(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// Prints the table like survminer's risk table: one line of times, then
/// one line of numbers at risk per curve (events and censorings follow in
/// parentheses, KMunicate's "at risk (events, censored)").
impl fmt::Display for RiskTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name_w = self
            .groups
            .iter()
            .map(|g| g.chars().count())
            .max()
            .unwrap_or(0)
            .max(4);
        let cells: Vec<String> = self
            .rows
            .iter()
            .map(|r| {
                format!(
                    "{} ({}, {})",
                    format_count(r.n_risk),
                    format_count(r.events),
                    format_count(r.censored)
                )
            })
            .collect();
        let times: Vec<String> = self.times.iter().map(|t| format!("{t}")).collect();
        let w = cells
            .iter()
            .chain(&times)
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(1);
        writeln!(f, "Number at risk (events, censored)")?;
        write!(f, "{:name_w$}", "time")?;
        for t in &times {
            write!(f, "  {t:>w$}")?;
        }
        writeln!(f)?;
        for (i, g) in self.groups.iter().enumerate() {
            write!(f, "{g:name_w$}")?;
            for c in cells
                .iter()
                .skip(i * self.times.len())
                .take(self.times.len())
            {
                write!(f, "  {c:>w$}")?;
            }
            writeln!(f)?;
        }
        Ok(())
    }
}
