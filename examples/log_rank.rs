//! Compare survival between groups of the NCCTG lung-cancer study, printed
//! like R's `print(survdiff(Surv(time, status) ~ sex, data = lung))`.
//!
//! Run with `cargo run --example log_rank`.

use survkit::datasets::{lung, veteran};
use survkit::{
    log_rank, ConfidenceLevel, HazardRatioEstimator, LogRank, LogRankResult, LogRankWeights,
    SurvivalData,
};

/// Prints a test as R's `print.survdiff`, under the call that makes it in R.
fn print_survdiff(call: &str, res: &LogRankResult) {
    println!("{call}\n{res}");
}

fn main() -> Result<(), survkit::Error> {
    let dead: Vec<bool> = lung::STATUS.iter().map(|&s| s == 2).collect();

    // Two groups with R's defaults.
    let by_sex = SurvivalData::builder(&lung::TIME[..], dead.clone())
        .groups(&lung::SEX)
        .build()?;
    let res = log_rank(&by_sex)?;
    print_survdiff("survdiff(Surv(time, status) ~ sex, data = lung)", &res);
    for est in [
        HazardRatioEstimator::ObservedOverExpected,
        HazardRatioEstimator::Peto,
    ] {
        let hr = res.hazard_ratio(est, ConfidenceLevel::NINETY_FIVE)?;
        println!("hazard ratio sex=2 vs sex=1 ({est:?}): {hr}");
    }
    println!();

    // Peto & Peto weighting (R's rho = 1).
    let peto = LogRank::default()
        .weights(LogRankWeights::FlemingHarrington {
            rho: 1.0,
            gamma: 0.0,
        })
        .test(&by_sex)?;
    print_survdiff(
        "survdiff(Surv(time, status) ~ sex, data = lung, rho = 1)",
        &peto,
    );

    // Four ordered groups (ECOG performance score, NA rows dropped) and the trend test.
    let keep: Vec<usize> = (0..lung::TIME.len())
        .filter(|&i| lung::PH_ECOG[i].is_some())
        .collect();
    let ecog: Vec<u32> = keep
        .iter()
        .map(|&i| lung::PH_ECOG[i].unwrap_or(0.0) as u32)
        .collect();
    let data = SurvivalData::builder(
        keep.iter().map(|&i| lung::TIME[i]).collect::<Vec<_>>(),
        keep.iter().map(|&i| dead[i]).collect::<Vec<_>>(),
    )
    .groups(&ecog)
    .build()?;
    let res = log_rank(&data)?;
    print_survdiff("survdiff(Surv(time, status) ~ ph.ecog, data = lung)", &res);
    let trend = res.trend(&[0.0, 1.0, 2.0, 3.0])?;
    println!("scores 0, 1, 2, 3:\n{trend}");

    // Pairwise comparisons of the veteran cell types with adjusted p-values.
    let cells = SurvivalData::builder(&veteran::TIME[..], veteran::event())
        .groups(&veteran::CELLTYPE)
        .build()?;
    let pairs = LogRank::default().pairwise(&cells)?;
    // R: pairwise_survdiff(Surv(time, status) ~ celltype, data = veteran) (survminer),
    // Holm-adjusted p-values as print.pairwise.htest shows them
    println!("pairwise log-rank tests, veteran cell types\n{pairs}");
    Ok(())
}
