//! The count columns of a Kaplan-Meier curve, stored compactly when they are
//! plain counts of subjects.
//!
//! With continuous times every observation is its own row, so the curve is
//! as long as its input. Storing n at risk, events and censored as three f64
//! columns (24 bytes a row) would triple the input's memory on their own.
//! When the counts are whole numbers and the risk set only shrinks (no entry
//! times), one byte a row holds them: the events in the low nibble, the
//! censored in the high one, and the number at risk follows from the total
//! minus the exits before the row. Rows with 15 or more of either are
//! escaped to a side list. Everything else (case weights, left truncation)
//! keeps the three f64 columns.
//!
//! The representation is a function of the counts alone (see
//! [`Counts::from_columns`]), so two curves with the same rows compare equal.

/// Escape code of a row whose counts do not fit a nibble each.
const ESCAPE: u8 = 0xFF;

/// Largest count held in a nibble (15 would let `15 | 15 << 4` collide with
/// [`ESCAPE`]).
const NIBBLE_MAX: u64 = 14;

/// Largest count stored as a whole number: every integer up to 2⁵³ is exact
/// in an f64, so sums of such counts reproduce the f64 arithmetic of the
/// general columns exactly.
const EXACT_INT_MAX: f64 = 9_007_199_254_740_992.0;

/// Per-row counts of a curve.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Counts {
    /// Whole counts whose number at risk is the exits from each row on
    /// (typically unweighted data without entry times).
    Unit(UnitCounts),
    /// Sums of case weights, or risk sets with entries: three f64 columns.
    Weighted {
        n_risk: Vec<f64>,
        n_event: Vec<f64>,
        n_censor: Vec<f64>,
    },
}

/// Whole counts of subjects packed one byte a row.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct UnitCounts {
    /// Number at risk at the first row (all subjects of the curve).
    n_total: u64,
    /// `events | censored << 4`, or [`ESCAPE`].
    codes: Vec<u8>,
    /// `(events, censored)` of the escaped rows, in row order.
    large: Vec<(u64, u64)>,
}

impl UnitCounts {
    /// Counts for `n_total` subjects, rows appended with [`push`](Self::push).
    pub(crate) fn with_capacity(n_total: u64, rows: usize) -> Self {
        UnitCounts {
            n_total,
            codes: Vec::with_capacity(rows),
            large: Vec::new(),
        }
    }

    /// Appends a row with `d` events and `c` censored.
    #[inline]
    pub(crate) fn push(&mut self, d: u64, c: u64) {
        if d <= NIBBLE_MAX && c <= NIBBLE_MAX {
            self.codes.push((d | c << 4) as u8); // both ≤ 14, the value is < 256
        } else {
            self.codes.push(ESCAPE);
            self.large.push((d, c));
        }
    }
}

impl UnitCounts {
    /// Kaplan-Meier `S` after each row, in one pass over the codes. The
    /// output is allocated zeroed and written through a slice: with no call
    /// in the loop `S` stays in a register (a `push` or a `collect` kept it
    /// in memory, a store and a load in every step of the product chain;
    /// measured 2026-11-27).
    ///
    /// No branch on the events (they come in random order): with `d = 0`
    /// the factor `(n − d)/n` is exactly 1 and with `d = n` exactly 0, so
    /// this is bit for bit the general `if d > 0 { S *= (n − d)/n }` (here
    /// `n ≥ d + c ≥ 1`; the `n > 0` test, always true for a fitted curve,
    /// only keeps inconsistent deserialised counts from producing NaN).
    pub(crate) fn survival(&self) -> Vec<f64> {
        self.walk(
            1.0,
            |s, nf, d| {
                if nf > 0.0 {
                    s * ((nf - d as f64) / nf)
                } else {
                    s
                }
            },
            |s| s,
        )
    }

    /// Greenwood σ after each row, `sqrt(Σ d / (n (n − d)))`, `+∞` from the
    /// first row with `n ≤ d` on: bit for bit the general loop over
    /// [`Counts::rows`] (with `d = 0` the term added is exactly 0).
    pub(crate) fn greenwood(&self) -> Vec<f64> {
        self.walk(
            0.0,
            |green, nf, d| {
                let df = d as f64;
                let term = if nf > df {
                    df / (nf * (nf - df))
                } else {
                    f64::INFINITY
                };
                green + if d > 0 { term } else { 0.0 }
            },
            f64::sqrt,
        )
    }

