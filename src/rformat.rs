//! R's number formatting, so that results print with the digits R prints.
//!
//! R formats a numeric vector (a matrix column, a vector of estimates) with
//! one common layout: every element gets the number of decimals that the
//! element needing the most requires to show `digits` significant digits
//! (trailing zeros dropped), and the whole vector switches to scientific
//! notation when that is narrower (R's `formatReal` in `src/main/format.c`,
//! with `scipen = 0`). `format.pval` adds the `< eps` rule. These private
//! helpers reproduce that logic; the printed-output tests
//! (`tests/print.rs`) compare them with R's own output.

/// `KP_MAX` in R's `format.c`: the largest power of ten R tabulates.
const KP_MAX: i32 = 22;

/// Decimal layout of one finite number at `digits` significant digits:
/// `(negative, kpower, nsig, rounding_widens)` as R's `scientific()`.
fn scientific(x: f64, digits: usize) -> (bool, i32, i32, bool) {
    let neg = x < 0.0;
    let alpha = x.abs();
    if alpha == 0.0 {
        return (false, 0, 1, false);
    }
    // Correctly rounded mantissa with `digits` significant digits.
    let text = format!("{:.*e}", digits - 1, alpha);
    let (mantissa, exponent) = text
        .split_once('e')
        .expect("Rust's {:e} output always has an exponent");
    let kpower: i32 = exponent
        .parse()
        .expect("Rust's {:e} exponent is an integer");
    let sig: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
    let trailing = sig.iter().rev().take_while(|&&d| d == b'0').count();
    let nsig = (sig.len() - trailing).max(1) as i32;
    // Fixed notation may show a number that scientific rounding widened
    // (9996 at 3 digits is 1.00e4 but prints as 9996).
    let rgt = (digits as i32 - kpower).clamp(0, KP_MAX);
    let fuzz = 0.5 / 10f64.powi(rgt);
    let widens = kpower > 0 && kpower <= KP_MAX && alpha < 10f64.powi(kpower) - fuzz;
    (neg, kpower, nsig, widens)
}

/// How a vector is laid out: fixed with `decimals`, or scientific with
/// `decimals` mantissa digits; `width` is the common field width.
#[derive(Debug, Clone, Copy)]
struct Layout {
    scientific: bool,
    decimals: usize,
    width: usize,
}

fn layout(values: &[f64], digits: usize) -> Layout {
    let digits = digits.clamp(1, 22);
    let (mut neg, mut rgt, mut mxsl) = (false, i32::MIN, i32::MIN);
    let (mut mxl, mut mnl, mut mxns) = (i32::MIN, i32::MAX, i32::MIN);
    let mut non_finite_width = 0;
    for &x in values {
        if !x.is_finite() {
            non_finite_width = non_finite_width.max(non_finite(x).len());
            continue;
        }
        let (neg_i, kpower, nsig, widens) = scientific(x, digits);
        let left = kpower + 1 - i32::from(widens);
        let sleft = i32::from(neg_i) + left.max(1);
        rgt = rgt.max(nsig - left);
        mxl = mxl.max(left);
        mnl = mnl.min(left);
        mxsl = mxsl.max(sleft);
        mxns = mxns.max(nsig);
        neg |= neg_i;
    }
    if mxns == i32::MIN {
        return Layout {
            scientific: false,
            decimals: 0,
            width: non_finite_width,
        };
    }
    if mxl < 0 {
        mxsl = 1 + i32::from(neg);
    }
    let rgt = rgt.max(0);
    let fixed_width = mxsl + rgt + i32::from(rgt != 0);
    let exp_digits = if mxl > 100 || mnl <= -99 { 2 } else { 1 };
    let d = mxns - 1;
    let sci_width = i32::from(neg) + i32::from(d > 0) + d + 4 + exp_digits;
    let (scientific, decimals, width) = if fixed_width <= sci_width {
        (false, rgt, fixed_width)
    } else {
        (true, d, sci_width)
    };
    Layout {
        scientific,
        decimals: decimals as usize,
        width: (width as usize).max(non_finite_width),
    }
}

