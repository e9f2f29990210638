//! R's `survfit_confint`: the pointwise bounds of one row of a curve under
//! each [`CiTransform`], with R's `NA` rules (NaN here).

use crate::interval::CiTransform;

/// R's `survfit_confint` for one row: `[lower, upper]`, NaN for R's NA.
pub(crate) fn ci_bounds(p: f64, se: f64, z: f64, transform: CiTransform) -> [f64; 2] {
    if transform == CiTransform::Log {
        return log_bounds(p, se, z);
    }
    [ci_lower(p, se, z, transform), ci_upper(p, se, z, transform)]
}

/// The default (log) transform's bounds. R computes `exp(log(p) ± z·se)`;
/// this is `p · exp(±z·se)`, the same quantity with one `exp` and no `log`
/// (a division for the lower bound). The two differ in the last bit or two:
/// R's form adds the rounding error of `log(p)` scaled by `|log p|`, so this
/// one is the closer to the exact value. NaN for R's NA exactly where R has
/// it: both bounds at `p = 0`, the lower one when `se` is infinite or NaN.
fn log_bounds(p: f64, se: f64, z: f64) -> [f64; 2] {
    if p == 0.0 {
        return [f64::NAN, f64::NAN];
    }
    let e = (z * se).exp();
    [p / e * lower_scale(se), r_pmin(p * e, 1.0)]
}

/// R: `scale <- ifelse(selow == 0, 1, selow/se)` with `selow = se`: 1,
/// except NaN when `se` is infinite (∞/∞) or NaN. Only the lower bound uses it.
fn lower_scale(se: f64) -> f64 {
    if se == 0.0 || se.is_finite() {
        1.0
    } else {
        f64::NAN
    }
}

/// The lower bound of R's `survfit_confint` (only the lower side computed).
fn ci_lower(p: f64, se: f64, z: f64, transform: CiTransform) -> f64 {
    let scale = lower_scale(se);
    match transform {
        CiTransform::Plain => r_pmax(p - se * p * z * scale, 0.0),
        CiTransform::Log => log_bounds(p, se, z)[0],
        CiTransform::LogLog => {
            let xx = if p == 0.0 || p == 1.0 { f64::NAN } else { p };
            let se2 = z * se / xx.ln();
            let ll = (-xx.ln()).ln();
            (-(ll - se2 * scale).exp()).exp()
        }
        CiTransform::Logit => {
            let xx = if p == 0.0 { f64::NAN } else { p };
            let se2 = z * se * (1.0 + xx / (1.0 - xx));
            let lg = (p / (1.0 - p)).ln();
            1.0 - 1.0 / (1.0 + (lg - se2 * scale).exp())
        }
        CiTransform::Arcsine => {
            let xx = if p == 0.0 { f64::NAN } else { p };
            let se2 = 0.5 * z * se * (xx / (1.0 - xx)).sqrt();
            r_pmax(0.0, xx.sqrt().asin() - se2 * scale).sin().powi(2)
        }
    }
}

/// The upper bound of R's `survfit_confint` (only the upper side computed).
fn ci_upper(p: f64, se: f64, z: f64, transform: CiTransform) -> f64 {
    match transform {
        CiTransform::Plain => r_pmin(p + se * p * z, 1.0),
        CiTransform::Log => log_bounds(p, se, z)[1],
        CiTransform::LogLog => {
            let xx = if p == 0.0 || p == 1.0 { f64::NAN } else { p };
            let se2 = z * se / xx.ln();
            let ll = (-xx.ln()).ln();
            (-(ll + se2).exp()).exp()
        }
        CiTransform::Logit => {
            let xx = if p == 0.0 { f64::NAN } else { p };
            let se2 = z * se * (1.0 + xx / (1.0 - xx));
            let lg = (p / (1.0 - p)).ln();
            1.0 - 1.0 / (1.0 + (lg + se2).exp())
        }
        CiTransform::Arcsine => {
            let xx = if p == 0.0 { f64::NAN } else { p };
            let se2 = 0.5 * z * se * (xx / (1.0 - xx)).sqrt();
            r_pmin(std::f64::consts::FRAC_PI_2, xx.sqrt().asin() + se2)
                .sin()
                .powi(2)
        }
    }
}

/// R's `pmax(a, b)`: NaN when either is NaN.
fn r_pmax(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.max(b)
    }
}

/// R's `pmin(a, b)`: NaN when either is NaN.
fn r_pmin(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else {
        a.min(b)
    }
}
