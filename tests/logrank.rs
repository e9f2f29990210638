//! Reference tests of the log-rank family against R's survdiff, statsmodels,
//! lifelines and scipy (data made by tests/data/generate_logrank.{R,py}).
//!
//! Run with `--nocapture` to print the largest relative error of each case
//! family (the numbers of docs/validation/logrank.md).

use std::collections::BTreeMap;
use std::sync::Mutex;
use survkit::ErrorDetail;

use crate::common::{assert_rel, parse, rel_err, Case, TOL};
use survkit::datasets::{aml, lung, ovarian, veteran};
use survkit::{
    log_rank, Alternative, ConfidenceLevel, EventTable, HazardRatioEstimator, KaplanMeier, LogRank,
    LogRankResult, LogRankWeights, SurvivalData, TimeFix,
};

const R_REF: &str = include_str!("data/logrank_r.txt");
const PY_REF: &str = include_str!("data/logrank_py.txt");

/// Largest relative error seen per case family (printed for the validation report).
static WORST: Mutex<BTreeMap<String, f64>> = Mutex::new(BTreeMap::new());

fn check(family: &str, actual: f64, expected: f64, tol: f64, what: &str) {
    let e = rel_err(actual, expected);
    {
        let mut w = WORST.lock().unwrap();
        let slot = w.entry(family.to_owned()).or_insert(0.0);
        if e > *slot {
            *slot = e;
        }
    }
    assert_rel(actual, expected, tol, what);
}

fn check_all(family: &str, actual: &[f64], expected: &[f64], tol: f64, what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths differ");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        check(family, *a, *e, tol, &format!("{what}[{i}]"));
    }
}

fn report() {
    for (k, v) in WORST.lock().unwrap().iter() {
        println!("largest relative error {k}: {v:.2e}");
    }
}

/// The data set of a reference record, built as the generator scripts did.
fn dataset(name: &str, case: Option<&Case>) -> SurvivalData {
    let lung_event: Vec<bool> = lung::STATUS.iter().map(|&s| s == 2).collect();
    let r = match name {
        "aml" => SurvivalData::builder(&aml::TIME[..], aml::event())
            .groups(&aml::X)
            .build(),
        "aml-entry" => {
            let entry: Vec<f64> = aml::TIME.iter().map(|t| (t / 3.0).floor()).collect();
            SurvivalData::builder(&aml::TIME[..], aml::event())
                .groups(&aml::X)
                .entry(entry)
                .build()
        }
        "lung-sex" => SurvivalData::builder(&lung::TIME[..], lung_event)
            .groups(&lung::SEX)
            .build(),
        "lung-ecog" => {
            let keep: Vec<usize> = (0..lung::TIME.len())
                .filter(|&i| lung::PH_ECOG[i].is_some())
                .collect();
            let t: Vec<f64> = keep.iter().map(|&i| lung::TIME[i]).collect();
            let e: Vec<bool> = keep.iter().map(|&i| lung_event[i]).collect();
            let g: Vec<u32> = keep
                .iter()
                .map(|&i| lung::PH_ECOG[i].unwrap_or(0.0) as u32)
                .collect();
            SurvivalData::builder(t, e).groups(&g).build()
        }
        "lung-sex-inst" => {
            let keep: Vec<usize> = (0..lung::TIME.len())
                .filter(|&i| lung::INST[i].is_some())
                .collect();
            let t: Vec<f64> = keep.iter().map(|&i| lung::TIME[i]).collect();
            let e: Vec<bool> = keep.iter().map(|&i| lung_event[i]).collect();
            let g: Vec<u8> = keep.iter().map(|&i| lung::SEX[i]).collect();
            let s: Vec<u32> = keep
                .iter()
                .map(|&i| lung::INST[i].unwrap_or(0.0) as u32)
                .collect();
            SurvivalData::builder(t, e).groups(&g).strata(&s).build()
        }
        "ovarian" => SurvivalData::builder(&ovarian::FUTIME[..], ovarian::event())
            .groups(&ovarian::RX)
            .build(),
        "veteran-trt-cell" => SurvivalData::builder(&veteran::TIME[..], veteran::event())
            .groups(&veteran::TRT)
            .strata(&veteran::CELLTYPE)
            .build(),
        "veteran-cell" => SurvivalData::builder(&veteran::TIME[..], veteran::event())
            .groups(&veteran::CELLTYPE)
            .build(),
        "near-ties" => {
            let c = case.expect("near-ties needs its record");
            let g: Vec<u32> = c.nums("g").iter().map(|&x| x as u32).collect();
            let e: Vec<bool> = c.nums("status").iter().map(|&x| x == 1.0).collect();
            SurvivalData::builder(c.nums("time"), e).groups(&g).build()
        }
        other => panic!("unknown data set {other}"),
    };
    r.expect("reference data are valid")
}

