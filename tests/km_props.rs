//! Properties of the Kaplan-Meier fit on random data.
use proptest::prelude::*;
use survkit::{CiTransform, ConfidenceLevel, KaplanMeier, SurvivalData, TimeFix};

/// Random data: times from a small grid (ties) or continuous, events, two
/// groups, integer weights.
fn rows() -> impl Strategy<Value = Vec<(f64, bool, u8, u8)>> {
    prop::collection::vec(
        (
            prop_oneof![(1u8..20).prop_map(f64::from), 0.0..100.0f64],
            any::<bool>(),
            0u8..2,
            1u8..4,
        ),
        1..60,
    )
}

fn data(rows: &[(f64, bool, u8, u8)], weighted: bool) -> SurvivalData {
    let mut b = SurvivalData::builder(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        rows.iter().map(|r| r.1).collect::<Vec<_>>(),
    )
    .groups(&rows.iter().map(|r| r.2).collect::<Vec<_>>());
    if weighted {
        b = b.weights(rows.iter().map(|r| f64::from(r.3)).collect::<Vec<_>>());
    }
    b.build().expect("valid")
}

const TRANSFORMS: [CiTransform; 5] = [
    CiTransform::Plain,
    CiTransform::Log,
    CiTransform::LogLog,
    CiTransform::Logit,
    CiTransform::Arcsine,
];

proptest! {
    #[test]
    fn survival_is_non_increasing_in_unit_interval(r in rows(), weighted in any::<bool>()) {
        let fit = KaplanMeier::default().fit(&data(&r, weighted)).unwrap();
        for c in fit.curves() {
            let s = c.survival();
            prop_assert!(s.iter().all(|&x| (0.0..=1.0).contains(&x)));
            prop_assert!(s.windows(2).all(|w| w[1] <= w[0]));
            let h = c.cumulative_hazard();
            prop_assert!(h.windows(2).all(|w| w[1] >= w[0]));
        }
    }

    #[test]
    fn row_order_does_not_matter(r in rows(), weighted in any::<bool>(), seed in any::<u64>()) {
        let mut shuffled = r.clone();
        // Deterministic Fisher-Yates with a SplitMix64 stream.
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^= z >> 31;
            shuffled.swap(i, (z % (i as u64 + 1)) as usize);
        }
        let a = KaplanMeier::default().fit(&data(&r, weighted)).unwrap();
        let b = KaplanMeier::default().fit(&data(&shuffled, weighted)).unwrap();
        prop_assert_eq!(a, b);
    }

    #[test]
    fn without_censoring_km_is_one_minus_ecdf(times in prop::collection::vec(
        prop_oneof![(1u8..20).prop_map(f64::from), 0.0..100.0f64], 1..80)) {
        let n = times.len() as f64;
        let d = SurvivalData::new(times.clone(), vec![true; times.len()]).unwrap();
        let fit = KaplanMeier::default().time_fix(TimeFix::Exact).fit(&d).unwrap();
        let c = &fit.curves()[0];
        for (&t, &s) in c.time().iter().zip(c.survival()) {
            let above = times.iter().filter(|&&x| x > t).count() as f64;
            let ecdf = above / n;
            // Products of (n − d)/n telescope to the ECDF up to rounding.
            prop_assert!((s - ecdf).abs() <= 1e-12 * ecdf.max(1e-300) || s == ecdf,
                "S({t}) = {s}, 1 − ECDF = {ecdf}");
        }
    }

    #[test]
    fn intervals_contain_the_estimate_and_nest_by_level(r in rows(), weighted in any::<bool>()) {
        let d = data(&r, weighted);
        let levels = [0.80, 0.90, 0.95, 0.99].map(|l| ConfidenceLevel::new(l).unwrap());
        for tr in TRANSFORMS {
            let fit = KaplanMeier::default().transform(tr).fit(&d).unwrap();
            for c in fit.curves() {
                let bands: Vec<_> = levels.iter().map(|&l| c.pointwise_ci(l, tr).unwrap()).collect();
                for (i, &s) in c.survival().iter().enumerate() {
                    for band in &bands {
                        let ci = band[i];
                        if ci.lower().is_nan() || ci.upper().is_nan() {
                            continue;
                        }
                        // 1e-12 relative slack for the round trip through the transform.
                        prop_assert!(ci.lower() <= s * (1.0 + 1e-12) && s <= ci.upper() * (1.0 + 1e-12),
                            "{tr:?}: {s} not in [{}, {}]", ci.lower(), ci.upper());
                    }
                    for w in bands.windows(2) {
                        let (a, b) = (w[0][i], w[1][i]);
                        if a.lower().is_nan() || b.lower().is_nan() {
                            continue;
                        }
                        prop_assert!(b.lower() <= a.lower() && a.upper() <= b.upper(),
                            "{tr:?}: intervals do not nest at row {i}");
                    }
                }
            }
        }
    }

    #[test]
    fn quantiles_are_monotone_in_p(r in rows()) {
        let fit = KaplanMeier::default().fit(&data(&r, false)).unwrap();
        for c in fit.curves() {
            let mut last = f64::NEG_INFINITY;
            for p in [0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0] {
                if let Some(q) = c.quantile(p).unwrap().estimate() {
                    prop_assert!(q >= last);
                    last = q;
                }
            }
        }
    }

    #[test]
    fn arbitrary_arguments_never_panic(r in rows(), p in any::<f64>(), t in any::<f64>(),
                                       tau in any::<f64>()) {
        let fit = KaplanMeier::default().fit(&data(&r, true)).unwrap();
        for c in fit.curves() {
            let _ = c.quantile(p);
            let _ = c.survival_at(&[t, 1.0]);
            let _ = c.restricted_mean(tau);
        }
        let _ = fit.restricted_means(Some(tau));
    }
}

