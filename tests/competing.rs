//! Competing risks against R: survival's multi-state `survfit` and
//! cmprsk's `cuminc` (tests/data/competing.txt, written by
//! tests/data/generate_competing.R).

use crate::common::{assert_rel, parse, rel_err, Case, TOL};
use survkit::ErrorDetail;
use survkit::{
    datasets::mgus2, CiTransform, CompetingRisksData, CompetingRisksTable, ConfidenceLevel,
    CumulativeIncidence, ErrorKind, TimeFix,
};

const DATA: &str = include_str!("data/competing.txt");

fn cases() -> Vec<Case> {
    parse(DATA)
}

fn find<'a>(cases: &'a [Case], name: &str) -> &'a Case {
    cases
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no case {name}"))
}

fn data_of(input: &Case) -> CompetingRisksData {
    let time = input.nums("in_time");
    let cause: Vec<u32> = input.counts("in_cause").iter().map(|&c| c as u32).collect();
    let mut b = CompetingRisksData::builder(time, cause).groups(&input.words("in_group"));
    if input.text("in_stratum") != "none" {
        b = b.strata(&input.words("in_stratum"));
    }
    b.build().expect("reference data are valid")
}

/// Largest relative errors seen, per kind, for the validation report.
#[derive(Default, Debug)]
struct MaxErr {
    estimate: f64,
    std_err_ij: f64,
    bounds: f64,
    var_delta: f64,
    stat: f64,
    p: f64,
}

fn check_data_set(cases: &[Case], name: &str, max: &mut MaxErr) {
    let input = find(cases, &format!("{name}/input"));
    let data = data_of(input);
    let fit = CumulativeIncidence::new()
        .rho(input.num("rho"))
        .fit(&data)
        .expect("fit");
    let up = |m: &mut f64, a: f64, e: f64, what: &str| {
        let r = rel_err(a, e);
        *m = m.max(r);
        assert_rel(a, e, TOL, what);
    };
    for c in cases
        .iter()
        .filter(|c| c.name.starts_with(&format!("{name}/survfit/")))
    {
        let group = c.text("group");
        let cause = c.num("cause") as u32;
        let curve = fit.curve(group, cause).expect("curve");
        assert_eq!(curve.time(), c.nums("time"), "{}", c.name);
        let n_risk: Vec<f64> = curve.n_risk().iter().map(|&n| n as f64).collect();
        assert_eq!(n_risk, c.nums("n_risk"), "{}", c.name);
        for (i, ((&e, &se), (&lo, &hi))) in c
            .nums("estimate")
            .iter()
            .zip(&c.nums("std_err"))
            .zip(c.nums("lower").iter().zip(&c.nums("upper")))
            .enumerate()
        {
            let what = format!("{} row {i}", c.name);
            up(
                &mut max.estimate,
                curve.estimate()[i],
                e,
                &format!("{what} estimate"),
            );
            up(
                &mut max.std_err_ij,
                curve.std_err_ij()[i],
                se,
                &format!("{what} std.err"),
            );
            up(
                &mut max.bounds,
                curve.lower()[i],
                lo,
                &format!("{what} lower"),
            );
            up(
                &mut max.bounds,
                curve.upper()[i],
                hi,
                &format!("{what} upper"),
            );
        }
    }
    for c in cases
        .iter()
        .filter(|c| c.name.starts_with(&format!("{name}/cuminc/")))
    {
        let curve = fit
            .curve(c.text("group"), c.num("cause") as u32)
            .expect("curve");
        for ((&t, &e), &v) in c
            .nums("time")
            .iter()
            .zip(&c.nums("est"))
            .zip(&c.nums("var"))
        {
            let what = format!("{} at {t}", c.name);
            up(
                &mut max.estimate,
                curve.estimate_at(t),
                e,
                &format!("{what} est"),
            );
            up(
                &mut max.var_delta,
                curve.variance_delta_at(t),
                v,
                &format!("{what} var"),
            );
        }
    }
    for c in cases
        .iter()
        .filter(|c| c.name.starts_with(&format!("{name}/gray/")))
    {
        let test = fit.gray_test(c.num("cause") as u32).expect("test");
        assert_eq!(test.df() as f64, c.num("df"));
        up(
            &mut max.stat,
            test.statistic(),
            c.num("stat"),
            &format!("{} stat", c.name),
        );
        up(
            &mut max.p,
            test.p_value(),
            c.num("p_upper"),
            &format!("{} p", c.name),
        );
        // cmprsk's own pv = 1 - pchisq(stat): equal while p is not tiny.
        assert_rel(test.p_value(), c.num("pv"), 1e-9, &format!("{} pv", c.name));
    }
}

