//! Arrow record batches in and out (feature `arrow`): data read from a batch
//! equal the data built from the same columns, every column type an engine
//! hands out is read, missing values follow R's `na.omit` / `na.fail`,
//! counts become the event table of the rows they count, and the result
//! batches hold the accessors' values.

use std::sync::Arc;
use survkit::ErrorDetail;

use arrow_array::builder::StringDictionaryBuilder;
use arrow_array::types::Int32Type;
use arrow_array::{
    Array, ArrayRef, BooleanArray, Decimal128Array, Float32Array, Float64Array, Int32Array,
    Int64Array, LargeStringArray, RecordBatch, StringArray, StringViewArray, UInt64Array,
    UInt8Array,
};
use survkit::{
    datasets::{aml, lung},
    log_rank, ArrowCounts, ArrowSurvivalData, CompleteCasesBuilder, CountRow, ErrorKind,
    EventTable, KaplanMeier, LogRank, LogRankWeights, NaAction, SurvivalData, TimeFix,
};

fn batch(columns: Vec<(&str, ArrayRef)>) -> RecordBatch {
    RecordBatch::try_from_iter(columns).expect("columns of equal length")
}

fn f64s(v: &[f64]) -> ArrayRef {
    Arc::new(Float64Array::from(v.to_vec()))
}

fn f64_column(b: &RecordBatch, name: &str) -> Vec<f64> {
    b.column_by_name(name)
        .expect("column")
        .as_any()
        .downcast_ref::<Float64Array>()
        .expect("Float64")
        .values()
        .to_vec()
}

fn str_column(b: &RecordBatch, name: &str) -> Vec<String> {
    let a = b.column_by_name(name).expect("column");
    let s = a.as_any().downcast_ref::<StringArray>().expect("Utf8");
    (0..s.len()).map(|i| s.value(i).to_owned()).collect()
}

/// lung as a data frame: time, status 1/2 (Int32), sex (UInt8), ph.ecog
/// with its missing value (nullable Float64), inst (nullable Float64).
fn lung_batch() -> RecordBatch {
    batch(vec![
        ("time", f64s(&lung::TIME)),
        (
            "status",
            Arc::new(Int32Array::from(
                lung::STATUS
                    .iter()
                    .map(|&s| i32::from(s))
                    .collect::<Vec<_>>(),
            )),
        ),
        ("sex", Arc::new(UInt8Array::from(lung::SEX.to_vec()))),
        (
            "ph_ecog",
            Arc::new(Float64Array::from(lung::PH_ECOG.to_vec())),
        ),
        ("inst", Arc::new(Float64Array::from(lung::INST.to_vec()))),
    ])
}

#[test]
fn lung_from_a_batch_equals_the_columns_with_missing_values_dropped() {
    // R: survfit(Surv(time, status) ~ sex + strata(ph.ecog), lung): 1 deleted.
    let b = lung_batch();
    let complete = ArrowSurvivalData::new("time", "status")
        .event_code(2.0)
        .groups("sex")
        .strata("ph_ecog")
        .build(std::slice::from_ref(&b))
        .unwrap();
    let time: Vec<Option<f64>> = lung::TIME.iter().map(|&t| Some(t)).collect();
    let status: Vec<Option<f64>> = lung::STATUS.iter().map(|&s| Some(f64::from(s))).collect();
    let sex: Vec<Option<f64>> = lung::SEX.iter().map(|&s| Some(f64::from(s))).collect();
    let expected = CompleteCasesBuilder::with_status(&time, &status, 2.0)
        .groups(&sex)
        .strata(&lung::PH_ECOG)
        .build()
        .unwrap();
    assert_eq!(complete, expected);
    assert_eq!(complete.dropped(), &[13]);
    assert_eq!(complete.data().group_names(), ["1", "2"]);
    assert_eq!(complete.data().stratum_names(), ["0", "1", "2", "3"]);

    // Split into three batches: the same rows, indices counted across batches.
    let parts = [b.slice(0, 10), b.slice(10, 100), b.slice(110, 118)];
    let split = ArrowSurvivalData::new("time", "status")
        .event_code(2.0)
        .groups("sex")
        .strata("ph_ecog")
        .build(&parts)
        .unwrap();
    assert_eq!(split, expected);

    // na.fail: the first missing value in row order, naming its column.
    let err = ArrowSurvivalData::new("time", "status")
        .event_code(2.0)
        .groups("inst")
        .strata("ph_ecog")
        .na_action(NaAction::Fail)
        .build(&parts)
        .unwrap_err();
    assert_eq!(
        err,
        ErrorDetail::MissingValue {
            column: "ph_ecog".into(),
            index: 13
        }
        .into()
    );
    assert_eq!(
        err.to_string(),
        r#"column "ph_ecog" is missing (null or NaN) at row 13"#
    );
    // With nothing missing, Fail drops nothing.
    let ok = ArrowSurvivalData::new("time", "status")
        .event_code(2.0)
        .groups("sex")
        .na_action(NaAction::Fail)
        .build(&[b])
        .unwrap();
    assert!(ok.dropped().is_empty());
    assert_eq!(ok.data().len(), 228);
}

