//! Designing the next study (issue #15): Simon's published designs, exact
//! probabilities against exact rational arithmetic, inference after a
//! two-stage trial, A'Hern's single-stage designs, log-rank events and
//! patients against rpact and the closed forms, and property tests.
//!
//! Reference data: `tests/data/design_r.txt` and `design_print.txt`, made by
//! `tests/data/generate_design.R`.

use crate::common::{assert_rel, parse, Case, TOL};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{One, ToPrimitive, Zero};
use proptest::prelude::*;
use survkit::ErrorDetail;
use survkit::{
    ConfidenceLevel, EventsMethod, LogRankEvents, Sided, SimonSearch, SingleStageSearch,
    SurvivalSampleSize, SurvivalSampleSizeMethod, TwoStageDesign,
};

fn cases(prefix: &str) -> Vec<Case> {
    let all = parse(include_str!("data/design_r.txt"));
    let v: Vec<Case> = all
        .into_iter()
        .filter(|c| c.name.starts_with(prefix))
        .collect();
    assert!(!v.is_empty(), "no cases {prefix}");
    v
}

// ---------------------------------------------------------------- Simon

/// Simon (1989), Table 1, as printed: (p0, p1, alpha, beta, optimal
/// (r1, n1, r, n, EN, PET), minimax (...)). The first row is the one the
/// issue quotes.
#[allow(clippy::type_complexity)]
const SIMON_TABLE: [(f64, f64, f64, f64, [f64; 6], [f64; 6]); 7] = [
    (
        0.10,
        0.30,
        0.05,
        0.20,
        [1., 10., 5., 29., 15.0, 0.74],
        [1., 15., 5., 25., 19.5, 0.55],
    ),
    (
        0.05,
        0.25,
        0.05,
        0.20,
        [0., 9., 2., 17., 12.0, 0.63],
        [0., 12., 2., 16., 13.8, 0.54],
    ),
    (
        0.10,
        0.30,
        0.10,
        0.10,
        [1., 12., 5., 35., 19.8, 0.66],
        [1., 16., 4., 25., 20.4, 0.51],
    ),
    (
        0.20,
        0.40,
        0.05,
        0.20,
        [3., 13., 12., 43., 20.6, 0.75],
        [4., 18., 10., 33., 22.3, 0.72],
    ),
    (
        0.30,
        0.50,
        0.05,
        0.20,
        [5., 15., 18., 46., 23.6, 0.72],
        [6., 19., 16., 39., 25.7, 0.67],
    ),
    (
        0.40,
        0.60,
        0.05,
        0.20,
        [7., 16., 23., 46., 24.5, 0.72],
        [17., 34., 20., 39., 34.4, 0.91],
    ),
    (
        0.50,
        0.70,
        0.05,
        0.20,
        [8., 15., 26., 43., 23.5, 0.70],
        [12., 23., 23., 37., 27.7, 0.66],
    ),
];

#[test]
fn simon_published_table() {
    for (p0, p1, alpha, beta, opt, mm) in SIMON_TABLE {
        let found = SimonSearch::new(p0, p1)
            .unwrap()
            .alpha(alpha)
            .beta(beta)
            .search()
            .unwrap();
        for (d, want) in [(found.optimal(), opt), (found.minimax(), mm)] {
            let t = d.design();
            let got = [t.r1() as f64, t.n1() as f64, t.r() as f64, t.n() as f64];
            assert_eq!(got, want[..4], "p0 = {p0}, p1 = {p1}");
            assert_eq!(
                format!("{:.1}", d.expected_size()),
                format!("{:.1}", want[4])
            );
            assert_eq!(
                format!("{:.2}", d.early_termination()),
                format!("{:.2}", want[5])
            );
            assert!(d.type_i_error() <= alpha && d.power() >= 1.0 - beta);
        }
        // The admissible designs run from the minimax to the optimal design,
        // with n increasing, EN decreasing and q intervals tiling [0, 1].
        let adm = found.admissible();
        assert_eq!(adm[0].weight_range().unwrap().1, 1.0);
        assert_eq!(adm.last().unwrap().weight_range().unwrap().0, 0.0);
        for w in adm.windows(2) {
            assert!(w[0].design().n() < w[1].design().n());
            assert!(w[0].expected_size() > w[1].expected_size());
            assert_eq!(
                w[0].weight_range().unwrap().0,
                w[1].weight_range().unwrap().1
            );
        }
    }
}