#[test]
fn matches_survfit_and_cuminc() {
    let cases = cases();
    let mut max = MaxErr::default();
    for name in ["mgus2", "pbc", "ties", "ties_strata_rho1"] {
        let mut one = MaxErr::default();
        check_data_set(&cases, name, &mut one);
        eprintln!("{name}: {one:?}");
        for (m, o) in [
            (&mut max.estimate, one.estimate),
            (&mut max.std_err_ij, one.std_err_ij),
            (&mut max.bounds, one.bounds),
            (&mut max.var_delta, one.var_delta),
            (&mut max.stat, one.stat),
            (&mut max.p, one.p),
        ] {
            *m = m.max(o);
        }
    }
    // The measured maxima are reported in docs/validation/competing-risks.md.
    eprintln!("competing risks, max relative errors: {max:?}");
}

#[test]
fn intervals_in_every_transform_at_90_percent() {
    let cases = cases();
    let data = data_of(find(&cases, "mgus2/input"));
    for (name, transform) in [
        ("log-log", CiTransform::LogLog),
        ("plain", CiTransform::Plain),
        ("logit", CiTransform::Logit),
        ("arcsin", CiTransform::Arcsine),
    ] {
        let fit = CumulativeIncidence::new()
            .confidence_level(ConfidenceLevel::new(0.9).expect("valid"))
            .transform(transform)
            .fit(&data)
            .expect("fit");
        let prefix = format!("mgus2/ci/{name}/");
        let mut seen = 0;
        for c in cases.iter().filter(|c| c.name.starts_with(&prefix)) {
            let curve = fit
                .curve(c.text("group"), c.num("cause") as u32)
                .expect("curve");
            for (i, (&lo, &hi)) in c.nums("lower").iter().zip(&c.nums("upper")).enumerate() {
                let ci = curve.confidence_interval(i).expect("row");
                assert_eq!(ci.level().value(), 0.9);
                // NaN (R's NA) only where R has NA.
                assert_rel(ci.lower(), lo, TOL, &format!("{} lower {i}", c.name));
                assert_rel(ci.upper(), hi, TOL, &format!("{} upper {i}", c.name));
            }
            seen += 1;
        }
        assert_eq!(seen, 4, "{name}");
    }
}

#[test]
fn mgus2_embedded_matches_the_reference_input() {
    let cases = cases();
    let input = find(&cases, "mgus2/input");
    assert_eq!(mgus2::competing_time(), input.nums("in_time"));
    let cause: Vec<f64> = mgus2::competing_cause()
        .iter()
        .map(|&c| f64::from(c))
        .collect();
    assert_eq!(cause, input.nums("in_cause"));
    let sex: Vec<String> = mgus2::SEX.iter().map(|s| s.to_string()).collect();
    assert_eq!(sex, input.words("in_group"));
}

#[test]
fn prints_like_print_cuminc() {
    let expected: String = DATA
        .lines()
        .skip_while(|l| *l != "case: mgus2/print")
        .skip(2)
        .take_while(|l| l.starts_with("# |"))
        .map(|l| {
            format!(
                "{}\n",
                l.trim_start_matches("# | ").trim_start_matches("# |")
            )
        })
        .collect();
    let data = CompetingRisksData::builder(mgus2::competing_time(), mgus2::competing_cause())
        .group_levels(&mgus2::SEX, &mgus2::SEX_LEVELS)
        .build()
        .expect("valid");
    let fit = CumulativeIncidence::new().fit(&data).expect("fit");
    assert_eq!(fit.to_string(), expected);
}

