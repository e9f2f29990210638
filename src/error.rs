//! The one error type of the crate.

/// Result alias used throughout survkit.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when survkit is handed data or parameters.
///
/// One pointer wide: the payload, an [`ErrorDetail`], is boxed, so a
/// `Result<T>` costs little more than a `T` on the happy path. Match on
/// [`kind`](Self::kind) (a plain `#[non_exhaustive]` enum) or, for the
/// fields, on [`detail`](Self::detail). survkit never panics on user data:
/// every bad input maps to an `Error`. Two errors are equal when their
/// details are (a NaN field equals a NaN field).
///
/// # Example
/// ```
/// use survkit::{Error, ErrorDetail, ErrorKind, SurvivalData};
/// let err = SurvivalData::new(vec![1.0, -2.0], vec![true, false]).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::Negative);
/// assert!(matches!(err.detail(), ErrorDetail::Negative { index: 1, .. }));
/// assert_eq!(err, Error::from(ErrorDetail::Negative { what: "time", index: 1, value: -2.0 }));
/// assert_eq!(err.to_string(), "time[1] must be non-negative, got -2");
/// assert_eq!(std::mem::size_of::<Error>(), std::mem::size_of::<usize>());
/// ```
#[derive(Clone)]
#[must_use]
pub struct Error(Box<ErrorDetail>);

impl Error {
    /// What went wrong, with its fields.
    pub fn detail(&self) -> &ErrorDetail {
        &self.0
    }

    /// What went wrong, with its fields, by value.
    pub fn into_detail(self) -> ErrorDetail {
        *self.0
    }

    /// The kind of this error, to match on without its fields.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind()
    }
}

/// `Ok` when `needed ≤ limit` (both in `unit`); otherwise the
/// [`ErrorDetail::BudgetExceeded`] of a computation (`what`) refused before
/// it started.
pub(crate) fn within_budget(
    what: &'static str,
    needed: u64,
    limit: u64,
    unit: &'static str,
) -> Result<()> {
    if needed <= limit {
        return Ok(());
    }
    Err(ErrorDetail::BudgetExceeded {
        what,
        limit,
        unit,
        progress: None,
    }
    .into())
}

impl From<ErrorDetail> for Error {
    fn from(detail: ErrorDetail) -> Error {
        Error(Box::new(detail))
    }
}

impl std::fmt::Debug for Error {
    /// The detail's `Debug` form (`Negative { what: "time", .. }`).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for Error {
    /// The detail's message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&*self.0, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&*self.0)
    }
}

impl PartialEq for Error {
    /// Equal details (see [`ErrorDetail`]'s `PartialEq`).
    fn eq(&self, other: &Error) -> bool {
        *self.0 == *other.0
    }
}

