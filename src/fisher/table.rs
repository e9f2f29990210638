//! Validation shared by the tables of counts when they are deserialised
//! (the 2 x 2 and r x c tables here, and the response summary): a stored
//! total must be the one the counts give (compiled with the `serde`
//! feature only).

use crate::error::Result;
use crate::ErrorDetail;

/// [`ErrorDetail::InvalidParameter`] naming `what` and the `constraint` it
/// breaks unless the deserialised total `stored` equals `computed`, the
/// total of the deserialised counts.
pub(crate) fn check_stored_total(
    what: &'static str,
    constraint: &'static str,
    stored: u64,
    computed: u64,
) -> Result<()> {
    if stored == computed {
        return Ok(());
    }
    Err(ErrorDetail::InvalidParameter {
        what,
        constraint,
        value: stored as f64,
    }
    .into())
}
