//! Property tests of the log-rank family.

use proptest::prelude::*;
use survkit::ErrorDetail;
use survkit::{
    log_rank, Error, EventTable, LogRank, LogRankResult, LogRankWeights, SurvivalData, TimeFix,
};

/// Relative closeness with a floor on the scale, for statistics that may be 0.
/// The floor is the size of the numbers summed (counts ≤ 60), times 1e-12:
/// sums of a few hundred terms of that size round to well below it.
fn close(a: f64, b: f64, scale: f64) -> bool {
    (a - b).abs() <= 1e-12 * scale.max(a.abs()).max(b.abs()).max(1.0)
}

fn weights() -> impl Strategy<Value = LogRankWeights> {
    prop_oneof![
        Just(LogRankWeights::LogRank),
        Just(LogRankWeights::GehanBreslow),
        Just(LogRankWeights::TaroneWare),
        Just(LogRankWeights::PetoPeto),
        (0.0..3.0f64, 0.0..3.0f64)
            .prop_map(|(rho, gamma)| LogRankWeights::FlemingHarrington { rho, gamma }),
    ]
}

/// Rows (time, event, group) with many ties, `k` groups all present.
fn rows(k: u32) -> impl Strategy<Value = Vec<(f64, bool, u32)>> {
    prop::collection::vec((1u32..15, any::<bool>(), 0..k), (k as usize)..40).prop_map(
        move |mut v| {
            for (g, r) in v.iter_mut().enumerate().take(k as usize) {
                r.2 = g as u32;
                r.1 = true;
            }
            v.into_iter().map(|(t, e, g)| (t as f64, e, g)).collect()
        },
    )
}

fn build(rows: &[(f64, bool, u32)], levels: &[u32]) -> SurvivalData {
    let t: Vec<f64> = rows.iter().map(|r| r.0).collect();
    let e: Vec<bool> = rows.iter().map(|r| r.1).collect();
    let g: Vec<u32> = rows.iter().map(|r| r.2).collect();
    SurvivalData::builder(t, e)
        .group_levels(&g, levels)
        .build()
        .unwrap()
}

fn test(data: &SurvivalData, w: LogRankWeights) -> LogRankResult {
    LogRank::default().weights(w).test(data).unwrap()
}

