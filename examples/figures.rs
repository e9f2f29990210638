//! The founding study's three Kaplan-Meier figures, drawn on the embedded
//! `lung` data as a stand-in for the study's unpublished patient data, plus
//! one KMunicate-style figure with confidence bands.
//!
//! The founding study (19 patients) shows overall survival, then survival by
//! two binary factors with their log-rank P. Here: overall survival of the
//! 228 lung cancer patients, survival by sex, and survival by ECOG
//! performance status (0 against 1 or more; the one patient without a score
//! is left out), in months (30.4375 days a month).
//!
//! Writes `docs/figures/*.svg` and `*.png` (300 dpi) in the crate's folder,
//! or in the folder given as the first argument.
//!
//! Run with `cargo run --release --features png --example figures`.
use std::path::PathBuf;

use survkit::{
    datasets::lung, log_rank, KaplanMeier, KaplanMeierFigure, KaplanMeierPlot, LegendPosition,
    Palette, RiskTableStyle, SurvivalData, YFormat, YScale, DOUBLE_COLUMN_MM,
};

const DAYS_PER_MONTH: f64 = 30.4375;

fn save(dir: &std::path::Path, name: &str, figure: &KaplanMeierFigure) -> survkit::Result<()> {
    figure.write_svg(dir.join(format!("{name}.svg")))?;
    figure.write_png(dir.join(format!("{name}.png")), 300.0)?;
    println!(
        "{name}: {:.0} x {:.1} mm",
        figure.width_mm(),
        figure.height_mm()
    );
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args_os().nth(1).map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/figures"),
        PathBuf::from,
    );
    std::fs::create_dir_all(&dir)?;
    let plot = KaplanMeierPlot::new().time_unit("months", DAYS_PER_MONTH);

    // Figure 1: overall survival.
    let all = SurvivalData::new(&lung::TIME[..], lung::event())?;
    let fit = KaplanMeier::new().fit(&all)?;
    let figure = plot
        .clone()
        .y_label("Overall survival")
        .labels(&["All patients"])
        .draw(&fit, None)?;
    save(&dir, "overall", &figure)?;

    // Figure 2: by sex, with the log-rank P.
    let sex: Vec<&str> = lung::SEX
        .iter()
        .map(|&s| if s == 1 { "Male" } else { "Female" })
        .collect();
    let by_sex = SurvivalData::builder(&lung::TIME[..], lung::event())
        .group_levels(&sex, &["Male", "Female"])
        .build()?;
    let fit_sex = KaplanMeier::new().fit(&by_sex)?;
    let test_sex = log_rank(&by_sex)?;
    let figure = plot
        .clone()
        .y_label("Overall survival")
        .draw(&fit_sex, Some(&test_sex))?;
    save(&dir, "by_sex", &figure)?;
    println!("{}", figure.risk_table());

    // Figure 3: by ECOG performance status 0 against 1 or more.
    let (mut time, mut event, mut ecog) = (Vec::new(), Vec::new(), Vec::new());
    for ((&t, e), score) in lung::TIME.iter().zip(lung::event()).zip(lung::PH_ECOG) {
        if let Some(score) = score {
            time.push(t);
            event.push(e);
            ecog.push(if score == 0.0 { "ECOG 0" } else { "ECOG 1-3" });
        }
    }
    let by_ecog = SurvivalData::builder(time, event)
        .group_levels(&ecog, &["ECOG 0", "ECOG 1-3"])
        .build()?;
    let fit_ecog = KaplanMeier::new().fit(&by_ecog)?;
    let figure = plot
        .clone()
        .y_label("Overall survival")
        .draw(&fit_ecog, Some(&log_rank(&by_ecog)?))?;
    save(&dir, "by_ecog", &figure)?;

    // Figure 4: KMunicate, by sex, with the pointwise 95% bands.
    let figure = plot
        .clone()
        .y_label("Overall survival")
        .confidence_bands(true)
        .median_lines(false)
        .risk_table(RiskTableStyle::KMunicate)
        .draw(&fit_sex, Some(&test_sex))?;
    save(&dir, "kmunicate", &figure)?;

    // One picture per option group for docs/figures.md (SVG only).
    let options = [
        (
            "option_incidence_percent",
            plot.clone()
                .y_scale(YScale::CumulativeIncidence)
                .y_format(YFormat::Percent)
                .y_label("Cumulative incidence of death"),
        ),
        (
            "option_cumulative_hazard",
            plot.clone()
                .y_scale(YScale::CumulativeHazard)
                .confidence_bands(true)
                .median_lines(false),
        ),
        (
            "option_truncated_first_year",
            plot.clone()
                .x_max(12.0)
                .x_step(3.0)
                .y_range(0.4, 1.0)
                .y_label("Overall survival"),
        ),
        (
            "option_double_column_grey",
            plot.clone()
                .width_mm(DOUBLE_COLUMN_MM)
                .font_size_pt(9.0)
                .line_width_pt(1.0)
                .palette(Palette::Grey)
                .legend(LegendPosition::Above)
                .title("Overall survival by sex (NCCTG lung cancer data)")
                .y_label("Overall survival"),
        ),
    ];
    for (name, options) in options {
        let figure = options.draw(&fit_sex, Some(&test_sex))?;
        figure.write_svg(dir.join(format!("{name}.svg")))?;
        println!(
            "{name}: {:.0} x {:.1} mm",
            figure.width_mm(),
            figure.height_mm()
        );
    }
    Ok(())
}
