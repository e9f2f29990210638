//! Kaplan-Meier, Nelson-Aalen, quantiles, restricted mean and survival at
//! given times against R survival 3.5-3 (tests/data/km.txt, written by
//! tests/data/generate_km.R), plus the hand-derived cases of Therneau's
//! validation suite.

use crate::common::{assert_all_rel, assert_rel, data_of, parse, rel_err, Case, TOL};
use survkit::ErrorDetail;
use survkit::{
    datasets, nelson_aalen, nelson_aalen_table, CiTransform, ConfidenceLevel, EventTable,
    KaplanMeier, KaplanMeierFit, SurvivalData, TimeFix,
};

const DATA: &str = include_str!("data/km.txt");

fn cases() -> Vec<Case> {
    parse(DATA)
}

/// The near-tie rule R used for the record (`timefix = TRUE` or `FALSE`).
fn time_fix_of(case: &Case) -> TimeFix {
    if case.num("timefix") == 1.0 {
        TimeFix::Tolerance
    } else {
        TimeFix::Exact
    }
}

fn fit_of(case: &Case, km: KaplanMeier) -> KaplanMeierFit {
    let fix = time_fix_of(case);
    km.time_fix(fix).fit(&data_of(case)).expect("fit")
}

fn concat(fit: &KaplanMeierFit, f: impl Fn(&survkit::SurvivalCurve) -> Vec<f64>) -> Vec<f64> {
    fit.curves().iter().flat_map(f).collect()
}

const TRANSFORMS: [(&str, CiTransform); 5] = [
    ("log", CiTransform::Log),
    ("loglog", CiTransform::LogLog),
    ("plain", CiTransform::Plain),
    ("logit", CiTransform::Logit),
    ("arcsin", CiTransform::Arcsine),
];
const LEVELS: [(u32, f64); 3] = [(90, 0.90), (95, 0.95), (99, 0.99)];

/// Largest relative error over pairs, for the validation report.
fn max_err(actual: &[f64], expected: &[f64]) -> f64 {
    actual
        .iter()
        .zip(expected)
        .map(|(&a, &e)| rel_err(a, e))
        .fold(0.0, f64::max)
}

#[test]
fn steps_standard_errors_and_cumulative_hazard_match_r() {
    let mut worst = 0.0_f64;
    for case in cases() {
        let fit = fit_of(&case, KaplanMeier::default());
        let sizes: Vec<f64> = fit.curves().iter().map(|c| c.len() as f64).collect();
        assert_eq!(
            sizes,
            case.nums("curve_sizes"),
            "{}: curve sizes",
            case.name
        );
        let n = &case.name;
        let checks: Vec<(&str, Vec<f64>)> = vec![
            ("time", concat(&fit, |c| c.time().to_vec())),
            ("n_risk", concat(&fit, |c| c.n_risk().to_vec())),
            ("n_event", concat(&fit, |c| c.n_event().to_vec())),
            ("n_censor", concat(&fit, |c| c.n_censor().to_vec())),
            ("surv", concat(&fit, |c| c.survival().to_vec())),
            ("cumhaz", concat(&fit, |c| c.cumulative_hazard().to_vec())),
        ];
        for (key, got) in checks {
            let want = case.nums(key);
            assert_all_rel(&got, &want, TOL, &format!("{n} {key}"));
            worst = worst.max(max_err(&got, &want));
        }
        if case.has("std_err") {
            for (key, got) in [
                ("std_err", concat(&fit, |c| c.std_err_log().to_vec())),
                ("se_surv", concat(&fit, |c| c.std_err_surv().to_vec())),
                (
                    "std_chaz",
                    concat(&fit, |c| c.std_err_cumulative_hazard().to_vec()),
                ),
            ] {
                let want = case.nums(key);
                assert_all_rel(&got, &want, TOL, &format!("{n} {key}"));
                worst = worst.max(max_err(&got, &want));
            }
        }
    }
    eprintln!("validation: steps/se/cumhaz max rel err {worst:e}");
}