proptest! {
    #[test]
    fn chisq_nonnegative_and_invariant_to_relabelling(r in rows(3), w in weights(), perm in 0usize..6) {
        let orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
        let a = test(&build(&r, &[0, 1, 2]), w);
        let b = test(&build(&r, &orders[perm]), w);
        prop_assert!(a.statistic() >= 0.0);
        prop_assert!(a.p_value() >= 0.0 && a.p_value() <= 1.0);
        // Relabelling changes the summation order and which group is dropped
        // from V; with Fleming-Harrington γ > 0 the weights (1 − S)^γ span
        // many orders of magnitude and V is ill-conditioned, so χ² agrees to
        // about κ(V)·ε: 1e-9 relative (1e-12 failed at ~1.1e-12 in 20000
        // cases). χ² is dimensionless: below 1e-12 it is rounding noise of
        // O − E ≈ 0 (p = 1 to 12 digits), hence the absolute floor.
        prop_assert!((a.statistic() - b.statistic()).abs() <= 1e-9 * a.statistic().abs().max(b.statistic().abs()).max(1e-3),
            "{} vs {}", a.statistic(), b.statistic());
        prop_assert_eq!(a.df(), b.df());
        // O − E sums to zero over the groups.
        let s: f64 = a.observed().iter().zip(a.expected()).map(|(o, e)| o - e).sum();
        let scale: f64 = a.observed().iter().sum();
        prop_assert!(close(s, 0.0, scale));
    }

    #[test]
    fn swapping_two_groups_flips_z(r in rows(2), w in weights()) {
        let a = test(&build(&r, &[0, 1]), w);
        let b = test(&build(&r, &[1, 0]), w);
        // V₁₁ is a difference `t − t·n₁/n` (R's survdiff2.c order); when it
        // is rounding noise (a group with no one at risk at any weighted
        // event time) z is noise/√noise: skip those cases.
        let o: f64 = a.observed().iter().sum();
        for v in [a.variance(0, 0).unwrap(), b.variance(0, 0).unwrap()] {
            prop_assume!(v == 0.0 || v > 1e-12 * o * o);
        }
        let (za, zb) = (a.z().unwrap(), b.z().unwrap());
        prop_assert!(close(za, -zb, 1.0), "{} vs {}", za, zb);
        prop_assert!(close(a.statistic(), za * za, 1.0) || a.df() == 0);
        let less = a.z_p_value(survkit::Alternative::Less).unwrap();
        let greater = a.z_p_value(survkit::Alternative::Greater).unwrap();
        prop_assert!((less + greater - 1.0).abs() < 1e-14);
    }

    #[test]
    fn one_stratum_equals_no_strata(r in rows(2), w in weights()) {
        let plain = build(&r, &[0, 1]);
        let t: Vec<f64> = r.iter().map(|x| x.0).collect();
        let e: Vec<bool> = r.iter().map(|x| x.1).collect();
        let g: Vec<u32> = r.iter().map(|x| x.2).collect();
        let one = SurvivalData::builder(t, e).groups(&g).strata(&vec!["s"; r.len()]).build().unwrap();
        let a = test(&plain, w);
        let b = test(&one, w);
        prop_assert_eq!(a.observed(), b.observed());
        prop_assert_eq!(a.expected(), b.expected());
        prop_assert_eq!(a.variance_matrix(), b.variance_matrix());
        prop_assert_eq!(a.statistic(), b.statistic());
    }

    #[test]
    fn stacked_strata_add_up(r1 in rows(2), r2 in rows(2), w in weights()) {
        let a = test(&build(&r1, &[0, 1]), w);
        let b = test(&build(&r2, &[0, 1]), w);
        let all: Vec<(f64, bool, u32)> = r1.iter().chain(&r2).copied().collect();
        let s: Vec<u8> = r1.iter().map(|_| 0).chain(r2.iter().map(|_| 1)).collect();
        let t: Vec<f64> = all.iter().map(|x| x.0).collect();
        let e: Vec<bool> = all.iter().map(|x| x.1).collect();
        let g: Vec<u32> = all.iter().map(|x| x.2).collect();
        let data = SurvivalData::builder(t, e).groups(&g).strata(&s).build().unwrap();
        let st = test(&data, w);
        let scale = 100.0;
        for j in 0..2 {
            let oe = st.observed()[j] - st.expected()[j];
            let parts = a.observed()[j] - a.expected()[j] + b.observed()[j] - b.expected()[j];
            prop_assert!(close(oe, parts, scale), "{} vs {}", oe, parts);
        }
        for (i, v) in st.variance_matrix().iter().enumerate() {
            let parts = a.variance_matrix()[i] + b.variance_matrix()[i];
            prop_assert!(close(*v, parts, scale));
        }
    }

    /// Vectors of one drawn length `n`, so that most cases pass `build()` and
    /// reach the test; every value of a valid input gives a finite χ² and a
    /// p-value in [0, 1], or a typed error (never NaN, never a panic).
    #[test]
    fn bad_input_never_panics(
        rows in (0usize..12).prop_flat_map(|n| (
            prop::collection::vec(prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-1.0), Just(0.0), 0.0..1e300f64, 0.0..10.0f64], n),
            prop::collection::vec(any::<bool>(), n),
            prop::collection::vec(0u8..3, n),
            prop::collection::vec(prop_oneof![Just(f64::NAN), Just(0.0), Just(1e308), 0.0..5.0f64, 1.0..2.0f64], n),
            prop::collection::vec(prop_oneof![Just(f64::NAN), Just(-1.0), 0.0..5.0f64], n),
            any::<bool>(),
            any::<bool>(),
        )),
        rho in prop_oneof![Just(f64::NAN), Just(-1.0), Just(f64::INFINITY), 0.0..10.0f64],
        gamma in prop_oneof![Just(f64::NAN), Just(-0.5), 0.0..10.0f64],
        scores in prop::collection::vec(prop_oneof![Just(f64::NAN), Just(1e308), -5.0..5.0f64], 0..4),
    ) {
        // Without case weights and entry times the data take the streaming path.
        let (t, e, g, wt, entry, with_entry, with_weights) = rows;
        let mut builder = SurvivalData::builder(t, e).groups(&g);
        if with_weights {
            builder = builder.weights(wt);
        }
        if with_entry {
            builder = builder.entry(entry);
        }
        if let Ok(data) = builder.build() {
            let _ = log_rank(&data);
            for w in [LogRankWeights::LogRank, LogRankWeights::FlemingHarrington { rho, gamma }, LogRankWeights::PetoPeto, LogRankWeights::GehanBreslow, LogRankWeights::TaroneWare] {
                if let Ok(res) = LogRank::default().weights(w).test(&data) {
                    prop_assert!(res.statistic().is_finite() && res.statistic() >= 0.0, "chisq {}", res.statistic());
                    prop_assert!((0.0..=1.0).contains(&res.p_value()), "p {}", res.p_value());
                    let _ = res.trend(&scores);
                    let _ = res.z_p_value(survkit::Alternative::Less);
                    let _ = res.hazard_ratio(survkit::HazardRatioEstimator::Peto, survkit::ConfidenceLevel::NINETY_FIVE);
                }
                if let Ok(pw) = LogRank::default().weights(w).pairwise(&data) {
                    for c in pw.comparisons() {
                        prop_assert!(c.statistic().is_finite() && c.statistic() >= 0.0, "pair chisq {}", c.statistic());
                        prop_assert!((0.0..=1.0).contains(&c.p_holm()));
                    }
                }
            }
        }
    }

    /// Vectors of different lengths are a typed error of `build()`.
    #[test]
    fn mismatched_lengths_are_errors(
        nt in 0usize..8, ne in 0usize..8, ng in 0usize..8, nw in 0usize..8,
    ) {
        prop_assume!(!(nt == ne && ne == ng && ng == nw));
        let built = SurvivalData::builder(vec![1.0; nt], vec![true; ne])
            .groups(&vec![0u8; ng])
            .weights(vec![1.0; nw])
            .build();
        prop_assert!(built.is_err());
    }
}

