//! Survival statistics for clinical studies: Kaplan-Meier curves, log-rank
//! tests, Fisher's exact test and response rates with exact confidence
//! intervals, giving the same digits as R and never panicking on data.
//!
//! survkit is for the statistics a clinical survival study reports, so that a
//! statistician who reads such a study can redo every number in it. Its
//! reference of record is R: `survival`'s `survfit` and `survdiff`,
//! `stats::fisher.test`, `binom.test` and `prop.test`. It deliberately does
//! not fit regression models (no Cox model, no parametric survival) or read
//! files: data come in as plain columns and results go out as typed structs
//! (the one drawing, a Kaplan-Meier figure, is behind the `plot` feature).
//!
//! ```
//! use survkit::{datasets::aml, log_rank, KaplanMeier, SurvivalData};
//!
//! // R: fit <- survfit(Surv(time, status) ~ x, data = aml)
//! let data = SurvivalData::builder(&aml::TIME[..], aml::event())
//!     .groups(&aml::X)
//!     .build()?;
//! let fit = KaplanMeier::new().fit(&data)?;
//! let maintained = fit.curve("Maintained").ok_or("no such curve")?;
//! assert_eq!(maintained.median().estimate(), Some(31.0)); // R: median 31
//!
//! // R: survdiff(Surv(time, status) ~ x, data = aml): Chisq = 3.4 on 1 df, p = 0.07
//! let test = log_rank(&data)?;
//! assert_eq!(test.df(), 1);
//! assert!((test.statistic() - 3.396).abs() < 1e-3);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - [`SurvivalData`]: validated columns (time, event, optional groups,
//!   strata, case weights, entry times); every bad input is an [`Error`].
//! - [`EventTable`]: the one core of every survival procedure, the risk-set
//!   counts per distinct time, built with one sort, from pre-aggregated
//!   counts ([`CountRow`]), or by merging partitions.
//! - [`KaplanMeier`] → [`SurvivalCurve`]: survival, Greenwood standard errors,
//!   pointwise intervals, quantiles with intervals, survival at given times,
//!   restricted mean, median follow-up; [`nelson_aalen`] for the cumulative
//!   hazard.
//! - [`ConfidenceBand`] → [`SimultaneousBand`]: Hall-Wellner and
//!   equal-precision simultaneous bands with computed critical values.
//! - [`LogRank`] / [`log_rank`] → [`LogRankResult`]: k-group log-rank tests
//!   with weights, strata, z, hazard ratios, trend and pairwise comparisons.
//! - [`Table2x2`] → [`fisher_exact`] / [`FisherExact`] → [`FisherResult`]:
//!   Fisher's exact test with the exact conditional odds ratio and interval;
//!   [`ContingencyTable`] → [`fisher_exact_rxc`] for r x c tables.
//! - [`Table2x2`] → [`barnard_exact`] / [`Barnard`], [`boschloo_exact`] /
//!   [`Boschloo`] → [`UnconditionalResult`]: unconditional exact tests of two
//!   proportions with a certified maximum over the nuisance parameter.
//! - [`Proportion`] with [`ProportionCiMethod`] intervals and the exact
//!   [`BinomialTest`]; [`compare_proportions`] and [`risk_difference`] for two
//!   rates.
//! - [`Response`] → [`ResponseSummary`]: RECIST 1.1 best-response tables,
//!   objective response and disease control rates.
//! - [`format_p_value`], [`check_p_value`], [`check_percentage`]: journal-style
//!   p-values and checks that reported figures can be right.
//! - [`ConfidenceLevel`], [`ConfidenceInterval`], [`Alternative`],
//!   [`CiTransform`]: the shared vocabulary of intervals and tests.
//! - [`SimonSearch`] → [`SimonDesigns`], [`TwoStageDesign`] →
//!   [`TwoStageInference`], [`SingleStageSearch`], [`LogRankEvents`],
//!   [`SurvivalSampleSize`]: designing the next study (Simon's two-stage
//!   designs and inference after them, A'Hern's single-stage designs,
//!   log-rank events and patients).
//! - [`Reconstruct`] → [`Reconstruction`]: individual data rebuilt from a
//!   digitised Kaplan-Meier figure and its numbers at risk ([`AtRiskTable`],
//!   [`read_webplotdigitizer_csv`]), Guyot et al. (2012); [`combine_arms`].
//! - `KaplanMeierPlot` → `KaplanMeierFigure` (feature `plot`): journal-ready
//!   Kaplan-Meier figures as SVG (PNG with `png`) with an aligned
//!   numbers-at-risk table, also as data (`RiskTable`).
//! - [`CompetingRisksData`] → [`CumulativeIncidence`] →
//!   [`CumulativeIncidenceFit`]: Aalen-Johansen cumulative incidence of
//!   competing risks with cmprsk's and survfit's standard errors, and
//!   Gray's test ([`GrayTest`]); [`CompetingRisksTable`] counts per cause.
//! - `ArrowSurvivalData`, `ArrowCounts` (feature `arrow`): data and
//!   pre-aggregated counts from Arrow record batches, results as batches.
//! - [`datasets`]: R's `aml`, `lung`, `ovarian` and `veteran` data, embedded.
//!
//! # Choosing a method
//!
//! - Survival curves: [`KaplanMeier`] with the default log-scale intervals
//!   (R's default); [`CiTransform::LogLog`] for better coverage in small
//!   samples.
//! - Comparing curves: [`log_rank`] (R's default `survdiff`); when early
//!   differences matter more, [`LogRankWeights::FlemingHarrington`] with
//!   ρ = 1 (Peto-Peto-like) or [`LogRankWeights::GehanBreslow`]; ordered
//!   groups: [`LogRankResult::trend`]; more than two groups:
//!   [`LogRank::pairwise`] with Holm's adjustment.
//! - Response against a clinical variable (small counts): [`fisher_exact`];
//!   larger tables: [`fisher_exact_rxc`], or [`RxcMethod::Auto`] for the
//!   exact p within its time limit (5 s by default) and the Monte Carlo p
//!   with its standard error otherwise.
//! - A response rate's interval: Clopper-Pearson (R's `binom.test`, the
//!   default and what journals expect); Wilson or Jeffreys for shorter
//!   intervals with near-nominal coverage; never Wald below n ≈ 100.
//!
//! # Conventions
//!
//! | procedure | matches | notes |
//! |---|---|---|
//! | [`EventTable`] | R `survival` `aeqSurv` (`timefix = TRUE`) | [`TimeFix::Exact`] for bit-exact times |
//! | [`KaplanMeier`] | R `survfit`, `summary.survfit`, `quantile.survfit`, `survmean` | `std_err_log` is R's `fit$std.err`, `std_err_surv` is `summary(fit)$std.err` |
//! | [`LogRank`] | R `survdiff` | weights beyond R's ρ match statsmodels and lifelines |
//! | [`CumulativeIncidence`] | R `survfit(Surv(time, factor(cause)))`, cmprsk `cuminc` | `std_err_ij` is survfit's `std.err`, `std_err_delta` is cuminc's `var`; Gray's test as `cuminc(...)$Tests` |
//! | [`fisher_exact`] | R `fisher.test` | the conditional MLE is exact (R stops at `uniroot`'s ~1e-4); scipy's `fisher_exact` two-sided rule differs |
//! | [`fisher_exact_rxc`] | R `fisher.test(workspace = )` (FEXACT) | also where FEXACT runs out of workspace |
//! | [`Proportion`] | R `binom.test`, `prop.test`; statsmodels `proportion_confint` | Jeffreys with the Brown-Cai-DasGupta boundary fix |
//! | [`SimonSearch`], [`TwoStageDesign::inference`] | clinfun `ph2simon`, `twostage.inference` | inference bounds are exact roots (clinfun: a 1e-4 grid) |
//! | [`LogRankEvents`], [`SurvivalSampleSize`] | rpact `getSampleSizeSurvival`, `getPowerSurvival`; gsDesign `nSurv` (Lachin-Foulkes) | unrounded events and patients |
//! | [`Reconstruct`] | Guyot et al. (2012), from the paper | IPDfromKM, survHE's `digitise` are the R implementations; survkit adds cleaning, bounded loops and an exact-click step |
//! | [`format_p_value`] | journal style (APA, AMA): `.011`, `< .001`, `> .999` | rounds half away from zero |
//!
//! Reference values and the calls that made them are in the crate's
//! `tests/data/`; the reports are in `docs/` (`methods.md`, `validation.md`,
//! `performance.md`).
//!
//! # Crate features
//!
//! - `serde` (off by default): `Serialize`/`Deserialize` on every public
//!   result type.
//! - `plot` (off by default, no dependency): Kaplan-Meier figures as SVG.
//! - `png` (off by default, implies `plot`): PNG output through resvg with
//!   an embedded Liberation Sans (SIL OFL 1.1).
//! - `arrow` (off by default): `ArrowSurvivalData` and `ArrowCounts` read
//!   Arrow record batches (arrow-array and arrow-schema only), and fits and
//!   tests convert to record batches (`to_record_batch`).
//!
//! # References
//!
//! - Kaplan, E. L. & Meier, P. (1958). Nonparametric estimation from
//!   incomplete observations. *JASA* 53, 457–481. doi:10.1080/01621459.1958.10501452
//! - Mantel, N. (1966). Evaluation of survival data and two new rank order
//!   statistics arising in its consideration. *Cancer Chemotherapy Reports*
//!   50, 163–170.
//! - Therneau, T. M. & Grambsch, P. M. (2000). *Modeling Survival Data:
//!   Extending the Cox Model*. Springer. doi:10.1007/978-1-4757-3294-8
//! - Klein, J. P. & Moeschberger, M. L. (2003). *Survival Analysis*, 2nd ed.
//!   Springer. doi:10.1007/b97377
//! - Fisher, R. A. (1935). The logic of inductive inference. *JRSS* 98(1),
//!   39–82. doi:10.2307/2342435
//! - Mehta, C. R. & Patel, N. R. (1983). A network algorithm for performing
//!   Fisher's exact test in r x c contingency tables. *JASA* 78, 427–434.
//!   doi:10.1080/01621459.1983.10477973
//! - Clopper, C. J. & Pearson, E. S. (1934). The use of confidence or fiducial
//!   limits illustrated in the case of the binomial. *Biometrika* 26(4),
//!   404–413. doi:10.1093/biomet/26.4.404
//! - Guyot, P., Ades, A. E., Ouwens, M. J. N. M. & Welton, N. J. (2012).
//!   Enhanced secondary analysis of survival data: reconstructing the data
//!   from published Kaplan-Meier survival curves. *BMC Med. Res. Methodol.*
//!   12, 9. doi:10.1186/1471-2288-12-9
//! - Eisenhauer, E. A. et al. (2009). New response evaluation criteria in
//!   solid tumours: revised RECIST guideline (version 1.1). *Eur. J. Cancer*
//!   45(2), 228–247. doi:10.1016/j.ejca.2008.10.026
#![forbid(unsafe_code)]
#![deny(missing_docs)]

