//! `Display` for every result, laid out like the R print method a
//! statistician knows (`print.survfit`, `print.summary.survfit`,
//! `print.survdiff`, `print.htest`, `print.pairwise.htest`), with R's
//! digits. The tables are also available as data: [`KaplanMeierTable`] and
//! [`SurvivalSummary`].
//!
//! R prints a call (`Call: survfit(formula = ...)`, `data:  ...`) that
//! survkit does not have; everything else is R's layout, checked against
//! R's own output in `tests/print.rs` (made by `tests/data/generate_print.R`).

use crate::ErrorDetail;
use std::fmt;

use crate::error::{Error, Result};
use crate::fisher::{FisherResult, PValueKind, RxcMethod, RxcResult};
use crate::interval::{Alternative, ConfidenceInterval, ConfidenceLevel};
use crate::kaplan_meier::{
    KaplanMeierFit, Quantile, RestrictedMean, SurvivalAtTime, SurvivalCurve,
};
use crate::logrank::{HazardRatio, LogRankResult, PairwiseLogRank, TrendTest};
use crate::proportion::{BinomialTestResult, Proportion, RiskDifference};
use crate::response::{Response, ResponseSummary};
use crate::rformat::{
    format_column, format_number, format_pval, format_pvals, matrix, named_value,
};

/// R's `print.survfit` and `print.summary.survfit` digits:
/// `max(getOption("digits") - 4, 3)` with R's default `digits = 7`.
const SURVIVAL_DIGITS: usize = 3;
/// R's `print.htest` digits: `getOption("digits")`.
const HTEST_DIGITS: usize = 7;

/// R's label of a level: `format(100 * level)` ("95", "99.9").
fn percent(level: ConfidenceLevel) -> String {
    format_number(100.0 * level.value(), 15)
}

/// R's `paste0(level, "LCL")` column prefix ("0.95").
fn level_text(level: ConfidenceLevel) -> String {
    format_number(level.value(), 15)
}

/// The row names R gives curves: the curve names, or `[1,]` for the one
/// curve of ungrouped, unstratified data.
fn curve_row_names(curves: &[SurvivalCurve]) -> Vec<String> {
    if curves.len() == 1 && curves[0].name() == "all" {
        vec!["[1,]".to_string()]
    } else {
        curves.iter().map(|c| c.name().to_string()).collect()
    }
}

/// One row of [`KaplanMeierTable`]: a curve's size, events, restricted
/// mean (when asked) and median with its interval, R's `summary(fit)$table`.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct KaplanMeierTableRow {
    name: String,
    n: f64,
    events: f64,
    restricted_mean: Option<RestrictedMean>,
    median: Quantile,
}

impl KaplanMeierTableRow {
    /// The curve's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Subjects at risk at the start (R's `n`, `n.start`; the sum of case
    /// weights when weighted).
    pub fn n(&self) -> f64 {
        self.n
    }

    /// Number of events (R's `events`).
    pub fn events(&self) -> f64 {
        self.events
    }

    /// The restricted mean with its standard error, when the table was
    /// asked for one.
    pub fn restricted_mean(&self) -> Option<&RestrictedMean> {
        self.restricted_mean.as_ref()
    }

    /// The median with its interval.
    pub fn median(&self) -> &Quantile {
        &self.median
    }
}