#[test]
fn operating_characteristics_match_r() {
    for c in cases("oc/") {
        let d = TwoStageDesign::new(
            c.num("r1") as u64,
            c.num("n1") as u64,
            c.num("r") as u64,
            c.num("n") as u64,
        )
        .unwrap();
        let oc = d.characteristics(c.num("p")).unwrap();
        assert_rel(oc.rejection_probability(), c.num("reject"), TOL, &c.name);
        assert_rel(oc.early_termination(), c.num("pet"), TOL, &c.name);
        assert_rel(oc.expected_size(), c.num("en"), TOL, &c.name);
    }
}

/// Exact rational `C(n, k) p^k (1 − p)^(n − k)`.
fn rat_pmf(n: u64, k: u64, p: &BigRational) -> BigRational {
    let mut c = BigInt::one();
    for i in 0..k {
        c = c * BigInt::from(n - i) / BigInt::from(i + 1);
    }
    let q = BigRational::one() - p;
    BigRational::from_integer(c)
        * num_traits::pow(p.clone(), k as usize)
        * num_traits::pow(q, (n - k) as usize)
}

/// Exact P(reject), PET and EN of a design at the exact value of `p`.
fn rat_oc(d: &TwoStageDesign, p: f64) -> (f64, f64, f64) {
    let p = BigRational::from_float(p).unwrap();
    let (r1, n1, r, n) = (d.r1(), d.n1(), d.r(), d.n());
    let n2 = n - n1;
    let pmf2: Vec<BigRational> = (0..=n2).map(|k| rat_pmf(n2, k, &p)).collect();
    let mut reject = BigRational::zero();
    let mut pet = BigRational::zero();
    for x1 in 0..=n1 {
        let b = rat_pmf(n1, x1, &p);
        if x1 <= r1 {
            pet += b;
            continue;
        }
        let mut tail = BigRational::zero();
        for (x2, q) in pmf2.iter().enumerate() {
            if x1 + x2 as u64 > r {
                tail += q;
            }
        }
        reject += b * tail;
    }
    let en = BigRational::from_integer(n1.into())
        + (BigRational::one() - &pet) * BigRational::from_integer(n2.into());
    (
        reject.to_f64().unwrap(),
        pet.to_f64().unwrap(),
        en.to_f64().unwrap(),
    )
}

#[test]
fn exact_probabilities_against_rationals() {
    let mut worst: f64 = 0.0;
    for (p0, p1, alpha, beta, _, _) in SIMON_TABLE {
        let found = SimonSearch::new(p0, p1)
            .unwrap()
            .alpha(alpha)
            .beta(beta)
            .search()
            .unwrap();
        for d in found.admissible() {
            let (a, pet, en) = rat_oc(&d.design(), p0);
            let (pw, _, _) = rat_oc(&d.design(), p1);
            for (got, want) in [
                (d.type_i_error(), a),
                (d.early_termination(), pet),
                (d.expected_size(), en),
                (d.power(), pw),
            ] {
                worst = worst.max(crate::common::rel_err(got, want));
                assert_rel(got, want, 1e-12, "rational oracle");
            }
            assert!(a <= alpha && pw >= 1.0 - beta, "exact constraints");
        }
    }
    eprintln!("largest relative error against rationals: {worst:e}");
}

#[test]
fn simon_display_like_clinfun() {
    let text = include_str!("data/design_print.txt");
    let (simon, infer) = text.split_once("----\n").unwrap();
    let found = SimonSearch::new(0.1, 0.3).unwrap().search().unwrap();
    let shown = found.to_string();
    assert!(shown.starts_with(simon), "{shown}\n---\n{simon}");
    let d = TwoStageDesign::new(1, 10, 5, 29).unwrap();
    let inf = d
        .inference(8, 0.1, ConfidenceLevel::new(0.9).unwrap())
        .unwrap();
    assert_eq!(inf.to_string(), infer);
}

