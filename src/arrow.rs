//! Arrow record batches in and out (feature `arrow`): survival data and
//! pre-aggregated counts from the columns of a `RecordBatch`, and the result
//! tables (a fit's curves, its numbers at risk, a log-rank table) as
//! `RecordBatch`es.
//!
//! Only `arrow-array` and `arrow-schema` are used: no compute kernels, no
//! IPC, no Parquet. Any engine that hands out arrow-rs record batches
//! (DataFusion, the `duckdb` crate's `query_arrow`, Polars through its
//! `arrow_rs` conversions) reaches survkit through these two builders.

use crate::builder::setters;
use crate::ErrorDetail;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    UInt16Type, UInt32Type, UInt64Type, UInt8Type,
};
use arrow_array::{Array, ArrayRef, Float64Array, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};

use crate::error::{Error, Result};
use crate::event_table::{CountRow, EventTable};
use crate::kaplan_meier::KaplanMeierFit;
use crate::logrank::LogRankResult;
use crate::missing::{CompleteCases, CompleteCasesBuilder, Level};

/// The label-column setters both readers have (`groups`, `group_levels`,
/// `strata`, `stratum_levels`), declared by their signatures: with a
/// column only, the levels come in R's `factor()` order; with `levels`, in
/// the order given.
macro_rules! label_setters {
    () => {};
    (
        $(#[$meta:meta])* pub fn $name:ident(mut self, column: &str) -> Self { self.$field:ident }
        $($rest:tt)*
    ) => {
        $(#[$meta])* pub fn $name(mut self, column: &str) -> Self {
            self.$field = Some((column.to_owned(), None));
            self
        }
        label_setters! { $($rest)* }
    };
    (
        $(#[$meta:meta])* pub fn $name:ident<L: Into<Level> + Clone>(mut self, column: &str, levels: &[L]) -> Self { self.$field:ident }
        $($rest:tt)*
    ) => {
        $(#[$meta])* pub fn $name<L: Into<Level> + Clone>(mut self, column: &str, levels: &[L]) -> Self {
            let levels = levels.iter().cloned().map(Into::into).collect();
            self.$field = Some((column.to_owned(), Some(levels)));
            self
        }
        label_setters! { $($rest)* }
    };
}

/// Integers up to 2⁵³ in magnitude are exact in an `f64`; a larger integer
/// (a time, a count, a label) would be silently rounded, so it is an error.
const EXACT_INT_MAX: i128 = 1 << 53;

/// The numeric types a time, weight, status or count column may have.
const NUMERIC: &str = "a numeric column (Float64, Float32, Int8..Int64, UInt8..UInt64, \
                       Decimal128 with scale 0)";

/// The types a group or stratum column may have.
const LABEL: &str = "a label column (Utf8, LargeUtf8, Utf8View, Boolean, a numeric type, \
                     or a Dictionary of these)";

/// What to do with a row that has a missing value (null, or NaN in a numeric
/// column) in one of the columns read.
///
/// # Conventions
/// R's `na.action`: `Omit` is `na.omit` (R's default: the row is dropped
/// and counted, see [`CompleteCases`]), `Fail` is `na.fail` (an error
/// naming the column and the row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum NaAction {
    /// Drop incomplete rows and report their indices (R's `na.omit`).
    #[default]
    Omit,
    /// Return [`ErrorDetail::MissingValue`](crate::ErrorDetail::MissingValue) at the first missing value (R's `na.fail`).
    Fail,
}

/// [`SurvivalData`](crate::SurvivalData) from the columns of Arrow record
/// batches, named by the caller.
///
/// # Method
/// The batches are read in order as one table (a query result usually comes
/// as several batches). `time` (and `entry`, `weight`) are numeric columns;
/// `status` is a Boolean column (true = event) or a numeric column whose
/// value `event_code` marks an event (any other value is a censoring, as
/// [`CompleteCasesBuilder::with_status`] reads it); group and stratum
/// columns are text, integer, floating-point, Boolean or dictionary-encoded
/// columns ([`Level`]: numbers sort numerically and before texts, as R
/// orders `factor()` levels). Rows with a missing value are handled as
/// [`NaAction`] says, through [`CompleteCasesBuilder`] (the same rule as any
/// other source of columns); the rest is validated as
/// [`SurvivalData::builder`](crate::SurvivalData::builder) validates it.
///
/// # Conventions
/// R: `survfit(Surv(entry, time, status == code) ~ group + strata(stratum),
/// weights = weight, na.action = na.omit)`. A Boolean group column has the
/// levels `FALSE`, `TRUE`, R's names for a logical factor.
///
/// # Errors
/// [`ErrorDetail::MissingColumn`](crate::ErrorDetail::MissingColumn) for a name not in the batches,
/// [`ErrorDetail::ColumnType`](crate::ErrorDetail::ColumnType) for a column of a type survkit cannot read for its
/// role, [`ErrorDetail::IntegerOutOfRange`](crate::ErrorDetail::IntegerOutOfRange) for an integer beyond 2⁵³ in
/// magnitude (it would be rounded), [`ErrorDetail::MissingValue`](crate::ErrorDetail::MissingValue) with
/// [`NaAction::Fail`], [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) for no rows or no complete row,
/// otherwise as [`CompleteCasesBuilder::build`].
///
/// # Example
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Float64Array, Int32Array, RecordBatch, StringArray};
/// use survkit::{ArrowSurvivalData, KaplanMeier, NaAction};
///
/// let batch = RecordBatch::try_from_iter([
///     ("time", Arc::new(Float64Array::from(vec![Some(5.0), None, Some(8.0), Some(3.0)])) as ArrayRef),
///     ("status", Arc::new(Int32Array::from(vec![2, 2, 1, 2])) as ArrayRef),
///     ("arm", Arc::new(StringArray::from(vec!["b", "a", "a", "b"])) as ArrayRef),
/// ])?;
/// let complete = ArrowSurvivalData::new("time", "status")
///     .event_code(2.0)
///     .groups("arm")
///     .build(&[batch.clone()])?;
/// assert_eq!(complete.dropped(), &[1]);
/// let fit = KaplanMeier::new().fit(complete.data())?;
/// assert_eq!(fit.curves()[1].survival(), [0.5, 0.0]);
/// // R's na.fail: the missing time is an error naming the column and row.
/// let err = ArrowSurvivalData::new("time", "status").na_action(NaAction::Fail).build(&[batch]);
/// assert_eq!(err.unwrap_err().to_string(), r#"column "time" is missing (null or NaN) at row 1"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Polars and DuckDB reach it through Arrow, without survkit depending on
/// either (a sketch: the conversion calls are theirs, their arrow-rs
/// version must be one survkit accepts, see the README):
///
/// ```text
/// // DuckDB (crate duckdb, feature "arrow"): query_arrow yields arrow-rs batches.
/// let batches: Vec<RecordBatch> = conn.prepare("SELECT time, status, arm FROM trial")?
///     .query_arrow([])?.collect();
/// let data = ArrowSurvivalData::new("time", "status").groups("arm").build(&batches)?;
///
/// // Polars: a DataFrame's columns as arrow-rs arrays (polars-arrow, feature "arrow_rs"),
/// // or from Python: pl.DataFrame.to_arrow() / duckdb's .arrow() over the C data interface.
/// let batch = RecordBatch::try_from_iter(df.get_columns().iter().map(|c| {
///     (c.name().as_str(), ArrayRef::from(c.as_materialized_series().to_arrow(0, CompatLevel::newest())))
/// }))?;
/// ```
///
/// # References
/// R Core Team. `?na.omit`, `?na.fail`. Apache Arrow columnar format,
/// <https://arrow.apache.org/docs/format/Columnar.html>.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct ArrowSurvivalData {
    time: String,
    status: String,
    event_code: f64,
    group: Option<(String, Option<Vec<Level>>)>,
    stratum: Option<(String, Option<Vec<Level>>)>,
    weight: Option<String>,
    entry: Option<String>,
    na_action: NaAction,
}