/// A time for the streaming-path properties: ties (small integers), near
/// ties within and just beyond R's tolerance (2⁻²⁶ ≈ 1.49e-8, absolute or
/// relative to the mean distinct time), zero and continuous values.
fn stream_time() -> impl Strategy<Value = f64> {
    let gap = prop_oneof![
        Just(1e-12),
        Just(5e-9),
        Just(1.4e-8),
        Just(1.5e-8),
        Just(1.6e-8),
        Just(3e-8)
    ];
    prop_oneof![
        4 => (0u32..12).prop_map(f64::from),
        4 => (0u32..6, 0u32..4, gap).prop_map(|(b, j, d)| f64::from(b) + f64::from(j) * d),
        1 => Just(0.0),
        2 => 0.0..20.0f64,
    ]
}

/// Unweighted data for the streaming path: time, event, group (up to 4
/// levels, possibly fewer present), stratum (up to 3 levels), a scale
/// (relative near ties at 10⁶, absolute ones at 10⁻⁶) and, in one data set
/// out of six, one extreme time: two groups in one stratum leave 62 key bits
/// for the time, 2¹⁰ binades, so 5e-324 or 1e-310 with times ≥ 2, and
/// f64::MAX with times below 1, force the event-table fallback, while 1e300
/// fits with times above about 6e-9.
#[allow(clippy::type_complexity)]
fn stream_rows() -> impl Strategy<Value = (Vec<f64>, Vec<bool>, Vec<u8>, Vec<u8>, f64)> {
    let extreme = prop_oneof![
        5 => Just(None),
        1 => (any::<prop::sample::Index>(), prop_oneof![Just(5e-324), Just(1e-310), Just(1e300), Just(f64::MAX)]).prop_map(Some),
    ];
    (1usize..50, 2u8..5, 1u8..4).prop_flat_map(move |(n, k, ns)| {
        (
            prop::collection::vec(stream_time(), n),
            prop::collection::vec(prop::bool::weighted(0.6), n),
            prop::collection::vec(0..k, n),
            prop::collection::vec(0..ns, n),
            prop_oneof![Just(1.0), Just(1e6), Just(1e-6)],
            extreme.clone(),
        )
            .prop_map(|(mut t, e, g, s, scale, x)| {
                if let Some((i, v)) = x {
                    let i = i.index(t.len());
                    t[i] = v / scale;
                }
                (t, e, g, s, scale)
            })
    })
}