    /// The one decoding walk of the packed rows: a running value, started
    /// at `init`, stepped by `step(value, n, d)` (the number at risk before
    /// the row and its events); `out(value)` is the row's output.
    #[inline(always)]
    fn walk(
        &self,
        init: f64,
        step: impl Fn(f64, f64, u64) -> f64,
        out: impl Fn(f64) -> f64,
    ) -> Vec<f64> {
        let mut values = vec![0.0; self.codes.len()];
        let mut large = self.large.iter();
        let mut at_risk = self.n_total;
        let mut acc = init;
        for (slot, &code) in values.iter_mut().zip(&self.codes) {
            let (d, c) = decode(code, &mut large);
            acc = step(acc, at_risk as f64, d);
            at_risk = at_risk.saturating_sub(d.saturating_add(c));
            *slot = out(acc);
        }
        values
    }
}

impl Counts {
    /// Greenwood σ after each row (see [`UnitCounts::greenwood`]).
    pub(crate) fn greenwood(&self) -> Vec<f64> {
        match self {
            Counts::Unit(u) => u.greenwood(),
            Counts::Weighted { .. } => {
                let mut out = vec![0.0; self.len()];
                let mut green = 0.0_f64;
                for (slot, (n, d, _)) in out.iter_mut().zip(self.rows()) {
                    if d > 0.0 {
                        green += if n > d {
                            d / (n * (n - d))
                        } else {
                            f64::INFINITY
                        };
                    }
                    *slot = green.sqrt();
                }
                out
            }
        }
    }

    /// The compact form of whole counts without entries, else the columns
    /// as given. Whole means: every event and censored count an integer in
    /// `[0, 2⁵³]`, and every number at risk equal to the exits from its row
    /// on (`n_risk[i] = Σ_{j ≥ i} (d_j + c_j)`, which fails with entries).
    pub(crate) fn from_columns(n_risk: Vec<f64>, n_event: Vec<f64>, n_censor: Vec<f64>) -> Self {
        match Self::unit_of(&n_risk, &n_event, &n_censor) {
            Some(unit) => Counts::Unit(unit),
            None => Counts::Weighted {
                n_risk,
                n_event,
                n_censor,
            },
        }
    }

    fn unit_of(n_risk: &[f64], n_event: &[f64], n_censor: &[f64]) -> Option<UnitCounts> {
        let rows = n_risk.len();
        if n_event.len() != rows || n_censor.len() != rows {
            return None;
        }
        let whole = |x: f64| (0.0..=EXACT_INT_MAX).contains(&x) && x.fract() == 0.0;
        // Suffix sums of the exits, from the last row back, in integers (an
        // f64 sum could round 2⁵³ + 1 down to 2⁵³ and pass the bound).
        let mut after = 0u64;
        for i in (0..rows).rev() {
            let (n, d, c) = (n_risk[i], n_event[i], n_censor[i]); // i < rows = every length
            if !whole(d) || !whole(c) {
                return None;
            }
            after = after
                .checked_add(d as u64) // whole, ≤ 2⁵³
                .and_then(|a| a.checked_add(c as u64))
                .filter(|&a| a <= EXACT_INT_MAX as u64)?; // 2⁵³ is exact
            if n != after as f64 {
                return None;
            }
        }
        let mut unit = UnitCounts::with_capacity(after, rows);
        for (&d, &c) in n_event.iter().zip(n_censor) {
            unit.push(d as u64, c as u64); // whole, ≤ 2⁵³
        }
        Some(unit)
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        match self {
            Counts::Unit(u) => u.codes.len(),
            Counts::Weighted { n_risk, .. } => n_risk.len(),
        }
    }

    /// `(n at risk, events, censored)` of every row, in order.
    pub(crate) fn rows(&self) -> Rows<'_> {
        match self {
            Counts::Unit(u) => Rows::Unit {
                codes: u.codes.iter(),
                large: u.large.iter(),
                at_risk: u.n_total,
            },
            Counts::Weighted {
                n_risk,
                n_event,
                n_censor,
            } => Rows::Weighted {
                n: n_risk.iter(),
                d: n_event.iter(),
                c: n_censor.iter(),
            },
        }
    }

    /// One column materialised.
    pub(crate) fn column(&self, which: Column) -> Vec<f64> {
        match (self, which) {
            (Counts::Weighted { n_risk, .. }, Column::AtRisk) => n_risk.clone(),
            (Counts::Weighted { n_event, .. }, Column::Events) => n_event.clone(),
            (Counts::Weighted { n_censor, .. }, Column::Censored) => n_censor.clone(),
            (Counts::Unit(_), _) => self
                .rows()
                .map(|(n, d, c)| match which {
                    Column::AtRisk => n,
                    Column::Events => d,
                    Column::Censored => c,
                })
                .collect(),
        }
    }
}