impl ArrowSurvivalData {
    /// Reads the exit time from column `time` and the status from column
    /// `status` (event code 1 for a numeric status).
    pub fn new(time: &str, status: &str) -> Self {
        ArrowSurvivalData {
            time: time.to_owned(),
            status: status.to_owned(),
            event_code: 1.0,
            group: None,
            stratum: None,
            weight: None,
            entry: None,
            na_action: NaAction::Omit,
        }
    }

    setters! {
        /// The value of a numeric status column that marks an event (1 for 0/1
        /// coding, the default; 2 for R's `lung`-style 1/2 coding). Ignored for a
        /// Boolean status column.
        pub fn event_code(mut self, code: f64) -> Self { self.event_code }
    }

    label_setters! {
        /// Group labels from this column; levels in R's `factor()` order.
        pub fn groups(mut self, column: &str) -> Self { self.group }

        /// Group labels from this column with the levels in the order given (a
        /// level may have no rows: one partition of a larger data set).
        pub fn group_levels<L: Into<Level> + Clone>(mut self, column: &str, levels: &[L]) -> Self { self.group }

        /// Stratum labels from this column; levels in R's `factor()` order.
        pub fn strata(mut self, column: &str) -> Self { self.stratum }

        /// Stratum labels from this column with the levels in the order given.
        pub fn stratum_levels<L: Into<Level> + Clone>(mut self, column: &str, levels: &[L]) -> Self { self.stratum }
    }