/// The per-curve table R's `print(fit)` shows: n, events, (restricted mean
/// and its standard error), median and its confidence bounds.
///
/// # Conventions
/// R's `print.survfit` (survival 3.x) at its default digits (3 significant
/// digits per column); `NA` where a bound is not reached. R prints the call
/// above the table; survkit has no call and prints the table alone. `n` is
/// the number at risk at the curve's first time (R's `n.start`), which is
/// R's `n` for right-censored data; with case weights survkit prints the
/// weighted number, R the number of records.
///
/// # Example
/// ```
/// use survkit::{datasets::lung, KaplanMeier, SurvivalData};
/// let data = SurvivalData::builder(&lung::TIME[..], lung::event()).groups(&lung::SEX).build()?;
/// let fit = KaplanMeier::new().fit(&data)?;
/// // R: print(survfit(Surv(time, status) ~ sex, lung), rmean = 365)
/// let table = fit.table(Some(365.0))?;
/// assert_eq!(table.rows()[0].events(), 112.0);
/// println!("{table}");
/// # Ok::<(), survkit::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct KaplanMeierTable {
    rows: Vec<KaplanMeierTableRow>,
    row_names: Vec<String>,
    tau: Option<f64>,
    confidence_level: ConfidenceLevel,
}

impl KaplanMeierTable {
    /// One row per curve, in the fit's order.
    pub fn rows(&self) -> &[KaplanMeierTableRow] {
        &self.rows
    }

    /// The restricted-mean horizon, when one was asked for.
    pub fn tau(&self) -> Option<f64> {
        self.tau
    }

    /// The level of the median's interval.
    pub fn confidence_level(&self) -> ConfidenceLevel {
        self.confidence_level
    }
}

impl KaplanMeierFit {
    /// The table of `print(fit)`: per curve n, events, median and its
    /// interval; with `rmean = Some(tau)` also the restricted mean up to
    /// `tau` and its standard error (`print(fit, rmean = tau)`).
    ///
    /// # Errors
    /// As [`SurvivalCurve::restricted_mean`] when `rmean` is given.
    ///
    /// # Example
    /// ```
    /// use survkit::{datasets::aml, KaplanMeier, SurvivalData};
    /// let data = SurvivalData::builder(&aml::TIME[..], aml::event()).groups(&aml::X).build()?;
    /// let table = KaplanMeier::new().fit(&data)?.table(None)?;
    /// assert_eq!(table.rows()[0].median().estimate(), Some(31.0));
    /// # Ok::<(), survkit::Error>(())
    /// ```
    pub fn table(&self, rmean: Option<f64>) -> Result<KaplanMeierTable> {
        let means = match rmean {
            Some(tau) => Some(self.restricted_means(Some(tau))?),
            None => None,
        };
        Ok(self.table_with(means, rmean))
    }

    fn table_with(&self, means: Option<Vec<RestrictedMean>>, tau: Option<f64>) -> KaplanMeierTable {
        let curves = self.curves();
        let rows = curves
            .iter()
            .enumerate()
            .map(|(i, c)| KaplanMeierTableRow {
                name: c.name().to_string(),
                n: c.n(),
                events: c.events(),
                restricted_mean: means.as_ref().map(|m| m[i]),
                median: c.median(),
            })
            .collect();
        KaplanMeierTable {
            rows,
            row_names: curve_row_names(curves),
            tau,
            confidence_level: self.confidence_level(),
        }
    }

    /// R's `summary(fit, times = times)`: survival, its standard error and
    /// interval, the number at risk and the events since the previous time,
    /// per curve at each requested time.
    ///
    /// # Errors
    /// As [`SurvivalCurve::survival_at`].
    ///
    /// # Example
    /// ```
    /// use survkit::{datasets::lung, KaplanMeier, SurvivalData};
    /// let data = SurvivalData::builder(&lung::TIME[..], lung::event()).groups(&lung::SEX).build()?;
    /// let fit = KaplanMeier::new().fit(&data)?;
    /// // R: summary(survfit(Surv(time, status) ~ sex, lung), times = c(180, 365, 730))
    /// let summary = fit.summary(&[180.0, 365.0, 730.0])?;
    /// assert_eq!(summary.curves()[0].1[1].n_risk(), 35.0);
    /// println!("{summary}");
    /// # Ok::<(), survkit::Error>(())
    /// ```
    pub fn summary(&self, times: &[f64]) -> Result<SurvivalSummary> {
        let curves = self
            .curves()
            .iter()
            .map(|c| Ok((c.name().to_string(), c.survival_at(times)?)))
            .collect::<Result<Vec<_>>>()?;
        Ok(SurvivalSummary {
            single: curve_row_names(self.curves())[0] == "[1,]",
            curves,
            confidence_level: self.confidence_level(),
        })
    }
}

