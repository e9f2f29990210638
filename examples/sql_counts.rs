//! survkit finishing a survival analysis from the `GROUP BY` counts of a SQL
//! engine (`docs/scale.md`), exactly: the curves, the stratified log-rank
//! test and the RMST computed from the counts equal, bit for bit, the
//! individual-level fit of the same rows, and the example checks it.
//!
//! ```text
//! cargo run --release --example sql_counts                      # in-process GROUP BY, 10⁵ rows
//! cargo run --release --example sql_counts -- write DIR ROWS FILES
//! cargo run --release --example sql_counts -- sql               # prints the GROUP BY
//! #   ... the engine runs it on DIR/part-*.csv, writes DIR/counts.csv ...
//! cargo run --release --example sql_counts -- finish DIR ROWS
//! ```
//!
//! Without arguments a `BTreeMap` stands in for the engine. `.ci/run` runs
//! the real thing with PostgreSQL from Debian's packages (`.ci/engine-postgres`):
//! `write` makes the partitioned CSV data set, `psql` loads it and runs the
//! query `sql` prints (`COPY (…) TO STDOUT WITH (FORMAT csv, HEADER)`), and
//! `finish` reads the counts, fits, prints and checks. Each step's wall time
//! is printed.

#[path = "shared/trial.rs"]
mod trial;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use survkit::{
    CountRow, EventTable, KaplanMeier, KaplanMeierFit, LogRank, LogRankResult, SurvivalData,
    TimeFix,
};

/// The seed of the simulated trial (the same in `write` and `finish`).
const SEED: u64 = 20_261_205;
const ARMS: [&str; 2] = ["control", "treatment"];
const STRATA: [&str; 4] = ["1", "2", "3", "4"];

type Failure = Box<dyn std::error::Error>;

/// One row of the engine's answer: (stratum, arm, time, events, censored).
type Count = (i64, String, f64, f64, f64);

