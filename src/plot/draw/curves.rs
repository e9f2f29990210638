//! The curves: each fitted curve made ready to draw (label, colour, dash,
//! bands), and inside the plot area its median lines, confidence bands, step
//! path and censor marks.

use std::fmt::Write as _;

use super::layout::{Page, ToLocal};
use super::num;
use super::CurveInput;
use crate::plot::{KaplanMeierPlot, DASHES};

/// A simultaneous band's row times, lower and upper bounds, and `t_U`.
type SimultaneousColumns = (Vec<f64>, Vec<f64>, Vec<f64>, f64);

/// One curve, ready to draw.
pub(super) struct Curve {
    pub(super) label: String,
    pub(super) colour: &'static str,
    /// The SVG dash array (empty for a solid line).
    dash: String,
    pub(super) time: Vec<f64>,
    pub(super) surv: Vec<f64>,
    pub(super) n_censor: Vec<f64>,
    pub(super) bounds: Option<(Vec<f64>, Vec<f64>)>,
    /// A simultaneous band: its rows' times, lower, upper and `t_U`.
    simultaneous: Option<SimultaneousColumns>,
    /// The median, `Some` only when median lines are drawn.
    pub(super) median: Option<f64>,
    /// The largest number at risk.
    pub(super) max_count: f64,
    /// Whether every count is a whole number.
    pub(super) whole_counts: bool,
}