impl fmt::Display for KaplanMeierTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let col = |v: Vec<f64>| format_column(&v, SURVIVAL_DIGITS);
        let rows = &self.rows;
        let mut header = vec!["n", "events"];
        let mut columns = vec![
            col(rows.iter().map(|r| r.n).collect()),
            col(rows.iter().map(|r| r.events).collect()),
        ];
        if self.tau.is_some() {
            header.extend(["rmean*", "se(rmean)"]);
            let means: Vec<&RestrictedMean> = rows
                .iter()
                .map(|r| {
                    r.restricted_mean
                        .as_ref()
                        .expect("tau set: every row has a mean")
                })
                .collect();
            columns.push(col(means.iter().map(|m| m.estimate()).collect()));
            columns.push(col(means.iter().map(|m| m.std_err()).collect()));
        }
        let level = level_text(self.confidence_level);
        let (lcl, ucl) = (format!("{level}LCL"), format!("{level}UCL"));
        header.extend(["median", lcl.as_str(), ucl.as_str()]);
        let not_reached = |q: &Quantile| q.estimate().unwrap_or(f64::NAN);
        columns.push(col(rows.iter().map(|r| not_reached(&r.median)).collect()));
        columns.push(col(rows
            .iter()
            .map(|r| r.median.lower().unwrap_or(f64::NAN))
            .collect()));
        columns.push(col(rows
            .iter()
            .map(|r| r.median.upper().unwrap_or(f64::NAN))
            .collect()));
        f.write_str(&matrix(&header, &self.row_names, &columns))?;
        if let Some(tau) = self.tau {
            writeln!(
                f,
                "    * restricted mean with upper limit =  {} ",
                format_number(tau, SURVIVAL_DIGITS)
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for KaplanMeierFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.table_with(None, None).fmt(f)
    }
}

/// Survival at requested times for every curve: R's
/// `summary(fit, times = ...)`, as data and printed as R prints it.
///
/// # Conventions
/// R's `print.summary.survfit` (3 significant digits per column); the
/// standard error is on the survival scale (R's `summary(fit)$std.err`).
#[derive(Debug, Clone, PartialEq)]
#[must_use]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct SurvivalSummary {
    curves: Vec<(String, Vec<SurvivalAtTime>)>,
    single: bool,
    confidence_level: ConfidenceLevel,
}

impl SurvivalSummary {
    /// Each curve's name with its rows, one per requested time (sorted).
    pub fn curves(&self) -> &[(String, Vec<SurvivalAtTime>)] {
        &self.curves
    }

    /// The level of the intervals.
    pub fn confidence_level(&self) -> ConfidenceLevel {
        self.confidence_level
    }
}

