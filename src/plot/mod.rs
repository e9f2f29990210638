//! Kaplan-Meier figures: SVG (and PNG behind the `png` feature) with an
//! aligned numbers-at-risk table, and the table as data.
//!
//! See [`KaplanMeierPlot`] for the figure and [`RiskTable`] for the table;
//! `docs/figures.md` shows every option with a picture.

mod draw;
mod font_metrics;
#[cfg(feature = "png")]
mod png;
mod risk_table;
mod text;
mod ticks;

use crate::builder::setters;
use crate::ErrorDetail;
use std::path::Path;

use crate::{KaplanMeierFit, LogRankResult, Result, SimultaneousBand};

pub(crate) use self::draw::{draw_curves, CurveInput};
pub use self::risk_table::{RiskTable, RiskTableRow};
pub use self::text::{text_width_em, ASCENT_EM, DESCENT_EM, FONT_FAMILY};

/// Width of a single-column figure in most journals, in millimetres.
pub const SINGLE_COLUMN_MM: f64 = 85.0;

/// Width of a double-column (full-page-width) figure, in millimetres.
pub const DOUBLE_COLUMN_MM: f64 = 170.0;

/// What the y axis shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum YScale {
    /// The Kaplan-Meier estimate `S(t)` (R's `plot(fit)`).
    #[default]
    Survival,
    /// `1 − S(t)`, the cumulative incidence of the event without competing
    /// risks (R's `plot(fit, fun = "event")`); the band is `1 − upper`,
    /// `1 − lower`.
    CumulativeIncidence,
    /// `−log S(t)` and its band `−log upper`, `−log lower` (survminer's
    /// `fun = "cumhaz"`); infinite values (after `S` reaches 0) are drawn at
    /// the top of the axis.
    CumulativeHazard,
}

impl YScale {
    /// The plotted value of a survival probability.
    fn of(self, s: f64) -> f64 {
        match self {
            YScale::Survival => s,
            YScale::CumulativeIncidence => 1.0 - s,
            YScale::CumulativeHazard => -s.ln(),
        }
    }
}

/// How the y axis labels probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum YFormat {
    /// 0.0, 0.2, …, 1.0.
    #[default]
    Proportion,
    /// 0, 20, …, 100, with "(%)" after the axis title.
    Percent,
}

/// Rows of the table under the x axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum RiskTableStyle {
    /// No table.
    None,
    /// "Number at risk": one row per curve (Pocock, Clayton & Altman 2002).
    #[default]
    AtRisk,
    /// KMunicate (Morris et al. 2019): per curve, rows "At risk",
    /// "Censored" and "Events", the last two cumulative.
    KMunicate,
}

/// Where the legend (and the log-rank p-value) go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum LegendPosition {
    /// Inside the plot, in the first corner (top right, bottom left, bottom
    /// right, top left) where it covers no curve, band, censor mark or median
    /// line; above the plot when no corner is free.
    #[default]
    Auto,
    /// Above the plot, one line per curve.
    Above,
    /// No legend (the p-value, if any, still goes above the plot).
    Hidden,
}

/// Curve colours; line types are a second cue in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Palette {
    /// Okabe & Ito's colour-blind-safe colours (blue, vermillion, bluish
    /// green, reddish purple, orange, sky blue, black; one curve: black).
    #[default]
    OkabeIto,
    /// Black and greys, for print without colour.
    Grey,
}

impl Palette {
    fn colour(self, i: usize, n: usize) -> &'static str {
        const OKABE_ITO: [&str; 7] = [
            "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
        ];
        const GREY: [&str; 3] = ["#000000", "#555555", "#999999"];
        match self {
            _ if n == 1 => "#000000",
            Palette::OkabeIto => OKABE_ITO[i % OKABE_ITO.len()],
            Palette::Grey => GREY[i % GREY.len()],
        }
    }
}

/// Dash patterns (in multiples of the line width) cycling with the curves.
const DASHES: [&str; 6] = ["", "6 3", "1.5 2.5", "8 3 1.5 3", "12 4", "3 3"];