#[test]
fn simon_search_budget_and_errors() {
    let s = SimonSearch::new(0.05, 0.10).unwrap().nmax(1000);
    match s
        .time_limit(std::time::Duration::from_millis(50))
        .search()
        .map_err(survkit::Error::into_detail)
    {
        Err(ErrorDetail::SearchStopped {
            reached, target, ..
        }) => {
            assert!(reached < target);
        }
        other => panic!("expected SearchStopped, got {other:?}"),
    }
    let err = SimonSearch::new(0.1, 0.3)
        .unwrap()
        .nmax(15)
        .search()
        .unwrap_err();
    assert_eq!(
        err,
        ErrorDetail::NoFeasibleDesign {
            what: "Simon two-stage design",
            nmax: 15
        }
        .into()
    );
    assert!(SimonSearch::new(0.3, 0.1).is_err());
    assert!(SimonSearch::new(0.0, 0.1).is_err());
    assert!(SimonSearch::new(0.1, 0.3)
        .unwrap()
        .alpha(0.5)
        .search()
        .is_err());
    assert!(SimonSearch::new(0.1, 0.3)
        .unwrap()
        .beta(f64::NAN)
        .search()
        .is_err());
    assert!(SimonSearch::new(0.1, 0.3)
        .unwrap()
        .nmax(0)
        .search()
        .is_err());
    assert!(SimonSearch::new(0.1, 0.3)
        .unwrap()
        .nmax(1001)
        .search()
        .is_err());
}

// ---------------------------------------------------------------- inference

/// Exact p-value under the stage-wise ordering.
fn rat_pvalue(d: &TwoStageDesign, s: u64, p: f64) -> f64 {
    let p = BigRational::from_float(p).unwrap();
    let (r1, n1, n) = (d.r1(), d.n1(), d.n());
    let pmf1: Vec<BigRational> = (0..=n1).map(|k| rat_pmf(n1, k, &p)).collect();
    let mut sum = BigRational::zero();
    if s <= r1 {
        for b in &pmf1[s as usize..] {
            sum += b;
        }
    } else {
        let pmf2: Vec<BigRational> = (0..=n - n1).map(|k| rat_pmf(n - n1, k, &p)).collect();
        for x1 in r1 + 1..=n1 {
            let mut tail = BigRational::zero();
            for (x2, q) in pmf2.iter().enumerate() {
                if x1 + x2 as u64 >= s {
                    tail += q;
                }
            }
            sum += &pmf1[x1 as usize] * tail;
        }
    }
    sum.to_f64().unwrap()
}

#[test]
fn inference_matches_independent_r_and_rationals() {
    let mut worst = [0.0f64; 4];
    for c in cases("infer/") {
        let d = TwoStageDesign::new(
            c.num("r1") as u64,
            c.num("n1") as u64,
            c.num("r") as u64,
            c.num("n") as u64,
        )
        .unwrap();
        let s = c.num("responses") as u64;
        let level = ConfidenceLevel::new(c.num("level")).unwrap();
        let got = d.inference(s, c.num("p0"), level).unwrap();
        let ci = got.confidence_interval();
        let pairs = [
            (got.umvue(), c.num("umvue")),
            (got.p_value(), c.num("p_value")),
            (ci.lower(), c.num("lower")),
            (ci.upper(), c.num("upper")),
        ];
        for (i, (a, e)) in pairs.iter().enumerate() {
            worst[i] = worst[i].max(crate::common::rel_err(*a, *e));
            assert_rel(*a, *e, TOL, &format!("{} [{i}]", c.name));
        }
        assert_rel(
            got.p_value(),
            rat_pvalue(&d, s, c.num("p0")),
            1e-12,
            &c.name,
        );
        // The bounds are where the exact p-value function crosses a and 1 − a.
        let a = (1.0 - c.num("level")) / 2.0;
        assert_rel(rat_pvalue(&d, s, ci.lower()), a, 1e-9, &c.name);
        assert_rel(rat_pvalue(&d, s, ci.upper()), 1.0 - a, 1e-9, &c.name);
        assert_eq!(got.stage(), if s <= d.r1() { 1 } else { 2 });
    }
    eprintln!("largest relative errors (umvue, p, lower, upper): {worst:?}");
}

