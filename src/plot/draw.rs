//! Layout and SVG writing of a Kaplan-Meier figure: [`draw_curves`] checks
//! the options, measures the texts, lays out the page and writes it.
//!
//! All lengths are millimetres (the SVG user unit). The plot area has its own
//! coordinates ("local"): origin at the bottom-left corner, y up, `x = t × kx`
//! and `y = (v − y0) × ky`; the page places it with `translate(left, bottom)
//! scale(1, −1)`.
//!
//! One concern per module: [`options`] (checks), [`layout`] (text metrics,
//! margins, the page), [`axes`] (range, ticks, titles), [`curves`] (what is
//! drawn in the plot area), [`legend`] and [`placement`] (the legend and the
//! corner it goes in), [`table`] (numbers at risk) and [`svg`] (primitives);
//! every number they write goes through [`num`].

mod axes;
mod curves;
mod layout;
mod legend;
mod options;
mod placement;
mod svg;
mod table;

use std::fmt::Write as _;

use self::axes::{Titles, YAxis};
use self::curves::Curve;
use self::layout::{Across, Down, Geometry, Page, ToLocal, MM_PER_PT};
use self::legend::Legend;
use self::placement::{Area, Rect};
use self::table::Columns;
use super::text::{clean, truncate_to};
use super::{KaplanMeierFigure, KaplanMeierPlot, RiskTable};
use crate::{ErrorDetail, KaplanMeierFit, LogRankResult, Result};

/// One curve as the figure reads it: values on the survival scale (the
/// [`YScale`](super::YScale) maps them), counts per row, the band's bounds.
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

/// Draws the curves of `fit`, with the log-rank P of `test` in the legend.
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
    options::validate(o)?;
    if fits.is_empty() {
        return Err(ErrorDetail::EmptyInput { what: "fit" }.into());
    }
    let labels = labels(o, fits)?;
    let g = Geometry::new(o.font_size_pt * MM_PER_PT);
    let curves = curves::prepare(o, fits, &labels, o.line_width_pt * MM_PER_PT);
    let mut y = YAxis::new(o, &curves);
    let unit = o.unit.as_deref().map(clean);
    let titles = Titles::new(o, unit.as_deref(), y.percent());
    let columns = Columns::new(o, &curves, &g);
    let across = layout::across(o, &g, &mut y, &columns, max_time)?;
    let tpu = o.time_per_unit;
    let tick_times: Vec<f64> = across
        .x_ticks
        .ticks
        .values
        .iter()
        .map(|v| v * tpu)
        .collect();
    let risk_table = table(&tick_times)?;
    let legend = Legend::new(o, &curves, unit.as_deref(), p, g.fs);
    let down = Down::new(o, &g, columns.n_rows, across.plot_w);
    let title = o
        .title
        .as_deref()
        .map(|t| truncate_to(&clean(t), down.full_w_em));
    let (page, inside, heading) = lay_out(o, g, &curves, &y, across, &down, &legend)?;
    let mut s =
        String::with_capacity(4096 + curves.iter().map(|c| c.time.len() * 60).sum::<usize>());
    svg::open(&mut s, &page, doc_title);
    legend::write_heading(&mut s, &page, &legend, &curves, title.as_deref(), &heading);
    write_plot(&mut s, o, &page, &curves);
    axes::write_labels(&mut s, &page, &titles);
    if let Some((corner, lines)) = &inside {
        legend::write_inside(&mut s, &page, &legend, &curves, corner, lines);
    }
    table::write(&mut s, o, &page, &columns, &curves, &risk_table);
    let _ = writeln!(s, "</svg>");
    Ok(KaplanMeierFigure {
        svg: s,
        width_mm: o.width_mm,
        height_mm: page.height,
        risk_table,
    })
}

/// The curves' labels: the user's (one per curve), "All" for the one curve
/// of unstratified data, or the curves' names.
fn labels(o: &KaplanMeierPlot, fits: &[CurveInput]) -> Result<Vec<String>> {
    let n = fits.len();
    Ok(match &o.labels {
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
    })
}

/// A legend inside the plot: its corner and its lines.
type Inside = (Rect, Vec<String>);

/// The lines above the plot: legend entries and the p-value.
type Heading = (Vec<String>, Option<String>);

/// The page once the legend has its place: inside the plot, in the first
/// corner where it covers nothing (legend [`Auto`](super::LegendPosition)),
/// or above it, which lowers the plot (at a fixed height, shrinks it).
fn lay_out(
    o: &KaplanMeierPlot,
    g: Geometry,
    curves: &[Curve],
    y: &YAxis,
    across: Across,
    down: &Down,
    legend: &Legend,
) -> Result<(Page, Option<Inside>, Heading)> {
    let Across {
        left,
        plot_w,
        x_ticks,
        y_ticks,
    } = across;
    let tpu = o.time_per_unit;
    let t_end = x_ticks.end * tpu;
    let local = |plot_h| ToLocal::new(o.y_scale, plot_w, t_end, plot_h, (y.y0, y.y1));
    let lw = o.line_width_pt * MM_PER_PT;
    let (mut top, mut plot_h, mut height) = down.at(0)?;
    let mut inside = None;
    if o.legend == super::LegendPosition::Auto {
        let lines = legend.inside_lines(plot_w, g.fs);
        let area = Area {
            to: local(plot_h),
            plot_w,
            plot_h,
        };
        let size = legend.inside_size(&lines, &g);
        inside = placement::corner(curves, &area, g.fs, size, lw).map(|r| (r, lines));
    }
    let full_w_em = down.full_w_em;
    let heading = legend.above(o, inside.is_some(), full_w_em, g.fs);
    let n_above = heading.0.len() + usize::from(heading.1.is_some());
    if n_above > 0 {
        (top, plot_h, height) = down.at(n_above)?;
    }
    let page = Page {
        g,
        lw,
        width: o.width_mm,
        height,
        left,
        top,
        bottom: top + plot_h,
        plot_w,
        plot_h,
        local: local(plot_h),
        tpu,
        full_w_em,
        x_ticks,
        y_ticks,
    };
    Ok((page, inside, heading))
}

/// The plot area's group: the curves clipped to the area, then the axes and
/// ticks, in local coordinates.
fn write_plot(s: &mut String, o: &KaplanMeierPlot, page: &Page, curves: &[Curve]) {
    let _ = writeln!(
        s,
        r#"<g class="plot" transform="translate({} {}) scale(1 -1)">"#,
        num(page.left),
        num(page.bottom)
    );
    let _ = writeln!(s, r#"<g clip-path="url(#survkit-plot-area)">"#);
    curves::write(s, o, curves, page);
    let _ = writeln!(s, "</g>");
    axes::write_lines(s, page);
    let _ = writeln!(s, "</g>");
}

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