/// A Kaplan-Meier figure builder: step curves from (0, 1), censor marks,
/// pointwise confidence bands, median lines, the log-rank p-value and a
/// numbers-at-risk table aligned to the x ticks, as an SVG document.
///
/// # Method
/// Curve `i` is the step function through `(0, f(1))` and `(tⱼ, f(Sⱼ))` at its
/// rows (`f` the [`YScale`]), drawn to its last time; its band is the step
/// ribbon between `f(lowerⱼ)` and `f(upperⱼ)` over `[tⱼ, tⱼ₊₁)` in the fit's
/// own level and transform, interrupted where a bound is not defined. Censor
/// marks are "+" at `(t, f(S(t)))` for every row with a censoring. Median
/// lines run from the y axis at `f(0.5)` to the median and down to the x
/// axis; a median not reached shows as "NR" in the legend. The x ticks are
/// `k × step` with a step of 1, 2, 2.5 or 5 × 10ᵏ display units, the smallest
/// for which at most 8 intervals are needed and neither the tick labels nor the
/// table's counts (measured by the Liberation Sans metrics,
/// [`text_width_em`]) come closer than half an em; the axis ends at the
/// first tick at or after the last time (or at [`x_max`](Self::x_max)).
/// The table shows, under each tick `τ` (display units), the counts of
/// [`RiskTable`] at time `τ × time_per_unit`.
///
/// Geometry: the document's user unit is the millimetre. Curves, bands,
/// marks and ticks live in one group whose transform is
/// `translate(left, bottom) scale(1, −1)`, and their coordinates are
/// `x = t × kₓ` and `y = (f − y₀) × k_y`, written as the shortest decimal that
/// reads back as the same `f64`, so that the axis map read off two ticks
/// inverts every vertex to the fit's value within a few units in the last
/// place. The output depends only on the inputs (no clock, no hash order,
/// no system fonts): the same fit and options give the same bytes.
///
/// # Conventions
/// Numbers at risk at the tick time, as R's `summary(fit, times = )` (see
/// [`RiskTable`]); censor marks as R's `plot.survfit(mark.time = TRUE)`; the
/// band is the fit's pointwise interval ([`KaplanMeierFit::conf_level`],
/// [`KaplanMeierFit::transform`]: R's default log transform unless the fit
/// was made otherwise), not a simultaneous band; the p-value in journal style
/// ([`format_p_value`](crate::format_p_value), "Log-rank P = .016"). Sizes
/// in millimetres (85 mm single column, 170 mm double), fonts in points.
///
/// # Errors
/// [`draw`](Self::draw) returns [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for a setting out
/// of its range (named in the message), [`ErrorDetail::LengthMismatch`](crate::ErrorDetail::LengthMismatch) when the
/// labels do not match the curves, [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) for a fit without
/// curves.
///
/// # Example
/// ```
/// use survkit::{datasets::lung, log_rank, KaplanMeier, KaplanMeierPlot, SurvivalData};
/// let sex: Vec<&str> = lung::SEX.iter().map(|&s| if s == 1 { "Male" } else { "Female" }).collect();
/// let data = SurvivalData::builder(&lung::TIME[..], lung::event())
///     .group_levels(&sex, &["Male", "Female"])
///     .build()?;
/// let fit = KaplanMeier::new().fit(&data)?;
/// let figure = KaplanMeierPlot::new()
///     .time_unit("months", 30.4375)
///     .draw(&fit, Some(&log_rank(&data)?))?;
/// assert!(figure.svg().starts_with("<?xml"));
/// assert!(figure.svg().contains("Log-rank P = .001"));
/// assert_eq!(figure.risk_table().rows()[0].n_risk(), 138.0);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Pocock, S. J., Clayton, T. C. & Altman, D. G. (2002). Survival plots of
///   time-to-event outcomes in clinical trials: good practice and pitfalls.
///   *Lancet* 359, 1686–1689. doi:10.1016/S0140-6736(02)08594-X
/// - Morris, T. P. et al. (2019). Proposals on Kaplan-Meier plots in medical
///   research and a survey of stakeholder views: KMunicate. *BMJ Open* 9,
///   e030215. doi:10.1136/bmjopen-2019-030215
/// - Okabe, M. & Ito, K. (2008). *Color Universal Design (CUD): how to make
///   figures and presentations that are friendly to colorblind people.*
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct KaplanMeierPlot {
    width_mm: f64,
    height_mm: Option<f64>,
    font_size_pt: f64,
    line_width_pt: f64,
    unit: Option<String>,
    time_per_unit: f64,
    x_label: Option<String>,
    y_label: Option<String>,
    title: Option<String>,
    labels: Option<Vec<String>>,
    y_scale: YScale,
    y_format: YFormat,
    y_range: Option<(f64, f64)>,
    x_max: Option<f64>,
    x_step: Option<f64>,
    bands: bool,
    simultaneous: Vec<SimultaneousBand>,
    censor_marks: bool,
    median_lines: bool,
    risk_table: RiskTableStyle,
    legend: LegendPosition,
    palette: Palette,
    digits: usize,
}

