//! The numbers-at-risk table under the x axis: its row labels and the
//! widths they and the counts need, and its rows in the SVG, one count under
//! each x tick.

use std::fmt::Write as _;

use super::curves::Curve;
use super::layout::{Geometry, Page, PAD};
use super::num;
use super::svg::{text, BLACK};
use crate::plot::risk_table::format_count;
use crate::plot::text::truncate_to;
use crate::plot::{KaplanMeierPlot, RiskTable, RiskTableRow, RiskTableStyle};

/// Which count of a risk-table row a table row shows.
type CountOf = fn(&RiskTableRow) -> f64;

/// The KMunicate rows under each curve's heading.
const KMUNICATE_ROWS: [(&str, CountOf); 3] = [
    ("At risk", RiskTableRow::n_risk),
    ("Censored", RiskTableRow::censored),
    ("Events", RiskTableRow::events),
];

/// The table's row labels and the room they and the counts take.
pub(super) struct Columns {
    /// One label per row (a curve's, or KMunicate's three).
    labels: Vec<String>,
    /// Indent of KMunicate's row labels under each curve's heading.
    indent: f64,
    /// Width of the widest row label with its indent.
    label_w: f64,
    /// Width of the widest count.
    pub(super) count_w: f64,
    /// How many lines the table takes.
    pub(super) n_rows: usize,
}

impl Columns {
    /// The table of `o`'s style for `curves`.
    pub(super) fn new(o: &KaplanMeierPlot, curves: &[Curve], g: &Geometry) -> Self {
        let fs = g.fs;
        let n = curves.len();
        let max_row_label = 0.3 * o.width_mm / fs;
        let (labels, indent, n_rows) = match o.risk_table {
            RiskTableStyle::None => (Vec::new(), 0.0, 0),
            RiskTableStyle::AtRisk => {
                let labels = curves
                    .iter()
                    .map(|c| truncate_to(&c.label, max_row_label))
                    .collect();
                (labels, 0.0, 1 + n)
            }
            RiskTableStyle::KMunicate => {
                let labels = KMUNICATE_ROWS.iter().map(|r| r.0.to_owned()).collect();
                (labels, fs, 4 * n)
            }
        };
        let label_w = g.widest(&labels) + indent;
        let count_w = if o.risk_table == RiskTableStyle::None {
            0.0
        } else {
            curves
                .iter()
                .map(|c| {
                    g.w(&format_count(c.max_count)) + if c.whole_counts { 0.0 } else { g.w(".0") }
                })
                .fold(0.0, f64::max)
        };
        Columns {
            labels,
            indent,
            label_w,
            count_w,
            n_rows,
        }
    }

    /// The plot's least left edge for the row labels and the first count.
    pub(super) fn left_margin(&self, o: &KaplanMeierPlot, g: &Geometry) -> f64 {
        if o.risk_table == RiskTableStyle::None {
            0.0
        } else {
            PAD + self.label_w + g.fs + self.count_w / 2.0
        }
    }
}

/// The table under the x axis title, on the page.
pub(super) fn write(
    s: &mut String,
    o: &KaplanMeierPlot,
    page: &Page,
    columns: &Columns,
    curves: &[Curve],
    table: &RiskTable,
) {
    let rows = Rows {
        page,
        columns,
        curves,
        table,
    };
    let base = page.x_title_base() + 1.4 * page.g.line;
    match o.risk_table {
        RiskTableStyle::AtRisk => rows.at_risk(s, base),
        RiskTableStyle::KMunicate => rows.kmunicate(s, base),
        RiskTableStyle::None => {}
    }
}

/// What the table's rows are written from.
struct Rows<'a> {
    page: &'a Page,
    columns: &'a Columns,
    curves: &'a [Curve],
    table: &'a RiskTable,
}

impl Rows<'_> {
    /// "Number at risk", then a row per curve in its colour.
    fn at_risk(&self, s: &mut String, mut base: f64) {
        text(
            s,
            "table-title",
            PAD,
            base,
            "start",
            BLACK,
            "Number at risk",
        );
        for (i, (c, label)) in self.curves.iter().zip(&self.columns.labels).enumerate() {
            base += self.page.g.line;
            text(s, "table-label", PAD, base, "start", c.colour, label);
            self.counts(s, base, i, RiskTableRow::n_risk);
        }
    }

    /// Per curve, its label as a heading in its colour, then the rows at
    /// risk, censored and events.
    fn kmunicate(&self, s: &mut String, mut base: f64) {
        let line = self.page.g.line;
        let x = PAD + self.columns.indent;
        base -= line;
        for (i, c) in self.curves.iter().enumerate() {
            base += line;
            let heading = truncate_to(&c.label, self.page.full_w_em);
            text(s, "table-heading", PAD, base, "start", c.colour, &heading);
            for (name, get) in KMUNICATE_ROWS {
                base += line;
                text(s, "table-label", x, base, "start", BLACK, name);
                self.counts(s, base, i, get);
            }
        }
    }

    /// Curve `i`'s counts, centred under the ticks, on the baseline `base`.
    fn counts(&self, s: &mut String, base: f64, i: usize, get: CountOf) {
        for r in self.table.group_rows(i) {
            let _ = writeln!(
                s,
                r#"<text class="risk-count" data-time="{}" data-curve="{i}" x="{}" y="{}" text-anchor="middle">{}</text>"#,
                num(r.time()),
                num(self.page.left + self.page.local.x(r.time())),
                num(base),
                format_count(get(r))
            );
        }
    }
}