fn stream_data(
    (t, e, g, s, scale): &(Vec<f64>, Vec<bool>, Vec<u8>, Vec<u8>, f64),
    strata: bool,
) -> SurvivalData {
    let t: Vec<f64> = t.iter().map(|x| (x * scale).min(f64::MAX)).collect();
    let b = SurvivalData::builder(t, e.clone()).groups(g);
    let b = if strata { b.strata(s) } else { b };
    b.build().unwrap()
}

/// The same result, bit for bit, or the same error.
fn same<T: PartialEq + std::fmt::Debug>(
    a: Result<T, Error>,
    b: Result<T, Error>,
) -> Result<(), TestCaseError> {
    match (a, b) {
        (Ok(x), Ok(y)) => prop_assert_eq!(x, y),
        (Err(x), Err(y)) => prop_assert_eq!(x, y),
        (a, b) => prop_assert!(false, "{:?} vs {:?}", a, b),
    }
    Ok(())
}

/// `test` (and, with `pairwise`, `pairwise`) on the data equal the same on
/// the event table: same result bit for bit, or the same error.
fn stream_equals_table(
    data: &SurvivalData,
    w: LogRankWeights,
    exact: bool,
    pairwise: bool,
) -> Result<(), TestCaseError> {
    let tf = if exact {
        TimeFix::Exact
    } else {
        TimeFix::Tolerance
    };
    let lr = LogRank::default().weights(w).time_fix(tf);
    let table = EventTable::from_data_with(data, tf);
    same(lr.test(data), table.clone().and_then(|t| lr.test_table(&t)))?;
    if pairwise {
        same(lr.pairwise(data), table.and_then(|t| lr.pairwise_table(&t)))?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// `LogRank::test` on data (the streaming path whenever the data have no
    /// entry times or case weights) equals the test on the event table, bit
    /// for bit, for every weight, both near-tie rules, with and without
    /// strata; and never panics.
    #[test]
    fn streaming_test_equals_the_table(
        rows in stream_rows(),
        strata in any::<bool>(),
        w in weights(),
        exact in any::<bool>(),
    ) {
        stream_equals_table(&stream_data(&rows, strata), w, exact, true)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The same on larger two-group data (hundreds to thousands of rows,
    /// several of the streaming path's 256-row chunks), with and without
    /// strata, continuous times mixed with ties and near ties.
    #[test]
    fn streaming_test_equals_the_table_on_larger_data(
        rows in (300usize..3000).prop_flat_map(|n| (
            prop::collection::vec(prop_oneof![3 => 0.0..50.0f64, 1 => stream_time()], n),
            prop::collection::vec(prop::bool::weighted(0.7), n),
            prop::collection::vec(0u8..2, n),
            prop::collection::vec(0u8..3, n),
            prop_oneof![Just(1.0), Just(1e6)],
        )),
        strata in any::<bool>(),
        w in weights(),
        exact in any::<bool>(),
    ) {
        stream_equals_table(&stream_data(&rows, strata), w, exact, false)?;
    }
}

/// R's near-tie merging chains: 1, 1 + 1e-8 and 1 + 2e-8 form one row
/// (consecutive gaps below 2⁻²⁶), although 1 and 1 + 2e-8 are further apart
/// than the tolerance; the streaming path must merge them as the table does.
#[test]
fn streaming_near_tie_chains_match_the_table() {
    let t = vec![1.0, 1.0 + 1e-8, 1.0 + 2e-8, 2.0, 2.0 + 3e-8, 3.0];
    let e = vec![true, true, false, true, true, true];
    let g = vec![0u8, 1, 0, 1, 0, 1];
    let data = SurvivalData::builder(t, e).groups(&g).build().unwrap();
    for w in [LogRankWeights::LogRank, LogRankWeights::PetoPeto] {
        for tf in [TimeFix::Tolerance, TimeFix::Exact] {
            let lr = LogRank::default().weights(w).time_fix(tf);
            let table = EventTable::from_data_with(&data, tf).unwrap();
            assert_eq!(lr.test(&data).unwrap(), lr.test_table(&table).unwrap());
        }
    }
    let merged = EventTable::from_data(&data).unwrap();
    assert_eq!(merged.n_rows(), 4);
}

/// Bad input through the data entry point (streaming path) gives the typed
/// errors of the table path.
#[test]
fn streaming_bad_input_is_a_typed_error() {
    // One group only.
    let one = SurvivalData::builder(vec![1.0, 2.0], vec![true, false])
        .groups(&[7, 7])
        .build()
        .unwrap();
    assert!(matches!(
        LogRank::default()
            .test(&one)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::TooFewGroups { found: 1, .. })
    ));
    assert!(matches!(
        LogRank::default()
            .pairwise(&one)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::TooFewGroups { found: 1, .. })
    ));
    // A declared group with no rows is data (one part of a partition); the
    // test needs subjects in every group and says which one is empty.
    let empty = SurvivalData::builder(vec![1.0, 2.0], vec![true, false])
        .group_levels(&[0, 1], &[0, 1, 2])
        .build()
        .unwrap();
    assert!(matches!(
        LogRank::default().test(&empty).as_ref().map_err(survkit::Error::detail),
        Err(ErrorDetail::EmptyGroup { ref level, .. }) if level == "2"
    ));
    // No events, with and without strata, and with zero times.
    for strata in [false, true] {
        let b =
            SurvivalData::builder(vec![0.0, 2.0, 3.0, 0.0], vec![false; 4]).groups(&[0, 1, 0, 1]);
        let b = if strata {
            b.strata(&["a", "a", "b", "b"])
        } else {
            b
        };
        let none = b.build().unwrap();
        for w in [LogRankWeights::LogRank, LogRankWeights::GehanBreslow] {
            let lr = LogRank::default().weights(w);
            assert!(matches!(
                lr.test(&none).as_ref().map_err(survkit::Error::detail),
                Err(ErrorDetail::NoEvents { .. })
            ));
            assert!(matches!(
                lr.pairwise(&none).as_ref().map_err(survkit::Error::detail),
                Err(ErrorDetail::NoEvents { .. })
            ));
        }
    }
    // Bad Fleming-Harrington exponents are refused before any sorting.
    let two = SurvivalData::builder(vec![1.0, 2.0], vec![true, true])
        .groups(&[0, 1])
        .build()
        .unwrap();
    let bad = LogRankWeights::FlemingHarrington {
        rho: f64::NAN,
        gamma: 0.0,
    };
    assert!(matches!(
        LogRank::default()
            .weights(bad)
            .test(&two)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::InvalidParameter { .. })
    ));
}
