//! The one harness for reference data.
//!
//! Reference files live in `tests/data/*.txt` and are written by the
//! committed scripts beside them (R, or Python for statsmodels / scipy /
//! lifelines). Format: records separated by blank lines; each line is
//! `key: value value …`. Every record has a `case:` (its name) and a
//! `source:` (the exact call that made it, with software versions). Numbers
//! are written with 17 significant digits; `NA`/`NaN` read as NaN, `Inf` and
//! `-Inf` as infinities. Lines starting with `#` are comments.
#![allow(dead_code)]

use std::collections::BTreeMap;

/// One reference record.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub source: String,
    fields: BTreeMap<String, String>,
}

impl Case {
    /// The raw text of a field.
    pub fn text(&self, key: &str) -> &str {
        self.fields
            .get(key)
            .unwrap_or_else(|| panic!("case {}: no field {key:?}", self.name))
    }

    /// Whether the record has the field.
    pub fn has(&self, key: &str) -> bool {
        self.fields.contains_key(key)
    }

    /// A field as numbers.
    pub fn nums(&self, key: &str) -> Vec<f64> {
        self.text(key).split_whitespace().map(parse_num).collect()
    }

    /// A field holding exactly one number.
    pub fn num(&self, key: &str) -> f64 {
        let v = self.nums(key);
        assert_eq!(
            v.len(),
            1,
            "case {}: field {key:?} is not a scalar",
            self.name
        );
        v[0]
    }

    /// A field as unsigned integers.
    pub fn counts(&self, key: &str) -> Vec<u64> {
        self.nums(key)
            .into_iter()
            .map(|x| {
                assert!(
                    x >= 0.0 && x.fract() == 0.0,
                    "case {}: {key} not a count",
                    self.name
                );
                x as u64
            })
            .collect()
    }

    /// A field as whitespace-separated words.
    pub fn words(&self, key: &str) -> Vec<String> {
        self.text(key)
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }
}

fn parse_num(s: &str) -> f64 {
    match s {
        "NA" | "NaN" | "nan" => f64::NAN,
        "Inf" | "inf" => f64::INFINITY,
        "-Inf" | "-inf" => f64::NEG_INFINITY,
        "TRUE" => 1.0,
        "FALSE" => 0.0,
        _ => s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}")),
    }
}

/// Parses reference records from text (use with `include_str!`).
pub fn parse(text: &str) -> Vec<Case> {
    let mut cases = Vec::new();
    for block in text.split("\n\n") {
        let mut fields = BTreeMap::new();
        for line in block.lines() {
            let line = line.trim_end();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (k, v) = line
                .split_once(':')
                .unwrap_or_else(|| panic!("bad reference line {line:?}"));
            fields.insert(k.trim().to_owned(), v.trim().to_owned());
        }
        if fields.is_empty() {
            continue;
        }
        let name = fields.remove("case").expect("record without case:");
        let source = fields.remove("source").expect("record without source:");
        cases.push(Case {
            name,
            source,
            fields,
        });
    }
    assert!(!cases.is_empty(), "no reference cases parsed");
    cases
}

/// Relative error `|a − e| / |e|`; 0 when both are equal (including both
/// infinite of the same sign, or both NaN); infinite when `e == 0 != a`.
pub fn rel_err(actual: f64, expected: f64) -> f64 {
    if actual == expected || (actual.is_nan() && expected.is_nan()) {
        0.0
    } else if expected == 0.0 || expected.is_infinite() || expected.is_nan() || actual.is_nan() {
        f64::INFINITY
    } else {
        ((actual - expected) / expected).abs()
    }
}

/// Asserts a relative error of at most `tol`, with no absolute floor.
#[track_caller]
pub fn assert_rel(actual: f64, expected: f64, tol: f64, what: &str) {
    let e = rel_err(actual, expected);
    assert!(
        e <= tol,
        "{what}: got {actual:e}, expected {expected:e} (relative error {e:e} > {tol:e})"
    );
}

/// Element-wise [`assert_rel`] over slices of equal length.
#[track_caller]
pub fn assert_all_rel(actual: &[f64], expected: &[f64], tol: f64, what: &str) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths differ");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert_rel(*a, *e, tol, &format!("{what}[{i}]"));
    }
}

/// The default tolerance of the project: relative 1e-10.
pub const TOL: f64 = 1e-10;

/// Rebuilds the data of a record from its `in_*` columns.
pub fn data_of(case: &Case) -> survkit::SurvivalData {
    let time = case.nums("in_time");
    let event: Vec<bool> = case.nums("in_event").iter().map(|&e| e == 1.0).collect();
    let mut b = survkit::SurvivalData::builder(time, event);
    if case.has("in_group") {
        let labels = case.words("in_group");
        b = if case.has("in_levels") {
            b.group_levels(&labels, &case.words("in_levels"))
        } else {
            b.groups(&labels)
        };
    }
    if case.has("in_stratum") {
        b = b.strata(&case.words("in_stratum"));
    }
    if case.has("in_weight") {
        b = b.weights(case.nums("in_weight"));
    }
    if case.has("in_entry") {
        b = b.entry(case.nums("in_entry"));
    }
    b.build().expect("reference data are valid")
}

/// Every proportion interval method, for tests that sweep them all.
pub const ALL_METHODS: [survkit::ProportionCiMethod; 7] = [
    survkit::ProportionCiMethod::ClopperPearson,
    survkit::ProportionCiMethod::MidP,
    survkit::ProportionCiMethod::Jeffreys,
    survkit::ProportionCiMethod::Wilson,
    survkit::ProportionCiMethod::WilsonCorrected,
    survkit::ProportionCiMethod::AgrestiCoull,
    survkit::ProportionCiMethod::Wald,
];