/// The README's code blocks, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[cfg(feature = "arrow")]
mod arrow;
mod bands;
mod builder;
mod compare;
mod competing;
mod consistency;
mod curve_counts;
mod data;
mod design;
#[rustfmt::skip]
pub mod datasets;
mod error;
mod event_table;
mod fisher;
mod interval;
mod kaplan_meier;
mod landmark;
mod logrank;
mod missing;
mod nelson_aalen;
#[cfg(feature = "plot")]
mod plot;
mod print;
mod proportion;
mod pvalue;
mod reconstruct;
mod response;
mod rformat;
mod rmst;
mod special;
mod sweep;

#[cfg(feature = "arrow")]
pub use crate::arrow::{ArrowCounts, ArrowSurvivalData, NaAction};
pub use crate::bands::{BandKind, ConfidenceBand, SimultaneousBand, DEFAULT_BAND_TIME_LIMIT};
pub use crate::compare::{compare_proportions, ProportionComparison};
pub use crate::competing::{
    CauseCounts, CompetingRisksData, CompetingRisksDataBuilder, CompetingRisksTable,
    CumulativeIncidence, CumulativeIncidenceFit, GrayTest, IncidenceCurve, MAX_CAUSES,
    MAX_GRAY_GROUPS,
};
pub use crate::consistency::{check_percentage, PercentageCheck, ReportedPercentage};
pub use crate::data::{SurvivalData, SurvivalDataBuilder};
pub use crate::design::{
    EventsMethod, LogRankEvents, LogRankEventsResult, Sided, SimonDesign, SimonDesigns,
    SimonSearch, SingleStageDesign, SingleStageSearch, SurvivalSampleSize,
    SurvivalSampleSizeMethod, SurvivalSampleSizeResult, TwoStageCharacteristics, TwoStageDesign,
    TwoStageInference, DEFAULT_SIMON_TIME_LIMIT, DEFAULT_SINGLE_STAGE_TIME_LIMIT, MAX_DESIGN_SIZE,
    MAX_SIMON_NMAX, MAX_SINGLE_STAGE_NMAX,
};
pub use crate::error::{BudgetProgress, Error, ErrorDetail, ErrorKind, Result};
pub use crate::event_table::{
    CountRow, EventTable, GroupCounts, StratumTable, TimeFix, MAX_CELLS, MAX_COUNT_SUM,
    MAX_TABLE_ENTRIES, MAX_WHOLE_COUNT_SUM, TIMEFIX_TOLERANCE,
};
pub use crate::fisher::{
    barnard_exact, boschloo_exact, Barnard, BergerBoos, Boschloo, BoschlooTwoSided,
    UnconditionalMethod, UnconditionalResult, WaldVariance, BOSCHLOO_TIE_REL, CERTIFIED_REL_TOL,
    DEFAULT_UNCONDITIONAL_TIME_LIMIT, MAX_REGION_TABLES,
};
pub use crate::fisher::{
    fisher_exact, fisher_exact_rxc, ContingencyTable, FisherExact, FisherExactRxc, FisherResult,
    NullOddsRatio, PValueKind, RxcMethod, RxcResult, Table2x2, DEFAULT_2X2_TIME_LIMIT,
    DEFAULT_MAX_BYTES, DEFAULT_RXC_TIME_LIMIT,
};
pub use crate::interval::{Alternative, CiTransform, ConfidenceInterval, ConfidenceLevel};
pub use crate::kaplan_meier::{
    CurveRow, KaplanMeier, KaplanMeierFit, Quantile, RestrictedMean, SurvivalAtTime, SurvivalCurve,
    QUANTILE_TOLERANCE,
};
pub use crate::landmark::ConditionalSurvival;
pub use crate::logrank::{
    log_rank, HazardRatio, HazardRatioEstimator, LogRank, LogRankResult, LogRankWeights,
    PairwiseComparison, PairwiseLogRank, TrendTest,
};
pub use crate::missing::{CompleteCases, CompleteCasesBuilder, Level};
pub use crate::nelson_aalen::{
    nelson_aalen, nelson_aalen_table, nelson_aalen_with, CumulativeHazard,
};
#[cfg(feature = "plot")]
pub use crate::plot::{
    text_width_em, KaplanMeierFigure, KaplanMeierPlot, LegendPosition, Palette, RiskTable,
    RiskTableRow, RiskTableStyle, YFormat, YScale, ASCENT_EM, DESCENT_EM, DOUBLE_COLUMN_MM,
    FONT_FAMILY, SINGLE_COLUMN_MM,
};
pub use crate::print::{KaplanMeierTable, KaplanMeierTableRow, SurvivalSummary};
pub use crate::proportion::{
    risk_difference, BinomialTest, BinomialTestResult, Proportion, ProportionCi,
    ProportionCiMethod, RiskDifference, MAX_TRIALS,
};
pub use crate::pvalue::{
    check_p_value, format_p_value, try_format_p_value, PValueCheck, PValueStyle, ReportedPValue,
};
pub use crate::reconstruct::{
    combine_arms, read_at_risk_csv, read_webplotdigitizer_csv, AtRiskTable, CleaningReport,
    DigitisedArm, IntervalMethod, Reconstruct, Reconstruction, RiskInterval, SurvivalScale,
    DEFAULT_EXACT_BUDGET, DEFAULT_MAX_ADJUSTMENTS, EXACT_RATIO_TOLERANCE, MAX_PATIENTS,
    WHAT_IS_RECOVERED,
};
pub use crate::response::{Denominator, Response, ResponseCounts, ResponseSummary};
pub use crate::rmst::{RmstArm, RmstComparison, RmstComparisonResult, RmstContrast, TauRule};

#[cfg(test)]
mod test_rng;
