//! Competing risks: the data (time, cause, group, stratum), the per-cause
//! count table, the Aalen-Johansen cumulative incidence with its two
//! standard errors, and Gray's test (issue #17).
//!
//! `table.rs` sorts once and cuts the rows with R's near-tie rule,
//! `cif.rs` walks each group's rows, `gray.rs` walks each stratum's rows.

mod cif;
#[cfg(feature = "plot")]
mod figure;
mod gray;
mod table;

use crate::ErrorDetail;
use std::fmt::Display;

use crate::data::{SurvivalData, SurvivalDataBuilder};
use crate::error::Result;

pub use self::cif::{CumulativeIncidence, CumulativeIncidenceFit, IncidenceCurve};
pub use self::gray::GrayTest;
pub use self::table::{CauseCounts, CompetingRisksTable};

/// The largest number of distinct causes (codes other than 0) that
/// [`CompetingRisksData`] accepts: every procedure keeps one column per
/// cause and group, so the cost grows with their product.
pub const MAX_CAUSES: usize = 64;

/// The largest number of groups that Gray's test compares: its cost per
/// distinct time grows with the square of the number of groups, and its
/// variance matrix has (groups − 1)² entries.
pub const MAX_GRAY_GROUPS: usize = 1024;

/// Competing-risks data: each subject's time to the first of several kinds
/// of event, the kind (the cause), and an optional group and stratum.
///
/// Columns, one entry per subject:
///
/// ```text
/// time     time to the first event or to censoring, finite and ≥ 0
/// cause    0 = censored, 1, 2, … = the cause of the first event (any u32 code;
///          the causes are the distinct non-zero codes, in increasing order)
/// group    optional label; one set of curves per level, Gray's test between levels
/// stratum  optional label; Gray's test sums its scores and variances within strata
/// ```
///
/// # Conventions
/// As R's `Surv(time, factor(cause))` with `0` the censoring level (the first
/// factor level in survival's multi-state `survfit`), and as `cmprsk::cuminc`'s
/// `fstatus` with its default `cencode = 0`. Group and stratum levels follow
/// [`SurvivalData`]: the sorted distinct labels, or an explicit order with
/// [`CompetingRisksDataBuilder::group_levels`]. Case weights and entry times
/// are not supported (`cmprsk::cuminc` has neither).
///
/// # Errors
/// [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) for no rows, [`ErrorDetail::LengthMismatch`](crate::ErrorDetail::LengthMismatch) when `cause`
/// (or a label column) is not as long as `time`, [`ErrorDetail::NonFinite`](crate::ErrorDetail::NonFinite) and
/// [`ErrorDetail::Negative`](crate::ErrorDetail::Negative) for a bad time, [`ErrorDetail::UnknownLevel`](crate::ErrorDetail::UnknownLevel),
/// [`ErrorDetail::DuplicateLevel`](crate::ErrorDetail::DuplicateLevel) for labels as in [`SurvivalData`],
/// [`ErrorDetail::IntegerOutOfRange`](crate::ErrorDetail::IntegerOutOfRange) for more than [`MAX_CAUSES`] distinct causes.
///
/// # Example
/// ```
/// use survkit::{datasets::mgus2, CompetingRisksData};
/// // R (survival's vignette "compete"): etime, event = 0 censored, 1 PCM, 2 death
/// let data = CompetingRisksData::builder(mgus2::competing_time(), mgus2::competing_cause())
///     .group_levels(&mgus2::SEX, &mgus2::SEX_LEVELS)
///     .build()?;
/// assert_eq!(data.len(), 1384);
/// assert_eq!(data.causes(), [1, 2]);
/// assert_eq!(data.group_names(), ["F", "M"]);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// - Putter, H., Fiocco, M. & Geskus, R. B. (2007). Tutorial in biostatistics:
///   competing risks and multi-state models. *Stat. Med.* 26, 2389–2430.
///   doi:10.1002/sim.2712
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct CompetingRisksData {
    data: SurvivalData,
    cause: Vec<u32>,
    causes: Vec<u32>,
}

impl CompetingRisksData {
    /// Validates data without groups or strata.
    ///
    /// # Errors
    /// As for [`CompetingRisksData`].
    pub fn new(time: impl Into<Vec<f64>>, cause: impl Into<Vec<u32>>) -> Result<Self> {
        Self::builder(time, cause).build()
    }

