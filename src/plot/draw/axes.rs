//! The axes: the y range and its tick step, the x ticks (nice steps or the
//! user's), the axis titles, and the axes, ticks, tick labels and titles in
//! the SVG.

use std::fmt::Write as _;

use super::curves::Curve;
use super::layout::{Page, MM_PER_PT, PAD, TICK};
use super::num;
use super::options::invalid;
use super::svg::{text, BLACK};
use crate::plot::text::{clean, escape, truncate_to};
use crate::plot::ticks::{ticks_in, Step, Ticks};
use crate::plot::{KaplanMeierPlot, YFormat, YScale};
use crate::Result;

/// Most ticks on the x axis (including 0).
pub(super) const MAX_X_TICKS: usize = 9;
/// Most ticks on the y axis.
const MAX_Y_TICKS: usize = 6;

/// The x ticks in display units and the axis's end.
pub(super) struct XTicks {
    pub(super) ticks: Ticks,
    pub(super) end: f64,
}

/// The y axis: its range `[y0, y1]` and tick step. Without a user range the
/// hazard scale's top is rounded up to a tick.
pub(super) struct YAxis {
    pub(super) y0: f64,
    pub(super) y1: f64,
    pub(super) step: Step,
    /// Labels in percent.
    percent: bool,
    /// Whether the top is rounded up to the next tick.
    round_top: bool,
}

impl YAxis {
    /// The scale's range (or the user's), with the smallest nice step that
    /// gives at most six ticks.
    pub(super) fn new(o: &KaplanMeierPlot, curves: &[Curve]) -> Self {
        let scale = o.y_scale;
        let (y0, y1) = match (o.y_range, scale) {
            (Some(r), _) => r,
            (None, YScale::CumulativeHazard) => (0.0, hazard_top(curves, scale)),
            (None, _) => (0.0, 1.0),
        };
        let mut y = YAxis {
            y0,
            y1,
            step: Step::at_most((y1 - y0) / 5.0),
            percent: o.y_format == YFormat::Percent && scale != YScale::CumulativeHazard,
            round_top: o.y_range.is_none() && scale == YScale::CumulativeHazard,
        };
        while y.ticks_to(y.top()).values.len() > MAX_Y_TICKS {
            y.step = y.step.next();
        }
        y
    }

    /// Whether the labels are in percent.
    pub(super) fn percent(&self) -> bool {
        self.percent
    }

    /// The axis's top at the current step.
    pub(super) fn top(&self) -> f64 {
        if self.round_top {
            let k = (self.y1 / self.step.value() - 1e-9).ceil().max(1.0) as u64;
            self.step.tick(k)
        } else {
            self.y1
        }
    }

    /// The ticks from `y0` to `y1` at the current step.
    pub(super) fn ticks_to(&self, y1: f64) -> Ticks {
        ticks_in(self.y0, y1, self.step, self.percent)
    }
}

/// The largest finite plotted value of the curves and their lower bounds
/// (1 if there is none above 0).
fn hazard_top(curves: &[Curve], scale: YScale) -> f64 {
    let mut top = 0.0_f64;
    for c in curves {
        let b = c.bounds.as_ref();
        for v in c
            .surv
            .iter()
            .chain(b.into_iter().flat_map(|(lo, _)| lo.iter()))
        {
            let h = scale.of(*v);
            if h.is_finite() {
                top = top.max(h);
            }
        }
    }
    if top > 0.0 {
        top
    } else {
        1.0
    }
}

/// The x ticks at `step` (or the user's step) up to the user's end or the
/// first tick at or after `max_disp`.
pub(super) fn x_ticks_at(o: &KaplanMeierPlot, step: Step, max_disp: f64) -> Result<XTicks> {
    match o.x_step {
        Some(s) => {
            let end = o.x_max.unwrap_or_else(|| {
                let k = (max_disp / s - 1e-9).ceil().max(1.0);
                k * s
            });
            match user_ticks(end, s) {
                Some(ticks) => Ok(XTicks { ticks, end }),
                None => Err(invalid("x_step", "at least a thousandth of the axis", s)),
            }
        }
        None => {
            let end = o.x_max.unwrap_or_else(|| {
                let k = (max_disp / step.value() - 1e-9).ceil().max(1.0) as u64;
                step.tick(k)
            });
            Ok(XTicks {
                ticks: ticks_in(0.0, end, step, false),
                end,
            })
        }
    }
}