/// Rows with an entry time (left truncation) and a fractional case weight:
/// (exit time, event, group, weight, entry as a fraction of the exit time).
fn truncated_rows() -> impl Strategy<Value = Vec<(f64, bool, u8, f64, f64)>> {
    prop::collection::vec(
        (
            prop_oneof![(1u8..20).prop_map(f64::from), 0.01..100.0f64],
            any::<bool>(),
            0u8..2,
            prop_oneof![0.001..5.0f64, Just(0.1), Just(0.7), Just(1e-9), Just(0.0)],
            prop_oneof![Just(0.0), 0.0..1.0f64, Just(0.5)],
        ),
        1..60,
    )
}

proptest! {
    /// Entry times with fractional weights: the risk sets are sums of
    /// weights entering and leaving, and must never make S leave [0, 1] or
    /// produce NaN (the running risk set is not allowed to fall below the
    /// events by rounding).
    #[test]
    fn entry_times_with_fractional_weights_keep_survival_in_unit_interval(
        r in truncated_rows(),
        stratified in any::<bool>(),
    ) {
        let time: Vec<f64> = r.iter().map(|x| x.0).collect();
        let entry: Vec<f64> = r.iter().map(|x| (x.0 * x.4).min(x.0 * 0.999)).collect();
        let mut b = SurvivalData::builder(time, r.iter().map(|x| x.1).collect::<Vec<_>>())
            .groups(&r.iter().map(|x| x.2).collect::<Vec<_>>())
            .weights(r.iter().map(|x| x.3).collect::<Vec<_>>())
            .entry(entry);
        if stratified {
            b = b.strata(&r.iter().map(|x| (x.0 as u64) % 2).collect::<Vec<_>>());
        }
        let Ok(data) = b.build() else {
            return Ok(());
        };
        let Ok(fit) = KaplanMeier::default().fit(&data) else {
            return Ok(());
        };
        for c in fit.curves() {
            let mut last = 1.0;
            let se = c.std_err_log();
            for (i, &s) in c.survival().iter().enumerate() {
                prop_assert!(!s.is_nan(), "NaN survival at row {}", i);
                prop_assert!((0.0..=1.0).contains(&s), "S = {} at row {}", s, i);
                prop_assert!(s <= last, "S rises at row {}", i);
                last = s;
                prop_assert!(!se[i].is_nan(), "NaN std err at row {}", i);
            }
            for (&lo, &hi) in c.lower().iter().zip(c.upper()) {
                prop_assert!(lo.is_nan() || (0.0..=1.0).contains(&lo));
                prop_assert!(hi.is_nan() || (0.0..=1.0).contains(&hi));
            }
            let m = c.median();
            prop_assert!(m.estimate().is_none_or(|q| q >= 0.0));
            for h in c.cumulative_hazard() {
                prop_assert!(!h.is_nan() && h >= 0.0);
            }
        }
    }
}

/// One-group unweighted data: times on a grid (heavy ties, up to 40 at one
/// time), continuous, zero, or a near tie of a grid time (within R's
/// `timefix` tolerance, so that merging matters).
fn one_group_times() -> impl Strategy<Value = Vec<(f64, bool)>> {
    prop::collection::vec(
        (
            prop_oneof![
                (0u8..4).prop_map(f64::from),
                0.0..50.0f64,
                Just(0.0),
                ((1u8..4), (1u32..50))
                    .prop_map(|(t, k)| f64::from(t) * (1.0 + f64::from(k) * 1e-10)),
            ],
            any::<bool>(),
        ),
        1..160,
    )
}

proptest! {
    /// The packed one-curve path (unweighted, no entry times, one group)
    /// equals the event-table path row for row, bit for bit, with both
    /// near-tie rules and reversed.
    #[test]
    fn one_curve_fast_path_equals_the_event_table_path(r in one_group_times()) {
        use survkit::EventTable;
        let time: Vec<f64> = r.iter().map(|x| x.0).collect();
        let event: Vec<bool> = r.iter().map(|x| x.1).collect();
        let flipped: Vec<bool> = event.iter().map(|e| !e).collect();
        let data = SurvivalData::new(time.clone(), event).unwrap();
        let data_rev = SurvivalData::new(time, flipped).unwrap();
        for fix in [TimeFix::Tolerance, TimeFix::Exact] {
            let km = KaplanMeier::default().time_fix(fix);
            let fast = km.fit(&data).unwrap();
            let table = EventTable::from_data_with(&data, fix).unwrap();
            let slow = km.fit_table(&table).unwrap();
            prop_assert_eq!(&fast, &slow);
            let c = &fast.curves()[0];
            prop_assert_eq!(c.n_risk().first().copied(), Some(data.len() as f64));
            // NaN bounds (never reached) compare by their printed form.
            prop_assert_eq!(format!("{:?}", fast.medians()), format!("{:?}", slow.medians()));
            let rev = km.fit_reverse(&data).unwrap();
            let rev_table = EventTable::from_data_with(&data_rev, fix).unwrap();
            prop_assert_eq!(rev, km.fit_table(&rev_table).unwrap());
        }
    }
}
