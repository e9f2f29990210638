//! When hazards are not proportional, or survival is compared by something
//! that happens during follow-up: restricted mean survival time between arms
//! (survRM2's `rmst2`), a landmark log-rank test and conditional survival.
//!
//! Run with `cargo run --example rmst_landmark`. Every printed number has its
//! R call beside it; the asserts hold survkit to R's digits.

use survkit::{datasets, KaplanMeier, LogRank, RmstComparison, SurvivalData};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // 1. RMST up to 10 years between the arms of the pbc trial, as survRM2's
    //    vignette: rmst2(pbc$time / 365.25, pbc$status, pbc$trt == 1, tau = 10)
    //    on the 312 randomised patients (published: difference -0.137,
    //    95% CI -0.939 to 0.665, p = 0.738).
    let pbc = &datasets::pbc::TIME;
    let years: Vec<f64> = pbc.iter().map(|t| t / 365.25).collect();
    let arm: Vec<u8> = datasets::pbc::TRT
        .iter()
        .map(|&t| u8::from(t == 1))
        .collect();
    let trial = SurvivalData::builder(years, datasets::pbc::event())
        .groups(&arm)
        .build()?;
    let rmst = RmstComparison::new().tau(10.0).compare(&trial)?;
    println!("{rmst}");
    let diff = rmst.difference().ok_or("two arms give a difference")?;
    let ci = diff.confidence_interval();
    assert!((diff.estimate() - -0.137).abs() < 5e-4);
    assert!((ci.lower() - -0.939).abs() < 5e-4 && (ci.upper() - 0.665).abs() < 5e-4);
    assert!((diff.p_value() - 0.738).abs() < 5e-4);

    // 2. A landmark analysis on lung: only patients alive and followed at
    //    day 180, with time measured from there (Anderson, Cain & Gelber
    //    1983), so that nothing that happened before day 180 decides a group.
    //    R: l <- subset(lung, time > 180); l$time <- l$time - 180
    //       survdiff(Surv(time, status) ~ sex, data = l)   # N 88 / 71, p = 0.111
    let lung = SurvivalData::builder(&datasets::lung::TIME[..], datasets::lung::event())
        .groups(&datasets::lung::SEX)
        .build()?;
    let after = lung.landmark(180.0)?;
    let test = LogRank::new().test(&after)?;
    println!("Landmark at day 180, log-rank by sex:\n{test}");
    assert_eq!(test.n(), [88.0, 71.0]);
    assert!((test.p_value() / 0.1111326219904 - 1.0).abs() < 1e-10);

    // 3. Conditional survival: of the patients alive at day 180, how many
    //    are alive a year later? S(545 | 180) = S(545) / S(180).
    //    R: s <- summary(survfit(Surv(time, status) ~ 1, lung), times = c(180, 545))
    //       s$surv[2] / s$surv[1]                            # 0.35397
    let all = SurvivalData::new(&datasets::lung::TIME[..], datasets::lung::event())?;
    let fit = KaplanMeier::new().fit(&all)?;
    let conditional = fit.curves()[0].conditional_survival(180.0, &[545.0])?;
    println!("Survival one year after day 180, given alive at day 180:");
    println!("{}", conditional[0]);
    assert!((conditional[0].survival() / 0.353969514494127 - 1.0).abs() < 1e-10);
    Ok(())
}
