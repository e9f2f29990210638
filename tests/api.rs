//! The public API as a user meets it: `Display` of every result against R's
//! own printed output (`tests/data/print_r.txt`, made by
//! `tests/data/generate_print.R`), missing values and level order as R, and
//! the public API listing (module `listing`).
//!
//! R prints calls (`Call:`, `data:  ...`) that survkit does not have: the
//! generator drops them from survfit/survdiff objects, and the `data:` line
//! of `fisher.test` is skipped here. Everything else must match line for line.

use std::collections::BTreeMap;
use survkit::ErrorDetail;

use survkit::datasets::{aml, lung, ovarian, veteran};
#[path = "api/listing.rs"]
mod listing;

use survkit::{
    fisher_exact_rxc, Alternative, BinomialTest, CiTransform, CompleteCasesBuilder,
    ConfidenceLevel, ContingencyTable, FisherExact, KaplanMeier, Level, LogRank, LogRankWeights,
    Proportion, SurvivalData, Table2x2,
};

fn blocks() -> BTreeMap<String, String> {
    let text = include_str!("data/print_r.txt");
    let mut out = BTreeMap::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some(name) = line.strip_prefix("=== ") {
            let mut body = String::new();
            for l in lines.by_ref() {
                if l == "=== end" {
                    break;
                }
                if l.starts_with("# source:") {
                    continue;
                }
                body.push_str(l);
                body.push('\n');
            }
            out.insert(name.to_string(), body);
        }
    }
    out
}

fn check(name: &str, ours: &str) {
    let all = blocks();
    let r = all.get(name).unwrap_or_else(|| panic!("no R block {name}"));
    let r = r.replace("\n\ndata:  d and g \n\n", "\n\n");
    let r: String = r
        .lines()
        .filter(|l| {
            !(l.starts_with("data:  matrix") || *l == "data:  x" || *l == "data:  d and g ")
        })
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(ours, r, "case {name}\n--- survkit\n{ours}\n--- R\n{r}");
}

fn lung_by_sex() -> SurvivalData {
    SurvivalData::builder(&lung::TIME[..], lung::event())
        .groups(&lung::SEX)
        .build()
        .expect("lung is valid")
}

/// lung without the row whose ph.ecog is missing (R's na.action).
fn lung_ecog() -> (Vec<f64>, Vec<bool>, Vec<u8>, Vec<u8>) {
    let ev = lung::event();
    let mut out = (vec![], vec![], vec![], vec![]);
    for (i, ecog) in lung::PH_ECOG.iter().enumerate() {
        if let Some(e) = ecog {
            out.0.push(lung::TIME[i]);
            out.1.push(ev[i]);
            out.2.push(*e as u8);
            out.3.push(lung::SEX[i]);
        }
    }
    out
}

#[test]
fn survfit_tables() -> Result<(), survkit::Error> {
    let fit = KaplanMeier::new().fit(&lung_by_sex())?;
    check("km/lung-sex", &fit.to_string());
    check("km/lung-sex-rmean365", &fit.table(Some(365.0))?.to_string());
    let all = KaplanMeier::new().fit(&SurvivalData::new(&lung::TIME[..], lung::event())?)?;
    check("km/lung-all", &all.to_string());
    let aml = SurvivalData::builder(&aml::TIME[..], aml::event())
        .groups(&aml::X)
        .build()?;
    check("km/aml", &KaplanMeier::new().fit(&aml)?.to_string());
    let ov = SurvivalData::builder(&ovarian::FUTIME[..], ovarian::event())
        .groups(&ovarian::RX)
        .build()?;
    check("km/ovarian-rx", &KaplanMeier::new().fit(&ov)?.to_string());
    let vet = SurvivalData::builder(&veteran::TIME[..], veteran::event())
        .group_levels(&veteran::CELLTYPE, &veteran::CELLTYPE_LEVELS)
        .build()?;
    let fit = KaplanMeier::new()
        .transform(CiTransform::LogLog)
        .confidence_level(ConfidenceLevel::new(0.9)?)
        .fit(&vet)?;
    check("km/veteran-celltype-loglog90", &fit.to_string());
    Ok(())
}

#[test]
fn survfit_summaries() -> Result<(), survkit::Error> {
    let fit = KaplanMeier::new().fit(&lung_by_sex())?;
    check(
        "summary/lung-sex",
        &fit.summary(&[180.0, 365.0, 730.0])?.to_string(),
    );
    let all = KaplanMeier::new().fit(&SurvivalData::new(&lung::TIME[..], lung::event())?)?;
    check(
        "summary/lung-all",
        &all.summary(&[0.0, 100.0, 500.0, 1000.0])?.to_string(),
    );
    Ok(())
}

