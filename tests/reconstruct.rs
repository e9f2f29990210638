//! Reconstruction of individual data from digitised curves (issue #16):
//! exact round trips on the embedded data sets, noisy clicks, and every
//! failure pattern as a typed error.
use proptest::prelude::*;
use survkit::datasets::{aml, lung, ovarian, veteran};
use survkit::ErrorDetail;
use survkit::{
    combine_arms, log_rank, read_at_risk_csv, read_webplotdigitizer_csv, AtRiskTable,
    HazardRatioEstimator, IntervalMethod, KaplanMeier, Reconstruct, Reconstruction, SurvivalCurve,
    SurvivalData, SurvivalScale,
};

/// One arm of a data set: its name and rows.
struct Arm {
    name: String,
    time: Vec<f64>,
    event: Vec<bool>,
}

fn arms<G: Copy + PartialEq + std::fmt::Display>(
    time: &[f64],
    event: &[bool],
    group: &[G],
    levels: &[G],
) -> Vec<Arm> {
    levels
        .iter()
        .map(|&g| {
            let idx: Vec<usize> = (0..time.len()).filter(|&i| group[i] == g).collect();
            Arm {
                name: g.to_string(),
                time: idx.iter().map(|&i| time[i]).collect(),
                event: idx.iter().map(|&i| event[i]).collect(),
            }
        })
        .collect()
}

/// The four embedded data sets split by arm, with the step of the at-risk grid.
fn datasets() -> Vec<(&'static str, Vec<Arm>, f64)> {
    vec![
        (
            "aml by x",
            arms(
                &aml::TIME,
                &aml::event(),
                &aml::X,
                &["Maintained", "Nonmaintained"],
            ),
            20.0,
        ),
        (
            "lung by sex",
            arms(&lung::TIME, &lung::event(), &lung::SEX, &[1, 2]),
            100.0,
        ),
        (
            "ovarian by rx",
            arms(&ovarian::FUTIME, &ovarian::event(), &ovarian::RX, &[1, 2]),
            200.0,
        ),
        (
            "veteran by trt",
            arms(&veteran::TIME, &veteran::event(), &veteran::TRT, &[1, 2]),
            100.0,
        ),
    ]
}

fn curve_of(arm: &Arm) -> SurvivalCurve {
    let data = SurvivalData::new(arm.time.clone(), arm.event.clone()).unwrap();
    KaplanMeier::new().fit(&data).unwrap().curves()[0].clone()
}

/// Every step's two corners, the origin and the end of the curve.
fn corners(curve: &SurvivalCurve) -> Vec<(f64, f64)> {
    let mut out = vec![(0.0, 1.0)];
    let mut prev = 1.0;
    for ((&t, &s), &d) in curve
        .time()
        .iter()
        .zip(curve.survival())
        .zip(curve.n_event())
    {
        if d > 0.0 {
            out.push((t, prev));
            out.push((t, s));
        }
        prev = s;
    }
    out.push((curve.last_time(), prev));
    out
}

/// Numbers at risk on the grid 0, step, 2 step, … up to the last time.
fn grid(curve: &SurvivalCurve, step: f64) -> AtRiskTable {
    let times: Vec<f64> = (0..)
        .map(|i| i as f64 * step)
        .take_while(|&t| t <= curve.last_time())
        .collect();
    let counts = curve
        .survival_at(&times)
        .unwrap()
        .iter()
        .map(|a| a.n_risk() as u64)
        .collect::<Vec<_>>();
    AtRiskTable::new(times, counts).unwrap()
}

fn events_in(arm: &Arm, a: f64, b: Option<f64>) -> u64 {
    arm.time
        .iter()
        .zip(&arm.event)
        .filter(|(&t, &e)| e && t >= a && b.is_none_or(|b| t < b))
        .count() as u64
}

/// S(t) and S(t−) of a curve.
fn at(curve: &SurvivalCurve, t: f64) -> (f64, f64) {
    let (times, surv) = (curve.time(), curve.survival());
    let after = times.partition_point(|&x| x <= t);
    let before = times.partition_point(|&x| x < t);
    (
        if after == 0 { 1.0 } else { surv[after - 1] },
        if before == 0 { 1.0 } else { surv[before - 1] },
    )
}

