//! Layout and SVG writing of a Kaplan-Meier figure.
//!
//! All lengths are millimetres (the SVG user unit). The plot area has its own
//! coordinates ("local"): origin at the bottom-left corner, y up, `x = t × kx`
//! and `y = (v − y0) × ky`; the page places it with `translate(left, bottom)
//! scale(1, −1)`.

use crate::ErrorDetail;
use std::fmt::Write as _;

use super::risk_table::format_count;
use super::text::{clean, escape, text_width_em, truncate_to, ASCENT_EM, DESCENT_EM, FONT_FAMILY};
use super::ticks::{ticks_in, Step, Ticks};
use super::{
    KaplanMeierFigure, KaplanMeierPlot, LegendPosition, RiskTable, RiskTableStyle, YFormat, YScale,
    DASHES,
};
use crate::{format_p_value, Error, KaplanMeierFit, LogRankResult, PValueStyle, Result};

/// Which count of a risk-table row a table row shows.
type CountOf = fn(&super::RiskTableRow) -> f64;

/// Millimetres per point.
const MM_PER_PT: f64 = 25.4 / 72.0;
/// Margin around the figure, mm.
const PAD: f64 = 1.0;
/// Length of the tick marks, mm.
const TICK: f64 = 1.0;
/// Most ticks on the x axis (including 0).
const MAX_X_TICKS: usize = 9;
/// Most ticks on the y axis.
const MAX_Y_TICKS: usize = 6;
/// Smallest plot area side, mm.
const MIN_PLOT: f64 = 15.0;

/// A number as written in the SVG: the shortest decimal that reads back as
/// the same `f64` (`-0` written as `0`).
fn num(x: f64) -> Num {
    assert!(x.is_finite(), "coordinates are finite by construction");
    Num(x)
}

/// A finite number, displayed without allocating (see [`num`]).
struct Num(f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 == 0.0 {
            f.write_str("0")
        } else {
            write!(f, "{}", self.0)
        }
    }
}

fn invalid(what: &'static str, constraint: &'static str, value: f64) -> Error {
    ErrorDetail::InvalidParameter {
        what,
        constraint,
        value,
    }
    .into()
}

fn check_range(
    what: &'static str,
    constraint: &'static str,
    v: f64,
    lo: f64,
    hi: f64,
) -> Result<()> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(invalid(what, constraint, v))
    }
}

fn validate(o: &KaplanMeierPlot) -> Result<()> {
    check_range("width_mm", "in [30, 1000]", o.width_mm, 30.0, 1000.0)?;
    if let Some(h) = o.height_mm {
        check_range("height_mm", "in [20, 2000]", h, 20.0, 2000.0)?;
    }
    check_range("font_size_pt", "in [4, 24]", o.font_size_pt, 4.0, 24.0)?;
    check_range("line_width_pt", "in [0.1, 5]", o.line_width_pt, 0.1, 5.0)?;
    if !(o.time_per_unit.is_finite() && o.time_per_unit > 0.0) {
        return Err(invalid(
            "time_per_unit",
            "finite and positive",
            o.time_per_unit,
        ));
    }
    if let Some(x) = o.x_max {
        if !(x.is_finite() && x > 0.0) {
            return Err(invalid("x_max", "finite and positive", x));
        }
    }
    if let Some(s) = o.x_step {
        if !(s.is_finite() && s > 0.0) {
            return Err(invalid("x_step", "finite and positive", s));
        }
    }
    if let Some((lo, hi)) = o.y_range {
        let top = if o.y_scale == YScale::CumulativeHazard {
            f64::MAX
        } else {
            1.0
        };
        if !(lo.is_finite() && (0.0..top).contains(&lo)) {
            return Err(invalid(
                "y_range lower",
                "finite, at least 0 and below the top of the scale",
                lo,
            ));
        }
        if !(hi.is_finite() && hi > lo && hi <= top) {
            return Err(invalid(
                "y_range upper",
                "finite, above the lower limit and at most 1 for probabilities",
                hi,
            ));
        }
    }
    if o.digits > 6 {
        return Err(invalid("digits", "at most 6", o.digits as f64));
    }
    Ok(())
}

/// A simultaneous band's row times, lower and upper bounds, and `t_U`.
type SimultaneousColumns = (Vec<f64>, Vec<f64>, Vec<f64>, f64);

/// One curve, ready to draw.
struct Curve {
    label: String,
    colour: &'static str,
    dash: String,
    time: Vec<f64>,
    surv: Vec<f64>,
    n_censor: Vec<f64>,
    bounds: Option<(Vec<f64>, Vec<f64>)>,
    /// A simultaneous band: its rows' times, lower, upper and `t_U`.
    simultaneous: Option<SimultaneousColumns>,
    median: Option<f64>,
    max_count: f64,
    whole_counts: bool,
}

