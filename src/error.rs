//! The one error type of the crate.

/// Result alias used throughout survkit.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when survkit is handed data or parameters.
///
/// Every variant names *what* was wrong (the argument or column, as a static
/// string) and, where it applies, *where* (a row index) and the offending
/// value, so that a message can be acted on without reading the source.
/// survkit never panics on user data: every bad input maps to one of these.
///
/// The enum is `#[non_exhaustive]`: new variants may be added in minor
/// releases, so match with a wildcard arm.
///
/// # Example
/// ```
/// use survkit::{Error, SurvivalData};
/// let err = SurvivalData::new(vec![1.0, -2.0], vec![true, false]).unwrap_err();
/// assert_eq!(err, Error::Negative { what: "time", index: 1, value: -2.0 });
/// assert_eq!(err.to_string(), "time[1] must be non-negative, got -2");
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
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
    #[error("{what}[{index}] must be finite, got {value}")]
    NonFinite {
        /// The column or argument.
        what: &'static str,
        /// The zero-based row index.
        index: usize,
        /// The offending value.
        value: f64,
    },

    /// A value that must be non-negative (a time, a weight) was negative.
    #[error("{what}[{index}] must be non-negative, got {value}")]
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
        "entry time must be before exit time, got entry {entry} >= exit {exit} at row {index}"
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
    #[error("{what} must be in [0, 1], got {value}")]
    InvalidProbability {
        /// The argument.
        what: &'static str,
        /// The offending value.
        value: f64,
    },

    /// A confidence level was outside the open interval `(0, 1)` (or NaN).
    #[error("confidence level must be in (0, 1), got {value}")]
    InvalidConfidenceLevel {
        /// The offending value.
        value: f64,
    },

    /// A numeric parameter violated its documented constraint.
    #[error("{what} must be {constraint}, got {value}")]
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

    /// A declared group (or stratum) level has no rows.
    #[error("{what} level {level:?} has no rows")]
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

    /// An exact computation would exceed its stated time or memory budget.
    ///
    /// Fix: raise the budget, or use the Monte Carlo alternative.
    #[error("{what} exceeds its budget of {limit} {unit}")]
    BudgetExceeded {
        /// The computation.
        what: &'static str,
        /// The budget.
        limit: u64,
        /// Its unit (for example "nodes" or "bytes").
        unit: &'static str,
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
}
