//! With the `serde` feature, deserialisation validates `Proportion`,
//! `ResponseSummary`, `ReportedPercentage` and `ReportedPValue` as their
//! constructors do (it used to build them from any field values).
//!
//! No data format is a dependency, so the input is given through a small
//! self-describing deserializer over in-memory values (`Val`), built on
//! serde's own `value` deserializers.
#![cfg(feature = "serde")]

use serde::de::value::{Error as DeError, MapAccessDeserializer, MapDeserializer, SeqDeserializer};
use serde::de::{Deserialize, Deserializer, IntoDeserializer, Visitor};
use survkit::{
    check_percentage, Denominator, Proportion, ReportedPValue, ReportedPercentage, ResponseCounts,
    ResponseSummary,
};

/// An in-memory value in serde's data model.
#[derive(Clone)]
enum Val {
    U(u64),
    F(f64),
    Str(&'static str),
    Seq(Vec<Val>),
    Map(Vec<(&'static str, Val)>),
}

impl<'de> IntoDeserializer<'de, DeError> for Val {
    type Deserializer = Val;
    fn into_deserializer(self) -> Val {
        self
    }
}

impl<'de> Deserializer<'de> for Val {
    type Error = DeError;
    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, DeError> {
        match self {
            Val::U(x) => v.visit_u64(x),
            Val::F(x) => v.visit_f64(x),
            Val::Str(s) => v.visit_str(s),
            Val::Seq(xs) => v.visit_seq(SeqDeserializer::new(xs.into_iter())),
            Val::Map(kv) => v.visit_map(MapDeserializer::new(kv.into_iter())),
        }
    }
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        v: V,
    ) -> Result<V::Value, DeError> {
        match self {
            // A unit variant as its name, any other as a one-entry map.
            Val::Str(s) => v.visit_enum(s.into_deserializer()),
            Val::Map(kv) => v.visit_enum(MapAccessDeserializer::new(MapDeserializer::new(
                kv.into_iter(),
            ))),
            other => other.deserialize_any(v),
        }
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct identifier ignored_any
    }
}

fn de<T: for<'de> Deserialize<'de>>(v: Val) -> Result<T, DeError> {
    T::deserialize(v)
}

fn proportion(x: u64, n: u64) -> Val {
    Val::Map(vec![("successes", Val::U(x)), ("trials", Val::U(n))])
}

#[test]
fn proportion_is_validated() {
    assert_eq!(
        de::<Proportion>(proportion(14, 19)).unwrap(),
        Proportion::new(14, 19).unwrap()
    );
    for (x, n) in [
        (1, 0),
        (0, 0),
        (5, 4),
        (0, (1 << 53) + 1),
        (u64::MAX, u64::MAX),
    ] {
        assert!(de::<Proportion>(proportion(x, n)).is_err(), "{x}/{n}");
    }
}

fn summary(counts: [u64; 5], denominator: &'static str, total: u64) -> Val {
    Val::Map(vec![
        (
            "counts",
            Val::Seq(counts.iter().map(|&c| Val::U(c)).collect()),
        ),
        ("denominator", Val::Str(denominator)),
        ("total", Val::U(total)),
    ])
}

#[test]
fn response_summary_is_validated() {
    let good = ResponseSummary::from_counts(
        ResponseCounts {
            complete: 2,
            partial: 12,
            stable: 3,
            progressive: 1,
            not_evaluable: 1,
        },
        Denominator::AllPatients,
    )
    .unwrap();
    assert_eq!(
        de::<ResponseSummary>(summary([2, 12, 3, 1, 1], "AllPatients", 19)).unwrap(),
        good
    );
    for bad in [
        // total 0: used to reach the unchecked Proportion constructor.
        summary([0, 0, 0, 0, 0], "AllPatients", 0),
        summary([0, 0, 0, 0, 5], "EvaluableOnly", 0),
        // a total that is not the sum of the counts
        summary([2, 12, 3, 1, 1], "AllPatients", 0),
        summary([2, 12, 3, 1, 1], "EvaluableOnly", 19),
        // counts beyond 2^53 or overflowing u64
        summary([u64::MAX, 1, 0, 0, 0], "AllPatients", 0),
        summary([1 << 53, 1, 0, 0, 0], "AllPatients", (1 << 53) + 1),
    ] {
        assert!(de::<ResponseSummary>(bad).is_err());
    }
}

fn percentage(units: u64, decimals: u64) -> Val {
    Val::Map(vec![
        ("units", Val::U(units)),
        ("decimals", Val::U(decimals)),
    ])
}

#[test]
fn reported_percentage_is_validated() {
    let p = de::<ReportedPercentage>(percentage(737, 1)).unwrap();
    assert_eq!(p, "73.7".parse::<ReportedPercentage>().unwrap());
    assert_eq!(check_percentage(&p, 19).unwrap().possible_counts(), 14..=14);
    // decimals 40 made 10u128.pow(40) overflow in check_percentage.
    for (units, decimals) in [
        (5, 40),
        (0, 10),
        (1001, 1),
        (u64::MAX, 9),
        (100_000_000_001, 9),
    ] {
        assert!(
            de::<ReportedPercentage>(percentage(units, decimals)).is_err(),
            "{units} {decimals}"
        );
    }
    // The largest valid report still checks without overflow.
    let full = de::<ReportedPercentage>(percentage(100_000_000_000, 9)).unwrap();
    assert!(check_percentage(&full, u64::MAX).unwrap().is_consistent());
}

fn p_equal(value: f64, decimals: u64) -> Val {
    Val::Map(vec![(
        "Equal",
        Val::Map(vec![
            ("value", Val::F(value)),
            ("decimals", Val::U(decimals)),
        ]),
    )])
}

#[test]
fn reported_p_value_is_validated() {
    assert_eq!(
        de::<ReportedPValue>(p_equal(0.011, 3)).unwrap(),
        ReportedPValue::Equal {
            value: 0.011,
            decimals: 3
        }
    );
    assert_eq!(
        de::<ReportedPValue>(Val::Map(vec![("LessThan", Val::F(0.001))])).unwrap(),
        ReportedPValue::LessThan(0.001)
    );
    for bad in [
        p_equal(0.5, 100_000_000),
        p_equal(0.5, 16),
        p_equal(1.5, 3),
        p_equal(f64::NAN, 3),
        p_equal(-0.1, 3),
        Val::Map(vec![("LessThan", Val::F(2.0))]),
        Val::Map(vec![("GreaterThan", Val::F(f64::NAN))]),
        Val::Map(vec![("GreaterThan", Val::F(f64::INFINITY))]),
    ] {
        assert!(de::<ReportedPValue>(bad).is_err());
    }
}
