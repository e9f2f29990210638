//! The counts path (issue #14): every statistic survkit reports for
//! right-censored data is a function of the per-(stratum, group, time)
//! counts, so
//! (a) fitting on the counts of some rows gives the individual-level fit on
//!     those rows bit for bit (Kaplan-Meier with standard errors and
//!     intervals, every log-rank weight, quantiles, RMST), also at 10⁶ rows;
//! (b) counts computed per partition merge into the pooled table in any
//!     order, also when a partition lacks a group or a stratum;
//! (c) rows compressed to (time, group, status, count) with the count as a
//!     frequency weight give the numbers of the expanded rows, for every
//!     log-rank weight (Fleming-Harrington included: lifelines PR #1698),
//!     every interval transform and every quantile;
//!
//! and counts are validated (whole, non-negative, sums within 2⁵³).

use std::collections::BTreeMap;
use survkit::ErrorDetail;

use proptest::prelude::*;
use survkit::{
    CiTransform, CountRow, ErrorKind, EventTable, KaplanMeier, KaplanMeierFit, LogRank,
    LogRankResult, LogRankWeights, SurvivalCurve, SurvivalData, TimeFix, MAX_WHOLE_COUNT_SUM,
};

const TRANSFORMS: [CiTransform; 5] = [
    CiTransform::Plain,
    CiTransform::Log,
    CiTransform::LogLog,
    CiTransform::Logit,
    CiTransform::Arcsine,
];

const WEIGHTS: [LogRankWeights; 7] = [
    LogRankWeights::LogRank,
    LogRankWeights::GehanBreslow,
    LogRankWeights::TaroneWare,
    LogRankWeights::PetoPeto,
    LogRankWeights::FlemingHarrington {
        rho: 0.0,
        gamma: 1.0,
    },
    LogRankWeights::FlemingHarrington {
        rho: 1.0,
        gamma: 1.0,
    },
    LogRankWeights::FlemingHarrington {
        rho: 0.5,
        gamma: 2.0,
    },
];

const PROBABILITIES: [f64; 5] = [0.1, 0.25, 0.5, 0.75, 0.9];

/// One subject: time, event, group (0..3), stratum (0..2).
type Row = (f64, bool, u8, u8);

fn data(rows: &[Row]) -> SurvivalData {
    SurvivalData::builder(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        rows.iter().map(|r| r.1).collect::<Vec<_>>(),
    )
    .group_levels(&rows.iter().map(|r| r.2).collect::<Vec<_>>(), &[0, 1, 2])
    .stratum_levels(&rows.iter().map(|r| r.3).collect::<Vec<_>>(), &[0, 1])
    .build()
    .expect("valid rows")
}

/// `SELECT stratum, grp, time, SUM(event), SUM(1 - event) ... GROUP BY
/// stratum, grp, time`, in an arbitrary (hash-like) order.
fn counts(rows: &[Row]) -> Vec<CountRow> {
    let mut cells: BTreeMap<(u8, u8, u64), (f64, f64)> = BTreeMap::new();
    for r in rows {
        let c = cells.entry((r.3, r.2, r.0.to_bits())).or_default();
        if r.1 {
            c.0 += 1.0;
        } else {
            c.1 += 1.0;
        }
    }
    // Interleave from both ends: the reader must not rely on the order.
    let mut v: Vec<CountRow> = cells
        .into_iter()
        .map(|((s, g, t), (d, c))| CountRow {
            stratum: usize::from(s),
            ..CountRow::new(f64::from_bits(t), usize::from(g), d, c)
        })
        .collect();
    let n = v.len();
    v.rotate_left(n / 2);
    v
}

