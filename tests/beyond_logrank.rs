//! Beyond the log-rank test (#17), against R:
//! - RMST comparison against survRM2's `rmst2`, re-derived in R on top of
//!   survival's survfit (`tests/data/generate_rmst.R` → `rmst.txt`; the script
//!   checks each arm against `print(survfit, rmean = tau)` and the pbc case
//!   reproduces survRM2's published vignette numbers);
//! - landmark views and conditional survival (`generate_landmark.R` →
//!   `landmark.txt`): ratios of `summary(fit, times)` values, and survfit /
//!   survdiff on `subset(d, time > s)` with shifted times.

use crate::common::{assert_rel, parse};
use survkit::ErrorDetail;
use survkit::{
    CiTransform, ConfidenceLevel, Error, KaplanMeier, LogRank, RmstComparison, SurvivalData,
    TauRule,
};

const TOL: f64 = 1e-10;

#[test]
fn rmst2_reference() -> Result<(), Error> {
    let cases = parse(include_str!("data/rmst.txt"));
    assert!(cases.len() >= 10);
    for case in &cases {
        let arm: Vec<u8> = case.nums("in_arm").iter().map(|&a| a as u8).collect();
        let event: Vec<bool> = case.nums("in_event").iter().map(|&e| e == 1.0).collect();
        let data = SurvivalData::builder(case.nums("in_time"), event)
            .groups(&arm)
            .build()?;
        let rule = match case.text("rule") {
            "survrm2" => TauRule::Survrm2,
            _ => TauRule::MinimumOfLargest,
        };
        let mut cmp = RmstComparison::new()
            .tau_rule(rule)
            .confidence_level(ConfidenceLevel::new(case.num("level"))?);
        if case.num("specified") == 1.0 {
            cmp = cmp.tau(case.num("tau"));
        }
        let r = cmp.compare(&data)?;
        let name = &case.name;
        assert_eq!(r.tau(), case.num("tau"), "{name}: tau");
        assert_eq!(r.tau_specified(), case.num("specified") == 1.0);
        let (rmst, se) = (case.nums("rmst"), case.nums("se"));
        for (i, arm) in r.arms().iter().enumerate() {
            assert_rel(arm.rmst(), rmst[i], TOL, &format!("{name}: rmst[{i}]"));
            assert_rel(arm.std_err(), se[i], TOL, &format!("{name}: se[{i}]"));
        }
        for (key, c) in [
            ("diff", r.difference()),
            ("ratio", r.rmst_ratio()),
            ("rmtl_ratio", r.rmtl_ratio()),
        ] {
            let want = case.nums(key);
            let c = c.unwrap_or_else(|| panic!("{name}: {key} missing"));
            let got = [
                c.estimate(),
                c.confidence_interval().lower(),
                c.confidence_interval().upper(),
                c.p_value(),
            ];
            for (g, w) in got.iter().zip(&want) {
                assert_rel(*g, *w, TOL, &format!("{name}: {key}"));
            }
        }
    }
    Ok(())
}

#[test]
fn rmst2_prints_as_survrm2() -> Result<(), Error> {
    // survRM2's vignette, print(rmst2(time, status, arm, tau = 10)).
    let years: Vec<f64> = survkit::datasets::pbc::TIME
        .iter()
        .map(|t| t / 365.25)
        .collect();
    let arm: Vec<u8> = survkit::datasets::pbc::TRT
        .iter()
        .map(|&t| u8::from(t == 1))
        .collect();
    let data = SurvivalData::builder(years, survkit::datasets::pbc::event())
        .groups(&arm)
        .build()?;
    let text = RmstComparison::new().tau(10.0).compare(&data)?.to_string();
    for line in [
        "The truncation time: tau = 10  was specified. ",
        "RMST (arm=1) 7.146 0.283     6.592     7.701",
        "RMST (arm=0) 7.283 0.295     6.704     7.863",
        "RMST (arm=1)-(arm=0) -0.137    -0.939     0.665 0.738",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    Ok(())
}

#[test]
fn rmst_errors() -> Result<(), Error> {
    let data = SurvivalData::builder(vec![1.0, 2.0, 3.0, 4.0], vec![true, false, true, false])
        .groups(&["a", "a", "b", "b"])
        .build()?;
    // tau past the data: arm a ends censored at 2, arm b at 4.
    assert!(matches!(
        RmstComparison::new()
            .tau(2.5)
            .compare(&data)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::InvalidParameter { what: "tau", .. })
    ));
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(RmstComparison::new().tau(bad).compare(&data).is_err());
    }
    let one = SurvivalData::new(vec![1.0, 2.0], vec![true, true])?;
    assert!(matches!(
        RmstComparison::new()
            .compare(&one)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::TooFewGroups { .. })
    ));
    // No event before tau in either arm: the contrasts are not numbers.
    let quiet = SurvivalData::builder(vec![5.0, 6.0, 5.0, 6.0], vec![false, true, false, true])
        .groups(&[0u8, 0, 1, 1])
        .build()?;
    let r = RmstComparison::new().tau(4.0).compare(&quiet)?;
    assert_eq!(r.arms()[0].rmst(), 4.0);
    assert!(r.difference().is_none() && r.rmtl_ratio().is_none());
    Ok(())
}

