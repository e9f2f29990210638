//! Response summaries, journal-style p-values and consistency checks,
//! including the founding study (19 patients) reproduced from the API.

use proptest::prelude::*;
use survkit::ErrorDetail;
use survkit::{
    check_p_value, check_percentage, format_p_value, try_format_p_value, BinomialTest,
    ConfidenceLevel, Denominator, PValueStyle, Proportion, ProportionCiMethod, ReportedPValue,
    ReportedPercentage, Response, ResponseCounts, ResponseSummary,
};

fn study() -> ResponseSummary {
    // Table 2: best overall response of 19 patients.
    let counts = ResponseCounts {
        complete: 2,
        partial: 12,
        stable: 3,
        progressive: 2,
        not_evaluable: 0,
    };
    ResponseSummary::from_counts(counts, Denominator::AllPatients).unwrap()
}

/// The founding study: Table 2's percentages, the ORR with its exact 95%
/// interval (published 48.8–90.9), the DCR, and the two misprinted figures
/// (73.3% in the text, 10.6% in Table 4) flagged while the correct ones are not.
#[test]
fn founding_study_is_reproduced() {
    let s = study();
    assert_eq!(s.total(), 19);
    let published = [
        (Response::Complete, "10.5"),
        (Response::Partial, "63.2"),
        (Response::Stable, "15.8"),
        (Response::Progressive, "10.5"),
    ];
    for (r, text) in published {
        assert_eq!(format!("{:.1}", s.percentage(r).unwrap()), text, "{r:?}");
        let check = check_percentage(&text.parse().unwrap(), 19).unwrap();
        assert!(check.is_consistent(), "{text} flagged");
        assert_eq!(check.possible_counts(), s.count(r)..=s.count(r));
    }
    assert_eq!(
        format!("{:.1}", s.percentage(Response::NotEvaluable).unwrap()),
        "0.0"
    );

    let orr = s.objective_response();
    assert_eq!((orr.successes(), orr.trials()), (14, 19));
    assert_eq!(format!("{:.1}", orr.percentage()), "73.7");
    let ci = orr
        .confidence_interval(
            ProportionCiMethod::ClopperPearson,
            ConfidenceLevel::NINETY_FIVE,
        )
        .unwrap();
    assert_eq!(
        format!("{:.1}–{:.1}", 100.0 * ci.lower(), 100.0 * ci.upper()),
        "48.8–90.9"
    );
    // R 4.2.2: binom.test(14, 19)$conf.int (tests/data/proportion_r.txt,
    // case binom/ci/14_of_19/level=0.95/two.sided).
    crate::common::assert_rel(
        ci.lower(),
        0.4879706546541272,
        crate::common::TOL,
        "ORR lower",
    );
    crate::common::assert_rel(
        ci.upper(),
        0.908_534_215_092_333_4,
        crate::common::TOL,
        "ORR upper",
    );

    let dcr = s.disease_control();
    assert_eq!((dcr.successes(), dcr.trials()), (17, 19));
    assert_eq!(format!("{:.1}", dcr.percentage()), "89.5");

    // The text's 73.3% and Table 4's 10.6% cannot be x/19.
    for bad in ["73.3", "10.6"] {
        let check = check_percentage(&bad.parse().unwrap(), 19).unwrap();
        assert!(!check.is_consistent(), "{bad} not flagged");
        assert!(check.possible_counts().is_empty());
    }
    assert!(check_percentage(&"73.7".parse().unwrap(), 19)
        .unwrap()
        .is_consistent());
}

#[test]
fn summary_from_responses_equals_from_counts() {
    use Response::*;
    let list = [
        Partial,
        Complete,
        Partial,
        Stable,
        Partial,
        Progressive,
        Partial,
        Partial,
        Stable,
        Partial,
        Complete,
        Partial,
        Partial,
        Partial,
        Stable,
        Partial,
        Progressive,
        Partial,
        Partial,
    ];
    let s = ResponseSummary::from_responses(&list, Denominator::AllPatients).unwrap();
    assert_eq!(s, study());
    assert_eq!(s.counts().partial, 12);
}

