//! Regression tests of proportion intervals at the edges of their inputs:
//! levels just below 1 and near 0, bounds within a few units in the last
//! place of 1 for huge `n`, and the mid-p bound at `x = n` for a one-sided
//! tail above ½.
//!
//! Data: the `edge/` records of `tests/data/proportion_r.txt`
//! (`generate_proportion.R`); the mpmath records for the same cases are
//! checked by `tests/proportion.rs`.

use crate::common::{assert_rel, rel_err, Case, ALL_METHODS, TOL};
use survkit::{
    risk_difference, Alternative, BinomialTest, ConfidenceLevel, Proportion, ProportionCi,
    ProportionCiMethod,
};

const R_DATA: &str = include_str!("data/proportion_r.txt");

const ALTERNATIVES: [Alternative; 3] = [
    Alternative::TwoSided,
    Alternative::Less,
    Alternative::Greater,
];

/// The spacing of doubles just below 1 is 2⁻⁵³ and just above ½ is 2⁻⁵³ too,
/// so a bound near 1 computed as `1 − m` carries its error as an absolute
/// `≤ 2⁻⁵²` (one rounding of the subtraction plus one of the reference).
/// (4× this allows for the Brent tolerance `2ε|b|` when neither side of a
/// symmetry check is mirrored, `x = n/2`.)
const NEAR_ONE_ABS: f64 = f64::EPSILON;

/// The largest `ConfidenceLevel` below 1: `1 − 2⁻⁵³`.
const TOP_LEVEL: f64 = 1.0 - f64::EPSILON / 2.0;

fn fit(
    x: u64,
    n: u64,
    method: ProportionCiMethod,
    level: f64,
    alt: Alternative,
) -> survkit::Result<survkit::ConfidenceInterval> {
    ProportionCi::default()
        .method(method)
        .confidence_level(ConfidenceLevel::new(level)?)
        .alternative(alt)
        .fit(&Proportion::new(x, n)?)
}

fn alternative(c: &Case) -> Alternative {
    match c.text("alternative") {
        "two.sided" => Alternative::TwoSided,
        "less" => Alternative::Less,
        _ => Alternative::Greater,
    }
}

/// Level `1 − 2⁻⁵³`: `(1 + level)/2` rounds to 1, where `Φ⁻¹` is infinite.
/// Every method and sidedness gives a finite interval; the normal-theory
/// ones match their formulas in R with `z = qnorm(a, lower.tail = FALSE)`.
#[test]
fn level_just_below_one() {
    assert!(ConfidenceLevel::new(TOP_LEVEL).is_ok());
    let mut worst = 0.0_f64;
    for (x, n) in [(0, 1), (1, 1), (7, 20), (20, 20), (123_456, 1_000_000)] {
        for method in ALL_METHODS {
            for alt in ALTERNATIVES {
                let ci = fit(x, n, method, TOP_LEVEL, alt)
                    .unwrap_or_else(|e| panic!("{method:?} {x}/{n} {alt:?}: {e}"));
                assert!(0.0 <= ci.lower() && ci.lower() <= ci.upper() && ci.upper() <= 1.0);
            }
        }
    }
    let mut seen = 0;
    for c in crate::common::parse(R_DATA) {
        if !c.name.starts_with("edge/high/") {
            continue;
        }
        let method = match c.text("method") {
            "wilson" => ProportionCiMethod::Wilson,
            "wilson_corrected" => ProportionCiMethod::WilsonCorrected,
            "agresti_coull" => ProportionCiMethod::AgrestiCoull,
            "wald" => ProportionCiMethod::Wald,
            other => panic!("method {other}"),
        };
        let ci = fit(
            c.num("x") as u64,
            c.num("n") as u64,
            method,
            c.num("level"),
            alternative(&c),
        )
        .unwrap();
        assert_rel(ci.lower(), c.num("lower"), TOL, &c.name);
        assert_rel(ci.upper(), c.num("upper"), TOL, &c.name);
        worst = worst
            .max(rel_err(ci.lower(), c.num("lower")))
            .max(rel_err(ci.upper(), c.num("upper")));
        seen += 1;
    }
    assert_eq!(seen, 24);
    println!("validation: level 1 - 2^-53, normal-theory formulas in R: 48 values, max relative error {worst:.2e}");
    // Newcombe's difference uses the Wilson bounds.
    let level = ConfidenceLevel::new(TOP_LEVEL).unwrap();
    let d = risk_difference(
        &Proportion::new(14, 19).unwrap(),
        &Proportion::new(8, 20).unwrap(),
        level,
    )
    .unwrap();
    let ci = d.confidence_interval();
    assert!(ci.lower() < d.estimate() && d.estimate() < ci.upper());
    assert!(ci.lower() >= -1.0 && ci.upper() <= 1.0);
}