/// The payload of an [`Error`]: what was wrong and where.
///
/// Every variant names *what* was wrong (the argument or column, as a static
/// string) and, where it applies, *where* (a row index) and the offending
/// value, so that a message can be acted on without reading the source.
///
/// The enum is `#[non_exhaustive]`: new variants may be added in minor
/// releases, so match with a wildcard arm.
///
/// # Example
/// ```
/// use survkit::{ErrorDetail, SurvivalData};
/// let err = SurvivalData::new(vec![1.0, -2.0], vec![true, false]).unwrap_err();
/// match err.detail() {
///     ErrorDetail::Negative { what, index, .. } => assert_eq!((*what, *index), ("time", 1)),
///     other => panic!("unexpected {other}"),
/// }
/// ```
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorDetail {
    /// An input that needs at least one element was empty.
    ///
    /// Fix: pass at least one observation (or one count).
    #[error("{what} is empty")]
    EmptyInput {
        /// The argument or column that was empty.
        what: &'static str,
    },

    /// Two columns that must have one entry per observation differ in length.
    ///
    /// Fix: make every column as long as `time`.
    #[error("{what} has length {actual}, expected {expected}")]
    LengthMismatch {
        /// The column whose length is wrong.
        what: &'static str,
        /// The length it must have.
        expected: usize,
        /// The length it has.
        actual: usize,
    },

    /// A value was NaN or infinite.
    ///
    /// Fix: remove or impute the row; survkit does not silently drop rows.
    #[error("{what}[{index}] must be finite, got {}", Num(*.value))]
    NonFinite {
        /// The column or argument.
        what: &'static str,
        /// The zero-based row index.
        index: usize,
        /// The offending value.
        value: f64,
    },

    /// A value that must be non-negative (a time, a weight) was negative.
    #[error("{what}[{index}] must be non-negative, got {}", Num(*.value))]
    Negative {
        /// The column or argument.
        what: &'static str,
        /// The zero-based row index.
        index: usize,
        /// The offending value.
        value: f64,
    },

    /// With left truncation, an entry time was not strictly before its exit time.
    #[error(
        "entry time must be before exit time, got entry {} >= exit {} at row {index}",
        Num(*.entry),
        Num(*.exit)
    )]
    EntryNotBeforeExit {
        /// The zero-based row index.
        index: usize,
        /// The entry (start) time.
        entry: f64,
        /// The exit (stop) time.
        exit: f64,
    },

    /// A probability argument was outside `[0, 1]` (or NaN).
    #[error("{what} must be in [0, 1], got {}", Num(*.value))]
    InvalidProbability {
        /// The argument.
        what: &'static str,
        /// The offending value.
        value: f64,
    },

    /// A confidence level was outside the open interval `(0, 1)` (or NaN).
    #[error("confidence level must be in (0, 1), got {}", Num(*.value))]
    InvalidConfidenceLevel {
        /// The offending value.
        value: f64,
    },

    /// A numeric parameter violated its documented constraint.
    #[error("{what} must be {constraint}, got {}", Num(*.value))]
    InvalidParameter {
        /// The parameter.
        what: &'static str,
        /// The constraint it must satisfy, in words (for example "positive").
        constraint: &'static str,
        /// The offending value.
        value: f64,
    },

    /// A count exceeded the total it is a part of (for example `x > n`).
    #[error("{what} must not exceed {total}, got {count}")]
    CountExceedsTotal {
        /// The count.
        what: &'static str,
        /// The offending count.
        count: u64,
        /// The total it must not exceed.
        total: u64,
    },

    /// A sum of counts does not fit in the integer type used for it.
    ///
    /// Fix: counts are `u64`; their sums must stay below 2^64 (and below
    /// 2^53 where they are used as exact floating-point numbers).
    #[error("the sum of {what} overflows")]
    CountOverflow {
        /// The counts whose sum overflowed.
        what: &'static str,
    },

    /// A procedure comparing groups was given fewer groups than it needs.
    #[error("{what} needs at least {required} groups, found {found}")]
    TooFewGroups {
        /// The procedure.
        what: &'static str,
        /// How many groups it needs.
        required: usize,
        /// How many it found.
        found: usize,
    },

    /// A group (or stratum) level has no subjects: no rows, or only rows
    /// whose case weights are all zero.
    ///
    /// Fix: drop the level from the declared levels, or give it a subject.
    #[error("{what} level {level:?} has no subjects (no rows, or only rows of weight zero)")]
    EmptyGroup {
        /// "group" or "stratum".
        what: &'static str,
        /// The level's name.
        level: String,
    },

    /// A level was declared twice in an explicit list of levels.
    #[error("{what} level {level:?} is declared twice")]
    DuplicateLevel {
        /// "group" or "stratum".
        what: &'static str,
        /// The level's name.
        level: String,
    },

    /// A label at a row is not among the declared levels.
    #[error("{what}[{index}] is not a declared level")]
    UnknownLevel {
        /// "group" or "stratum".
        what: &'static str,
        /// The zero-based row index.
        index: usize,
    },

    /// The data hold no events, so the requested statistic is undefined.
    #[error("{what} needs at least one event, found none")]
    NoEvents {
        /// The procedure.
        what: &'static str,
    },

    /// A table has an unusable shape (for example fewer than two rows).
    #[error(
        "{what} must have at least {min_rows} rows and {min_cols} columns, got {rows} x {cols}"
    )]
    InvalidShape {
        /// The table.
        what: &'static str,
        /// Its number of rows.
        rows: usize,
        /// Its number of columns.
        cols: usize,
        /// The minimum number of rows.
        min_rows: usize,
        /// The minimum number of columns.
        min_cols: usize,
    },

    /// A computation would exceed, or stopped at, its stated time, memory or
    /// size budget.
    ///
    /// Fix: raise the budget, or use the alternative the message names (for
    /// Fisher's r x c test, `RxcMethod::Auto` or `RxcMethod::MonteCarlo`).
    #[error("{what} exceeds its budget of {limit} {unit}{}", progress_text(.progress, .unit))]
    BudgetExceeded {
        /// The computation.
        what: &'static str,
        /// The budget.
        limit: u64,
        /// Its unit (for example "milliseconds", "groups" or "bytes").
        unit: &'static str,
        /// How far a computation that was stopped got, what budget it would
        /// have needed when that is known, and what to try; `None` for a
        /// computation refused before it started.
        progress: Option<Box<BudgetProgress>>,
    },

    /// An iterative solver did not converge.
    #[error("{what} did not converge")]
    NoConvergence {
        /// The quantity being solved for.
        what: &'static str,
    },

    /// Pre-aggregated counts that no data set can produce: somewhere fewer
    /// subjects are at risk than leave the risk set (entries that never exit).
    ///
    /// Fix: check that every entering subject is counted at its exit time.
    #[error(
        "counts of stratum {stratum:?} are inconsistent: fewer at risk than leave at some time"
    )]
    InconsistentCounts {
        /// The stratum's name.
        stratum: String,
    },

    /// A text (for example a reported p-value such as `"< .001"`) could not
    /// be read.
    ///
    /// Fix: pass the text in one of the documented forms.
    #[error("{what} could not be read: expected {expected}")]
    InvalidText {
        /// The argument.
        what: &'static str,
        /// The accepted forms, in words.
        expected: &'static str,
    },

    /// Two objects that must agree (for example event tables to merge) do not.
    #[error("{what} do not match: {detail}")]
    Incompatible {
        /// The objects.
        what: &'static str,
        /// What differs.
        detail: &'static str,
    },

    /// A design search found no design within its bound that meets both
    /// error rates.
    ///
    /// Fix: raise `nmax`, or relax alpha, beta or the difference p1 − p0.
    #[error("no {what} with at most {nmax} patients meets alpha and power; raise nmax")]
    NoFeasibleDesign {
        /// The design searched for.
        what: &'static str,
        /// The largest size searched.
        nmax: u64,
    },

    /// A search stopped at its time budget before covering its range.
    ///
    /// Fix: raise the time limit, or lower the bound of the search.
    #[error(
        "{what} stopped at its time budget of {limit_ms} ms having searched {unit} up to {reached} of {target}; raise time_limit or lower the bound"
    )]
    SearchStopped {
        /// The search.
        what: &'static str,
        /// The budget, in milliseconds.
        limit_ms: u64,
        /// What the search runs over (for example "maximum sizes n").
        unit: &'static str,
        /// The last value completed.
        reached: u64,
        /// The bound the search was to reach.
        target: u64,
    },

    /// A published number at risk is larger than the one before it (numbers
    /// at risk can only fall as time goes on).
    ///
    /// Fix: check the numbers-at-risk table for a typing error or a column
    /// of another arm.
    #[error("numbers at risk must not increase: count[{index}] = {count} exceeds count[{}] = {previous}", index - 1)]
    AtRiskIncreases {
        /// The zero-based index of the count that rises.
        index: usize,
        /// The count before it.
        previous: u64,
        /// The count that rises.
        count: u64,
    },

    /// A digitised click shows a drop of the curve where the numbers-at-risk
    /// table says nobody is at risk any more.
    ///
    /// Fix: drop the clicks after the end of the curve, or check the table's
    /// last counts.
    #[error("click {index} at time {time} drops the curve after time {empty_from}, from which the numbers-at-risk table has nobody at risk")]
    ClickOutsideAtRiskTable {
        /// The zero-based index of the click (in the caller's order).
        index: usize,
        /// Its time.
        time: f64,
        /// The first time of the table with zero at risk.
        empty_from: f64,
    },

    /// A published total number of events that the digitised curve and the
    /// numbers at risk cannot produce.
    ///
    /// Fix: check the total (it may count another endpoint or arm), or leave
    /// it out to use the censoring rule for the last interval.
    #[error("total events {total} contradicts the curve and the numbers at risk, which allow {min} to {max}")]
    TotalEventsContradictCurve {
        /// The published total.
        total: u64,
        /// The fewest events the curve allows.
        min: u64,
        /// The most events the curve allows.
        max: u64,
    },

    /// A line of a CSV text could not be read.
    ///
    /// Fix: export the file again in the documented layout.
    #[error("{what}, line {line}: {detail}")]
    InvalidCsv {
        /// The text being read.
        what: &'static str,
        /// The one-based line number.
        line: usize,
        /// What was wrong.
        detail: &'static str,
    },

    /// A count that must be a whole number (a number of subjects) has a
    /// fractional part.
    ///
    /// Fix: pass whole counts, or use the constructor for sums of case
    /// weights ([`EventTable::from_weighted_counts`](crate::EventTable::from_weighted_counts)).
    #[error("{what}[{index}] must be a whole number, got {}", Num(*.value))]
    NotWholeNumber {
        /// The field or column.
        what: &'static str,
        /// The zero-based row index.
        index: usize,
        /// The offending value.
        value: f64,
    },

    /// Adding the value at a row makes a sum of counts overflow (the number
    /// at risk would be infinite or beyond the stated limit).
    ///
    /// Fix: counts (or weights) of one group must sum to at most the limit
    /// the item documents; rescale weights if they are that large.
    #[error("{what}[{index}] = {} makes the sum of its group's counts exceed {}", Num(*.value), Num(*.limit))]
    CountSumOverflow {
        /// The field or column.
        what: &'static str,
        /// The zero-based row index.
        index: usize,
        /// The value at that row.
        value: f64,
        /// The largest sum allowed.
        limit: f64,
    },

    /// An integer argument is outside its allowed range; the value is the
    /// integer the caller passed.
    #[error("{what} must be {constraint}, got {value}")]
    IntegerOutOfRange {
        /// The argument.
        what: &'static str,
        /// The allowed range, in words (for example "in 1..=2^53").
        constraint: &'static str,
        /// The offending value, exactly as passed (or the exact sum of the
        /// arguments it names).
        value: u64,
    },

    /// The requested quantity is not defined for these data (for example
    /// the Peto hazard ratio when the log-rank variance is zero).
    ///
    /// Fix: the detail names the cause and the alternative to use.
    #[error("{what} is undefined: {detail}")]
    Undefined {
        /// The quantity.
        what: &'static str,
        /// Why, and what to use instead.
        detail: &'static str,
    },

    /// A computation with a time budget (`.time_limit(Duration)`) ran out of
    /// time.
    ///
    /// Fix: raise the time limit, or use a smaller table; `done` of `total`
    /// steps of `stage` were complete when it stopped.
    #[error("{what} exceeded its time limit of {limit:?} while {stage} ({done} of {total} steps done); raise it with .time_limit(..)")]
    TimeLimitExceeded {
        /// The computation.
        what: &'static str,
        /// The time limit.
        limit: std::time::Duration,
        /// What it was doing.
        stage: &'static str,
        /// Steps of that stage done.
        done: u64,
        /// Steps of that stage known so far.
        total: u64,
    },

    /// A file could not be written (a figure's SVG or PNG).
    ///
    /// Fix: check that the directory exists and is writable.
    #[error("could not write {path}: {kind}")]
    Io {
        /// The path as given.
        path: String,
        /// What the operating system reported.
        kind: std::io::ErrorKind,
    },

    /// A column named by the caller is not in the Arrow record batch
    /// (feature `arrow`).
    ///
    /// Fix: check the column name against the batch's schema (names are
    /// case-sensitive).
    #[error("column {column:?} is not in the record batch")]
    MissingColumn {
        /// The column name as passed.
        column: String,
    },

    /// An Arrow column has a data type survkit cannot read for its role
    /// (feature `arrow`).
    ///
    /// Fix: cast the column in the query (`CAST(x AS DOUBLE)`, or to a text
    /// or integer type for labels) before handing the batch over.
    #[error("column {column:?} has type {found}, expected {expected}")]
    ColumnType {
        /// The column name.
        column: String,
        /// The column's Arrow data type, as Arrow prints it.
        found: String,
        /// The types accepted for the column's role.
        expected: &'static str,
    },

    /// A value is missing (null, or NaN in a numeric column) where the
    /// caller asked that missing values be an error, or where a value can
    /// never be missing (a count).
    ///
    /// Fix: drop incomplete rows (`NaAction::Omit`) or filter them in the
    /// query (`WHERE x IS NOT NULL`); a `SUM` that is null for want of rows
    /// is `COALESCE(SUM(..), 0)`.
    #[error("column {column:?} is missing (null or NaN) at row {index}")]
    MissingValue {
        /// The column name.
        column: String,
        /// The zero-based row index (counted across batches, in order).
        index: usize,
    },
}