fn non_finite(x: f64) -> &'static str {
    if x.is_nan() {
        "NA"
    } else if x > 0.0 {
        "Inf"
    } else {
        "-Inf"
    }
}

/// C's `%.*e`: at least two exponent digits.
fn c_exp(x: f64, decimals: usize) -> String {
    let text = format!("{:.*e}", decimals, x);
    let (mantissa, exponent) = text
        .split_once('e')
        .expect("Rust's {:e} output always has an exponent");
    let (sign, digits) = match exponent.strip_prefix('-') {
        Some(d) => ('-', d),
        None => ('+', exponent),
    };
    format!("{mantissa}e{sign}{digits:0>2}")
}

fn encode(x: f64, lay: Layout) -> String {
    // R prints a negative zero as 0 (`print(-0)`, `format(-0)`).
    let x = if x == 0.0 { 0.0 } else { x };
    if !x.is_finite() {
        non_finite(x).to_string()
    } else if lay.scientific {
        c_exp(x, lay.decimals)
    } else {
        format!("{:.*}", lay.decimals, x)
    }
}

/// R's `format(values, digits = digits)`: one common layout, each string
/// right-aligned to the common width. NaN prints as `NA` (R's `NA_real_`).
pub(crate) fn format_column(values: &[f64], digits: usize) -> Vec<String> {
    let lay = layout(values, digits);
    values
        .iter()
        .map(|&x| format!("{:>w$}", encode(x, lay), w = lay.width))
        .collect()
}

/// R's `format(x, digits = digits)` for one number.
pub(crate) fn format_number(x: f64, digits: usize) -> String {
    let lay = layout(&[x], digits);
    encode(x, lay)
}

/// R's `format.pval(p, digits)` for one p-value (`eps` = machine epsilon).
pub(crate) fn format_pval(p: f64, digits: usize) -> String {
    format_pvals(&[p], digits)
        .pop()
        .expect("one value in, one out")
}

/// R's `format.pval(values, digits)` (R 4.x): values with decimal exponent
/// at least -3 (or -4 when `digits > 1`) share one layout, the others
/// another; values below machine epsilon print as `< 2.2e-16` (fewer digits,
/// and no space at one digit, as R). NaN prints as `NA`.
pub(crate) fn format_pvals(values: &[f64], digits: usize) -> Vec<String> {
    let digits = digits.max(1);
    let expo = |p: f64| if p > 0.0 { p.log10().floor() } else { -50.0 };
    let fixp = |p: f64| expo(p) >= -3.0 || (expo(p) == -4.0 && digits > 1);
    let ok = |p: f64| !p.is_nan() && p >= f64::EPSILON;
    let fix: Vec<f64> = values
        .iter()
        .copied()
        .filter(|&p| ok(p) && fixp(p))
        .collect();
    let sci: Vec<f64> = values
        .iter()
        .copied()
        .filter(|&p| ok(p) && !fixp(p))
        .collect();
    let (fix_s, sci_s) = (format_column(&fix, digits), format_column(&sci, digits));
    let nc = fix_s.iter().chain(&sci_s).map(|s| s.chars().count()).max();
    let mut d = digits.saturating_sub(2).max(1);
    let sep = match nc {
        Some(nc) => {
            if d > 1 && d + 6 > nc {
                d = nc.saturating_sub(7).max(1);
            }
            if d == 1 && nc <= 6 {
                ""
            } else {
                " "
            }
        }
        None => {
            if d == 1 {
                ""
            } else {
                " "
            }
        }
    };
    let tiny = format!("<{sep}{}", format_number(f64::EPSILON, d));
    let (mut fi, mut si) = (fix_s.into_iter(), sci_s.into_iter());
    values
        .iter()
        .map(|&p| {
            if p.is_nan() {
                "NA".to_string()
            } else if p < f64::EPSILON {
                tiny.clone()
            } else if fixp(p) {
                fi.next().expect("counted above")
            } else {
                si.next().expect("counted above")
            }
        })
        .collect()
}