#[test]
fn curve_rows() -> Result<(), survkit::Error> {
    let fit = KaplanMeier::new().fit(&SurvivalData::new(&aml::TIME[..], aml::event())?)?;
    check("curve/aml-all", &fit.curves()[0].to_string());
    let (t, e): (Vec<f64>, Vec<bool>) = (0..lung::TIME.len())
        .filter(|&i| lung::SEX[i] == 2)
        .map(|i| (lung::TIME[i], lung::event()[i]))
        .unzip();
    let fit = KaplanMeier::new()
        .transform(CiTransform::LogLog)
        .fit(&SurvivalData::new(t, e)?)?;
    check("curve/lung-sex-2-loglog", &fit.curves()[0].to_string());
    Ok(())
}

#[test]
fn survdiff_tables() -> Result<(), survkit::Error> {
    check(
        "survdiff/lung-sex",
        &LogRank::new().test(&lung_by_sex())?.to_string(),
    );
    let (t, e, ecog, sex) = lung_ecog();
    let by_ecog = SurvivalData::builder(t.clone(), e.clone())
        .groups(&ecog)
        .build()?;
    check(
        "survdiff/lung-ecog",
        &LogRank::new().test(&by_ecog)?.to_string(),
    );
    let stratified = SurvivalData::builder(t, e)
        .groups(&sex)
        .strata(&ecog)
        .build()?;
    let rho1 = LogRank::new()
        .weights(LogRankWeights::FlemingHarrington {
            rho: 1.0,
            gamma: 0.0,
        })
        .test(&stratified)?;
    check("survdiff/lung-sex-rho1-strata-ecog", &rho1.to_string());
    let vet = SurvivalData::builder(&veteran::TIME[..], veteran::event())
        .group_levels(&veteran::CELLTYPE, &veteran::CELLTYPE_LEVELS)
        .build()?;
    check(
        "survdiff/veteran-celltype",
        &LogRank::new().test(&vet)?.to_string(),
    );
    Ok(())
}

#[test]
fn pairwise_tables() -> Result<(), survkit::Error> {
    let (t, e, ecog, _) = lung_ecog();
    let by_ecog = SurvivalData::builder(t, e).groups(&ecog).build()?;
    check(
        "pairwise/lung-ecog",
        &LogRank::new().pairwise(&by_ecog)?.to_string(),
    );
    let vet = SurvivalData::builder(&veteran::TIME[..], veteran::event())
        .group_levels(&veteran::CELLTYPE, &veteran::CELLTYPE_LEVELS)
        .build()?;
    check(
        "pairwise/veteran-celltype",
        &LogRank::new().pairwise(&vet)?.to_string(),
    );
    Ok(())
}

#[test]
fn fisher_htest() -> Result<(), survkit::Error> {
    // R's matrix(c(0, 5, 10, 4), 2) is [[0, 10], [5, 4]].
    let age = FisherExact::default().test(&Table2x2::new([[0, 10], [5, 4]])?)?;
    check("fisher/age", &age.to_string());
    let g = FisherExact::default()
        .alternative(Alternative::Greater)
        .test(&Table2x2::new([[3, 1], [1, 3]])?)?;
    check("fisher/3131-greater", &g.to_string());
    let big = FisherExact::default()
        .alternative(Alternative::Less)
        .confidence_level(ConfidenceLevel::new(0.9)?)
        .test(&Table2x2::new([[94, 48], [3577, 16988]])?)?;
    check("fisher/big-less-90", &big.to_string());
    let job = ContingencyTable::new(vec![
        vec![1, 3, 10, 6],
        vec![2, 3, 10, 7],
        vec![1, 6, 14, 12],
        vec![0, 1, 9, 11],
    ])?;
    check("fisher/job", &fisher_exact_rxc(&job)?.to_string());
    Ok(())
}

#[test]
fn binom_htest() -> Result<(), survkit::Error> {
    let p = Proportion::new(14, 19)?;
    check(
        "binom/14-19",
        &BinomialTest::default().test(&p)?.to_string(),
    );
    let g = BinomialTest::new(0.3)?
        .alternative(Alternative::Greater)
        .test(&p)?;
    check("binom/14-19-greater-0.3", &g.to_string());
    let l = BinomialTest::new(0.2)?
        .alternative(Alternative::Less)
        .confidence_level(ConfidenceLevel::new(0.99)?)
        .test(&Proportion::new(0, 25)?)?;
    check("binom/0-25-less-99", &l.to_string());
    Ok(())
}

