//! RECIST 1.1 best overall response and response-rate summaries.

use crate::error::Result;
use crate::proportion::Proportion;
use crate::ErrorDetail;

/// A RECIST 1.1 best overall response.
///
/// # Method
/// The categories of Eisenhauer et al. (2009), section 4.4, for the best
/// response recorded from the start of treatment:
/// ```text
/// Complete      CR  disappearance of all target and non-target lesions
/// Partial       PR  ≥ 30% decrease in the sum of target-lesion diameters
/// Stable        SD  neither PR nor PD
/// Progressive   PD  ≥ 20% (and ≥ 5 mm) increase, or new lesions
/// NotEvaluable  NE  no adequate assessment
/// ```
///
/// # Conventions
/// The order of the variants is the order of the RECIST tables (and of
/// [`Response::ALL`]); [`Response::abbreviation`] gives the usual labels.
///
/// # Errors
/// None: a plain value.
///
/// # Example
/// ```
/// use survkit::Response;
/// assert_eq!(Response::Partial.abbreviation(), "PR");
/// assert!(Response::Partial.is_objective_response());
/// assert!(Response::Stable.is_disease_control());
/// ```
///
/// # References
/// Eisenhauer, E. A., Therasse, P., Bogaerts, J., et al. (2009). New response
/// evaluation criteria in solid tumours: revised RECIST guideline (version
/// 1.1). *European Journal of Cancer* 45(2), 228–247.
/// doi:10.1016/j.ejca.2008.10.026
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Response {
    /// Complete response (CR).
    Complete,
    /// Partial response (PR).
    Partial,
    /// Stable disease (SD).
    Stable,
    /// Progressive disease (PD).
    Progressive,
    /// Not evaluable (NE).
    NotEvaluable,
}

impl Response {
    /// Every category, in table order: CR, PR, SD, PD, NE.
    pub const ALL: [Response; 5] = [
        Response::Complete,
        Response::Partial,
        Response::Stable,
        Response::Progressive,
        Response::NotEvaluable,
    ];

    /// The usual abbreviation: "CR", "PR", "SD", "PD" or "NE".
    pub fn abbreviation(self) -> &'static str {
        match self {
            Response::Complete => "CR",
            Response::Partial => "PR",
            Response::Stable => "SD",
            Response::Progressive => "PD",
            Response::NotEvaluable => "NE",
        }
    }

    /// Whether the response counts toward the objective response rate
    /// (CR or PR).
    pub fn is_objective_response(self) -> bool {
        matches!(self, Response::Complete | Response::Partial)
    }

    /// Whether the response counts toward the disease control rate
    /// (CR, PR or SD).
    pub fn is_disease_control(self) -> bool {
        matches!(
            self,
            Response::Complete | Response::Partial | Response::Stable
        )
    }

    fn index(self) -> usize {
        match self {
            Response::Complete => 0,
            Response::Partial => 1,
            Response::Stable => 2,
            Response::Progressive => 3,
            Response::NotEvaluable => 4,
        }
    }
}

/// Which patients form the denominator `N` of the response rates.
///
/// # Method
/// ```text
/// AllPatients    N = CR + PR + SD + PD + NE
/// EvaluableOnly  N = CR + PR + SD + PD
/// ```
///
/// # Conventions
/// RECIST 1.1 (section 4.4) reports response rates over all eligible
/// patients, counting not-evaluable patients as non-responders: that is
/// the default. Some protocols report over evaluable patients only.
///
/// # Errors
/// None: a plain value ([`ResponseSummary`] reports an empty denominator).
///
/// # Example
/// ```
/// use survkit::{Denominator, ResponseCounts, ResponseSummary};
/// let counts = ResponseCounts { complete: 1, partial: 4, stable: 3, progressive: 2, not_evaluable: 5 };
/// let all = ResponseSummary::from_counts(counts, Denominator::AllPatients)?;
/// let evaluable = ResponseSummary::from_counts(counts, Denominator::EvaluableOnly)?;
/// assert_eq!((all.total(), evaluable.total()), (15, 10));
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Eisenhauer, E. A., et al. (2009). *European Journal of Cancer* 45(2),
/// 228–247. doi:10.1016/j.ejca.2008.10.026
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Denominator {
    /// Every patient, not-evaluable ones included (the default).
    #[default]
    AllPatients,
    /// Evaluable patients only (CR + PR + SD + PD).
    EvaluableOnly,
}