    /// Case weights (frequency weights) from this column.
    pub fn weights(mut self, column: &str) -> Self {
        self.weight = Some(column.to_owned());
        self
    }

    /// Entry times (left truncation) from this column.
    pub fn entry(mut self, column: &str) -> Self {
        self.entry = Some(column.to_owned());
        self
    }

    setters! {
        /// What to do with rows that have a missing value ([`NaAction::Omit`]
        /// by default).
        pub fn na_action(mut self, action: NaAction) -> Self { self.na_action }
    }

    /// Reads the columns of `batches` (in order, as one table) and returns
    /// the complete rows as validated data with the indices of the rows
    /// dropped.
    ///
    /// # Errors
    /// See [`ArrowSurvivalData`].
    pub fn build(&self, batches: &[RecordBatch]) -> Result<CompleteCases> {
        self.build_impl(batches)
    }

    fn build_impl<'a>(&'a self, batches: &[RecordBatch]) -> Result<CompleteCases> {
        let time = numeric_column(batches, &self.time)?;
        let event = status_column(batches, &self.status, self.event_code)?;
        let group = self
            .group
            .as_ref()
            .map(|(c, _)| label_column(batches, c))
            .transpose()?;
        let stratum = self
            .stratum
            .as_ref()
            .map(|(c, _)| label_column(batches, c))
            .transpose()?;
        let weight = self
            .weight
            .as_ref()
            .map(|c| numeric_column(batches, c))
            .transpose()?;
        let entry = self
            .entry
            .as_ref()
            .map(|c| numeric_column(batches, c))
            .transpose()?;
        if self.na_action == NaAction::Fail {
            let num = |v: &Option<f64>| v.is_none_or(f64::is_nan);
            let mut first: Option<(usize, &str)> = None;
            let mut note = |index: Option<usize>, column: &'a str| {
                if let Some(i) = index {
                    if first.is_none_or(|(f, _)| i < f) {
                        first = Some((i, column));
                    }
                }
            };
            // Columns in the order R's model frame lists them; the first row wins.
            note(time.iter().position(num), &self.time);
            note(event.iter().position(Option::is_none), &self.status);
            if let (Some(g), Some((c, _))) = (&group, &self.group) {
                note(g.iter().position(Option::is_none), c);
            }
            if let (Some(s), Some((c, _))) = (&stratum, &self.stratum) {
                note(s.iter().position(Option::is_none), c);
            }
            if let (Some(w), Some(c)) = (&weight, &self.weight) {
                note(w.iter().position(num), c);
            }
            if let (Some(e), Some(c)) = (&entry, &self.entry) {
                note(e.iter().position(num), c);
            }
            if let Some((index, column)) = first {
                return Err(ErrorDetail::MissingValue {
                    column: column.to_owned(),
                    index,
                }
                .into());
            }
        }
        if time.is_empty() {
            return Err(ErrorDetail::EmptyInput { what: "time" }.into());
        }
        let mut builder = CompleteCasesBuilder::new(&time, &event);
        if let (Some(labels), Some((_, levels))) = (&group, &self.group) {
            builder = match levels {
                Some(l) => builder.group_levels(labels, l),
                None => builder.groups(labels),
            };
        }
        if let (Some(labels), Some((_, levels))) = (&stratum, &self.stratum) {
            builder = match levels {
                Some(l) => builder.stratum_levels(labels, l),
                None => builder.strata(labels),
            };
        }
        if let Some(w) = &weight {
            builder = builder.weights(w);
        }
        if let Some(e) = &entry {
            builder = builder.entry(e);
        }
        builder.build()
    }
}