/// What kind of error an [`Error`] is, without its payload: a plain enum to
/// match on (`err.kind() == ErrorKind::BudgetExceeded`), stable across
/// changes to the variants' fields.
///
/// # Example
/// ```
/// use survkit::{ErrorKind, SurvivalData};
/// let err = SurvivalData::new(vec![1.0, f64::NAN], vec![true, false]).unwrap_err();
/// assert_eq!(err.kind(), ErrorKind::NonFinite);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`ErrorDetail::EmptyInput`].
    EmptyInput,
    /// [`ErrorDetail::LengthMismatch`].
    LengthMismatch,
    /// [`ErrorDetail::NonFinite`].
    NonFinite,
    /// [`ErrorDetail::Negative`].
    Negative,
    /// [`ErrorDetail::EntryNotBeforeExit`].
    EntryNotBeforeExit,
    /// [`ErrorDetail::InvalidProbability`].
    InvalidProbability,
    /// [`ErrorDetail::InvalidConfidenceLevel`].
    InvalidConfidenceLevel,
    /// [`ErrorDetail::InvalidParameter`].
    InvalidParameter,
    /// [`ErrorDetail::CountExceedsTotal`].
    CountExceedsTotal,
    /// [`ErrorDetail::CountOverflow`].
    CountOverflow,
    /// [`ErrorDetail::TooFewGroups`].
    TooFewGroups,
    /// [`ErrorDetail::EmptyGroup`].
    EmptyGroup,
    /// [`ErrorDetail::DuplicateLevel`].
    DuplicateLevel,
    /// [`ErrorDetail::UnknownLevel`].
    UnknownLevel,
    /// [`ErrorDetail::NoEvents`].
    NoEvents,
    /// [`ErrorDetail::InvalidShape`].
    InvalidShape,
    /// [`ErrorDetail::BudgetExceeded`].
    BudgetExceeded,
    /// [`ErrorDetail::NoConvergence`].
    NoConvergence,
    /// [`ErrorDetail::InconsistentCounts`].
    InconsistentCounts,
    /// [`ErrorDetail::InvalidText`].
    InvalidText,
    /// [`ErrorDetail::Incompatible`].
    Incompatible,
    /// [`ErrorDetail::NoFeasibleDesign`].
    NoFeasibleDesign,
    /// [`ErrorDetail::SearchStopped`].
    SearchStopped,
    /// [`ErrorDetail::AtRiskIncreases`].
    AtRiskIncreases,
    /// [`ErrorDetail::ClickOutsideAtRiskTable`].
    ClickOutsideAtRiskTable,
    /// [`ErrorDetail::TotalEventsContradictCurve`].
    TotalEventsContradictCurve,
    /// [`ErrorDetail::InvalidCsv`].
    InvalidCsv,
    /// [`ErrorDetail::NotWholeNumber`].
    NotWholeNumber,
    /// [`ErrorDetail::CountSumOverflow`].
    CountSumOverflow,
    /// [`ErrorDetail::IntegerOutOfRange`].
    IntegerOutOfRange,
    /// [`ErrorDetail::Undefined`].
    Undefined,
    /// [`ErrorDetail::TimeLimitExceeded`].
    TimeLimitExceeded,
    /// [`ErrorDetail::Io`].
    Io,
    /// [`ErrorDetail::MissingColumn`].
    MissingColumn,
    /// [`ErrorDetail::ColumnType`].
    ColumnType,
    /// [`ErrorDetail::MissingValue`].
    MissingValue,
}