#[test]
fn every_label_type_gives_the_same_levels_as_the_columns() {
    let expected = SurvivalData::builder(&aml::TIME[..], aml::event())
        .groups(&aml::X)
        .build()
        .unwrap();
    let mut dict = StringDictionaryBuilder::<Int32Type>::new();
    for x in aml::X {
        dict.append_value(x);
    }
    let labels: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from(aml::X.to_vec())),
        Arc::new(LargeStringArray::from(aml::X.to_vec())),
        Arc::new(StringViewArray::from(aml::X.to_vec())),
        Arc::new(dict.finish()),
    ];
    let status: ArrayRef = Arc::new(BooleanArray::from(aml::event()));
    for group in labels {
        let kind = group.data_type().clone();
        let b = batch(vec![
            ("t", f64s(&aml::TIME)),
            ("dead", status.clone()),
            ("x", group),
        ]);
        let got = ArrowSurvivalData::new("t", "dead")
            .groups("x")
            .build(&[b])
            .unwrap();
        assert_eq!(got.data(), &expected, "{kind}");
    }
    // Integer times (Int64), Float32 weights, integer and Boolean labels.
    let b = batch(vec![
        ("t", Arc::new(Int64Array::from(vec![5, 8, 3, 9]))),
        ("s", Arc::new(Int32Array::from(vec![1, 0, 1, 1]))),
        ("w", Arc::new(Float32Array::from(vec![1.0, 2.5, 1.0, 0.5]))),
        (
            "g",
            Arc::new(BooleanArray::from(vec![true, false, true, false])),
        ),
        ("k", Arc::new(Int32Array::from(vec![10, 2, 10, 2]))),
    ]);
    let got = ArrowSurvivalData::new("t", "s")
        .weights("w")
        .groups("g")
        .strata("k")
        .build(&[b])
        .unwrap();
    let expected = SurvivalData::builder(vec![5.0, 8.0, 3.0, 9.0], vec![true, false, true, true])
        .weights(vec![1.0, 2.5, 1.0, 0.5])
        .groups(&["TRUE", "FALSE", "TRUE", "FALSE"])
        .strata(&[10, 2, 10, 2])
        .build()
        .unwrap();
    assert_eq!(got.data(), &expected);
    assert_eq!(got.data().group_names(), ["FALSE", "TRUE"]);
    assert_eq!(got.data().stratum_names(), ["2", "10"]); // numeric order, as R
}