impl fmt::Display for SurvivalSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pct = percent(self.confidence_level);
        let (lo, hi) = (format!("lower {pct}% CI"), format!("upper {pct}% CI"));
        let header = ["time", "n.risk", "n.event", "survival", "std.err", &lo, &hi];
        for (name, rows) in &self.curves {
            let col = |g: fn(&SurvivalAtTime) -> f64| {
                format_column(&rows.iter().map(g).collect::<Vec<_>>(), SURVIVAL_DIGITS)
            };
            let columns = [
                col(SurvivalAtTime::time),
                col(SurvivalAtTime::n_risk),
                col(SurvivalAtTime::n_event),
                col(SurvivalAtTime::survival),
                col(SurvivalAtTime::std_err_surv),
                col(|r| r.confidence_interval().lower()),
                col(|r| r.confidence_interval().upper()),
            ];
            let blank = vec![String::new(); rows.len()];
            if self.single {
                f.write_str(&matrix(&header, &blank, &columns))?;
            } else {
                writeln!(f, "                {name} ")?;
                f.write_str(&matrix(&header, &blank, &columns))?;
                writeln!(f)?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for LogRankResult {
    /// R's `print(survdiff(...))`: N, observed, expected, the two
    /// contributions per group and the chi-square line (3 significant
    /// digits; the p-value as `format.pval` with 1 digit).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let k = self.n_groups();
        let (o, e) = (self.observed(), self.expected());
        let oe_e: Vec<f64> = o.iter().zip(e).map(|(o, e)| (o - e).powi(2) / e).collect();
        let oe_v: Vec<f64> = (0..k)
            .map(|i| {
                let v = self.variance(i, i).expect("i < number of groups");
                (o[i] - e[i]).powi(2) / v
            })
            .collect();
        let columns = [self.n(), o, e, &oe_e, &oe_v].map(|c| format_column(c, SURVIVAL_DIGITS));
        let header = ["N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"];
        f.write_str(&matrix(&header, self.group_names(), &columns))?;
        let chisq = (self.statistic() * 10.0).round() / 10.0;
        writeln!(
            f,
            "\n Chisq= {}  on {} degrees of freedom, p= {} ",
            format_number(chisq, SURVIVAL_DIGITS),
            self.df(),
            format_pval(self.p_value(), SURVIVAL_DIGITS - 2)
        )
    }
}

/// `estimate (95% CI lower to upper)` at 3 significant digits: an effect
/// with its interval on one line.
fn estimate_with_interval(
    f: &mut fmt::Formatter<'_>,
    estimate: f64,
    ci: &ConfidenceInterval,
) -> fmt::Result {
    write!(
        f,
        "{} ({}% CI {} to {})",
        format_number(estimate, SURVIVAL_DIGITS),
        percent(ci.level()),
        format_number(ci.lower(), SURVIVAL_DIGITS),
        format_number(ci.upper(), SURVIVAL_DIGITS)
    )
}

/// R's `print.htest` header: a blank line, the tab-indented method, a blank line.
fn htest_header(f: &mut fmt::Formatter<'_>, method: &str) -> fmt::Result {
    writeln!(f)?;
    writeln!(f, "\t{method}")?;
    writeln!(f)
}

/// `true <what> is not equal to / less than / greater than <null>`.
fn htest_alternative(
    f: &mut fmt::Formatter<'_>,
    what: &str,
    alternative: Alternative,
    null: f64,
) -> fmt::Result {
    let relation = match alternative {
        Alternative::TwoSided => "not equal to",
        Alternative::Less => "less than",
        Alternative::Greater => "greater than",
    };
    writeln!(
        f,
        "alternative hypothesis: true {what} is {relation} {}",
        format_number(null, HTEST_DIGITS)
    )
}

fn htest_interval(f: &mut fmt::Formatter<'_>, ci: &ConfidenceInterval) -> fmt::Result {
    let bounds = format_column(&[ci.lower(), ci.upper()], HTEST_DIGITS);
    writeln!(f, "{} percent confidence interval:", percent(ci.level()))?;
    writeln!(f, " {} {}", bounds[0], bounds[1])
}

/// `p-value = 0.01084` or `p-value < 2.2e-16`.
fn htest_p(p: f64) -> String {
    let fp = format_pval(p, HTEST_DIGITS - 3);
    if fp.starts_with('<') {
        format!("p-value {fp}")
    } else {
        format!("p-value = {fp}")
    }
}

impl fmt::Display for FisherResult {
    /// R's `print(fisher.test(x))` without the `data:` line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let method = match self.p_value_kind() {
            PValueKind::Exact => "Fisher's Exact Test for Count Data",
            _ => "Fisher's Exact Test for Count Data (mid-p)",
        };
        htest_header(f, method)?;
        writeln!(f, "{}", htest_p(self.p_value()))?;
        htest_alternative(
            f,
            "odds ratio",
            self.alternative(),
            self.null_odds_ratio().value(),
        )?;
        htest_interval(f, &self.confidence_interval())?;
        writeln!(f, "sample estimates:")?;
        f.write_str(&named_value("odds ratio", self.odds_ratio(), HTEST_DIGITS))?;
        writeln!(f)
    }
}