/// A right-aligned text table: `header` cells over `rows`, the first
/// column (row names) left-aligned, as R prints a matrix with row names.
pub(crate) fn matrix(header: &[&str], row_names: &[String], columns: &[Vec<String>]) -> String {
    let name_width = row_names
        .iter()
        .map(|s| s.chars().count())
        .max()
        .unwrap_or(0);
    let widths: Vec<usize> = header
        .iter()
        .zip(columns)
        .map(|(h, col)| {
            col.iter()
                .map(|s| s.chars().count())
                .chain(std::iter::once(h.chars().count()))
                .max()
                .expect("the iterator holds the header")
        })
        .collect();
    let mut out = format!("{:name_width$}", "");
    for (h, w) in header.iter().zip(&widths) {
        out.push_str(&format!(" {h:>w$}"));
    }
    out.push('\n');
    for (r, name) in row_names.iter().enumerate() {
        out.push_str(&format!("{name:name_width$}"));
        for (col, w) in columns.iter().zip(&widths) {
            let cell = col.get(r).map_or("", String::as_str);
            out.push_str(&format!(" {cell:>w$}"));
        }
        out.push('\n');
    }
    out
}

/// R's print of a named numeric vector of length one: the name over the
/// value, both right-aligned to the wider, each line ending in a space.
pub(crate) fn named_value(name: &str, value: f64, digits: usize) -> String {
    let v = format_number(value, digits);
    let w = name.chars().count().max(v.chars().count());
    format!("{name:>w$} \n{v:>w$} \n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_as_r_formats_them() {
        // R: format(c(54.153, 83.528, 26.147, 0.172), digits = 3)
        assert_eq!(
            format_column(&[54.153, 83.528, 26.147, 0.172], 3),
            ["54.153", "83.528", "26.147", " 0.172"]
        );
        // R: format(c(0.0, 0.7125815), digits = 7)
        assert_eq!(
            format_column(&[0.0, 0.712_581_5], 7),
            ["0.0000000", "0.7125815"]
        );
        // R: format(c(0.3135693, Inf), digits = 7)
        assert_eq!(
            format_column(&[0.313_569_3, f64::INFINITY], 7),
            ["0.3135693", "      Inf"]
        );
        assert_eq!(format_pval(7.0e-5, 1), "7e-05");
        assert_eq!(format_pval(0.001_006, 1), "0.001");
        assert_eq!(format_pval(0.010_835_91, 4), "0.01084");
        assert_eq!(format_pval(1e-300, 4), "< 2.2e-16");
        assert_eq!(format_number(9996.0, 3), "9996");
        assert_eq!(format_number(21.97, 3), "22");
        assert_eq!(format_pval(1e-300, 1), "<2e-16");
    }

    /// The numbers of the design prints (clinfun's `cat()` of a rate, a
    /// column of expected sizes), and R's switch to scientific notation
    /// when it is narrower: `print(1e5)` is `1e+05`, `print(123456)` is
    /// `123456`.
    #[test]
    fn numbers_as_r_prints_them() {
        assert_eq!(format_number(0.1, 7), "0.1");
        assert_eq!(format_number(0.05, 7), "0.05");
        assert_eq!(format_number(227.61866, 7), "227.6187");
        assert_eq!(format_number(30.0, 7), "30");
        assert_eq!(format_number(1.5e-8, 7), "1.5e-08");
        assert_eq!(format_number(1e5, 7), "1e+05");
        assert_eq!(format_number(123_456.0, 7), "123456");
        assert_eq!(format_number(1e-5, 7), "1e-05");
        assert_eq!(format_number(-0.0, 7), "0");
        assert_eq!(format_column(&[-0.0, 1.5], 7), ["0.0", "1.5"]);
        assert_eq!(format_column(&[0.7361, 0.549], 4), ["0.7361", "0.5490"]);
        assert_eq!(format_column(&[15.0079, 19.5144], 4), ["15.01", "19.51"]);
        assert_eq!(format_column(&[1.0, 10.0], 4), [" 1", "10"]);
    }
}
