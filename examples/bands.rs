//! Simultaneous confidence bands for Kaplan-Meier curves (Hall-Wellner and
//! equal precision) on the embedded aml and lung data, against the pointwise
//! intervals, at levels R's km.ci cannot do.
//!
//! Run with `cargo run --example bands`.
use survkit::{
    datasets::{aml, lung},
    BandKind, CiTransform, ConfidenceBand, ConfidenceLevel, KaplanMeier, SurvivalData,
};

pub fn main() -> Result<(), survkit::Error> {
    // aml, all 23 patients: the two bands on K&M's recommended log-log scale.
    let fit = KaplanMeier::new()
        .transform(CiTransform::LogLog)
        .fit(&SurvivalData::new(&aml::TIME[..], aml::event())?)?;
    let curve = &fit.curves()[0];
    for kind in [BandKind::HallWellner, BandKind::EqualPrecision] {
        let band = ConfidenceBand::new().kind(kind).fit(curve)?;
        println!("{band}");
    }

    // How much wider than the pointwise 95% interval (z = 1.96) the
    // equal-precision band is, on the same scale, at several levels.
    println!("Equal-precision critical values on aml's default range:");
    for level in [0.80, 0.90, 0.95, 0.99, 0.999] {
        let band = ConfidenceBand::new()
            .kind(BandKind::EqualPrecision)
            .confidence_level(ConfidenceLevel::new(level)?)
            .fit(curve)?;
        println!(
            "  {:5.1}%: c = {:.6} (a_L = {:.4}, a_U = {:.4})",
            100.0 * level,
            band.critical_value(),
            band.a_lower(),
            band.a_upper()
        );
    }

    // lung by sex, days 100 to 700: the arcsine-scale Hall-Wellner band of each arm.
    let sex: Vec<&str> = lung::SEX
        .iter()
        .map(|&s| if s == 1 { "Male" } else { "Female" })
        .collect();
    let data = SurvivalData::builder(&lung::TIME[..], lung::event())
        .group_levels(&sex, &["Male", "Female"])
        .build()?;
    let fit = KaplanMeier::new().fit(&data)?;
    println!("\nlung, 95% Hall-Wellner bands (arcsine), days 100 to 700:");
    for curve in fit.curves() {
        let band = ConfidenceBand::new()
            .transform(CiTransform::Arcsine)
            .range(100.0, 700.0)
            .fit(curve)?;
        let widest = band
            .lower()
            .iter()
            .zip(band.upper())
            .map(|(lo, hi)| hi - lo)
            .fold(0.0, f64::max);
        println!(
            "  {:6}: {} rows, critical value {:.4}, widest {:.3}",
            curve.name(),
            band.time().len(),
            band.critical_value(),
            widest
        );
    }
    Ok(())
}