impl fmt::Display for RxcResult {
    /// R's `print(fisher.test(x))` for an r x c table, without the `data:`
    /// line; a Monte Carlo p-value names its replicates and standard error.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.method() {
            // A result reports the route taken, never `Auto` itself.
            RxcMethod::Exact | RxcMethod::Auto { .. } => {
                htest_header(f, "Fisher's Exact Test for Count Data")?
            }
            RxcMethod::MonteCarlo { replicates, .. } => htest_header(
                f,
                &format!(
                    "Fisher's Exact Test for Count Data with simulated p-value (based on {replicates} replicates)"
                ),
            )?,
        }
        write!(f, "{}", htest_p(self.p_value()))?;
        if let Some(se) = self.std_err() {
            write!(f, " (Monte Carlo standard error {})", format_number(se, 2))?;
        }
        writeln!(f)?;
        writeln!(f, "alternative hypothesis: two.sided")?;
        writeln!(f)
    }
}

impl fmt::Display for BinomialTestResult {
    /// R's `print(binom.test(x, n, p))`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        htest_header(f, "Exact binomial test")?;
        writeln!(f, "data:  {} and {}", self.successes(), self.trials())?;
        writeln!(
            f,
            "number of successes = {}, number of trials = {}, {}",
            self.successes(),
            self.trials(),
            htest_p(self.p_value())
        )?;
        htest_alternative(f, "probability of success", self.alternative(), self.null())?;
        htest_interval(f, &self.confidence_interval())?;
        writeln!(f, "sample estimates:")?;
        f.write_str(&named_value(
            "probability of success",
            self.estimate(),
            HTEST_DIGITS,
        ))?;
        writeln!(f)
    }
}

impl fmt::Display for ConfidenceInterval {
    /// `0.4879707 to 0.9085342 (95% CI)`, bounds at 7 significant digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = format_column(&[self.lower(), self.upper()], HTEST_DIGITS);
        write!(
            f,
            "{} to {} ({}% CI)",
            b[0].trim(),
            b[1].trim(),
            percent(self.level())
        )
    }
}

impl fmt::Display for Quantile {
    /// `31 (18, NA)`: the quantile and its interval, `NA` where not
    /// reached, 3 significant digits as `print.survfit`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let est = self.estimate().unwrap_or(f64::NAN);
        let na = |x: Option<f64>| x.unwrap_or(f64::NAN);
        let v: Vec<String> = [est, na(self.lower()), na(self.upper())]
            .iter()
            .map(|&x| format_number(x, SURVIVAL_DIGITS))
            .collect();
        write!(f, "{} ({}, {})", v[0], v[1], v[2])
    }
}

impl fmt::Display for RestrictedMean {
    /// `241 (se 10.4), tau = 365`: 3 significant digits as `print.survfit`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (se {}), tau = {}",
            format_number(self.estimate(), SURVIVAL_DIGITS),
            format_number(self.std_err(), SURVIVAL_DIGITS),
            format_number(self.tau(), SURVIVAL_DIGITS)
        )
    }
}

impl fmt::Display for HazardRatio {
    /// `0.588 (95% CI 0.424 to 0.816)`: 3 significant digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        estimate_with_interval(f, self.estimate(), &self.confidence_interval())
    }
}

impl fmt::Display for TrendTest {
    /// The chi-square line of R's `survdiff` style for the one-degree test
    /// for trend.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            " Test for trend: z = {}, Chisq= {}  on 1 degrees of freedom, p= {} ",
            format_number(self.z(), SURVIVAL_DIGITS),
            format_number((self.statistic() * 10.0).round() / 10.0, SURVIVAL_DIGITS),
            format_pval(self.p_value(), SURVIVAL_DIGITS - 2)
        )
    }
}

