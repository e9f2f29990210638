//! Survival statistics for clinical studies.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod consistency;
mod error;
mod interval;
mod proportion;
mod pvalue;
mod response;
mod special;

pub use crate::consistency::{check_percentage, PercentageCheck, ReportedPercentage};
pub use crate::error::{Error, Result};
pub use crate::interval::{Alternative, CiTransform, ConfidenceInterval, ConfidenceLevel};
pub use crate::proportion::{
    risk_difference, BinomialTest, BinomialTestResult, Proportion, ProportionCi,
    ProportionCiMethod, RiskDifference, MAX_TRIALS,
};
pub use crate::pvalue::{check_p_value, format_p_value, PValueCheck, PValueStyle, ReportedPValue};
pub use crate::response::{Denominator, Response, ResponseCounts, ResponseSummary};