#[test]
fn table_counts_per_cause() {
    let data = CompetingRisksData::builder(mgus2::competing_time(), mgus2::competing_cause())
        .group_levels(&mgus2::SEX, &mgus2::SEX_LEVELS)
        .build()
        .expect("valid");
    let table = CompetingRisksTable::new(&data).expect("table");
    // R: table(event, mgus2$sex)
    for (g, [c0, c1, c2]) in [(0, [202u64, 59, 370]), (1, [207, 56, 490])] {
        let counts = table.group(g).expect("group");
        assert_eq!(counts.n_censor().iter().sum::<u64>(), c0);
        assert_eq!(counts.n_event(1).expect("cause").iter().sum::<u64>(), c1);
        assert_eq!(counts.n_event(2).expect("cause").iter().sum::<u64>(), c2);
        assert_eq!(counts.n_event(3), None);
        assert_eq!(counts.n_risk()[0], c0 + c1 + c2);
    }
}

#[test]
fn near_ties_merge_unless_exact() {
    let t = vec![1.0, 1.0 + 1e-12, 2.0, 3.0];
    let data = CompetingRisksData::new(t, vec![1, 2, 1, 0]).expect("valid");
    let merged = CompetingRisksTable::new(&data).expect("table");
    assert_eq!(merged.group(0).expect("group").time(), [1.0, 2.0, 3.0]);
    let exact = CompetingRisksTable::with_time_fix(&data, TimeFix::Exact).expect("table");
    assert_eq!(exact.group(0).expect("group").time().len(), 4);
}

#[test]
fn bad_inputs_are_typed_errors() {
    let e = CompetingRisksData::new(vec![1.0, 2.0], vec![1]).unwrap_err();
    assert_eq!(
        e,
        ErrorDetail::LengthMismatch {
            what: "cause",
            expected: 2,
            actual: 1
        }
        .into()
    );
    let e = CompetingRisksData::new(vec![1.0, f64::NAN], vec![1, 0]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NonFinite);
    let e = CompetingRisksData::new(Vec::<f64>::new(), Vec::<u32>::new()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::EmptyInput);
    let many: Vec<u32> = (1..=65).collect();
    let e = CompetingRisksData::new(vec![1.0; 65], many).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::IntegerOutOfRange);
    let none = CompetingRisksData::new(vec![1.0, 2.0], vec![0, 0]).expect("valid");
    let e = CumulativeIncidence::new().fit(&none).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NoEvents);
    let one = CompetingRisksData::new(vec![1.0, 2.0], vec![1, 0]).expect("valid");
    let e = CumulativeIncidence::new()
        .rho(f64::NAN)
        .fit(&one)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidParameter);
    let empty = CompetingRisksData::builder(vec![1.0, 2.0], vec![1, 0])
        .group_levels(&["a", "a"], &["a", "b"])
        .build()
        .expect("valid");
    let e = CumulativeIncidence::new().fit(&empty).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::EmptyGroup);
}

#[test]
fn one_minus_km_overstates_incidence() {
    // 1 − KM of progression (death censored) exceeds the Aalen-Johansen CIF.
    let data =
        CompetingRisksData::new(mgus2::competing_time(), mgus2::competing_cause()).expect("valid");
    let fit = CumulativeIncidence::new().fit(&data).expect("fit");
    let pcm = fit.curve("all", 1).expect("curve");
    let km = survkit::KaplanMeier::new()
        .fit(
            &survkit::SurvivalData::new(
                mgus2::competing_time(),
                mgus2::competing_cause()
                    .iter()
                    .map(|&c| c == 1)
                    .collect::<Vec<_>>(),
            )
            .expect("valid"),
        )
        .expect("km");
    let s = &km.curves()[0];
    let last = pcm.estimate().last().copied().expect("rows");
    let naive = 1.0 - s.survival().last().copied().expect("rows");
    assert!(naive > last * 1.5, "1 - KM {naive} vs CIF {last}");
}

#[allow(dead_code)]
#[path = "../examples/competing_risks.rs"]
mod example;

#[test]
fn example_report_runs() {
    let report = example::report().expect("the example runs");
    assert!(report.contains("2 11.651259 0.000641591  1"), "{report}");
    // R: 1 - summary(survfit(Surv(e, ev == 1) ~ sex, mgus2), times = 240)$surv
    //    = 0.190, 0.230; pstate[, 2] = 0.105, 0.096
    assert!(report.contains("F: 0.105 against 0.190"), "{report}");
    assert!(report.contains("M: 0.096 against 0.230"), "{report}");
}

