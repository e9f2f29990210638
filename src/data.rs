//! Validated survival data: the columns every survival procedure starts from.

use crate::builder::getters;
use crate::ErrorDetail;
use std::collections::BTreeMap;
use std::fmt::Display;

use crate::error::Result;

/// Categorical labels coded as `0..levels.len()` with their names.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
struct Levels {
    codes: Vec<u32>,
    names: Vec<String>,
}

impl Levels {
    /// Levels are the sorted distinct labels (R's `factor()` default order
    /// for numbers and for ASCII strings).
    fn from_labels<L: Ord + Display>(what: &'static str, labels: &[L]) -> Result<Self> {
        let mut map: BTreeMap<&L, u32> = BTreeMap::new();
        for l in labels {
            map.insert(l, 0);
        }
        if map.len() > u32::MAX as usize {
            return Err(ErrorDetail::CountOverflow { what: "levels" }.into());
        }
        let mut names = Vec::with_capacity(map.len());
        for (i, (k, v)) in map.iter_mut().enumerate() {
            *v = i as u32;
            names.push(k.to_string());
        }
        check_distinct_names(what, &names)?;
        let codes = labels
            .iter()
            .map(|l| map[l]) // every label is a key of the map
            .collect();
        Ok(Levels { codes, names })
    }

    /// Levels in the caller's order; every label must be one of them and no
    /// level may be listed (or print) twice. A level may have no rows.
    fn with_levels<L: Ord + Display>(
        what: &'static str,
        labels: &[L],
        levels: &[L],
    ) -> Result<Self> {
        if levels.is_empty() {
            return Err(ErrorDetail::EmptyInput { what }.into());
        }
        if levels.len() > u32::MAX as usize {
            return Err(ErrorDetail::CountOverflow { what: "levels" }.into());
        }
        let mut index: BTreeMap<&L, u32> = BTreeMap::new();
        for (i, l) in levels.iter().enumerate() {
            if index.insert(l, i as u32).is_some() {
                return Err(ErrorDetail::DuplicateLevel {
                    what,
                    level: l.to_string(),
                }
                .into());
            }
        }
        let names: Vec<String> = levels.iter().map(ToString::to_string).collect();
        check_distinct_names(what, &names)?;
        let mut codes = Vec::with_capacity(labels.len());
        for (i, l) in labels.iter().enumerate() {
            codes.push(
                *index
                    .get(l)
                    .ok_or(ErrorDetail::UnknownLevel { what, index: i })?,
            );
        }
        // A declared level without rows is kept: the data may be one part
        // of a partition whose other parts hold that level's subjects.
        Ok(Levels { codes, names })
    }
}

/// Right-censored (optionally left-truncated) survival data, validated once.
///
/// Columns, one entry per subject:
///
/// ```text
/// time     exit time (event or censoring), finite and ≥ 0
/// event    true = the event was observed at `time`, false = censored
/// group    optional label; one curve / one log-rank arm per level
/// stratum  optional label; the log-rank test sums within strata
/// weight   optional case weight, finite and ≥ 0 (frequency weights)
/// entry    optional entry time (left truncation), finite, ≥ 0 and < time:
///          the subject is at risk on (entry, time], R's Surv(entry, time, event)
/// ```
///
/// # Conventions
/// Group and stratum levels are the sorted distinct labels, as R's `factor()`
/// orders numbers and ASCII strings; [`SurvivalDataBuilder::group_levels`]
/// sets an explicit order. A negative zero time is stored as `+0.0`.
///
/// # Errors
/// [`ErrorDetail::EmptyInput`](crate::ErrorDetail::EmptyInput) for no rows, [`ErrorDetail::LengthMismatch`](crate::ErrorDetail::LengthMismatch) when a column
/// is not as long as `time`, [`ErrorDetail::NonFinite`](crate::ErrorDetail::NonFinite) for NaN or ±∞,
/// [`ErrorDetail::Negative`](crate::ErrorDetail::Negative) for a negative time, entry or weight,
/// [`ErrorDetail::EntryNotBeforeExit`](crate::ErrorDetail::EntryNotBeforeExit) when `entry ≥ time`, [`ErrorDetail::UnknownLevel`](crate::ErrorDetail::UnknownLevel)
/// for a label outside the declared levels, [`ErrorDetail::DuplicateLevel`](crate::ErrorDetail::DuplicateLevel) for a
/// level declared twice or two levels that print alike (they would name two
/// curves alike), [`ErrorDetail::CountOverflow`](crate::ErrorDetail::CountOverflow) when the weights sum to more than
/// `f64::MAX`, [`ErrorDetail::InvalidParameter`](crate::ErrorDetail::InvalidParameter) when every weight is zero.
///
/// A declared level ([`SurvivalDataBuilder::group_levels`],
/// [`SurvivalDataBuilder::stratum_levels`]) may have no rows: the data can be
/// one part of a partition (one site, one shard) whose tables are merged
/// with [`EventTable::merge`](crate::EventTable::merge). Procedures that need
/// subjects in every group report [`ErrorDetail::EmptyGroup`](crate::ErrorDetail::EmptyGroup).
///
/// # Example
/// ```
/// use survkit::{datasets::aml, SurvivalData};
/// let data = SurvivalData::builder(&aml::TIME[..], aml::event())
///     .groups(&aml::X)
///     .build()?;
/// assert_eq!(data.len(), 23);
/// assert_eq!(data.group_names(), ["Maintained", "Nonmaintained"]);
/// assert!(SurvivalData::new(&[1.0, f64::NAN][..], vec![true, false]).is_err());
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawSurvivalData"))]
pub struct SurvivalData {
    time: Vec<f64>,
    event: Vec<bool>,
    entry: Option<Vec<f64>>,
    weight: Option<Vec<f64>>,
    group: Option<Levels>,
    stratum: Option<Levels>,
}

