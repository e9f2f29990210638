//! Plain-text readers: WebPlotDigitizer's CSV export and a numbers-at-risk
//! table.

use crate::error::Result;
use crate::ErrorDetail;

use super::AtRiskTable;

/// One curve's clicks as read from a digitiser's export.
///
/// # Example
/// ```
/// use survkit::read_webplotdigitizer_csv;
/// let arms = read_webplotdigitizer_csv("0,1\n10.5,0.8\n")?;
/// assert_eq!(arms[0].name(), "curve");
/// assert_eq!(arms[0].points(), [(0.0, 1.0), (10.5, 0.8)]);
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct DigitisedArm {
    name: String,
    points: Vec<(f64, f64)>,
}

impl DigitisedArm {
    /// The dataset's name in the export (`"curve"` when it has none).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The clicks `(time, survival)`, in the file's order.
    pub fn points(&self) -> &[(f64, f64)] {
        &self.points
    }
}

const WHAT: &str = "WebPlotDigitizer CSV";

fn delimiter(text: &str) -> char {
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if first.contains('\t') {
        '\t'
    } else if first.contains(';') {
        ';'
    } else {
        ','
    }
}

fn cells(line: &str, delim: char) -> Vec<String> {
    line.split(delim)
        .map(|c| {
            let c = c.trim().trim_matches('"').trim();
            if delim == ';' {
                // Semicolon-separated exports use a decimal comma.
                c.replace(',', ".")
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn number(cell: &str) -> Option<f64> {
    cell.parse::<f64>().ok()
}

/// Reads the CSV export of WebPlotDigitizer (and of digitisers writing the
/// same layout): one curve as rows `x,y`, or several ("Export all data")
/// as a row of dataset names each over two columns, an optional row
/// `X,Y,X,Y,…`, then rows of `x,y` pairs, a pair left empty where a curve
/// has fewer clicks.
///
/// # Method
/// Plain text: the delimiter is the first line's tab, semicolon (with a
/// decimal comma) or comma; quotes and spaces around cells are dropped;
/// blank lines are skipped.
///
/// # Conventions
/// WebPlotDigitizer 4 exports (File → Export data → CSV). Clicks are
/// returned as read; cleaning happens in [`Reconstruct::fit`](super::Reconstruct::fit).
///
/// # Errors
/// [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) for a text without clicks; [`ErrorDetail::InvalidCsv`](crate::ErrorDetail::InvalidCsv)
/// naming the line for a cell that is not a number or a click with one
/// coordinate.
///
/// # Example
/// ```
/// use survkit::read_webplotdigitizer_csv;
/// let text = "Male,,Female,\nX,Y,X,Y\n0,1,0,1\n5,0.9,7,0.95\n9,0.8,,\n";
/// let arms = read_webplotdigitizer_csv(text)?;
/// assert_eq!((arms[0].name(), arms[1].name()), ("Male", "Female"));
/// assert_eq!(arms[0].points().len(), 3);
/// assert_eq!(arms[1].points(), [(0.0, 1.0), (7.0, 0.95)]);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Rohatgi, A. WebPlotDigitizer, <https://automeris.io/WebPlotDigitizer>.
pub fn read_webplotdigitizer_csv(text: &str) -> Result<Vec<DigitisedArm>> {
    let text = text.trim_start_matches('\u{feff}');
    let delim = delimiter(text);
    let mut names: Vec<String> = Vec::new();
    let mut arms: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut seen_data = false;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let row = cells(line, delim);
        let numeric = row.iter().all(|c| c.is_empty() || number(c).is_some());
        if !numeric {
            if seen_data {
                return Err(ErrorDetail::InvalidCsv {
                    what: WHAT,
                    line: line_no,
                    detail: "a cell is not a number",
                }
                .into());
            }
            let axis = row.iter().all(|c| {
                c.is_empty() || c.eq_ignore_ascii_case("x") || c.eq_ignore_ascii_case("y")
            });
            if !axis {
                names = row.iter().step_by(2).map(|c| c.to_string()).collect();
            }
            continue;
        }
        seen_data = true;
        let pairs = row.len().div_ceil(2);
        if arms.len() < pairs {
            arms.resize(pairs, Vec::new());
        }
        for (j, arm) in arms.iter_mut().enumerate().take(pairs) {
            let x = row.get(2 * j).map_or("", String::as_str);
            let y = row.get(2 * j + 1).map_or("", String::as_str);
            match (number(x), number(y)) {
                (Some(x), Some(y)) => arm.push((x, y)),
                (None, None) => {}
                _ => {
                    return Err(ErrorDetail::InvalidCsv {
                        what: WHAT,
                        line: line_no,
                        detail: "a click has only one coordinate",
                    }
                    .into())
                }
            }
        }
    }
    // Trailing empty pairs (a trailing delimiter) are not curves.
    while arms.last().is_some_and(Vec::is_empty) {
        arms.pop();
    }
    if arms.is_empty() {
        return Err(ErrorDetail::EmptyInput { what: "clicks" }.into());
    }
    let single = arms.len() == 1;
    Ok(arms
        .into_iter()
        .enumerate()
        .map(|(j, points)| DigitisedArm {
            name: match names.get(j).filter(|n| !n.is_empty()) {
                Some(n) => n.clone(),
                None if single => "curve".to_string(),
                None => format!("curve {}", j + 1),
            },
            points,
        })
        .collect())
}

/// Reads numbers-at-risk tables from a CSV text: a header `time,<arm>,…`
/// and one row per time, one column of counts per arm.
///
/// # Method
/// Plain text, delimiters as [`read_webplotdigitizer_csv`]; each column
/// becomes an [`AtRiskTable`].
///
/// # Conventions
/// The layout of the risk table printed under a figure, transposed to one
/// row per time.
///
/// # Errors
/// [`ErrorDetail::InvalidCsv`](crate::ErrorDetail::InvalidCsv) (with the line) for a missing header, a time that
/// is not a number, a count that is not a whole non-negative number or a
/// row of the wrong length; then the errors of [`AtRiskTable::new`].
///
/// # Example
/// ```
/// use survkit::read_at_risk_csv;
/// let tables = read_at_risk_csv("time,Male,Female\n0,138,90\n250,62,53\n")?;
/// assert_eq!(tables[1].0, "Female");
/// assert_eq!(tables[1].1.count(), [90, 53]);
/// assert!(read_at_risk_csv("time,A\n0,-3\n").is_err());
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Guyot, P. et al. (2012). *BMC Med. Res. Methodol.* 12, 9.
/// doi:10.1186/1471-2288-12-9
pub fn read_at_risk_csv(text: &str) -> Result<Vec<(String, AtRiskTable)>> {
    const WHAT_RISK: &str = "numbers-at-risk CSV";
    let text = text.trim_start_matches('\u{feff}');
    let delim = delimiter(text);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((h, header)) = lines.next() else {
        return Err(ErrorDetail::EmptyInput {
            what: "numbers-at-risk CSV",
        }
        .into());
    };
    let header = cells(header, delim);
    if header.len() < 2 || header.first().is_some_and(|c| number(c).is_some()) {
        return Err(ErrorDetail::InvalidCsv {
            what: WHAT_RISK,
            line: h + 1,
            detail: "expected a header `time,<arm>,...`",
        }
        .into());
    }
    let arms = header.len() - 1;
    let mut times = Vec::new();
    let mut counts = vec![Vec::new(); arms];
    for (i, line) in lines {
        let row = cells(line, delim);
        if row.len() != header.len() {
            return Err(ErrorDetail::InvalidCsv {
                what: WHAT_RISK,
                line: i + 1,
                detail: "the row does not have one count per arm",
            }
            .into());
        }
        let t = number(&row[0]).ok_or(ErrorDetail::InvalidCsv {
            what: WHAT_RISK,
            line: i + 1,
            detail: "the time is not a number",
        })?;
        times.push(t);
        for (col, cell) in counts.iter_mut().zip(&row[1..]) {
            let c = cell.parse::<u64>().map_err(|_| ErrorDetail::InvalidCsv {
                what: WHAT_RISK,
                line: i + 1,
                detail: "a count is not a whole non-negative number",
            })?;
            col.push(c);
        }
    }
    header[1..]
        .iter()
        .zip(counts)
        .map(|(name, c)| Ok((name.clone(), AtRiskTable::new(times.clone(), c)?)))
        .collect()
}
