//! Designing the prospective version of survkit's founding study.
//!
//! Shi et al. (2021, doi:10.1177/15330338211051552) treated 19 patients with
//! breast cancer liver metastases by hepatic arterial infusion plus systemic
//! chemotherapy and saw 14 objective responses (73.7%). A prospective phase
//! II trial would ask whether the response rate exceeds an uninteresting 30%
//! when it is in truth 50% (one-sided alpha 0.05, power 0.80): Simon's
//! optimal and minimax two-stage designs answer how many patients it needs.
//! The example then reads the founding study's 14 of 19 as a first stage,
//! and plans the events and patients needed to confirm the survival
//! difference it saw between patients without (n = 8, median 14.3 months)
//! and with (n = 11, median 10.6 months) extrahepatic metastases.
//!
//! Run: `cargo run --release --example trial_design`

use std::fmt::Write as _;

use statrs::distribution::{ContinuousCDF, Normal};

use survkit::{
    Alternative, BinomialTest, ConfidenceLevel, EventsMethod, LogRankEvents, Proportion, Sided,
    SimonSearch, SingleStageSearch, SurvivalSampleSize,
};

/// The uninteresting and the hoped-for response rates.
const P0: f64 = 0.30;
const P1: f64 = 0.50;

/// The report, as text (run as a test by `tests/design.rs`).
pub fn report() -> Result<String, Box<dyn std::error::Error>> {
    let mut out = String::new();
    writeln!(
        out,
        "1. Simon two-stage designs: H0 p <= {P0} against p = {P1}"
    )?;
    let designs = SimonSearch::new(P0, P1)?.alpha(0.05).beta(0.20).search()?;
    writeln!(out, "{designs}")?;
    writeln!(
        out,
        "Operating characteristics (P(reject H0), PET, EN) by true response rate:"
    )?;
    writeln!(
        out,
        "  design          p = 0.30               p = 0.40               p = 0.50"
    )?;
    for (name, d) in [
        ("optimal", designs.optimal()),
        ("minimax", designs.minimax()),
    ] {
        let mut line = format!("  {name} {:<8}", d.design().to_string());
        for p in [0.3, 0.4, 0.5] {
            let oc = d.design().characteristics(p)?;
            write!(
                line,
                " {:.3} {:.3} {:5.1}   ",
                oc.rejection_probability(),
                oc.early_termination(),
                oc.expected_size()
            )?;
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    let single = SingleStageSearch::new(P0, P1)?
        .alpha(0.05)
        .beta(0.20)
        .search()?;
    writeln!(
        out,
        "  (a single-stage design needs n = {} and at least {} responses: A'Hern 2001)",
        single.n(),
        single.r()
    )?;

    writeln!(out)?;
    writeln!(
        out,
        "2. The founding study's 14 responses in 19 patients as a first stage"
    )?;
    let orr = Proportion::new(14, 19)?;
    // R: binom.test(14, 19, p = 0.3, alternative = "greater")
    let stage1_p = BinomialTest::new(P0)?
        .alternative(Alternative::Greater)
        .test(&orr)?
        .p_value();
    writeln!(
        out,
        "  observed {:.1}%; exact one-sided P(X >= 14 | 19, p = 0.30) = {stage1_p:.2e}",
        orr.percentage()
    )?;
    let mm = designs.minimax().design();
    writeln!(
        out,
        "  minimax {mm}: stage 1 is {} patients; 14 > r1 = {} responses, so the trial goes on;",
        mm.n1(),
        mm.r1()
    )?;
    let needed = mm.r() + 1 - 14;
    let more = mm.n() - 19;
    writeln!(
        out,
        "  H0 is rejected with {needed} or more responses among the {more} further patients:"
    )?;
    for p in [P0, P1, 14.0 / 19.0] {
        writeln!(
            out,
            "    conditional probability at p = {p:.3}: {:.4}",
            upper_tail(needed, more, p)
        )?;
    }
    let opt = designs.optimal().design();
    writeln!(
        out,
        "  optimal {opt}: stage 1 is the first {} patients, who had at least {} responses (> r1 = {}),",
        opt.n1(),
        14 - (19 - opt.n1()),
        opt.r1()
    )?;
    writeln!(
        out,
        "  so it also goes on; it rejects H0 with {} or more responses among the last {} patients.",
        opt.r() + 1 - 14,
        opt.n() - 19
    )?;
    // What the analysis would report if the minimax trial ended with the
    // hoped-for 50% in its second stage (10 of 20 more: 24 of 39).
    let inference = mm.inference(24, P0, ConfidenceLevel::new(0.90)?)?;
    writeln!(
        out,
        "  if 10 of the 20 further patients respond (24 of 39): UMVUE {:.3}, p = {:.1e}, 90% CI {:.3} - {:.3}",
        inference.umvue(),
        inference.p_value(),
        inference.confidence_interval().lower(),
        inference.confidence_interval().upper()
    )?;

    writeln!(out)?;
    writeln!(
        out,
        "3. Events to confirm the extrahepatic-metastasis survival difference"
    )?;
    // Under exponential survival the hazard ratio is the inverse ratio of the
    // medians: without vs with extrahepatic metastases, 10.6 / 14.3.
    let hr = 10.6 / 14.3;
    let ratio = 8.0 / 11.0; // without : with, as in the founding study
    writeln!(
        out,
        "  hazard ratio (without vs with) = 10.6 / 14.3 = {hr:.3} (exponential survival: HR = ratio of medians inverted)"
    )?;
    writeln!(
        out,
        "  allocation 8 : 11 as observed; two-sided alpha 0.05, power 0.80"
    )?;
    for method in [EventsMethod::Schoenfeld, EventsMethod::Freedman] {
        let events = LogRankEvents::new(hr)?
            .alpha(0.05)
            .sided(Sided::Two)
            .power(0.80)
            .allocation_ratio(ratio)
            .method(method)
            .events()?;
        writeln!(
            out,
            "  {method:?}: {:.1} events (plan {})",
            events.events(),
            events.events_rounded_up()
        )?;
    }
    let plan = SurvivalSampleSize::new(hr, 2f64.ln() / 10.6, 36.0, 24.0)?
        .dropout_hazard(-(0.95f64.ln()) / 12.0)
        .alpha(0.05)
        .sided(Sided::Two)
        .power(0.80)
        .allocation_ratio(ratio);
    let size = plan.compute()?;
    writeln!(
        out,
        "  Lachin-Foulkes, accrual 36 months, follow-up 24 more, 5% dropout a year:\n{size}"
    )?;
    let power_19 = LogRankEvents::new(hr)?
        .alpha(0.05)
        .sided(Sided::Two)
        .allocation_ratio(ratio)
        .power_for_events(16.0)?;
    writeln!(
        out,
        "  the founding study (16 deaths among 19) had power {power_19:.2} for this hazard ratio"
    )?;
    // Its log-rank P = .016 with 16 deaths implies, by Schoenfeld's
    // approximation |z| = √(d k)/(1 + k)·|log HR|, a much larger effect than
    // the medians suggest: a small study's significant result overestimates.
    let z = Normal::standard().inverse_cdf(1.0 - 0.016 / 2.0);
    let implied = (-z * (1.0 + ratio) / (16.0 * ratio).sqrt()).exp();
    let events = LogRankEvents::new(implied)?
        .alpha(0.05)
        .sided(Sided::Two)
        .power(0.80)
        .allocation_ratio(ratio)
        .events()?;
    writeln!(
        out,
        "  the published P = .016 with 16 deaths implies HR = {implied:.2}; planning for it would need only {} events,",
        events.events_rounded_up()
    )?;
    writeln!(
        out,
        "  but an effect first seen in 19 patients is likely overestimated: plan for the medians' {hr:.2}."
    )?;
    Ok(out)
}

/// `P(X ≥ k)` for `X ~ Bin(n, p)`, `0 < p < 1`, by summing the terms
/// (`n` is small here).
fn upper_tail(k: u64, n: u64, p: f64) -> f64 {
    let mut term = (1.0 - p).powi(n as i32);
    let mut tail = 0.0;
    for x in 0..=n {
        if x >= k {
            tail += term;
        }
        term *= (n - x) as f64 / (x + 1) as f64 * p / (1.0 - p);
    }
    tail
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    print!("{}", report()?);
    Ok(())
}
