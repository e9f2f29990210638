//! Survival statistics for clinical studies.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod error;
mod interval;
mod proportion;
mod special;

pub use crate::error::{Error, Result};
pub use crate::interval::{Alternative, CiTransform, ConfidenceInterval, ConfidenceLevel};
pub use crate::proportion::{
    risk_difference, BinomialTest, BinomialTestResult, Proportion, ProportionCi,
    ProportionCiMethod, RiskDifference, MAX_TRIALS,
};