/// A rectangle in local coordinates.
#[derive(Clone, Copy)]
struct Rect {
    x0: f64,
    x1: f64,
    y0: f64,
    y1: f64,
}

impl Rect {
    fn hits(&self, o: &Rect, margin: f64) -> bool {
        self.x0 - margin < o.x1
            && o.x0 < self.x1 + margin
            && self.y0 - margin < o.y1
            && o.y0 < self.y1 + margin
    }
}

/// The x ticks in display units and their step.
struct XTicks {
    ticks: Ticks,
    end: f64,
}

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

/// Geometry shared by the layout passes.
struct Geometry {
    fs: f64,
    asc: f64,
    desc: f64,
    line: f64,
    gap: f64,
}

impl Geometry {
    fn w(&self, text: &str) -> f64 {
        text_width_em(text) * self.fs
    }
}

/// One curve as the figure reads it: values on the survival scale (the
/// [`YScale`] maps them), counts per row, the band's bounds.
pub(crate) struct CurveInput {
    pub(crate) name: String,
    pub(crate) time: Vec<f64>,
    pub(crate) surv: Vec<f64>,
    pub(crate) lower: Vec<f64>,
    pub(crate) upper: Vec<f64>,
    pub(crate) n_risk: Vec<f64>,
    pub(crate) n_event: Vec<f64>,
    pub(crate) n_censor: Vec<f64>,
    pub(crate) median: Option<f64>,
}

pub(crate) fn draw(
    o: &KaplanMeierPlot,
    fit: &KaplanMeierFit,
    test: Option<&LogRankResult>,
) -> Result<KaplanMeierFigure> {
    let fits: Vec<CurveInput> = fit
        .curves()
        .iter()
        .map(|c| CurveInput {
            name: c.name().to_owned(),
            time: c.time().to_vec(),
            surv: c.survival().to_vec(),
            lower: c.lower().to_vec(),
            upper: c.upper().to_vec(),
            n_risk: c.n_risk().to_vec(),
            n_event: c.n_event().to_vec(),
            n_censor: c.n_censor().to_vec(),
            median: c.median().estimate(),
        })
        .collect();
    let p = test.map(|t| ("Log-rank", t.p_value()));
    draw_curves(
        o,
        &fits,
        fit.max_time(),
        p,
        "Kaplan-Meier figure",
        &|times| RiskTable::new(fit, times),
    )
}

