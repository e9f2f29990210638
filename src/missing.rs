//! Columns as they come from a file: missing values dropped in one call
//! (R's `na.action = na.omit`), numeric or text group labels ordered as R
//! orders factor levels.

use crate::ErrorDetail;
use std::cmp::Ordering;
use std::fmt;

use crate::data::{Factor, SurvivalData};
use crate::error::Result;
use crate::rformat::format_number;

/// One group or stratum label as read from a data file: a number or a text.
///
/// Numbers sort numerically and print as R's `as.character` prints them
/// (`1`, `0.5`, `1e+05`); texts sort as strings; every number sorts before
/// every text. This is the order R gives the levels of `factor(x)` for a
/// numeric or character column, so curves and groups come out in R's order.
/// `-0.0` is the level `0`.
///
/// # Example
/// ```
/// use survkit::Level;
/// let mut levels = vec![Level::from(10.0), Level::from(2.0), Level::from("b")];
/// levels.sort();
/// assert_eq!(levels.iter().map(|l| l.to_string()).collect::<Vec<_>>(), ["2", "10", "b"]);
/// ```
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum Level {
    /// A numeric label (finite; NaN is a missing value, not a level).
    Number(f64),
    /// A text label.
    Text(String),
}

impl Level {
    fn number(x: f64) -> Level {
        // -0.0 and 0.0 are one level, as in R.
        Level::Number(if x == 0.0 { 0.0 } else { x })
    }
}

impl From<f64> for Level {
    fn from(x: f64) -> Level {
        Level::number(x)
    }
}

impl From<i64> for Level {
    fn from(x: i64) -> Level {
        Level::number(x as f64)
    }
}

impl From<u8> for Level {
    fn from(x: u8) -> Level {
        Level::number(f64::from(x))
    }
}

impl From<&str> for Level {
    fn from(s: &str) -> Level {
        Level::Text(s.to_string())
    }
}

impl From<String> for Level {
    fn from(s: String) -> Level {
        Level::Text(s)
    }
}

impl From<&String> for Level {
    fn from(s: &String) -> Level {
        Level::Text(s.clone())
    }
}

impl PartialEq for Level {
    fn eq(&self, other: &Level) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Level {}

impl PartialOrd for Level {
    fn partial_cmp(&self, other: &Level) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Level {
    fn cmp(&self, other: &Level) -> Ordering {
        match (self, other) {
            (Level::Number(a), Level::Number(b)) => a.total_cmp(b),
            (Level::Number(_), Level::Text(_)) => Ordering::Less,
            (Level::Text(_), Level::Number(_)) => Ordering::Greater,
            (Level::Text(a), Level::Text(b)) => a.cmp(b),
        }
    }
}

impl fmt::Display for Level {
    /// Numbers as R's `as.character` (15 significant digits), texts as they are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Level::Number(x) => f.write_str(&format_number(*x, 15)),
            Level::Text(s) => f.write_str(s),
        }
    }
}

/// A label column with its optional declared level order.
#[derive(Debug, Clone)]
struct LabelColumn {
    labels: Vec<Option<Level>>,
    levels: Option<Vec<Level>>,
}

impl LabelColumn {
    /// The labels, with the level order given or (`None`) R's `factor()`
    /// order.
    fn new<L: Into<Level> + Clone>(labels: &[Option<L>], levels: Option<&[L]>) -> Self {
        LabelColumn {
            labels: to_levels(labels),
            levels: levels.map(|l| l.iter().cloned().map(Into::into).collect()),
        }
    }
}

fn to_levels<L: Into<Level> + Clone>(labels: &[Option<L>]) -> Vec<Option<Level>> {
    labels
        .iter()
        .map(|l| match l.clone().map(Into::into) {
            Some(Level::Number(x)) if x.is_nan() => None,
            other => other,
        })
        .collect()
}