fn reconstruct_arm(arm: &Arm, step: f64, total: bool) -> Reconstruction {
    let curve = curve_of(arm);
    let mut r = Reconstruct::new();
    if total {
        r = r.total_events(arm.event.iter().filter(|&&e| e).count() as u64);
    }
    r.fit(&corners(&curve), &grid(&curve, step)).unwrap()
}

#[test]
fn exact_round_trips_on_the_embedded_data_sets() {
    // Numbers at risk at every unit of the data's time scale (days or weeks:
    // the regular grid at the data's resolution) pin every censoring
    // to its interval, and the log-rank chi-square comes back within 2%
    // (exactly, here); on the coarser grids of the data sets it moves by up
    // to 6% in the small sets, because where censorings fall between two
    // drops is not in the figure.
    for (name, arms, coarse) in datasets() {
        for (step, total) in [(1.0, false), (1.0, true), (coarse, false), (coarse, true)] {
            let mut recs = Vec::new();
            for arm in &arms {
                let curve = curve_of(arm);
                let rec = reconstruct_arm(arm, step, total);
                let fitted = curve_of(&Arm {
                    name: arm.name.clone(),
                    time: rec.time().to_vec(),
                    event: rec.event().to_vec(),
                });
                assert!(
                    rec.max_abs_difference() < 1e-12,
                    "{name} {}: {rec}",
                    arm.name
                );
                for &t in curve.time() {
                    let (a, b) = (at(&curve, t), at(&fitted, t));
                    assert!((a.0 - b.0).abs() <= 1e-12, "{name} {} at {t}", arm.name);
                    assert!((a.1 - b.1).abs() <= 1e-12, "{name} {} at {t}-", arm.name);
                }
                for iv in rec.intervals() {
                    let want = if iv.events() > 0 {
                        IntervalMethod::ExactClicks
                    } else {
                        IntervalMethod::NoDrops
                    };
                    assert_eq!(iv.method(), want, "{name}\n{rec}");
                    assert_eq!(
                        iv.events(),
                        events_in(arm, iv.start(), iv.end()),
                        "{name} {} interval at {}\n{rec}",
                        arm.name,
                        iv.start()
                    );
                }
                assert_eq!(rec.n(), arm.time.len());
                assert_eq!(rec.at_risk_reconstructed(), rec.at_risk().count());
                assert_eq!(
                    fitted.median().estimate(),
                    curve.median().estimate(),
                    "{name}"
                );
                recs.push(rec);
            }
            let original = {
                let (mut t, mut e, mut g) = (vec![], vec![], vec![]);
                for arm in &arms {
                    t.extend_from_slice(&arm.time);
                    e.extend_from_slice(&arm.event);
                    g.extend(std::iter::repeat_n(arm.name.clone(), arm.time.len()));
                }
                let levels: Vec<String> = arms.iter().map(|a| a.name.clone()).collect();
                SurvivalData::builder(t, e)
                    .group_levels(&g, &levels)
                    .build()
                    .unwrap()
            };
            let named: Vec<(&str, &Reconstruction)> = arms
                .iter()
                .zip(&recs)
                .map(|(a, r)| (a.name.as_str(), r))
                .collect();
            let rebuilt = combine_arms(&named).unwrap();
            let (x0, x1) = (
                log_rank(&original).unwrap().statistic(),
                log_rank(&rebuilt).unwrap().statistic(),
            );
            println!(
                "{name} step={step} total={total}: chi-square {x0:.6} -> {x1:.6} ({:+.3}%)",
                100.0 * (x1 / x0 - 1.0)
            );
            // Censoring times within a gap between two drops are not in the
            // figure (spread evenly); in the two small sets (23 and 26
            // patients) that moves the chi-square by up to 6%.
            let tolerance = match name {
                _ if step == 1.0 => 0.02,
                "lung by sex" => 0.02,
                "veteran by trt" => 0.03,
                _ => 0.06,
            };
            assert!((x1 / x0 - 1.0).abs() < tolerance, "{name}: {x0} vs {x1}");
        }
    }
}

/// A small deterministic generator (xorshift64*) for the noise.
struct Noise(u64);
impl Noise {
    fn unit(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (x >> 11) as f64 / (1u64 << 53) as f64 * 2.0 - 1.0
    }
}