#[test]
fn conditional_survival_reference() -> Result<(), Error> {
    let cases = parse(include_str!("data/landmark.txt"));
    let mut seen = 0;
    for case in cases.iter().filter(|c| c.name.starts_with("cond/")) {
        let event: Vec<bool> = case.nums("in_event").iter().map(|&e| e == 1.0).collect();
        let data = SurvivalData::new(case.nums("in_time"), event)?;
        let (s, times) = (case.num("landmark"), case.nums("times"));
        for (key, tr) in [
            ("log", CiTransform::Log),
            ("loglog", CiTransform::LogLog),
            ("plain", CiTransform::Plain),
            ("logit", CiTransform::Logit),
            ("arcsin", CiTransform::Arcsine),
        ] {
            let fit = KaplanMeier::new()
                .transform(tr)
                .confidence_level(ConfidenceLevel::new(case.num("level"))?)
                .fit(&data)?;
            let got = fit.curves()[0].conditional_survival(s, &times)?;
            let name = format!("{} {key}", case.name);
            let (se, lo, hi) = (
                case.nums(&format!("se_surv_{key}")),
                case.nums(&format!("lower_{key}")),
                case.nums(&format!("upper_{key}")),
            );
            for (i, c) in got.iter().enumerate() {
                assert_rel(c.survival(), case.nums("surv")[i], TOL, &name);
                assert_rel(c.std_err_surv(), se[i], TOL, &format!("{name} se[{i}]"));
                assert_rel(
                    c.confidence_interval().lower(),
                    lo[i],
                    TOL,
                    &format!("{name} lower[{i}]"),
                );
                assert_rel(
                    c.confidence_interval().upper(),
                    hi[i],
                    TOL,
                    &format!("{name} upper[{i}]"),
                );
            }
            seen += 1;
        }
    }
    assert_eq!(seen, 20);
    Ok(())
}

#[test]
fn landmark_logrank_reference() -> Result<(), Error> {
    let cases = parse(include_str!("data/landmark.txt"));
    let mut seen = 0;
    for case in cases
        .iter()
        .filter(|c| c.name.starts_with("landmark-logrank/"))
    {
        let event: Vec<bool> = case.nums("in_event").iter().map(|&e| e == 1.0).collect();
        let groups = case.words("in_group");
        let mut b = SurvivalData::builder(case.nums("in_time"), event).groups(&groups);
        let strata;
        if case.has("in_stratum") {
            strata = case.words("in_stratum");
            b = b.strata(&strata);
        }
        let view = b.build()?.landmark(case.num("landmark"))?;
        let test = LogRank::new().test(&view)?;
        let name = &case.name;
        assert_eq!(test.n(), case.nums("n").as_slice(), "{name}: n");
        for (g, w) in test.observed().iter().zip(case.nums("observed")) {
            assert_rel(*g, w, TOL, &format!("{name}: observed"));
        }
        for (g, w) in test.expected().iter().zip(case.nums("expected")) {
            assert_rel(*g, w, TOL, &format!("{name}: expected"));
        }
        assert_rel(
            test.statistic(),
            case.num("chisq"),
            TOL,
            &format!("{name}: chisq"),
        );
        seen += 1;
    }
    assert_eq!(seen, 4);
    Ok(())
}

#[test]
fn landmark_errors() -> Result<(), Error> {
    let data = SurvivalData::new(vec![1.0, 2.0, 3.0], vec![true, true, true])?;
    for bad in [-1.0, f64::NAN, f64::INFINITY] {
        assert!(data.landmark(bad).is_err());
    }
    assert!(matches!(
        data.landmark(3.0).as_ref().map_err(survkit::Error::detail),
        Err(ErrorDetail::EmptyInput { .. })
    ));
    let fit = KaplanMeier::new().fit(&data)?;
    let c = &fit.curves()[0];
    // The curve is 0 from 3 on: nothing to condition on.
    assert!(c.conditional_survival(3.0, &[4.0]).is_err());
    assert!(c.conditional_survival(2.0, &[1.0]).is_err());
    assert!(c.conditional_survival(1.0, &[]).is_err());
    let at = c.conditional_survival(1.0, &[1.0, 2.0])?;
    assert_eq!((at[0].survival(), at[1].survival()), (1.0, 0.5));
    Ok(())
}
