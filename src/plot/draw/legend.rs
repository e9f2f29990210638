//! The legend: one entry per curve (its line sample, label and median) and
//! the test's p-value, written inside the plot where it covers nothing or
//! above the plot under the title.

use std::fmt::Write as _;

use super::curves::Curve;
use super::layout::{Geometry, Page, PAD};
use super::num;
use super::placement::Rect;
use super::svg::{text, BLACK};
use crate::plot::text::{text_width_em, truncate_to};
use crate::plot::{KaplanMeierPlot, LegendPosition};
use crate::{format_p_value, PValueStyle};

/// The legend's texts and its line sample's size.
pub(super) struct Legend {
    /// Per curve (label, suffix): the label is shortened first, so the
    /// median stays.
    entries: Vec<(String, String)>,
    /// The test's name and p-value.
    p_text: Option<String>,
    /// Length of a line sample.
    pub(super) sample: f64,
    /// Space between a line sample and its label.
    pub(super) sample_gap: f64,
}

impl Legend {
    /// The entries of `curves`, with the median in `unit` when median
    /// lines are drawn, and the p-value `p` of the named test.
    pub(super) fn new(
        o: &KaplanMeierPlot,
        curves: &[Curve],
        unit: Option<&str>,
        p: Option<(&str, f64)>,
        fs: f64,
    ) -> Self {
        let p_text = p.map(|(test, p)| {
            let p = format_p_value(p, PValueStyle::Journal);
            if p.starts_with('<') || p.starts_with('>') {
                format!("{test} P {p}")
            } else {
                format!("{test} P = {p}")
            }
        });
        let tpu = o.time_per_unit;
        let entries = curves
            .iter()
            .map(|c| {
                if o.median_lines {
                    let m = c.median.map_or_else(
                        || "NR".to_owned(),
                        |m| match unit {
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
        Legend {
            entries,
            p_text,
            sample: 2.2 * fs,
            sample_gap: 0.4 * fs,
        }
    }

    /// The lines of a legend inside a plot `plot_w` wide: the entries, then
    /// the p-value.
    pub(super) fn inside_lines(&self, plot_w: f64, fs: f64) -> Vec<String> {
        self.entries
            .iter()
            .map(|e| fit_entry(e, (plot_w - 3.0 - self.sample - self.sample_gap) / fs))
            .chain(self.p_text.clone())
            .collect()
    }

    /// The width and height of the legend of `lines` inside the plot.
    pub(super) fn inside_size(&self, lines: &[String], g: &Geometry) -> (f64, f64) {
        let w = self.sample + self.sample_gap + g.widest(lines);
        let h = (lines.len() as f64 - 1.0) * g.line + g.asc + g.desc;
        (w, h)
    }

    /// The entries and the p-value above the plot: none of them when the
    /// legend is `inside` the plot, no entries when it is hidden.
    pub(super) fn above(
        &self,
        o: &KaplanMeierPlot,
        inside: bool,
        full_w_em: f64,
        fs: f64,
    ) -> (Vec<String>, Option<String>) {
        let entries = if inside || o.legend == LegendPosition::Hidden {
            Vec::new()
        } else {
            let max_em = full_w_em - (self.sample + self.sample_gap) / fs;
            self.entries.iter().map(|e| fit_entry(e, max_em)).collect()
        };
        let p = if inside { None } else { self.p_text.clone() };
        (entries, p)
    }
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

/// The lines above the plot, on the page: the title, the legend entries
/// (`above`) and the p-value.
pub(super) fn write_heading(
    s: &mut String,
    page: &Page,
    legend: &Legend,
    curves: &[Curve],
    title: Option<&str>,
    (above, p_above): &(Vec<String>, Option<String>),
) {
    let g = &page.g;
    let mut y_line = PAD;
    if let Some(t) = title {
        text(s, "title", PAD, y_line + g.asc, "start", BLACK, t);
        y_line += g.line;
    }
    for (c, e) in curves.iter().zip(above) {
        let base = y_line + g.asc;
        let x = PAD + legend.sample + legend.sample_gap;
        sample(
            s,
            c,
            PAD,
            base - (g.asc - g.desc) / 2.0,
            legend.sample,
            page.lw,
        );
        text(s, "legend", x, base, "start", BLACK, e);
        y_line += g.line;
    }
    if let Some(p) = p_above {
        text(s, "p-value", PAD, y_line + g.asc, "start", BLACK, p);
    }
}

/// The legend of `lines` inside the plot at `corner` (local coordinates),
/// written on the page.
pub(super) fn write_inside(
    s: &mut String,
    page: &Page,
    legend: &Legend,
    curves: &[Curve],
    corner: &Rect,
    lines: &[String],
) {
    let g = &page.g;
    let mid = (g.asc - g.desc) / 2.0;
    let x = page.left + corner.x0;
    let mut base = page.bottom - corner.y1 + g.asc;
    for (k, l) in lines.iter().enumerate() {
        if let Some(c) = curves.get(k) {
            sample(s, c, x, base - mid, legend.sample, page.lw);
            let x = x + legend.sample + legend.sample_gap;
            text(s, "legend", x, base, "start", BLACK, l);
        } else {
            text(s, "p-value", x, base, "start", BLACK, l);
        }
        base += g.line;
    }
}

/// A curve's line sample `len` long from `(x, y)`.
fn sample(s: &mut String, c: &Curve, x: f64, y: f64, len: f64, lw: f64) {
    let _ = writeln!(
        s,
        r#"<path class="legend-line" d="M{} {}h{}" stroke="{}" stroke-width="{}"{}/>"#,
        num(x),
        num(y),
        num(len),
        c.colour,
        num(lw),
        c.dash_attr()
    );
}
