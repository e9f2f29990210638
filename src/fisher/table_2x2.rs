//! The 2 x 2 table of counts every two-by-two procedure reads (Fisher's
//! test, the unconditional tests, two-proportion comparisons), with its
//! limits and its validated serialised form.

use crate::error::Result;
use crate::ErrorDetail;

#[cfg(feature = "serde")]
use super::table::check_stored_total;

/// Totals above 2^53 are not exact in `f64`; every count and margin is held
/// as an exact `f64`, so this is the largest table total accepted.
pub(crate) const MAX_EXACT_TOTAL: u64 = 1 << 53;

/// A 2 x 2 table of counts `[[a, b], [c, d]]` (rows are the two levels of
/// the first variable, columns those of the second).
///
/// # Method
/// ```text
///            col 1   col 2
///   row 1      a       b
///   row 2      c       d
/// ```
/// The odds ratio compares row 1 with row 2: `ad / bc`.
///
/// # Conventions
/// The same orientation as R's `matrix(c(a, c, b, d), 2)` (R fills by
/// column) and scipy's `[[a, b], [c, d]]`.
///
/// # Errors
/// [`ErrorDetail::CountOverflow`](crate::ErrorDetail::CountOverflow) if the total overflows `u64` or exceeds 2^53
/// (counts must be exact as `f64`).
///
/// # Example
/// ```
/// use survkit::Table2x2;
/// let t = Table2x2::new([[3, 1], [1, 3]])?;
/// assert_eq!(t.total(), 8);
/// # Ok::<(), survkit::Error>(())
/// ```
///
/// # References
/// Agresti, A. (2002). *Categorical Data Analysis*, 2nd ed. Wiley.
/// doi:10.1002/0471249688
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(try_from = "RawTable2x2"))]
pub struct Table2x2 {
    rows: [[u64; 2]; 2],
    total: u64,
}

impl Table2x2 {
    /// Builds the table from its rows `[[a, b], [c, d]]`.
    ///
    /// # Errors
    /// [`ErrorDetail::CountOverflow`](crate::ErrorDetail::CountOverflow) if `a + b + c + d` overflows or exceeds 2^53.
    pub fn new(rows: [[u64; 2]; 2]) -> Result<Table2x2> {
        let overflow = ErrorDetail::CountOverflow {
            what: "2 x 2 table counts",
        };
        let total = rows[0][0]
            .checked_add(rows[0][1])
            .and_then(|s| s.checked_add(rows[1][0]))
            .and_then(|s| s.checked_add(rows[1][1]))
            .ok_or(overflow.clone())?;
        if total > MAX_EXACT_TOTAL {
            return Err(overflow.into());
        }
        Ok(Table2x2 { rows, total })
    }

    /// The rows `[[a, b], [c, d]]`.
    pub fn rows(&self) -> [[u64; 2]; 2] {
        self.rows
    }

    /// The total count `a + b + c + d`.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// The transposed table `[[a, c], [b, d]]` (same p-value and odds ratio).
    pub fn transpose(&self) -> Table2x2 {
        let [[a, b], [c, d]] = self.rows;
        Table2x2 {
            rows: [[a, c], [b, d]],
            total: self.total,
        }
    }

    pub(super) fn cells_f64(&self) -> (f64, f64, f64, f64) {
        let [[a, b], [c, d]] = self.rows;
        (a as f64, b as f64, c as f64, d as f64)
    }
}

/// The serialised form of [`Table2x2`], validated on deserialisation: the
/// rows go through [`Table2x2::new`] and the stored total must equal theirs.
#[cfg(feature = "serde")]
#[derive(serde::Deserialize)]
struct RawTable2x2 {
    rows: [[u64; 2]; 2],
    total: u64,
}

#[cfg(feature = "serde")]
impl TryFrom<RawTable2x2> for Table2x2 {
    type Error = crate::Error;
    fn try_from(raw: RawTable2x2) -> Result<Table2x2> {
        let t = Table2x2::new(raw.rows)?;
        check_stored_total(
            "2 x 2 table total (deserialised)",
            "equal to the sum of the cells",
            raw.total,
            t.total,
        )?;
        Ok(t)
    }
}

#[cfg(all(test, feature = "serde"))]
mod serde_tests {
    use super::*;

    #[test]
    fn deserialising_validates_the_table_total() {
        let ok = RawTable2x2 {
            rows: [[1, 2], [3, 4]],
            total: 10,
        };
        assert_eq!(Table2x2::try_from(ok).map(|t| t.total()), Ok(10));
        let bad = RawTable2x2 {
            rows: [[1, 2], [3, 4]],
            total: 11,
        };
        assert!(Table2x2::try_from(bad).is_err());
        let huge = RawTable2x2 {
            rows: [[u64::MAX, 1], [0, 0]],
            total: 0,
        };
        assert!(Table2x2::try_from(huge).is_err());
    }
}