#[test]
fn nelson_aalen_matches_r() {
    let mut worst = 0.0_f64;
    for case in cases().iter().filter(|c| c.has("std_chaz")) {
        let fix = time_fix_of(case);
        let table = EventTable::from_data_with(&data_of(case), fix).expect("table");
        let na = nelson_aalen_table(&table).expect("nelson-aalen");
        let h: Vec<f64> = na
            .iter()
            .flat_map(|c| c.cumulative_hazard().to_vec())
            .collect();
        let se: Vec<f64> = na.iter().flat_map(|c| c.std_err().to_vec()).collect();
        let t: Vec<f64> = na.iter().flat_map(|c| c.time().to_vec()).collect();
        assert_all_rel(&t, &case.nums("time"), TOL, &case.name);
        assert_all_rel(&h, &case.nums("cumhaz"), TOL, &case.name);
        assert_all_rel(&se, &case.nums("std_chaz"), TOL, &case.name);
        worst = worst
            .max(max_err(&h, &case.nums("cumhaz")))
            .max(max_err(&se, &case.nums("std_chaz")));
        if fix == TimeFix::Tolerance {
            let direct = nelson_aalen(&data_of(case)).expect("nelson-aalen");
            assert_eq!(direct, na);
        }
    }
    eprintln!("validation: Nelson-Aalen max rel err {worst:e}");
}

#[test]
fn pointwise_intervals_match_r_for_every_transform_and_level() {
    let mut worst = 0.0_f64;
    let mut worst_at = String::new();
    for case in cases().iter().filter(|c| c.has("std_err")) {
        for (tname, tr) in TRANSFORMS {
            for (lv, level) in LEVELS {
                let level = ConfidenceLevel::new(level).expect("level");
                let km = KaplanMeier::default().confidence_level(level).transform(tr);
                let fit = fit_of(case, km);
                let lo = concat(&fit, |c| c.lower().to_vec());
                let hi = concat(&fit, |c| c.upper().to_vec());
                let what = format!("{} {tname} {lv}", case.name);
                let (wl, wh) = (
                    case.nums(&format!("lower_{tname}_{lv}")),
                    case.nums(&format!("upper_{tname}_{lv}")),
                );
                assert_all_rel(&lo, &wl, TOL, &format!("{what} lower"));
                assert_all_rel(&hi, &wh, TOL, &format!("{what} upper"));
                let e = max_err(&lo, &wl).max(max_err(&hi, &wh));
                if e > worst {
                    worst = e;
                    worst_at.clone_from(&what);
                }
                // The same bounds from a default fit, recomputed at this level.
                let base = fit_of(case, KaplanMeier::default());
                let again: Vec<f64> = base
                    .curves()
                    .iter()
                    .flat_map(|c| {
                        c.pointwise_ci(level, tr)
                            .expect("ci")
                            .iter()
                            .map(|ci| ci.lower())
                            .collect::<Vec<_>>()
                    })
                    .collect();
                assert_all_rel(&again, &wl, TOL, &format!("{what} pointwise_ci"));
            }
        }
    }
    eprintln!("validation: pointwise CI max rel err {worst:e} ({worst_at})");
}

#[test]
fn quantiles_with_intervals_match_r_quantile_survfit() {
    let mut worst = 0.0_f64;
    for case in cases().iter().filter(|c| c.has("q_est")) {
        let probs = case.nums("q_probs");
        for (tname, tr) in TRANSFORMS {
            for (lv, level) in LEVELS {
                let level = ConfidenceLevel::new(level).expect("level");
                let fit = fit_of(
                    case,
                    KaplanMeier::default().confidence_level(level).transform(tr),
                );
                let mut est = Vec::new();
                let mut lo = Vec::new();
                let mut hi = Vec::new();
                for c in fit.curves() {
                    for &p in &probs {
                        let q = c.quantile(p).expect("valid p");
                        est.push(q.estimate().unwrap_or(f64::NAN));
                        lo.push(q.lower().unwrap_or(f64::NAN));
                        hi.push(q.upper().unwrap_or(f64::NAN));
                    }
                }
                let what = format!("{} {tname} {lv}", case.name);
                let (wl, wh) = (
                    case.nums(&format!("q_lower_{tname}_{lv}")),
                    case.nums(&format!("q_upper_{tname}_{lv}")),
                );
                assert_all_rel(&lo, &wl, TOL, &format!("{what} quantile lower"));
                assert_all_rel(&hi, &wh, TOL, &format!("{what} quantile upper"));
                worst = worst.max(max_err(&lo, &wl)).max(max_err(&hi, &wh));
                assert_all_rel(&est, &case.nums("q_est"), TOL, &format!("{what} quantile"));
            }
        }
        // The median (p = 0.5) through its own accessor.
        let fit = fit_of(case, KaplanMeier::default());
        let med: Vec<f64> = fit
            .medians()
            .iter()
            .map(|q| q.estimate().unwrap_or(f64::NAN))
            .collect();
        let want: Vec<f64> = case
            .nums("q_est")
            .chunks(probs.len())
            .map(|c| c[2])
            .collect();
        assert_all_rel(&med, &want, TOL, &format!("{} median", case.name));
    }
    eprintln!("validation: quantile CI max rel err {worst:e}");
}

