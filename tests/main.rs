//! survkit's integration tests, gathered in one test crate so that
//! `cargo test` builds and links one binary instead of one per file (each
//! file below is a module; `Cargo.toml` sets `autotests = false` and names
//! this file as the only test target). Reference data and the scripts that
//! made them are in `tests/data/`; the shared loader is `common`.

mod common;

mod api;
mod bands;
mod beyond_logrank;
mod compare;
mod competing;
mod counts;
mod design;
mod event_table;
mod examples;
mod fisher;
mod fisher_budget;
mod fisher_props;
mod fuzz;
mod kaplan_meier;
mod km_complete;
mod km_props;
mod logrank;
mod logrank_props;
mod proportion;
mod proportion_edges;
mod reconstruct;
mod response;
mod response_serde;
mod unconditional;
