//! `compare_proportions` against R (`fisher.test`) and statsmodels
//! (`confint_proportions_2indep(method = "newcomb")`); reference values in
//! `tests/data/compare_{r,py}.txt`, made by `generate_compare.{R,py}`.

use crate::common::{assert_rel, parse, TOL};
use survkit::{compare_proportions, ConfidenceLevel, Proportion};

/// R's conditional MLE and its interval stop at `uniroot`'s default
/// tolerance (~1e-4 relative); survkit solves them exactly (tested against
/// scipy to 1e-9 in tests/fisher.rs), so they are compared with R at 1e-3.
const R_UNIROOT_TOL: f64 = 1e-3;

fn proportions(input: &[u64]) -> (Proportion, Proportion) {
    (
        Proportion::new(input[0], input[1]).expect("valid reference input"),
        Proportion::new(input[2], input[3]).expect("valid reference input"),
    )
}

#[test]
fn fisher_part_matches_r_fisher_test() {
    for case in parse(include_str!("data/compare_r.txt")) {
        let (a, b) = proportions(&case.counts("input"));
        let c = compare_proportions(&a, &b, ConfidenceLevel::NINETY_FIVE).expect("compares");
        let what = |q: &str| format!("{} {q} ({})", case.name, case.source);
        assert_rel(c.fisher().p_value(), case.num("p_value"), TOL, &what("p"));
        let ci = case.nums("conf_int");
        assert_rel(
            c.fisher().odds_ratio(),
            case.num("odds_ratio"),
            R_UNIROOT_TOL,
            &what("odds ratio"),
        );
        assert_rel(
            c.fisher().confidence_interval().lower(),
            ci[0],
            R_UNIROOT_TOL,
            &what("lower"),
        );
        assert_rel(
            c.fisher().confidence_interval().upper(),
            ci[1],
            R_UNIROOT_TOL,
            &what("upper"),
        );
    }
}

#[test]
fn difference_matches_statsmodels_newcombe() {
    for case in parse(include_str!("data/compare_py.txt")) {
        let (a, b) = proportions(&case.counts("input"));
        let c = compare_proportions(&a, &b, ConfidenceLevel::NINETY_FIVE).expect("compares");
        let d = c.difference();
        let ci = case.nums("conf_int");
        assert_rel(d.estimate(), case.num("difference"), TOL, &case.name);
        assert_rel(d.confidence_interval().lower(), ci[0], TOL, &case.name);
        assert_rel(d.confidence_interval().upper(), ci[1], TOL, &case.name);
    }
}
