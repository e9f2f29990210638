//! "Nice" axis ticks: steps of 1, 2, 2.5 or 5 times a power of ten.

/// Ticks of one axis: values in the axis's display unit and their labels.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ticks {
    pub values: Vec<f64>,
    pub labels: Vec<String>,
}

/// A step `m × 10^e` with `m` in {1, 2, 2.5, 5}, kept as `m10 × 10^(e − 1)`
/// (`m10` in {10, 20, 25, 50}) so that every tick `k × step` is computed
/// from integers with one correctly rounded operation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Step {
    m10: u64,
    exp: i32,
}

const MANTISSAS: [u64; 4] = [10, 20, 25, 50];

impl Step {
    /// The step's value.
    pub fn value(self) -> f64 {
        scaled(self.m10 as f64, self.exp - 1)
    }

    /// The `k`-th multiple of the step.
    pub fn tick(self, k: u64) -> f64 {
        scaled((k * self.m10) as f64, self.exp - 1)
    }

    /// The next larger nice step.
    pub fn next(self) -> Step {
        match MANTISSAS.iter().position(|&m| m == self.m10) {
            Some(i) if i + 1 < MANTISSAS.len() => Step {
                m10: MANTISSAS[i + 1],
                exp: self.exp,
            },
            _ => Step {
                m10: 10,
                exp: self.exp + 1,
            },
        }
    }

    /// The largest nice step not above `x` (`x` positive and finite), or the
    /// smallest nice step at all when `x` is below it.
    pub fn at_most(x: f64) -> Step {
        let e = x.log10().floor().clamp(-300.0, 300.0) as i32;
        let mut best = Step {
            m10: 10,
            exp: e - 1,
        };
        let mut s = best;
        for _ in 0..8 {
            if s.value() <= x {
                best = s;
            }
            s = s.next();
        }
        best
    }

    /// Decimal places that show every multiple of the step exactly.
    fn decimals(self) -> usize {
        let e = self.exp - 1;
        if e >= 0 {
            return 0;
        }
        let mut d = (-e) as usize;
        let mut m = self.m10;
        while d > 0 && m.is_multiple_of(10) {
            m /= 10;
            d -= 1;
        }
        d
    }

    /// The label of `value` (a multiple of the step) times `factor` (1, or
    /// 100 for percentages, which shifts the decimals by two).
    pub fn label(self, value: f64, percent: bool) -> String {
        let (v, d) = if percent {
            (value * 100.0, self.decimals().saturating_sub(2))
        } else {
            (value, self.decimals())
        };
        if v != 0.0 && (v.abs() >= 1e7 || (v.abs() < 1e-4 && d > 5)) {
            let s = format!("{v:e}");
            // shortest exponent form, e.g. "2.5e7"
            return s;
        }
        let s = format!("{v:.d$}");
        if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
            s[1..].to_owned()
        } else {
            s
        }
    }
}

/// `x × 10^e` correctly rounded for moderate exponents.
fn scaled(x: f64, e: i32) -> f64 {
    if e >= 0 {
        if e <= 22 {
            x * 10f64.powi(e)
        } else {
            format!("{x}e{e}").parse().expect("a valid float literal")
        }
    } else if e >= -22 {
        x / 10f64.powi(-e)
    } else {
        format!("{x}e{e}").parse().expect("a valid float literal")
    }
}

/// Ticks `k × step` covering `[lo, hi]` (display units).
pub(crate) fn ticks_in(lo: f64, hi: f64, step: Step, percent: bool) -> Ticks {
    let s = step.value();
    let first = (lo / s - 1e-9).ceil().max(0.0) as u64;
    let mut values = Vec::new();
    let mut k = first;
    loop {
        let v = step.tick(k);
        if v > hi * (1.0 + 1e-12) || values.len() > 1000 {
            break;
        }
        if v >= lo * (1.0 - 1e-12) {
            values.push(v);
        }
        k += 1;
    }
    let labels = values.iter().map(|&v| step.label(v, percent)).collect();
    Ticks { values, labels }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_and_labels() {
        let s = Step::at_most(180.0);
        assert_eq!(s.value(), 100.0);
        assert_eq!(s.next().value(), 200.0);
        assert_eq!(Step::at_most(0.3).value(), 0.25);
        let t = ticks_in(0.0, 1.0, Step::at_most(0.2), false);
        assert_eq!(t.labels, ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        assert_eq!(t.values[3], 0.6);
        let p = ticks_in(0.0, 1.0, Step::at_most(0.25), true);
        assert_eq!(p.labels, ["0", "25", "50", "75", "100"]);
        let m = ticks_in(0.0, 30.0, Step::at_most(2.5), false);
        assert_eq!(m.labels[1], "2.5");
        assert_eq!(Step::at_most(2e7).label(2e7, false), "2e7");
    }
}
