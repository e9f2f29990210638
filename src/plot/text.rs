//! Text measurement by the embedded Liberation Sans metrics, and XML escaping.

use super::font_metrics::{ADVANCES, ASCENDER, DESCENDER, UNITS_PER_EM};

/// The font family written on every figure: Liberation Sans first (the font
/// whose metrics lay the figure out, and the one embedded for PNG output),
/// then the fonts metric-compatible with it, then any sans-serif.
pub const FONT_FAMILY: &str = "'Liberation Sans', Arial, Helvetica, sans-serif";

/// Height above the baseline of Liberation Sans (its `hhea` ascender), in em.
pub const ASCENT_EM: f64 = ASCENDER as f64 / UNITS_PER_EM as f64;

/// Depth below the baseline of Liberation Sans (its `hhea` descender, as a
/// positive number), in em.
pub const DESCENT_EM: f64 = -(DESCENDER as f64) / UNITS_PER_EM as f64;

/// Advance of a character missing from the table, in em: one em, wider than
/// any Latin letter of the font, so that an estimate errs on the wide side.
const MISSING_EM: f64 = 1.0;

/// Width of `text` set in Liberation Sans Regular (or Arial, or Helvetica,
/// which share its advance widths), in em: multiply by the font size.
///
/// # Method
/// The sum of the advance widths of the characters, read from a table
/// generated from the font file by `tools/generate_font_metrics.py` (ASCII,
/// Latin-1, Greek and common typographic signs). Kerning is not applied
/// (Liberation Sans kerns few pairs, and only tighter); a character outside
/// the table counts as one em.
///
/// # Conventions
/// The width a browser or resvg gives the text in Liberation Sans, Arial or
/// Helvetica at `font-kerning: none`, to the font's rounding of advances.
///
/// # Errors
/// None.
///
/// # Example
/// ```
/// use survkit::text_width_em;
/// // digits are 1139/2048 em wide in Arial and Liberation Sans
/// assert_eq!(text_width_em("10"), 2.0 * 1139.0 / 2048.0);
/// ```
///
/// # References
/// Liberation Fonts 2.1.5 (Red Hat, SIL Open Font License 1.1).
pub fn text_width_em(text: &str) -> f64 {
    let units: f64 = text
        .chars()
        .map(|c| {
            ADVANCES
                .binary_search_by_key(&(c as u32), |&(code, _)| code)
                .map_or(MISSING_EM * f64::from(UNITS_PER_EM), |i| {
                    f64::from(ADVANCES[i].1)
                })
        })
        .sum();
    units / f64::from(UNITS_PER_EM)
}

/// Shortens `text` with an ellipsis so that it is at most `max_em` wide.
pub(crate) fn truncate_to(text: &str, max_em: f64) -> String {
    if text_width_em(text) <= max_em {
        return text.to_owned();
    }
    let mut out = String::new();
    let ell = text_width_em("\u{2026}");
    for c in text.chars() {
        let mut next = out.clone();
        next.push(c);
        if text_width_em(&next) + ell > max_em {
            break;
        }
        out = next;
    }
    out.push('\u{2026}');
    out
}

/// Escapes text for XML character data and attribute values; characters
/// XML 1.0 does not allow (control characters) become U+FFFD.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Replaces what [`escape`] replaces, without escaping: the text as a reader
/// of the SVG sees it (for measuring).
pub(crate) fn clean(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => ' ',
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_truncation() {
        assert_eq!(text_width_em(" "), 569.0 / 2048.0);
        assert_eq!(text_width_em("\u{4e2d}"), 1.0);
        let t = truncate_to("a very long group name indeed", 5.0);
        assert!(t.ends_with('\u{2026}') && text_width_em(&t) <= 5.0);
        assert_eq!(truncate_to("short", 5.0), "short");
        assert_eq!(escape("a<&>\"'\u{1}"), "a&lt;&amp;&gt;&quot;&apos;\u{FFFD}");
    }
}
