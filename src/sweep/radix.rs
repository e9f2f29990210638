//! The sort of the packed keys: a least-significant-digit radix sort of
//! `u64` keys, byte by byte, in safe Rust.
//!
//! One pass over the keys counts the values of all eight bytes at once;
//! a byte that holds one value in every key (the high bytes of a narrow
//! time range, the zero mantissa bytes of whole-number times) is skipped;
//! every other byte costs one stable scatter pass between the keys and one
//! scratch buffer of the same size, which swap roles (no copy back). Below
//! [`MIN_RADIX`] keys `sort_unstable` is faster and is used. The result is
//! the same sorted sequence either way (keys are plain integers).

/// Fewest keys sorted by radix: below, the fixed cost of the histograms
/// (8 × 256 counters) and of the scratch buffer dominates.
pub(crate) const MIN_RADIX: usize = 1 << 12;

/// Sorts `keys` increasingly.
pub(crate) fn sort(keys: &mut Vec<u64>) {
    let n = keys.len();
    if n < MIN_RADIX {
        keys.sort_unstable();
        return;
    }
    let hist = histograms(keys);
    let first = keys.first().copied().unwrap_or(0);
    let mut src = std::mem::take(keys);
    let mut dst = vec![0u64; n];
    for (b, counts) in hist.iter().enumerate() {
        let shift = 8 * b as u32;
        // A byte with one value in every key leaves the order as it is.
        if counts[usize::from((first >> shift) as u8)] == n {
            continue;
        }
        scatter(&src, &mut dst, shift, counts);
        std::mem::swap(&mut src, &mut dst);
    }
    *keys = src;
}

/// The counts of the 256 values of each byte of the keys, in one pass.
fn histograms(keys: &[u64]) -> [[usize; 256]; 8] {
    let mut hist = [[0usize; 256]; 8];
    for &k in keys {
        for (b, h) in hist.iter_mut().enumerate() {
            h[usize::from((k >> (8 * b)) as u8)] += 1;
        }
    }
    hist
}

/// One stable pass: the keys of `src` into `dst` in the order of their byte
/// at `shift`, whose counts are `counts`.
#[inline(never)]
fn scatter(src: &[u64], dst: &mut [u64], shift: u32, counts: &[usize; 256]) {
    let mut next = [0usize; 256];
    let mut sum = 0;
    for (slot, &c) in next.iter_mut().zip(counts) {
        *slot = sum;
        sum += c;
    }
    for &k in src {
        let d = usize::from((k >> shift) as u8);
        let p = next[d];
        // p < n: the counts sum to n and each value's slots stay in its range.
        dst[p] = k;
        next[d] = p + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sorted as `sort_unstable` sorts, on keys with constant and varying
    /// bytes, duplicates, and sizes on both sides of [`MIN_RADIX`].
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
        ] {
            let keys: Vec<u64> = (0..n).map(|_| (next() & mask) | or).collect();
            let mut want = keys.clone();
            want.sort_unstable();
            let mut got = keys;
            sort(&mut got);
            assert_eq!(got, want, "n = {n}, mask = {mask:x}");
        }
    }
}