impl Curve {
    /// The `stroke-dasharray` attribute with its leading space, or nothing.
    pub(super) fn dash_attr(&self) -> String {
        if self.dash.is_empty() {
            String::new()
        } else {
            format!(r#" stroke-dasharray="{}""#, self.dash)
        }
    }
}

/// The curves of `fits` with their `labels`, the `i`-th in the palette's
/// `i`-th colour and dash scaled to the line width `lw`.
pub(super) fn prepare(
    o: &KaplanMeierPlot,
    fits: &[CurveInput],
    labels: &[String],
    lw: f64,
) -> Vec<Curve> {
    let n = fits.len();
    let mut curves = Vec::with_capacity(n);
    for (i, (c, label)) in fits.iter().zip(labels).enumerate() {
        let n_risk = &c.n_risk;
        let n_censor = c.n_censor.clone();
        let max_count = n_risk.iter().copied().fold(0.0, f64::max);
        let whole_counts = n_risk
            .iter()
            .chain(&n_censor)
            .chain(&c.n_event)
            .all(|x| x.fract() == 0.0);
        curves.push(Curve {
            label: label.clone(),
            colour: o.palette.colour(i, n),
            dash: dash(i, lw),
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
    curves
}

/// The `i`-th dash pattern in multiples of the line width `lw`.
fn dash(i: usize, lw: f64) -> String {
    DASHES[i % DASHES.len()]
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(|s| num(s.parse::<f64>().expect("dash constants are numbers") * lw).to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Local coordinates for the clipped plot area: a value off the scale (an
/// infinite hazard) is drawn above the area, where the clip path cuts it.
struct Local {
    to: ToLocal,
    off_scale: f64,
}

impl Local {
    fn x(&self, t: f64) -> f64 {
        self.to.x(t)
    }

    /// The height of a plotted value.
    fn plotted(&self, v: f64) -> f64 {
        if v.is_finite() {
            self.to.y(v)
        } else {
            self.off_scale
        }
    }

    /// The height of a survival probability.
    fn y(&self, s: f64) -> f64 {
        self.plotted(self.to.of(s))
    }
}

/// Everything drawn inside the plot area's clip path, in local
/// coordinates: median lines under the bands, under the curves and their
/// censor marks.
pub(super) fn write(s: &mut String, o: &KaplanMeierPlot, curves: &[Curve], page: &Page) {
    let map = Local {
        to: page.local,
        off_scale: page.plot_h + 10.0 * page.lw,
    };
    let lw = page.lw;
    if o.median_lines {
        write_medians(s, curves, &map, lw);
    }
    for (i, c) in curves.iter().enumerate() {
        write_bands(s, i, c, &map);
    }
    for (i, c) in curves.iter().enumerate() {
        let d = curve_path(c, &map);
        let _ = writeln!(
            s,
            r#"<path class="curve" data-curve="{i}" d="{d}" fill="none" stroke="{}" stroke-width="{}"{} stroke-linejoin="miter" stroke-linecap="butt"/>"#,
            c.colour,
            num(lw),
            c.dash_attr()
        );
        if o.censor_marks {
            write_censor_marks(s, i, c, &map, page.g.fs, lw);
        }
    }
}

/// A dashed grey line from the y axis at 0.5 to each median, then down.
fn write_medians(s: &mut String, curves: &[Curve], map: &Local, lw: f64) {
    let level = map.y(0.5);
    let mut d = String::new();
    for c in curves {
        if let Some(m) = c.median {
            let _ = write!(d, "M0 {}H{}V0", num(level), num(map.x(m)));
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

/// The `i`-th curve's pointwise band, then its simultaneous band.
fn write_bands(s: &mut String, i: usize, c: &Curve, map: &Local) {
    if let Some((lo, hi)) = &c.bounds {
        let end = *c.time.last().expect("a fitted curve has at least one row");
        write_band(s, "band", i, c, band_path(&c.time, lo, hi, end, map));
    }
    if let Some((t, lo, hi, end)) = &c.simultaneous {
        let d = band_path(t, lo, hi, *end, map);
        write_band(s, "simultaneous-band", i, c, d);
    }
}

fn write_band(s: &mut String, class: &str, i: usize, c: &Curve, d: String) {
    if !d.is_empty() {
        let _ = writeln!(
            s,
            r#"<path class="{class}" data-curve="{i}" d="{d}" fill="{}" fill-opacity="0.2" stroke="none"/>"#,
            c.colour
        );
    }
}

/// Half the width of a censor mark's plus for the font size `fs`.
pub(super) fn censor_arm(fs: f64) -> f64 {
    0.25 * fs
}

/// A plus at every row with censored observations, on the curve.
fn write_censor_marks(s: &mut String, i: usize, c: &Curve, map: &Local, fs: f64, lw: f64) {
    let a = censor_arm(fs);
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
            let _ = write!(d, "M{} {}", num(map.x(t)), num(map.y(sv)));
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

/// The step curve: from `(0, f(1))`, a horizontal then a vertical segment at
/// every row where the estimate changes, then on to the last time.
fn curve_path(c: &Curve, map: &Local) -> String {
    let mut d = String::with_capacity(c.time.len() * 40);
    let _ = write!(d, "M0 {}", num(map.y(1.0)));
    let mut prev = 1.0;
    let mut at_end = false;
    for (&t, &sv) in c.time.iter().zip(&c.surv) {
        at_end = false;
        if sv != prev {
            let _ = write!(d, "H{}V{}", num(map.x(t)), num(map.y(sv)));
            prev = sv;
            at_end = true;
        }
    }
    if !at_end {
        let end = *c.time.last().expect("a fitted curve has at least one row");
        let _ = write!(d, "H{}", num(map.x(end)));
    }
    d
}

/// The band: for every run of rows with both bounds defined, the upper step
/// forward, the lower step back, closed; the last row's step ends at `end`.
// `j` indexes the times and, through `pair`, both bounds.
#[allow(clippy::needless_range_loop)]
fn band_path(time: &[f64], lo: &[f64], hi: &[f64], end: f64, map: &Local) -> String {
    let n = time.len().min(lo.len()).min(hi.len());
    let ok = |i: usize| lo[i].is_finite() && hi[i].is_finite();
    // Plotted bounds, ordered (the map may reverse them).
    let pair = |i: usize| {
        let (a, b) = (map.to.of(lo[i]), map.to.of(hi[i]));
        if a <= b {
            (a, b)
        } else {
            (b, a)
        }
    };
    let (x, y) = (|t: f64| num(map.x(t)), |v: f64| num(map.plotted(v)));
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
        let _ = write!(d, "M{} {}", x(time[a]), y(pair(a).1));
        for j in a + 1..=b {
            if pair(j).1 != pair(j - 1).1 {
                let _ = write!(d, "H{}V{}", x(time[j]), y(pair(j).1));
            }
        }
        let _ = write!(d, "H{}V{}", x(end), y(pair(b).0));
        for j in (a + 1..=b).rev() {
            if pair(j).0 != pair(j - 1).0 {
                let _ = write!(d, "H{}V{}", x(time[j]), y(pair(j - 1).0));
            }
        }
        let _ = write!(d, "H{}Z", x(time[a]));
        i += 1;
    }
    d
}
