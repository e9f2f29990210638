//! Survival statistics for clinical studies.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod fisher;
mod interval;
mod special;

pub use crate::error::{Error, Result};
pub use crate::fisher::{
    fisher_exact, fisher_exact_rxc, ContingencyTable, FisherExact, FisherExactRxc, FisherResult,
    NullOddsRatio, PValueKind, RxcMethod, RxcResult, Table2x2, DEFAULT_MAX_BYTES,
    DEFAULT_MAX_NODES,
};
pub use crate::interval::{Alternative, CiTransform, ConfidenceInterval, ConfidenceLevel};