#[cfg(feature = "plot")]
#[test]
fn incidence_figure_is_valid_svg() {
    let data = CompetingRisksData::builder(mgus2::competing_time(), mgus2::competing_cause())
        .group_levels(&mgus2::SEX, &mgus2::SEX_LEVELS)
        .build()
        .expect("valid");
    let fit = CumulativeIncidence::new().fit(&data).expect("fit");
    let figure = survkit::KaplanMeierPlot::new()
        .confidence_bands(true)
        .draw_incidence(&fit, 1, fit.gray_test(1))
        .expect("figure");
    let doc = roxmltree::Document::parse(figure.svg()).expect("the SVG parses");
    let curves = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("curve"))
        .count();
    assert_eq!(curves, 2);
    assert!(figure.svg().contains("Gray&apos;s test P = .27"));
    assert!(figure
        .svg()
        .contains("<title>Cumulative incidence figure</title>"));
    // Numbers at risk at time 0: everybody (R: table(mgus2$sex)).
    let at0: Vec<f64> = figure
        .risk_table()
        .rows()
        .iter()
        .filter(|r| r.time() == 0.0)
        .map(|r| r.n_risk())
        .collect();
    assert_eq!(at0, [631.0, 753.0]);
    let e = survkit::KaplanMeierPlot::new()
        .draw_incidence(&fit, 7, None)
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::IntegerOutOfRange);
}

mod props {
    use proptest::prelude::*;
    use survkit::{CompetingRisksData, CumulativeIncidence};

    fn rows() -> impl Strategy<Value = Vec<(u8, u32, u8)>> {
        prop::collection::vec((0u8..12, 0u32..4, 0u8..3), 1..60)
    }

    proptest! {
        #[test]
        fn states_sum_to_one_and_order_does_not_matter(rows in rows(), shift in 0usize..60) {
            let time: Vec<f64> = rows.iter().map(|r| f64::from(r.0)).collect();
            let cause: Vec<u32> = rows.iter().map(|r| r.1).collect();
            let group: Vec<u8> = rows.iter().map(|r| r.2).collect();
            let data = CompetingRisksData::builder(time.clone(), cause.clone()).groups(&group).build().unwrap();
            let Ok(fit) = CumulativeIncidence::new().fit(&data) else {
                // no events at all
                prop_assert!(cause.iter().all(|&c| c == 0));
                return Ok(());
            };
            for g in fit.group_names() {
                let curves: Vec<_> = fit.curves().iter().filter(|c| c.group() == g).collect();
                for row in 0..curves[0].time().len() {
                    let total: f64 = curves.iter().map(|c| c.estimate()[row]).sum::<f64>() + curves[0].event_free()[row];
                    prop_assert!((total - 1.0).abs() < 1e-12);
                    for c in &curves {
                        prop_assert!(c.std_err_ij()[row] >= 0.0 && c.std_err_delta()[row] >= 0.0);
                        prop_assert!(c.std_err_ij()[row].is_finite());
                    }
                }
            }
            let k = shift % rows.len();
            let rot = |v: &[f64]| [&v[k..], &v[..k]].concat();
            let time2 = rot(&time);
            let cause2: Vec<u32> = [&cause[k..], &cause[..k]].concat();
            let group2: Vec<u8> = [&group[k..], &group[..k]].concat();
            let data2 = CompetingRisksData::builder(time2, cause2).groups(&group2).build().unwrap();
            let fit2 = CumulativeIncidence::new().fit(&data2).unwrap();
            for (a, b) in fit.curves().iter().zip(fit2.curves()) {
                prop_assert_eq!(a.estimate(), b.estimate());
                prop_assert_eq!(a.time(), b.time());
            }
            for &c in fit.causes() {
                match (fit.gray_test(c), fit2.gray_test(c)) {
                    (Some(x), Some(y)) => {
                        prop_assert_eq!(x.statistic(), y.statistic());
                        prop_assert!((0.0..=1.0).contains(&x.p_value()));
                    }
                    (None, None) => {}
                    _ => prop_assert!(false, "test availability differs"),
                }
            }
        }
    }
}