/// A forward cursor over the rows of [`Counts`]: the events and censorings
/// of the rows passed, summed in row order, and the number at risk of the
/// next row. For packed counts the sums are integers (exact in `f64` below
/// 2⁵³, so equal to a running `f64` sum) taken over whole byte ranges.
pub(crate) struct Cursor<'a> {
    counts: &'a Counts,
    /// Rows passed.
    row: usize,
    /// Escaped rows passed (packed counts).
    large: usize,
    /// Events and censored passed (packed counts).
    d: u64,
    c: u64,
    /// Events and censored passed (weighted counts).
    ev: f64,
    ce: f64,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(counts: &'a Counts) -> Self {
        Cursor {
            counts,
            row: 0,
            large: 0,
            d: 0,
            c: 0,
            ev: 0.0,
            ce: 0.0,
        }
    }

    /// Passes the rows up to (not including) `to`.
    pub(crate) fn advance(&mut self, to: usize) {
        let to = to.min(self.counts.len());
        if to <= self.row {
            return;
        }
        match self.counts {
            Counts::Unit(u) => {
                let codes = u
                    .codes
                    .get(self.row..to)
                    .expect("self.row < to <= counts.len(), the length of codes");
                // Branch-free sums over the bytes, then the escaped rows
                // (0xFF counted as 15 + 15 above) replaced by their counts.
                // u32 lanes per chunk of 2²⁰ rows (15 · 2²⁰ < 2³²): the
                // loop vectorises; the chunks add up in u64.
                let (mut d, mut c, mut esc) = (0u64, 0u64, 0u64);
                for chunk in codes.chunks(1 << 20) {
                    let (mut cd, mut cc, mut ce) = (0u32, 0u32, 0u32);
                    for &code in chunk {
                        cd += u32::from(code & 0x0F);
                        cc += u32::from(code >> 4);
                        ce += u32::from(code == ESCAPE);
                    }
                    d += u64::from(cd);
                    c += u64::from(cc);
                    esc += u64::from(ce);
                }
                let esc = usize::try_from(esc).expect("at most codes.len() escapes");
                d -= 15 * esc as u64;
                c -= 15 * esc as u64;
                for &(ld, lc) in u.large.iter().skip(self.large).take(esc) {
                    d = d.saturating_add(ld);
                    c = c.saturating_add(lc);
                }
                self.large += esc;
                self.d = self.d.saturating_add(d);
                self.c = self.c.saturating_add(c);
            }
            Counts::Weighted {
                n_event, n_censor, ..
            } => {
                let rows = self.row..to;
                let (ev, ce) = (
                    n_event.get(rows.clone()).expect("to <= counts.len()"),
                    n_censor.get(rows).expect("to <= counts.len()"),
                );
                for (&d, &c) in ev.iter().zip(ce) {
                    self.ev += d;
                    self.ce += c;
                }
            }
        }
        self.row = to;
    }

    /// Events and censored of the rows passed.
    pub(crate) fn sums(&self) -> (f64, f64) {
        match self.counts {
            Counts::Unit(_) => (self.d as f64, self.c as f64),
            Counts::Weighted { .. } => (self.ev, self.ce),
        }
    }

    /// Number at risk at the next row, `None` past the last row.
    pub(crate) fn n_risk(&self) -> Option<f64> {
        if self.row >= self.counts.len() {
            return None;
        }
        match self.counts {
            Counts::Unit(u) => Some(u.n_total.saturating_sub(self.d.saturating_add(self.c)) as f64),
            Counts::Weighted { n_risk, .. } => n_risk.get(self.row).copied(),
        }
    }
}

/// A count of unit-weight subjects as `f64`: exact, since a count is at
/// most the number of subjects, far below 2^53. Through `i64`, which is one
/// instruction on x86-64 where `u64 → f64` is several (this is read once
/// a row of every curve).
#[inline(always)]
fn exact_f64(count: u64) -> f64 {
    let signed = i64::try_from(count).expect("a count of subjects is below 2^63");
    signed as f64
}

/// The events and censored of one packed row: low and high nibble, or the
/// next side-list entry for an escaped row.
#[inline(always)]
fn decode(code: u8, large: &mut std::slice::Iter<'_, (u64, u64)>) -> (u64, u64) {
    if code == ESCAPE {
        *large
            .next()
            .expect("the side list has one entry per escaped row")
    } else {
        (u64::from(code & 0x0F), u64::from(code >> 4))
    }
}

/// A count column of a curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    /// Number (or weight) at risk just before the row.
    AtRisk,
    /// Events at the row.
    Events,
    /// Censored at the row.
    Censored,
}