impl ErrorDetail {
    /// The kind of this error, to match on without its fields.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ErrorDetail::EmptyInput { .. } => ErrorKind::EmptyInput,
            ErrorDetail::LengthMismatch { .. } => ErrorKind::LengthMismatch,
            ErrorDetail::NonFinite { .. } => ErrorKind::NonFinite,
            ErrorDetail::Negative { .. } => ErrorKind::Negative,
            ErrorDetail::EntryNotBeforeExit { .. } => ErrorKind::EntryNotBeforeExit,
            ErrorDetail::InvalidProbability { .. } => ErrorKind::InvalidProbability,
            ErrorDetail::InvalidConfidenceLevel { .. } => ErrorKind::InvalidConfidenceLevel,
            ErrorDetail::InvalidParameter { .. } => ErrorKind::InvalidParameter,
            ErrorDetail::CountExceedsTotal { .. } => ErrorKind::CountExceedsTotal,
            ErrorDetail::CountOverflow { .. } => ErrorKind::CountOverflow,
            ErrorDetail::TooFewGroups { .. } => ErrorKind::TooFewGroups,
            ErrorDetail::EmptyGroup { .. } => ErrorKind::EmptyGroup,
            ErrorDetail::DuplicateLevel { .. } => ErrorKind::DuplicateLevel,
            ErrorDetail::UnknownLevel { .. } => ErrorKind::UnknownLevel,
            ErrorDetail::NoEvents { .. } => ErrorKind::NoEvents,
            ErrorDetail::InvalidShape { .. } => ErrorKind::InvalidShape,
            ErrorDetail::BudgetExceeded { .. } => ErrorKind::BudgetExceeded,
            ErrorDetail::NoConvergence { .. } => ErrorKind::NoConvergence,
            ErrorDetail::InconsistentCounts { .. } => ErrorKind::InconsistentCounts,
            ErrorDetail::InvalidText { .. } => ErrorKind::InvalidText,
            ErrorDetail::Incompatible { .. } => ErrorKind::Incompatible,
            ErrorDetail::NoFeasibleDesign { .. } => ErrorKind::NoFeasibleDesign,
            ErrorDetail::SearchStopped { .. } => ErrorKind::SearchStopped,
            ErrorDetail::AtRiskIncreases { .. } => ErrorKind::AtRiskIncreases,
            ErrorDetail::ClickOutsideAtRiskTable { .. } => ErrorKind::ClickOutsideAtRiskTable,
            ErrorDetail::TotalEventsContradictCurve { .. } => ErrorKind::TotalEventsContradictCurve,
            ErrorDetail::InvalidCsv { .. } => ErrorKind::InvalidCsv,
            ErrorDetail::NotWholeNumber { .. } => ErrorKind::NotWholeNumber,
            ErrorDetail::CountSumOverflow { .. } => ErrorKind::CountSumOverflow,
            ErrorDetail::IntegerOutOfRange { .. } => ErrorKind::IntegerOutOfRange,
            ErrorDetail::Undefined { .. } => ErrorKind::Undefined,
            ErrorDetail::TimeLimitExceeded { .. } => ErrorKind::TimeLimitExceeded,
            ErrorDetail::Io { .. } => ErrorKind::Io,
            ErrorDetail::MissingColumn { .. } => ErrorKind::MissingColumn,
            ErrorDetail::ColumnType { .. } => ErrorKind::ColumnType,
            ErrorDetail::MissingValue { .. } => ErrorKind::MissingValue,
        }
    }
}