/// `print.survfit`'s table median differs from `quantile()` only when the
/// curve ends exactly on 0.5; in every reference case but `flat-half` they agree.
#[test]
fn print_table_median_differs_only_when_the_curve_ends_on_one_half() {
    for case in cases().iter().filter(|c| c.has("table_median")) {
        let fit = fit_of(case, KaplanMeier::default());
        let med: Vec<f64> = fit
            .medians()
            .iter()
            .map(|q| q.estimate().unwrap_or(f64::NAN))
            .collect();
        let table = case.nums("table_median");
        if case.name == "km/flat-half" {
            assert_eq!(med, vec![3.0]);
            assert_eq!(table, vec![2.0]);
        } else {
            assert_all_rel(&med, &table, TOL, &format!("{} table median", case.name));
        }
    }
}

#[test]
fn restricted_mean_matches_r_survmean() {
    let mut worst = 0.0_f64;
    for case in cases().iter().filter(|c| c.has("rmean_tau")) {
        let fit = fit_of(case, KaplanMeier::default());
        let common = fit.restricted_means(None).expect("rmean");
        assert_rel(
            common[0].tau(),
            case.num("rmean_common_tau"),
            0.0,
            &format!("{} common tau", case.name),
        );
        let est: Vec<f64> = common.iter().map(|r| r.estimate()).collect();
        let se: Vec<f64> = common.iter().map(|r| r.std_err()).collect();
        assert_all_rel(&est, &case.nums("rmean_common"), TOL, &case.name);
        assert_all_rel(&se, &case.nums("se_rmean_common"), TOL, &case.name);
        worst = worst
            .max(max_err(&est, &case.nums("rmean_common")))
            .max(max_err(&se, &case.nums("se_rmean_common")));
        let tau = fit.restricted_means(Some(case.num("tau"))).expect("rmean");
        let est: Vec<f64> = tau.iter().map(|r| r.estimate()).collect();
        let se: Vec<f64> = tau.iter().map(|r| r.std_err()).collect();
        assert_all_rel(&est, &case.nums("rmean_tau"), TOL, &case.name);
        assert_all_rel(&se, &case.nums("se_rmean_tau"), TOL, &case.name);
        worst = worst
            .max(max_err(&est, &case.nums("rmean_tau")))
            .max(max_err(&se, &case.nums("se_rmean_tau")));
    }
    eprintln!("validation: rmean max rel err {worst:e}");
}

#[test]
fn survival_at_times_matches_r_summary_extend() {
    let mut worst = 0.0_f64;
    for case in cases().iter().filter(|c| c.has("st_times")) {
        let fit = fit_of(case, KaplanMeier::default());
        let times = case.nums("st_times");
        let rows: Vec<_> = fit
            .curves()
            .iter()
            .flat_map(|c| c.survival_at(&times).expect("times"))
            .collect();
        let n = &case.name;
        for (key, got) in [
            (
                "st_n_risk",
                rows.iter().map(|r| r.n_risk()).collect::<Vec<_>>(),
            ),
            ("st_n_event", rows.iter().map(|r| r.n_event()).collect()),
            ("st_n_censor", rows.iter().map(|r| r.n_censor()).collect()),
            ("st_surv", rows.iter().map(|r| r.survival()).collect()),
            (
                "st_std_err",
                rows.iter().map(|r| r.std_err_surv()).collect(),
            ),
            (
                "st_lower",
                rows.iter()
                    .map(|r| r.confidence_interval().lower())
                    .collect(),
            ),
            (
                "st_upper",
                rows.iter()
                    .map(|r| r.confidence_interval().upper())
                    .collect(),
            ),
        ] {
            let want = case.nums(key);
            assert_all_rel(&got, &want, TOL, &format!("{n} {key}"));
            worst = worst.max(max_err(&got, &want));
        }
    }
    eprintln!("validation: survival at times max rel err {worst:e}");
}

