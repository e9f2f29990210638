//! Nelson-Aalen estimation of the cumulative hazard.

use crate::data::SurvivalData;
use crate::error::Result;
use crate::event_table::EventTable;
use crate::ErrorDetail;

/// Nelson-Aalen cumulative hazard of every group (and stratum) of the data,
/// with near-tied times merged as R does ([`crate::TimeFix::Tolerance`]).
///
/// # Method
/// At each distinct exit time `tᵢ` of a curve with `nᵢ` at risk and `dᵢ`
/// events (sums of weights when weighted):
///
/// ```text
/// Λ(t)      = Σ_{tᵢ ≤ t} dᵢ / nᵢ
/// se Λ(t)   = sqrt( Σ_{tᵢ ≤ t} dᵢ / nᵢ² )
/// ```
///
/// # Conventions
/// R survival's `survfit(..., ctype = 1)$cumhaz` and `$std.chaz` (the
/// default `ctype`), with the same rows as the Kaplan-Meier curve. Tied
/// events count as one jump `d/n` (R's `ctype = 2`, the Fleming-Harrington
/// correction, is not offered). lifelines' `NelsonAalenFitter` uses a
/// different variance by default.
///
/// # Errors
/// As [`EventTable::from_data`] and [`nelson_aalen_table`].
///
/// # Example
/// ```
/// use survkit::{datasets::aml, nelson_aalen, SurvivalData};
/// let data = SurvivalData::new(&aml::TIME[..], aml::event())?;
/// let na = nelson_aalen(&data)?;
/// // Two events among 23 at week 5.
/// assert!((na[0].cumulative_hazard()[0] - 2.0 / 23.0).abs() < 1e-15);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Nelson, W. (1972). Theory and applications of hazard plotting for
///   censored failure data. *Technometrics* 14, 945–966.
///   doi:10.1080/00401706.1972.10488991
/// - Aalen, O. (1978). Nonparametric inference for a family of counting
///   processes. *Annals of Statistics* 6, 701–726. doi:10.1214/aos/1176344076
pub fn nelson_aalen(data: &SurvivalData) -> Result<Vec<CumulativeHazard>> {
    nelson_aalen_table(&EventTable::from_data(data)?)
}

/// Nelson-Aalen cumulative hazard of every curve of an event table.
///
/// # Method
/// As [`nelson_aalen`], on the table as given (no near-tie merging beyond
/// what the table already did).
///
/// # Conventions
/// Curves in the order of [`crate::KaplanMeier`]: group-major, then stratum.
///
/// # Errors
/// [`ErrorDetail::EmptyGroup`](crate::ErrorDetail::EmptyGroup) when an unstratified table has a group without any
/// exit, [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) when no curve has a row.
///
/// # Example
/// ```
/// use survkit::{nelson_aalen_table, CountRow, EventTable};
/// let rows = [CountRow::new(1.0, 0, 1.0, 1.0), CountRow::new(6.0, 0, 2.0, 0.0)];
/// let table = EventTable::from_counts(&["all"], &["all"], &rows)?;
/// let na = nelson_aalen_table(&table)?;
/// assert_eq!(na[0].cumulative_hazard(), [1.0 / 4.0, 1.0 / 4.0 + 2.0 / 2.0]);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Aalen, O. (1978). Nonparametric inference for a family of counting
/// processes. *Annals of Statistics* 6, 701–726. doi:10.1214/aos/1176344076
pub fn nelson_aalen_table(table: &EventTable) -> Result<Vec<CumulativeHazard>> {
    let k = table.n_groups();
    let m = table.n_strata();
    let mut out = Vec::with_capacity(k * m);
    for g in 0..k {
        for stratum in table.strata() {
            let Some(counts) = stratum.group(g) else {
                continue;
            };
            let group = table.group_names()[g].clone(); // g < n_groups()
            let name = if m == 1 {
                group.clone()
            } else if k == 1 {
                stratum.name().to_owned()
            } else {
                format!("{group}, {}", stratum.name())
            };
            let mut c = CumulativeHazard {
                name,
                time: Vec::new(),
                n_risk: Vec::new(),
                n_event: Vec::new(),
                cumhaz: Vec::new(),
                std_err: Vec::new(),
            };
            let (mut h, mut v) = (0.0, 0.0);
            for (((&t, &n), &d), &ce) in counts
                .time()
                .iter()
                .zip(counts.n_risk())
                .zip(counts.n_event())
                .zip(counts.n_censor())
            {
                if d + ce <= 0.0 {
                    continue;
                }
                if d > 0.0 {
                    h += d / n;
                    v += d / (n * n);
                }
                c.time.push(t);
                c.n_risk.push(n);
                c.n_event.push(d);
                c.cumhaz.push(h);
                c.std_err.push(v.sqrt());
            }
            if c.time.is_empty() {
                if m == 1 {
                    return Err(ErrorDetail::EmptyGroup {
                        what: "group",
                        level: group,
                    }
                    .into());
                }
                continue;
            }
            out.push(c);
        }
    }
    if out.is_empty() {
        return Err(ErrorDetail::EmptyInput {
            what: "event table",
        }
        .into());
    }
    Ok(out)
}

/// A Nelson-Aalen cumulative hazard curve with its standard error.
///
/// # Method
/// `Λ(t) = Σ d/n`, `se = sqrt(Σ d/n²)`; see [`nelson_aalen`].
///
/// # Conventions
/// R's `survfit(...)$cumhaz` and `$std.chaz` (`ctype = 1`).
///
/// # Errors
/// None: a plain value.
///
/// # Example
/// ```
/// use survkit::{nelson_aalen, SurvivalData};
/// let na = nelson_aalen(&SurvivalData::new(vec![1.0, 2.0, 2.0], vec![true, true, false])?)?;
/// assert_eq!(na[0].cumulative_hazard(), [1.0 / 3.0, 1.0 / 3.0 + 1.0 / 2.0]);
/// assert_eq!(na[0].std_err()[0], (1.0_f64 / 9.0).sqrt());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Nelson, W. (1972). Theory and applications of hazard plotting for
/// censored failure data. *Technometrics* 14, 945–966.
/// doi:10.1080/00401706.1972.10488991
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[must_use]
pub struct CumulativeHazard {
    name: String,
    time: Vec<f64>,
    n_risk: Vec<f64>,
    n_event: Vec<f64>,
    cumhaz: Vec<f64>,
    std_err: Vec<f64>,
}

impl CumulativeHazard {
    /// The curve's name (group, stratum, or `"group, stratum"`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Row times: the distinct exit times of the curve.
    pub fn time(&self) -> &[f64] {
        &self.time
    }

    /// Number (or weight) at risk just before each time.
    pub fn n_risk(&self) -> &[f64] {
        &self.n_risk
    }

    /// Number (or weight) of events at each time.
    pub fn n_event(&self) -> &[f64] {
        &self.n_event
    }

    /// `Λ(t)` after each time (R's `cumhaz`).
    pub fn cumulative_hazard(&self) -> &[f64] {
        &self.cumhaz
    }

    /// Standard error of `Λ(t)` (R's `std.chaz`).
    pub fn std_err(&self) -> &[f64] {
        &self.std_err
    }
}
