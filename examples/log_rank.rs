//! Compare survival between groups of the NCCTG lung-cancer study, printed
//! like R's `print(survdiff(Surv(time, status) ~ sex, data = lung))`.
//!
//! Run with `cargo run --example log_rank`.

use survkit::datasets::{lung, veteran};
use survkit::{
    log_rank, ConfidenceLevel, HazardRatioEstimator, LogRank, LogRankResult, LogRankWeights,
    SurvivalData,
};

/// R's `format(signif(x, digits))` for the table columns.
fn signif(x: f64, digits: i32) -> String {
    if x == 0.0 || !x.is_finite() || x.fract() == 0.0 {
        return format!("{x}");
    }
    let mag = x.abs().log10().floor() as i32;
    let decimals = (digits - 1 - mag).max(0) as usize;
    format!("{x:.decimals$}")
}

/// Prints the table of R's `print.survdiff`.
fn print_survdiff(title: &str, var: &str, res: &LogRankResult) {
    println!("{title}\n");
    println!(
        "{:>14} {:>4} {:>9} {:>9} {:>10} {:>10}",
        "", "N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"
    );
    for (g, name) in res.group_names().iter().enumerate() {
        let (o, e) = (res.observed()[g], res.expected()[g]);
        let v = res.variance(g, g).unwrap_or(f64::NAN);
        println!(
            "{:>14} {:>4} {:>9} {:>9} {:>10} {:>10}",
            format!("{var}={name}"),
            res.n()[g],
            signif(o, 3),
            signif(e, 3),
            signif((o - e).powi(2) / e, 3),
            signif((o - e).powi(2) / v, 3)
        );
    }
    println!(
        "\n Chisq= {:.1}  on {} degrees of freedom, p= {}\n",
        res.statistic(),
        res.df(),
        signif(res.p_value(), 1)
    );
}

fn main() -> Result<(), survkit::Error> {
    let dead: Vec<bool> = lung::STATUS.iter().map(|&s| s == 2).collect();

    // Two groups with R's defaults.
    let by_sex = SurvivalData::builder(&lung::TIME[..], dead.clone())
        .groups(&lung::SEX)
        .build()?;
    let res = log_rank(&by_sex)?;
    print_survdiff(
        "survdiff(Surv(time, status) ~ sex, data = lung)",
        "sex",
        &res,
    );
    for est in [
        HazardRatioEstimator::ObservedOverExpected,
        HazardRatioEstimator::Peto,
    ] {
        let hr = res.hazard_ratio(est, ConfidenceLevel::NINETY_FIVE)?;
        println!(
            "hazard ratio sex=2 vs sex=1 ({est:?}): {:.3} (95% CI {:.3} to {:.3})",
            hr.estimate(),
            hr.confidence_interval().lower(),
            hr.confidence_interval().upper()
        );
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
        "sex",
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
    print_survdiff(
        "survdiff(Surv(time, status) ~ ph.ecog, data = lung)",
        "ph.ecog",
        &res,
    );
    let trend = res.trend(&[0.0, 1.0, 2.0, 3.0])?;
    println!(
        "test for trend (scores 0, 1, 2, 3): chisq = {:.2} on 1 df, p = {:.2e}\n",
        trend.statistic(),
        trend.p_value()
    );

    // Pairwise comparisons of the veteran cell types with adjusted p-values.
    let cells = SurvivalData::builder(&veteran::TIME[..], veteran::event())
        .groups(&veteran::CELLTYPE)
        .build()?;
    let pairs = LogRank::default().pairwise(&cells)?;
    let names = log_rank(&cells)?.group_names().to_vec();
    println!("pairwise log-rank tests, veteran cell types");
    println!(
        "{:>22} {:>8} {:>10} {:>10} {:>10} {:>10}",
        "", "chisq", "p", "Bonferroni", "Holm", "BH"
    );
    for c in pairs.comparisons() {
        println!(
            "{:>22} {:>8.3} {:>10.3e} {:>10.3e} {:>10.3e} {:>10.3e}",
            format!("{} vs {}", names[c.first()], names[c.second()]),
            c.statistic(),
            c.p_value(),
            c.p_bonferroni(),
            c.p_holm(),
            c.p_benjamini_hochberg()
        );
    }
    Ok(())
}