fn weights_of(label: &str) -> LogRankWeights {
    let fh = |rho: f64, gamma: f64| LogRankWeights::FlemingHarrington { rho, gamma };
    if let Some(p) = label.strip_prefix("fh=") {
        return fh(p.parse().unwrap(), 0.0);
    }
    if let Some(rest) = label.strip_prefix("fleming-harrington/") {
        let mut p = 0.0;
        let mut q = 0.0;
        for kv in rest.split('/') {
            let (k, v) = kv.split_once('=').unwrap();
            match k {
                "p" => p = v.parse().unwrap(),
                "q" => q = v.parse().unwrap(),
                _ => panic!("bad label {label}"),
            }
        }
        return fh(p, q);
    }
    match label {
        "logrank" => LogRankWeights::LogRank,
        "gb" | "wilcoxon" => LogRankWeights::GehanBreslow,
        "tw" | "tarone-ware" => LogRankWeights::TaroneWare,
        "peto" => LogRankWeights::PetoPeto,
        _ => panic!("bad weight label {label}"),
    }
}

fn check_chisq(family: &str, c: &Case, res: &LogRankResult) {
    check_chisq_tol(family, c, res, TOL);
}

fn check_chisq_tol(family: &str, c: &Case, res: &LogRankResult, p_tol: f64) {
    assert_eq!(res.df() as f64, c.num("df"), "{}: df", c.name);
    check(
        family,
        res.statistic(),
        c.num("chisq"),
        TOL,
        &format!("{} chisq", c.name),
    );
    check(
        family,
        res.p_value(),
        c.num("p"),
        p_tol,
        &format!("{} p", c.name),
    );
}

#[test]
fn matches_r_survdiff() {
    let cases: Vec<Case> = parse(R_REF)
        .into_iter()
        .filter(|c| !c.name.starts_with("pairwise/") && !c.name.starts_with("hazard-ratio/"))
        .collect();
    assert!(cases.len() >= 25);
    for c in &cases {
        let data = dataset(c.text("dataset"), Some(c));
        let rho = c.num("rho");
        let time_fix = if c.has("timefix") && c.num("timefix") == 0.0 {
            TimeFix::Exact
        } else {
            TimeFix::Tolerance
        };
        let res = LogRank::default()
            .weights(LogRankWeights::FlemingHarrington { rho, gamma: 0.0 })
            .time_fix(time_fix)
            .test(&data)
            .unwrap();
        let family = format!("R survdiff rho={rho}");
        check_all(
            &family,
            res.n(),
            &c.nums("n"),
            TOL,
            &format!("{} n", c.name),
        );
        check_all(
            &family,
            res.observed(),
            &c.nums("observed"),
            TOL,
            &format!("{} O", c.name),
        );
        check_all(
            &family,
            res.expected(),
            &c.nums("expected"),
            TOL,
            &format!("{} E", c.name),
        );
        check_all(
            &family,
            res.variance_matrix(),
            &c.nums("variance"),
            TOL,
            &format!("{} V", c.name),
        );
        check_chisq(&family, c, &res);
        if c.has("trend_u") {
            let fam = "R trend (formula on survdiff output; = coxph exact score test)";
            let t = res.trend(&c.nums("trend_scores")).unwrap();
            check(
                fam,
                t.score(),
                c.num("trend_u_std"),
                TOL,
                &format!("{} U (standardized scores)", c.name),
            );
            check(
                fam,
                t.variance(),
                c.num("trend_var_std"),
                TOL,
                "var U (standardized scores)",
            );
            check(fam, t.statistic(), c.num("trend_chisq"), TOL, "trend chisq");
            check(fam, t.p_value(), c.num("trend_p"), TOL, "trend p");
            check(fam, t.z(), c.num("trend_z"), TOL, "trend z");
            check(
                fam,
                t.z_p_value(Alternative::Less),
                c.num("trend_p_less"),
                TOL,
                "trend pnorm(z)",
            );
            check(
                fam,
                t.z_p_value(Alternative::Greater),
                c.num("trend_p_greater"),
                TOL,
                "trend pnorm(z, lower.tail = FALSE)",
            );
            assert_eq!(t.z_p_value(Alternative::TwoSided), t.p_value());
        }
    }
    report();
}