/// Clicks perturbed by up to `frac` of each axis (time axis = the last time).
fn noisy(clicks: &[(f64, f64)], t_max: f64, frac: f64, seed: u64) -> Vec<(f64, f64)> {
    let mut g = Noise(seed | 1);
    clicks
        .iter()
        .map(|&(t, s)| (t + frac * t_max * g.unit(), s + frac * g.unit()))
        .collect()
}

struct NoisyOutcome {
    median_shift: Vec<f64>,
    hr_ratio: f64,
}

/// Lung by sex digitised with noise: medians (as a fraction of the time
/// axis) and the ratio of Peto hazard ratios, reconstructed over original.
fn lung_with_noise(seed: u64, frac: f64, total: bool) -> NoisyOutcome {
    let arms = arms(&lung::TIME, &lung::event(), &lung::SEX, &[1, 2]);
    let t_max = lung::TIME.iter().cloned().fold(0.0, f64::max);
    let mut recs = Vec::new();
    let mut shifts = Vec::new();
    for (j, arm) in arms.iter().enumerate() {
        let curve = curve_of(arm);
        let clicks = noisy(
            &corners(&curve),
            t_max,
            frac,
            seed.wrapping_add(j as u64 * 7919),
        );
        let mut r = Reconstruct::new();
        if total {
            r = r.total_events(arm.event.iter().filter(|&&e| e).count() as u64);
        }
        let rec = r.fit(&clicks, &grid(&curve, 100.0)).unwrap();
        let fitted = curve_of(&Arm {
            name: arm.name.clone(),
            time: rec.time().to_vec(),
            event: rec.event().to_vec(),
        });
        let m1 = fitted.median().estimate().unwrap();
        // How far from 0.5 the original curve is at the reconstructed
        // median, allowing for the time noise.
        let eps = frac * t_max;
        let miss = [m1 - eps, m1, m1 + eps]
            .iter()
            .map(|&t| {
                let (s, s_left) = at(&curve, t);
                if (s..=s_left).contains(&0.5) {
                    0.0
                } else {
                    (s - 0.5).abs().min((s_left - 0.5).abs())
                }
            })
            .fold(f64::INFINITY, f64::min);
        shifts.push(miss);
        recs.push(rec);
    }
    let original = SurvivalData::builder(&lung::TIME[..], lung::event())
        .groups(&lung::SEX)
        .build()
        .unwrap();
    let rebuilt = combine_arms(&[("1", &recs[0]), ("2", &recs[1])]).unwrap();
    let hr = |d: &SurvivalData| {
        log_rank(d)
            .unwrap()
            .hazard_ratio(HazardRatioEstimator::Peto, Default::default())
            .unwrap()
            .estimate()
    };
    NoisyOutcome {
        median_shift: shifts,
        hr_ratio: hr(&rebuilt) / hr(&original),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Clicks perturbed by up to 0.5% of each axis: the original curve is
    /// within 0.02 of 0.5 at the reconstructed median (allowing for the
    /// time noise) and the hazard ratio moves by less than 5% (measured
    /// worst over 500 seeds: 0.011 and 2.4%).
    #[test]
    fn noisy_clicks_keep_medians_and_hazard_ratio(seed in any::<u64>(), frac in 0.0..=0.005f64, total in any::<bool>()) {
        let o = lung_with_noise(seed, frac, total);
        for m in &o.median_shift {
            prop_assert!(*m <= 0.02, "median miss {m}");
        }
        prop_assert!(o.hr_ratio.ln().abs() <= 0.05, "HR ratio {}", o.hr_ratio);
    }

    /// Arbitrary clicks and tables: an answer or a typed error, never a
    /// panic or a hang; an answer has one row per patient.
    #[test]
    fn arbitrary_input_never_panics(
        clicks in prop::collection::vec((wild(), wild()), 0..40),
        gaps in prop::collection::vec((0.1..50.0f64, 0u64..30), 0..6),
        n0 in 0u64..60,
        total in prop::option::of(0u64..80),
        budget in prop_oneof![Just(0u64), Just(survkit::DEFAULT_EXACT_BUDGET)],
        max_adj in 0u32..4,
    ) {
        let mut times = vec![0.0];
        let mut counts = vec![n0];
        for (dt, drop) in gaps {
            times.push(times.last().unwrap() + dt);
            counts.push(counts.last().unwrap().saturating_sub(drop));
        }
        let Ok(table) = AtRiskTable::new(times, counts) else { return Ok(()) };
        let mut r = Reconstruct::new().exact_budget(budget).max_adjustments(max_adj);
        if let Some(t) = total {
            r = r.total_events(t);
        }
        if let Ok(rec) = r.fit(&clicks, &table) {
            prop_assert_eq!(rec.n() as u64, n0);
            prop_assert!(rec.max_abs_difference().is_finite());
            let iv_sum: u64 = rec.intervals().iter().map(|i| i.events() + i.censored()).sum();
            prop_assert_eq!(iv_sum, n0);
            prop_assert!(rec.data().is_ok());
            prop_assert!(!rec.to_string().is_empty());
        }
    }
}

/// Click coordinates from the awkward to the absurd.
fn wild() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => 0.0..1.0f64,
        2 => -0.1..1.1f64,
        2 => 0.0..100.0f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(-0.0),
        1 => Just(1e300),
    ]
}