#[test]
fn entry_times_and_declared_levels() {
    let b = batch(vec![
        ("entry", f64s(&[0.0, 2.0, 1.0, 0.5])),
        ("exit", f64s(&[5.0, 8.0, 3.0, 9.0])),
        (
            "event",
            Arc::new(BooleanArray::from(vec![true, false, true, true])),
        ),
        ("arm", Arc::new(StringArray::from(vec!["b", "b", "b", "b"]))),
    ]);
    let got = ArrowSurvivalData::new("exit", "event")
        .entry("entry")
        .group_levels("arm", &["a", "b"])
        .build(std::slice::from_ref(&b))
        .unwrap();
    let expected = SurvivalData::builder(vec![5.0, 8.0, 3.0, 9.0], vec![true, false, true, true])
        .entry(vec![0.0, 2.0, 1.0, 0.5])
        .group_levels(&["b", "b", "b", "b"], &["a", "b"])
        .build()
        .unwrap();
    assert_eq!(got.data(), &expected);
    // A label outside the declared levels.
    let err = ArrowSurvivalData::new("exit", "event")
        .group_levels("arm", &["a"])
        .build(&[b])
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownLevel);
}

#[test]
fn bad_columns_are_typed_errors() {
    let b = batch(vec![
        ("t", f64s(&[1.0, 2.0])),
        ("s", Arc::new(StringArray::from(vec!["dead", "alive"]))),
        ("big", Arc::new(UInt64Array::from(vec![1, (1 << 53) + 1]))),
        (
            "dec2",
            Arc::new(
                Decimal128Array::from(vec![100, 250])
                    .with_precision_and_scale(10, 2)
                    .unwrap(),
            ),
        ),
        (
            "dec0",
            Arc::new(
                Decimal128Array::from(vec![1, 0])
                    .with_precision_and_scale(38, 0)
                    .unwrap(),
            ),
        ),
    ]);
    let read = |time: &str, status: &str| {
        ArrowSurvivalData::new(time, status).build(std::slice::from_ref(&b))
    };
    assert_eq!(
        read("time", "dec0").unwrap_err(),
        ErrorDetail::MissingColumn {
            column: "time".into()
        }
        .into()
    );
    let err = read("t", "s").unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ColumnType);
    assert_eq!(
        err.to_string(),
        r#"column "s" has type Utf8, expected Boolean (true = event) or a numeric status column"#
    );
    assert_eq!(
        read("dec2", "dec0").unwrap_err().kind(),
        ErrorKind::ColumnType
    );
    assert_eq!(
        read("big", "dec0").unwrap_err().kind(),
        ErrorKind::IntegerOutOfRange
    );
    // DuckDB's SUM is a Decimal128(38, 0): read as integers.
    let ok = read("t", "dec0").unwrap();
    assert_eq!(ok.data().event(), [true, false]);
    // Invalid present values are errors, not dropped.
    let neg = batch(vec![
        ("t", f64s(&[1.0, -2.0])),
        ("s", Arc::new(BooleanArray::from(vec![true, true]))),
    ]);
    assert_eq!(
        ArrowSurvivalData::new("t", "s").build(&[neg]).unwrap_err(),
        ErrorDetail::Negative {
            what: "time",
            index: 1,
            value: -2.0
        }
        .into()
    );
    // No rows; no complete row.
    let empty = batch(vec![("t", f64s(&[])), ("s", f64s(&[]))]);
    assert_eq!(
        ArrowSurvivalData::new("t", "s")
            .build(&[empty])
            .unwrap_err()
            .kind(),
        ErrorKind::EmptyInput
    );
    assert_eq!(
        ArrowSurvivalData::new("t", "s")
            .build(&[])
            .unwrap_err()
            .kind(),
        ErrorKind::EmptyInput
    );
}