#[test]
fn near_ties_follow_timefix() {
    let cases: Vec<Case> = parse(R_REF)
        .into_iter()
        .filter(|c| c.name.starts_with("near-ties/"))
        .collect();
    assert_eq!(cases.len(), 4);
    let data = dataset("near-ties", Some(&cases[0]));
    let merged = log_rank(&data).unwrap();
    let exact = LogRank::default()
        .time_fix(TimeFix::Exact)
        .test(&data)
        .unwrap();
    // The two rules must differ on these data, and each match its R value.
    assert!((merged.statistic() - exact.statistic()).abs() > 0.01);
    let tf_true = cases
        .iter()
        .find(|c| c.name == "near-ties/timefix=TRUE/rho=0")
        .unwrap();
    let tf_false = cases
        .iter()
        .find(|c| c.name == "near-ties/timefix=FALSE/rho=0")
        .unwrap();
    assert_rel(
        merged.statistic(),
        tf_true.num("chisq"),
        TOL,
        "timefix TRUE",
    );
    assert_rel(
        exact.statistic(),
        tf_false.num("chisq"),
        TOL,
        "timefix FALSE",
    );
}

#[test]
fn matches_statsmodels_and_lifelines() {
    let cases: Vec<Case> = parse(PY_REF)
        .into_iter()
        .filter(|c| {
            c.name.starts_with("statsmodels/")
                || c.name.starts_with("lifelines/")
                || c.name.starts_with("mpmath/")
        })
        .collect();
    assert!(cases.len() > 60);
    assert!(cases.iter().any(|c| c.name.starts_with("mpmath/")));
    for c in &cases {
        let data = dataset(c.text("dataset"), None);
        let label = c.text("weights");
        let res = LogRank::default()
            .weights(weights_of(label))
            .time_fix(TimeFix::Exact)
            .test(&data)
            .unwrap();
        let pkg = c.name.split('/').next().unwrap();
        let family = format!("{pkg} {}", label.split('/').next().unwrap());
        // The references' χ² carry rounding of about 1e-11 (lifelines inverts V
        // with numpy's pinv, statsmodels with solve after a different summation
        // order); the chi-square tail amplifies a relative error of χ² by about
        // χ²/2 in p (d log p / d log χ² ≈ χ²/2 for large χ²), so p is compared
        // at TOL × (1 + χ²/2).
        if pkg == "mpmath" {
            // A 50-digit computation: every digit of a double is a reference digit.
            check_all(&family, res.observed(), &c.nums("observed"), TOL, &c.name);
            check_all(&family, res.expected(), &c.nums("expected"), TOL, &c.name);
            check_chisq(&family, c, &res);
        } else {
            check_chisq_tol(&family, c, &res, TOL * (1.0 + c.num("chisq") / 2.0));
        }
    }
    report();
}