#[test]
fn percent_clicks_round_trip_exactly() {
    let arm = &arms(&lung::TIME, &lung::event(), &lung::SEX, &[1, 2])[1];
    let curve = curve_of(arm);
    let clicks: Vec<(f64, f64)> = corners(&curve)
        .iter()
        .map(|&(t, s)| (t, 100.0 * s))
        .collect();
    let rec = Reconstruct::new()
        .scale(SurvivalScale::Percent)
        .fit(&clicks, &grid(&curve, 100.0))
        .unwrap();
    assert!(rec.max_abs_difference() < 1e-12, "{rec}");
    assert!(rec
        .intervals()
        .iter()
        .all(|i| i.method() != IntervalMethod::Guyot));
}

#[test]
fn the_paper_alone_stays_close_on_exact_clicks() {
    // The exact-click step off: the paper's algorithm on exact corners.
    for (name, arms, step) in datasets() {
        for arm in &arms {
            let curve = curve_of(arm);
            let rec = Reconstruct::new()
                .exact_budget(0)
                .fit(&corners(&curve), &grid(&curve, step))
                .unwrap();
            assert!(rec
                .intervals()
                .iter()
                .all(|i| i.method() != IntervalMethod::ExactClicks));
            assert_eq!(rec.at_risk_reconstructed(), rec.at_risk().count(), "{name}");
            let exact_events = rec
                .intervals()
                .iter()
                .filter(|iv| iv.events() == events_in(arm, iv.start(), iv.end()))
                .count();
            println!(
                "paper alone, {name} arm {}: max |diff| {:.4}, RMS {:.4}, events exact in {exact_events} of {} intervals",
                arm.name,
                rec.max_abs_difference(),
                rec.rms_difference(),
                rec.intervals().len()
            );
            // The paper's n̂ misplaces censorings; 0.058 on aml's 11 patients.
            assert!(rec.max_abs_difference() < 0.1, "{name}\n{rec}");
        }
    }
}

#[test]
fn a_stalled_adjustment_is_finished_by_bisection() {
    let arm = &arms(&lung::TIME, &lung::event(), &lung::SEX, &[1, 2])[0];
    let curve = curve_of(arm);
    for max in [0, 1] {
        let rec = Reconstruct::new()
            .exact_budget(0)
            .max_adjustments(max)
            .fit(&corners(&curve), &grid(&curve, 100.0))
            .unwrap();
        assert!(rec.intervals()[..rec.intervals().len() - 1]
            .iter()
            .any(|i| i.searched()));
        assert_eq!(rec.at_risk_reconstructed(), rec.at_risk().count());
    }
}