impl Default for KaplanMeierPlot {
    fn default() -> Self {
        KaplanMeierPlot {
            width_mm: SINGLE_COLUMN_MM,
            height_mm: None,
            font_size_pt: 7.0,
            line_width_pt: 0.75,
            unit: None,
            time_per_unit: 1.0,
            x_label: None,
            y_label: None,
            title: None,
            labels: None,
            y_scale: YScale::Survival,
            y_format: YFormat::Proportion,
            y_range: None,
            x_max: None,
            x_step: None,
            bands: false,
            simultaneous: Vec::new(),
            censor_marks: true,
            median_lines: true,
            risk_table: RiskTableStyle::AtRisk,
            legend: LegendPosition::Auto,
            palette: Palette::OkabeIto,
            digits: 1,
        }
    }
}

impl KaplanMeierPlot {
    /// The defaults: 85 mm wide, 7 pt text, 0.75 pt lines, survival as a
    /// proportion, censor marks, median lines, numbers at risk, legend
    /// inside where it covers nothing, Okabe-Ito colours, no bands.
    pub fn new() -> Self {
        Self::default()
    }

    setters! {
        /// Total width in millimetres ([`SINGLE_COLUMN_MM`], [`DOUBLE_COLUMN_MM`];
        /// 30 to 1000).
        pub fn width_mm(mut self, width: f64) -> Self { self.width_mm }

        /// Total height in millimetres; by default the plot area is 0.6 times as
        /// high as it is wide and the table adds its rows.
        pub fn height_mm(mut self, height: f64) -> Self { self.height_mm }

        /// Font size of all text, in points (4 to 24; default 7).
        pub fn font_size_pt(mut self, size: f64) -> Self { self.font_size_pt }

        /// Width of the curves, in points (0.1 to 5; default 0.75).
        pub fn line_width_pt(mut self, width: f64) -> Self { self.line_width_pt }
    }

    /// The time axis in another unit: `label` (for example "months") and how
    /// many of the fit's time units make one (30.4375 days a month, 365.25 a
    /// year). Ticks, the axis title and the medians use the new unit.
    pub fn time_unit(mut self, label: &str, time_per_unit: f64) -> Self {
        self.unit = Some(label.to_owned());
        self.time_per_unit = time_per_unit;
        self
    }

    /// The x axis title (default "Time", or "Time (unit)").
    pub fn x_label(mut self, label: &str) -> Self {
        self.x_label = Some(label.to_owned());
        self
    }

    /// The y axis title (default after the [`YScale`]).
    pub fn y_label(mut self, label: &str) -> Self {
        self.y_label = Some(label.to_owned());
        self
    }

    /// A title above the plot.
    pub fn title(mut self, title: &str) -> Self {
        self.title = Some(title.to_owned());
        self
    }

    /// Names of the curves in the legend and the table, in the fit's order
    /// (default: the curves' names; "All" for an ungrouped fit).
    pub fn labels<S: AsRef<str>>(mut self, labels: &[S]) -> Self {
        self.labels = Some(labels.iter().map(|s| s.as_ref().to_owned()).collect());
        self
    }

    setters! {
        /// What the y axis shows.
        pub fn y_scale(mut self, scale: YScale) -> Self { self.y_scale }

        /// Proportion or percent labels on the y axis.
        pub fn y_format(mut self, format: YFormat) -> Self { self.y_format }
    }

    /// The y axis range, as proportions (or hazards): `(0.5, 1.0)` truncates
    /// the axis, which then carries a break mark. Default `(0, 1)`, or
    /// `(0, a nice ceiling)` for the cumulative hazard.
    pub fn y_range(mut self, lower: f64, upper: f64) -> Self {
        self.y_range = Some((lower, upper));
        self
    }

    setters! {
        /// End of the x axis, in display units (default: the first tick at or
        /// after the last time).
        pub fn x_max(mut self, x_max: f64) -> Self { self.x_max }

        /// Distance between x ticks, in display units (default: chosen so that
        /// labels and counts fit).
        pub fn x_step(mut self, step: f64) -> Self { self.x_step }

        /// Draw the pointwise confidence bands (default off).
        pub fn confidence_bands(mut self, on: bool) -> Self { self.bands }
    }

    /// Draw simultaneous confidence bands ([`ConfidenceBand`](crate::ConfidenceBand)),
    /// each shaded over its range `[t_L, t_U]` under the curve whose name it
    /// carries ([`SimultaneousBand::curve`]); bands of curves not in the fit
    /// are ignored. Independent of [`confidence_bands`](Self::confidence_bands).
    pub fn simultaneous_bands(mut self, bands: &[SimultaneousBand]) -> Self {
        self.simultaneous = bands.to_vec();
        self
    }