impl PartialEq for ErrorDetail {
    /// Same variant with the same fields, where a NaN field equals a NaN
    /// field (so an error reporting a NaN input equals itself; `-0.0` and
    /// `0.0` differ). Compares the `Debug` forms, which print every field
    /// exactly (floats in their shortest round-trip form).
    fn eq(&self, other: &ErrorDetail) -> bool {
        self.kind() == other.kind() && format!("{self:?}") == format!("{other:?}")
    }
}

/// How far a computation stopped by its budget got (see
/// [`ErrorDetail::BudgetExceeded`]).
///
/// # Example
/// ```
/// use std::num::NonZeroU64;
/// use std::time::Duration;
/// use survkit::{ContingencyTable, Error, ErrorDetail, FisherExactRxc};
/// let t = ContingencyTable::new(vec![vec![3, 1, 0], vec![1, 3, 5]])?;
/// let r = FisherExactRxc::default()
///     .monte_carlo(NonZeroU64::new(u64::MAX).unwrap(), 1)
///     .time_limit(Duration::from_millis(50))
///     .test(&t);
/// match r.map_err(Error::into_detail) {
///     Err(ErrorDetail::BudgetExceeded { progress: Some(p), .. }) => {
///         assert!(p.done > 0);
///         assert_eq!(p.done_unit, "simulated tables");
///     }
///     other => panic!("expected a budget error, got {other:?}"),
/// }
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BudgetProgress {
    /// Work done before the stop.
    pub done: u64,
    /// Its unit (for example "work units" or "simulated tables").
    pub done_unit: &'static str,
    /// The budget (in the unit of the error's `limit`) the whole
    /// computation would have needed, when it can be estimated.
    pub needed: Option<u64>,
    /// What to try instead, in words.
    pub fix: &'static str,
}

