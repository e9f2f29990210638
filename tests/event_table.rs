//! The shared event table and `SurvivalData` against R survival 3.5-3 (risk
//! sets, near-tie merging, left truncation, weights), plus properties:
//! merging tables equals the table of the concatenated data, `from_counts`
//! of aggregated data equals `from_data_with(.., Exact)`, and bad input is an
//! error, never a panic.

use crate::common::{assert_all_rel, data_of, parse, TOL};
use proptest::prelude::*;
use survkit::ErrorDetail;
use survkit::{CountRow, EventTable, KaplanMeier, SurvivalData, TimeFix};

const DATA: &str = include_str!("data/km.txt");

/// R's survfit rows are the table rows where the curve's group has an exit.
#[test]
fn risk_sets_match_r_survfit_rows() {
    for case in parse(DATA) {
        let fix = if case.num("timefix") == 1.0 {
            TimeFix::Tolerance
        } else {
            TimeFix::Exact
        };
        let table = EventTable::from_data_with(&data_of(&case), fix).expect("table");
        let (mut t, mut n, mut d, mut c) = (vec![], vec![], vec![], vec![]);
        for g in 0..table.n_groups() {
            for s in table.strata() {
                let counts = s.group(g).expect("group");
                for i in 0..counts.time().len() {
                    if counts.n_event()[i] + counts.n_censor()[i] > 0.0 {
                        t.push(counts.time()[i]);
                        n.push(counts.n_risk()[i]);
                        d.push(counts.n_event()[i]);
                        c.push(counts.n_censor()[i]);
                    }
                }
            }
        }
        assert_all_rel(&t, &case.nums("time"), TOL, &format!("{} time", case.name));
        assert_all_rel(
            &n,
            &case.nums("n_risk"),
            TOL,
            &format!("{} n.risk", case.name),
        );
        assert_all_rel(
            &d,
            &case.nums("n_event"),
            TOL,
            &format!("{} n.event", case.name),
        );
        assert_all_rel(
            &c,
            &case.nums("n_censor"),
            TOL,
            &format!("{} n.censor", case.name),
        );
    }
}

#[test]
fn timefix_merges_near_ties_and_exact_keeps_them() {
    let cases = parse(DATA);
    let case = cases
        .iter()
        .find(|c| c.name == "km/near-ties-timefix")
        .expect("case");
    let data = data_of(case);
    let merged = EventTable::from_data(&data).expect("table");
    let exact = EventTable::from_data_with(&data, TimeFix::Exact).expect("table");
    // 10 times, three near-tied pairs: 7 rows when merged, 10 when exact.
    assert_eq!(merged.n_rows(), 7);
    assert_eq!(exact.n_rows(), 10);
    let exact_case = cases
        .iter()
        .find(|c| c.name == "km/near-ties-exact")
        .expect("case");
    assert_eq!(exact_case.nums("time").len(), 10);
    assert_eq!(case.nums("time").len(), 7);
}