impl fmt::Display for PairwiseLogRank {
    /// R's `print.pairwise.htest`: the lower triangle of Holm-adjusted
    /// p-values (`format.pval` with 2 digits, `-` above the diagonal).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<(usize, String)> = Vec::new();
        for c in self.comparisons() {
            let g = c.test().group_names();
            for (i, n) in [(c.first(), &g[0]), (c.second(), &g[1])] {
                if !names.iter().any(|(j, _)| *j == i) {
                    names.push((i, n.clone()));
                }
            }
        }
        names.sort_by_key(|(i, _)| *i);
        writeln!(f)?;
        writeln!(f, "\tPairwise comparisons using Log-Rank test ")?;
        writeln!(f)?;
        let k = names.len();
        if k < 2 {
            return writeln!(f, "(no pairs)");
        }
        let cell = |r: usize, c: usize| -> Option<f64> {
            self.get(names[r].0, names[c].0).map(|p| p.p_holm())
        };
        // format.pval on the whole matrix: one layout for the values.
        let values: Vec<f64> = (1..k)
            .flat_map(|r| (0..r).filter_map(move |c| cell(r, c)))
            .collect();
        let formatted = format_pvals(&values, 2);
        let mut it = formatted.into_iter();
        let mut grid: Vec<Vec<String>> = vec![vec!["-".to_string(); k - 1]; k - 1];
        for (r, row) in grid.iter_mut().enumerate() {
            for (c, slot) in row.iter_mut().enumerate().take(r + 1) {
                if cell(r + 1, c).is_some() {
                    *slot = it.next().expect("one formatted value per pair");
                }
            }
        }
        // Character matrix, left-aligned as R's print(quote = FALSE).
        let row_w = names[1..]
            .iter()
            .map(|(_, n)| n.chars().count())
            .max()
            .unwrap_or(0);
        let widths: Vec<usize> = (0..k - 1)
            .map(|c| {
                grid.iter()
                    .map(|row| row[c].chars().count())
                    .chain(std::iter::once(names[c].1.chars().count()))
                    .max()
                    .expect("the iterator holds the header")
            })
            .collect();
        write!(f, "{:row_w$}", "")?;
        for (c, w) in widths.iter().enumerate() {
            write!(f, " {:w$}", names[c].1)?;
        }
        writeln!(f)?;
        for (r, row) in grid.iter().enumerate() {
            write!(f, "{:row_w$}", names[r + 1].1)?;
            for (v, w) in row.iter().zip(&widths) {
                write!(f, " {v:w$}")?;
            }
            writeln!(f)?;
        }
        writeln!(f)?;
        writeln!(f, "P value adjustment method: holm ")
    }
}

impl fmt::Display for Proportion {
    /// `14/19 (73.7%)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{} ({:.1}%)",
            self.successes(),
            self.trials(),
            self.percentage()
        )
    }
}

impl fmt::Display for RiskDifference {
    /// `0.214 (95% CI -0.12 to 0.55)`: 3 significant digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        estimate_with_interval(f, self.estimate(), &self.confidence_interval())
    }
}