fn table(rows: &[CountRow]) -> EventTable {
    EventTable::from_counts(&["0", "1", "2"], &["0", "1"], rows).expect("valid counts")
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Everything a curve reports, as bit patterns.
fn curve_bits(c: &SurvivalCurve, tau: f64) -> Vec<Vec<u64>> {
    let mut out = vec![
        bits(c.time()),
        bits(c.n_risk()),
        bits(c.n_event()),
        bits(c.n_censor()),
        bits(c.survival()),
        bits(c.std_err_log()),
        bits(c.std_err_surv()),
        bits(c.lower()),
        bits(c.upper()),
        bits(&c.cumulative_hazard()),
        bits(&c.std_err_cumulative_hazard()),
    ];
    for p in PROBABILITIES {
        let q = c.quantile(p).expect("valid p");
        out.push(bits(&[
            q.estimate().unwrap_or(-1.0),
            q.lower().unwrap_or(-1.0),
            q.upper().unwrap_or(-1.0),
        ]));
    }
    if tau > 0.0 {
        let r = c.restricted_mean(tau).expect("valid tau");
        out.push(bits(&[r.estimate(), r.std_err()]));
    }
    out
}

fn fit_bits(fit: &KaplanMeierFit) -> Vec<Vec<Vec<u64>>> {
    let tau = fit.max_time();
    fit.curves().iter().map(|c| curve_bits(c, tau)).collect()
}

fn test_bits(t: &LogRankResult) -> Vec<u64> {
    let mut v = bits(t.n());
    v.extend(bits(t.observed()));
    v.extend(bits(t.expected()));
    v.extend(bits(t.variance_matrix()));
    v.extend(bits(&[t.statistic(), t.p_value(), t.df() as f64]));
    v
}

/// The individual-level fit and the fit on the counts of the same rows
/// agree bit for bit, for every transform and every log-rank weight.
fn assert_exact(rows: &[Row]) {
    let d = data(rows);
    let t = table(&counts(rows));
    assert_eq!(t, EventTable::from_data_with(&d, TimeFix::Exact).unwrap());
    for transform in TRANSFORMS {
        let km = KaplanMeier::new()
            .transform(transform)
            .time_fix(TimeFix::Exact);
        let (a, b) = (km.fit(&d).unwrap(), km.fit_table(&t).unwrap());
        assert_eq!(fit_bits(&a), fit_bits(&b), "{transform:?}");
    }
    for w in WEIGHTS {
        let lr = LogRank::new().weights(w).time_fix(TimeFix::Exact);
        match (lr.test(&d), lr.test_table(&t)) {
            (Ok(a), Ok(b)) => assert_eq!(test_bits(&a), test_bits(&b), "{w:?}"),
            (Err(a), Err(b)) => assert_eq!(a, b),
            (a, b) => panic!("{w:?}: {a:?} vs {b:?}"),
        }
    }
}

/// Random subjects: tied times on a grid or continuous, 3 groups, 2 strata.
fn rows(max: usize) -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec(
        (
            prop_oneof![(1u8..15).prop_map(f64::from), 0.0..50.0f64],
            any::<bool>(),
            0u8..3,
            0u8..2,
        ),
        1..max,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// (a) Exactness on random data.
    #[test]
    fn counts_give_the_individual_level_results_bit_for_bit(rows in rows(80)) {
        assert_exact(&rows);
    }

    /// (b) Partitions (sites, files, engine tasks) merge into the pooled
    /// table in any order; a part may lack groups or strata entirely.
    #[test]
    fn partitions_merge_in_any_order(
        rows in rows(80),
        parts in prop::collection::vec(0usize..4, 80),
        order in Just((0usize..4).collect::<Vec<_>>()).prop_shuffle(),
    ) {
        let pooled = table(&counts(&rows));
        let mut tables: Vec<Option<EventTable>> = (0..4)
            .map(|p| {
                let mine: Vec<Row> = rows
                    .iter()
                    .zip(&parts)
                    .filter(|(_, &q)| q == p)
                    .map(|(r, _)| *r)
                    .collect();
                (!mine.is_empty()).then(|| table(&counts(&mine)))
            })
            .collect();
        // Left fold in a random order.
        let mut acc: Option<EventTable> = None;
        for &p in &order {
            if let Some(t) = tables[p].take() {
                acc = Some(match acc {
                    None => t,
                    Some(a) => a.merge(&t).unwrap(),
                });
            }
        }
        prop_assert_eq!(acc.as_ref(), Some(&pooled));
        // Concatenating the parts' count rows is the same table.
        let mut all = Vec::new();
        for p in order {
            let mine: Vec<Row> = rows
                .iter()
                .zip(&parts)
                .filter(|(_, &q)| q == p)
                .map(|(r, _)| *r)
                .collect();
            all.extend(counts(&mine));
        }
        prop_assert_eq!(table(&all), pooled);
    }

    /// (c) (time, group, status, count) as frequency weights gives the
    /// numbers of the expanded rows.
    #[test]
    fn frequency_weights_equal_expanded_rows(
        cells in prop::collection::vec(((1u8..12).prop_map(f64::from), any::<bool>(), 0u8..2, 1u32..6), 1..25),
    ) {
        let expanded: Vec<Row> = cells
            .iter()
            .flat_map(|&(t, e, g, n)| std::iter::repeat_n((t, e, g, 0u8), n as usize))
            .collect();
        let groups: Vec<u8> = cells.iter().map(|c| c.2).collect();
        let compressed = SurvivalData::builder(
            cells.iter().map(|c| c.0).collect::<Vec<_>>(),
            cells.iter().map(|c| c.1).collect::<Vec<_>>(),
        )
        .groups(&groups)
        .weights(cells.iter().map(|c| f64::from(c.3)).collect::<Vec<_>>())
        .build()
        .unwrap();
        let full = SurvivalData::builder(
            expanded.iter().map(|r| r.0).collect::<Vec<_>>(),
            expanded.iter().map(|r| r.1).collect::<Vec<_>>(),
        )
        .groups(&expanded.iter().map(|r| r.2).collect::<Vec<_>>())
        .build()
        .unwrap();
        for transform in TRANSFORMS {
            let km = KaplanMeier::new().transform(transform);
            let (a, b) = (km.fit(&compressed).unwrap(), km.fit(&full).unwrap());
            prop_assert_eq!(fit_bits(&a), fit_bits(&b), "{:?}", transform);
        }
        for w in WEIGHTS {
            let lr = LogRank::new().weights(w);
            match (lr.test(&compressed), lr.test(&full)) {
                (Ok(a), Ok(b)) => prop_assert_eq!(test_bits(&a), test_bits(&b), "{:?}", w),
                (Err(a), Err(b)) => prop_assert_eq!(a, b),
                (a, b) => panic!("{w:?}: {a:?} vs {b:?}"),
            }
        }
    }
}

/// lifelines PR #1698: the Fleming-Harrington test on data compressed to
/// (time, group, event, count) must give the expanded data's p-value (they
/// got 0.061 expanded and 4.5e-9 compressed). Here: one data set, both forms.
#[test]
fn fleming_harrington_on_compressed_data_is_the_expanded_test() {
    // Two arms, integer times, heavy ties.
    let cells: [(f64, bool, u8, u32); 8] = [
        (1.0, true, 0, 30),
        (1.0, false, 0, 5),
        (2.0, true, 0, 12),
        (3.0, false, 0, 40),
        (1.0, true, 1, 10),
        (2.0, true, 1, 25),
        (2.0, false, 1, 8),
        (3.0, true, 1, 20),
    ];
    let compressed = SurvivalData::builder(
        cells.iter().map(|c| c.0).collect::<Vec<_>>(),
        cells.iter().map(|c| c.1).collect::<Vec<_>>(),
    )
    .groups(&cells.iter().map(|c| c.2).collect::<Vec<_>>())
    .weights(cells.iter().map(|c| f64::from(c.3)).collect::<Vec<_>>())
    .build()
    .unwrap();
    let expanded: Vec<(f64, bool, u8)> = cells
        .iter()
        .flat_map(|&(t, e, g, n)| std::iter::repeat_n((t, e, g), n as usize))
        .collect();
    let full = SurvivalData::builder(
        expanded.iter().map(|r| r.0).collect::<Vec<_>>(),
        expanded.iter().map(|r| r.1).collect::<Vec<_>>(),
    )
    .groups(&expanded.iter().map(|r| r.2).collect::<Vec<_>>())
    .build()
    .unwrap();
    for w in WEIGHTS {
        let lr = LogRank::new().weights(w);
        let (a, b) = (lr.test(&compressed).unwrap(), lr.test(&full).unwrap());
        assert_eq!(test_bits(&a), test_bits(&b), "{w:?}");
    }
}

/// A deterministic xorshift generator: large data without a proptest run.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// 10⁶ rows (a realistic trial registry: daily times over ~5 years, 3 arms,
/// 2 strata): counts give the individual-level results bit for bit.
/// About 1 s at the test profile's opt-level 1; `cargo test --release` for
/// a quicker run.
#[test]
fn a_million_rows_from_counts_bit_for_bit() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    let rows: Vec<Row> = (0..1_000_000)
        .map(|_| {
            let r = rng.next();
            let time = f64::from((r % 1800) as u32 + 1);
            let event = (r >> 20) % 10 < 6;
            let group = ((r >> 30) % 3) as u8;
            let stratum = ((r >> 40) % 2) as u8;
            (time, event, group, stratum)
        })
        .collect();
    let c = counts(&rows);
    assert!(c.len() < 11_000, "{} count rows", c.len());
    assert_exact(&rows);
}

