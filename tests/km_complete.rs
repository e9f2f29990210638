//! The complete Kaplan-Meier result (issue #12) and the Kaplan-Meier items
//! of issue #11: survival before time 0, the restricted mean and the median
//! midpoint with times near `f64::MAX`. Each defect is tested with the
//! input that exposed it; expected values are derived by hand in the test.
use survkit::{CiTransform, ConfidenceLevel, KaplanMeier, SurvivalData};

const M: f64 = f64::MAX;

fn rel(a: f64, b: f64) -> f64 {
    ((a - b) / b).abs()
}

/// Issue #11: with deaths at time 0, `survival_at(-1)` returned the survival
/// after those deaths (0.5 here) instead of S = 1.
#[test]
fn survival_before_time_zero_is_one() -> Result<(), survkit::Error> {
    let data = SurvivalData::new(vec![0.0, 1.0], vec![true, true])?;
    let fit = KaplanMeier::default().fit(&data)?;
    let c = &fit.curves()[0];
    assert_eq!(c.survival()[0], 0.5); // S(0) = P(T > 0) = 1/2
    let at = c.survival_at(&[-1.0, 0.0, -1e-300])?;
    // sorted: -1, -1e-300, 0
    for a in &at[..2] {
        assert_eq!(a.survival(), 1.0, "t = {}", a.time());
        assert_eq!(a.std_err_surv(), 0.0);
        assert_eq!(
            (
                a.confidence_interval().lower(),
                a.confidence_interval().upper()
            ),
            (1.0, 1.0)
        );
        assert_eq!((a.n_risk(), a.n_event(), a.n_censor()), (2.0, 0.0, 0.0));
    }
    assert_eq!(at[2].survival(), 0.5);
    assert_eq!((at[2].n_risk(), at[2].n_event()), (2.0, 1.0));
    // Without a death at 0 the inserted row at 0 gave 1 already.
    let fit = KaplanMeier::default().fit(&SurvivalData::new(vec![1.0, 2.0], vec![true, true])?)?;
    assert_eq!(fit.curves()[0].survival_at(&[-5.0])?[0].survival(), 1.0);
    Ok(())
}

/// Issue #11: `restricted_mean(f64::MAX)` squared areas near `f64::MAX` and
/// returned an infinite standard error.
#[test]
fn restricted_mean_up_to_f64_max_is_finite() -> Result<(), survkit::Error> {
    // S = 2/3 after t = 1, 1/3 after t = 2, last subject censored at 3.
    let data = SurvivalData::new(vec![1.0, 2.0, 3.0], vec![true, true, false])?;
    let fit = KaplanMeier::default().fit(&data)?;
    let c = &fit.curves()[0];
    let rm = c.restricted_mean(M)?;
    // Areas 1, 2/3, 1/3 and (M − 3)/3 ≈ M/3; Greenwood terms 1/(3·2) and
    // 1/(2·1), both with the area after them ≈ M/3.
    assert!(rel(rm.estimate(), M / 3.0) < 1e-12, "{}", rm.estimate());
    let se = M / 3.0 * (1.0_f64 / 6.0 + 0.5).sqrt();
    assert!(rel(rm.std_err(), se) < 1e-12, "{} vs {se}", rm.std_err());
    // Ordinary taus are unchanged (S · width sums): 1 + 2/3 + 1/3 + 7/3.
    let rm = c.restricted_mean(10.0)?;
    assert!(rel(rm.estimate(), 1.0 + 2.0 / 3.0 + 1.0 / 3.0 + 7.0 / 3.0) < 1e-15);
    Ok(())
}

/// Issue #11: times near `f64::MAX` gave a NaN or infinite standard error.
#[test]
fn restricted_mean_with_times_near_f64_max_is_finite() -> Result<(), survkit::Error> {
    let data = SurvivalData::new(vec![M / 4.0, M / 2.0, M], vec![true, true, false])?;
    let fit = KaplanMeier::default().fit(&data)?;
    let rm = fit.restricted_means(None)?; // tau = M, the last time
    let (est, se) = (rm[0].estimate(), rm[0].std_err());
    // Areas M/4, (M/4)(2/3), (M/2)(1/3), 0; tails M/3 (term 1/6) and M/6 (term 1/2).
    assert!(rel(est, 7.0 / 12.0 * M) < 1e-12, "{est}");
    let want = M * (1.0_f64 / 54.0 + 1.0 / 72.0).sqrt();
    assert!(rel(se, want) < 1e-12, "{se} vs {want}");
    Ok(())
}