#[test]
fn denominators() {
    let counts = ResponseCounts {
        complete: 1,
        partial: 4,
        stable: 3,
        progressive: 2,
        not_evaluable: 5,
    };
    let all = ResponseSummary::from_counts(counts, Denominator::AllPatients).unwrap();
    assert_eq!(all.total(), 15);
    assert_eq!(all.objective_response(), Proportion::new(5, 15).unwrap());
    assert_eq!(all.disease_control(), Proportion::new(8, 15).unwrap());
    assert_eq!(
        all.percentage(Response::NotEvaluable).unwrap(),
        100.0 * 5.0 / 15.0
    );
    let ev = ResponseSummary::from_counts(counts, Denominator::EvaluableOnly).unwrap();
    assert_eq!(ev.total(), 10);
    assert_eq!(ev.objective_response(), Proportion::new(5, 10).unwrap());
    assert!(matches!(
        ev.proportion(Response::NotEvaluable)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::Incompatible { .. })
    ));
    assert_eq!(ev.count(Response::NotEvaluable), 5);
    // Only not-evaluable patients: no evaluable denominator.
    let ne = ResponseCounts {
        not_evaluable: 3,
        ..Default::default()
    };
    assert!(ResponseSummary::from_counts(ne, Denominator::EvaluableOnly).is_err());
    assert!(ResponseSummary::from_counts(ne, Denominator::AllPatients).is_ok());
    assert!(matches!(
        ResponseSummary::from_responses(&[], Denominator::AllPatients)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::EmptyInput { .. })
    ));
    let huge = ResponseCounts {
        complete: u64::MAX,
        partial: 1,
        ..Default::default()
    };
    assert!(matches!(
        ResponseSummary::from_counts(huge, Denominator::AllPatients)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::CountOverflow { .. })
    ));
    let big = ResponseCounts {
        complete: 1 << 60,
        ..Default::default()
    };
    assert!(ResponseSummary::from_counts(big, Denominator::AllPatients).is_err());
}

#[test]
fn journal_p_values() {
    use PValueStyle::*;
    let cases: &[(f64, &str, &str)] = &[
        (0.0108, ".011", "0.011"),
        (0.010_83, ".011", "0.011"),
        (1.0, "> .999", ">0.999"),
        (0.0004, "< .001", "<0.001"),
        (0.0, "< .001", "<0.001"),
        // Boundaries: 0.0005 is below .001; 0.9995 is stored just above
        // 0.9995 (0.99950000000000005507) and rounds to 1.000.
        (0.0005, "< .001", "<0.001"),
        (0.000_999_999_999, "< .001", "<0.001"),
        (0.001, ".001", "0.001"),
        (0.9995, "> .999", ">0.999"),
        (0.999_499_999_999, ".999", "0.999"),
        (0.999, ".999", "0.999"),
        (0.05, ".050", "0.050"),
        (0.5, ".500", "0.500"),
        // Exact binary ties round half away from zero: 0.0625 = 1/16.
        (0.0625, ".063", "0.063"),
        (0.1875, ".188", "0.188"),
        (0.3125, ".313", "0.313"),
        // Not ties in binary: the stored value decides.
        (0.0105, ".011", "0.011"), // 0.01050000000000000065…
        (0.0115, ".011", "0.011"), // 0.01149999999999999981…
        (0.049_999_9, ".050", "0.050"),
        (0.0445, ".044", "0.044"), // 0.04449999999999999789…
    ];
    for &(p, journal, plain) in cases {
        assert_eq!(format_p_value(p, Journal), journal, "{p}");
        assert_eq!(format_p_value(p, Plain), plain, "{p}");
    }
    // The binary values behind the non-tie cases above.
    assert_eq!(format!("{:.20}", 0.0105), "0.01050000000000000065");
    assert_eq!(format!("{:.20}", 0.0115), "0.01149999999999999981");
    assert_eq!(format!("{:.20}", 0.0445), "0.04449999999999999789");
    for bad in [f64::NAN, -0.1, 1.0000001, f64::INFINITY, f64::NEG_INFINITY] {
        assert!(matches!(
            try_format_p_value(bad, Journal)
                .as_ref()
                .map_err(survkit::Error::detail),
            Err(ErrorDetail::InvalidProbability { .. })
        ));
        assert_eq!(format_p_value(bad, Journal), "NA");
    }
}