impl SurvivalData {
    /// Validates right-censored data without groups, strata, weights or entry times.
    ///
    /// Pass owned `Vec`s to avoid a copy; slices are copied.
    ///
    /// # Errors
    /// As for [`SurvivalData`].
    pub fn new(time: impl Into<Vec<f64>>, event: impl Into<Vec<bool>>) -> Result<Self> {
        Self::builder(time, event).build()
    }

    /// Starts a builder for data with groups, strata, weights or entry times.
    pub fn builder(time: impl Into<Vec<f64>>, event: impl Into<Vec<bool>>) -> SurvivalDataBuilder {
        SurvivalDataBuilder {
            time: time.into(),
            event: event.into(),
            entry: None,
            weight: None,
            group: None,
            stratum: None,
        }
    }

    getters! {
        /// Number of subjects (rows).
        pub fn len(&self) -> usize { self.time.len() }

        /// Always false: validated data have at least one row.
        pub fn is_empty(&self) -> bool { self.time.is_empty() }

        /// Exit times.
        pub fn time(&self) -> &[f64] { &self.time }

        /// Event indicators.
        pub fn event(&self) -> &[bool] { &self.event }
    }

    /// Entry times, when the data are left-truncated.
    pub fn entry(&self) -> Option<&[f64]> {
        self.entry.as_deref()
    }

    /// Case weights, when given.
    pub fn weights(&self) -> Option<&[f64]> {
        self.weight.as_deref()
    }

    /// Number of group levels (1 when ungrouped).
    pub fn n_groups(&self) -> usize {
        level_count(&self.group)
    }

    /// Group level names (`["all"]` when ungrouped).
    pub fn group_names(&self) -> Vec<&str> {
        level_names(&self.group)
    }

    /// Group code (index into [`group_names`](Self::group_names)) of each row, when grouped.
    pub fn group_codes(&self) -> Option<&[u32]> {
        level_codes(&self.group)
    }

    /// Number of strata (1 when unstratified).
    pub fn n_strata(&self) -> usize {
        level_count(&self.stratum)
    }

    /// Stratum names (`["all"]` when unstratified).
    pub fn stratum_names(&self) -> Vec<&str> {
        level_names(&self.stratum)
    }

    /// Stratum code of each row, when stratified.
    pub fn stratum_codes(&self) -> Option<&[u32]> {
        level_codes(&self.stratum)
    }
}

/// Number of levels; absent levels are one level, "all".
fn level_count(levels: &Option<Levels>) -> usize {
    levels.as_ref().map_or(1, |l| l.names.len())
}

/// Level names; absent levels are the one level "all".
fn level_names(levels: &Option<Levels>) -> Vec<&str> {
    match levels {
        Some(l) => l.names.iter().map(String::as_str).collect(),
        None => vec!["all"],
    }
}

fn level_codes(levels: &Option<Levels>) -> Option<&[u32]> {
    levels.as_ref().map(|l| l.codes.as_slice())
}

/// The unvalidated form of [`SurvivalData`] that deserialisation reads; it
/// becomes `SurvivalData` only through the same validation as the builder.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawSurvivalData {
    time: Vec<f64>,
    event: Vec<bool>,
    entry: Option<Vec<f64>>,
    weight: Option<Vec<f64>>,
    group: Option<Levels>,
    stratum: Option<Levels>,
}