/// Where a [`Rows`] iterator stands: the next row, the escaped rows passed
/// and the number at risk at the next row (packed counts), so that an
/// iterator can be re-created there ([`Counts::rows_from`]) without
/// borrowing the counts in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RowPos {
    row: usize,
    large: usize,
    at_risk: u64,
}

impl Counts {
    /// The rows from `pos` on (a position taken by [`Rows::pos`] on these
    /// counts).
    pub(crate) fn rows_from(&self, pos: RowPos) -> Rows<'_> {
        match self {
            Counts::Unit(u) => Rows::Unit {
                codes: u
                    .codes
                    .get(pos.row..)
                    .expect("a position on these counts")
                    .iter(),
                large: u
                    .large
                    .get(pos.large..)
                    .expect("a position on these counts")
                    .iter(),
                at_risk: pos.at_risk,
            },
            Counts::Weighted {
                n_risk,
                n_event,
                n_censor,
            } => Rows::Weighted {
                n: n_risk
                    .get(pos.row..)
                    .expect("a position on these counts")
                    .iter(),
                d: n_event
                    .get(pos.row..)
                    .expect("a position on these counts")
                    .iter(),
                c: n_censor
                    .get(pos.row..)
                    .expect("a position on these counts")
                    .iter(),
            },
        }
    }
}

/// Iterator over the rows of [`Counts`].
#[derive(Clone)]
pub(crate) enum Rows<'a> {
    Unit {
        codes: std::slice::Iter<'a, u8>,
        large: std::slice::Iter<'a, (u64, u64)>,
        at_risk: u64,
    },
    Weighted {
        n: std::slice::Iter<'a, f64>,
        d: std::slice::Iter<'a, f64>,
        c: std::slice::Iter<'a, f64>,
    },
}

impl Rows<'_> {
    /// The position of the next row, for [`Counts::rows_from`] on the
    /// counts this iterator reads.
    pub(crate) fn pos(&self, counts: &Counts) -> RowPos {
        match (self, counts) {
            (
                Rows::Unit {
                    codes,
                    large,
                    at_risk,
                },
                Counts::Unit(u),
            ) => RowPos {
                row: u.codes.len() - codes.len(),
                large: u.large.len() - large.len(),
                at_risk: *at_risk,
            },
            (Rows::Weighted { n, .. }, Counts::Weighted { n_risk, .. }) => RowPos {
                row: n_risk.len() - n.len(),
                large: 0,
                at_risk: 0,
            },
            _ => panic!("Rows::pos is called with the counts the iterator reads"),
        }
    }
}

impl Iterator for Rows<'_> {
    type Item = (f64, f64, f64);

    #[inline]
    fn next(&mut self) -> Option<(f64, f64, f64)> {
        match self {
            Rows::Unit {
                codes,
                large,
                at_risk,
            } => {
                let code = *codes.next()?;
                let (d, c) = decode(code, large);
                let n = *at_risk;
                *at_risk = n.saturating_sub(d.saturating_add(c));
                Some((exact_f64(n), exact_f64(d), exact_f64(c)))
            }
            Rows::Weighted { n, d, c } => Some((*n.next()?, *d.next()?, *c.next()?)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_round_trip_with_escapes() {
        let n_event = vec![1.0, 0.0, 20.0, 3.0, 0.0];
        let n_censor = vec![0.0, 15.0, 1.0, 0.0, 2.0];
        let mut n_risk = vec![0.0; 5];
        let mut after = 0.0;
        for i in (0..5).rev() {
            after += n_event[i] + n_censor[i];
            n_risk[i] = after;
        }
        let counts = Counts::from_columns(n_risk.clone(), n_event.clone(), n_censor.clone());
        assert!(matches!(&counts, Counts::Unit(u) if u.large.len() == 2));
        assert_eq!(counts.column(Column::AtRisk), n_risk);
        assert_eq!(counts.column(Column::Events), n_event);
        assert_eq!(counts.column(Column::Censored), n_censor);
        assert_eq!(counts.len(), 5);
    }

    #[test]
    fn weights_and_entries_keep_the_columns() {
        // fractional weight
        let c = Counts::from_columns(vec![1.5], vec![1.5], vec![0.0]);
        assert!(matches!(c, Counts::Weighted { .. }));
        // an entry: 3 at risk at the second row, only 2 exits from there on
        let c = Counts::from_columns(vec![3.0, 3.0], vec![1.0, 1.0], vec![0.0, 1.0]);
        assert!(matches!(c, Counts::Weighted { .. }));
        assert_eq!(c.column(Column::AtRisk), vec![3.0, 3.0]);
    }
}