#[test]
fn reported_p_values_parse_and_check() {
    let parse = |s: &str| s.parse::<ReportedPValue>().unwrap();
    let eq = |value, decimals| ReportedPValue::Equal { value, decimals };
    assert_eq!(parse(".011"), eq(0.011, 3));
    assert_eq!(parse("0.011"), eq(0.011, 3));
    assert_eq!(parse("P = .011"), eq(0.011, 3));
    assert_eq!(parse("p=0.05"), eq(0.05, 2));
    assert_eq!(parse("1"), eq(1.0, 0));
    assert_eq!(parse("< .001"), ReportedPValue::LessThan(0.001));
    assert_eq!(parse("P<0.001"), ReportedPValue::LessThan(0.001));
    assert_eq!(parse("p ≤ .05"), ReportedPValue::LessThan(0.05));
    assert_eq!(parse("> .999"), ReportedPValue::GreaterThan(0.999));
    assert_eq!(parse("> .999").to_string(), "> .999");
    assert_eq!(parse("0.011").to_string(), ".011");
    assert_eq!(parse("< .001").to_string(), "< .001");
    for bad in [
        "", "P", ".", "1e-5", "NS", "0.0.1", "< ", "abc", "-0.1", ". 5", "0.",
    ] {
        assert!(
            matches!(
                bad.parse::<ReportedPValue>()
                    .as_ref()
                    .map_err(survkit::Error::detail),
                Err(ErrorDetail::InvalidText { .. })
            ),
            "{bad:?}"
        );
    }
    assert!(matches!(
        "1.5"
            .parse::<ReportedPValue>()
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::InvalidProbability { .. })
    ));

    let check = |rep: &str, p: f64| check_p_value(&parse(rep), p).unwrap().is_consistent();
    assert!(check(".011", 0.01083));
    assert!(!check(".010", 0.01083));
    assert!(!check(".012", 0.01083));
    assert!(check("> .999", 1.0));
    assert!(!check("> .999", 0.99));
    assert!(check("< .001", 0.0004));
    assert!(!check("< .001", 0.002));
    assert!(check("0.05", 0.0549));
    assert!(!check("0.05", 0.0551));
    // Ties at the rounding boundary are accepted either way.
    assert!(check(".012", 0.0115));
    assert!(check(".011", 0.0115));
    assert!(check(".06", 0.0625) && check(".07", 0.065));
    assert!(check_p_value(&parse(".011"), f64::NAN).is_err());
    assert!(check_p_value(&eq(0.5, 40), 0.5).is_err());
    assert!(check_p_value(&ReportedPValue::LessThan(f64::NAN), 0.5).is_err());

    // A recomputed p-value from survkit: R 4.2.2
    // binom.test(14, 19, p = 0.4, alternative = "greater")$p.value = 0.0030678298560299
    let r = BinomialTest::new(0.4)
        .unwrap()
        .alternative(survkit::Alternative::Greater)
        .test(&Proportion::new(14, 19).unwrap())
        .unwrap();
    crate::common::assert_rel(r.p_value(), 0.0030678298560299, 1e-13, "binom.test p");
    let c = check_p_value(&parse(".003"), r.p_value()).unwrap();
    assert!(c.is_consistent());
    assert!(!check_p_value(&parse(".03"), r.p_value())
        .unwrap()
        .is_consistent());
    assert_eq!(format_p_value(r.p_value(), PValueStyle::Journal), ".003");
}