/// Bounds within a few units in the last place of 1 (`x = n − 1`, `n − 2`
/// for `n = 10¹⁵` and `2⁵³`): each equals `1 −` the mirrored bound of
/// `n − x`, which R's `qbeta` computes accurately (R's direct `qbeta` warns
/// that it is inaccurate there).
#[test]
fn bounds_near_one_for_huge_n() {
    let mut seen = 0;
    let mut worst = 0.0_f64;
    for c in crate::common::parse(R_DATA) {
        if !c.name.starts_with("edge/mirror/") {
            continue;
        }
        let method = match c.text("method") {
            "clopper_pearson" => ProportionCiMethod::ClopperPearson,
            _ => ProportionCiMethod::Jeffreys,
        };
        let (x, n) = (c.num("x") as u64, c.num("n") as u64);
        let ci = fit(x, n, method, c.num("level"), Alternative::TwoSided)
            .unwrap_or_else(|e| panic!("{}: {e}", c.name));
        assert_rel(ci.lower(), 1.0 - c.num("mirror_upper"), TOL, &c.name);
        assert_rel(ci.upper(), 1.0 - c.num("mirror_lower"), TOL, &c.name);
        // A relative 1e-10 near 1 cannot see the 1e-15 that matter: the
        // bound must also be 1 − m to the spacing of doubles near 1.
        for (bound, m) in [
            (ci.lower(), c.num("mirror_upper")),
            (ci.upper(), c.num("mirror_lower")),
        ] {
            assert!(
                ((1.0 - bound) - m).abs() <= NEAR_ONE_ABS,
                "{}: 1 - {bound:e} vs {m:e}",
                c.name
            );
        }
        worst = worst
            .max(rel_err(ci.lower(), 1.0 - c.num("mirror_upper")))
            .max(rel_err(ci.upper(), 1.0 - c.num("mirror_lower")));
        seen += 1;
    }
    assert_eq!(seen, 12);
    println!("validation: bounds near 1 at n = 1e15, 2^53 vs R qbeta mirrored: 24 values, max relative error {worst:.2e}");
    // Mid-p (against mpmath in tests/proportion.rs) and every method: exact
    // mirror symmetry, L(x) = 1 − U(n − x) and U(x) = 1 − L(n − x).
    for (x, n) in [
        (999_999_999_999_999, 1_000_000_000_000_000),
        ((1 << 53) - 1, 1 << 53),
        ((1 << 53) - 2, 1 << 53),
        (1 << 20, 1 << 21),
        (14, 19),
        (10, 10),
    ] {
        for method in [
            ProportionCiMethod::ClopperPearson,
            ProportionCiMethod::MidP,
            ProportionCiMethod::Jeffreys,
        ] {
            for level in [0.01, 0.2, 0.95, 0.999999] {
                let a = fit(x, n, method, level, Alternative::TwoSided)
                    .unwrap_or_else(|e| panic!("{method:?} {x}/{n}: {e}"));
                let b = fit(n - x, n, method, level, Alternative::TwoSided).unwrap();
                let what = format!("{method:?} {x}/{n} {level}");
                assert_rel(a.lower(), 1.0 - b.upper(), TOL, &what);
                assert_rel(a.upper(), 1.0 - b.lower(), TOL, &what);
                assert!(
                    (a.lower() + b.upper() - 1.0).abs() <= 4.0 * NEAR_ONE_ABS,
                    "{what}"
                );
                assert!(
                    (a.upper() + b.lower() - 1.0).abs() <= 4.0 * NEAR_ONE_ABS,
                    "{what}"
                );
            }
        }
    }
    // The exact test reports the Clopper–Pearson interval: it works there too.
    for (x, n) in [
        (999_999_999_999_999, 1_000_000_000_000_000),
        ((1 << 53) - 1, 1 << 53),
        ((1 << 53) - 2, 1 << 53),
    ] {
        for alt in [Alternative::Less, Alternative::Greater] {
            let r = BinomialTest::new(0.5)
                .unwrap()
                .alternative(alt)
                .test(&Proportion::new(x, n).unwrap())
                .unwrap_or_else(|e| panic!("{x}/{n} {alt:?}: {e}"));
            assert!(r.confidence_interval().contains(r.estimate()));
        }
    }
}