#[cfg(feature = "serde")]
impl TryFrom<RawSurvivalData> for SurvivalData {
    type Error = crate::Error;
    fn try_from(raw: RawSurvivalData) -> Result<Self> {
        let mut b = SurvivalData::builder(raw.time, raw.event);
        if let Some(e) = raw.entry {
            b = b.entry(e);
        }
        if let Some(w) = raw.weight {
            b = b.weights(w);
        }
        let labels = |l: &Levels, what: &'static str| -> Result<Levels> {
            let names: Vec<&str> = l
                .codes
                .iter()
                .enumerate()
                .map(|(index, &c)| {
                    l.names
                        .get(c as usize)
                        .map(String::as_str)
                        .ok_or(ErrorDetail::UnknownLevel { what, index }.into())
                })
                .collect::<Result<_>>()?;
            let levels: Vec<&str> = l.names.iter().map(String::as_str).collect();
            Levels::with_levels(what, &names, &levels)
        };
        b.group = raw.group.as_ref().map(|l| labels(l, "group"));
        b.stratum = raw.stratum.as_ref().map(|l| labels(l, "stratum"));
        b.build()
    }
}

/// The two labelled factors of survival data.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Factor {
    Group,
    Stratum,
}

/// Builder for [`SurvivalData`] with groups, strata, case weights or entry
/// times; validation happens once, in [`build`](Self::build), which reports
/// the first problem found (see [`SurvivalData`] for the list).
///
/// # Example
/// ```
/// use survkit::{datasets::lung, SurvivalData};
/// // R: Surv(time, status) ~ sex + strata(ph.ecog), rows with ph.ecog missing dropped
/// let keep: Vec<usize> = (0..lung::TIME.len()).filter(|&i| lung::PH_ECOG[i].is_some()).collect();
/// let data = SurvivalData::builder(
///     keep.iter().map(|&i| lung::TIME[i]).collect::<Vec<_>>(),
///     keep.iter().map(|&i| lung::STATUS[i] == 2).collect::<Vec<_>>(),
/// )
/// .group_levels(&keep.iter().map(|&i| lung::SEX[i]).collect::<Vec<_>>(), &[1, 2])
/// .strata(&keep.iter().map(|&i| lung::PH_ECOG[i].unwrap_or(0.0) as u8).collect::<Vec<_>>())
/// .build()?;
/// assert_eq!((data.len(), data.n_groups(), data.n_strata()), (227, 2, 4));
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct SurvivalDataBuilder {
    time: Vec<f64>,
    event: Vec<bool>,
    entry: Option<Vec<f64>>,
    weight: Option<Vec<f64>>,
    group: Option<Result<Levels>>,
    stratum: Option<Result<Levels>>,
}

impl SurvivalDataBuilder {
    /// Group labels, one per row; levels are the sorted distinct labels.
    pub fn groups<L: Ord + Display>(mut self, labels: &[L]) -> Self {
        self.set_factor(Factor::Group, labels, None);
        self
    }

    /// Group labels with an explicit order of levels; each label must be a
    /// level. A level may have no rows (a partition of a larger data set).
    pub fn group_levels<L: Ord + Display>(mut self, labels: &[L], levels: &[L]) -> Self {
        self.set_factor(Factor::Group, labels, Some(levels));
        self
    }

    /// Stratum labels, one per row; levels are the sorted distinct labels.
    pub fn strata<L: Ord + Display>(mut self, labels: &[L]) -> Self {
        self.set_factor(Factor::Stratum, labels, None);
        self
    }

    /// Stratum labels with an explicit order of levels (a level may have no
    /// rows).
    pub fn stratum_levels<L: Ord + Display>(mut self, labels: &[L], levels: &[L]) -> Self {
        self.set_factor(Factor::Stratum, labels, Some(levels));
        self
    }

    /// Stores the labels of one factor, with the sorted distinct labels as
    /// levels or with the given `levels`; checked by [`build`](Self::build).
    pub(crate) fn set_factor<L: Ord + Display>(
        &mut self,
        factor: Factor,
        labels: &[L],
        levels: Option<&[L]>,
    ) {
        let (slot, what) = match factor {
            Factor::Group => (&mut self.group, "group"),
            Factor::Stratum => (&mut self.stratum, "stratum"),
        };
        *slot = Some(match levels {
            None => Levels::from_labels(what, labels),
            Some(levels) => Levels::with_levels(what, labels, levels),
        });
    }

    /// Case weights (frequency weights), finite and ≥ 0.
    pub fn weights(mut self, weights: impl Into<Vec<f64>>) -> Self {
        self.weight = Some(weights.into());
        self
    }