#[test]
fn counts_are_validated_with_typed_errors() {
    let names = (["a"], ["all"]);
    let build = |rows: &[CountRow]| EventTable::from_counts(&names.0, &names.1, rows);
    // Negative and fractional counts, named by field and row.
    assert_eq!(
        build(&[
            CountRow::new(1.0, 0, 1.0, 0.0),
            CountRow::new(2.0, 0, 0.0, -1.0)
        ])
        .unwrap_err(),
        ErrorDetail::Negative {
            what: "n_censor",
            index: 1,
            value: -1.0
        }
        .into()
    );
    assert_eq!(
        build(&[CountRow::new(1.0, 0, 1.5, 0.0)]).unwrap_err(),
        ErrorDetail::NotWholeNumber {
            what: "n_event",
            index: 0,
            value: 1.5
        }
        .into()
    );
    let err = build(&[CountRow {
        n_enter: 0.25,
        ..CountRow::new(1.0, 0, 1.0, 0.0)
    }])
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotWholeNumber);
    // Whole counts: each is exact, but their sum passes 2^53 - 1, past which
    // an f64 no longer holds every whole number (the number at risk would
    // round; 2^52 + 2^52 + 1 even rounds back to 2^53, so the check must not
    // rely on the rounded sum exceeding 2^53).
    let half = 2f64.powi(52);
    let rows = [
        CountRow::new(1.0, 0, half, 0.0),
        CountRow::new(2.0, 0, 0.0, half - 1.0),
        CountRow::new(3.0, 0, 1.0, 0.0),
    ];
    let err = build(&rows).unwrap_err();
    assert_eq!(
        err,
        ErrorDetail::CountSumOverflow {
            what: "n_event",
            index: 2,
            value: 1.0,
            limit: MAX_WHOLE_COUNT_SUM
        }
        .into()
    );
    assert_eq!(
        err.to_string(),
        "n_event[2] = 1 makes the sum of its group's counts exceed 9007199254740991"
    );
    let rows_rounding = [
        CountRow::new(1.0, 0, half, 0.0),
        CountRow::new(2.0, 0, 0.0, half),
        CountRow::new(3.0, 0, 1.0, 0.0),
    ];
    assert_eq!(
        build(&rows_rounding).unwrap_err().kind(),
        ErrorKind::CountSumOverflow
    );
    // Exactly 2^53 - 1 is accepted; the same sums of weights are accepted too.
    assert!(build(&rows[..2]).is_ok());
    assert!(EventTable::from_weighted_counts(&names.0, &names.1, &rows).is_ok());
    // Sums are per (stratum, group): two groups of 2^53 - 1 each are fine.
    let rows = [
        CountRow::new(1.0, 0, MAX_WHOLE_COUNT_SUM, 0.0),
        CountRow::new(1.0, 1, MAX_WHOLE_COUNT_SUM, 0.0),
    ];
    assert!(EventTable::from_counts(&["a", "b"], &["all"], &rows).is_ok());
    // Infinite and NaN counts.
    assert_eq!(
        build(&[CountRow::new(1.0, 0, f64::INFINITY, 0.0)])
            .unwrap_err()
            .kind(),
        ErrorKind::NonFinite
    );
    assert_eq!(
        build(&[CountRow::new(1.0, 0, f64::NAN, 0.0)])
            .unwrap_err()
            .kind(),
        ErrorKind::NonFinite
    );
}