/// Pike's and Peto's hazard ratios against R (computed from survdiff's obs,
/// exp and var; stratified cases included), at 95%, 90% and 1 − 2⁻⁵³, the
/// last where `1 − α/2` rounds to 1 and z must be taken as `−qnorm(α/2)`.
#[test]
fn hazard_ratio_matches_r() {
    let cases: Vec<Case> = parse(R_REF)
        .into_iter()
        .filter(|c| c.name.starts_with("hazard-ratio/"))
        .collect();
    assert!(cases.len() >= 12);
    assert!(cases.iter().any(|c| c.text("strata") != "none"));
    for c in &cases {
        let res = log_rank(&dataset(c.text("dataset"), None)).unwrap();
        let level = ConfidenceLevel::new(c.num("level")).unwrap();
        let fam = "R hazard ratio (Pike, Peto from survdiff obs/exp/var)";
        for (est, key) in [
            (HazardRatioEstimator::ObservedOverExpected, "hr_oe"),
            (HazardRatioEstimator::Peto, "hr_peto"),
        ] {
            let hr = res
                .hazard_ratio(est, level)
                .unwrap_or_else(|e| panic!("{}: {e}", c.name));
            let w = format!("{} {key}", c.name);
            check(fam, hr.estimate(), c.num(key), TOL, &w);
            check(fam, hr.std_err_log(), c.num(&format!("{key}_se")), TOL, &w);
            check(
                fam,
                hr.confidence_interval().lower(),
                c.num(&format!("{key}_lower")),
                TOL,
                &w,
            );
            check(
                fam,
                hr.confidence_interval().upper(),
                c.num(&format!("{key}_upper")),
                TOL,
                &w,
            );
        }
    }
    report();
}

#[test]
fn pairwise_matches_r_and_lifelines() {
    for c in parse(R_REF)
        .iter()
        .filter(|c| c.name.starts_with("pairwise/"))
    {
        let data = dataset(c.text("dataset"), None);
        let rho = c.num("rho");
        let pw = LogRank::default()
            .weights(LogRankWeights::FlemingHarrington { rho, gamma: 0.0 })
            .pairwise(&data)
            .unwrap();
        // The event-table entry point gives the same comparisons.
        let table = EventTable::from_data(&data).unwrap();
        let pw_table = LogRank::default()
            .weights(LogRankWeights::FlemingHarrington { rho, gamma: 0.0 })
            .pairwise_table(&table)
            .unwrap();
        assert_eq!(pw, pw_table);
        let first = c.nums("first");
        let second = c.nums("second");
        assert_eq!(pw.comparisons().len(), first.len());
        let fam = "R pairwise survdiff + p.adjust";
        for (i, cmp) in pw.comparisons().iter().enumerate() {
            assert_eq!(cmp.first() as f64, first[i]);
            assert_eq!(cmp.second() as f64, second[i]);
            let w = &c.name;
            check(
                fam,
                cmp.statistic(),
                c.nums("chisq")[i],
                TOL,
                &format!("{w} chisq"),
            );
            check(fam, cmp.p_value(), c.nums("p")[i], TOL, &format!("{w} p"));
            check(
                fam,
                cmp.p_bonferroni(),
                c.nums("p_bonferroni")[i],
                TOL,
                "bonferroni",
            );
            check(fam, cmp.p_holm(), c.nums("p_holm")[i], TOL, "holm");
            check(
                fam,
                cmp.p_benjamini_hochberg(),
                c.nums("p_bh")[i],
                TOL,
                "BH",
            );
        }
    }
    for c in parse(PY_REF)
        .iter()
        .filter(|c| c.name.starts_with("lifelines-pairwise/"))
    {
        let data = dataset(c.text("dataset"), None);
        let pw = LogRank::default()
            .time_fix(TimeFix::Exact)
            .pairwise(&data)
            .unwrap();
        let (first, second) = (c.nums("first"), c.nums("second"));
        for i in 0..first.len() {
            let cmp = pw.get(first[i] as usize, second[i] as usize).unwrap();
            let fam = "lifelines pairwise_logrank_test";
            check(fam, cmp.statistic(), c.nums("chisq")[i], TOL, &c.name);
            check(fam, cmp.p_value(), c.nums("p")[i], TOL, &c.name);
        }
    }
    report();
}