#[test]
fn inference_edges() {
    let d = TwoStageDesign::new(1, 10, 5, 29).unwrap();
    let l = ConfidenceLevel::new(0.9).unwrap();
    let zero = d.inference(0, 0.1, l).unwrap();
    assert_eq!(zero.confidence_interval().lower(), 0.0);
    assert_rel(
        (1.0 - zero.confidence_interval().upper()).powi(10),
        0.05,
        1e-12,
        "P(X1 = 0) = a",
    );
    assert_eq!(zero.p_value(), 1.0);
    let all = d.inference(29, 0.1, l).unwrap();
    assert!(all.confidence_interval().upper() <= 1.0 && all.umvue() == 1.0);
    assert!(d.inference(30, 0.1, l).is_err());
    assert!(d.inference(3, 1.0, l).is_err());
    assert!(d.inference(3, f64::NAN, l).is_err());
    for (r1, n1, r, n) in [
        (0, 0, 0, 1),
        (1, 1, 1, 2),
        (0, 5, 0, 5),
        (2, 5, 1, 10),
        (0, 5, 10, 10),
    ] {
        assert!(
            TwoStageDesign::new(r1, n1, r, n).is_err(),
            "{r1} {n1} {r} {n}"
        );
    }
}

// ---------------------------------------------------------------- single stage

#[test]
fn single_stage_matches_brute_force() {
    for c in cases("single/") {
        let d = SingleStageSearch::new(c.num("p0"), c.num("p1"))
            .unwrap()
            .alpha(c.num("alpha"))
            .beta(c.num("beta"))
            .search()
            .unwrap();
        assert_eq!(
            (d.n(), d.r()),
            (c.num("n") as u64, c.num("r") as u64),
            "{}",
            c.name
        );
        assert_rel(d.type_i_error(), c.num("type_i"), TOL, &c.name);
        assert_rel(d.power(), c.num("power"), TOL, &c.name);
    }
    assert!(matches!(
        SingleStageSearch::new(0.1, 0.3)
            .unwrap()
            .nmax(10)
            .search()
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::NoFeasibleDesign { .. })
    ));
}

// ---------------------------------------------------------------- survival

fn sided(c: &Case) -> Sided {
    if c.num("sided") == 1.0 {
        Sided::One
    } else {
        Sided::Two
    }
}

fn method(c: &Case) -> EventsMethod {
    if c.text("method") == "Schoenfeld" {
        EventsMethod::Schoenfeld
    } else {
        EventsMethod::Freedman
    }
}

#[test]
fn events_match_closed_forms_and_rpact() {
    let mut worst: f64 = 0.0;
    for c in cases("events/") {
        let plan = LogRankEvents::new(c.num("hazard_ratio"))
            .unwrap()
            .alpha(c.num("alpha"))
            .sided(sided(&c))
            .power(c.num("power"))
            .allocation_ratio(c.num("allocation"))
            .method(method(&c));
        let d = plan.events().unwrap().events();
        assert_rel(d, c.num("closed_form"), 1e-12, &c.name);
        worst = worst.max(crate::common::rel_err(d, c.num("events")));
        assert_rel(d, c.num("events"), TOL, &c.name);
        // power(N(power)) = power (two-sided: plus the opposite tail).
        let back = plan.power_for_events(d).unwrap();
        let opposite = if sided(&c) == Sided::Two {
            let za = 1.959963984540054;
            let delta = za + (c.num("power") - 0.5).signum() * z_of(c.num("power"));
            statrs_free_norm_cdf(-delta - za)
        } else {
            0.0
        };
        assert_rel(back - opposite, c.num("power"), 1e-10, &c.name);
    }
    eprintln!("largest relative error against rpact events: {worst:e}");
}

/// Φ⁻¹(p) for the two powers used (R's qnorm, 17 digits).
fn z_of(p: f64) -> f64 {
    if p == 0.8 {
        0.8416212335729143
    } else if (p - 0.9).abs() < 1e-15 {
        1.2815515655446004
    } else {
        panic!("no z for {p}")
    }
}