#[test]
fn percentage_checks() {
    let p = |s: &str| s.parse::<ReportedPercentage>().unwrap();
    // 1/8 = 12.5% exactly: "13" and "12" both accepted (tie).
    assert_eq!(
        check_percentage(&p("13"), 8).unwrap().possible_counts(),
        1..=1
    );
    assert_eq!(
        check_percentage(&p("12"), 8).unwrap().possible_counts(),
        1..=1
    );
    assert!(!check_percentage(&p("14"), 8).unwrap().is_consistent());
    // Several counts can fit a coarse report.
    assert_eq!(
        check_percentage(&p("50"), 1000).unwrap().possible_counts(),
        495..=505
    );
    // 5/1000 = 0.5% exactly is a tie: accepted as "0".
    assert_eq!(
        check_percentage(&p("0"), 1000).unwrap().possible_counts(),
        0..=5
    );
    assert_eq!(
        check_percentage(&p("100"), 1000).unwrap().possible_counts(),
        995..=1000
    );
    assert_eq!(
        check_percentage(&p("100.0%"), 19)
            .unwrap()
            .possible_counts(),
        19..=19
    );
    // Huge n: exact integer arithmetic.
    let c = check_percentage(&p("10.00"), u64::MAX).unwrap();
    assert!(c.is_consistent());
    assert_eq!(p("10.6"), ReportedPercentage::new(10.6, 1).unwrap());
    assert_eq!(p("73.3 %").decimals(), 1);
    assert!((p("73.3").value() - 73.3).abs() < 1e-12);
    assert!(ReportedPercentage::new(10.66, 1).is_err());
    assert!(ReportedPercentage::new(100.1, 1).is_err());
    assert!(ReportedPercentage::new(f64::NAN, 1).is_err());
    assert!(ReportedPercentage::new(10.0, 10).is_err());
    assert!("100.1".parse::<ReportedPercentage>().is_err());
    assert!("-5".parse::<ReportedPercentage>().is_err());
    assert!("".parse::<ReportedPercentage>().is_err());
    assert!("1.0000000001".parse::<ReportedPercentage>().is_err());
    assert!(check_percentage(&p("10"), 0).is_err());
}

/// Independent oracle for the percentage check: every count whose exact
/// value 100x/n lies within half a unit of the report (rational arithmetic
/// by cross-multiplication).
fn fits(x: u64, n: u64, units: u64, decimals: u32) -> bool {
    let scale = 10u128.pow(decimals);
    let lhs = 2 * 100 * scale * x as u128; // 2·100·10^d·x
    let center = 2 * units as u128 * n as u128;
    lhs + n as u128 >= center && lhs <= center + n as u128
}