#[test]
fn z_matches_scipy() {
    for c in parse(PY_REF)
        .iter()
        .filter(|c| c.name.starts_with("scipy/"))
    {
        let data = dataset(c.text("dataset"), None);
        let res = log_rank(&data).unwrap();
        let fam = "scipy.stats.logrank";
        check(fam, res.z().unwrap(), c.num("z"), TOL, &c.name);
        for (alt, key) in [
            (Alternative::TwoSided, "p_two_sided"),
            (Alternative::Less, "p_less"),
            (Alternative::Greater, "p_greater"),
        ] {
            check(fam, res.z_p_value(alt).unwrap(), c.num(key), TOL, key);
        }
    }
    report();
}

#[test]
fn example_values_print_like_r() {
    // R: survdiff(Surv(futime, fustat) ~ rx, ovarian): Chisq= 1.1 on 1 degrees of freedom, p= 0.3
    let data = dataset("ovarian", None);
    let res = log_rank(&data).unwrap();
    assert_eq!(format!("{:.1}", res.statistic()), "1.1");
    assert_eq!(format!("{:.1}", res.p_value()), "0.3");
}

#[test]
fn table_and_data_entry_points_agree() {
    let data = dataset("veteran-trt-cell", None);
    let table = EventTable::from_data(&data).unwrap();
    let a = LogRank::default().test(&data).unwrap();
    let b = LogRank::default().test_table(&table).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.n_strata(), 4);
    assert_eq!(a.group_names(), ["1", "2"]);
}

#[test]
fn bad_input_is_a_typed_error() {
    // One group only.
    let one = SurvivalData::new(vec![1.0, 2.0], vec![true, false]).unwrap();
    assert!(matches!(
        log_rank(&one).as_ref().map_err(survkit::Error::detail),
        Err(ErrorDetail::TooFewGroups { found: 1, .. })
    ));
    // A group per subject, beyond the variance matrix's budget.
    let n = 9000;
    let many = SurvivalData::builder(vec![1.0; n], vec![true; n])
        .groups(&(0..n as u32).collect::<Vec<_>>())
        .build()
        .unwrap();
    assert!(matches!(
        log_rank(&many).as_ref().map_err(survkit::Error::detail),
        Err(ErrorDetail::BudgetExceeded { .. })
    ));
    // No events at all.
    let none = SurvivalData::builder(vec![1.0, 2.0], vec![false, false])
        .groups(&["a", "b"])
        .build()
        .unwrap();
    assert!(matches!(
        log_rank(&none).as_ref().map_err(survkit::Error::detail),
        Err(ErrorDetail::NoEvents { .. })
    ));
    // A group with no rows, from counts.
    let rows = [
        survkit::CountRow::new(1.0, 0, 1.0, 0.0),
        survkit::CountRow::new(2.0, 1, 1.0, 0.0),
    ];
    let table = EventTable::from_counts(&["a", "b", "c"], &["all"], &rows).unwrap();
    assert!(matches!(
        LogRank::default().test_table(&table).as_ref().map_err(survkit::Error::detail),
        Err(ErrorDetail::EmptyGroup { ref level, .. }) if level == "c"
    ));
    // Non-finite or negative Fleming-Harrington exponents.
    let data = dataset("aml", None);
    for (rho, gamma) in [(f64::NAN, 0.0), (0.0, f64::INFINITY), (-1.0, 0.0)] {
        assert!(matches!(
            LogRank::default()
                .weights(LogRankWeights::FlemingHarrington { rho, gamma })
                .test(&data)
                .as_ref()
                .map_err(survkit::Error::detail),
            Err(ErrorDetail::InvalidParameter { .. })
        ));
    }
    // Scores: wrong length, non-finite, constant.
    let res = log_rank(&data).unwrap();
    assert!(matches!(
        res.trend(&[1.0]).as_ref().map_err(survkit::Error::detail),
        Err(ErrorDetail::LengthMismatch { .. })
    ));
    assert!(matches!(
        res.trend(&[1.0, f64::NAN])
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::NonFinite { index: 1, .. })
    ));
    assert!(matches!(
        res.trend(&[2.0, 2.0])
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::InvalidParameter { .. })
    ));
    // Hazard ratios need two groups and unweighted statistics.
    let vet = log_rank(&dataset("veteran-cell", None)).unwrap();
    assert!(vet.z().is_none());
    assert!(vet
        .hazard_ratio(HazardRatioEstimator::Peto, ConfidenceLevel::NINETY_FIVE)
        .is_err());
    let fh = LogRank::default()
        .weights(LogRankWeights::PetoPeto)
        .test(&data)
        .unwrap();
    assert!(fh
        .hazard_ratio(HazardRatioEstimator::Peto, ConfidenceLevel::NINETY_FIVE)
        .is_err());
}