/// Survival data from columns with missing values: rows with a missing
/// time, status, group, stratum, weight or entry are dropped and counted (R's
/// default `na.action = na.omit`), then the rest is validated as
/// [`SurvivalData::builder`] validates it.
///
/// # Method
/// A row is complete when every column given (time, status, group,
/// stratum, weight, entry) has a value there (`Some`,
/// and not NaN for numbers). Complete rows keep their order. Group and
/// stratum labels may be numbers or texts ([`Level`]); their levels are
/// ordered as R orders `factor()` levels unless an order is given.
///
/// # Conventions
/// R: `survfit(Surv(time, status) ~ group, data)` with the default
/// `na.action = na.omit` drops the incomplete rows and reports them
/// (`print` says "1 observation deleted due to missingness"); survkit
/// returns the kept data and the zero-based indices of the dropped rows in
/// [`CompleteCases`]. Values that are present but invalid (a negative time,
/// an infinite time) are errors, never dropped: only missing is missing.
///
/// # Errors
/// [`ErrorDetail::LengthMismatch`](crate::ErrorDetail::LengthMismatch) when a column's length differs from `time`'s;
/// [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) when no row is complete; otherwise as
/// [`SurvivalDataBuilder::build`](crate::SurvivalDataBuilder::build).
///
/// # Example
/// ```
/// use survkit::{CompleteCasesBuilder, KaplanMeier};
/// // A CSV column with a missing time and a missing group.
/// let time = [Some(5.0), None, Some(8.0), Some(12.0), Some(3.0)];
/// let event = [Some(true), Some(true), Some(false), Some(true), Some(true)];
/// let sex = [Some(1.0), Some(2.0), Some(2.0), None, Some(1.0)];
/// let complete = CompleteCasesBuilder::new(&time, &event).groups(&sex).build()?;
/// assert_eq!(complete.dropped(), &[1, 3]);
/// assert_eq!(complete.to_string(), "2 observations deleted due to missingness");
/// let fit = KaplanMeier::new().fit(complete.data())?;
/// assert_eq!(fit.curves()[0].name(), "1");
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// R Core Team. `?na.omit`, `?factor` (R documentation).
#[derive(Debug, Clone)]
#[must_use]
pub struct CompleteCasesBuilder {
    time: Vec<Option<f64>>,
    event: Vec<Option<bool>>,
    groups: Option<LabelColumn>,
    strata: Option<LabelColumn>,
    weights: Option<Vec<Option<f64>>>,
    entry: Option<Vec<Option<f64>>>,
}

impl CompleteCasesBuilder {
    /// Times and event indicators, `None` where missing.
    pub fn new(time: &[Option<f64>], event: &[Option<bool>]) -> Self {
        CompleteCasesBuilder {
            time: time.to_vec(),
            event: event.to_vec(),
            groups: None,
            strata: None,
            weights: None,
            entry: None,
        }
    }

    /// Times and a numeric status column (R's `Surv(time, status)`): the
    /// event is `status == event_code` (1 for 0/1 coding, 2 for R's
    /// `lung`-style 1/2 coding); any other present value is censored.
    pub fn with_status(time: &[Option<f64>], status: &[Option<f64>], event_code: f64) -> Self {
        let event: Vec<Option<bool>> = status
            .iter()
            .map(|s| s.filter(|x| !x.is_nan()).map(|x| x == event_code))
            .collect();
        Self::new(time, &event)
    }

    /// Group labels (numbers or texts), `None` where missing; levels in R's
    /// `factor()` order.
    pub fn groups<L: Into<Level> + Clone>(mut self, labels: &[Option<L>]) -> Self {
        self.groups = Some(LabelColumn::new(labels, None));
        self
    }

    /// Group labels with the level order given (every label must be one of
    /// `levels`).
    pub fn group_levels<L: Into<Level> + Clone>(
        mut self,
        labels: &[Option<L>],
        levels: &[L],
    ) -> Self {
        self.groups = Some(LabelColumn::new(labels, Some(levels)));
        self
    }

    /// Stratum labels (numbers or texts), `None` where missing.
    pub fn strata<L: Into<Level> + Clone>(mut self, labels: &[Option<L>]) -> Self {
        self.strata = Some(LabelColumn::new(labels, None));
        self
    }

    /// Stratum labels with the level order given (every label must be one
    /// of `levels`; a level may have no rows).
    pub fn stratum_levels<L: Into<Level> + Clone>(
        mut self,
        labels: &[Option<L>],
        levels: &[L],
    ) -> Self {
        self.strata = Some(LabelColumn::new(labels, Some(levels)));
        self
    }

    /// Case weights, `None` where missing.
    pub fn weights(mut self, weights: &[Option<f64>]) -> Self {
        self.weights = Some(weights.to_vec());
        self
    }

    /// Entry times (left truncation, R's `Surv(entry, time, event)`),
    /// `None` where missing.
    pub fn entry(mut self, entry: &[Option<f64>]) -> Self {
        self.entry = Some(entry.to_vec());
        self
    }

