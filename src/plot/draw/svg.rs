//! SVG primitives: the document's opening and a line of text.

use std::fmt::Write as _;

use super::layout::Page;
use super::num;
use crate::plot::text::{escape, FONT_FAMILY};

/// The fill every text and line has unless it is a curve's colour.
pub(super) const BLACK: &str = "#000000";

/// The XML declaration, the `<svg>` element sized in millimetres, its
/// `<title>`, the plot area's clip path and the white background.
pub(super) fn open(s: &mut String, page: &Page, doc_title: &str) {
    let _ = writeln!(s, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}" font-size="{fs}" style="font-kerning:none">"#,
        w = num(page.width),
        h = num(page.height),
        fs = num(page.g.fs)
    );
    let _ = writeln!(s, "<title>{}</title>", escape(doc_title));
    let _ = writeln!(
        s,
        r#"<defs><clipPath id="survkit-plot-area"><rect x="0" y="0" width="{}" height="{}"/></clipPath></defs>"#,
        num(page.plot_w),
        num(page.plot_h)
    );
    let _ = writeln!(
        s,
        r##"<rect x="0" y="0" width="{}" height="{}" fill="#FFFFFF"/>"##,
        num(page.width),
        num(page.height)
    );
}

/// One `<text>` element at `(x, y)` on the page; the fill is written only
/// when it is not [`BLACK`].
pub(super) fn text(
    s: &mut String,
    class: &str,
    x: f64,
    y: f64,
    anchor: &str,
    fill: &str,
    body: &str,
) {
    let fill = if fill == BLACK {
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
}