#[test]
fn degenerate_tests_follow_r() {
    // Group "b" is censored before the first event: its expected count is 0,
    // so R drops it: survdiff gives chisq 0 on 0 df and p = 1 for two such groups.
    let data = SurvivalData::builder(vec![5.0, 6.0, 1.0], vec![true, true, false])
        .groups(&["a", "a", "b"])
        .build()
        .unwrap();
    let res = log_rank(&data).unwrap();
    assert_eq!((res.statistic(), res.df(), res.p_value()), (0.0, 0, 1.0));
    // Singular variance with both expected counts positive (all at risk die
    // together): R's solve() stops; survkit reports chisq 0 on rank 0.
    let data = SurvivalData::builder(vec![1.0, 1.0], vec![true, true])
        .groups(&["a", "b"])
        .build()
        .unwrap();
    let res = log_rank(&data).unwrap();
    assert_eq!((res.statistic(), res.df(), res.p_value()), (0.0, 0, 1.0));
    assert_eq!(res.z(), Some(0.0));
}

#[test]
fn integer_case_weights_equal_replicated_rows() {
    let t = [3.0, 5.0, 5.0, 8.0, 9.0, 12.0];
    let e = [true, true, false, true, false, true];
    let g = [0u8, 1, 0, 1, 0, 1];
    let w = [2.0, 1.0, 3.0, 1.0, 2.0, 2.0];
    let weighted = SurvivalData::builder(&t[..], &e[..])
        .groups(&g)
        .weights(&w[..])
        .build()
        .unwrap();
    let (mut rt, mut re, mut rg) = (vec![], vec![], vec![]);
    for i in 0..t.len() {
        for _ in 0..w[i] as usize {
            rt.push(t[i]);
            re.push(e[i]);
            rg.push(g[i]);
        }
    }
    let replicated = SurvivalData::builder(rt, re).groups(&rg).build().unwrap();
    for wts in [
        LogRankWeights::LogRank,
        LogRankWeights::PetoPeto,
        LogRankWeights::FlemingHarrington {
            rho: 1.0,
            gamma: 0.5,
        },
    ] {
        let a = LogRank::default().weights(wts).test(&weighted).unwrap();
        let b = LogRank::default().weights(wts).test(&replicated).unwrap();
        assert_rel(a.statistic(), b.statistic(), 1e-13, "weighted chisq");
        assert_eq!(a.n(), b.n());
    }
}

/// More than 1024 groups is refused at once (the limit was 8192, and 1025
/// groups with a subject each ran the O(k²)-per-time accumulation and the
/// O(k³) solve).
#[test]
fn more_than_1024_groups_is_a_budget_error() {
    let k = 1025;
    let time: Vec<f64> = (1..=k).map(|i| i as f64).collect();
    let data = SurvivalData::builder(time, vec![true; k])
        .groups(&(0..k as u32).collect::<Vec<_>>())
        .build()
        .unwrap();
    assert!(matches!(
        log_rank(&data).as_ref().map_err(survkit::Error::detail),
        Err(ErrorDetail::BudgetExceeded { unit: "groups", .. })
    ));
    assert!(matches!(
        LogRank::new()
            .pairwise(&data)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::BudgetExceeded { .. })
    ));
}

