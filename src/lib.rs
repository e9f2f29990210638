//! Survival statistics for clinical studies.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod data;
#[rustfmt::skip]
pub mod datasets;
mod error;
mod event_table;
mod interval;
mod kaplan_meier;
mod logrank;
mod nelson_aalen;
mod special;

pub use crate::data::{SurvivalData, SurvivalDataBuilder};
pub use crate::error::{Error, Result};
pub use crate::event_table::{
    CountRow, EventTable, GroupCounts, StratumTable, TimeFix, TIMEFIX_TOLERANCE,
};
pub use crate::interval::{Alternative, CiTransform, ConfidenceInterval, ConfidenceLevel};
pub use crate::kaplan_meier::{
    KaplanMeier, KaplanMeierFit, Quantile, RestrictedMean, SurvivalAtTime, SurvivalCurve,
    QUANTILE_TOLERANCE,
};
pub use crate::logrank::{
    log_rank, HazardRatio, HazardRatioEstimator, LogRank, LogRankResult, LogRankWeights,
    PairwiseComparison, PairwiseLogRank, TrendTest,
};
pub use crate::nelson_aalen::{nelson_aalen, nelson_aalen_table, CumulativeHazard};