#[test]
fn reverse_km_median_follow_up_matches_r() {
    let mut worst = 0.0_f64;
    for case in cases().iter().filter(|c| c.has("rev_median")) {
        let fix = time_fix_of(case);
        let fu = KaplanMeier::default()
            .time_fix(fix)
            .median_follow_up(&data_of(case))
            .expect("follow-up");
        let est: Vec<f64> = fu
            .iter()
            .map(|q| q.estimate().unwrap_or(f64::NAN))
            .collect();
        let lo: Vec<f64> = fu.iter().map(|q| q.lower().unwrap_or(f64::NAN)).collect();
        let hi: Vec<f64> = fu.iter().map(|q| q.upper().unwrap_or(f64::NAN)).collect();
        assert_all_rel(&est, &case.nums("rev_median"), TOL, &case.name);
        assert_all_rel(&lo, &case.nums("rev_lower"), TOL, &case.name);
        assert_all_rel(&hi, &case.nums("rev_upper"), TOL, &case.name);
        worst = worst
            .max(max_err(&est, &case.nums("rev_median")))
            .max(max_err(&lo, &case.nums("rev_lower")))
            .max(max_err(&hi, &case.nums("rev_upper")));
    }
    eprintln!("validation: reverse KM median max rel err {worst:e}");
}

#[test]
fn reference_inputs_are_the_embedded_data_sets() {
    let all = cases();
    let find = |name: &str| all.iter().find(|c| c.name == name).expect("case");
    assert_eq!(find("km/aml").nums("in_time"), datasets::aml::TIME.to_vec());
    assert_eq!(
        find("km/lung").nums("in_time"),
        datasets::lung::TIME.to_vec()
    );
    let ev: Vec<f64> = datasets::lung::event()
        .iter()
        .map(|&e| f64::from(u8::from(e)))
        .collect();
    assert_eq!(find("km/lung").nums("in_event"), ev);
    assert_eq!(
        find("km/ovarian").nums("in_time"),
        datasets::ovarian::FUTIME.to_vec()
    );
    assert_eq!(
        find("km/veteran-by-trt").nums("in_time"),
        datasets::veteran::TIME.to_vec()
    );
}