/// Φ(x) for very negative x, by the continued fraction (only the tiny
/// opposite tail needs it, to a few digits).
fn statrs_free_norm_cdf(x: f64) -> f64 {
    let t = -x;
    let mut cf = t;
    for k in (1..60).rev() {
        cf = t + k as f64 / cf;
    }
    (-0.5 * t * t).exp() / (2.0 * std::f64::consts::PI).sqrt() / cf
}

#[test]
fn power_matches_rpact() {
    for c in cases("power/") {
        let plan = LogRankEvents::new(c.num("hazard_ratio"))
            .unwrap()
            .alpha(c.num("alpha"))
            .sided(sided(&c))
            .allocation_ratio(c.num("allocation"))
            .method(method(&c));
        assert_rel(
            plan.power_for_events(c.num("events")).unwrap(),
            c.num("power"),
            TOL,
            &c.name,
        );
    }
}

#[test]
fn patients_match_rpact_and_lachin_foulkes() {
    for c in cases("patients/") {
        let m = if c.name.starts_with("patients/lf") {
            SurvivalSampleSizeMethod::LachinFoulkes
        } else {
            SurvivalSampleSizeMethod::Schoenfeld
        };
        let mut plan = SurvivalSampleSize::new(
            c.num("hazard_ratio"),
            c.num("control_hazard"),
            c.num("accrual"),
            c.num("follow_up"),
        )
        .unwrap()
        .dropout_hazard(c.num("dropout_hazard"))
        .power(c.num("power"))
        .allocation_ratio(c.num("allocation"))
        .method(m);
        if c.has("alpha") {
            plan = plan.alpha(c.num("alpha")).sided(sided(&c));
        }
        let got = plan.compute().unwrap();
        assert_rel(got.patients(), c.num("patients"), TOL, &c.name);
        assert_rel(got.events(), c.num("events"), TOL, &c.name);
    }
    // gsDesign's nSurv example, to its printed digits.
    let got = SurvivalSampleSize::new(0.5, 2f64.ln() / 20.0, 20.0, 10.0)
        .unwrap()
        .power(0.9)
        .compute()
        .unwrap();
    assert_eq!(
        format!("{:.1} {:.1}", got.patients(), got.events()),
        "227.6 88.7"
    );
}

#[test]
fn survival_bad_input_is_an_error() {
    for hr in [0.0, 1.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(LogRankEvents::new(hr).is_err());
        assert!(SurvivalSampleSize::new(hr, 0.1, 12.0, 12.0).is_err());
    }
    let p = LogRankEvents::new(0.7).unwrap();
    assert!(p.clone().alpha(0.5).events().is_err());
    assert!(p.clone().power(0.4).events().is_err());
    assert!(p.clone().power(1.0).events().is_err());
    assert!(p.clone().allocation_ratio(0.0).events().is_err());
    assert!(p.power_for_events(-3.0).is_err());
    assert!(SurvivalSampleSize::new(0.7, 0.1, 0.0, 12.0).is_err());
    assert!(SurvivalSampleSize::new(0.7, 0.1, 12.0, -1.0).is_err());
    assert!(SurvivalSampleSize::new(0.7, 0.1, 12.0, 1.0)
        .unwrap()
        .dropout_hazard(f64::NAN)
        .compute()
        .is_err());
}

// ---------------------------------------------------------------- properties

