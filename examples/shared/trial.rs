//! The simulated trial of the counts-from-an-engine examples
//! (`docs/scale.md`): a deterministic generator, its partitioned CSV files
//! and the `GROUP BY` every engine runs on them. Shared, through `#[path]`,
//! by `examples/sql_counts.rs` (PostgreSQL, or an in-process stand-in) and
//! the DataFusion member `engine/`, so that both count the same rows.
#![allow(dead_code)] // each includer uses its own part

use std::fs;
use std::io::{BufWriter, Write};
use std::path::Path;

/// The aggregation that turns the trial's rows into survkit's input: one
/// row per (stratum, arm, time) with the number of events and of
/// censorings. Standard SQL: the same text runs on Spark, BigQuery,
/// PostgreSQL and DuckDB (`docs/scale.md`). The `WHERE` clause is R's
/// `na.omit`: rows with a missing value are not counted.
pub const COUNTS_SQL: &str = "\
SELECT stratum, arm, time,
       SUM(CASE WHEN status = 1 THEN 1 ELSE 0 END) AS n_event,
       SUM(CASE WHEN status = 1 THEN 0 ELSE 1 END) AS n_censor
FROM trial
WHERE time IS NOT NULL AND status IS NOT NULL
  AND arm IS NOT NULL AND stratum IS NOT NULL
GROUP BY stratum, arm, time";

/// The individual rows, for the individual-level fit the counts are
/// checked against.
pub const ROWS_SQL: &str = "SELECT stratum, arm, time, status FROM trial";

/// Longest follow-up of the simulated trial, in days (administrative
/// censoring).
pub const MAX_FOLLOW_UP: u32 = 1800;

/// A deterministic xorshift64 generator (no dependency, same data on every
/// machine).
#[derive(Debug, Clone)]
pub struct XorShift(u64);

impl XorShift {
    /// A generator from a non-zero seed.
    pub fn new(seed: u64) -> Self {
        XorShift(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A uniform number in (0, 1).
    pub fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

/// One simulated patient: stratum 1..=4, arm, time in whole days, status
/// (1 = death, 0 = censored).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Patient {
    /// Stratum (for example a region), 1..=4.
    pub stratum: i64,
    /// Treatment arm: `"control"` or `"treatment"`.
    pub arm: &'static str,
    /// Follow-up time in days.
    pub time: f64,
    /// 1 = event, 0 = censored.
    pub status: i64,
}

/// The `i`-th patient of the stream of `rng`: exponential survival with a
/// median of 600 days on control and 750 on treatment (hazard ratio 0.8),
/// a stratum effect, uniform censoring over the follow-up, times rounded up
/// to whole days (so the data have the ties of real registries).
pub fn patient(rng: &mut XorShift) -> Patient {
    let stratum = (rng.next_u64() % 4) as i64 + 1;
    let treated = rng.next_u64() % 2 == 1;
    let median = if treated { 750.0 } else { 600.0 } * (0.85 + 0.1 * stratum as f64);
    let event_time = (-rng.uniform().ln() * median / std::f64::consts::LN_2).ceil();
    let censor_time = (rng.uniform() * f64::from(MAX_FOLLOW_UP)).ceil();
    let (time, status) = if event_time <= censor_time {
        (event_time, 1)
    } else {
        (censor_time, 0)
    };
    Patient {
        stratum,
        arm: if treated { "treatment" } else { "control" },
        time,
        status,
    }
}

/// Writes `rows` simulated patients as `files` CSV files `part-NNNN.csv`
/// under `dir` (a partitioned data set, one file per site or day of
/// ingestion); the rows are those of [`trial_rows`] with the same seed.
///
/// # Errors
/// Any I/O error.
pub fn write_trial(dir: &Path, rows: u64, files: u64, seed: u64) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    let mut rng = XorShift::new(seed);
    let files = files.max(1);
    for f in 0..files {
        let path = dir.join(format!("part-{f:04}.csv"));
        let mut w = BufWriter::with_capacity(1 << 20, fs::File::create(path)?);
        writeln!(w, "stratum,arm,time,status")?;
        let (start, end) = (rows * f / files, rows * (f + 1) / files);
        for _ in start..end {
            let p = patient(&mut rng);
            writeln!(w, "{},{},{},{}", p.stratum, p.arm, p.time, p.status)?;
        }
        w.flush()?;
    }
    Ok(())
}

/// The patients [`write_trial`] writes, in memory (for the checks).
pub fn trial_rows(rows: u64, seed: u64) -> Vec<Patient> {
    let mut rng = XorShift::new(seed);
    (0..rows).map(|_| patient(&mut rng)).collect()
}
