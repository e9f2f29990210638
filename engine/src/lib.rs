//! survkit finishing a survival analysis from the counts of a query engine
//! (Apache DataFusion): the worked example of `docs/scale.md`.
//!
//! The heavy step of a large analysis is one `GROUP BY stratum, arm, time`
//! ([`COUNTS_SQL`]), which any SQL engine runs where the data live; survkit
//! then fits everything from the counts ([`survkit::ArrowCounts`]), exactly:
//! the results equal the individual-level fit on the same rows bit for bit
//! (this crate's test checks it at 10⁶ rows).
//!
//! This crate is a workspace member of its own so that survkit's
//! dependencies and MSRV stay as they are: `cargo test` in the repository
//! root does not build it; `cargo test -p survkit-engine` does.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::path::Path;

use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::prelude::{CsvReadOptions, SessionConfig, SessionContext};

#[path = "../../examples/shared/trial.rs"]
mod trial;
pub use trial::{
    patient, trial_rows, write_trial, Patient, XorShift, COUNTS_SQL, MAX_FOLLOW_UP, ROWS_SQL,
};

/// The schema of the trial's CSV files.
pub fn trial_schema() -> Schema {
    Schema::new(vec![
        Field::new("stratum", DataType::Int64, true),
        Field::new("arm", DataType::Utf8, true),
        Field::new("time", DataType::Float64, true),
        Field::new("status", DataType::Int64, true),
    ])
}

/// A DataFusion session with the CSV files under `dir` registered as the
/// table `trial`.
///
/// # Errors
/// DataFusion's, for a missing directory or a bad file.
pub async fn session(dir: &Path) -> datafusion::error::Result<SessionContext> {
    let config = SessionConfig::new().with_batch_size(65_536);
    let ctx = SessionContext::new_with_config(config);
    let schema = trial_schema();
    let options = CsvReadOptions::new().has_header(true).schema(&schema);
    let path = format!("{}/", dir.display());
    ctx.register_csv("trial", path, options).await?;
    Ok(ctx)
}

/// Runs `sql` and collects its batches.
///
/// # Errors
/// DataFusion's.
pub async fn query(ctx: &SessionContext, sql: &str) -> datafusion::error::Result<Vec<RecordBatch>> {
    ctx.sql(sql).await?.collect().await
}

/// A multi-threaded tokio runtime for DataFusion.
///
/// # Errors
/// When the runtime cannot start its threads.
pub fn runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
}

/// The counts read as survkit's event table: arms as groups, with the
/// strata kept (`stratified`, for the stratified log-rank test) or pooled
/// (for one curve per arm); levels in R's order.
///
/// # Errors
/// survkit's validation of the counts.
pub fn event_table(
    counts: &[RecordBatch],
    stratified: bool,
) -> survkit::Result<survkit::EventTable> {
    let reader = survkit::ArrowCounts::new("time", "n_event", "n_censor").groups("arm");
    if stratified {
        reader.strata("stratum").build(counts)
    } else {
        reader.build(counts)
    }
}