/// Every design with n ≤ nmax, by brute force with plain loops.
fn brute_force(p0: f64, p1: f64, alpha: f64, beta: f64, nmax: u64) -> Vec<(u64, f64)> {
    let pmf = |m: u64, x: u64, p: f64| -> f64 {
        let mut c = 1.0;
        for i in 0..x {
            c = c * (m - i) as f64 / (i + 1) as f64;
        }
        c * p.powi(x as i32) * (1.0 - p).powi((m - x) as i32)
    };
    let reject = |r1: u64, n1: u64, r: u64, n: u64, p: f64| -> f64 {
        let mut s = 0.0;
        for x1 in r1 + 1..=n1 {
            for x2 in 0..=n - n1 {
                if x1 + x2 > r {
                    s += pmf(n1, x1, p) * pmf(n - n1, x2, p);
                }
            }
        }
        s
    };
    let mut out = Vec::new();
    for n in 2..=nmax {
        for n1 in 1..n {
            for r1 in 0..n1 {
                for r in r1..n {
                    if reject(r1, n1, r, n, p0) <= alpha && reject(r1, n1, r, n, p1) >= 1.0 - beta {
                        let pet: f64 = (0..=r1).map(|x| pmf(n1, x, p0)).sum();
                        out.push((n, n1 as f64 + (1.0 - pet) * (n - n1) as f64));
                    }
                }
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn no_design_beats_the_one_found(p0 in 0.05f64..0.5, gap in 0.25f64..0.45,
                                     alpha in 0.05f64..0.2, beta in 0.1f64..0.3) {
        let p1 = (p0 + gap).min(0.95);
        let nmax = 18;
        let feasible = brute_force(p0, p1, alpha, beta, nmax);
        let found = SimonSearch::new(p0, p1).unwrap().alpha(alpha).beta(beta).nmax(nmax).search();
        if feasible.is_empty() {
            prop_assert!(matches!(found.as_ref().map_err(survkit::Error::detail), Err(ErrorDetail::NoFeasibleDesign { .. })), "{found:?}");
            return Ok(());
        }
        let found = found.unwrap();
        let min_n = feasible.iter().map(|f| f.0).min().unwrap();
        let min_en = feasible.iter().map(|f| f.1).fold(f64::INFINITY, f64::min);
        prop_assert_eq!(found.minimax().design().n(), min_n);
        prop_assert!((found.optimal().expected_size() - min_en).abs() <= 1e-12 * min_en);
        let mm_en = feasible.iter().filter(|f| f.0 == min_n).map(|f| f.1).fold(f64::INFINITY, f64::min);
        prop_assert!((found.minimax().expected_size() - mm_en).abs() <= 1e-12 * mm_en);
        for d in found.admissible() {
            let (a, _, _) = rat_oc(&d.design(), p0);
            let (pw, _, _) = rat_oc(&d.design(), p1);
            prop_assert!(a <= alpha && pw >= 1.0 - beta);
        }
    }

    #[test]
    fn bad_input_never_panics(p0 in prop::num::f64::ANY, p1 in prop::num::f64::ANY,
                              a in prop::num::f64::ANY, b in prop::num::f64::ANY,
                              k in prop::num::f64::ANY, n in 0u64..40, s in 0u64..50) {
        if let Ok(search) = SimonSearch::new(p0, p1) {
            let _ = search.alpha(a).beta(b).nmax(n).search();
        }
        if let Ok(search) = SingleStageSearch::new(p0, p1) {
            let _ = search.alpha(a).beta(b).nmax(n).search();
        }
        if let Ok(plan) = LogRankEvents::new(p0) {
            let _ = plan.clone().alpha(a).power(b).allocation_ratio(k).events();
            let _ = plan.alpha(a).allocation_ratio(k).power_for_events(p1);
        }
        if let Ok(plan) = SurvivalSampleSize::new(p0, p1, a, b) {
            let _ = plan.dropout_hazard(k).power(p1).compute();
        }
        if let Ok(d) = TwoStageDesign::new(s % 7, n % 9, s, n) {
            let _ = d.characteristics(p0);
            if let Ok(l) = ConfidenceLevel::new(a) {
                let _ = d.inference(s, p0, l);
            }
        }
    }
}

// ---------------------------------------------------------------- the example

#[allow(dead_code)]
#[path = "../examples/trial_design.rs"]
mod trial_design;

#[test]
fn trial_design_example_runs() {
    let report = trial_design::report().expect("the report runs");
    for line in [
        "Optimal  5 15 18 46  23.63  0.7216",
        "Minimax  6 19 16 39  25.69  0.6655",
        "(a single-stage design needs n = 39 and at least 17 responses: A'Hern 2001)",
        "14 > r1 = 6 responses, so the trial goes on",
        "Schoenfeld: 359.2 events (plan 360)",
        "the published P = .016 with 16 deaths implies HR = 0.30",
    ] {
        assert!(report.contains(line), "missing {line:?} in\n{report}");
    }
}
