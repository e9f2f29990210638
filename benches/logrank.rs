//! Benchmarks of the two-group log-rank test beside a plain sort of the same times.
//!
//! `cargo bench --bench logrank` (or `-- --test` to run each once).

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use survkit::{EventTable, LogRank, SurvivalData, TimeFix};

/// Deterministic xorshift64* generator (no dev-dependency needed).
struct Rng(u64);

impl Rng {
    fn next_f64(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d);
        (x >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// `n` subjects in two arms, exponential event times (hazard ratio 0.8 in
/// arm B) and uniform censoring on (0, 3): continuous times, no ties.
fn trial(n: usize) -> (Vec<f64>, Vec<bool>, Vec<u8>) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut time = Vec::with_capacity(n);
    let mut event = Vec::with_capacity(n);
    let mut arm = Vec::with_capacity(n);
    for i in 0..n {
        let g = (i % 2) as u8;
        let rate = if g == 0 { 1.0 } else { 0.8 };
        let t = -(1.0 - rng.next_f64()).ln() / rate;
        let c = 3.0 * rng.next_f64();
        time.push(t.min(c));
        event.push(t <= c);
        arm.push(g);
    }
    (time, event, arm)
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("logrank/two_groups");
    // `cargo bench -- --test` (CI) runs each benchmark once: skip 10^7 there,
    // whose data generation and checks alone take seconds.
    let smoke = std::env::args().any(|a| a == "--test");
    for &n in &[1_000usize, 100_000, 1_000_000, 10_000_000] {
        if smoke && n > 1_000_000 {
            continue;
        }
        if n >= 1_000_000 {
            group.sample_size(10);
        }
        let (time, event, arm) = trial(n);
        let data = SurvivalData::builder(time.clone(), event)
            .groups(&arm)
            .build()
            .expect("generated data are valid");
        // Checked once: a real difference must be detected at large n.
        let res = LogRank::default().test(&data).expect("test runs");
        assert_eq!(res.df(), 1);
        if n >= 100_000 {
            assert!(res.p_value() < 1e-6, "p = {}", res.p_value());
        }
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("n={n}")),
            &data,
            |b, d| b.iter(|| LogRank::default().test(d).expect("test runs")),
        );
        // The statistics alone, from an event table built beforehand.
        let table = EventTable::from_data(&data).expect("table builds");
        // `test` takes the streaming path (one sort of packed keys, one
        // sweep); it must give the table path's numbers bit for bit.
        let via_table = LogRank::default().test_table(&table).expect("test runs");
        assert_eq!(res, via_table);
        // The whole test through the event table (the path used for entry
        // times and case weights): the cost the streaming path avoids.
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("table_path/n={n}")),
            &data,
            |b, d| {
                b.iter(|| {
                    let t = EventTable::from_data(d).expect("table builds");
                    LogRank::default().test_table(&t).expect("test runs")
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("from_table/n={n}")),
            &table,
            |b, t| b.iter(|| LogRank::default().test_table(t).expect("test runs")),
        );
        // The same test with exact times (R's timefix = FALSE): the difference
        // is the cost of the event table's near-tie pass.
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("exact_times/n={n}")),
            &data,
            |b, d| {
                b.iter(|| {
                    LogRank::default()
                        .time_fix(TimeFix::Exact)
                        .test(d)
                        .expect("test runs")
                })
            },
        );
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("sort/n={n}")),
            &time,
            |b, t| {
                b.iter_batched_ref(
                    || t.clone(),
                    |v| v.sort_unstable_by(f64::total_cmp),
                    BatchSize::LargeInput,
                )
            },
        );
    }
    group.finish();
}

/// `logrank/variants/…`: the streaming test on integer days (two groups),
/// on two groups in four strata and on four groups (continuous times), each
/// beside the copy-and-sort of the same times. 10⁶ subjects (10⁴ under
/// `--test`).
fn bench_variants(c: &mut Criterion) {
    let mut group = c.benchmark_group("logrank/variants");
    let smoke = std::env::args().any(|a| a == "--test");
    let n = if smoke { 10_000 } else { 1_000_000 };
    group.sample_size(10);
    let (time, event, arm) = trial(n);
    let days: Vec<f64> = time.iter().map(|t| (t * 365.25).floor()).collect();
    let strata: Vec<u8> = (0..n).map(|i| ((i / 2) % 4) as u8).collect();
    let four: Vec<u8> = (0..n).map(|i| (i % 4) as u8).collect();
    let cases = [
        (
            "two_groups_days",
            SurvivalData::builder(days.clone(), event.clone())
                .groups(&arm)
                .build(),
            &days,
        ),
        (
            "stratified",
            SurvivalData::builder(time.clone(), event.clone())
                .groups(&arm)
                .strata(&strata)
                .build(),
            &time,
        ),
        (
            "four_groups",
            SurvivalData::builder(time.clone(), event.clone())
                .groups(&four)
                .build(),
            &time,
        ),
    ];
    for (name, data, t) in cases {
        let data = data.expect("generated data are valid");
        let res = LogRank::default().test(&data).expect("test runs");
        let table = EventTable::from_data(&data).expect("table builds");
        assert_eq!(
            res,
            LogRank::default().test_table(&table).expect("test runs")
        );
        group.bench_with_input(BenchmarkId::new(name, format!("n={n}")), &data, |b, d| {
            b.iter(|| LogRank::default().test(d).expect("test runs"))
        });
        group.bench_with_input(
            BenchmarkId::new(format!("sort/{name}"), format!("n={n}")),
            t,
            |b, t| {
                b.iter_batched_ref(
                    || t.clone(),
                    |v| v.sort_unstable_by(f64::total_cmp),
                    BatchSize::LargeInput,
                )
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench, bench_variants);
criterion_main!(benches);
