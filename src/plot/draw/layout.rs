//! The page's geometry: the text metrics in millimetres, the left margin and
//! plot width found together with the axes' ticks, the heights above, of and
//! below the plot area, and the [`Page`] they make.

use super::axes::{x_ticks_at, XTicks, YAxis, MAX_X_TICKS};
use super::options::invalid;
use super::table::Columns;
use crate::plot::text::{text_width_em, ASCENT_EM, DESCENT_EM};
use crate::plot::ticks::{Step, Ticks};
use crate::plot::{KaplanMeierPlot, YScale};
use crate::Result;

/// Millimetres per point.
pub(super) const MM_PER_PT: f64 = 25.4 / 72.0;
/// Margin around the figure, mm.
pub(super) const PAD: f64 = 1.0;
/// Length of the tick marks, mm.
pub(super) const TICK: f64 = 1.0;
/// Smallest plot area side, mm.
const MIN_PLOT: f64 = 15.0;

/// Text metrics in millimetres at the figure's font size.
pub(super) struct Geometry {
    /// The font size.
    pub(super) fs: f64,
    /// Ascent above the baseline.
    pub(super) asc: f64,
    /// Descent below the baseline.
    pub(super) desc: f64,
    /// Distance between baselines.
    pub(super) line: f64,
    /// Least space between two labels.
    pub(super) gap: f64,
}

impl Geometry {
    /// The metrics of a `fs` millimetre font.
    pub(super) fn new(fs: f64) -> Self {
        Geometry {
            fs,
            asc: ASCENT_EM * fs,
            desc: DESCENT_EM * fs,
            line: 1.3 * fs,
            gap: 0.5 * fs,
        }
    }

    /// The width of `text`.
    pub(super) fn w(&self, text: &str) -> f64 {
        text_width_em(text) * self.fs
    }

    /// The widest of `texts` (0 for none).
    pub(super) fn widest<'a>(&self, texts: impl IntoIterator<Item = &'a String>) -> f64 {
        texts.into_iter().map(|l| self.w(l)).fold(0.0, f64::max)
    }
}

/// Data to the plot area's own coordinates ("local"): origin at its
/// bottom-left corner, y up, a time `t` at `x = t × kx`, a plotted value `v`
/// at `y = (v − y0) × ky`.
#[derive(Clone, Copy)]
pub(super) struct ToLocal {
    /// What the y axis shows.
    scale: YScale,
    /// Millimetres per unit of time (not of display time).
    kx: f64,
    /// Millimetres per unit of the y scale.
    ky: f64,
    /// The y value at the bottom of the plot area.
    y0: f64,
}

impl ToLocal {
    /// The map of a plot area `plot_w` by `plot_h` showing times up to
    /// `t_end` and the y range `(y0, y1)` of `scale`.
    pub(super) fn new(
        scale: YScale,
        plot_w: f64,
        t_end: f64,
        plot_h: f64,
        (y0, y1): (f64, f64),
    ) -> Self {
        ToLocal {
            scale,
            kx: plot_w / t_end,
            ky: plot_h / (y1 - y0),
            y0,
        }
    }

    /// The plotted value of a survival probability.
    pub(super) fn of(&self, s: f64) -> f64 {
        self.scale.of(s)
    }

    /// The y value at the bottom of the plot area.
    pub(super) fn y0(&self) -> f64 {
        self.y0
    }

    /// The x of a time.
    pub(super) fn x(&self, t: f64) -> f64 {
        t * self.kx
    }

    /// The y of a (finite) plotted value.
    pub(super) fn y(&self, v: f64) -> f64 {
        (v - self.y0) * self.ky
    }
}

/// The page as laid out; the page places the plot area's local coordinates
/// at `(left, bottom)`.
pub(super) struct Page {
    pub(super) g: Geometry,
    /// Curve line width.
    pub(super) lw: f64,
    pub(super) width: f64,
    pub(super) height: f64,
    /// Left edge of the plot area.
    pub(super) left: f64,
    /// Top edge of the plot area.
    pub(super) top: f64,
    /// Bottom edge of the plot area.
    pub(super) bottom: f64,
    pub(super) plot_w: f64,
    pub(super) plot_h: f64,
    pub(super) local: ToLocal,
    /// Time per display unit of the x axis.
    pub(super) tpu: f64,
    /// The page's width between the margins, in em.
    pub(super) full_w_em: f64,
    pub(super) x_ticks: XTicks,
    pub(super) y_ticks: Ticks,
}

impl Page {
    /// The baseline of the x tick labels.
    pub(super) fn x_label_base(&self) -> f64 {
        self.bottom + TICK + 0.3 * self.g.fs + self.g.asc
    }

    /// The baseline of the x axis title.
    pub(super) fn x_title_base(&self) -> f64 {
        self.x_label_base() + self.g.line
    }
}

/// The horizontal layout and the ticks of both axes.
pub(super) struct Across {
    pub(super) left: f64,
    pub(super) plot_w: f64,
    pub(super) x_ticks: XTicks,
    pub(super) y_ticks: Ticks,
}