impl BudgetProgress {
    /// Progress of a stopped computation.
    pub(crate) fn new(
        done: u64,
        done_unit: &'static str,
        needed: Option<u64>,
        fix: &'static str,
    ) -> Box<BudgetProgress> {
        Box::new(BudgetProgress {
            done,
            done_unit,
            needed,
            fix,
        })
    }
}

/// The tail of the [`ErrorDetail::BudgetExceeded`] message.
fn progress_text(progress: &Option<Box<BudgetProgress>>, unit: &str) -> String {
    match progress {
        None => String::new(),
        Some(p) => {
            let needed = match p.needed {
                Some(n) => format!(" (about {n} {unit} needed)"),
                None => String::new(),
            };
            format!(
                ": stopped after {} {}{needed}; {}",
                p.done, p.done_unit, p.fix
            )
        }
    }
}

/// A floating-point value as messages print it: the shortest decimal that
/// reads back to the same `f64` (Rust's `{}`), in scientific notation when
/// the magnitude is below 1e-5 or at least 1e16 (a subnormal is `5e-324`,
/// not 324 digits).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Num(pub(crate) f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let a = self.0.abs();
        if a == 0.0 || !a.is_finite() || (1e-5..1e16).contains(&a) {
            write!(f, "{}", self.0)
        } else {
            write!(f, "{:e}", self.0)
        }
    }
}
