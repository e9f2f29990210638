//! Cleaning of digitised clicks: validation, scale, clamping, sorting, a
//! non-increasing curve starting at (0, 1), and the index table that assigns
//! clicks to the intervals of the numbers-at-risk table.

use crate::error::Result;
use crate::ErrorDetail;

use super::{AtRiskTable, CleaningReport, SurvivalScale};

/// How far outside `[0, 1]` (on the proportion scale) a click may lie and
/// still be read as hand-click noise and clamped: 5 percentage points.
/// Further out the scale is probably wrong (percent read as proportion).
pub(crate) const CLAMP_SLACK: f64 = 0.05;

/// A cleaned click, with the index the caller gave it (`None` for the
/// origin added by the cleaning).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Click {
    pub(crate) time: f64,
    pub(crate) survival: f64,
    pub(crate) input_index: Option<usize>,
}

/// Validates and cleans the clicks. The rules, in order:
///
/// 1. every time and survival finite (else [`ErrorDetail::NonFinite`](crate::ErrorDetail::NonFinite));
/// 2. percent divided by 100;
/// 3. survival within [`CLAMP_SLACK`] of `[0, 1]` clamped to it (else
///    [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter)); negative times clamped to 0;
/// 4. sorted by time, and at equal times by decreasing survival (the two
///    corners of a drop come out in drawing order);
/// 5. the origin (0, 1) added unless a click is already there;
/// 6. each survival replaced by the running minimum (a click above an
///    earlier one is lowered to it).
pub(crate) fn clean(
    points: &[(f64, f64)],
    scale: SurvivalScale,
) -> Result<(Vec<Click>, CleaningReport)> {
    if points.is_empty() {
        return Err(ErrorDetail::EmptyInput { what: "clicks" }.into());
    }
    let mut report = CleaningReport {
        n_input: points.len(),
        scale,
        ..CleaningReport::default()
    };
    let mut clicks = Vec::with_capacity(points.len() + 1);
    for (index, &point) in points.iter().enumerate() {
        clicks.push(checked_click(index, point, scale, &mut report)?);
    }
    clicks.sort_by(|a, b| {
        a.time
            .total_cmp(&b.time)
            .then(b.survival.total_cmp(&a.survival))
    });
    let has_origin = clicks
        .first()
        .is_some_and(|c| c.time == 0.0 && c.survival == 1.0);
    if !has_origin {
        clicks.insert(
            0,
            Click {
                time: 0.0,
                survival: 1.0,
                input_index: None,
            },
        );
        report.origin_added = true;
    }
    let mut running = 1.0_f64;
    for c in &mut clicks {
        if c.survival > running {
            report.lowered += 1;
            report.largest_lowering = report.largest_lowering.max(c.survival - running);
            c.survival = running;
        }
        running = c.survival;
    }
    report.duplicated_times = clicks.windows(2).filter(|w| w[0].time == w[1].time).count();
    Ok((clicks, report))
}

/// `Ok` for a finite value, else the error naming `what` and its `index`.
pub(crate) fn check_finite(what: &'static str, index: usize, value: f64) -> Result<()> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(ErrorDetail::NonFinite { what, index, value }.into())
    }
}

/// One click checked (finite, within the slack of the axis) and clamped
/// to the axis, the clamps counted in `report`.
fn checked_click(
    index: usize,
    (t, s): (f64, f64),
    scale: SurvivalScale,
    report: &mut CleaningReport,
) -> Result<Click> {
    let factor = match scale {
        SurvivalScale::Proportion => 1.0,
        SurvivalScale::Percent => 100.0,
    };
    check_finite("click time", index, t)?;
    check_finite("click survival", index, s)?;
    let mut p = s / factor;
    if !(-CLAMP_SLACK..=1.0 + CLAMP_SLACK).contains(&p) {
        return Err(ErrorDetail::InvalidParameter {
            what: match scale {
                SurvivalScale::Proportion => {
                    "click survival (a proportion; use SurvivalScale::Percent for percentages)"
                }
                SurvivalScale::Percent => "click survival (a percentage)",
            },
            constraint: "within 5 points of the axis [0, 1] (or [0, 100] %)",
            value: s,
        }
        .into());
    }
    if !(0.0..=1.0).contains(&p) {
        report.survival_clamped += 1;
        report.largest_clamp = report.largest_clamp.max((p - p.clamp(0.0, 1.0)).abs());
        p = p.clamp(0.0, 1.0);
    }
    let mut time = t;
    if time < 0.0 {
        report.time_clamped += 1;
        report.largest_clamp_time = report.largest_clamp_time.max(-time);
        time = 0.0;
    }
    // -0.0 becomes +0.0 so that equal times compare equal bit for bit.
    Ok(Click {
        time: time + 0.0,
        survival: p,
        input_index: Some(index),
    })
}

/// The index table: for each interval `[t_i, t_{i+1})` of the table (the
/// last one open), the range of clicks in it.
pub(crate) fn index_table(clicks: &[Click], table: &AtRiskTable) -> Vec<std::ops::Range<usize>> {
    let times = table.time();
    let mut ranges = Vec::with_capacity(times.len());
    let mut lo = 0;
    for (i, _) in times.iter().enumerate() {
        let hi = match times.get(i + 1) {
            Some(&next) => lo + clicks[lo..].partition_point(|c| c.time < next),
            None => clicks.len(),
        };
        ranges.push(lo..hi);
        lo = hi;
    }
    ranges
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleaning_rules() {
        let pts = [
            (5.0, 0.8),
            (-0.1, 1.02),
            (2.0, 0.9),
            (3.0, 0.92),
            (5.0, 0.85),
        ];
        let (c, r) = clean(&pts, SurvivalScale::Proportion).unwrap();
        let got: Vec<(f64, f64)> = c.iter().map(|c| (c.time, c.survival)).collect();
        assert_eq!(
            got,
            vec![(0.0, 1.0), (2.0, 0.9), (3.0, 0.9), (5.0, 0.85), (5.0, 0.8)]
        );
        // The click at (−0.1, 1.02) became the origin.
        assert!(!r.origin_added);
        assert_eq!((r.survival_clamped, r.time_clamped, r.lowered), (1, 1, 1));
        assert_eq!(r.duplicated_times, 1);
        assert!(clean(&[(1.0, 95.0)], SurvivalScale::Proportion).is_err());
        assert!(clean(&[(1.0, 95.0)], SurvivalScale::Percent).is_ok());
        assert!(clean(&[], SurvivalScale::Percent).is_err());
    }
}