/// The horizontal layout and the x ticks, then the y ticks, until the y
/// labels fit the plot's height: the y labels' width moves the plot's left
/// edge, which changes the room for the x labels, which sets the width and
/// so (without a fixed height) the height.
pub(super) fn across(
    o: &KaplanMeierPlot,
    g: &Geometry,
    y: &mut YAxis,
    columns: &Columns,
    max_time: f64,
) -> Result<Across> {
    let max_disp = {
        let m = max_time / o.time_per_unit;
        if m.is_finite() && m > 0.0 {
            m
        } else {
            1.0
        }
    };
    loop {
        y.y1 = y.top();
        let yt = y.ticks_to(y.y1);
        let ylab_w = g.widest(&yt.labels);
        let left_a = PAD + g.asc + g.desc + g.gap + ylab_w + 0.4 * g.fs + TICK;
        let left_b = columns.left_margin(o, g);
        let (left, plot_w, x_ticks) =
            fit_x_axis(o, g, left_a.max(left_b), max_disp, columns.count_w)?;
        // y labels need a line of height each.
        let plot_h_guess = o.height_mm.map_or(0.6 * plot_w, |_| f64::INFINITY);
        let spacing = y.step.value() * plot_h_guess / (y.y1 - y.y0);
        if spacing >= g.line || yt.values.len() <= 2 {
            return Ok(Across {
                left,
                plot_w,
                x_ticks,
                y_ticks: yt,
            });
        }
        y.step = y.step.next();
    }
}

/// The x ticks (larger steps until their labels and the table's counts fit
/// between them, or the user's step) with the plot's left edge and width.
fn fit_x_axis(
    o: &KaplanMeierPlot,
    g: &Geometry,
    left_min: f64,
    max_disp: f64,
    count_w: f64,
) -> Result<(f64, f64, XTicks)> {
    let mut step = Step::at_most(o.x_max.unwrap_or(max_disp) / 8.0);
    for _ in 0..64 {
        let xt = x_ticks_at(o, step, max_disp)?;
        let ticks = &xt.ticks;
        let lab_w = g.widest(&ticks.labels);
        let first_w = ticks.labels.first().map_or(0.0, |l| g.w(l));
        let left = left_min.max(PAD + first_w / 2.0);
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
            (ticks.values[1] - ticks.values[0]) * plot_w / xt.end
        } else {
            f64::INFINITY
        };
        let fits_labels = spacing >= lab_w.max(count_w) + g.gap;
        if let Some(s) = o.x_step {
            if !fits_labels {
                return Err(invalid(
                    "x_step",
                    "wide enough for the tick labels and counts to fit",
                    s,
                ));
            }
            return Ok((left, plot_w, xt));
        }
        if fits_labels && ticks.values.len() <= MAX_X_TICKS {
            return Ok((left, plot_w, xt));
        }
        step = step.next();
    }
    Err(invalid(
        "width_mm",
        "wide enough for the x tick labels",
        o.width_mm,
    ))
}

/// The vertical layout: the title and the lines above the plot, the plot,
/// and below it the x labels, the x title and the table.
pub(super) struct Down {
    /// The page's width between the margins, in em.
    pub(super) full_w_em: f64,
    /// Whether a title line is above everything.
    title: bool,
    /// Height under the plot area.
    below: f64,
    /// The user's height, if any.
    height_mm: Option<f64>,
    plot_w: f64,
    line: f64,
    fs: f64,
}

impl Down {
    /// The layout of a page `plot_w` wide with `n_table_rows` table rows.
    pub(super) fn new(o: &KaplanMeierPlot, g: &Geometry, n_table_rows: usize, plot_w: f64) -> Self {
        let below = TICK
            + 0.3 * g.fs
            + g.asc
            + g.line
            + if n_table_rows > 0 {
                0.4 * g.line + n_table_rows as f64 * g.line
            } else {
                0.0
            }
            + g.desc
            + PAD;
        Down {
            full_w_em: (o.width_mm - 2.0 * PAD) / g.fs,
            title: o.title.is_some(),
            below,
            height_mm: o.height_mm,
            plot_w,
            line: g.line,
            fs: g.fs,
        }
    }

    /// The plot's top, its height and the page's height with `n_above`
    /// lines (legend, p-value) between the title and the plot.
    pub(super) fn at(&self, n_above: usize) -> Result<(f64, f64, f64)> {
        let title = if self.title { self.line } else { 0.0 };
        let top = PAD + title + n_above as f64 * self.line + 0.6 * self.fs;
        let plot_h = match self.height_mm {
            Some(h) => h - top - self.below,
            None => 0.6 * self.plot_w,
        };
        if plot_h < MIN_PLOT {
            // the height asked for, or the page height the default gives
            let height = match self.height_mm {
                Some(h) => h,
                None => top + plot_h + self.below,
            };
            return Err(invalid(
                "height_mm",
                "high enough for the table and a 15 mm plot",
                height,
            ));
        }
        Ok((top, plot_h, top + plot_h + self.below))
    }
}