proptest! {
    #[test]
    fn percentage_check_matches_brute_force(n in 1u64..400, units in 0u64..=1000, decimals in 0u32..2) {
        let units = units.min(100 * 10u64.pow(decimals));
        let text = if decimals == 0 { format!("{units}") } else { format!("{}.{}", units / 10, units % 10) };
        let rep: ReportedPercentage = text.parse().unwrap();
        let c = check_percentage(&rep, n).unwrap();
        let brute: Vec<u64> = (0..=n).filter(|&x| fits(x, n, units, decimals)).collect();
        prop_assert_eq!(c.possible_counts().collect::<Vec<_>>(), brute.clone());
        prop_assert_eq!(c.is_consistent(), !brute.is_empty());
        // Every count off a tie formats back to the report (Rust rounds the
        // exact binary value; at an exact tie either neighbour is accepted).
        let scale = 10u128.pow(decimals);
        for x in brute.into_iter().filter(|&x| {
            let lhs = 2 * 100 * scale * x as u128;
            let center = 2 * units as u128 * n as u128;
            lhs + n as u128 != center && lhs != center + n as u128
        }) {
            let pct = 100.0 * x as f64 / n as f64;
            let printed = format!("{:.*}", decimals as usize, pct);
            let back: f64 = printed.parse().unwrap();
            prop_assert!((back - rep.value()).abs() <= 0.5 * 10f64.powi(-(decimals as i32)) + 1e-9);
        }
    }

    #[test]
    fn p_value_formatting_agrees_with_exact_rounding(k in 0u64..1_000_000) {
        // p = k / 10⁶ as a double; the oracle rounds its exact binary value
        // to thousandths with integer arithmetic, half away from zero.
        let p = k as f64 / 1e6;
        let s = format_p_value(p, PValueStyle::Plain);
        let j = k / 1000; // candidate thousandths below
        // p ≥ (2j + 1)/2000 ⇔ mant·2000 ≥ (2j + 1)·2^(−exp), p = mant·2^exp.
        let up = p != 0.0 && {
            let bits = p.to_bits();
            let exp = ((bits >> 52) & 0x7ff) as i64 - 1075;
            let mant = u128::from((bits & ((1 << 52) - 1)) | (1 << 52));
            assert!(exp < 0 && exp > -100);
            mant * 2000 >= u128::from(2 * j + 1) << (-exp)
        };
        let thousandths = j + u64::from(up);
        let expected = if p < 0.001 { "<0.001".to_owned() } else if thousandths >= 1000 { ">0.999".to_owned() } else { format!("0.{thousandths:03}") };
        prop_assert_eq!(s.clone(), expected, "p = {:.30}", p);
        // The check accepts the formatted value.
        let rep: ReportedPValue = s.parse().unwrap();
        prop_assert!(check_p_value(&rep, p).unwrap().is_consistent());
    }

    #[test]
    fn parsers_never_panic(s in "\\PC{0,12}") {
        let _ = s.parse::<ReportedPValue>();
        let _ = s.parse::<ReportedPercentage>();
    }

    #[test]
    fn formatting_never_panics(p in proptest::num::f64::ANY) {
        let r = try_format_p_value(p, PValueStyle::Journal);
        prop_assert_eq!(r.is_ok(), (0.0..=1.0).contains(&p));
        let text = format_p_value(p, PValueStyle::Journal);
        prop_assert_eq!(r.unwrap_or_else(|_| "NA".to_owned()), text);
    }

    #[test]
    fn summary_rates_are_consistent(cr in 0u64..50, pr in 0u64..50, sd in 0u64..50, pd in 0u64..50, ne in 0u64..50) {
        let counts = ResponseCounts { complete: cr, partial: pr, stable: sd, progressive: pd, not_evaluable: ne };
        match ResponseSummary::from_counts(counts, Denominator::AllPatients) {
            Ok(s) => {
                prop_assert_eq!(s.total(), cr + pr + sd + pd + ne);
                prop_assert_eq!(s.objective_response().successes(), cr + pr);
                prop_assert_eq!(s.disease_control().successes(), cr + pr + sd);
                let total: f64 = Response::ALL.iter().map(|r| s.percentage(*r).unwrap()).sum();
                prop_assert!((total - 100.0).abs() < 1e-9);
            }
            Err(_) => prop_assert_eq!(cr + pr + sd + pd + ne, 0),
        }
    }
}

/// `ReportedPValue`'s fields are public, so `decimals` can be anything:
/// `Display` prints at most 15 decimals (it used to panic with "Formatting
/// argument out of range" for `decimals: 100_000_000`).
#[test]
fn reported_p_value_display_caps_decimals() {
    let p = |value, decimals| ReportedPValue::Equal { value, decimals }.to_string();
    assert_eq!(p(0.011, 3), ".011");
    assert_eq!(p(0.5, 15), ".500000000000000");
    assert_eq!(p(0.5, 16), ".500000000000000");
    assert_eq!(p(0.5, 100_000_000), ".500000000000000");
    assert_eq!(p(0.5, u32::MAX), ".500000000000000");
    assert_eq!(p(1.0, 0), "1");
}