/// aml's counts per (arm, time), as `GROUP BY x, time` returns them.
fn aml_counts() -> RecordBatch {
    let mut rows: std::collections::BTreeMap<(&str, u64), (i64, i64)> = Default::default();
    for i in 0..aml::TIME.len() {
        let c = rows.entry((aml::X[i], aml::TIME[i].to_bits())).or_default();
        if aml::STATUS[i] == 1 {
            c.0 += 1;
        } else {
            c.1 += 1;
        }
    }
    // Rows in reverse order: the reader does not rely on the engine's order.
    let rows: Vec<_> = rows.into_iter().rev().collect();
    batch(vec![
        (
            "x",
            Arc::new(StringArray::from(
                rows.iter().map(|((x, _), _)| *x).collect::<Vec<_>>(),
            )),
        ),
        (
            "time",
            f64s(
                &rows
                    .iter()
                    .map(|((_, t), _)| f64::from_bits(*t))
                    .collect::<Vec<_>>(),
            ),
        ),
        (
            "n_event",
            Arc::new(Int64Array::from(
                rows.iter().map(|(_, c)| c.0).collect::<Vec<_>>(),
            )),
        ),
        (
            "n_censor",
            Arc::new(Int64Array::from(
                rows.iter().map(|(_, c)| c.1).collect::<Vec<_>>(),
            )),
        ),
    ])
}

#[test]
fn counts_give_the_table_and_the_fits_of_the_rows() {
    let data = SurvivalData::builder(&aml::TIME[..], aml::event())
        .groups(&aml::X)
        .build()
        .unwrap();
    let expected = EventTable::from_data_with(&data, TimeFix::Exact).unwrap();
    let counts = aml_counts();
    let table = ArrowCounts::new("time", "n_event", "n_censor")
        .groups("x")
        .build(std::slice::from_ref(&counts))
        .unwrap();
    assert_eq!(table, expected);
    let km = KaplanMeier::new().time_fix(TimeFix::Exact);
    assert_eq!(
        km.fit_table(&table).unwrap(),
        km.fit(&data).unwrap(),
        "bit for bit"
    );
    for w in [
        LogRankWeights::LogRank,
        LogRankWeights::FlemingHarrington {
            rho: 1.0,
            gamma: 1.0,
        },
    ] {
        let lr = LogRank::new().weights(w).time_fix(TimeFix::Exact);
        assert_eq!(lr.test_table(&table).unwrap(), lr.test(&data).unwrap());
    }
    // Partitions: the two halves of the batch, read separately and merged.
    let (a, b) = (counts.slice(0, 9), counts.slice(9, counts.num_rows() - 9));
    let read = |p: &RecordBatch| {
        ArrowCounts::new("time", "n_event", "n_censor")
            .group_levels("x", &aml::X_LEVELS)
            .build(std::slice::from_ref(p))
            .unwrap()
    };
    assert_eq!(read(&a).merge(&read(&b)).unwrap(), expected);
    assert_eq!(read(&b).merge(&read(&a)).unwrap(), expected);
    // ...or concatenated: one table.
    assert_eq!(
        ArrowCounts::new("time", "n_event", "n_censor")
            .groups("x")
            .build(&[a, b])
            .unwrap(),
        expected
    );
}

#[test]
fn counts_are_validated() {
    let read = |n_event: ArrayRef, weighted: bool| {
        let b = batch(vec![
            ("time", f64s(&[1.0, 2.0])),
            ("d", n_event),
            ("c", Arc::new(Int64Array::from(vec![0, 1]))),
        ]);
        ArrowCounts::new("time", "d", "c")
            .weighted(weighted)
            .build(&[b])
    };
    // A null count is always an error (filter rows in the query instead).
    let err = read(Arc::new(Int64Array::from(vec![Some(1), None])), false).unwrap_err();
    assert_eq!(
        err,
        ErrorDetail::MissingValue {
            column: "d".into(),
            index: 1
        }
        .into()
    );
    assert_eq!(
        read(Arc::new(Int64Array::from(vec![1, -1])), false).unwrap_err(),
        ErrorDetail::Negative {
            what: "n_event",
            index: 1,
            value: -1.0
        }
        .into()
    );
    assert_eq!(
        read(f64s(&[1.0, 0.5]), false).unwrap_err(),
        ErrorDetail::NotWholeNumber {
            what: "n_event",
            index: 1,
            value: 0.5
        }
        .into()
    );
    assert!(read(f64s(&[1.0, 0.5]), true).is_ok());
    assert_eq!(
        read(Arc::new(UInt64Array::from(vec![u64::MAX, 1])), false)
            .unwrap_err()
            .kind(),
        ErrorKind::IntegerOutOfRange
    );
    // Two whole counts, each exact, whose sum passes 2^53.
    let half = (1_i64 << 52) + 1;
    assert_eq!(
        read(Arc::new(Int64Array::from(vec![half, half])), false)
            .unwrap_err()
            .kind(),
        ErrorKind::CountSumOverflow
    );
    // A null group: an error naming the column.
    let b = batch(vec![
        ("time", f64s(&[1.0, 2.0])),
        ("d", f64s(&[1.0, 1.0])),
        ("c", f64s(&[0.0, 0.0])),
        ("g", Arc::new(StringArray::from(vec![Some("a"), None]))),
    ]);
    assert_eq!(
        ArrowCounts::new("time", "d", "c")
            .groups("g")
            .build(&[b])
            .unwrap_err(),
        ErrorDetail::MissingValue {
            column: "g".into(),
            index: 1
        }
        .into()
    );
    // The row-level equivalent of the table: from_counts on the same rows.
    let rows = [CountRow::new(1.0, 0, 1.0, 0.0)];
    assert!(EventTable::from_counts(&["all"], &["all"], &rows).is_ok());
}

