//! The sort of the packed keys: one most-significant-digit radix pass over
//! the bits that vary, then a comparison sort of each bucket while it is
//! in cache. Safe Rust, no dependency.
//!
//! The keys of one data set share their high bits (a narrow time range) and
//! are spread over the rest. One pass finds the smallest and largest key;
//! the [`DIGIT_BITS`] bits just below their common prefix index 4096
//! buckets, which keep the keys' order (every key lies between the two);
//! one pass counts the buckets and one stable pass scatters the keys into a
//! scratch buffer of the same size, which then becomes the key buffer (no
//! copy back). Each bucket is sorted inside the cache: by `sort_unstable`
//! up to [`MAX_BUCKET`] keys, else by the same pass again with a digit
//! sized to the bucket (the dense buckets of 10⁷ keys hold tens of
//! thousands, whose comparison sort cost more than a second pass that
//! stays in the L2 cache). Below [`MIN_RADIX`]
//! keys `sort_unstable` alone is used. The result is the sorted sequence
//! either way (keys are plain integers).
//!
//! Measured against `sort_unstable` of the same keys (exponential times,
//! 10⁶ and 10⁷ keys, continuous and whole days, 2026-12-05, interleaved
//! minimum of runs at load 12–14): 0.64–0.75× with 12-bit digits; an LSD
//! radix sort with byte histograms computed in one pass and constant bytes
//! skipped (four to eight scatter passes through memory) was 1.1–1.4×
//! `sort_unstable`, and 11-bit LSD digits no better. Second passes for
//! buckets over 2048 keys (they were sorted by `sort_unstable` up to 65 536
//! keys before, 2026-12-06): the one-curve fit at 10⁷ keys 0.76 → 0.69 s,
//! ten groups 0.90 → 0.82 s, 10⁶ unchanged (quiet, 3 runs each).

/// Bits of the digit of one pass (4096 buckets: the counters fit the L1
/// cache, the buckets of 10⁶ keys a few hundred keys each).
const DIGIT_BITS: u32 = 12;

/// Fewest keys sorted by the radix pass: below, `sort_unstable` is as fast.
pub(crate) const MIN_RADIX: usize = 1 << 12;

/// Buckets larger than this go through another radix pass (with fewer
/// digit bits, see [`digit_bits`]); smaller ones are sorted by
/// `sort_unstable`.
const MAX_BUCKET: usize = 1 << 11;

/// Bits of the digit of a pass over `n` keys: about 8 keys a bucket when
/// the keys spread evenly, at most [`DIGIT_BITS`] (4096 buckets from 32 768
/// keys on).
fn digit_bits(n: usize) -> u32 {
    (usize::BITS - n.leading_zeros())
        .saturating_sub(3)
        .clamp(4, DIGIT_BITS)
}

/// Sorts `keys` increasingly.
pub(crate) fn sort(keys: &mut Vec<u64>) {
    if keys.len() < MIN_RADIX {
        keys.sort_unstable();
        return;
    }
    let mut scratch = vec![0u64; keys.len()];
    if scatter(keys, &mut scratch, false) {
        std::mem::swap(keys, &mut scratch);
    }
}

/// Sorts `keys` in place, with `scratch` (as long) as working space.
fn sort_in_place(keys: &mut [u64], scratch: &mut [u64]) {
    if keys.len() <= MAX_BUCKET {
        keys.sort_unstable();
    } else if scatter(keys, scratch, true) {
        keys.copy_from_slice(scratch);
    }
}

/// Keys a bucket on average, at least, for which a nested pass leaves a
/// bucket to `sort_unstable` (see [`scatter`]).
const FEW_DISTINCT: usize = 256;

/// One radix pass of `keys` into `scratch` and the sort of every bucket
/// there; false (nothing moved, `keys` sorted) when all keys are equal, or
/// when a `nested` pass (a bucket of an earlier one) finds few distinct
/// keys with many copies (whole days): keys differing in fewer bits than
/// its digit has, or filling at most one of its buckets in
/// [`FEW_DISTINCT`] keys. `sort_unstable` sorts those in place in a few
/// partitions, where more radix passes would copy them back and forth.
fn scatter(keys: &mut [u64], scratch: &mut [u64], nested: bool) -> bool {
    let (mut lo, mut hi) = (u64::MAX, 0u64);
    for &k in keys.iter() {
        lo = lo.min(k);
        hi = hi.max(k);
    }
    if lo == hi {
        return false;
    }
    // The bits below the common prefix of all keys; the digit is their top.
    let span = u64::BITS - (lo ^ hi).leading_zeros();
    if nested && span < digit_bits(keys.len()) {
        keys.sort_unstable();
        return false;
    }
    let bits = digit_bits(keys.len()).min(span);
    let shift = span - bits;
    let mask = (1u64 << bits) - 1;
    let digit = |k: u64| ((k >> shift) & mask) as usize;
    let mut start = vec![0usize; (1 << bits) + 1];
    for &k in keys.iter() {
        start[digit(k) + 1] += 1;
    }
    if nested && start.iter().filter(|&&c| c > 0).count() * FEW_DISTINCT <= keys.len() {
        keys.sort_unstable();
        return false;
    }
    for i in 1..start.len() {
        start[i] += start[i - 1];
    }
    let mut next = start.clone();
    for &k in keys.iter() {
        let d = digit(k);
        let p = next[d];
        // p < n: the bucket starts partition 0..n and each fills its own range.
        scratch[p] = k;
        next[d] = p + 1;
    }
    for w in start.windows(2) {
        let r = w[0]..w[1];
        if r.len() > MAX_BUCKET {
            sort_in_place(&mut scratch[r.clone()], &mut keys[r]);
        } else if r.len() > 1 {
            scratch[r].sort_unstable();
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sorted as `sort_unstable` sorts, on keys with constant and varying
    /// bits, duplicates, one huge bucket, and sizes on both sides of
    /// [`MIN_RADIX`] and [`MAX_BUCKET`].
    #[test]
    fn radix_equals_sort_unstable() {
        let mut state = 0x1234_5678_u64;
        let mut next = move || {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        for (n, mask, or) in [
            (10, u64::MAX, 0),
            (5000, u64::MAX, 0),
            (5000, 0xFF00_0000_00FF, 1 << 40),
            (20_000, 0x0FFF, 0x7FF0_0000_0000_0000),
            (20_000, 0, 42),
            (70_000, 0xFFFF_0000_0000_0003, 0),
            (300_000, 0x0000_0000_FFFF_FFFF, 0),
            (300_000, 0x0000_0000_0000_FFFF, 1),
            // a few distinct keys far apart, many copies each (nested
            // passes hand them to `sort_unstable`)
            (100_000, 0x0100_0000_0000_0003, 0),
            (100_000, 0x0000_0F00_0000_0001, 1 << 50),
        ] {
            let mut keys: Vec<u64> = (0..n).map(|_| (next() & mask) | or).collect();
            if let Some(k) = keys.first_mut() {
                *k = u64::MAX; // one outlier: nearly every key in one bucket
            }
            let mut want = keys.clone();
            want.sort_unstable();
            let mut got = keys;
            sort(&mut got);
            assert_eq!(got, want, "n = {n}, mask = {mask:x}");
        }
    }
}