#[test]
fn missing_values_dropped_as_r_na_omit() -> Result<(), survkit::Error> {
    // R: survdiff(Surv(time, status) ~ ph.ecog, lung) drops the one row
    // with a missing ph.ecog ("n=227, 1 observation deleted").
    let time: Vec<Option<f64>> = lung::TIME.iter().map(|&t| Some(t)).collect();
    let status: Vec<Option<f64>> = lung::STATUS.iter().map(|&s| Some(f64::from(s))).collect();
    let complete = CompleteCasesBuilder::with_status(&time, &status, 2.0)
        .groups(&lung::PH_ECOG)
        .build()?;
    assert_eq!(complete.dropped(), &[13]);
    assert_eq!(
        complete.to_string(),
        "1 observation deleted due to missingness"
    );
    assert_eq!(complete.data().len(), 227);
    check(
        "survdiff/lung-ecog",
        &LogRank::new().test(complete.data())?.to_string(),
    );
    Ok(())
}

#[test]
fn numeric_levels_in_r_factor_order() -> Result<(), survkit::Error> {
    // R: levels(factor(lung$inst)) is numeric order: 1 2 3 4 5 6 7 10 11 ...
    let time: Vec<Option<f64>> = lung::TIME.iter().map(|&t| Some(t)).collect();
    let event: Vec<Option<bool>> = lung::event().into_iter().map(Some).collect();
    let complete = CompleteCasesBuilder::new(&time, &event)
        .groups(&lung::INST)
        .build()?;
    let names = complete.data().group_names();
    let expected = [
        "1", "2", "3", "4", "5", "6", "7", "10", "11", "12", "13", "15", "16", "21", "22", "26",
        "32", "33",
    ];
    assert_eq!(names, expected);
    assert_eq!(complete.dropped().len(), 1);
    // Text sorts after numbers; -0 is 0; NaN is missing.
    let labels = [
        Some(Level::from("b")),
        Some(Level::from(-0.0)),
        Some(Level::from(f64::NAN)),
    ];
    let complete = CompleteCasesBuilder::new(&[Some(1.0); 3], &[Some(true); 3])
        .groups(&labels)
        .build()?;
    assert_eq!(complete.data().group_names(), ["0", "b"]);
    assert_eq!(complete.dropped(), &[2]);
    Ok(())
}

#[test]
fn missing_value_errors() {
    let t = [Some(1.0), None];
    let e = [Some(true)];
    assert!(matches!(
        CompleteCasesBuilder::new(&t, &e)
            .build()
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::LengthMismatch { what: "event", .. })
    ));
    assert!(matches!(
        CompleteCasesBuilder::new(&[None, Some(f64::NAN)], &[Some(true), Some(true)])
            .build()
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::EmptyInput { .. })
    ));
    // Present but invalid is an error, not a missing value.
    assert!(matches!(
        CompleteCasesBuilder::new(&[Some(-1.0)], &[Some(true)])
            .build()
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::Negative { .. })
    ));
}

#[test]
fn response_parses_from_text() {
    use survkit::Response;
    for (s, r) in [
        ("CR", Response::Complete),
        (" pr ", Response::Partial),
        ("Sd", Response::Stable),
        ("progressive disease", Response::Progressive),
        ("ne", Response::NotEvaluable),
    ] {
        assert_eq!(s.parse::<Response>(), Ok(r));
        assert_eq!(r.to_string().parse::<Response>(), Ok(r));
    }
    for bad in ["", "C R", "partial", "CRR", "1"] {
        assert!(bad.parse::<Response>().is_err(), "{bad:?}");
    }
}

#[test]
fn errors_have_a_kind_and_equal_themselves() {
    use survkit::ErrorKind;
    let err = SurvivalData::new(vec![1.0, f64::NAN], vec![true, false]).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NonFinite);
    // A NaN input is reported in the error, and the error equals itself.
    assert_eq!(err, err.clone());
    let other = SurvivalData::new(vec![1.0, f64::INFINITY], vec![true, false]).unwrap_err();
    assert_eq!(other.kind(), ErrorKind::NonFinite);
    assert_ne!(err, other);
    assert!(matches!(
        err.detail(),
        ErrorDetail::NonFinite { index: 1, .. }
    ));
}
