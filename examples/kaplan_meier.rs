//! Kaplan-Meier tables as R's `summary(survfit(...))` prints them, medians
//! with confidence intervals, median follow-up, survival at given times and
//! the restricted mean, on the embedded aml and lung data sets.
//!
//! Run with `cargo run --example kaplan_meier`.
use survkit::{datasets, KaplanMeier, SurvivalData};

fn main() -> Result<(), survkit::Error> {
    // aml by maintenance group: survfit(Surv(time, status) ~ x, data = aml)
    let aml = SurvivalData::builder(&datasets::aml::TIME[..], datasets::aml::event())
        .groups(&datasets::aml::X)
        .build()?;
    let fit = KaplanMeier::default().fit(&aml)?;
    println!("Call: survfit(formula = Surv(time, status) ~ x, data = aml)\n");
    // R: summary(fit), one curve after the other
    for curve in fit.curves() {
        println!("{curve}");
    }
    // R: print(fit)
    println!("{fit}\n");

    // lung overall: median survival, median follow-up, survival at 1 year, RMST.
    let lung = SurvivalData::new(&datasets::lung::TIME[..], datasets::lung::event())?;
    let km = KaplanMeier::default();
    let fit = km.fit(&lung)?;
    let curve = &fit.curves()[0];
    println!("lung: median survival (95% CI) {} days", curve.median());
    let fu = &km.median_follow_up(&lung)?[0];
    println!("lung: median follow-up (reverse Kaplan-Meier, 95% CI) {fu} days");
    // R: summary(fit, times = c(180, 365, 730))
    println!("{}", fit.summary(&[180.0, 365.0, 730.0])?);
    // R: print(fit, rmean = 365)
    println!("lung: restricted mean {}", curve.restricted_mean(365.0)?);
    Ok(())
}
