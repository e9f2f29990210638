//! Cumulative incidence figures through the plot module (feature `plot`).

use crate::competing::{CumulativeIncidenceFit, GrayTest};
use crate::error::Result;
use crate::plot::{draw_curves, CurveInput, KaplanMeierFigure, KaplanMeierPlot, RiskTable, YScale};
use crate::ErrorDetail;

impl KaplanMeierPlot {
    /// Draws the cumulative incidence of cause `cause`, one curve per group,
    /// with the numbers at risk and, when `test` is given, Gray's p-value.
    ///
    /// # Method
    /// As [`draw`](Self::draw), with the y axis forced to
    /// [`YScale::CumulativeIncidence`] and the curves the Aalen-Johansen
    /// estimates `F(t)` (not `1 − KM`); bands (when on) are the fit's
    /// pointwise intervals; median lines are off. The numbers at risk are
    /// the group's subjects still free of any event and uncensored just
    /// before each tick, as for a Kaplan-Meier figure.
    ///
    /// # Conventions
    /// As R's `plot(survfit(Surv(time, factor(cause)) ~ group))` for one
    /// state, or `plot(cuminc(...))` for one cause; the p-value is cmprsk's
    /// Gray test in journal style ("Gray's test P = .27").
    ///
    /// # Errors
    /// [`ErrorDetail::IntegerOutOfRange`](crate::ErrorDetail::IntegerOutOfRange) when `cause` is not one of the fit's
    /// causes; otherwise as [`draw`](Self::draw).
    ///
    /// # Example
    /// ```
    /// use survkit::{datasets::mgus2, CompetingRisksData, CumulativeIncidence, KaplanMeierPlot};
    /// let data = CompetingRisksData::builder(mgus2::competing_time(), mgus2::competing_cause())
    ///     .group_levels(&mgus2::SEX, &mgus2::SEX_LEVELS)
    ///     .build()?;
    /// let fit = CumulativeIncidence::new().fit(&data)?;
    /// let figure = KaplanMeierPlot::new()
    ///     .time_unit("years", 12.0)
    ///     .labels(&["Women", "Men"])
    ///     .draw_incidence(&fit, 2, fit.gray_test(2))?;
    /// assert!(figure.svg().contains("Cumulative incidence"));
    /// assert!(figure.svg().contains("Gray&apos;s test P &lt; .001"));
    /// assert_eq!(figure.risk_table().rows()[0].n_risk(), 631.0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # References
    /// - Pintilie, M. (2006). *Competing Risks: A Practical Perspective*.
    ///   Wiley. doi:10.1002/9780470870709
    pub fn draw_incidence(
        &self,
        fit: &CumulativeIncidenceFit,
        cause: u32,
        test: Option<&GrayTest>,
    ) -> Result<KaplanMeierFigure> {
        if !fit.causes().contains(&cause) {
            return Err(ErrorDetail::IntegerOutOfRange {
                what: "cause",
                constraint: "one of the fit's causes",
                value: u64::from(cause),
            }
            .into());
        }
        let one_minus = |v: &[f64]| v.iter().map(|&x| 1.0 - x).collect::<Vec<f64>>();
        let counts = |v: &[u64]| v.iter().map(|&x| x as f64).collect::<Vec<f64>>();
        let curves: Vec<CurveInput> = fit
            .curves()
            .iter()
            .filter(|c| c.cause() == cause)
            .map(|c| {
                let any_cause: Vec<f64> = fit
                    .curves()
                    .iter()
                    .filter(|o| o.group() == c.group())
                    .fold(vec![0.0; c.time().len()], |mut acc, o| {
                        for (a, &d) in acc.iter_mut().zip(o.n_event()) {
                            *a += d as f64;
                        }
                        acc
                    });
                CurveInput {
                    name: c.group().to_owned(),
                    time: c.time().to_vec(),
                    surv: one_minus(c.estimate()),
                    lower: one_minus(c.upper()),
                    upper: one_minus(c.lower()),
                    n_risk: counts(c.n_risk()),
                    n_event: any_cause,
                    n_censor: counts(c.n_censor()),
                    median: None,
                }
            })
            .collect();
        let o = self
            .clone()
            .y_scale(YScale::CumulativeIncidence)
            .median_lines(false);
        draw_curves(
            &o,
            &curves,
            fit.max_time(),
            test.map(|t| ("Gray's test", t.p_value())),
            "Cumulative incidence figure",
            &|times| Ok(RiskTable::from_rows(&curves, times)),
        )
    }
}
