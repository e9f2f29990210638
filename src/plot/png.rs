//! PNG output through resvg with the embedded Liberation Sans.

use crate::ErrorDetail;
use resvg::{tiny_skia, usvg};

use crate::Result;

/// Liberation Sans Regular 2.1.5 (SIL Open Font License 1.1; see
/// `assets/fonts/LICENSE`), unmodified.
static LIBERATION_SANS: &[u8] = include_bytes!("../../assets/fonts/LiberationSans-Regular.ttf");

/// Renders `svg` (`width_mm` × `height_mm`) at `dpi`.
pub(crate) fn render(svg: &str, width_mm: f64, height_mm: f64, dpi: f64) -> Result<Vec<u8>> {
    if !(dpi.is_finite() && (10.0..=2400.0).contains(&dpi)) {
        return Err(ErrorDetail::InvalidParameter {
            what: "dpi",
            constraint: "in [10, 2400]",
            value: dpi,
        }
        .into());
    }
    let mut options = usvg::Options::default();
    options
        .fontdb_mut()
        .load_font_data(LIBERATION_SANS.to_vec());
    "Liberation Sans".clone_into(&mut options.font_family);
    let tree = usvg::Tree::from_str(svg, &options).expect("survkit writes valid SVG");
    let px = |mm: f64| (mm / 25.4 * dpi).round().max(1.0) as u32;
    let (w, h) = (px(width_mm), px(height_mm));
    let mut pixmap = tiny_skia::Pixmap::new(w, h).ok_or(ErrorDetail::InvalidParameter {
        what: "dpi",
        constraint: "small enough for the image to fit in memory",
        value: dpi,
    })?;
    pixmap.fill(tiny_skia::Color::WHITE);
    let size = tree.size();
    let transform =
        tiny_skia::Transform::from_scale(w as f32 / size.width(), h as f32 / size.height());
    resvg::render(&tree, transform, &mut pixmap.as_mut());
    Ok(pixmap.encode_png().expect("a PNG encodes in memory"))
}