/// An [`EventTable`] from a batch of pre-aggregated counts, as a
/// `GROUP BY stratum, arm, time` returns them.
///
/// # Method
/// One row per (stratum, group, time) with the number of events, of
/// censorings and (for left-truncated data) of entries; rows may come in any
/// order and repeat a key (they are added up), so the results of several
/// partitions can simply be concatenated. The columns are read into
/// [`CountRow`]s and handed to [`EventTable::from_counts`] (whole counts, the
/// default) or [`EventTable::from_weighted_counts`] (sums of case weights,
/// [`weighted`](Self::weighted)). Group and stratum names are the distinct
/// labels in R's `factor()` order unless declared.
///
/// ```text
/// SELECT stratum, arm, time,
///        SUM(CASE WHEN status = 1 THEN 1 ELSE 0 END) AS n_event,
///        SUM(CASE WHEN status = 1 THEN 0 ELSE 1 END) AS n_censor
/// FROM trial
/// WHERE time IS NOT NULL AND status IS NOT NULL AND arm IS NOT NULL AND stratum IS NOT NULL
/// GROUP BY stratum, arm, time
/// ```
///
/// # Conventions
/// The table equals [`EventTable::from_data_with`] with
/// [`TimeFix::Exact`](crate::TimeFix::Exact) on the rows that were counted
/// (times are matched exactly, as any `GROUP BY` does), so every procedure
/// fitted on it gives the individual-level results bit for bit. Counts can
/// never be missing: a null is an error whatever the caller's
/// [`NaAction`] (filter incomplete rows in the query, as above, which is R's
/// `na.omit`).
///
/// # Errors
/// [`ErrorDetail::MissingColumn`](crate::ErrorDetail::MissingColumn), [`ErrorDetail::ColumnType`](crate::ErrorDetail::ColumnType),
/// [`ErrorDetail::MissingValue`](crate::ErrorDetail::MissingValue) for any null (or NaN) in a column read,
/// [`ErrorDetail::IntegerOutOfRange`](crate::ErrorDetail::IntegerOutOfRange) for an integer beyond 2⁵³ in magnitude,
/// [`ErrorDetail::UnknownLevel`](crate::ErrorDetail::UnknownLevel) for a label outside the declared levels
/// (`index` is the row, counted across batches), otherwise as
/// [`EventTable::from_counts`] (negative, fractional or overflowing counts,
/// with the row index).
///
/// # Example
/// ```
/// use std::sync::Arc;
/// use arrow_array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
/// use survkit::{ArrowCounts, KaplanMeier, LogRank};
///
/// // The result of the GROUP BY above, as an engine returns it.
/// let counts = RecordBatch::try_from_iter([
///     ("arm", Arc::new(StringArray::from(vec!["a", "a", "b", "b"])) as ArrayRef),
///     ("time", Arc::new(Float64Array::from(vec![3.0, 8.0, 5.0, 8.0])) as ArrayRef),
///     ("n_event", Arc::new(Int64Array::from(vec![1, 1, 2, 0])) as ArrayRef),
///     ("n_censor", Arc::new(Int64Array::from(vec![0, 1, 0, 1])) as ArrayRef),
/// ])?;
/// let table = ArrowCounts::new("time", "n_event", "n_censor").groups("arm").build(&[counts])?;
/// assert_eq!(table.group_names(), ["a", "b"]);
/// let fit = KaplanMeier::new().fit_table(&table)?;
/// assert_eq!(fit.curves()[0].n_risk(), [3.0, 2.0]);
/// let test = LogRank::new().test_table(&table)?;
/// assert_eq!(test.observed(), [2.0, 2.0]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # References
/// Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from
/// incomplete observations. *JASA* 53, 457–481. doi:10.1080/01621459.1958.10501452
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct ArrowCounts {
    time: String,
    n_event: String,
    n_censor: String,
    n_enter: Option<String>,
    group: Option<(String, Option<Vec<Level>>)>,
    stratum: Option<(String, Option<Vec<Level>>)>,
    weighted: bool,
}

impl ArrowCounts {
    /// Reads the time, the number of events and the number censored from
    /// these columns.
    pub fn new(time: &str, n_event: &str, n_censor: &str) -> Self {
        ArrowCounts {
            time: time.to_owned(),
            n_event: n_event.to_owned(),
            n_censor: n_censor.to_owned(),
            n_enter: None,
            group: None,
            stratum: None,
            weighted: false,
        }
    }

    /// The number entering the risk set just after the row's time (left
    /// truncation) from this column.
    pub fn entries(mut self, column: &str) -> Self {
        self.n_enter = Some(column.to_owned());
        self
    }

    label_setters! {
        /// Group labels from this column; levels in R's `factor()` order.
        pub fn groups(mut self, column: &str) -> Self { self.group }

        /// Group labels with the levels in the order given: every partition of
        /// a data set declares the same levels, even those it has no row of, so
        /// that the partitions' tables [`merge`](EventTable::merge).
        pub fn group_levels<L: Into<Level> + Clone>(mut self, column: &str, levels: &[L]) -> Self { self.group }

        /// Stratum labels from this column; levels in R's `factor()` order.
        pub fn strata(mut self, column: &str) -> Self { self.stratum }

        /// Stratum labels with the levels in the order given.
        pub fn stratum_levels<L: Into<Level> + Clone>(mut self, column: &str, levels: &[L]) -> Self { self.stratum }
    }

    setters! {
        /// Counts are sums of case weights (`SUM(weight)`), so fractions are
        /// allowed ([`EventTable::from_weighted_counts`]); off by default.
        pub fn weighted(mut self, weighted: bool) -> Self { self.weighted }
    }