    /// Starts a builder for data with groups or strata.
    pub fn builder(
        time: impl Into<Vec<f64>>,
        cause: impl Into<Vec<u32>>,
    ) -> CompetingRisksDataBuilder {
        let time = time.into();
        let cause = cause.into();
        let n = time.len();
        let event: Vec<bool> = cause.iter().map(|&c| c != 0).collect();
        CompetingRisksDataBuilder {
            n,
            cause,
            inner: SurvivalData::builder(time, event),
        }
    }

    /// Number of subjects (rows).
    pub fn len(&self) -> usize {
        self.cause.len()
    }

    /// Always false: validated data have at least one row.
    pub fn is_empty(&self) -> bool {
        self.cause.is_empty()
    }

    /// Times.
    pub fn time(&self) -> &[f64] {
        self.data.time()
    }

    /// Cause codes (0 = censored).
    pub fn cause(&self) -> &[u32] {
        &self.cause
    }

    /// The causes: the distinct non-zero codes, increasing (empty when
    /// every subject is censored).
    pub fn causes(&self) -> &[u32] {
        &self.causes
    }

    /// Number of group levels (1 when ungrouped).
    pub fn n_groups(&self) -> usize {
        self.data.n_groups()
    }

    /// Group level names (`["all"]` when ungrouped).
    pub fn group_names(&self) -> Vec<&str> {
        self.data.group_names()
    }

    /// Group code of each row, when grouped.
    pub fn group_codes(&self) -> Option<&[u32]> {
        self.data.group_codes()
    }

    /// Number of strata (1 when unstratified).
    pub fn n_strata(&self) -> usize {
        self.data.n_strata()
    }

    /// Stratum code of each row, when stratified.
    pub fn stratum_codes(&self) -> Option<&[u32]> {
        self.data.stratum_codes()
    }

    /// The same subjects as survival data with "any cause" as the event
    /// (for the Kaplan-Meier curve of event-free survival, or `1 − KM` of
    /// one cause after [`SurvivalData::builder`] with that cause as the event).
    pub fn any_event(&self) -> &SurvivalData {
        &self.data
    }
}

/// Builder for [`CompetingRisksData`] with groups or strata; validation
/// happens once, in [`build`](Self::build).
///
/// # Example
/// ```
/// use survkit::{datasets::pbc, CompetingRisksData};
/// // transplant (1) and death (2) compete; by treatment arm
/// let cause: Vec<u32> = pbc::STATUS.iter().map(|&s| u32::from(s)).collect();
/// let data = CompetingRisksData::builder(&pbc::TIME[..], cause)
///     .groups(&pbc::TRT)
///     .build()?;
/// assert_eq!((data.n_groups(), data.causes().len()), (2, 2));
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct CompetingRisksDataBuilder {
    n: usize,
    cause: Vec<u32>,
    inner: SurvivalDataBuilder,
}

impl CompetingRisksDataBuilder {
    /// Group labels, one per row; levels are the sorted distinct labels.
    pub fn groups<L: Ord + Display>(mut self, labels: &[L]) -> Self {
        self.inner = self.inner.groups(labels);
        self
    }

    /// Group labels with an explicit order of levels; each label must be a level.
    pub fn group_levels<L: Ord + Display>(mut self, labels: &[L], levels: &[L]) -> Self {
        self.inner = self.inner.group_levels(labels, levels);
        self
    }

    /// Stratum labels (Gray's test within strata); levels are the sorted
    /// distinct labels.
    pub fn strata<L: Ord + Display>(mut self, labels: &[L]) -> Self {
        self.inner = self.inner.strata(labels);
        self
    }

    /// Validates every column and returns the data.
    ///
    /// # Errors
    /// As listed on [`CompetingRisksData`]; columns are checked in the order
    /// time (empty), cause (length), time (values), group, stratum, causes.
    pub fn build(self) -> Result<CompetingRisksData> {
        let CompetingRisksDataBuilder { n, cause, inner } = self;
        if n == 0 {
            return Err(ErrorDetail::EmptyInput { what: "time" }.into());
        }
        if cause.len() != n {
            return Err(ErrorDetail::LengthMismatch {
                what: "cause",
                expected: n,
                actual: cause.len(),
            }
            .into());
        }
        let data = inner.build()?;
        let mut causes: Vec<u32> = cause.iter().copied().filter(|&c| c != 0).collect();
        causes.sort_unstable();
        causes.dedup();
        if causes.len() > MAX_CAUSES {
            return Err(ErrorDetail::IntegerOutOfRange {
                what: "the number of distinct causes",
                constraint: "at most MAX_CAUSES = 64",
                value: causes.len() as u64,
            }
            .into());
        }
        Ok(CompetingRisksData {
            data,
            cause,
            causes,
        })
    }
}
