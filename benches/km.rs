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
    if !wanted(&["km_cold_heap"]) {
        return;
    }
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
    if !wanted(&["km/fit", "km/sort_baseline"]) {
        return;
    }
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

/// Everything a user reads off a fitted curve: both standard errors and the
/// default 95% interval at every row, the three quartiles with their
/// intervals. The rows are streamed ([`survkit::SurvivalCurve::rows`]: each
/// row's standard errors and bounds computed from the running Greenwood
/// sum, no column kept), then the quartiles read the bounds through the
/// sketch the iteration leaves. Returns a checksum so that nothing is
/// optimised away.
fn complete(fit: &survkit::KaplanMeierFit) -> f64 {
    let mut acc = 0.0;
    for c in fit.curves() {
        for r in c.rows() {
            acc += r.std_err_log() + r.std_err_surv() + r.lower() + r.upper();
        }
        acc += quartiles(c);
    }
    acc
}

/// The three quartiles with their intervals, summed.
fn quartiles(c: &survkit::SurvivalCurve) -> f64 {
    let mut acc = 0.0;
    for p in [0.25, 0.5, 0.75] {
        let q = c.quantile(p).expect("valid p");
        acc += q.estimate().unwrap_or(0.0) + q.lower().unwrap_or(0.0);
    }
    acc
}

/// [`complete`] through the column accessors, which compute σ, σ·S and
/// both bounds once and keep them on the curve (32 bytes a row): reported
/// for its memory.
fn complete_columns(fit: &survkit::KaplanMeierFit) -> f64 {
    let mut acc = 0.0;
    for c in fit.curves() {
        acc += c.std_err_log().len() as f64;
        acc += c.std_err_surv().len() as f64;
        acc += c.lower().len() as f64 + c.upper().len() as f64;
        acc += quartiles(c);
    }
    acc
}

fn fit_complete(data: &SurvivalData) -> f64 {
    let fit = KaplanMeier::default().fit(data).expect("fit");
    complete(&fit)
}

fn sort_copy(t: &[f64]) -> Vec<f64> {
    let mut v = t.to_vec();
    v.sort_unstable_by(f64::total_cmp);
    v
}

/// Whether the command line's filter (its first argument that is neither a
/// flag nor a number) can match an id starting with one of `prefixes`: the
/// groups skip generating data nobody measures.
fn wanted(prefixes: &[&str]) -> bool {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let filter = args
        .iter()
        .find(|a| !a.starts_with('-') && a.parse::<f64>().is_err());
    match filter {
        None => true,
        Some(f) => prefixes
            .iter()
            .any(|p| f.starts_with(p) || p.starts_with(f.as_str())),
    }
}

/// Sizes of the complete-result groups: `KM_SIZES=10000,1000000` narrows a
/// measurement run; `--test` (CI) runs 10⁴ only.
fn complete_sizes() -> Vec<usize> {
    if std::env::args().any(|a| a == "--test") {
        return vec![10_000];
    }
    match std::env::var("KM_SIZES") {
        Ok(v) => v.split(',').filter_map(|x| x.trim().parse().ok()).collect(),
        Err(_) => vec![10_000, 1_000_000, 10_000_000],
    }
}

/// `km/complete/…`: the fit plus [`complete`], beside the copy-and-sort of
/// the same times; one curve. The peak memory of the whole (fit, every row
/// and the quartiles) is reported on stderr, streamed ([`complete`]) and
/// with the columns kept ([`complete_columns`]).
fn bench_complete(c: &mut Criterion) {
    if !wanted(&["km/complete"]) {
        return;
    }
    warm_allocator();
    let mut group = c.benchmark_group("km/complete");
    for n in complete_sizes() {
        if n >= 1_000_000 {
            group.sample_size(10);
        }
        for (kind, days) in [("continuous", false), ("days", true)] {
            let (time, event) = generate(n, days);
            let data = SurvivalData::new(time.clone(), event).expect("valid");
            // Checked once: a median is reached, within the range of the
            // times (exponential, mean 365.25, 30% flagged censored: KM
            // places it near 362 days).
            let fit = KaplanMeier::default().fit(&data).expect("fit");
            let m = fit.curves()[0].median().estimate().expect("reached");
            assert!((250.0..450.0).contains(&m), "median {m}");
            drop(fit);
            let input = n * (8 + 1);
            for (what, f) in [
                ("streamed", complete as fn(&survkit::KaplanMeierFit) -> f64),
                ("columns", complete_columns),
            ] {
                let before = LIVE.load(Ordering::Relaxed);
                PEAK.store(before, Ordering::Relaxed);
                let fit = KaplanMeier::default().fit(&data).expect("fit");
                black_box(f(&fit));
                let extra = PEAK.load(Ordering::Relaxed) - before;
                drop(fit);
                eprintln!(
                    "km/complete/memory/{what}/{kind}/n={n}: peak extra {:.1} MB over input \
                     {:.1} MB, (input+extra)/input {:.2}",
                    extra as f64 / 1e6,
                    input as f64 / 1e6,
                    (input + extra) as f64 / input as f64
                );
            }
            group.bench_with_input(
                BenchmarkId::new(format!("complete/{kind}"), format!("n={n}")),
                &data,
                |b, d| b.iter(|| fit_complete(black_box(d))),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("sort_baseline/{kind}"), format!("n={n}")),
                &time,
                |b, t| b.iter(|| sort_copy(black_box(t))),
            );
        }
    }
    group.finish();
}