    /// Reads the counts of `batches` (in order, as one table) into an event
    /// table.
    ///
    /// # Errors
    /// See [`ArrowCounts`].
    pub fn build(&self, batches: &[RecordBatch]) -> Result<EventTable> {
        let time = complete(numeric_column(batches, &self.time)?, &self.time)?;
        let n_event = complete(numeric_column(batches, &self.n_event)?, &self.n_event)?;
        let n_censor = complete(numeric_column(batches, &self.n_censor)?, &self.n_censor)?;
        let n_enter = match &self.n_enter {
            Some(c) => Some(complete(numeric_column(batches, c)?, c)?),
            None => None,
        };
        let group = codes(batches, &self.group, "group")?;
        let stratum = codes(batches, &self.stratum, "stratum")?;
        let rows: Vec<CountRow> = (0..time.len())
            .map(|i| CountRow {
                time: time[i],
                group: group.codes.as_ref().map_or(0, |c| c[i]),
                stratum: stratum.codes.as_ref().map_or(0, |c| c[i]),
                n_event: n_event[i],
                n_censor: n_censor[i],
                n_enter: n_enter.as_ref().map_or(0.0, |e| e[i]),
            })
            .collect();
        if self.weighted {
            EventTable::from_weighted_counts(&group.names, &stratum.names, &rows)
        } else {
            EventTable::from_counts(&group.names, &stratum.names, &rows)
        }
    }
}

/// Level names and the row codes of a label column (`None`: one level "all").
struct Coded {
    names: Vec<String>,
    codes: Option<Vec<usize>>,
}

fn codes(
    batches: &[RecordBatch],
    spec: &Option<(String, Option<Vec<Level>>)>,
    what: &'static str,
) -> Result<Coded> {
    let Some((column, declared)) = spec else {
        return Ok(Coded {
            names: vec!["all".to_owned()],
            codes: None,
        });
    };
    let labels = label_column(batches, column)?;
    let labels: Vec<Level> = labels
        .into_iter()
        .enumerate()
        .map(|(index, l)| {
            l.ok_or_else(|| {
                Error::from(ErrorDetail::MissingValue {
                    column: column.clone(),
                    index,
                })
            })
        })
        .collect::<Result<_>>()?;
    let levels: Vec<Level> = match declared {
        Some(l) => l.clone(),
        None => labels
            .iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .cloned()
            .collect(),
    };
    let mut index_of: BTreeMap<&Level, usize> = BTreeMap::new();
    for (i, l) in levels.iter().enumerate() {
        if index_of.insert(l, i).is_some() {
            return Err(ErrorDetail::DuplicateLevel {
                what,
                level: l.to_string(),
            }
            .into());
        }
    }
    let codes = labels
        .iter()
        .enumerate()
        .map(|(index, l)| {
            index_of
                .get(l)
                .copied()
                .ok_or(ErrorDetail::UnknownLevel { what, index }.into())
        })
        .collect::<Result<_>>()?;
    Ok(Coded {
        names: levels.iter().map(ToString::to_string).collect(),
        codes: Some(codes),
    })
}

/// The values of a column that may have no missing value.
fn complete(values: Vec<Option<f64>>, column: &str) -> Result<Vec<f64>> {
    values
        .into_iter()
        .enumerate()
        .map(|(index, v)| {
            v.filter(|x| !x.is_nan()).ok_or_else(|| {
                Error::from(ErrorDetail::MissingValue {
                    column: column.to_owned(),
                    index,
                })
            })
        })
        .collect()
}

/// The arrays of one column, batch after batch.
fn arrays<'a>(batches: &'a [RecordBatch], column: &str) -> Result<Vec<&'a ArrayRef>> {
    batches
        .iter()
        .map(|b| {
            b.column_by_name(column).ok_or_else(|| {
                Error::from(ErrorDetail::MissingColumn {
                    column: column.to_owned(),
                })
            })
        })
        .collect()
}

fn type_error(column: &str, array: &dyn Array, expected: &'static str) -> Error {
    ErrorDetail::ColumnType {
        column: column.to_owned(),
        found: array.data_type().to_string(),
        expected,
    }
    .into()
}

/// An integer as an `f64`, exactly.
fn exact_int(v: i128) -> Result<f64> {
    if v.abs() <= EXACT_INT_MAX {
        Ok(v as f64)
    } else {
        Err(ErrorDetail::IntegerOutOfRange {
            what: "an integer in a numeric column",
            constraint: "at most 2^53 in magnitude (exactly representable as f64)",
            value: u64::try_from(v.unsigned_abs()).unwrap_or(u64::MAX),
        }
        .into())
    }
}

/// A numeric column as `f64`s, `None` where null (NaN stays NaN: the
/// missing-value rule treats it as missing).
fn numeric_column(batches: &[RecordBatch], column: &str) -> Result<Vec<Option<f64>>> {
    read_column(batches, column, |a, out| numeric_values(a, column, out))
}