fn main() -> Result<(), Failure> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |i: usize, default: u64| -> Result<u64, Failure> {
        args.get(i)
            .map_or(Ok(default), |a| a.parse().map_err(Failure::from))
    };
    match args.first().map(String::as_str) {
        None => {
            let rows = 100_000;
            let start = Instant::now();
            let counts = group_by(&trial::trial_rows(rows, SEED));
            println!(
                "in-process GROUP BY of {rows} rows: {} count rows in {:.3} s",
                counts.len(),
                start.elapsed().as_secs_f64()
            );
            finish(&counts, rows)
        }
        Some("write") => {
            let dir = args.get(1).ok_or("write DIR ROWS FILES: no DIR")?;
            let (rows, files) = (number(2, 1_000_000)?, number(3, 16)?);
            let start = Instant::now();
            trial::write_trial(Path::new(dir), rows, files, SEED)?;
            println!(
                "wrote {rows} rows as {files} CSV files under {dir} in {:.3} s",
                start.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Some("finish") => {
            let dir = args.get(1).ok_or("finish DIR ROWS: no DIR")?;
            let rows = number(2, 1_000_000)?;
            let start = Instant::now();
            let counts = read_counts(&Path::new(dir).join("counts.csv"))?;
            println!(
                "read {} count rows from the engine in {:.3} s",
                counts.len(),
                start.elapsed().as_secs_f64()
            );
            finish(&counts, rows)
        }
        Some("sql") => {
            println!("{}", trial::COUNTS_SQL);
            Ok(())
        }
        Some(other) => Err(format!("unknown mode {other:?}: use write, sql or finish").into()),
    }
}

/// What the engine computes, in memory: the counts per (stratum, arm, time).
fn group_by(patients: &[trial::Patient]) -> Vec<Count> {
    let mut map: BTreeMap<(i64, &str, u64), (f64, f64)> = BTreeMap::new();
    for p in patients {
        let cell = map
            .entry((p.stratum, p.arm, p.time.to_bits()))
            .or_insert((0.0, 0.0));
        if p.status == 1 {
            cell.0 += 1.0;
        } else {
            cell.1 += 1.0;
        }
    }
    map.into_iter()
        .map(|((s, a, t), (e, c))| (s, a.to_owned(), f64::from_bits(t), e, c))
        .collect()
}

/// The engine's CSV answer (`stratum,arm,time,n_event,n_censor`, any order).
fn read_counts(path: &Path) -> Result<Vec<Count>, Failure> {
    let mut reader = csv::Reader::from_path(path)?;
    let mut out = Vec::new();
    for record in reader.records() {
        let r = record?;
        let field = |i: usize| r.get(i).ok_or(format!("row {r:?}: no field {i}"));
        out.push((
            field(0)?.parse()?,
            field(1)?.to_owned(),
            field(2)?.parse()?,
            field(3)?.parse()?,
            field(4)?.parse()?,
        ));
    }
    Ok(out)
}

/// The counts as survkit's event table: arms as groups; strata kept or
/// pooled (rows with the same pooled key are added up by `from_counts`).
fn table(counts: &[Count], stratified: bool) -> Result<EventTable, Failure> {
    let mut rows = Vec::with_capacity(counts.len());
    for (stratum, arm, time, n_event, n_censor) in counts {
        let group = ARMS
            .iter()
            .position(|a| a == arm)
            .ok_or(format!("unknown arm {arm:?}"))?;
        let stratum = if stratified {
            STRATA
                .iter()
                .position(|s| *s == stratum.to_string())
                .ok_or(format!("unknown stratum {stratum}"))?
        } else {
            0
        };
        rows.push(CountRow {
            stratum,
            ..CountRow::new(*time, group, *n_event, *n_censor)
        });
    }
    let strata: &[&str] = if stratified { &STRATA } else { &["all"] };
    Ok(EventTable::from_counts(&ARMS, strata, &rows)?)
}

/// Fits from the counts, prints, and checks against the individual-level
/// fit of the same `rows` simulated patients.
fn finish(counts: &[Count], rows: u64) -> Result<(), Failure> {
    let start = Instant::now();
    let (pooled, stratified) = (table(counts, false)?, table(counts, true)?);
    let km = KaplanMeier::new().time_fix(TimeFix::Exact);
    let lr = LogRank::new().time_fix(TimeFix::Exact);
    let fit = km.fit_table(&pooled)?;
    let test = lr.test_table(&stratified)?;
    let tau = f64::from(trial::MAX_FOLLOW_UP);
    let rmst = fit.restricted_means(Some(tau))?;
    println!(
        "survkit from the counts: curves, log-rank and RMST in {:.3} s (peak resident \
         memory of this process so far: {})\n",
        start.elapsed().as_secs_f64(),
        peak_resident()
    );
    println!(
        "Kaplan-Meier by arm (strata pooled)\n{}",
        fit.table(Some(tau))?
    );
    println!("Log-rank test by arm, stratified by stratum\n{test}");
    for (curve, r) in fit.curves().iter().zip(&rmst) {
        println!("RMST to day {tau}, {}: {r}", curve.name());
    }

    let start = Instant::now();
    let patients = trial::trial_rows(rows, SEED);
    let time: Vec<f64> = patients.iter().map(|p| p.time).collect();
    let event: Vec<bool> = patients.iter().map(|p| p.status == 1).collect();
    let arm: Vec<&str> = patients.iter().map(|p| p.arm).collect();
    let stratum: Vec<i64> = patients.iter().map(|p| p.stratum).collect();
    let by_arm = SurvivalData::builder(&time[..], &event[..])
        .groups(&arm)
        .build()?;
    let by_arm_stratum = SurvivalData::builder(&time[..], &event[..])
        .groups(&arm)
        .strata(&stratum)
        .build()?;
    let same = EventTable::from_data_with(&by_arm, TimeFix::Exact)? == pooled
        && EventTable::from_data_with(&by_arm_stratum, TimeFix::Exact)? == stratified
        && fit_bits(&km.fit(&by_arm)?, tau)? == fit_bits(&fit, tau)?
        && test_bits(&lr.test(&by_arm_stratum)?) == test_bits(&test);
    println!(
        "\nindividual-level fit of the same {rows} rows ({:.3} s): {}",
        start.elapsed().as_secs_f64(),
        if same {
            "equal bit for bit"
        } else {
            "DIFFERENT"
        }
    );
    if same {
        Ok(())
    } else {
        Err("the counts did not give the individual-level results".into())
    }
}

/// The process's peak resident set (`VmHWM` of `/proc/self/status`), or
/// "unknown" where that file does not exist.
fn peak_resident() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

/// Every column of every curve, its median with interval and its RMST.
fn fit_bits(fit: &KaplanMeierFit, tau: f64) -> Result<Vec<Vec<u64>>, Failure> {
    let mut out = Vec::new();
    for c in fit.curves() {
        for column in [c.time(), c.n_risk(), c.survival(), c.std_err_log()] {
            out.push(bits(column));
        }
        out.push(bits(c.lower()));
        out.push(bits(c.upper()));
        let m = c.median();
        out.push(bits(
            &[m.estimate(), m.lower(), m.upper()].map(|x| x.unwrap_or(f64::NAN)),
        ));
        let r = c.restricted_mean(tau)?;
        out.push(bits(&[r.estimate(), r.std_err()]));
    }
    Ok(out)
}

/// Observed, expected, variance, statistic and p-value.
fn test_bits(t: &LogRankResult) -> Vec<u64> {
    let mut v = bits(t.observed());
    v.extend(bits(t.expected()));
    v.extend(bits(t.variance_matrix()));
    v.extend(bits(&[t.statistic(), t.p_value()]));
    v
}