#[test]
fn left_truncation_has_entry_rows_and_counts() {
    // Subjects (0, 1], (0, 2], (3, 5], (4, 6]: rows at 0, 1, 2, 3, 4, 5, 6.
    let data = SurvivalData::builder(vec![1.0, 2.0, 5.0, 6.0], vec![true, true, true, false])
        .entry(vec![0.0, 0.0, 3.0, 4.0])
        .build()
        .expect("data");
    let table = EventTable::from_data(&data).expect("table");
    let s = table.stratum(0).expect("stratum");
    assert_eq!(s.times(), [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    let g = s.group(0).expect("group");
    assert_eq!(g.n_risk(), [0.0, 2.0, 1.0, 0.0, 1.0, 2.0, 1.0]);
    assert_eq!(g.n_enter(), Some(&[2.0, 0.0, 0.0, 1.0, 1.0, 0.0, 0.0][..]));
    assert!(table.has_entry());
}

/// Random right-censored or left-truncated data with integer times (many
/// ties), two groups and small integer weights (exact sums).
fn rows() -> impl Strategy<Value = Vec<(u8, bool, u8, u8, u8)>> {
    prop::collection::vec((1u8..30, any::<bool>(), 0u8..2, 1u8..4, 0u8..30), 1..40)
}

fn build(rows: &[(u8, bool, u8, u8, u8)], weighted: bool, truncated: bool) -> SurvivalData {
    let time: Vec<f64> = rows.iter().map(|r| f64::from(r.0)).collect();
    let event: Vec<bool> = rows.iter().map(|r| r.1).collect();
    let group: Vec<u8> = rows.iter().map(|r| r.2).collect();
    let mut b = SurvivalData::builder(time, event).group_levels(&group, &[0, 1]);
    if weighted {
        b = b.weights(rows.iter().map(|r| f64::from(r.3)).collect::<Vec<_>>());
    }
    if truncated {
        b = b.entry(
            rows.iter()
                .map(|r| f64::from(r.4 % r.0))
                .collect::<Vec<_>>(),
        );
    }
    b.build().expect("valid")
}

/// Both groups present in every part, so that group names agree.
fn with_both_groups(mut rows: Vec<(u8, bool, u8, u8, u8)>) -> Vec<(u8, bool, u8, u8, u8)> {
    rows.push((7, true, 0, 1, 3));
    rows.push((9, false, 1, 2, 0));
    rows
}

proptest! {
    #[test]
    fn merge_equals_table_of_concatenated_data(
        a in rows(), b in rows(), weighted in any::<bool>(), truncated in any::<bool>()
    ) {
        let (a, b) = (with_both_groups(a), with_both_groups(b));
        let ta = EventTable::from_data_with(&build(&a, weighted, truncated), TimeFix::Exact).unwrap();
        let tb = EventTable::from_data_with(&build(&b, weighted, truncated), TimeFix::Exact).unwrap();
        let all: Vec<_> = a.iter().chain(&b).copied().collect();
        let tall = EventTable::from_data_with(&build(&all, weighted, truncated), TimeFix::Exact).unwrap();
        prop_assert_eq!(ta.merge(&tb).unwrap(), tall);
    }

    #[test]
    fn from_counts_of_aggregated_data_equals_from_data_exact(
        r in rows(), weighted in any::<bool>(), truncated in any::<bool>()
    ) {
        let r = with_both_groups(r);
        let data = build(&r, weighted, truncated);
        let direct = EventTable::from_data_with(&data, TimeFix::Exact).unwrap();
        let mut counts = Vec::new();
        for x in &r {
            let w = if weighted { f64::from(x.3) } else { 1.0 };
            let (d, c) = if x.1 { (w, 0.0) } else { (0.0, w) };
            counts.push(CountRow::new(f64::from(x.0), usize::from(x.2), d, c));
            if truncated {
                let mut e = CountRow::new(f64::from(x.4 % x.0), usize::from(x.2), 0.0, 0.0);
                e.n_enter = w;
                counts.push(e);
            }
        }
        let from_counts = EventTable::from_counts(&["0", "1"], &["all"], &counts).unwrap();
        prop_assert_eq!(from_counts, direct);
    }

    #[test]
    fn bad_columns_are_errors_never_panics(
        time in prop::collection::vec(prop_oneof![
            Just(f64::NAN), Just(f64::INFINITY), Just(f64::NEG_INFINITY), Just(-1.0),
            Just(-0.0), Just(0.0), 0.0..1e300f64, Just(f64::MAX)], 0..8),
        event in prop::collection::vec(any::<bool>(), 0..8),
        weight in prop::option::of(prop::collection::vec(prop_oneof![
            Just(f64::NAN), Just(-2.0), Just(0.0), 0.0..10.0f64, Just(f64::INFINITY)], 0..8)),
        entry in prop::option::of(prop::collection::vec(prop_oneof![
            Just(f64::NAN), Just(-1.0), 0.0..1e3f64, Just(1e301)], 0..8)),
        group in prop::option::of(prop::collection::vec(0u8..3, 0..8)),
    ) {
        let mut b = SurvivalData::builder(time.clone(), event.clone());
        if let Some(w) = &weight { b = b.weights(w.clone()); }
        if let Some(e) = &entry { b = b.entry(e.clone()); }
        if let Some(g) = &group { b = b.group_levels(g, &[0u8, 1, 2]); }
        let built = b.build();
        let n = time.len();
        let valid = n > 0
            && event.len() == n
            && time.iter().all(|t| t.is_finite() && *t >= 0.0)
            && weight.as_ref().is_none_or(|w| w.len() == n && w.iter().all(|x| x.is_finite() && *x >= 0.0)
                && w.iter().sum::<f64>() > 0.0)
            && entry.as_ref().is_none_or(|e| e.len() == n
                && e.iter().zip(&time).all(|(a, t)| a.is_finite() && *a >= 0.0 && a < t))
            // A declared level may have no rows (one part of a partition).
            && group.as_ref().is_none_or(|g| g.len() == n);
        prop_assert_eq!(built.is_ok(), valid);
        if let Ok(data) = built {
            // Valid data never panic downstream either.
            let _ = EventTable::from_data(&data);
            let _ = KaplanMeier::default().fit(&data);
        }
    }

    #[test]
    fn bad_counts_are_errors_never_panics(
        time in prop_oneof![Just(f64::NAN), Just(-1.0), Just(f64::INFINITY), 0.0..100.0f64],
        d in prop_oneof![Just(f64::NAN), Just(-1.0), 0.0..5.0f64],
        g in 0usize..3,
    ) {
        let rows = [CountRow::new(time, g, d, 0.0)];
        let r = EventTable::from_counts(&["a", "b"], &["all"], &rows);
        // Counts are whole numbers; sums of weights go through from_weighted_counts.
        let weighted_valid = time.is_finite() && time >= 0.0 && d.is_finite() && d >= 0.0 && g < 2;
        let w = EventTable::from_weighted_counts(&["a", "b"], &["all"], &rows);
        prop_assert_eq!(w.is_ok(), weighted_valid);
        let valid = weighted_valid && d.fract() == 0.0;
        prop_assert_eq!(r.is_ok(), valid);
        if let Ok(t) = r {
            let _ = KaplanMeier::default().fit_table(&t);
        }
    }
}

#[test]
fn empty_and_mismatched_inputs_are_errors() {
    assert!(SurvivalData::new(Vec::<f64>::new(), Vec::<bool>::new()).is_err());
    assert!(SurvivalData::new(vec![1.0, 2.0], vec![true]).is_err());
    assert!(EventTable::from_counts::<&str>(&[], &["all"], &[]).is_err());
    assert!(EventTable::from_counts(&["a"], &["all"], &[]).is_err());
    // A group declared in the counts but without any exit: the KM fit says so.
    let t = EventTable::from_counts(&["a", "b"], &["all"], &[CountRow::new(1.0, 0, 1.0, 0.0)])
        .expect("table");
    assert!(matches!(
        KaplanMeier::default()
            .fit_table(&t)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::EmptyGroup { .. })
    ));
}

/// SplitMix64 for the large deterministic cases below.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A large table (sweep fast path, in-place near-tie merge) equals the one
/// aggregated independently through `from_counts` (a comparison sort).
#[test]
fn large_tables_equal_from_counts() {
    for days in [false, true] {
        let mut st = 42u64;
        let n = 50_000;
        let mut time = Vec::with_capacity(n);
        let mut event = Vec::with_capacity(n);
        for _ in 0..n {
            let u = ((splitmix(&mut st) >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
            let t = -365.0 * u.ln();
            time.push(if days { t.floor() } else { t });
            event.push(splitmix(&mut st) % 10 < 7);
        }
        let rows: Vec<CountRow> = time
            .iter()
            .zip(&event)
            .map(|(&t, &e)| CountRow::new(t, 0, f64::from(u8::from(e)), f64::from(u8::from(!e))))
            .collect();
        let data = SurvivalData::new(time, event).expect("valid");
        let direct = EventTable::from_data_with(&data, TimeFix::Exact).expect("table");
        let counts = EventTable::from_counts(&["all"], &["all"], &rows).expect("table");
        assert_eq!(direct, counts, "days = {days}");
    }
}

/// The in-place near-tie merge (one group, no entry times) and the general
/// merge (taken when entry times exist; entry 0 adds one row at 0 where no
/// one exits) give the same curve.
#[test]
fn in_place_timefix_equals_general_timefix() {
    let mut st = 7u64;
    let n = 20_000;
    // Times on a coarse grid plus tiny jitter: many near-ties.
    let time: Vec<f64> = (0..n)
        .map(|_| {
            let base = 1.0 + (splitmix(&mut st) % 500) as f64;
            base * (1.0 + (splitmix(&mut st) % 3) as f64 * 1e-9)
        })
        .collect();
    let event: Vec<bool> = (0..n)
        .map(|_| !splitmix(&mut st).is_multiple_of(3))
        .collect();
    let plain = SurvivalData::new(time.clone(), event.clone()).expect("valid");
    let entered = SurvivalData::builder(time, event)
        .entry(vec![0.0; n])
        .build()
        .expect("valid");
    let a = KaplanMeier::default().fit(&plain).expect("fit");
    let b = KaplanMeier::default().fit(&entered).expect("fit");
    assert_eq!(a.curves()[0].len(), 500);
    assert_eq!(a, b);
}

/// Reviewer's case: weighted, left-truncated data whose number at risk is a
/// difference of weighted sums. R 4.2.2, survival 3.5-3:
/// `survfit(Surv(c(3,2,4,0), c(5,5,5,1), c(1,1,1,1)) ~ 1, weights = c(.2,.7,.2,.1))`
/// gives time 1 5, n.risk 0.1 1.1 and surv 7.8e-16 0 (its own rounding of
/// 0.1 − 0.1); survkit's at-risk never falls below those leaving, so S(1) = 0
/// exactly.
#[test]
fn weighted_truncated_risk_never_below_those_leaving() -> Result<(), survkit::Error> {
    let data = SurvivalData::builder(vec![5.0, 5.0, 5.0, 1.0], vec![true; 4])
        .entry(vec![3.0, 2.0, 4.0, 0.0])
        .weights(vec![0.2, 0.7, 0.2, 0.1])
        .build()?;
    let fit = KaplanMeier::default().fit(&data)?;
    let curve = &fit.curves()[0];
    assert_eq!(curve.time(), [1.0, 5.0]);
    crate::common::assert_rel(curve.n_risk()[0], 0.1, TOL, "n.risk at 1");
    crate::common::assert_rel(curve.n_risk()[1], 1.1, TOL, "n.risk at 5");
    assert_eq!(curve.survival(), [0.0, 0.0]);
    Ok(())
}

#[test]
fn one_group_per_subject_is_a_budget_error_not_an_abort() -> Result<(), survkit::Error> {
    let n = 30_000;
    let time: Vec<f64> = (0..n).map(|i| i as f64 + 1.0).collect();
    let ids: Vec<u32> = (0..n as u32).collect();
    let data = SurvivalData::builder(time, vec![true; n])
        .groups(&ids)
        .build()?;
    assert!(matches!(
        EventTable::from_data(&data)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::BudgetExceeded { .. })
    ));
    assert!(matches!(
        KaplanMeier::default()
            .fit(&data)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::BudgetExceeded { .. })
    ));
    Ok(())
}

#[test]
fn inconsistent_counts_duplicate_levels_and_infinite_weight_sums_are_errors() {
    // Three subjects enter after the last exit: they would never leave.
    let mut late = CountRow::new(9.0, 0, 0.0, 0.0);
    late.n_enter = 3.0;
    let rows = [CountRow::new(1.0, 0, 1.0, 0.0), late];
    assert!(matches!(
        EventTable::from_counts(&["all"], &["all"], &rows)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::InconsistentCounts { .. })
    ));
    let dup = SurvivalData::builder(vec![1.0, 2.0], vec![true, true])
        .group_levels(&["a", "b"], &["a", "b", "a"])
        .build();
    assert!(matches!(
        dup.as_ref().map_err(survkit::Error::detail),
        Err(ErrorDetail::DuplicateLevel { .. })
    ));
    let huge = SurvivalData::builder(vec![1.0, 2.0, 3.0], vec![true; 3])
        .weights(vec![1e308; 3])
        .build();
    assert!(matches!(
        huge.as_ref().map_err(survkit::Error::detail),
        Err(ErrorDetail::CountOverflow { .. })
    ));
}
