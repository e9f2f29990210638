//! Competing risks on R's `mgus2`: progression to a plasma-cell malignancy
//! (PCM) competes with death, as in survival's vignette "compete".
//!
//! Prints the Aalen-Johansen cumulative incidence of each cause by sex with
//! both standard errors (cmprsk's delta method, survfit's infinitesimal
//! jackknife), Gray's tests as `print(cuminc(...))` shows them, and how far
//! `1 − KM` (deaths censored) overstates the risk of progression. With the
//! `plot` feature it also writes `target/competing_risks.svg`.
//!
//! Run with `cargo run --example competing_risks` (add `--features plot` for
//! the figure).
use std::fmt::Write as _;

use survkit::{
    datasets::mgus2, CompetingRisksData, CumulativeIncidence, KaplanMeier, SurvivalData,
};

/// The report as text (the example's test reads it).
pub fn report() -> Result<String, Box<dyn std::error::Error>> {
    let mut out = String::new();
    // R: etime <- with(mgus2, ifelse(pstat == 0, futime, ptime))
    //    event <- with(mgus2, ifelse(pstat == 0, 2 * death, 1))
    let time = mgus2::competing_time();
    let cause = mgus2::competing_cause();
    let data = CompetingRisksData::builder(time.clone(), cause.clone())
        .group_levels(&mgus2::SEX, &mgus2::SEX_LEVELS)
        .build()?;
    let fit = CumulativeIncidence::new().fit(&data)?;

    writeln!(out, "R: print(cuminc(etime, event, mgus2$sex))")?;
    writeln!(out, "{fit}")?;

    writeln!(
        out,
        "Cumulative incidence at 10 and 20 years (cause 1 = PCM, 2 = death)"
    )?;
    writeln!(
        out,
        "{:>5} {:>5} {:>5} {:>8} {:>9} {:>9} {:>17}",
        "sex", "cause", "years", "estimate", "se(delta)", "se(IJ)", "95% CI (log)"
    )?;
    for curve in fit.curves() {
        for years in [10.0, 20.0] {
            let t = 12.0 * years;
            let row = curve.time().partition_point(|&x| x <= t) - 1;
            writeln!(
                out,
                "{:>5} {:>5} {:>5} {:>8.4} {:>9.4} {:>9.4}   {:.4} - {:.4}",
                curve.group(),
                curve.cause(),
                years,
                curve.estimate()[row],
                curve.std_err_delta()[row],
                curve.std_err_ij()[row],
                curve.lower()[row],
                curve.upper()[row]
            )?;
        }
    }

    // 1 − KM of progression, deaths censored: the naive estimate.
    let progression: Vec<bool> = cause.iter().map(|&c| c == 1).collect();
    let km = KaplanMeier::new().fit(
        &SurvivalData::builder(time, progression)
            .group_levels(&mgus2::SEX, &mgus2::SEX_LEVELS)
            .build()?,
    )?;
    writeln!(
        out,
        "\nPCM by 20 years: Aalen-Johansen against 1 - KM (deaths censored)"
    )?;
    for name in mgus2::SEX_LEVELS {
        let aj = fit.curve(name, 1).ok_or("no curve")?.estimate_at(240.0);
        let curve = km.curve(name).ok_or("no curve")?;
        let row = curve.time().partition_point(|&x| x <= 240.0) - 1;
        let naive = 1.0 - curve.survival()[row];
        writeln!(
            out,
            "{name}: {aj:.3} against {naive:.3} ({:.0}% too high)",
            100.0 * (naive / aj - 1.0)
        )?;
    }

    #[cfg(feature = "plot")]
    {
        let figure = survkit::KaplanMeierPlot::new()
            .time_unit("years", 12.0)
            .labels(&["Women", "Men"])
            .y_range(0.0, 0.2)
            .confidence_bands(true)
            .draw_incidence(&fit, 1, fit.gray_test(1))?;
        let dir = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
        let path = std::path::Path::new(&dir).join("competing_risks.svg");
        figure.write_svg(&path)?;
        writeln!(out, "\nwrote {}", path.display())?;
    }
    Ok(out)
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", report()?);
    Ok(())
}