/// Ticks at multiples of the user's `step` up to `end`, labelled with the
/// step's decimals; `None` past 1000 ticks.
fn user_ticks(end: f64, step: f64) -> Option<Ticks> {
    let s = format!("{step}");
    let decimals = s.split_once('.').map_or(0, |(_, d)| d.len()).min(12);
    let mut values = Vec::new();
    for k in 0..=1000u32 {
        let v = f64::from(k) * step;
        if v > end * (1.0 + 1e-12) {
            return Some(Ticks {
                labels: values.iter().map(|v| format!("{v:.decimals$}")).collect(),
                values,
            });
        }
        values.push(v);
    }
    None
}

/// The axis titles: the user's, or the time with its unit and the scale's
/// name.
pub(super) struct Titles {
    pub(super) x: String,
    pub(super) y: String,
}

impl Titles {
    /// The titles of `o`'s axes; `unit` is the time unit's name.
    pub(super) fn new(o: &KaplanMeierPlot, unit: Option<&str>, percent: bool) -> Self {
        let x = o
            .x_label
            .as_deref()
            .map(clean)
            .unwrap_or_else(|| match unit {
                Some(u) => format!("Time ({u})"),
                None => "Time".to_owned(),
            });
        let y = o.y_label.as_deref().map(clean).unwrap_or_else(|| {
            let base = match o.y_scale {
                YScale::Survival => "Survival probability",
                YScale::CumulativeIncidence => "Cumulative incidence",
                YScale::CumulativeHazard => "Cumulative hazard",
            };
            if percent {
                format!("{base} (%)")
            } else {
                base.to_owned()
            }
        });
        Titles { x, y }
    }
}

/// The axes, the break mark of a y axis not starting at 0, and the ticks, in
/// the plot area's local coordinates.
pub(super) fn write_lines(s: &mut String, page: &Page) {
    let axis_w = num(0.5 * MM_PER_PT);
    let _ = writeln!(
        s,
        r##"<path class="axes" d="M0 {}V0H{}" fill="none" stroke="#000000" stroke-width="{axis_w}"/>"##,
        num(page.plot_h),
        num(page.plot_w)
    );
    if page.local.y0() > 0.0 {
        let _ = writeln!(
            s,
            r##"<path class="axis-break" d="M-1 0.8l2 0.9M-1 1.6l2 0.9" fill="none" stroke="#000000" stroke-width="{axis_w}"/>"##
        );
    }
    for &v in &page.x_ticks.ticks.values {
        let x = num(page.local.x(v * page.tpu));
        let _ = writeln!(
            s,
            r##"<line class="x-tick" data-value="{}" x1="{x}" y1="0" x2="{x}" y2="{}" stroke="#000000" stroke-width="{axis_w}"/>"##,
            num(v * page.tpu),
            num(-TICK)
        );
    }
    for &v in &page.y_ticks.values {
        let y = num(page.local.y(v));
        let _ = writeln!(
            s,
            r##"<line class="y-tick" data-value="{}" x1="0" y1="{y}" x2="{}" y2="{y}" stroke="#000000" stroke-width="{axis_w}"/>"##,
            num(v),
            num(-TICK)
        );
    }
}

/// The tick labels and the axis titles, on the page.
pub(super) fn write_labels(s: &mut String, page: &Page, titles: &Titles) {
    let (g, fs) = (&page.g, page.g.fs);
    let mid = (g.asc - g.desc) / 2.0;
    let y_ticks = &page.y_ticks;
    for (v, l) in y_ticks.values.iter().zip(&y_ticks.labels) {
        let y = page.bottom - page.local.y(*v) + mid;
        text(
            s,
            "y-label",
            page.left - TICK - 0.4 * fs,
            y,
            "end",
            BLACK,
            l,
        );
    }
    let x_base = page.x_label_base();
    let x_ticks = &page.x_ticks.ticks;
    for (v, l) in x_ticks.values.iter().zip(&x_ticks.labels) {
        let x = page.left + page.local.x(v * page.tpu);
        text(s, "x-label", x, x_base, "middle", BLACK, l);
    }
    let x_title = truncate_to(&titles.x, page.full_w_em);
    let x_center = (page.left + page.plot_w / 2.0)
        .max(PAD + g.w(&x_title) / 2.0)
        .min(page.width - PAD - g.w(&x_title) / 2.0);
    let base = page.x_title_base();
    text(s, "x-title", x_center, base, "middle", BLACK, &x_title);
    let y_title = truncate_to(&titles.y, page.plot_h / fs);
    let _ = writeln!(
        s,
        r#"<text class="y-title" transform="translate({} {}) rotate(-90)" text-anchor="middle">{}</text>"#,
        num(PAD + g.asc),
        num(page.top + page.plot_h / 2.0),
        escape(&y_title)
    );
}
