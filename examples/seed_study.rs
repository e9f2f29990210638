//! The founding study of survkit, reproduced table by table.
//!
//! Shi H-B, Qiang W-G, Zhu W-L, et al. Hepatic Artery Infusion Pump Combined
//! With Systemic Chemotherapy for Patients With Liver Metastases From Breast
//! Carcinoma. *Technology in Cancer Research & Treatment* 20 (2021) 1-7.
//! doi:10.1177/15330338211051552
//!
//! A retrospective study of 19 patients. Its statistics: response rates
//! (Table 2), Fisher's exact test of response against eleven clinical
//! variables (Table 3), Kaplan-Meier overall survival with its median and the
//! median follow-up, and log-rank tests between subgroups. The published
//! counts are embedded below; the patient-level survival data are not public,
//! so the survival methods the paper used are shown on R's `lung` data set.
//!
//! Run: `cargo run --release --example seed_study`

use std::fmt::Write as _;

use survkit::datasets::lung;
use survkit::{
    barnard_exact, boschloo_exact, check_p_value, check_percentage, compare_proportions,
    fisher_exact, format_p_value, log_rank, ConfidenceLevel, Denominator, KaplanMeier, PValueStyle,
    Proportion, ProportionCiMethod, ReportedPValue, ReportedPercentage, Response, ResponseCounts,
    ResponseSummary, SurvivalData, Table2x2,
};