/// One column read batch after batch: `read` appends the values of one
/// array (the one loop every column reader shares).
fn read_column<T>(
    batches: &[RecordBatch],
    column: &str,
    mut read: impl FnMut(&dyn Array, &mut Vec<T>) -> Result<()>,
) -> Result<Vec<T>> {
    let mut out = Vec::with_capacity(batches.iter().map(RecordBatch::num_rows).sum());
    for a in arrays(batches, column)? {
        read(a.as_ref(), &mut out)?;
    }
    Ok(out)
}

/// Numeric values of a column that may also have another type: a type
/// error names `expected`, what the column could have been.
fn numeric_values_or(
    a: &dyn Array,
    column: &str,
    expected: &'static str,
) -> Result<Vec<Option<f64>>> {
    let mut values = Vec::with_capacity(a.len());
    numeric_values(a, column, &mut values).map_err(|e| match e.into_detail() {
        ErrorDetail::ColumnType { column, found, .. } => Error::from(ErrorDetail::ColumnType {
            column,
            found,
            expected,
        }),
        e => Error::from(e),
    })?;
    Ok(values)
}

fn numeric_values(a: &dyn Array, column: &str, out: &mut Vec<Option<f64>>) -> Result<()> {
    macro_rules! ints {
        ($t:ty) => {
            for v in a.as_primitive::<$t>().iter() {
                out.push(v.map(|x| exact_int(i128::from(x))).transpose()?);
            }
        };
    }
    match a.data_type() {
        DataType::Float64 => out.extend(a.as_primitive::<Float64Type>().iter()),
        DataType::Float32 => out.extend(
            a.as_primitive::<Float32Type>()
                .iter()
                .map(|v| v.map(f64::from)),
        ),
        DataType::Int8 => ints!(Int8Type),
        DataType::Int16 => ints!(Int16Type),
        DataType::Int32 => ints!(Int32Type),
        DataType::Int64 => ints!(Int64Type),
        DataType::UInt8 => ints!(UInt8Type),
        DataType::UInt16 => ints!(UInt16Type),
        DataType::UInt32 => ints!(UInt32Type),
        DataType::UInt64 => ints!(UInt64Type),
        // DuckDB's SUM of integers is a HUGEINT, exported as Decimal128(38, 0).
        DataType::Decimal128(_, 0) => ints!(Decimal128Type),
        _ => return Err(type_error(column, a, NUMERIC)),
    }
    Ok(())
}

/// A status column as event indicators, `None` where missing.
fn status_column(batches: &[RecordBatch], column: &str, code: f64) -> Result<Vec<Option<bool>>> {
    read_column(batches, column, |a, out| {
        if let Some(b) = a.as_boolean_opt() {
            out.extend(b.iter());
        } else {
            let values = numeric_values_or(
                a,
                column,
                "Boolean (true = event) or a numeric status column",
            )?;
            out.extend(
                values
                    .into_iter()
                    .map(|s| s.filter(|x| !x.is_nan()).map(|x| x == code)),
            );
        }
        Ok(())
    })
}

/// A label column as [`Level`]s, `None` where missing.
fn label_column(batches: &[RecordBatch], column: &str) -> Result<Vec<Option<Level>>> {
    read_column(batches, column, |a, out| label_values(a, column, out))
}

fn label_values(a: &dyn Array, column: &str, out: &mut Vec<Option<Level>>) -> Result<()> {
    match a.data_type() {
        DataType::Utf8 => out.extend(a.as_string::<i32>().iter().map(|v| v.map(Level::from))),
        DataType::LargeUtf8 => out.extend(a.as_string::<i64>().iter().map(|v| v.map(Level::from))),
        DataType::Utf8View => out.extend(a.as_string_view().iter().map(|v| v.map(Level::from))),
        DataType::Boolean => out.extend(
            a.as_boolean()
                .iter()
                .map(|v| v.map(|b| Level::from(if b { "TRUE" } else { "FALSE" }))),
        ),
        DataType::Dictionary(_, _) => {
            let d = a
                .as_any_dictionary_opt()
                .expect("a Dictionary data type is a dictionary array");
            let mut values = Vec::with_capacity(d.values().len());
            label_values(d.values().as_ref(), column, &mut values)?;
            if values.is_empty() {
                // No values: every key must be null (arrow validates keys).
                out.extend(std::iter::repeat_n(None, d.len()));
            } else {
                let keys = d.normalized_keys();
                out.extend((0..d.len()).map(|i| {
                    if d.is_null(i) {
                        None
                    } else {
                        values[keys[i]].clone()
                    }
                }));
            }
        }
        _ => {
            let values = numeric_values_or(a, column, LABEL)?;
            out.extend(
                values
                    .into_iter()
                    .map(|v| v.filter(|x| !x.is_nan()).map(Level::from)),
            );
        }
    }
    Ok(())
}