/// Very low one-sided levels at `x = n` (a tail near 1): Clopper–Pearson
/// against R's `binom.test` (closed form `(1 − level)^(1/n)`), Jeffreys
/// against `1 − qbeta(level, ½, n + ½)`.
#[test]
fn very_low_levels_at_x_equal_n() {
    let mut seen = 0;
    let mut worst = 0.0_f64;
    for c in crate::common::parse(R_DATA) {
        if !c.name.starts_with("edge/low/") {
            continue;
        }
        let method = if c.name.contains("clopper_pearson") {
            ProportionCiMethod::ClopperPearson
        } else {
            ProportionCiMethod::Jeffreys
        };
        let ci = fit(10, 10, method, c.num("level"), Alternative::Greater)
            .unwrap_or_else(|e| panic!("{}: {e}", c.name));
        assert_rel(ci.lower(), c.num("lower"), TOL, &c.name);
        assert_eq!(ci.upper(), 1.0);
        worst = worst.max(rel_err(ci.lower(), c.num("lower")));
        seen += 1;
    }
    assert_eq!(seen, 6);
    println!("validation: levels 1e-300, 1e-10, 0.2 at 10 of 10 vs R: 6 values, max relative error {worst:.2e}");
    // Closed form, one-sided and two-sided: L = tail^(1/n).
    for (level, alt, tail) in [
        (0.3, Alternative::Greater, 0.7_f64),
        (0.3, Alternative::TwoSided, 0.35),
        (0.9, Alternative::Greater, 0.1),
    ] {
        let ci = fit(10, 10, ProportionCiMethod::ClopperPearson, level, alt).unwrap();
        assert_rel(ci.lower(), tail.powf(0.1), TOL, "closed form");
    }
}

/// Mid-p at `x = n`: `½ Lⁿ = tail` has no root when the tail is above ½
/// (one-sided levels below ½), so the bound is 1, not `(2 tail)^(1/n) > 1`;
/// below ½ the closed form holds.
#[test]
fn midp_bound_at_x_equal_n_stays_in_unit_interval() {
    let ci = fit(10, 10, ProportionCiMethod::MidP, 0.2, Alternative::Greater).unwrap();
    assert_eq!((ci.lower(), ci.upper()), (1.0, 1.0));
    let ci = fit(0, 10, ProportionCiMethod::MidP, 0.2, Alternative::Less).unwrap();
    assert_eq!((ci.lower(), ci.upper()), (0.0, 0.0));
    // Tail 0.4 (level 0.6 one-sided, or 0.2 two-sided): L = 0.8^(1/10).
    for (level, alt) in [(0.6, Alternative::Greater), (0.2, Alternative::TwoSided)] {
        let ci = fit(10, 10, ProportionCiMethod::MidP, level, alt).unwrap();
        assert_rel(ci.lower(), 0.8_f64.powf(0.1), TOL, "mid-p closed form");
    }
}