/// Issue #11: R's midpoint `(a + b) / 2` of a flat segment at S = 1/2
/// overflowed to ∞ with times near `f64::MAX`.
#[test]
fn median_between_huge_times_is_finite() -> Result<(), survkit::Error> {
    let (a, b) = (0.8 * M, 0.9 * M);
    let data = SurvivalData::new(vec![a, b], vec![true, true])?;
    let fit = KaplanMeier::default().fit(&data)?;
    let c = &fit.curves()[0];
    // S = 1/2 on [a, b): the median is the middle of the segment.
    assert_eq!(c.median().estimate(), Some(a / 2.0 + b / 2.0));
    // Ordinary times keep R's (a + b) / 2 bit for bit.
    let fit = KaplanMeier::default().fit(&SurvivalData::new(vec![0.1, 0.7], vec![true, true])?)?;
    let c = &fit.curves()[0];
    assert_eq!(c.median().estimate(), Some((0.1 + 0.7) / 2.0));
    Ok(())
}

/// The columns computed on first use are the same on every call, survive a
/// clone, do not affect equality, and `with_ci` recomputes the bounds.
#[test]
fn cached_columns_are_stable() -> Result<(), survkit::Error> {
    let time: Vec<f64> = (0..200).map(|i| f64::from(i % 37) + 0.5).collect();
    let event: Vec<bool> = (0..200).map(|i| i % 3 != 0).collect();
    let data = SurvivalData::new(time, event)?;
    let fit = KaplanMeier::default().fit(&data)?;
    let fresh = KaplanMeier::default().fit(&data)?;
    let c = &fit.curves()[0];
    let (lo, se) = (c.lower().to_vec(), c.std_err_log().to_vec());
    assert_eq!(c.lower(), &lo[..]);
    assert_eq!(c.std_err_log(), &se[..]);
    assert_eq!(fit, fresh); // one with its columns computed, one without
    let copy = c.clone();
    assert_eq!(copy.lower(), &lo[..]);
    let other = c.with_ci(ConfidenceLevel::new(0.8)?, CiTransform::LogLog)?;
    let want: Vec<f64> = c
        .pointwise_ci(ConfidenceLevel::new(0.8)?, CiTransform::LogLog)?
        .iter()
        .map(|ci| ci.lower())
        .collect();
    for (g, w) in other.lower().iter().zip(&want) {
        assert!(g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan()));
    }
    assert_eq!(other.std_err_log(), &se[..]);
    Ok(())
}

mod sweep_path {
    use proptest::prelude::*;
    use survkit::{EventTable, KaplanMeier, SurvivalData, TimeFix};

    /// Rows of (time, event, group, stratum): grid times (ties), continuous
    /// ones, zeros and near ties of grid times (within R's tolerance).
    fn rows() -> impl Strategy<Value = Vec<(f64, bool, u8, u8)>> {
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
                0u8..4,
                0u8..3,
            ),
            2..200,
        )
    }

    proptest! {
        /// The multi-curve packed-key path (unweighted, no entries, several
        /// groups and/or strata) equals the event-table path curve for
        /// curve, bit for bit, with both near-tie rules and reversed.
        #[test]
        fn multi_curve_sweep_equals_the_event_table_path(r in rows(), strat in any::<bool>()) {
            let time: Vec<f64> = r.iter().map(|x| x.0).collect();
            let event: Vec<bool> = r.iter().map(|x| x.1).collect();
            let group: Vec<u8> = r.iter().map(|x| x.2).collect();
            let stratum: Vec<u8> = r.iter().map(|x| x.3).collect();
            let flipped: Vec<bool> = event.iter().map(|e| !e).collect();
            let build = |ev: Vec<bool>| {
                let b = SurvivalData::builder(time.clone(), ev).groups(&group);
                if strat { b.strata(&stratum).build() } else { b.build() }
            };
            let (Ok(data), Ok(data_rev)) = (build(event.clone()), build(flipped)) else {
                return Ok(());
            };
            for fix in [TimeFix::Tolerance, TimeFix::Exact] {
                let km = KaplanMeier::default().time_fix(fix);
                let table = EventTable::from_data_with(&data, fix).unwrap();
                match (km.fit(&data), km.fit_table(&table)) {
                    (Ok(fast), Ok(slow)) => {
                        prop_assert_eq!(&fast, &slow);
                        prop_assert_eq!(
                            format!("{:?}", fast.medians()),
                            format!("{:?}", slow.medians())
                        );
                    }
                    (fast, slow) => prop_assert_eq!(fast.is_err(), slow.is_err()),
                }
                let rev_table = EventTable::from_data_with(&data_rev, fix).unwrap();
                match (km.fit_reverse(&data), km.fit_table(&rev_table)) {
                    (Ok(fast), Ok(slow)) => prop_assert_eq!(fast, slow),
                    (fast, slow) => prop_assert_eq!(fast.is_err(), slow.is_err()),
                }
            }
        }
    }
}
