//! Kaplan-Meier fit against a plain sort of the same times.
//!
//! Ids: `km/fit/{continuous,days}/n=…` (the whole fit from validated data:
//! event table + curve, R's default near-tie rule) beside
//! `km/sort_baseline/{continuous,days}/n=…` (the times copied and sorted with
//! `sort_unstable_by(f64::total_cmp)`: the fit borrows the data, so sorting
//! the times means sorting a copy; both sides pay for their allocations).
//! The group runs after one 30 MiB block is freed ([`warm_allocator`]), so
//! that glibc keeps both sides' freed memory instead of returning the larger
//! working set to the kernel; `km_cold_heap/…` measures the 10⁶ continuous
//! pair before that, with glibc's default behaviour. A counting allocator
//! reports the peak memory of one fit at each size, relative to the input
//! columns (8-byte times + 1-byte events), on stderr.
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};

use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};
use survkit::{KaplanMeier, SurvivalData};

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only counts bytes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if new_size > layout.size() {
            let now = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed)
                + (new_size - layout.size());
            PEAK.fetch_max(now, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
        }
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// SplitMix64: a tiny deterministic generator.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform on (0, 1).
    fn unit(&mut self) -> f64 {
        ((self.next() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

/// Exponential survival times (mean one year), ~70% events; `days` rounds
/// the times to whole days (many ties).
fn generate(n: usize, days: bool) -> (Vec<f64>, Vec<bool>) {
    let mut rng = SplitMix(0x5eed ^ n as u64);
    let mut time = Vec::with_capacity(n);
    let mut event = Vec::with_capacity(n);
    for _ in 0..n {
        let t = -365.25 * rng.unit().ln();
        time.push(if days { t.floor() } else { t });
        event.push(rng.unit() < 0.7);
    }
    (time, event)
}

fn peak_of_fit(data: &SurvivalData) -> usize {
    let before = LIVE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let fit = KaplanMeier::default().fit(data).expect("fit");
    let peak = PEAK.load(Ordering::Relaxed);
    drop(black_box(fit));
    peak - before
}

/// `fit/{kind}/n=…` and `sort_baseline/{kind}/n=…` in `group`.
fn fit_and_baseline(
    group: &mut BenchmarkGroup<'_, WallTime>,
    kind: &str,
    n: usize,
    data: &SurvivalData,
    time: &[f64],
) {
    group.bench_with_input(
        BenchmarkId::new(format!("fit/{kind}"), format!("n={n}")),
        data,
        |b, d| b.iter(|| KaplanMeier::default().fit(black_box(d)).expect("fit")),
    );
    group.bench_with_input(
        BenchmarkId::new(format!("sort_baseline/{kind}"), format!("n={n}")),
        time,
        |b, t| {
            b.iter(|| {
                let mut v = black_box(t).to_vec();
                v.sort_unstable_by(f64::total_cmp);
                v
            })
        },
    );
}

/// The fit and its baseline at 10⁶ continuous times with glibc's default
/// dynamic trim threshold (run first, before [`warm_allocator`]): the
/// baseline's 8 MB stays in the heap between iterations, while the fit's
/// ~17 MB (keys, S, packed counts) exceeds twice the largest freed mmapped
/// block (8 MB) and is returned to the kernel and faulted in again on every
/// iteration (~4 300 page faults).
fn bench_cold_heap(c: &mut Criterion) {
    let mut group = c.benchmark_group("km_cold_heap");
    group.sample_size(10);
    let n = 1_000_000;
    let (time, event) = generate(n, false);
    let data = SurvivalData::new(time.clone(), event).expect("valid");
    fit_and_baseline(&mut group, "continuous", n, &data, &time);
    group.finish();
}

/// Frees one 30 MiB block: glibc raises its mmap threshold to the size of a
/// freed mmapped block (up to 32 MiB) and its trim threshold to twice that,
/// so from here on neither side of a comparison has its freed memory
/// returned to the kernel between iterations. Without it the comparison at
/// 10⁶ measures glibc's heuristic (see [`bench_cold_heap`]).
fn warm_allocator() {
    let block = vec![1u8; 30 << 20];
    drop(black_box(block));
}

fn bench(c: &mut Criterion) {
    warm_allocator();
    let mut group = c.benchmark_group("km");
    for &n in &[1_000usize, 100_000, 1_000_000, 10_000_000] {
        if n >= 1_000_000 {
            group.sample_size(10);
        }
        for (kind, days) in [("continuous", false), ("days", true)] {
            let (time, event) = generate(n, days);
            let data = SurvivalData::new(time.clone(), event).expect("valid");
            // Checked once: a curve with rows, non-increasing, in [0, 1].
            let fit = KaplanMeier::default().fit(&data).expect("fit");
            let s = fit.curves()[0].survival();
            assert!(!s.is_empty() && s.windows(2).all(|w| w[1] <= w[0]) && s[0] <= 1.0);
            drop(fit);
            let extra = peak_of_fit(&data);
            let input = n * (8 + 1);
            eprintln!(
                "km/memory/{kind}/n={n}: fit peak {:.1} MB extra over input {:.1} MB \
                 (extra/input {:.2}, (input+extra)/input {:.2})",
                extra as f64 / 1e6,
                input as f64 / 1e6,
                extra as f64 / input as f64,
                (input + extra) as f64 / input as f64
            );
            fit_and_baseline(&mut group, kind, n, &data, &time);
        }
    }
    group.finish();
}

criterion_group!(benches, bench_cold_heap, bench);
criterion_main!(benches);
