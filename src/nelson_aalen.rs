//! Nelson-Aalen estimation of the cumulative hazard.

use crate::data::SurvivalData;
use crate::error::Result;
use crate::event_table::{EventTable, TimeFix};
use crate::kaplan_meier::{KaplanMeier, SurvivalCurve};

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
/// As [`KaplanMeier::fit`].
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
    nelson_aalen_with(data, TimeFix::Tolerance)
}

/// [`nelson_aalen`] with the near-tie rule of [`KaplanMeier::time_fix`]:
/// [`TimeFix::Exact`] is R's `timefix = FALSE`.
///
/// # Method
/// The rows and counts of the Kaplan-Meier curves of the same data
/// ([`KaplanMeier::fit`], with its fast paths), and the cumulative hazard
/// of each curve computed by [`SurvivalCurve::cumulative_hazard`] and
/// [`SurvivalCurve::std_err_cumulative_hazard`]: one computation of the
/// same numbers.
///
/// # Conventions
/// R's `survfit(..., timefix = FALSE)$cumhaz` for [`TimeFix::Exact`].
///
/// # Errors
/// As [`KaplanMeier::fit`].
///
/// # Example
/// ```
/// use survkit::{nelson_aalen_with, SurvivalData, TimeFix};
/// // 1 and 1 + 1e-12 are one time under R's default rule, two without it.
/// let data = SurvivalData::new(vec![1.0, 1.0 + 1e-12, 2.0], vec![true, true, false])?;
/// assert_eq!(nelson_aalen_with(&data, TimeFix::Tolerance)?[0].time().len(), 2);
/// assert_eq!(nelson_aalen_with(&data, TimeFix::Exact)?[0].time().len(), 3);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Aalen, O. (1978). Nonparametric inference for a family of counting
/// processes. *Annals of Statistics* 6, 701–726. doi:10.1214/aos/1176344076
pub fn nelson_aalen_with(data: &SurvivalData, time_fix: TimeFix) -> Result<Vec<CumulativeHazard>> {
    let fit = KaplanMeier::new().time_fix(time_fix).fit(data)?;
    Ok(fit
        .curves()
        .iter()
        .map(CumulativeHazard::of_curve)
        .collect())
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
    let fit = KaplanMeier::new().fit_table(table)?;
    Ok(fit
        .curves()
        .iter()
        .map(CumulativeHazard::of_curve)
        .collect())
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
    /// The cumulative hazard of a Kaplan-Meier curve (its rows, counts and
    /// [`SurvivalCurve::cumulative_hazard`]).
    fn of_curve(curve: &SurvivalCurve) -> CumulativeHazard {
        let (cumhaz, std_err) = curve.cumulative_hazard_columns();
        CumulativeHazard {
            name: curve.name().to_owned(),
            time: curve.time().to_vec(),
            n_risk: curve.n_risk().to_vec(),
            n_event: curve.n_event().to_vec(),
            cumhaz,
            std_err,
        }
    }

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