/// One row of Table 3: a clinical variable, its two levels, the counts of
/// non-responders (PD + SD) and responders (PR + CR) per level, and the
/// published Fisher p-value.
struct Association {
    variable: &'static str,
    levels: [&'static str; 2],
    counts: [[u64; 2]; 2],
    published: &'static str,
}

/// Table 3 as published (rows: the variable's levels; columns: PD+SD, PR+CR).
const TABLE_3: [Association; 11] = [
    Association {
        variable: "Age, years",
        levels: ["< 55", ">= 55"],
        counts: [[0, 10], [5, 4]],
        published: ".011",
    },
    Association {
        variable: "Pathology type",
        levels: ["ductal", "lobular"],
        counts: [[4, 13], [1, 1]],
        published: ".468",
    },
    Association {
        variable: "ER",
        levels: ["positive", "negative"],
        counts: [[3, 10], [2, 4]],
        published: "> .999",
    },
    Association {
        variable: "PR",
        levels: ["positive", "negative"],
        counts: [[2, 8], [3, 6]],
        published: ".628",
    },
    Association {
        variable: "HER-2",
        levels: ["positive", "negative"],
        counts: [[1, 3], [4, 11]],
        published: "> .999",
    },
    Association {
        variable: "ECOG",
        levels: ["0", "1 & 2"],
        counts: [[3, 12], [2, 2]],
        published: ".272",
    },
    Association {
        variable: "Hepatic involvement",
        levels: ["< 50%", ">= 50%"],
        counts: [[1, 8], [4, 6]],
        published: ".303",
    },
    Association {
        variable: "Lobular involvement",
        levels: ["bilobar", "unilobar"],
        counts: [[4, 12], [1, 2]],
        published: "> .999",
    },
    Association {
        variable: "Number of lesions",
        levels: ["<= 9", "> 9"],
        counts: [[2, 6], [3, 8]],
        published: "> .999",
    },
    Association {
        variable: "Extrahepatic metastases",
        levels: ["negative", "positive"],
        counts: [[1, 7], [4, 7]],
        published: ".338",
    },
    Association {
        variable: "Baseline albumin, mg/ml",
        levels: ["< 35", ">= 35"],
        counts: [[5, 13], [0, 1]],
        published: "> .999",
    },
];

/// Table 2 as published: best overall response of the 19 patients.
const TABLE_2: ResponseCounts = ResponseCounts {
    complete: 2,
    partial: 12,
    stable: 3,
    progressive: 2,
    not_evaluable: 0,
};

/// Percentages printed in the paper, with the count and denominator they
/// stand for and where they are printed.
const REPORTED_PERCENTAGES: [(&str, u64, u64, f64); 16] = [
    ("Table 1: ductal carcinoma 17 (89.5)", 17, 19, 89.5),
    ("Table 1: ER positive 13 (68.4)", 13, 19, 68.4),
    ("Table 1: PR positive 10 (52.6)", 10, 19, 52.6),
    ("Table 1: HER-2 positive 4 (21.1)", 4, 19, 21.1),
    ("Table 1: ECOG 0 15 (78.9)", 15, 19, 78.9),
    ("Table 1: bilobar involvement 16 (84.2)", 16, 19, 84.2),
    ("Table 1: albumin < 35 18 (94.7)", 18, 19, 94.7),
    ("Table 2: complete response 2 (10.5)", 2, 19, 10.5),
    ("Table 2: partial response 12 (63.2)", 12, 19, 63.2),
    ("Table 2: stable disease 3 (15.8)", 3, 19, 15.8),
    ("Table 2: overall response rate 14 (73.7)", 14, 19, 73.7),
    (
        "Results text: ORR of intrahepatic lesions 73.3%",
        14,
        19,
        73.3,
    ),
    ("Abstract: young patients ORR 100%", 10, 10, 100.0),
    ("Abstract: older patients ORR 44.4%", 4, 9, 44.4),
    (
        "Table 4 and text: grade 3 leucopenia 2 of 19 (10.6%)",
        2,
        19,
        10.6,
    ),
    ("Table 4: grade 2 AST/ALT elevation 2 (10.6)", 2, 19, 10.6),
];

/// Days per month for the survival demonstration (365.25 / 12).
const DAYS_PER_MONTH: f64 = 30.4375;

/// The whole report as text, so that a test can check it.
pub fn report() -> Result<String, Box<dyn std::error::Error>> {
    let mut out = String::new();
    let w = &mut out;
    writeln!(
        w,
        "survkit reproduces: Shi et al. (2021), Technol Cancer Res Treat 20:1-7"
    )?;
    writeln!(w, "doi:10.1177/15330338211051552 -- 19 patients, HAI chemotherapy for breast cancer liver metastases")?;

    // Table 2.
    writeln!(w, "\nTable 2. Tumour response (published counts)")?;
    let summary = ResponseSummary::from_counts(TABLE_2, Denominator::AllPatients)?;
    writeln!(w, "  {:<22} {:>3} {:>7}", "Response", "n", "%")?;
    for (r, label) in [
        (Response::Complete, "Complete response"),
        (Response::Partial, "Partial response"),
        (Response::Stable, "Stable disease"),
        (Response::Progressive, "Progressive disease"),
    ] {
        writeln!(
            w,
            "  {:<22} {:>3} {:>7.1}",
            label,
            summary.count(r),
            summary.percentage(r)?
        )?;
    }
    let orr = summary.objective_response();
    let dcr = summary.disease_control();
    let level = ConfidenceLevel::NINETY_FIVE;
    writeln!(
        w,
        "  Objective response (CR + PR): {} of {} = {:.1}%",
        orr.successes(),
        orr.trials(),
        orr.percentage()
    )?;
    writeln!(
        w,
        "  Disease control (CR + PR + SD): {} of {} = {:.1}%",
        dcr.successes(),
        dcr.trials(),
        dcr.percentage()
    )?;
    writeln!(w, "  95% confidence intervals, in %:")?;
    writeln!(w, "    {:<34} {:>13} {:>13}", "method", "ORR", "DCR")?;
    for (name, method) in [
        (
            "Clopper-Pearson (R binom.test)",
            ProportionCiMethod::ClopperPearson,
        ),
        (
            "Wilson (R prop.test, correct = F)",
            ProportionCiMethod::Wilson,
        ),
        (
            "Wilson, continuity-corrected",
            ProportionCiMethod::WilsonCorrected,
        ),
        ("Agresti-Coull", ProportionCiMethod::AgrestiCoull),
        ("Jeffreys", ProportionCiMethod::Jeffreys),
        ("exact mid-p", ProportionCiMethod::MidP),
        ("Wald (not recommended)", ProportionCiMethod::Wald),
    ] {
        let a = orr.confidence_interval(method, level)?;
        let b = dcr.confidence_interval(method, level)?;
        writeln!(
            w,
            "    {:<34} {:>5.1} - {:>5.1} {:>5.1} - {:>5.1}",
            name,
            100.0 * a.lower(),
            100.0 * a.upper(),
            100.0 * b.lower(),
            100.0 * b.upper()
        )?;
    }

    // The abstract's comparison: ORR 100% (10/10) under 55 against 44.4% (4/9).
    let young = Proportion::new(10, 10)?;
    let older = Proportion::new(4, 9)?;
    let cmp = compare_proportions(&young, &older, level)?;
    let d = cmp.difference();
    writeln!(
        w,
        "  ORR under 55 against 55 and over: {:.1}% vs {:.1}%, difference {:.1} points (95% CI {:.1} to {:.1}, Newcombe), Fisher P = {}",
        young.percentage(),
        older.percentage(),
        100.0 * d.estimate(),
        100.0 * d.confidence_interval().lower(),
        100.0 * d.confidence_interval().upper(),
        format_p_value(cmp.fisher().p_value(), PValueStyle::Journal)
    )?;

    // Table 3.
    writeln!(
        w,
        "\nTable 3. Response against clinical variables (Fisher's exact test, two-sided)"
    )?;
    writeln!(
        w,
        "  {:<25} {:<10} {:>6} {:>6} {:>9} {:>10} {:>8} {:>8} {:>9}  {:<22}",
        "variable",
        "level",
        "PD+SD",
        "PR+CR",
        "p",
        "published",
        "agrees",
        "Barnard",
        "Boschloo",
        "odds ratio (95% CI)"
    )?;
    for a in &TABLE_3 {
        let table = Table2x2::new(a.counts)?;
        let fisher = fisher_exact(&table)?;
        let p = format_p_value(fisher.p_value(), PValueStyle::Journal);
        let check = check_p_value(&a.published.parse::<ReportedPValue>()?, fisher.p_value())?;
        let ci = fisher.confidence_interval();
        // The levels are the groups (rows); both tests two-sided.
        let barnard = format_p_value(barnard_exact(&table)?.p_value(), PValueStyle::Journal);
        let boschloo = format_p_value(boschloo_exact(&table)?.p_value(), PValueStyle::Journal);
        writeln!(
            w,
            "  {:<25} {:<10} {:>6} {:>6} {:>9} {:>10} {:>8} {:>8} {:>9}  {:.3} ({:.3} - {:.3})",
            a.variable,
            a.levels[0],
            a.counts[0][0],
            a.counts[0][1],
            p,
            a.published,
            if check.is_consistent() { "yes" } else { "NO" },
            barnard,
            boschloo,
            fisher.odds_ratio(),
            ci.lower(),
            ci.upper()
        )?;
        writeln!(
            w,
            "  {:<25} {:<10} {:>6} {:>6}",
            "", a.levels[1], a.counts[1][0], a.counts[1][1]
        )?;
    }
    writeln!(w, "  (odds ratio: conditional maximum-likelihood estimate with its exact interval, as R's fisher.test;")?;
    writeln!(w, "   the odds of non-response in the first level against the second; the paper reports none)")?;
    writeln!(w, "  (Barnard: unconditional exact test, pooled Wald statistic; Boschloo: unconditional test ordered")?;
    writeln!(w, "   by Fisher's two-sided p; both two-sided, with a certified maximum over the common response rate.")?;
    writeln!(w, "   Fisher's test conditions on the responder total too and is exact when both margins are fixed;")?;
    writeln!(w, "   neither margin was fixed here, but the subgroups are the comparison, so the unconditional tests")?;
    writeln!(w, "   given the subgroup sizes are the closer model. Boschloo's p is never above Fisher's; Barnard's")?;
    writeln!(
        w,
        "   usually is lower but not always (pathology type). Age: .006 against Fisher's .011)"
    )?;

    // Consistency checks.
    writeln!(w, "\nChecks of the figures the paper reports")?;
    for (what, x, n, pct) in REPORTED_PERCENTAGES {
        let check = check_percentage(&ReportedPercentage::new(pct, 1)?, n)?;
        let exact = Proportion::new(x, n)?.percentage();
        if !check.is_consistent() {
            writeln!(w, "  MISMATCH {what}: {x}/{n} = {exact:.1}%, and no count out of {n} rounds to {pct}%")?;
        } else if !check.possible_counts().contains(&x) {
            writeln!(
                w,
                "  MISMATCH {what}: {pct}% is some count out of {n}, but not {x}"
            )?;
        } else {
            writeln!(w, "  ok       {what}: {x}/{n} = {exact:.1}%")?;
        }
    }
    writeln!(w, "  note     the text splits the number of lesions at < 9 / >= 9 (Figure 2), Table 3 at <= 9 / > 9")?;

    // Survival methods on public data.
    writeln!(
        w,
        "\nSurvival methods of the paper, shown on R's lung data set (NCCTG, 228 patients;"
    )?;
    writeln!(
        w,
        "the study's patient-level survival data are not public). Times in months."
    )?;
    let months: Vec<f64> = lung::TIME.iter().map(|d| d / DAYS_PER_MONTH).collect();
    let all = SurvivalData::new(months.clone(), lung::event())?;
    let km = KaplanMeier::new();
    let fit = km.fit(&all)?;
    for curve in fit.curves() {
        let m = curve.median();
        writeln!(
            w,
            "  median overall survival: {} months (95% CI {} - {}), Kaplan-Meier",
            show(m.estimate()),
            show(m.lower()),
            show(m.upper())
        )?;
    }
    for q in km.median_follow_up(&all)? {
        writeln!(
            w,
            "  median follow-up: {} months, reverse Kaplan-Meier",
            show(q.estimate())
        )?;
    }
    for curve in fit.curves() {
        for at in curve.survival_at(&[12.0, 24.0])? {
            let ci = at.confidence_interval();
            writeln!(
                w,
                "  survival at {:.0} months: {:.1}% (95% CI {:.1} - {:.1}), {} at risk",
                at.time(),
                100.0 * at.survival(),
                100.0 * ci.lower(),
                100.0 * ci.upper(),
                at.n_risk()
            )?;
        }
    }
    let sex: Vec<&str> = lung::SEX
        .iter()
        .map(|&s| if s == 1 { "men" } else { "women" })
        .collect();
    let by_sex = SurvivalData::builder(months, lung::event())
        .group_levels(&sex, &["men", "women"])
        .build()?;
    let fit = km.fit(&by_sex)?;
    for curve in fit.curves() {
        writeln!(
            w,
            "  median, {}: {} months",
            curve.name(),
            show(curve.median().estimate())
        )?;
    }
    let lr = log_rank(&by_sex)?;
    writeln!(
        w,
        "  log-rank test, men against women: chi-square {:.2} on {} df, P = {}",
        lr.statistic(),
        lr.df(),
        format_p_value(lr.p_value(), PValueStyle::Journal)
    )?;
    Ok(out)
}

fn show(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => format!("{v:.1}"),
        _ => "NA".to_owned(),
    }
}

#[allow(dead_code)]
fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", report()?);
    Ok(())
}