/// Therneau's test data 1 (R survival tests/book1.R, vignettes/validate.Rnw):
/// times 1, 1+, 6, 6, 8+, 9 — a tied death, a death and a censoring at the
/// same time, a lone death and a lone censoring. Closed forms by hand.
#[test]
fn book_data_1_hand_derived() {
    let data = SurvivalData::new(
        vec![9.0, 1.0, 1.0, 6.0, 6.0, 8.0],
        vec![true, true, false, true, true, false],
    )
    .expect("data");
    let fit = KaplanMeier::default().fit(&data).expect("fit");
    let c = &fit.curves()[0];
    assert_eq!(c.time(), [1.0, 6.0, 8.0, 9.0]);
    assert_eq!(c.n_risk(), [6.0, 4.0, 2.0, 1.0]);
    assert_eq!(c.n_event(), [1.0, 2.0, 0.0, 1.0]);
    assert_eq!(c.n_censor(), [1.0, 0.0, 1.0, 0.0]);
    // S(1) = 5/6, S(6) = 5/6 · 2/4, S(9) = 0.
    assert_all_rel(
        c.survival(),
        &[5.0 / 6.0, 5.0 / 12.0, 5.0 / 12.0, 0.0],
        TOL,
        "S",
    );
    // Greenwood: 1/(6·5), + 2/(4·2); infinite after n = d at 9.
    let g1: f64 = 1.0 / 30.0;
    let g6: f64 = g1 + 2.0 / 8.0;
    assert_all_rel(
        c.std_err_log(),
        &[g1.sqrt(), g6.sqrt(), g6.sqrt(), f64::INFINITY],
        TOL,
        "se",
    );
    // Nelson-Aalen: 1/6, + 2/4, + 1/1; variance 1/36, + 2/16, + 1.
    assert_all_rel(
        &c.cumulative_hazard(),
        &[1.0 / 6.0, 2.0 / 3.0, 2.0 / 3.0, 5.0 / 3.0],
        TOL,
        "cumhaz",
    );
    let v = [
        1.0 / 36.0,
        1.0 / 36.0 + 0.125,
        1.0 / 36.0 + 0.125,
        1.0 / 36.0 + 1.125,
    ];
    let se: Vec<f64> = v.iter().map(|x: &f64| x.sqrt()).collect();
    assert_all_rel(&c.std_err_cumulative_hazard(), &se, TOL, "std.chaz");
    // Median: S first ≤ 0.5 at 6 (S = 5/12 < 0.5), so the median is 6.
    assert_eq!(c.median().estimate(), Some(6.0));
    // RMST to 9: 1·1 + 5·5/6 + 3·5/12 = 1 + 25/6 + 5/4.
    let rm = c.restricted_mean(9.0).expect("tau");
    assert_rel(rm.estimate(), 1.0 + 25.0 / 6.0 + 1.25, TOL, "rmean");
}

/// Therneau's test data 3: test data 1 with case weights 1..4 (validate.Rnw).
#[test]
fn book_data_3_weighted_hand_derived() {
    let data = SurvivalData::builder(
        vec![1.0, 1.0, 2.0, 2.0, 2.0, 2.0, 3.0, 4.0, 5.0],
        vec![true, false, true, true, true, false, false, true, false],
    )
    .weights(vec![1.0, 2.0, 3.0, 4.0, 3.0, 2.0, 1.0, 2.0, 1.0])
    .build()
    .expect("data");
    let fit = KaplanMeier::default().fit(&data).expect("fit");
    let c = &fit.curves()[0];
    // At 3: G (1) + H (2) + I (1) = 4 at risk; at 4: H + I = 3.
    assert_eq!(c.n_risk(), [19.0, 16.0, 4.0, 3.0, 1.0]);
    assert_eq!(c.n_event(), [1.0, 10.0, 0.0, 2.0, 0.0]);
    // S = 18/19, · 6/16, ·1/3.
    let s = [
        18.0 / 19.0,
        27.0 / 76.0,
        27.0 / 76.0,
        9.0 / 76.0,
        9.0 / 76.0,
    ];
    assert_all_rel(c.survival(), &s, TOL, "S");
    // Hazard increments 1/19, 10/16 = 5/8, 2/3 (validate.Rnw, beta = 0).
    let h = [1.0 / 19.0, 1.0 / 19.0 + 0.625, 1.0 / 19.0 + 0.625];
    assert_all_rel(&c.cumulative_hazard()[..3], &h, TOL, "cumhaz");
    assert_rel(
        c.cumulative_hazard()[3],
        1.0 / 19.0 + 0.625 + 2.0 / 3.0,
        TOL,
        "cumhaz(4)",
    );
    let g: f64 = 1.0 / (19.0 * 18.0) + 10.0 / (16.0 * 6.0) + 2.0 / 3.0;
    assert_rel(c.std_err_log()[3], g.sqrt(), TOL, "greenwood(4)");
}

#[test]
fn strata_split_curves_group_major_with_joint_names() {
    let case = cases()
        .into_iter()
        .find(|c| c.name == "km/lung-by-sex-and-ecog")
        .expect("case");
    let fit = fit_of(&case, KaplanMeier::default());
    let names: Vec<&str> = fit.curves().iter().map(|c| c.name()).collect();
    assert_eq!(
        names,
        ["1, 0", "1, 1", "1, 2", "1, 9", "2, 0", "2, 1", "2, 2"]
    );
    assert_eq!(fit.curve("2, 1").map(|c| c.group()), Some("2"));
}