/// Draws `fits` (the hook for curves that are not a [`KaplanMeierFit`], such
/// as cumulative incidence): `p` is a test's name and p-value, `doc_title` the
/// SVG's `<title>`, `table` the risk table at the tick times.
pub(crate) fn draw_curves(
    o: &KaplanMeierPlot,
    fits: &[CurveInput],
    max_time: f64,
    p: Option<(&str, f64)>,
    doc_title: &str,
    table: &dyn Fn(&[f64]) -> Result<RiskTable>,
) -> Result<KaplanMeierFigure> {
    validate(o)?;
    if fits.is_empty() {
        return Err(ErrorDetail::EmptyInput { what: "fit" }.into());
    }
    let n = fits.len();
    let labels: Vec<String> = match &o.labels {
        Some(l) if l.len() != n => {
            return Err(ErrorDetail::LengthMismatch {
                what: "labels",
                expected: n,
                actual: l.len(),
            }
            .into())
        }
        Some(l) => l.iter().map(|s| clean(s)).collect(),
        None if n == 1 && fits[0].name == "all" => vec!["All".to_owned()],
        None => fits.iter().map(|c| clean(&c.name)).collect(),
    };
    let fs = o.font_size_pt * MM_PER_PT;
    let g = Geometry {
        fs,
        asc: ASCENT_EM * fs,
        desc: DESCENT_EM * fs,
        line: 1.3 * fs,
        gap: 0.5 * fs,
    };
    let lw = o.line_width_pt * MM_PER_PT;
    let tpu = o.time_per_unit;
    let scale = o.y_scale;

    // Curves.
    let mut curves = Vec::with_capacity(n);
    for (i, (c, label)) in fits.iter().zip(&labels).enumerate() {
        let n_risk = &c.n_risk;
        let n_censor = c.n_censor.clone();
        let max_count = n_risk.iter().copied().fold(0.0, f64::max);
        let whole_counts = n_risk
            .iter()
            .chain(&n_censor)
            .chain(&c.n_event)
            .all(|x| x.fract() == 0.0);
        let dash = DASHES[i % DASHES.len()]
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(|s| num(s.parse::<f64>().expect("dash constants are numbers") * lw).to_string())
            .collect::<Vec<_>>()
            .join(" ");
        curves.push(Curve {
            label: label.clone(),
            colour: o.palette.colour(i, n),
            dash,
            time: c.time.clone(),
            surv: c.surv.clone(),
            n_censor,
            bounds: o.bands.then(|| (c.lower.clone(), c.upper.clone())),
            simultaneous: o
                .simultaneous
                .iter()
                .find(|b| b.curve() == c.name)
                .map(|b| {
                    let t = b.time().to_vec();
                    (t, b.lower().to_vec(), b.upper().to_vec(), b.range().1)
                }),
            median: if o.median_lines { c.median } else { None },
            max_count,
            whole_counts,
        });
    }

    // The y range.
    let percent = o.y_format == YFormat::Percent && scale != YScale::CumulativeHazard;
    let (y0, mut y1) = match (o.y_range, scale) {
        (Some(r), _) => r,
        (None, YScale::CumulativeHazard) => {
            let mut top = 0.0_f64;
            for c in &curves {
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
            (0.0, if top > 0.0 { top } else { 1.0 })
        }
        (None, _) => (0.0, 1.0),
    };
    let mut y_step = Step::at_most((y1 - y0) / 5.0);
    let y_ticks = |step: Step, y1: f64| ticks_in(y0, y1, step, percent);
    let fit_y_top = |step: Step, y1: f64| -> f64 {
        if o.y_range.is_none() && scale == YScale::CumulativeHazard {
            let k = (y1 / step.value() - 1e-9).ceil().max(1.0) as u64;
            step.tick(k)
        } else {
            y1
        }
    };
    while y_ticks(y_step, fit_y_top(y_step, y1)).values.len() > MAX_Y_TICKS {
        y_step = y_step.next();
    }

    // Texts whose widths shape the layout.
    let unit = o.unit.as_deref().map(clean);
    let x_title = o
        .x_label
        .as_deref()
        .map(clean)
        .unwrap_or_else(|| match &unit {
            Some(u) => format!("Time ({u})"),
            None => "Time".to_owned(),
        });
    let y_title = o.y_label.as_deref().map(clean).unwrap_or_else(|| {
        let base = match scale {
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
    let max_row_label = 0.3 * o.width_mm / fs;
    let table_labels: Vec<String> = match o.risk_table {
        RiskTableStyle::None => Vec::new(),
        RiskTableStyle::AtRisk => curves
            .iter()
            .map(|c| truncate_to(&c.label, max_row_label))
            .collect(),
        RiskTableStyle::KMunicate => vec!["At risk".into(), "Censored".into(), "Events".into()],
    };
    let indent = if o.risk_table == RiskTableStyle::KMunicate {
        fs
    } else {
        0.0
    };
    let row_label_w = table_labels.iter().map(|l| g.w(l)).fold(0.0, f64::max) + indent;
    let count_w = if o.risk_table == RiskTableStyle::None {
        0.0
    } else {
        curves
            .iter()
            .map(|c| g.w(&format_count(c.max_count)) + if c.whole_counts { 0.0 } else { g.w(".0") })
            .fold(0.0, f64::max)
    };
    let max_disp = {
        let m = max_time / tpu;
        if m.is_finite() && m > 0.0 {
            m
        } else {
            1.0
        }
    };

    // Horizontal layout and the x ticks, then the vertical layout, until the
    // y labels fit the plot's height.
    let (left, plot_w, xt, y_tick_set, y1_final) = loop {
        y1 = fit_y_top(y_step, y1);
        let yt = y_ticks(y_step, y1);
        let ylab_w = yt.labels.iter().map(|l| g.w(l)).fold(0.0, f64::max);
        let left_a = PAD + g.asc + g.desc + g.gap + ylab_w + 0.4 * fs + TICK;
        let left_b = if o.risk_table == RiskTableStyle::None {
            0.0
        } else {
            PAD + row_label_w + fs + count_w / 2.0
        };
        let mut chosen = None;
        let mut step = Step::at_most(o.x_max.unwrap_or(max_disp) / 8.0);
        for _ in 0..64 {
            let (ticks, end) = match o.x_step {
                Some(s) => {
                    let end = o.x_max.unwrap_or_else(|| {
                        let k = (max_disp / s - 1e-9).ceil().max(1.0);
                        k * s
                    });
                    match user_ticks(end, s) {
                        Some(t) => (t, end),
                        None => {
                            return Err(invalid("x_step", "at least a thousandth of the axis", s))
                        }
                    }
                }
                None => {
                    let end = o.x_max.unwrap_or_else(|| {
                        let k = (max_disp / step.value() - 1e-9).ceil().max(1.0) as u64;
                        step.tick(k)
                    });
                    (ticks_in(0.0, end, step, false), end)
                }
            };
            let lab_w = ticks.labels.iter().map(|l| g.w(l)).fold(0.0, f64::max);
            let first_w = ticks.labels.first().map_or(0.0, |l| g.w(l));
            let left = left_a.max(left_b).max(PAD + first_w / 2.0);
            let right = PAD + (lab_w.max(count_w) / 2.0).max(1.5);
            let plot_w = o.width_mm - left - right;
            if plot_w < MIN_PLOT {
                return Err(invalid(
                    "width_mm",
                    "wide enough for the labels and a 15 mm plot",
                    o.width_mm,
                ));
            }
            let spacing = if ticks.values.len() > 1 {
                (ticks.values[1] - ticks.values[0]) * plot_w / end
            } else {
                f64::INFINITY
            };
            let fits_labels = spacing >= lab_w.max(count_w) + g.gap;
            if o.x_step.is_some() {
                if !fits_labels {
                    return Err(invalid(
                        "x_step",
                        "wide enough for the tick labels and counts to fit",
                        o.x_step.unwrap_or(0.0),
                    ));
                }
                chosen = Some((left, plot_w, XTicks { ticks, end }));
                break;
            }
            if fits_labels && ticks.values.len() <= MAX_X_TICKS {
                chosen = Some((left, plot_w, XTicks { ticks, end }));
                break;
            }
            step = step.next();
        }
        let Some((left, plot_w, xt)) = chosen else {
            return Err(invalid(
                "width_mm",
                "wide enough for the x tick labels",
                o.width_mm,
            ));
        };
        // y labels need a line of height each.
        let plot_h_guess = o.height_mm.map_or(0.6 * plot_w, |_| f64::INFINITY);
        let spacing = y_step.value() * plot_h_guess / (y1 - y0);
        if spacing >= g.line || yt.values.len() <= 2 {
            break (left, plot_w, xt, yt, y1);
        }
        y_step = y_step.next();
    };
    let y1 = y1_final;

    // The risk table at the ticks.
    let tick_times: Vec<f64> = xt.ticks.values.iter().map(|v| v * tpu).collect();
    let risk_table = table(&tick_times)?;

    // Legend entries.
    let p_text = match p {
        Some((test, p)) => {
            let p = format_p_value(p, PValueStyle::Journal);
            Some(if p.starts_with('<') || p.starts_with('>') {
                format!("{test} P {p}")
            } else {
                format!("{test} P = {p}")
            })
        }
        None => None,
    };
    // (label, suffix): the label is shortened first, so the median stays.
    let entries: Vec<(String, String)> = curves
        .iter()
        .map(|c| {
            if o.median_lines {
                let m = c.median.map_or_else(
                    || "NR".to_owned(),
                    |m| match &unit {
                        Some(u) => format!("{:.*} {u}", o.digits, m / tpu),
                        None => format!("{:.*}", o.digits, m / tpu),
                    },
                );
                (c.label.clone(), format!(", median {m}"))
            } else {
                (c.label.clone(), String::new())
            }
        })
        .collect();
    let sample = 2.2 * fs;
    let sample_gap = 0.4 * fs;

    // Vertical layout.
    let full_w_em = (o.width_mm - 2.0 * PAD) / fs;
    let title = o
        .title
        .as_deref()
        .map(|t| truncate_to(&clean(t), full_w_em));
    let above_entries = |inside: bool| -> Vec<String> {
        if inside || o.legend == LegendPosition::Hidden {
            Vec::new()
        } else {
            entries
                .iter()
                .map(|e| fit_entry(e, full_w_em - (sample + sample_gap) / fs))
                .collect()
        }
    };
    let n_table_rows = match o.risk_table {
        RiskTableStyle::None => 0,
        RiskTableStyle::AtRisk => 1 + n,
        RiskTableStyle::KMunicate => 4 * n,
    };
    let below = TICK
        + 0.3 * fs
        + g.asc
        + g.line
        + if n_table_rows > 0 {
            0.4 * g.line + n_table_rows as f64 * g.line
        } else {
            0.0
        }
        + g.desc
        + PAD;
    let layout_v = |n_above: usize| -> Result<(f64, f64, f64)> {
        let top = PAD + title.as_ref().map_or(0.0, |_| g.line) + n_above as f64 * g.line + 0.6 * fs;
        let plot_h = match o.height_mm {
            Some(h) => h - top - below,
            None => 0.6 * plot_w,
        };
        if plot_h < MIN_PLOT {
            return Err(invalid(
                "height_mm",
                "high enough for the table and a 15 mm plot",
                o.height_mm.unwrap_or(0.0),
            ));
        }
        Ok((top, plot_h, top + plot_h + below))
    };

    // Legend placement inside the plot.
    let kx = plot_w / (xt.end * tpu);
    let inside_lines: Vec<String> = entries
        .iter()
        .map(|e| fit_entry(e, (plot_w - 3.0 - sample - sample_gap) / fs))
        .chain(p_text.clone())
        .collect();
    let legend_w = sample + sample_gap + inside_lines.iter().map(|l| g.w(l)).fold(0.0, f64::max);
    let legend_h = (inside_lines.len() as f64 - 1.0) * g.line + g.asc + g.desc;
    let mut corner = None;
    let (mut top, mut plot_h, mut height) = layout_v(0)?;
    if o.legend == LegendPosition::Auto {
        let ky = plot_h / (y1 - y0);
        let obstacles = obstacles(
            &curves,
            scale,
            kx,
            ky,
            y0,
            plot_w,
            plot_h,
            fs,
            o.median_lines,
        );
        let inset = 1.5;
        if legend_w + 2.0 * inset <= plot_w && legend_h + 2.0 * inset <= plot_h {
            let xs = [
                plot_w - inset - legend_w,
                inset,
                plot_w - inset - legend_w,
                inset,
            ];
            let ys = [
                plot_h - inset - legend_h,
                inset,
                inset,
                plot_h - inset - legend_h,
            ];
            for (x, y) in xs.into_iter().zip(ys) {
                let r = Rect {
                    x0: x,
                    x1: x + legend_w,
                    y0: y,
                    y1: y + legend_h,
                };
                if !obstacles.iter().any(|ob| ob.hits(&r, 0.5 + lw)) {
                    corner = Some(r);
                    break;
                }
            }
        }
    }
    let above = above_entries(corner.is_some());
    let p_above = if corner.is_none() {
        p_text.clone()
    } else {
        None
    };
    let n_above = above.len() + usize::from(p_above.is_some());
    if n_above > 0 {
        (top, plot_h, height) = layout_v(n_above)?;
    }
    let ky = plot_h / (y1 - y0);
    let bottom = top + plot_h;

    // Writing.
    let mut s =
        String::with_capacity(4096 + curves.iter().map(|c| c.time.len() * 60).sum::<usize>());
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}" font-size="{fs}" style="font-kerning:none">"#,
        w = num(o.width_mm),
        h = num(height),
        fs = num(fs)
    );
    let _ = writeln!(s, "<title>{}</title>", escape(doc_title));
    let _ = writeln!(
        s,
        r#"<defs><clipPath id="survkit-plot-area"><rect x="0" y="0" width="{}" height="{}"/></clipPath></defs>"#,
        num(plot_w),
        num(plot_h)
    );
    let _ = writeln!(
        s,
        r##"<rect x="0" y="0" width="{}" height="{}" fill="#FFFFFF"/>"##,
        num(o.width_mm),
        num(height)
    );
    let text =
        |s: &mut String, class: &str, x: f64, y: f64, anchor: &str, fill: &str, body: &str| {
            let fill = if fill == "#000000" {
                String::new()
            } else {
                format!(r#" fill="{fill}""#)
            };
            let _ = writeln!(
                s,
                r#"<text class="{class}" x="{}" y="{}" text-anchor="{anchor}"{fill}>{}</text>"#,
                num(x),
                num(y),
                escape(body)
            );
        };
    let mut y_line = PAD;
    if let Some(t) = &title {
        text(&mut s, "title", PAD, y_line + g.asc, "start", "#000000", t);
        y_line += g.line;
    }
    for (c, e) in curves.iter().zip(&above) {
        let base = y_line + g.asc;
        legend_sample(&mut s, c, PAD, base - (g.asc - g.desc) / 2.0, sample, lw);
        text(
            &mut s,
            "legend",
            PAD + sample + sample_gap,
            base,
            "start",
            "#000000",
            e,
        );
        y_line += g.line;
    }
    if let Some(p) = &p_above {
        text(
            &mut s,
            "p-value",
            PAD,
            y_line + g.asc,
            "start",
            "#000000",
            p,
        );
    }

    // The plot group.
    let _ = writeln!(
        s,
        r#"<g class="plot" transform="translate({} {}) scale(1 -1)">"#,
        num(left),
        num(bottom)
    );
    let _ = writeln!(s, r#"<g clip-path="url(#survkit-plot-area)">"#);
    let yv = |v: f64| -> f64 {
        if v.is_finite() {
            (v - y0) * ky
        } else {
            plot_h + 10.0 * lw
        }
    };
    // Median lines under everything.
    if o.median_lines {
        let level = yv(scale.of(0.5));
        let mut d = String::new();
        for c in &curves {
            if let Some(m) = c.median {
                let _ = write!(d, "M0 {}H{}V0", num(level), num(m * kx));
            }
        }
        if !d.is_empty() {
            let _ = writeln!(
                s,
                r##"<path class="median" d="{d}" fill="none" stroke="#666666" stroke-width="{}" stroke-dasharray="{} {}"/>"##,
                num(0.6 * lw),
                num(2.0 * lw),
                num(2.0 * lw)
            );
        }
    }
    for (i, c) in curves.iter().enumerate() {
        if let Some((lo, hi)) = &c.bounds {
            let end = *c.time.last().expect("a fitted curve has at least one row");
            let d = band_path(&c.time, lo, hi, end, scale, kx, &yv);
            if !d.is_empty() {
                let _ = writeln!(
                    s,
                    r#"<path class="band" data-curve="{i}" d="{d}" fill="{}" fill-opacity="0.2" stroke="none"/>"#,
                    c.colour
                );
            }
        }
        if let Some((t, lo, hi, end)) = &c.simultaneous {
            let d = band_path(t, lo, hi, *end, scale, kx, &yv);
            if !d.is_empty() {
                let _ = writeln!(
                    s,
                    r#"<path class="simultaneous-band" data-curve="{i}" d="{d}" fill="{}" fill-opacity="0.2" stroke="none"/>"#,
                    c.colour
                );
            }
        }
    }
    for (i, c) in curves.iter().enumerate() {
        let d = curve_path(c, scale, kx, &yv);
        let dash = if c.dash.is_empty() {
            String::new()
        } else {
            format!(r#" stroke-dasharray="{}""#, c.dash)
        };
        let _ = writeln!(
            s,
            r#"<path class="curve" data-curve="{i}" d="{d}" fill="none" stroke="{}" stroke-width="{}"{dash} stroke-linejoin="miter" stroke-linecap="butt"/>"#,
            c.colour,
            num(lw)
        );
        if o.censor_marks {
            let a = 0.25 * fs;
            let plus = format!(
                "m{} 0h{}m{} {}v{}",
                num(-a),
                num(2.0 * a),
                num(-a),
                num(-a),
                num(2.0 * a)
            );
            let mut d = String::new();
            for ((&t, &sv), &nc) in c.time.iter().zip(&c.surv).zip(&c.n_censor) {
                if nc > 0.0 {
                    let _ = write!(d, "M{} {}", num(t * kx), num(yv(scale.of(sv))));
                    d.push_str(&plus);
                }
            }
            if !d.is_empty() {
                let _ = writeln!(
                    s,
                    r#"<path class="censor" data-curve="{i}" d="{d}" fill="none" stroke="{}" stroke-width="{}"/>"#,
                    c.colour,
                    num(0.8 * lw)
                );
            }
        }
    }
    let _ = writeln!(s, "</g>");
    // Axes and ticks (local coordinates).
    let axis_w = num(0.5 * MM_PER_PT);
    let _ = writeln!(
        s,
        r##"<path class="axes" d="M0 {}V0H{}" fill="none" stroke="#000000" stroke-width="{axis_w}"/>"##,
        num(plot_h),
        num(plot_w)
    );
    if y0 > 0.0 {
        let _ = writeln!(
            s,
            r##"<path class="axis-break" d="M-1 0.8l2 0.9M-1 1.6l2 0.9" fill="none" stroke="#000000" stroke-width="{axis_w}"/>"##
        );
    }
    for &v in &xt.ticks.values {
        let x = num(v * tpu * kx);
        let _ = writeln!(
            s,
            r##"<line class="x-tick" data-value="{}" x1="{x}" y1="0" x2="{x}" y2="{}" stroke="#000000" stroke-width="{axis_w}"/>"##,
            num(v * tpu),
            num(-TICK)
        );
    }
    for &v in &y_tick_set.values {
        let y = num((v - y0) * ky);
        let _ = writeln!(
            s,
            r##"<line class="y-tick" data-value="{}" x1="0" y1="{y}" x2="{}" y2="{y}" stroke="#000000" stroke-width="{axis_w}"/>"##,
            num(v),
            num(-TICK)
        );
    }
    let _ = writeln!(s, "</g>");

    // Tick labels and axis titles (page coordinates).
    let mid = (g.asc - g.desc) / 2.0;
    for (v, l) in y_tick_set.values.iter().zip(&y_tick_set.labels) {
        text(
            &mut s,
            "y-label",
            left - TICK - 0.4 * fs,
            bottom - (v - y0) * ky + mid,
            "end",
            "#000000",
            l,
        );
    }
    let x_base = bottom + TICK + 0.3 * fs + g.asc;
    for (v, l) in xt.ticks.values.iter().zip(&xt.ticks.labels) {
        text(
            &mut s,
            "x-label",
            left + v * tpu * kx,
            x_base,
            "middle",
            "#000000",
            l,
        );
    }
    let xt_base = x_base + g.line;
    let x_title = truncate_to(&x_title, full_w_em);
    let x_center = (left + plot_w / 2.0)
        .max(PAD + g.w(&x_title) / 2.0)
        .min(o.width_mm - PAD - g.w(&x_title) / 2.0);
    text(
        &mut s, "x-title", x_center, xt_base, "middle", "#000000", &x_title,
    );
    let y_title = truncate_to(&y_title, plot_h / fs);
    let _ = writeln!(
        s,
        r#"<text class="y-title" transform="translate({} {}) rotate(-90)" text-anchor="middle">{}</text>"#,
        num(PAD + g.asc),
        num(top + plot_h / 2.0),
        escape(&y_title)
    );

    // Legend inside the plot.
    if let Some(r) = corner {
        let x = left + r.x0;
        let mut base = bottom - r.y1 + g.asc;
        for (k, l) in inside_lines.iter().enumerate() {
            if let Some(c) = curves.get(k) {
                legend_sample(&mut s, c, x, base - mid, sample, lw);
                text(
                    &mut s,
                    "legend",
                    x + sample + sample_gap,
                    base,
                    "start",
                    "#000000",
                    l,
                );
            } else {
                text(&mut s, "p-value", x, base, "start", "#000000", l);
            }
            base += g.line;
        }
    }

    // The risk table.
    if o.risk_table != RiskTableStyle::None {
        let mut base = xt_base + 1.4 * g.line;
        let counts = |s: &mut String, base: f64, i: usize, get: CountOf| {
            for r in risk_table.group_rows(i) {
                let _ = writeln!(
                    s,
                    r#"<text class="risk-count" data-time="{}" data-curve="{i}" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                    num(r.time()),
                    num(left + r.time() * kx),
                    num(base),
                    format_count(get(r))
                );
            }
        };
        match o.risk_table {
            RiskTableStyle::AtRisk => {
                text(
                    &mut s,
                    "table-title",
                    PAD,
                    base,
                    "start",
                    "#000000",
                    "Number at risk",
                );
                for (i, c) in curves.iter().enumerate() {
                    base += g.line;
                    text(
                        &mut s,
                        "table-label",
                        PAD,
                        base,
                        "start",
                        c.colour,
                        &table_labels[i],
                    );
                    counts(&mut s, base, i, |r| r.n_risk());
                }
            }
            RiskTableStyle::KMunicate => {
                base -= g.line;
                for (i, c) in curves.iter().enumerate() {
                    base += g.line;
                    text(
                        &mut s,
                        "table-heading",
                        PAD,
                        base,
                        "start",
                        c.colour,
                        &truncate_to(&c.label, full_w_em),
                    );
                    let rows: [(&str, CountOf); 3] = [
                        ("At risk", |r| r.n_risk()),
                        ("Censored", |r| r.censored()),
                        ("Events", |r| r.events()),
                    ];
                    for (name, get) in rows {
                        base += g.line;
                        text(
                            &mut s,
                            "table-label",
                            PAD + indent,
                            base,
                            "start",
                            "#000000",
                            name,
                        );
                        counts(&mut s, base, i, get);
                    }
                }
            }
            RiskTableStyle::None => {}
        }
    }
    let _ = writeln!(s, "</svg>");
    Ok(KaplanMeierFigure {
        svg: s,
        width_mm: o.width_mm,
        height_mm: height,
        risk_table,
    })
}

/// A legend entry at most `max_em` wide: the label shortened before the
/// suffix (the median), the whole shortened if the suffix alone is too wide.
fn fit_entry((label, suffix): &(String, String), max_em: f64) -> String {
    let room = max_em - text_width_em(suffix);
    if room >= text_width_em("\u{2026}") {
        format!("{}{suffix}", truncate_to(label, room))
    } else {
        truncate_to(&format!("{label}{suffix}"), max_em)
    }
}

fn legend_sample(s: &mut String, c: &Curve, x: f64, y: f64, len: f64, lw: f64) {
    let dash = if c.dash.is_empty() {
        String::new()
    } else {
        format!(r#" stroke-dasharray="{}""#, c.dash)
    };
    let _ = writeln!(
        s,
        r#"<path class="legend-line" d="M{} {}h{}" stroke="{}" stroke-width="{}"{dash}/>"#,
        num(x),
        num(y),
        num(len),
        c.colour,
        num(lw)
    );
}

/// The step curve: from `(0, f(1))`, a horizontal then a vertical segment at
/// every row where the estimate changes, then on to the last time.
fn curve_path(c: &Curve, scale: YScale, kx: f64, yv: &dyn Fn(f64) -> f64) -> String {
    let mut d = String::with_capacity(c.time.len() * 40);
    let _ = write!(d, "M0 {}", num(yv(scale.of(1.0))));
    let mut prev = 1.0;
    let mut at_end = false;
    for (&t, &sv) in c.time.iter().zip(&c.surv) {
        at_end = false;
        if sv != prev {
            let _ = write!(d, "H{}V{}", num(t * kx), num(yv(scale.of(sv))));
            prev = sv;
            at_end = true;
        }
    }
    if !at_end {
        let end = *c.time.last().expect("a fitted curve has at least one row");
        let _ = write!(d, "H{}", num(end * kx));
    }
    d
}

/// The band: for every run of rows with both bounds defined, the upper step
/// forward, the lower step back, closed; the last row's step ends at `end`.
// `j` indexes the times and, through `pair`, both bounds.
#[allow(clippy::needless_range_loop)]
fn band_path(
    time: &[f64],
    lo: &[f64],
    hi: &[f64],
    end: f64,
    scale: YScale,
    kx: f64,
    yv: &dyn Fn(f64) -> f64,
) -> String {
    let n = time.len().min(lo.len()).min(hi.len());
    let ok = |i: usize| lo[i].is_finite() && hi[i].is_finite();
    // Plotted bounds, ordered (the map may reverse them).
    let pair = |i: usize| {
        let (a, b) = (scale.of(lo[i]), scale.of(hi[i]));
        if a <= b {
            (a, b)
        } else {
            (b, a)
        }
    };
    let mut d = String::new();
    let mut i = 0;
    while i < n {
        if !ok(i) {
            i += 1;
            continue;
        }
        let a = i;
        while i + 1 < n && ok(i + 1) {
            i += 1;
        }
        let b = i;
        let end = if b + 1 < n { time[b + 1] } else { end };
        let _ = write!(d, "M{} {}", num(time[a] * kx), num(yv(pair(a).1)));
        for j in a + 1..=b {
            if pair(j).1 != pair(j - 1).1 {
                let _ = write!(d, "H{}V{}", num(time[j] * kx), num(yv(pair(j).1)));
            }
        }
        let _ = write!(d, "H{}V{}", num(end * kx), num(yv(pair(b).0)));
        for j in (a + 1..=b).rev() {
            if pair(j).0 != pair(j - 1).0 {
                let _ = write!(d, "H{}V{}", num(time[j] * kx), num(yv(pair(j - 1).0)));
            }
        }
        let _ = write!(d, "H{}Z", num(time[a] * kx));
        i += 1;
    }
    d
}

/// What a legend inside the plot must not cover, in local coordinates.
#[allow(clippy::too_many_arguments)]
fn obstacles(
    curves: &[Curve],
    scale: YScale,
    kx: f64,
    ky: f64,
    y0: f64,
    plot_w: f64,
    plot_h: f64,
    fs: f64,
    medians: bool,
) -> Vec<Rect> {
    let yv = |v: f64| {
        if v.is_finite() {
            ((v - y0) * ky).clamp(-1.0, plot_h + 1.0)
        } else {
            plot_h + 1.0
        }
    };
    let xv = |t: f64| (t * kx).min(plot_w + 1.0);
    let mut out = Vec::new();
    let seg = |out: &mut Vec<Rect>, xa: f64, xb: f64, ya: f64, yb: f64| {
        out.push(Rect {
            x0: xa.min(xb),
            x1: xa.max(xb),
            y0: ya.min(yb),
            y1: ya.max(yb),
        });
    };
    for c in curves {
        let mut x_prev = 0.0;
        let mut y_prev = yv(scale.of(1.0));
        for ((&t, &sv), &nc) in c.time.iter().zip(&c.surv).zip(&c.n_censor) {
            let (x, y) = (xv(t), yv(scale.of(sv)));
            seg(&mut out, x_prev, x, y_prev, y_prev);
            seg(&mut out, x, x, y_prev, y);
            if nc > 0.0 {
                let a = 0.25 * fs;
                seg(&mut out, x - a, x + a, y - a, y + a);
            }
            (x_prev, y_prev) = (x, y);
        }
        if let Some((lo, hi)) = &c.bounds {
            for i in 0..c.time.len().min(lo.len()).min(hi.len()) {
                if lo[i].is_finite() && hi[i].is_finite() {
                    let end = c.time.get(i + 1).copied().unwrap_or(c.time[i]);
                    seg(
                        &mut out,
                        xv(c.time[i]),
                        xv(end),
                        yv(scale.of(lo[i])),
                        yv(scale.of(hi[i])),
                    );
                }
            }
        }
        if medians {
            if let Some(m) = c.median {
                let level = yv(scale.of(0.5));
                seg(&mut out, 0.0, xv(m), level, level);
                seg(&mut out, xv(m), xv(m), 0.0, level);
            }
        }
    }
    out
}