impl fmt::Display for ResponseSummary {
    /// The best-response table of a RECIST report: count and percentage per
    /// category, then the objective response and disease control rates with
    /// exact (Clopper-Pearson, R's `binom.test`) 95% intervals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.total();
        writeln!(f, "Best overall response (RECIST 1.1), n = {n}")?;
        let labels = [
            (Response::Complete, "Complete response (CR)"),
            (Response::Partial, "Partial response (PR)"),
            (Response::Stable, "Stable disease (SD)"),
            (Response::Progressive, "Progressive disease (PD)"),
            (Response::NotEvaluable, "Not evaluable (NE)"),
        ];
        let width = 28;
        writeln!(f, "{:width$} {:>6} {:>6}", "", "n", "%")?;
        for (r, label) in labels {
            let count = self.count(r);
            if r == Response::NotEvaluable && count == 0 {
                continue;
            }
            let pct = self
                .percentage(r)
                .map_or_else(|_| "NA".to_string(), |p| format!("{p:.1}"));
            writeln!(f, "{label:width$} {count:>6} {pct:>6}")?;
        }
        for (label, p) in [
            ("Objective response (CR+PR)", self.objective_response()),
            ("Disease control (CR+PR+SD)", self.disease_control()),
        ] {
            let ci = p
                .confidence_interval(
                    crate::ProportionCiMethod::ClopperPearson,
                    Default::default(),
                )
                .map_or_else(
                    |_| "95% CI NA".to_string(),
                    |ci| {
                        format!(
                            "95% CI {:.1} to {:.1}",
                            100.0 * ci.lower(),
                            100.0 * ci.upper()
                        )
                    },
                );
            writeln!(
                f,
                "{label:width$} {:>6} {:>6.1}  ({ci})",
                p.successes(),
                p.percentage()
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for Response {
    /// The RECIST abbreviation: `CR`, `PR`, `SD`, `PD`, `NE`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.abbreviation())
    }
}

impl std::str::FromStr for Response {
    type Err = Error;

    /// Parses `CR`, `PR`, `SD`, `PD`, `NE` (any case, surrounding spaces
    /// ignored) and the full names (`complete response`, `partial
    /// response`, `stable disease`, `progressive disease`, `not
    /// evaluable`).
    ///
    /// # Errors
    /// [`ErrorDetail::InvalidText`](crate::ErrorDetail::InvalidText) for anything else.
    ///
    /// # Example
    /// ```
    /// use survkit::Response;
    /// let r: Response = "pr".parse()?;
    /// assert_eq!(r, Response::Partial);
    /// assert!("partial".parse::<Response>().is_err());
    /// # Ok::<(), survkit::Error>(())
    /// ```
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase();
        Ok(match t.as_str() {
            "cr" | "complete response" => Response::Complete,
            "pr" | "partial response" => Response::Partial,
            "sd" | "stable disease" => Response::Stable,
            "pd" | "progressive disease" => Response::Progressive,
            "ne" | "not evaluable" => Response::NotEvaluable,
            _ => {
                return Err(ErrorDetail::InvalidText {
                    what: "response",
                    expected: "one of CR, PR, SD, PD, NE (any case) or their full names",
                }
                .into())
            }
        })
    }
}

impl fmt::Display for SurvivalCurve {
    /// R's `summary(fit)` for one curve: the event rows (time, n.risk,
    /// n.event, survival, std.err on the survival scale, bounds), 3
    /// significant digits per column.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (n_event, n_risk) = (self.n_event(), self.n_risk());
        let (se, lower, upper) = (self.std_err_surv(), self.lower(), self.upper());
        let rows: Vec<usize> = (0..self.len()).filter(|&i| n_event[i] > 0.0).collect();
        let pick = |v: &[f64]| {
            format_column(
                &rows.iter().map(|&i| v[i]).collect::<Vec<_>>(),
                SURVIVAL_DIGITS,
            )
        };
        let pct = percent(self.confidence_level());
        let (lo, hi) = (format!("lower {pct}% CI"), format!("upper {pct}% CI"));
        let header = ["time", "n.risk", "n.event", "survival", "std.err", &lo, &hi];
        let columns = [
            pick(self.time()),
            pick(n_risk),
            pick(n_event),
            pick(self.survival()),
            pick(se),
            pick(lower),
            pick(upper),
        ];
        if self.name() != "all" {
            writeln!(f, "                {} ", self.name())?;
        }
        f.write_str(&matrix(&header, &vec![String::new(); rows.len()], &columns))
    }
}

