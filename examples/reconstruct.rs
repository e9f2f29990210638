//! Re-analysing a published figure: individual data reconstructed from a
//! digitised two-arm Kaplan-Meier curve (Guyot et al. 2012), then the
//! log-rank test, medians, hazard ratio and restricted mean, beside the
//! values from the original data.
//!
//! The digitised curve (`examples/data/lung_sex_digitised.csv`, in
//! WebPlotDigitizer's CSV layout) and the numbers at risk under the figure
//! (`examples/data/lung_sex_at_risk.csv`) were made from R's `lung` data by
//! sex with `examples/data/make_lung_sex_digitised.R`: every corner of each
//! step, clicked with up to 0.2% noise on each axis.
//!
//! Run with `cargo run --example reconstruct`.

use std::fmt::Write;

use survkit::datasets::lung;
use survkit::{
    combine_arms, log_rank, read_at_risk_csv, read_webplotdigitizer_csv, ConfidenceLevel,
    HazardRatioEstimator, KaplanMeier, Reconstruct, Reconstruction, SurvivalData,
};

const DIGITISED: &str = include_str!("data/lung_sex_digitised.csv");
const AT_RISK: &str = include_str!("data/lung_sex_at_risk.csv");
/// The deaths per arm as a paper would report them (R: `table(lung$sex, lung$status)`).
const TOTAL_DEATHS: [(&str, u64); 2] = [("Male", 112), ("Female", 53)];

/// Restricted mean survival time horizon, days.
const TAU: f64 = 700.0;

/// The log-rank test, medians, hazard ratio and RMST of two-arm data.
fn summary(data: &SurvivalData) -> Result<[f64; 7], survkit::Error> {
    let test = log_rank(data)?;
    let hr = test.hazard_ratio(HazardRatioEstimator::Peto, ConfidenceLevel::NINETY_FIVE)?;
    let fit = KaplanMeier::new().fit(data)?;
    let median = |i: usize| fit.curves()[i].median().estimate().unwrap_or(f64::NAN);
    let rmst = |i: usize| fit.curves()[i].restricted_mean(TAU).map(|r| r.estimate());
    Ok([
        test.statistic(),
        test.p_value(),
        hr.estimate(),
        median(0),
        median(1),
        rmst(0)?,
        rmst(1)?,
    ])
}

/// The report printed by `main`.
pub fn report() -> Result<String, Box<dyn std::error::Error>> {
    let mut out = String::new();
    let arms = read_webplotdigitizer_csv(DIGITISED)?;
    let tables = read_at_risk_csv(AT_RISK)?;
    let mut recs: Vec<(String, Reconstruction)> = Vec::new();
    for arm in &arms {
        let table = tables
            .iter()
            .find(|(name, _)| name == arm.name())
            .ok_or("no numbers at risk for an arm")?;
        let total = TOTAL_DEATHS
            .iter()
            .find(|(name, _)| *name == arm.name())
            .ok_or("no total for an arm")?
            .1;
        let rec = Reconstruct::new()
            .total_events(total)
            .fit(arm.points(), &table.1)?;
        writeln!(out, "== {} ==\n{rec}\n", arm.name())?;
        recs.push((arm.name().to_string(), rec));
    }
    let named: Vec<(&str, &Reconstruction)> = recs.iter().map(|(n, r)| (n.as_str(), r)).collect();
    let rebuilt = summary(&combine_arms(&named)?)?;
    // The original data, male (sex = 1) first as in the figure.
    let original = SurvivalData::builder(&lung::TIME[..], lung::event())
        .group_levels(&lung::SEX, &[1, 2])
        .build()?;
    let original = summary(&original)?;
    writeln!(
        out,
        "Female vs male (reference)      original  reconstructed"
    )?;
    let rows = [
        "log-rank chi-square (1 df)",
        "log-rank p",
        "hazard ratio (Peto)",
        "median, male (days)",
        "median, female (days)",
        "RMST to 700 d, male (days)",
        "RMST to 700 d, female (days)",
    ];
    for ((label, a), b) in rows.iter().zip(original).zip(rebuilt) {
        writeln!(out, "{label:<30} {a:>9.4} {b:>14.4}")?;
    }
    Ok(out)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", report()?);
    Ok(())
}