#[test]
fn result_batches_hold_the_accessors_values() {
    let data = SurvivalData::builder(&aml::TIME[..], aml::event())
        .groups(&aml::X)
        .build()
        .unwrap();
    let fit = KaplanMeier::new().fit(&data).unwrap();
    let b = fit.to_record_batch();
    let c0 = &fit.curves()[0];
    let c1 = &fit.curves()[1];
    assert_eq!(b.num_rows(), c0.len() + c1.len());
    let cat = |a: &[f64], b: &[f64]| [a, b].concat();
    assert_eq!(f64_column(&b, "time"), cat(c0.time(), c1.time()));
    assert_eq!(f64_column(&b, "n_risk"), cat(c0.n_risk(), c1.n_risk()));
    assert_eq!(
        f64_column(&b, "survival"),
        cat(c0.survival(), c1.survival())
    );
    assert_eq!(
        f64_column(&b, "std_err_log")
            .iter()
            .map(|x| x.to_bits())
            .collect::<Vec<_>>(),
        cat(c0.std_err_log(), c1.std_err_log())
            .iter()
            .map(|x| x.to_bits())
            .collect::<Vec<_>>()
    );
    // NaN where R has NA (an upper bound after S = 0): compare bit patterns.
    let bits = |v: Vec<f64>| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(
        bits(f64_column(&b, "upper")),
        bits(cat(c0.upper(), c1.upper()))
    );
    assert_eq!(str_column(&b, "curve")[0], "Maintained");
    assert_eq!(b.schema().metadata()["confidence_level"], "0.95");

    let risk = fit.risk_table_record_batch(&[0.0, 20.0, 40.0]).unwrap();
    // R: summary(survfit(Surv(time, status) ~ x, aml), times = c(0, 20, 40))$n.risk
    assert_eq!(
        f64_column(&risk, "n_risk"),
        [11.0, 7.0, 3.0, 12.0, 6.0, 2.0]
    );
    assert!(fit.risk_table_record_batch(&[f64::NAN]).is_err());

    let test = log_rank(&data).unwrap();
    let t = test.to_record_batch();
    assert_eq!(str_column(&t, "group"), ["Maintained", "Nonmaintained"]);
    assert_eq!(f64_column(&t, "observed"), test.observed());
    assert_eq!(f64_column(&t, "expected"), test.expected());
    // R: survdiff(Surv(time, status) ~ x, aml): (O-E)^2/V = 3.4 for both rows.
    for v in f64_column(&t, "o_minus_e_squared_over_v") {
        assert!((v / test.statistic() - 1.0).abs() < 1e-12);
    }
    let meta = t.schema().metadata().clone();
    assert_eq!(meta["statistic"].parse::<f64>().unwrap(), test.statistic());
    assert_eq!(meta["p_value"].parse::<f64>().unwrap(), test.p_value());
}
