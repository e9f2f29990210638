//! Fisher's exact test: 2 x 2 tables with exact odds-ratio inference, and
//! r x c tables by the network algorithm (with a seeded Monte Carlo
//! alternative).

mod hyper;
mod rxc;
mod two_by_two;

pub use self::rxc::{
    fisher_exact_rxc, ContingencyTable, FisherExactRxc, RxcMethod, RxcResult, DEFAULT_MAX_BYTES,
    DEFAULT_TIME_LIMIT,
};
pub use self::two_by_two::{
    fisher_exact, FisherExact, FisherResult, NullOddsRatio, PValueKind, Table2x2,
};