#[test]
fn bad_arguments_are_errors() {
    let data = SurvivalData::new(vec![1.0, 2.0], vec![true, false]).expect("data");
    let fit = KaplanMeier::default().fit(&data).expect("fit");
    let c = &fit.curves()[0];
    assert!(c.quantile(1.5).is_err());
    assert!(c.quantile(f64::NAN).is_err());
    assert!(c.quantile(-0.1).is_err());
    assert!(c.survival_at(&[]).is_err());
    assert!(c.survival_at(&[f64::NAN]).is_err());
    assert!(c.survival_at(&[f64::INFINITY]).is_err());
    assert!(c.restricted_mean(f64::NAN).is_err());
    assert!(c.restricted_mean(-1.0).is_err());
}

/// A valid level within 2⁻⁵³ of 1: `1 − α/2` rounds to 1 (R's
/// `survfit(conf.int = 1 - 2^-53)` gets `qnorm(1) = Inf`), but `α/2 = 2⁻⁵⁴`
/// is exact. R 4.2.2: `sprintf("%.17g", qnorm(2^-54))` = -8.2923610758135951.
#[test]
#[allow(clippy::excessive_precision)] // R's 17 significant digits, verbatim
fn level_next_to_one_has_finite_z() {
    let level = ConfidenceLevel::new(1.0 - f64::EPSILON / 2.0).expect("valid level");
    let data = SurvivalData::new(&datasets::aml::TIME[..], datasets::aml::event()).expect("data");
    let fit = KaplanMeier::default()
        .confidence_level(level)
        .fit(&data)
        .expect("fit must not fail on a valid level");
    let c = &fit.curves()[0];
    let z = 8.2923610758135951_f64;
    // Log transform, first row: S = 21/23 (two events at t = 5 among 23), se = √(2/(23·21)).
    let (s, se) = (c.survival()[0], c.std_err_log()[0]);
    assert_rel(c.lower()[0], (s.ln() - z * se).exp(), TOL, "lower");
    assert_eq!(c.upper()[0], 1.0);
    let ci = c
        .pointwise_ci(level, CiTransform::LogLog)
        .expect("pointwise_ci");
    assert!(ci[0].lower() < s && ci[0].upper() > s);
    assert!(c.with_ci(level, CiTransform::Plain).is_ok());
    // Both bounds of `survival_at` and the median interval come from the same bands.
    let at = c.survival_at(&[5.0]).expect("survival_at");
    assert_rel(
        at[0].confidence_interval().lower(),
        c.lower()[0],
        TOL,
        "survival_at lower",
    );
}

/// A group whose case weights are all zero has no curve: `EmptyGroup`.
#[test]
fn all_zero_weight_group_is_empty_group() {
    let data = SurvivalData::builder(vec![1.0, 2.0, 3.0, 4.0], vec![true, true, false, true])
        .groups(&["a", "a", "b", "b"])
        .weights(vec![1.0, 1.0, 0.0, 0.0])
        .build()
        .expect("data");
    match KaplanMeier::new()
        .fit(&data)
        .map_err(survkit::Error::into_detail)
    {
        Err(ErrorDetail::EmptyGroup { .. }) => {}
        other => panic!("expected EmptyGroup, got {other:?}"),
    }
}

#[test]
fn weights_summing_past_2_pow_53_keep_exact_risk_sets() {
    // Closed form: weight 2^53 dies at t = 1, weight 1 dies at t = 2, so 1 is
    // at risk at t = 2 and the Nelson-Aalen increment there is 1/1. The
    // total 2^53 + 1 is not an f64; the packed integer form must not be
    // chosen (it once rounded the total and lost the last subject).
    let big = 9_007_199_254_740_992.0_f64;
    let data = SurvivalData::builder(vec![1.0, 2.0], vec![true, true])
        .weights(vec![big, 1.0])
        .build()
        .unwrap();
    let fit = KaplanMeier::default().fit(&data).unwrap();
    let c = &fit.curves()[0];
    assert_eq!(c.n_risk()[1], 1.0);
    assert_eq!(c.n_event(), [big, 1.0]);
    assert_eq!(c.cumulative_hazard()[1], 2.0);
    assert_eq!(c.survival_at(&[1.5]).unwrap()[0].n_risk(), 1.0);
}