/// A pair without events gets the degenerate test (χ² = 0 on 0 df, p = 1)
/// instead of failing the whole pairwise comparison; R: survdiff on the
/// pair (b, c) and (a, c) subsets, p.adjust over the 3 p-values.
#[test]
#[allow(clippy::excessive_precision)] // R's 17 significant digits, verbatim
fn pairwise_pair_without_events_is_degenerate() {
    // a and b: censored only; c: events.
    let data = SurvivalData::builder(
        vec![1.0, 2.0, 3.0, 4.0, 1.5, 2.5],
        vec![false, false, false, false, true, true],
    )
    .groups(&["a", "a", "b", "b", "c", "c"])
    .build()
    .unwrap();
    let pw = LogRank::new().pairwise(&data).unwrap();
    assert_eq!(pw.comparisons().len(), 3);
    let ab = pw.get(0, 1).unwrap();
    assert_eq!(
        (ab.statistic(), ab.test().df(), ab.p_value()),
        (0.0, 0, 1.0)
    );
    assert_eq!(ab.test().observed(), [0.0, 0.0]);
    assert_eq!(ab.p_bonferroni(), 1.0);
    // R 4.2.2 (survival 3.5-3) on the (a, b) subset prints "Chisq = 0 on -1
    // degrees of freedom, p = NA"; survkit's convention is 0 on 0 df, p = 1.
    // The pairs with c: survdiff(Surv(t, s) ~ g, data = d[d$g %in% pair, ]),
    // then p.adjust(c(1, p_ac, p_bc), "holm" | "BH").
    let r = [
        (
            (0, 2),
            0.50000000000000044,
            0.4795001221869532,
            0.95900024437390641,
            0.71925018328042978,
        ),
        (
            (1, 2),
            2.882352941176471,
            0.089555074413643104,
            0.26866522324092934,
            0.26866522324092934,
        ),
    ];
    for ((a, b), chisq, p, holm, bh) in r {
        let c = pw.get(a, b).unwrap();
        assert_eq!(c.test().df(), 1);
        assert_rel(c.statistic(), chisq, TOL, "pair chisq");
        assert_rel(c.p_value(), p, TOL, "pair p");
        assert_rel(c.p_holm(), holm, TOL, "pair holm");
        assert_rel(c.p_benjamini_hochberg(), bh, TOL, "pair BH");
    }
    // No events anywhere is still an error.
    let none = SurvivalData::builder(vec![1.0, 2.0, 3.0], vec![false; 3])
        .groups(&["a", "b", "c"])
        .build()
        .unwrap();
    assert!(matches!(
        LogRank::new()
            .pairwise(&none)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::NoEvents { .. })
    ));
}

#[test]
fn new_is_default() {
    assert_eq!(LogRank::new(), LogRank::default());
}

#[test]
fn near_tie_rule_survives_times_near_f64_max() {
    // R 4.2.2, survival 3.5-3 (its mean of the distinct times is a long
    // double sum, which does not overflow; no two of these times are near):
    //   m <- .Machine$double.xmax; t <- c(m, m/2, m/4, m/8)
    //   length(survfit(Surv(t, rep(1, 4)) ~ 1)$time) = 4
    //   survdiff(Surv(t, rep(1, 4)) ~ c(0, 1, 0, 1))$chisq = 0.61538461538461564
    let m = f64::MAX;
    let t = vec![m, m / 2.0, m / 4.0, m / 8.0];
    let data = SurvivalData::builder(t.clone(), vec![true; 4])
        .groups(&[0, 1, 0, 1])
        .build()
        .unwrap();
    for fix in [TimeFix::Tolerance, TimeFix::Exact] {
        let res = LogRank::default().time_fix(fix).test(&data).unwrap();
        assert_rel(
            res.statistic(),
            0.615_384_615_384_615_6,
            TOL,
            "chisq near f64::MAX",
        );
        let table = EventTable::from_data_with(&data, fix).unwrap();
        assert_eq!(table.n_rows(), 4);
    }
    let km = KaplanMeier::default()
        .fit(&SurvivalData::new(t, vec![true; 4]).unwrap())
        .unwrap();
    assert_eq!(km.curves()[0].len(), 4);
}