    setters! {
        /// Draw censor marks (default on).
        pub fn censor_marks(mut self, on: bool) -> Self { self.censor_marks }

        /// Draw dashed median lines and give the medians in the legend (default on).
        pub fn median_lines(mut self, on: bool) -> Self { self.median_lines }

        /// The table under the x axis.
        pub fn risk_table(mut self, style: RiskTableStyle) -> Self { self.risk_table }

        /// Where the legend goes.
        pub fn legend(mut self, position: LegendPosition) -> Self { self.legend }

        /// Curve colours.
        pub fn palette(mut self, palette: Palette) -> Self { self.palette }

        /// Decimals of the medians in the legend (0 to 6; default 1).
        pub fn digits(mut self, digits: usize) -> Self { self.digits }
    }

    /// Draws the figure of `fit`, with the p-value of `test` when given.
    ///
    /// # Errors
    /// See the type's docs.
    pub fn draw(
        &self,
        fit: &KaplanMeierFit,
        test: Option<&LogRankResult>,
    ) -> Result<KaplanMeierFigure> {
        draw::draw(self, fit, test)
    }
}

/// A drawn Kaplan-Meier figure: the SVG document and the risk table it shows.
///
/// # Method
/// Made by [`KaplanMeierPlot::draw`]; see there.
///
/// # Conventions
/// The SVG is SVG 1.1 with millimetre user units, text in
/// [`FONT_FAMILY`]; PNG output (feature `png`) renders it with resvg and the
/// embedded Liberation Sans, so it looks the same on a machine without fonts.
///
/// # Errors
/// The `write_*` methods return [`ErrorDetail::Io`](crate::ErrorDetail::Io) when the file cannot be
/// written; `png` returns [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) for a bad resolution.
///
/// # Example
/// ```
/// use survkit::{datasets::aml, KaplanMeier, KaplanMeierPlot, SurvivalData};
/// let fit = KaplanMeier::new().fit(&SurvivalData::new(&aml::TIME[..], aml::event())?)?;
/// let figure = KaplanMeierPlot::new().draw(&fit, None)?;
/// assert_eq!(figure.width_mm(), 85.0);
/// assert_eq!(figure.risk_table().rows()[0].n_risk(), 23.0);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// W3C (2011). *Scalable Vector Graphics (SVG) 1.1 (Second Edition)*.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct KaplanMeierFigure {
    svg: String,
    width_mm: f64,
    height_mm: f64,
    risk_table: RiskTable,
}

impl KaplanMeierFigure {
    /// The SVG document.
    pub fn svg(&self) -> &str {
        &self.svg
    }

    /// Width in millimetres.
    pub fn width_mm(&self) -> f64 {
        self.width_mm
    }

    /// Height in millimetres.
    pub fn height_mm(&self) -> f64 {
        self.height_mm
    }

    /// The counts under the ticks, as data (times in the fit's unit).
    pub fn risk_table(&self) -> &RiskTable {
        &self.risk_table
    }

    /// Writes the SVG document to `path`.
    ///
    /// # Errors
    /// [`ErrorDetail::Io`](crate::ErrorDetail::Io) when the file cannot be written.
    pub fn write_svg(&self, path: impl AsRef<Path>) -> Result<()> {
        write_file(path.as_ref(), self.svg.as_bytes())
    }

    /// The figure as a PNG image at `dpi` dots per inch (for example 300 or
    /// 600), on a white background, with the embedded Liberation Sans.
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) when `dpi` is not in `[10, 2400]`.
    #[cfg(feature = "png")]
    pub fn png(&self, dpi: f64) -> Result<Vec<u8>> {
        png::render(&self.svg, self.width_mm, self.height_mm, dpi)
    }

    /// Writes the PNG image (see [`png`](Self::png)) to `path`.
    ///
    /// # Errors
    /// As [`png`](Self::png), and [`ErrorDetail::Io`](crate::ErrorDetail::Io) when the file cannot be
    /// written.
    #[cfg(feature = "png")]
    pub fn write_png(&self, path: impl AsRef<Path>, dpi: f64) -> Result<()> {
        let bytes = self.png(dpi)?;
        write_file(path.as_ref(), &bytes)
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| {
        ErrorDetail::Io {
            path: path.display().to_string(),
            kind: e.kind(),
        }
        .into()
    })
}
