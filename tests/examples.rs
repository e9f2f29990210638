//! The examples run as tests, so that the reports cannot silently break.
//!
//! The founding study's report is checked against the paper's published
//! figures (Shi et al. 2021, doi:10.1177/15330338211051552, Tables 2 and 3)
//! and, for the survival demonstration on `lung`, against R 4.2.2 /
//! survival 3.5-3 with times in months (`lung$time / 30.4375`):
//! `quantile(survfit(Surv(m, status) ~ 1), .5)` = 10.18 (9.36, 11.93);
//! `summary(fit, times = c(12, 24))` = 0.4092 (0.3447, 0.4858), 0.1157
//! (0.0716, 0.1869); reverse-KM median follow-up 19.32; `survdiff(~ sex)`
//! χ² = 10.33, p = 0.0013; medians by sex 8.87 and 14.00.

#[allow(dead_code)]
#[path = "../examples/seed_study.rs"]
mod seed_study;

#[test]
fn seed_study_reproduces_the_published_figures() {
    let report = seed_study::report().expect("the report runs");
    // Table 2 and the ORR's exact interval (binom.test(14, 19)).
    for line in [
        "Complete response        2    10.5",
        "Partial response        12    63.2",
        "Stable disease           3    15.8",
        "Progressive disease      2    10.5",
        "Objective response (CR + PR): 14 of 19 = 73.7%",
        "Clopper-Pearson (R binom.test)      48.8 -  90.9",
        "Fisher P = .011",
    ] {
        assert!(report.contains(line), "missing {line:?} in\n{report}");
    }
    // Table 3: every published p-value reproduced at the published rounding.
    let table3: Vec<&str> = report
        .lines()
        .skip_while(|l| !l.starts_with("Table 3."))
        .take_while(|l| !l.starts_with("Checks"))
        .collect();
    let agreeing = table3.iter().filter(|l| l.contains(" yes ")).count();
    let disagreeing = table3.iter().filter(|l| l.contains(" NO ")).count();
    assert_eq!((agreeing, disagreeing), (11, 0), "{report}");
    for p in [".011", ".468", ".628", ".272", ".303", ".338"] {
        assert!(table3
            .iter()
            .any(|l| l.contains(&format!("{p:>9} {p:>10}"))));
    }
    // The unconditional tests beside Fisher's (issue #18): the age row,
    // 0/10 against 5/9 non-responders, Fisher .011, Barnard and Boschloo
    // .006 (scipy 1.17.1 barnard_exact([[0, 5], [10, 4]]) = 0.0060033;
    // tests/data/unconditional_py.txt, case seed/age/...).
    let age = table3
        .iter()
        .find(|l| l.contains("Age, years"))
        .expect("the age row");
    assert!(
        age.contains(&format!(
            "{:>9} {:>10} {:>8} {:>8} {:>9}",
            ".011", ".011", "yes", ".006", ".006"
        )),
        "{age}"
    );
    // The figures that cannot be right, and only those.
    let mismatches: Vec<&str> = report.lines().filter(|l| l.contains("MISMATCH")).collect();
    assert_eq!(mismatches.len(), 3, "{mismatches:?}");
    assert!(mismatches[0].contains("73.3%"));
    assert!(mismatches[1].contains("10.6%") && mismatches[2].contains("10.6"));
    // The survival methods, against R on lung (see the module docs).
    for line in [
        "median overall survival: 10.2 months (95% CI 9.4 - 11.9)",
        "median follow-up: 19.3 months, reverse Kaplan-Meier",
        "survival at 12 months: 40.9% (95% CI 34.5 - 48.6), 65 at risk",
        "survival at 24 months: 11.6% (95% CI 7.2 - 18.7), 13 at risk",
        "median, men: 8.9 months",
        "median, women: 14.0 months",
        "chi-square 10.33 on 1 df, P = .001",
    ] {
        assert!(report.contains(line), "missing {line:?} in\n{report}");
    }
}

#[allow(dead_code)]
#[path = "../examples/bands.rs"]
mod bands_example;

#[test]
fn bands_example_runs() {
    bands_example::main().expect("the bands example runs");
}

#[allow(dead_code)]
#[path = "../examples/lung.rs"]
mod lung_example;

/// The CSV example's second part (issue #14): `veteran.csv` read with a text
/// group column and a numeric one, against R 4.2.2 / survival 3.5-3's
/// printed output:
/// `survfit(Surv(time, status) ~ celltype, veteran)`,
/// `survdiff(Surv(time, status) ~ celltype, veteran)` and
/// `survdiff(Surv(time, status) ~ trt + strata(celltype), veteran)`
/// (R prefixes the labels with `celltype=` / `trt=`; the numbers are the same).
#[test]
fn csv_example_reads_text_and_numeric_group_columns_as_r_does() {
    let report = lung_example::veteran_report().expect("the CSV example runs");
    for line in [
        "veteran: 137 patients read from veteran.csv",
        "adeno     27     26     51      35      92",
        "large     27     26    156     105     231",
        "smallcell 48     45     51      25      63",
        "squamous  35     31    118      82     314",
        "adeno     27       26     15.7      6.77      8.19",
        "large     27       26     34.5      2.12      3.02",
        "smallcell 48       45     30.1      7.37     10.20",
        "squamous  35       31     47.7      5.82     10.53",
        " Chisq= 25.4  on 3 degrees of freedom, p= 1e-05 ",
        "1 69       64     68.2     0.260     0.702",
        "2 68       64     59.8     0.296     0.702",
        " Chisq= 0.7  on 1 degrees of freedom, p= 0.4 ",
    ] {
        assert!(report.contains(line), "missing {line:?} in\n{report}");
    }
}