impl fmt::Display for crate::nelson_aalen::CumulativeHazard {
    /// The Nelson-Aalen rows with events: time, n.risk, n.event, cumulative
    /// hazard and its standard error, 3 significant digits per column.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows: Vec<usize> = (0..self.time().len())
            .filter(|&i| self.n_event()[i] > 0.0)
            .collect();
        let pick = |v: &[f64]| {
            format_column(
                &rows.iter().map(|&i| v[i]).collect::<Vec<_>>(),
                SURVIVAL_DIGITS,
            )
        };
        let header = ["time", "n.risk", "n.event", "cumhaz", "std.err"];
        let columns = [
            pick(self.time()),
            pick(self.n_risk()),
            pick(self.n_event()),
            pick(self.cumulative_hazard()),
            pick(self.std_err()),
        ];
        if self.name() != "all" {
            writeln!(f, "                {} ", self.name())?;
        }
        f.write_str(&matrix(&header, &vec![String::new(); rows.len()], &columns))
    }
}

impl fmt::Display for crate::logrank::PairwiseComparison {
    /// `1 vs 2: Chisq= 10.3, p= 0.001, Holm p= 0.003`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let g = self.test().group_names();
        write!(
            f,
            "{} vs {}: Chisq= {}, p= {}, Holm p= {}",
            g[0],
            g[1],
            format_number((self.statistic() * 10.0).round() / 10.0, SURVIVAL_DIGITS),
            format_pval(self.p_value(), 2),
            format_pval(self.p_holm(), 2)
        )
    }
}

impl fmt::Display for crate::fisher::Table2x2 {
    /// The two rows, right-aligned: `  0 10` / `  5  4`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rows = self.rows();
        let w = rows
            .iter()
            .flatten()
            .map(|c| c.to_string().len())
            .max()
            .unwrap_or(1);
        for r in rows {
            writeln!(f, "{:>w$} {:>w$}", r[0], r[1])?;
        }
        Ok(())
    }
}

impl fmt::Display for crate::fisher::ContingencyTable {
    /// The rows, right-aligned in columns of a common width.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cell = |i, j| self.get(i, j).expect("indices within the shape");
        let w = (0..self.nrows())
            .flat_map(|i| (0..self.ncols()).map(move |j| (i, j)))
            .map(|(i, j)| cell(i, j).to_string().len())
            .max()
            .unwrap_or(1);
        for i in 0..self.nrows() {
            let row: Vec<String> = (0..self.ncols())
                .map(|j| format!("{:>w$}", cell(i, j)))
                .collect();
            writeln!(f, "{}", row.join(" "))?;
        }
        Ok(())
    }
}

impl fmt::Display for crate::compare::ProportionComparison {
    /// The 2 x 2 table, the risk difference with its interval and Fisher's
    /// test as R prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.table())?;
        writeln!(f, "risk difference: {}", self.difference())?;
        write!(f, "{}", self.fisher())
    }
}

impl fmt::Display for crate::pvalue::PValueCheck {
    /// `reported p = .011, recomputed 0.01084: consistent`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "reported p {}, recomputed {}: {}",
            self.reported(),
            format_pval(self.recomputed(), 4),
            if self.is_consistent() {
                "consistent"
            } else {
                "INCONSISTENT"
            }
        )
    }
}

impl fmt::Display for crate::consistency::PercentageCheck {
    /// `73.7% of 19: counts 14..=14 round to it: consistent`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = self.reported();
        let counts = self.possible_counts();
        write!(
            f,
            "{:.*}% of {}: ",
            r.decimals() as usize,
            r.value(),
            self.trials()
        )?;
        if counts.is_empty() {
            write!(f, "no count rounds to it: ")?;
        } else {
            write!(
                f,
                "counts {}..={} round to it: ",
                counts.start(),
                counts.end()
            )?;
        }
        f.write_str(if self.is_consistent() {
            "consistent"
        } else {
            "INCONSISTENT"
        })
    }
}