/// Counts of patients per RECIST category, the input of
/// [`ResponseSummary::from_counts`].
///
/// # Method
/// Plain counts; `Default` is all zeros.
///
/// # Conventions
/// Field order follows the RECIST tables (CR, PR, SD, PD, NE).
///
/// # Errors
/// None here; [`ResponseSummary::from_counts`] validates the sum.
///
/// # Example
/// ```
/// use survkit::ResponseCounts;
/// let counts = ResponseCounts { complete: 2, partial: 12, stable: 3, progressive: 2, not_evaluable: 0 };
/// assert_eq!(counts.complete + counts.partial, 14);
/// ```
///
/// # References
/// Eisenhauer, E. A., et al. (2009). *European Journal of Cancer* 45(2),
/// 228–247. doi:10.1016/j.ejca.2008.10.026
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ResponseCounts {
    /// Complete responses (CR).
    pub complete: u64,
    /// Partial responses (PR).
    pub partial: u64,
    /// Stable disease (SD).
    pub stable: u64,
    /// Progressive disease (PD).
    pub progressive: u64,
    /// Not evaluable (NE).
    pub not_evaluable: u64,
}

/// Counts, percentages, objective response rate and disease control rate
/// of a set of best overall responses.
///
/// # Method
/// With `N` the denominator (all patients, or evaluable ones only, see
/// [`Denominator`]):
/// ```text
/// percentage(c) = 100 · count(c) / N
/// ORR = (CR + PR) / N
/// DCR = (CR + PR + SD) / N
/// ```
/// ORR and DCR are returned as [`Proportion`]s, so that any confidence
/// interval of [`crate::ProportionCiMethod`] or the exact test
/// [`crate::BinomialTest`] applies to them.
///
/// # Conventions
/// The default denominator includes not-evaluable patients (RECIST 1.1).
/// With [`Denominator::EvaluableOnly`] the NE category has no percentage.
///
/// # Errors
/// [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) when `N` would be 0, and [`ErrorDetail::CountOverflow`](crate::ErrorDetail::CountOverflow)
/// when the counts sum beyond [`crate::MAX_TRIALS`]. With the `serde`
/// feature, deserialisation applies the same checks, and
/// [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) if the stored `total` is not the sum of the
/// counts in the denominator.
///
/// # Example
/// ```
/// use survkit::{ConfidenceLevel, Denominator, ProportionCiMethod, Response, ResponseCounts, ResponseSummary};
/// let counts = ResponseCounts { complete: 2, partial: 12, stable: 3, progressive: 2, not_evaluable: 0 };
/// let summary = ResponseSummary::from_counts(counts, Denominator::AllPatients)?;
/// assert_eq!(format!("{:.1}", summary.percentage(Response::Partial)?), "63.2");
/// let orr = summary.objective_response();
/// assert_eq!((orr.successes(), orr.trials()), (14, 19));
/// let ci = orr.confidence_interval(ProportionCiMethod::ClopperPearson, ConfidenceLevel::NINETY_FIVE)?;
/// assert_eq!(format!("{:.1}", 100.0 * ci.lower()), "48.8");
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Eisenhauer, E. A., et al. (2009). New response evaluation criteria in
/// solid tumours: revised RECIST guideline (version 1.1). *European Journal
/// of Cancer* 45(2), 228–247. doi:10.1016/j.ejca.2008.10.026
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawResponseSummary"))]
#[must_use]
pub struct ResponseSummary {
    counts: [u64; 5],
    denominator: Denominator,
    total: u64,
}

/// The unvalidated form of [`ResponseSummary`] that deserialisation reads;
/// it becomes a `ResponseSummary` only through the checks of
/// [`ResponseSummary::from_counts`], and only if its `total` is the one
/// those counts give.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawResponseSummary {
    counts: [u64; 5],
    denominator: Denominator,
    total: u64,
}

#[cfg(feature = "serde")]
impl TryFrom<RawResponseSummary> for ResponseSummary {
    type Error = crate::Error;
    fn try_from(raw: RawResponseSummary) -> Result<Self> {
        let summary = ResponseSummary::build(raw.counts, raw.denominator)?;
        crate::fisher::check_stored_total(
            "response summary total",
            "the sum of the counts in the denominator",
            raw.total,
            summary.total,
        )?;
        Ok(summary)
    }
}

