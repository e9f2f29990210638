//! Where a legend inside the plot goes: the first corner of the plot area
//! (top right, bottom left, bottom right, top left) where it covers no
//! curve, band, censor mark or median line.

use super::curves::{censor_arm, Curve};
use super::layout::ToLocal;

/// A rectangle in local coordinates.
#[derive(Clone, Copy)]
pub(super) struct Rect {
    pub(super) x0: f64,
    pub(super) x1: f64,
    pub(super) y0: f64,
    pub(super) y1: f64,
}

impl Rect {
    /// The rectangle spanned by two corners in any order.
    fn spanned(xa: f64, xb: f64, ya: f64, yb: f64) -> Self {
        Rect {
            x0: xa.min(xb),
            x1: xa.max(xb),
            y0: ya.min(yb),
            y1: ya.max(yb),
        }
    }

    /// Whether `o` comes closer than `margin` to this rectangle.
    fn hits(&self, o: &Rect, margin: f64) -> bool {
        self.x0 - margin < o.x1
            && o.x0 < self.x1 + margin
            && self.y0 - margin < o.y1
            && o.y0 < self.y1 + margin
    }
}

/// The plot area as the placement sees it: data to local coordinates,
/// clamped to just outside the area.
pub(super) struct Area {
    pub(super) to: ToLocal,
    pub(super) plot_w: f64,
    pub(super) plot_h: f64,
}

impl Area {
    fn x(&self, t: f64) -> f64 {
        self.to.x(t).min(self.plot_w + 1.0)
    }

    /// The height of a survival probability.
    fn y(&self, s: f64) -> f64 {
        let v = self.to.of(s);
        if v.is_finite() {
            self.to.y(v).clamp(-1.0, self.plot_h + 1.0)
        } else {
            self.plot_h + 1.0
        }
    }
}

/// The first corner where a legend `w` by `h` covers nothing drawn, at
/// least `0.5 + lw` away from it; `None` if it fits nowhere.
pub(super) fn corner(
    curves: &[Curve],
    area: &Area,
    fs: f64,
    (w, h): (f64, f64),
    lw: f64,
) -> Option<Rect> {
    let inset = 1.5;
    if !(w + 2.0 * inset <= area.plot_w && h + 2.0 * inset <= area.plot_h) {
        return None;
    }
    let obstacles = obstacles(curves, area, fs);
    let (plot_w, plot_h) = (area.plot_w, area.plot_h);
    let xs = [plot_w - inset - w, inset, plot_w - inset - w, inset];
    let ys = [plot_h - inset - h, inset, inset, plot_h - inset - h];
    xs.into_iter().zip(ys).find_map(|(x, y)| {
        let r = Rect {
            x0: x,
            x1: x + w,
            y0: y,
            y1: y + h,
        };
        (!obstacles.iter().any(|ob| ob.hits(&r, 0.5 + lw))).then_some(r)
    })
}

/// What a legend inside the plot must not cover, in local coordinates.
fn obstacles(curves: &[Curve], area: &Area, fs: f64) -> Vec<Rect> {
    let mut out = Vec::new();
    for c in curves {
        steps(&mut out, c, area, fs);
        if let Some((lo, hi)) = &c.bounds {
            band(&mut out, &c.time, lo, hi, area);
        }
        if let Some(m) = c.median {
            let level = area.y(0.5);
            out.push(Rect::spanned(0.0, area.x(m), level, level));
            out.push(Rect::spanned(area.x(m), area.x(m), 0.0, level));
        }
    }
    out
}

/// The curve's horizontal and vertical segments and its censor marks.
fn steps(out: &mut Vec<Rect>, c: &Curve, area: &Area, fs: f64) {
    let mut x_prev = 0.0;
    let mut y_prev = area.y(1.0);
    for ((&t, &sv), &nc) in c.time.iter().zip(&c.surv).zip(&c.n_censor) {
        let (x, y) = (area.x(t), area.y(sv));
        out.push(Rect::spanned(x_prev, x, y_prev, y_prev));
        out.push(Rect::spanned(x, x, y_prev, y));
        if nc > 0.0 {
            let a = censor_arm(fs);
            out.push(Rect::spanned(x - a, x + a, y - a, y + a));
        }
        (x_prev, y_prev) = (x, y);
    }
}

/// Each row's band from its time to the next row's.
fn band(out: &mut Vec<Rect>, time: &[f64], lo: &[f64], hi: &[f64], area: &Area) {
    for i in 0..time.len().min(lo.len()).min(hi.len()) {
        if lo[i].is_finite() && hi[i].is_finite() {
            let end = time.get(i + 1).copied().unwrap_or(time[i]);
            let (ya, yb) = (area.y(lo[i]), area.y(hi[i]));
            out.push(Rect::spanned(area.x(time[i]), area.x(end), ya, yb));
        }
    }
}
