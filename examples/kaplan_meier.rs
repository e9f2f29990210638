//! Kaplan-Meier tables as R's `summary(survfit(...))` prints them, medians
//! with confidence intervals, median follow-up, survival at given times and
//! the restricted mean, on the embedded aml and lung data sets.
//!
//! Run with `cargo run --example kaplan_meier`.
use survkit::{datasets, KaplanMeier, SurvivalCurve, SurvivalData};

/// Prints the event rows of a curve like `summary(survfit(...))`.
fn print_summary(curve: &SurvivalCurve) {
    println!("                {}", curve.name());
    println!(
        " time n.risk n.event survival std.err lower {0:.0}% CI upper {0:.0}% CI",
        curve.confidence_level().value() * 100.0
    );
    let se = curve.std_err_surv();
    let (lower, upper) = (curve.lower(), curve.upper());
    let (n_risk, n_event) = (curve.n_risk(), curve.n_event());
    for i in 0..curve.len() {
        if n_event[i] == 0.0 {
            continue; // summary() shows event times only
        }
        println!(
            "{:5} {:6} {:7} {:8.3} {:7.4} {:12.3} {:12.3}",
            curve.time()[i],
            n_risk[i],
            n_event[i],
            curve.survival()[i],
            se[i],
            lower[i],
            upper[i]
        );
    }
    println!();
}

fn fmt(x: Option<f64>) -> String {
    x.map_or_else(|| "NA".to_owned(), |v| format!("{v}"))
}

fn main() -> Result<(), survkit::Error> {
    // aml by maintenance group: survfit(Surv(time, status) ~ x, data = aml)
    let aml = SurvivalData::builder(&datasets::aml::TIME[..], datasets::aml::event())
        .groups(&datasets::aml::X)
        .build()?;
    let fit = KaplanMeier::default().fit(&aml)?;
    println!("Call: survfit(formula = Surv(time, status) ~ x, data = aml)\n");
    for curve in fit.curves() {
        print_summary(curve);
    }
    println!(
        "{:13} {:>7} {:>6} {:>6} {:>7} {:>7}",
        "", "n.start", "events", "median", "0.95LCL", "0.95UCL"
    );
    for curve in fit.curves() {
        let m = curve.median();
        let events: f64 = curve.n_event().iter().sum();
        println!(
            "{:13} {:>7} {:>6} {:>6} {:>7} {:>7}",
            curve.name(),
            curve.n_risk()[0],
            events,
            fmt(m.estimate()),
            fmt(m.lower()),
            fmt(m.upper())
        );
    }
    println!();

    // lung overall: median survival, median follow-up, survival at 1 year, RMST.
    let lung = SurvivalData::new(&datasets::lung::TIME[..], datasets::lung::event())?;
    let km = KaplanMeier::default();
    let fit = km.fit(&lung)?;
    let curve = &fit.curves()[0];
    let m = curve.median();
    println!(
        "lung: median survival {} days (95% CI {} to {})",
        fmt(m.estimate()),
        fmt(m.lower()),
        fmt(m.upper())
    );
    let fu = &km.median_follow_up(&lung)?[0];
    println!(
        "lung: median follow-up (reverse Kaplan-Meier) {} days (95% CI {} to {})",
        fmt(fu.estimate()),
        fmt(fu.lower()),
        fmt(fu.upper())
    );
    for at in curve.survival_at(&[180.0, 365.0, 730.0])? {
        println!(
            "lung: S({:>3}) = {:.4} (95% CI {:.4} to {:.4}), {} at risk",
            at.time(),
            at.survival(),
            at.confidence_interval().lower(),
            at.confidence_interval().upper(),
            at.n_risk()
        );
    }
    let rm = curve.restricted_mean(365.0)?;
    println!(
        "lung: restricted mean survival to {} days {:.2} (se {:.2})",
        rm.tau(),
        rm.estimate(),
        rm.std_err()
    );
    Ok(())
}