impl ResponseSummary {
    /// Tallies a list of best overall responses (one per patient).
    ///
    /// # Errors
    /// [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) if the list (or, with
    /// [`Denominator::EvaluableOnly`], its evaluable part) is empty.
    pub fn from_responses(responses: &[Response], denominator: Denominator) -> Result<Self> {
        let mut counts = [0u64; 5];
        for r in responses {
            // index() is in 0..5, and a slice length fits in u64.
            counts[r.index()] += 1;
        }
        Self::build(counts, denominator)
    }

    /// Builds the summary from counts per category.
    ///
    /// # Errors
    /// [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) if `N` is 0; [`ErrorDetail::CountOverflow`](crate::ErrorDetail::CountOverflow) if the
    /// counts sum beyond [`crate::MAX_TRIALS`].
    pub fn from_counts(counts: ResponseCounts, denominator: Denominator) -> Result<Self> {
        Self::build(
            [
                counts.complete,
                counts.partial,
                counts.stable,
                counts.progressive,
                counts.not_evaluable,
            ],
            denominator,
        )
    }

    fn build(counts: [u64; 5], denominator: Denominator) -> Result<Self> {
        let overflow = ErrorDetail::CountOverflow {
            what: "response counts",
        };
        let included = match denominator {
            Denominator::AllPatients => 5,
            Denominator::EvaluableOnly => 4,
        };
        let mut total = 0u64;
        for c in counts.iter().take(included) {
            total = total.checked_add(*c).ok_or(overflow.clone())?;
        }
        // NE must still fit with the rest, even when excluded.
        let mut all = 0u64;
        for c in counts.iter() {
            all = all.checked_add(*c).ok_or(overflow.clone())?;
        }
        if all > crate::proportion::MAX_TRIALS {
            return Err(overflow.into());
        }
        if total == 0 {
            return Err(ErrorDetail::EmptyInput {
                what: match denominator {
                    Denominator::AllPatients => "responses",
                    Denominator::EvaluableOnly => "evaluable responses",
                },
            }
            .into());
        }
        Ok(ResponseSummary {
            counts,
            denominator,
            total,
        })
    }

    /// The denominator convention used.
    pub fn denominator(&self) -> Denominator {
        self.denominator
    }

    /// `N`, the number of patients in the denominator.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The number of patients in a category.
    pub fn count(&self, response: Response) -> u64 {
        self.counts[response.index()] // index() < 5
    }

    /// The counts per category.
    pub fn counts(&self) -> ResponseCounts {
        let c = |r| self.count(r);
        ResponseCounts {
            complete: c(Response::Complete),
            partial: c(Response::Partial),
            stable: c(Response::Stable),
            progressive: c(Response::Progressive),
            not_evaluable: c(Response::NotEvaluable),
        }
    }

    /// The proportion of patients in a category, `count / N`.
    ///
    /// # Errors
    /// [`ErrorDetail::Incompatible`](crate::ErrorDetail::Incompatible) for [`Response::NotEvaluable`] under
    /// [`Denominator::EvaluableOnly`] (those patients are not in `N`).
    pub fn proportion(&self, response: Response) -> Result<Proportion> {
        if response == Response::NotEvaluable && self.denominator == Denominator::EvaluableOnly {
            return Err(ErrorDetail::Incompatible {
                what: "response category and denominator",
                detail: "not-evaluable patients are excluded from the denominator",
            }
            .into());
        }
        Proportion::new(self.count(response), self.total)
    }

    /// The percentage of patients in a category, `100 · count / N`.
    ///
    /// # Errors
    /// As [`ResponseSummary::proportion`].
    pub fn percentage(&self, response: Response) -> Result<f64> {
        Ok(self.proportion(response)?.percentage())
    }

    /// The objective response rate, (CR + PR) / N.
    pub fn objective_response(&self) -> Proportion {
        self.rate(|r| r.is_objective_response())
    }

    /// The disease control rate, (CR + PR + SD) / N.
    pub fn disease_control(&self) -> Proportion {
        self.rate(|r| r.is_disease_control())
    }

    fn rate(&self, include: impl Fn(Response) -> bool) -> Proportion {
        let x: u64 = Response::ALL
            .iter()
            .filter(|r| include(**r))
            .map(|r| self.count(*r))
            .sum(); // bounded by the validated total
        Proportion::from_parts_unchecked(x, self.total)
    }
}