    /// Drops the incomplete rows and validates the rest.
    ///
    /// # Errors
    /// See [`CompleteCasesBuilder`].
    pub fn build(self) -> Result<CompleteCases> {
        self.check_lengths()?;
        let n = self.time.len();
        let (kept, dropped): (Vec<usize>, Vec<usize>) = (0..n).partition(|&i| self.complete(i));
        if kept.is_empty() {
            return Err(ErrorDetail::EmptyInput {
                what: "complete rows (every row has a missing value)",
            }
            .into());
        }
        Ok(CompleteCases {
            data: self.kept_data(&kept)?,
            dropped,
        })
    }

    /// Every column given has one value per time.
    fn check_lengths(&self) -> Result<()> {
        let n = self.time.len();
        let check = |what: &'static str, len: usize| -> Result<()> {
            if len == n {
                Ok(())
            } else {
                Err(ErrorDetail::LengthMismatch {
                    what,
                    expected: n,
                    actual: len,
                }
                .into())
            }
        };
        check("event", self.event.len())?;
        if let Some(g) = &self.groups {
            check("groups", g.labels.len())?;
        }
        if let Some(s) = &self.strata {
            check("strata", s.labels.len())?;
        }
        if let Some(w) = &self.weights {
            check("weights", w.len())?;
        }
        if let Some(e) = &self.entry {
            check("entry", e.len())?;
        }
        Ok(())
    }

    /// Whether row `i` has every value (a NaN number is missing).
    fn complete(&self, i: usize) -> bool {
        let present = |x: Option<f64>| x.is_some_and(|v| !v.is_nan());
        present(self.time[i])
            && self.event[i].is_some()
            && self.groups.as_ref().is_none_or(|g| g.labels[i].is_some())
            && self.strata.as_ref().is_none_or(|s| s.labels[i].is_some())
            && self.weights.as_ref().is_none_or(|w| present(w[i]))
            && self.entry.as_ref().is_none_or(|e| present(e[i]))
    }

    /// The validated data of the complete rows `kept`.
    fn kept_data(&self, kept: &[usize]) -> Result<SurvivalData> {
        let value = |x: Option<f64>| x.expect("complete rows have every value");
        let time: Vec<f64> = kept.iter().map(|&i| value(self.time[i])).collect();
        let event: Vec<bool> = kept
            .iter()
            .map(|&i| self.event[i].expect("complete rows have every value"))
            .collect();
        let pick = |col: &LabelColumn| -> Vec<Level> {
            kept.iter()
                .map(|&i| {
                    col.labels[i]
                        .clone()
                        .expect("complete rows have every label")
                })
                .collect()
        };
        let mut builder = SurvivalData::builder(time, event);
        if let Some(g) = &self.groups {
            builder.set_factor(Factor::Group, &pick(g), g.levels.as_deref());
        }
        if let Some(s) = &self.strata {
            builder.set_factor(Factor::Stratum, &pick(s), s.levels.as_deref());
        }
        if let Some(w) = &self.weights {
            builder = builder.weights(kept.iter().map(|&i| value(w[i])).collect::<Vec<_>>());
        }
        if let Some(e) = &self.entry {
            builder = builder.entry(kept.iter().map(|&i| value(e[i])).collect::<Vec<_>>());
        }
        builder.build()
    }
}

/// The complete rows as [`SurvivalData`] and the indices of the rows
/// dropped for missing values (R's `na.action`).
///
/// # Example
/// See [`CompleteCasesBuilder`].
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct CompleteCases {
    data: SurvivalData,
    dropped: Vec<usize>,
}

impl CompleteCases {
    /// The validated data of the complete rows.
    pub fn data(&self) -> &SurvivalData {
        &self.data
    }

    /// The data, by value.
    pub fn into_data(self) -> SurvivalData {
        self.data
    }

    /// Zero-based indices of the rows dropped for a missing value.
    pub fn dropped(&self) -> &[usize] {
        &self.dropped
    }
}

impl fmt::Display for CompleteCases {
    /// R's `naprint`: `1 observation deleted due to missingness`, or
    /// `no observation deleted`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.dropped.len() {
            0 => f.write_str("no observation deleted"),
            1 => f.write_str("1 observation deleted due to missingness"),
            k => write!(f, "{k} observations deleted due to missingness"),
        }
    }
}