#[test]
fn each_failure_is_a_typed_error() {
    let t = AtRiskTable::new(vec![0.0, 10.0], vec![10, 4]).unwrap();
    // A published count that rises.
    assert_eq!(
        AtRiskTable::new(vec![0.0, 10.0, 20.0], vec![10, 4, 5]),
        Err(ErrorDetail::AtRiskIncreases {
            index: 2,
            previous: 4,
            count: 5
        }
        .into())
    );
    // A table that does not start at 0, times that do not increase.
    assert!(matches!(
        AtRiskTable::new(vec![5.0], vec![10])
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::InvalidParameter {
            what: "first at-risk time",
            ..
        })
    ));
    assert!(matches!(
        AtRiskTable::new(vec![0.0, 5.0, 5.0], vec![10, 9, 8])
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::InvalidParameter {
            what: "at-risk times",
            ..
        })
    ));
    assert!(matches!(
        AtRiskTable::new(vec![0.0], vec![0])
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::InvalidParameter { .. })
    ));
    // A click that drops the curve after the table has nobody at risk.
    let ends = AtRiskTable::new(vec![0.0, 10.0], vec![10, 0]).unwrap();
    assert_eq!(
        Reconstruct::new().fit(&[(0.0, 1.0), (5.0, 0.5), (12.0, 0.4)], &ends),
        Err(ErrorDetail::ClickOutsideAtRiskTable {
            index: 2,
            time: 12.0,
            empty_from: 10.0
        }
        .into())
    );
    // A total the curve cannot produce.
    let clicks = [(0.0, 1.0), (5.0, 1.0), (5.0, 0.5), (15.0, 0.5), (15.0, 0.3)];
    assert!(matches!(
        Reconstruct::new()
            .total_events(20)
            .fit(&clicks, &t)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::TotalEventsContradictCurve {
            total: 20,
            min: 5,
            max: 7
        })
    ));
    assert!(matches!(
        Reconstruct::new()
            .total_events(0)
            .fit(&clicks, &t)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::TotalEventsContradictCurve { total: 0, .. })
    ));
    // Clicks that are not numbers, a percentage read as a proportion, none at all.
    assert!(matches!(
        Reconstruct::new()
            .fit(&[(1.0, f64::NAN)], &t)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::NonFinite {
            what: "click survival",
            index: 0,
            ..
        })
    ));
    assert!(matches!(
        Reconstruct::new()
            .fit(&[(1.0, 95.0)], &t)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::InvalidParameter { .. })
    ));
    assert_eq!(
        Reconstruct::new().fit(&[], &t),
        Err(ErrorDetail::EmptyInput { what: "clicks" }.into())
    );
    // Negative counts in a file, a click with one coordinate.
    assert!(matches!(
        read_at_risk_csv("time,A\n0,-3\n")
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::InvalidCsv { line: 2, .. })
    ));
    assert!(matches!(
        read_webplotdigitizer_csv("0,1\n5,\n")
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::InvalidCsv { line: 2, .. })
    ));
    assert!(matches!(
        read_webplotdigitizer_csv("0,1\n5,abc\n")
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::InvalidCsv { line: 2, .. })
    ));
}

#[test]
fn a_click_above_the_rebuilt_curve_has_no_events() {
    // The rebuilt curve falls to 0.5 at 5; the clicks at 8 say 0.55 (a
    // negative count in the paper's formula): no events there, no panic.
    let t = AtRiskTable::new(vec![0.0], vec![2]).unwrap();
    let rec = Reconstruct::new()
        .fit(&[(0.0, 1.0), (5.0, 0.6), (8.0, 0.55)], &t)
        .unwrap();
    assert_eq!(rec.n_events(), 1);
    assert_eq!(rec.event().len(), 2);
}

