//! Fisher's exact test: 2 x 2 tables with exact odds-ratio inference, and
//! r x c tables by the network algorithm (with a seeded Monte Carlo
//! alternative).

mod hyper;
mod odds_ratio;
mod p_value;
mod rxc;
#[cfg(feature = "serde")]
mod table;
mod table_2x2;
mod two_by_two;
mod unconditional;

pub use self::rxc::{
    fisher_exact_rxc, ContingencyTable, FisherExactRxc, RxcMethod, RxcResult, DEFAULT_MAX_BYTES,
    DEFAULT_TIME_LIMIT as DEFAULT_RXC_TIME_LIMIT,
};
#[cfg(feature = "serde")]
pub(crate) use self::table::check_stored_total;
pub use self::table_2x2::Table2x2;
pub use self::two_by_two::{
    fisher_exact, FisherExact, FisherResult, NullOddsRatio, PValueKind,
    DEFAULT_TIME_LIMIT as DEFAULT_2X2_TIME_LIMIT,
};
pub use self::unconditional::{
    barnard_exact, boschloo_exact, Barnard, BergerBoos, Boschloo, BoschlooTwoSided,
    UnconditionalMethod, UnconditionalResult, WaldVariance, BOSCHLOO_TIE_REL, CERTIFIED_REL_TOL,
    DEFAULT_TIME_LIMIT as DEFAULT_UNCONDITIONAL_TIME_LIMIT, MAX_REGION_TABLES,
};