/// A record batch from named columns whose lengths agree by construction.
fn batch(columns: Vec<(&str, ArrayRef)>, metadata: HashMap<String, String>) -> RecordBatch {
    let fields: Vec<Field> = columns
        .iter()
        .map(|(name, a)| Field::new(*name, a.data_type().clone(), false))
        .collect();
    let schema = Schema::new_with_metadata(fields, metadata);
    RecordBatch::try_new(
        Arc::new(schema),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .expect("every column is built with one entry per row and without nulls")
}

/// A batch with one row per step of a curve: the Utf8 labels `curve`,
/// `group`, `stratum`, then the named Float64 columns.
fn curve_rows_batch<const N: usize>(
    [curve, group, stratum]: [Vec<&str>; 3],
    names: [&str; N],
    columns: [Vec<f64>; N],
    metadata: HashMap<String, String>,
) -> RecordBatch {
    let mut all = vec![
        ("curve", texts(curve)),
        ("group", texts(group)),
        ("stratum", texts(stratum)),
    ];
    all.extend(names.into_iter().zip(columns).map(|(n, v)| (n, floats(v))));
    batch(all, metadata)
}

fn floats(v: Vec<f64>) -> ArrayRef {
    Arc::new(Float64Array::from(v))
}

fn texts(v: Vec<&str>) -> ArrayRef {
    Arc::new(StringArray::from(v))
}

impl KaplanMeierFit {
    /// Every curve's rows as one Arrow record batch (feature `arrow`): R's
    /// `summary(fit, censored = TRUE)` as a data frame.
    ///
    /// # Method
    /// One row per step of each curve, curves in the fit's order, with the
    /// columns `curve`, `group`, `stratum` (Utf8) and `time`, `n_risk`,
    /// `n_event`, `n_censor`, `survival`, `std_err_log`, `std_err_surv`,
    /// `lower`, `upper` (Float64), the values of the
    /// [`SurvivalCurve`](crate::SurvivalCurve) accessors unchanged. The
    /// schema's metadata holds `confidence_level` and `transform`.
    ///
    /// # Conventions
    /// Column names follow R's `survfit` components (`n.risk` → `n_risk`,
    /// `surv` → `survival`, `std.err` → `std_err_log`).
    ///
    /// # Example
    /// ```
    /// use survkit::{datasets::aml, KaplanMeier, SurvivalData};
    /// let data = SurvivalData::builder(&aml::TIME[..], aml::event()).groups(&aml::X).build()?;
    /// let batch = KaplanMeier::new().fit(&data)?.to_record_batch();
    /// assert_eq!(batch.num_rows(), 10 + 10); // R: fit$strata, each curve's distinct times
    /// assert_eq!(batch.schema().field(3).name(), "time");
    /// # Ok::<(), survkit::Error>(())
    /// ```
    pub fn to_record_batch(&self) -> RecordBatch {
        let (mut curve, mut group, mut stratum) = (Vec::new(), Vec::new(), Vec::new());
        let mut cols: [Vec<f64>; 9] = Default::default();
        for c in self.curves() {
            for _ in 0..c.len() {
                curve.push(c.name());
                group.push(c.group());
                stratum.push(c.stratum());
            }
            cols[0].extend_from_slice(c.time());
            cols[1].extend(c.n_risk());
            cols[2].extend(c.n_event());
            cols[3].extend(c.n_censor());
            cols[4].extend_from_slice(c.survival());
            cols[5].extend_from_slice(c.std_err_log());
            cols[6].extend_from_slice(c.std_err_surv());
            cols[7].extend_from_slice(c.lower());
            cols[8].extend_from_slice(c.upper());
        }
        let metadata = HashMap::from([
            (
                "confidence_level".to_owned(),
                self.confidence_level().value().to_string(),
            ),
            ("transform".to_owned(), format!("{:?}", self.transform())),
        ]);
        let names = [
            "time",
            "n_risk",
            "n_event",
            "n_censor",
            "survival",
            "std_err_log",
            "std_err_surv",
            "lower",
            "upper",
        ];
        curve_rows_batch([curve, group, stratum], names, cols, metadata)
    }

    /// The numbers at risk of every curve at the given times as an Arrow
    /// record batch (feature `arrow`): the risk table printed under a
    /// Kaplan-Meier figure, as data.
    ///
    /// # Method
    /// For each curve and each time, the values of
    /// [`SurvivalCurve::survival_at`](crate::SurvivalCurve::survival_at):
    /// columns `curve`, `group`, `stratum` (Utf8), `time`, `n_risk`,
    /// `n_event`, `n_censor` (events and censorings since the previous
    /// requested time) and `survival`, `lower`, `upper` (Float64).
    ///
    /// # Conventions
    /// R: `summary(fit, times = times, extend = TRUE)`, the numbers
    /// `survminer::ggsurvplot(risk.table = TRUE)` prints.
    ///
    /// # Errors
    /// As [`SurvivalCurve::survival_at`](crate::SurvivalCurve::survival_at)
    /// (empty or non-finite times).
    ///
    /// # Example
    /// ```
    /// use survkit::{datasets::aml, KaplanMeier, SurvivalData};
    /// let fit = KaplanMeier::new().fit(&SurvivalData::new(&aml::TIME[..], aml::event())?)?;
    /// let risk = fit.risk_table_record_batch(&[0.0, 10.0, 200.0])?;
    /// let n_risk = risk.column(4).as_any().downcast_ref::<arrow_array::Float64Array>()
    ///     .ok_or("Float64")?;
    /// assert_eq!(n_risk.values().to_vec(), [23.0, 18.0, 0.0]); // R: summary(fit, times = ..)
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn risk_table_record_batch(&self, times: &[f64]) -> Result<RecordBatch> {
        let (mut curve, mut group, mut stratum) = (Vec::new(), Vec::new(), Vec::new());
        let mut cols: [Vec<f64>; 7] = Default::default();
        for c in self.curves() {
            for at in c.survival_at(times)? {
                curve.push(c.name());
                group.push(c.group());
                stratum.push(c.stratum());
                let ci = at.confidence_interval();
                let values = [
                    at.time(),
                    at.n_risk(),
                    at.n_event(),
                    at.n_censor(),
                    at.survival(),
                    ci.lower(),
                    ci.upper(),
                ];
                for (col, v) in cols.iter_mut().zip(values) {
                    col.push(v);
                }
            }
        }
        let names = [
            "time", "n_risk", "n_event", "n_censor", "survival", "lower", "upper",
        ];
        Ok(curve_rows_batch(
            [curve, group, stratum],
            names,
            cols,
            HashMap::new(),
        ))
    }
}

impl LogRankResult {
    /// The test's per-group table as an Arrow record batch (feature
    /// `arrow`): R's `print(survdiff(..))` as data.
    ///
    /// # Method
    /// One row per group: `group` (Utf8), `n`, `observed`, `expected`,
    /// `o_minus_e_squared_over_e` = (O − E)²/E and
    /// `o_minus_e_squared_over_v` = (O − E)²/V with V the group's diagonal
    /// entry of the variance matrix (Float64). The schema's metadata holds
    /// `statistic` (the chi-square), `df`, `p_value`, `weights` and
    /// `n_strata`, numbers in Rust's shortest round-trip form.
    ///
    /// # Conventions
    /// The columns of R's `print.survdiff` (`N`, `Observed`, `Expected`,
    /// `(O-E)^2/E`, `(O-E)^2/V`).
    ///
    /// # Example
    /// ```
    /// use survkit::{datasets::aml, log_rank, SurvivalData};
    /// let data = SurvivalData::builder(&aml::TIME[..], aml::event()).groups(&aml::X).build()?;
    /// let table = log_rank(&data)?.to_record_batch();
    /// assert_eq!(table.num_rows(), 2);
    /// assert_eq!(table.schema().metadata()["df"], "1");
    /// # Ok::<(), survkit::Error>(())
    /// ```
    pub fn to_record_batch(&self) -> RecordBatch {
        let k = self.n_groups();
        let (o, e) = (self.observed(), self.expected());
        let over_e: Vec<f64> = (0..k).map(|i| (o[i] - e[i]).powi(2) / e[i]).collect();
        let over_v: Vec<f64> = (0..k)
            .map(|i| {
                let v = self.variance(i, i).expect("i < k indexes the diagonal");
                (o[i] - e[i]).powi(2) / v
            })
            .collect();
        let metadata = HashMap::from([
            ("statistic".to_owned(), self.statistic().to_string()),
            ("df".to_owned(), self.df().to_string()),
            ("p_value".to_owned(), self.p_value().to_string()),
            ("weights".to_owned(), format!("{:?}", self.weights())),
            ("n_strata".to_owned(), self.n_strata().to_string()),
        ]);
        batch(
            vec![
                (
                    "group",
                    texts(self.group_names().iter().map(String::as_str).collect()),
                ),
                ("n", floats(self.n().to_vec())),
                ("observed", floats(o.to_vec())),
                ("expected", floats(e.to_vec())),
                ("o_minus_e_squared_over_e", floats(over_e)),
                ("o_minus_e_squared_over_v", floats(over_v)),
            ],
            metadata,
        )
    }
}
