//! The figure's options checked before anything is measured: every number
//! in its range, each failure an [`Error`] naming the option.

use crate::plot::{KaplanMeierPlot, YScale};
use crate::{Error, ErrorDetail, Result};

/// The error for an option `what` whose `value` breaks `constraint`.
pub(super) fn invalid(what: &'static str, constraint: &'static str, value: f64) -> Error {
    ErrorDetail::InvalidParameter {
        what,
        constraint,
        value,
    }
    .into()
}

fn check_range(
    what: &'static str,
    constraint: &'static str,
    v: f64,
    lo: f64,
    hi: f64,
) -> Result<()> {
    if v.is_finite() && (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(invalid(what, constraint, v))
    }
}

fn check_positive(what: &'static str, v: Option<f64>) -> Result<()> {
    match v {
        Some(v) if !(v.is_finite() && v > 0.0) => Err(invalid(what, "finite and positive", v)),
        _ => Ok(()),
    }
}

/// Checks every option of `o` in the order of the builder's setters.
pub(super) fn validate(o: &KaplanMeierPlot) -> Result<()> {
    check_range("width_mm", "in [30, 1000]", o.width_mm, 30.0, 1000.0)?;
    if let Some(h) = o.height_mm {
        check_range("height_mm", "in [20, 2000]", h, 20.0, 2000.0)?;
    }
    check_range("font_size_pt", "in [4, 24]", o.font_size_pt, 4.0, 24.0)?;
    check_range("line_width_pt", "in [0.1, 5]", o.line_width_pt, 0.1, 5.0)?;
    check_positive("time_per_unit", Some(o.time_per_unit))?;
    check_positive("x_max", o.x_max)?;
    check_positive("x_step", o.x_step)?;
    if let Some(range) = o.y_range {
        check_y_range(range, o.y_scale)?;
    }
    if o.digits > 6 {
        return Err(invalid("digits", "at most 6", o.digits as f64));
    }
    Ok(())
}

/// A y range within the scale: probabilities in [0, 1], a hazard from 0 up.
fn check_y_range((lo, hi): (f64, f64), scale: YScale) -> Result<()> {
    let top = if scale == YScale::CumulativeHazard {
        f64::MAX
    } else {
        1.0
    };
    if !(lo.is_finite() && (0.0..top).contains(&lo)) {
        return Err(invalid(
            "y_range lower",
            "finite, at least 0 and below the top of the scale",
            lo,
        ));
    }
    if !(hi.is_finite() && hi > lo && hi <= top) {
        return Err(invalid(
            "y_range upper",
            "finite, above the lower limit and at most 1 for probabilities",
            hi,
        ));
    }
    Ok(())
}