    /// Entry times for left-truncated data (R's `Surv(entry, time, event)`).
    pub fn entry(mut self, entry: impl Into<Vec<f64>>) -> Self {
        self.entry = Some(entry.into());
        self
    }

    /// Validates every column and returns the data.
    ///
    /// # Errors
    /// As listed on [`SurvivalData`]; the first problem found is reported,
    /// columns checked in the order time, event, entry, weight, group, stratum.
    pub fn build(self) -> Result<SurvivalData> {
        let SurvivalDataBuilder {
            mut time,
            event,
            mut entry,
            weight,
            group,
            stratum,
        } = self;
        let n = time.len();
        if n == 0 {
            return Err(ErrorDetail::EmptyInput { what: "time" }.into());
        }
        check_len("event", n, event.len())?;
        check_times("time", &mut time)?;
        if let Some(e) = entry.as_mut() {
            check_entry(e, &time)?;
        }
        if let Some(w) = weight.as_ref() {
            check_weights(w, n)?;
        }
        let group = check_levels("group", group, n)?;
        let stratum = check_levels("stratum", stratum, n)?;
        Ok(SurvivalData {
            time,
            event,
            entry,
            weight,
            group,
            stratum,
        })
    }
}

/// Entry times: one per exit time, valid times (see [`check_times`]), each
/// before its exit.
fn check_entry(entry: &mut [f64], time: &[f64]) -> Result<()> {
    check_len("entry", time.len(), entry.len())?;
    check_times("entry", entry)?;
    for (index, (&en, &ex)) in entry.iter().zip(time).enumerate() {
        if en >= ex {
            return Err(ErrorDetail::EntryNotBeforeExit {
                index,
                entry: en,
                exit: ex,
            }
            .into());
        }
    }
    Ok(())
}

/// Case weights: `n` of them, finite, ≥ 0, with a finite positive sum.
fn check_weights(w: &[f64], n: usize) -> Result<()> {
    check_len("weight", n, w.len())?;
    for (index, &v) in w.iter().enumerate() {
        if !v.is_finite() {
            return Err(ErrorDetail::NonFinite {
                what: "weight",
                index,
                value: v,
            }
            .into());
        }
        if v < 0.0 {
            return Err(ErrorDetail::Negative {
                what: "weight",
                index,
                value: v,
            }
            .into());
        }
    }
    // Each weight is finite, but their sum (the largest number at
    // risk) must be too: weights near f64::MAX make every count ∞.
    let total = w.iter().sum::<f64>();
    if !total.is_finite() {
        return Err(ErrorDetail::CountOverflow { what: "weights" }.into());
    }
    // Without a subject of positive weight no procedure has data.
    if total == 0.0 {
        return Err(ErrorDetail::InvalidParameter {
            what: "the sum of weights",
            constraint: "positive (at least one subject with a positive weight)",
            value: total,
        }
        .into());
    }
    Ok(())
}

/// The levels of a factor given to the builder (the error of their
/// construction, if any), with one code per row.
fn check_levels(
    what: &'static str,
    levels: Option<Result<Levels>>,
    n: usize,
) -> Result<Option<Levels>> {
    let levels = levels.transpose()?;
    if let Some(l) = &levels {
        check_len(what, n, l.codes.len())?;
    }
    Ok(levels)
}

/// Level names must be distinct as printed: two labels that print alike
/// would give two curves (or arms) of one name.
pub(crate) fn check_distinct_names<S: AsRef<str>>(what: &'static str, names: &[S]) -> Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for n in names {
        if !seen.insert(n.as_ref()) {
            return Err(ErrorDetail::DuplicateLevel {
                what,
                level: n.as_ref().to_owned(),
            }
            .into());
        }
    }
    Ok(())
}

fn check_len(what: &'static str, expected: usize, actual: usize) -> Result<()> {
    if expected == actual {
        Ok(())
    } else {
        Err(ErrorDetail::LengthMismatch {
            what,
            expected,
            actual,
        }
        .into())
    }
}

/// Times must be finite and ≥ 0; `-0.0` is normalised to `+0.0` so that the
/// bit patterns of valid times sort like their values.
fn check_times(what: &'static str, t: &mut [f64]) -> Result<()> {
    for (index, v) in t.iter_mut().enumerate() {
        if !v.is_finite() {
            return Err(ErrorDetail::NonFinite {
                what,
                index,
                value: *v,
            }
            .into());
        }
        if *v < 0.0 {
            return Err(ErrorDetail::Negative {
                what,
                index,
                value: *v,
            }
            .into());
        }
        *v += 0.0;
    }
    Ok(())
}