#[test]
fn the_display_reports_cleaning_table_and_limits() {
    let t = AtRiskTable::new(vec![0.0, 10.0], vec![10, 6]).unwrap();
    let rec = Reconstruct::new()
        .fit(
            &[
                (5.0, 1.01),
                (5.0, 0.8),
                (3.0, 0.9),
                (-0.2, 1.0),
                (12.0, 0.7),
            ],
            &t,
        )
        .unwrap();
    let text = rec.to_string();
    for needle in [
        "Reconstructed individual data (Guyot et al. 2012)",
        "patients 10",
        "1 lowered to keep the curve non-increasing",
        "1 clamped to [0, 1]",
        "1 negative times set to 0",
        "published",
        "Not recovered:",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
}

#[test]
fn webplotdigitizer_exports_are_read() {
    let text =
        "\u{feff}Dataset 1,,Dataset 2,\r\nX,Y,X,Y\r\n0,1,0,1\r\n1.5,0.9,2,0.95\r\n3,0.8,,\r\n";
    let arms = read_webplotdigitizer_csv(text).unwrap();
    assert_eq!(arms.len(), 2);
    assert_eq!(arms[0].name(), "Dataset 1");
    assert_eq!(arms[0].points(), [(0.0, 1.0), (1.5, 0.9), (3.0, 0.8)]);
    assert_eq!(arms[1].points(), [(0.0, 1.0), (2.0, 0.95)]);
    let semi = read_webplotdigitizer_csv("0;1\n2,5;0,75\n").unwrap();
    assert_eq!(semi[0].points(), [(0.0, 1.0), (2.5, 0.75)]);
    let tab = read_webplotdigitizer_csv("0\t100\n2\t75\n").unwrap();
    assert_eq!(tab[0].points()[1], (2.0, 75.0));
}

#[test]
#[ignore]
fn measure_noise() {
    for total in [false, true] {
        let (mut worst_m, mut worst_hr) = (0.0f64, 0.0f64);
        for seed in 0..500u64 {
            let o = lung_with_noise(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15), 0.005, total);
            worst_m = worst_m.max(o.median_shift.iter().cloned().fold(0.0, f64::max));
            worst_hr = worst_hr.max((o.hr_ratio.ln()).abs());
        }
        println!("total={total}: worst miss of the original curve from 0.5 at the rebuilt median {worst_m:.4}, worst |log HR ratio| {worst_hr:.4}");
    }
}

#[allow(dead_code)]
#[path = "../examples/reconstruct.rs"]
mod example;

#[test]
fn the_example_reconstructs_the_digitised_lung_figure() {
    let report = example::report().expect("the example runs");
    let value = |label: &str| -> (f64, f64) {
        let line = report.lines().find(|l| l.starts_with(label)).expect(label);
        let v: Vec<f64> = line[30..]
            .split_whitespace()
            .map(|x| x.parse().unwrap())
            .collect();
        (v[0], v[1])
    };
    // Original values: R survdiff(Surv(time, status) ~ sex, lung) chisq 10.3,
    // medians 270 and 426 (print(survfit(...))).
    let (x0, x1) = value("log-rank chi-square");
    assert!(
        (x0 - 10.3267).abs() < 1e-4 && (x1 / x0 - 1.0).abs() < 0.05,
        "{report}"
    );
    let (h0, h1) = value("hazard ratio (Peto)");
    assert!((h1 / h0).ln().abs() < 0.02, "{report}");
    for label in ["median, male", "median, female"] {
        let (m0, m1) = value(label);
        assert!((m1 - m0).abs() < 5.0, "{label}: {report}");
    }
    assert!(report.contains("published total events 112"));
    assert!(report.contains("published total events 53"));
}

#[test]
fn huge_arms_are_bounded() {
    // 2·10⁶ patients: the paper's passes cost O(clicks · log n), the exact
    // step stays within its budget (or says it is over); beyond 10⁷ patients a
    // budget error.
    let t = AtRiskTable::new(vec![0.0, 10.0], vec![2_000_000, 800_000]).unwrap();
    let clicks = [
        (0.0, 1.0),
        (5.0, 1.0),
        (5.0, 0.5),
        (20.0, 0.5),
        (20.0, 0.25),
    ];
    let start = std::time::Instant::now();
    let rec = Reconstruct::new().fit(&clicks, &t).unwrap();
    assert_eq!(rec.n(), 2_000_000);
    // 0.5 = (M − d)/M has 10⁶ candidates; within the default budget.
    assert_eq!(rec.intervals()[0].method(), IntervalMethod::ExactClicks);
    assert!(start.elapsed().as_secs() < 60);
    let small = Reconstruct::new()
        .exact_budget(1000)
        .fit(&clicks, &t)
        .unwrap();
    assert_eq!(
        small.intervals()[0].method(),
        IntervalMethod::GuyotExactSkipped
    );
    let over = AtRiskTable::new(vec![0.0], vec![survkit::MAX_PATIENTS + 1]).unwrap();
    assert!(matches!(
        Reconstruct::new()
            .fit(&clicks, &over)
            .as_ref()
            .map_err(survkit::Error::detail),
        Err(ErrorDetail::BudgetExceeded { .. })
    ));
}
