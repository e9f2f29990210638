//! Property tests of the log-rank family.

use proptest::prelude::*;
use survkit::{log_rank, LogRank, LogRankResult, LogRankWeights, SurvivalData};

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
        prop_assert!(a.chisq() >= 0.0);
        prop_assert!(a.p_value() >= 0.0 && a.p_value() <= 1.0);
        prop_assert!(close(a.chisq(), b.chisq(), 1.0), "{} vs {}", a.chisq(), b.chisq());
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
        let (za, zb) = (a.z().unwrap(), b.z().unwrap());
        prop_assert!(close(za, -zb, 1.0), "{} vs {}", za, zb);
        prop_assert!(close(a.chisq(), za * za, 1.0) || a.df() == 0);
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
        prop_assert_eq!(a.chisq(), b.chisq());
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

    #[test]
    fn bad_input_never_panics(
        t in prop::collection::vec(prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-1.0), Just(0.0), 0.0..1e300f64], 0..12),
        e in prop::collection::vec(any::<bool>(), 0..12),
        g in prop::collection::vec(0u8..3, 0..12),
        wt in prop::collection::vec(prop_oneof![Just(f64::NAN), Just(0.0), Just(1e308), 0.0..5.0f64], 0..12),
        rho in prop_oneof![Just(f64::NAN), Just(-1.0), Just(f64::INFINITY), 0.0..10.0f64],
        gamma in prop_oneof![Just(f64::NAN), Just(-0.5), 0.0..10.0f64],
        scores in prop::collection::vec(prop_oneof![Just(f64::NAN), Just(1e308), -5.0..5.0f64], 0..4),
    ) {
        let built = SurvivalData::builder(t, e).groups(&g).weights(wt).build();
        if let Ok(data) = built {
            let _ = log_rank(&data);
            for w in [LogRankWeights::FlemingHarrington { rho, gamma }, LogRankWeights::PetoPeto, LogRankWeights::GehanBreslow] {
                if let Ok(res) = LogRank::default().weights(w).test(&data) {
                    prop_assert!(res.chisq() >= 0.0 || res.chisq().is_nan());
                    let _ = res.trend(&scores);
                    let _ = res.z_p_value(survkit::Alternative::Less);
                    let _ = res.hazard_ratio(survkit::HazardRatioEstimator::Peto, survkit::ConfidenceLevel::NINETY_FIVE);
                }
                let _ = LogRank::default().weights(w).pairwise(&data);
            }
        }
    }
}