/// `km/groups/…`: two and ten groups (equal sizes, round robin), the
/// complete result of every curve, beside the sort of the same times.
fn bench_groups(c: &mut Criterion) {
    if !wanted(&["km/groups"]) {
        return;
    }
    warm_allocator();
    let mut group = c.benchmark_group("km/groups");
    for n in complete_sizes() {
        if n >= 1_000_000 {
            group.sample_size(10);
        }
        for (kind, days) in [("continuous", false), ("days", true)] {
            let (time, event) = generate(n, days);
            for k in [2u32, 10] {
                let groups: Vec<u32> = (0..n as u32).map(|i| i % k).collect();
                let data = SurvivalData::builder(time.clone(), event.clone())
                    .groups(&groups)
                    .build()
                    .expect("valid");
                let fit = KaplanMeier::default().fit(&data).expect("fit");
                assert_eq!(fit.curves().len(), k as usize);
                drop(fit);
                group.bench_with_input(
                    BenchmarkId::new(format!("complete_{k}/{kind}"), format!("n={n}")),
                    &data,
                    |b, d| b.iter(|| fit_complete(black_box(d))),
                );
            }
            group.bench_with_input(
                BenchmarkId::new(format!("sort_baseline/{kind}"), format!("n={n}")),
                &time,
                |b, t| b.iter(|| sort_copy(black_box(t))),
            );
        }
    }
    group.finish();
}

/// `km/summary/…`: survival, standard error and interval at 100 requested
/// times on a fitted 10⁶-row curve (continuous times), the curve's columns
/// computed by an earlier call (a curve computes them once); the first call
/// on a fresh curve is `summary_first_call/…`.
fn bench_summary(c: &mut Criterion) {
    if !wanted(&["km/summary"]) {
        return;
    }
    let mut group = c.benchmark_group("km/summary");
    let n = if std::env::args().any(|a| a == "--test") {
        10_000
    } else {
        1_000_000
    };
    let (time, event) = generate(n, false);
    let data = SurvivalData::new(time, event).expect("valid");
    let fit = KaplanMeier::default().fit(&data).expect("fit");
    let curve = &fit.curves()[0];
    let times: Vec<f64> = (0..100).map(|i| f64::from(i) * 20.0).collect();
    let at = curve.survival_at(&times).expect("valid times");
    assert!(at[0].survival() == 1.0 && at[99].survival() < 0.1);
    group.bench_with_input(
        BenchmarkId::new("survival_at_100", format!("n={n}")),
        &times,
        |b, t| b.iter(|| curve.survival_at(black_box(t)).expect("valid times")),
    );
    group.sample_size(10);
    group.bench_with_input(
        BenchmarkId::new("summary_first_call", format!("n={n}")),
        &times,
        |b, t| {
            b.iter_batched(
                || KaplanMeier::default().fit(&data).expect("fit"),
                |fresh| {
                    fresh.curves()[0]
                        .survival_at(black_box(t))
                        .expect("valid times")
                },
                criterion::BatchSize::LargeInput,
            )
        },
    );
    group.finish();
}

criterion_group!(
    benches,
    bench_cold_heap,
    bench,
    bench_complete,
    bench_groups,
    bench_summary
);
criterion_main!(benches);
