//! Fisher's exact test benchmarks: the complete 2 x 2 result (p, conditional
//! MLE, exact CI, sample odds ratio and Woolf interval) and r x c p-values,
//! each group with its baseline.
use std::hint::black_box;
use std::num::NonZeroU64;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use statrs::function::gamma::ln_gamma;
use survkit::{
    barnard_exact, boschloo_exact, fisher_exact, ContingencyTable, FisherExactRxc, RxcMethod,
    Table2x2,
};

/// Baseline: one plain loop over the whole support summing the central
/// hypergeometric pmf below the observed value (a two-sided p-value alone,
/// what scipy's `fisher_exact` computes).
fn plain_support_loop(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let (m, n, k) = ((a + c) as f64, (b + d) as f64, (a + b) as f64);
    let lo = (k - n).max(0.0) as u64;
    let hi = k.min(m) as u64;
    let lc = |n: f64, r: f64| ln_gamma(n + 1.0) - ln_gamma(r + 1.0) - ln_gamma(n - r + 1.0);
    let denom = lc(m + n, k);
    let lp = |u: f64| lc(m, u) + lc(n, k - u) - denom;
    let obs = lp(a as f64);
    let mut p = 0.0;
    for u in lo..=hi {
        let l = lp(u as f64);
        if l <= obs + 1e-7 {
            p += l.exp();
        }
    }
    p
}

fn bench_2x2(cr: &mut Criterion) {
    let mut g = cr.benchmark_group("fisher/2x2");
    let rows = [[10_000u64, 12_000], [11_000, 10_500]];
    let t = Table2x2::new(rows).expect("valid table");
    // checked once: R 4.2.2 fisher.test(matrix(c(10000, 11000, 12000, 10500), 2))
    let r = fisher_exact(&t).expect("test runs");
    assert!(r.p_value() < 1e-20 && r.confidence_interval().contains(r.odds_ratio()));
    g.bench_with_input(BenchmarkId::new("full_result", "n=43500"), &t, |bch, t| {
        bch.iter(|| fisher_exact(black_box(t)).expect("test runs"))
    });
    let base = plain_support_loop(10_000, 12_000, 11_000, 10_500);
    assert!((base / r.p_value() - 1.0).abs() < 1e-6);
    g.bench_function(
        BenchmarkId::new("baseline_plain_support_loop_p_only", "n=43500"),
        |bch| bch.iter(|| plain_support_loop(black_box(10_000), 12_000, 11_000, 10_500)),
    );
    g.finish();
}

fn bench_rxc(cr: &mut Criterion) {
    let mut g = cr.benchmark_group("fisher/rxc");
    let job = ContingencyTable::new(vec![
        vec![1, 3, 10, 6],
        vec![2, 3, 10, 7],
        vec![1, 6, 14, 12],
        vec![0, 1, 9, 11],
    ])
    .expect("valid table");
    let sparse = ContingencyTable::new(vec![
        vec![2, 0, 1, 0, 0],
        vec![0, 3, 0, 1, 0],
        vec![1, 0, 2, 0, 1],
        vec![0, 1, 0, 2, 0],
        vec![0, 0, 1, 0, 3],
    ])
    .expect("valid table");
    let exact = FisherExactRxc::default();
    // checked once against R 4.2.2: fisher.test(Job)$p.value
    let p = exact.test(&job).expect("runs").p_value();
    assert!((p / 0.7826849389656388 - 1.0).abs() < 1e-9);
    // issue 11: the network's speed must not depend on the orientation
    let job_t = job.transpose();
    assert!((exact.test(&job_t).expect("runs").p_value() / p - 1.0).abs() < 1e-12);
    for (name, t) in [
        ("job_satisfaction_4x4", &job),
        ("job_satisfaction_4x4_transposed", &job_t),
        ("sparse_5x5_n18", &sparse),
    ] {
        g.bench_with_input(BenchmarkId::new("exact", name), t, |bch, t| {
            bch.iter(|| exact.test(black_box(t)).expect("runs"))
        });
        let mc = FisherExactRxc::default().method(RxcMethod::MonteCarlo {
            replicates: NonZeroU64::new(2000).expect("non-zero"),
            seed: 1,
        });
        g.bench_with_input(
            BenchmarkId::new("baseline_monte_carlo_B=2000", name),
            t,
            |bch, t| bch.iter(|| mc.test(black_box(t)).expect("runs")),
        );
    }
    g.finish();
    // issue 11: a 3 x 3 table with a very strong association that R's FEXACT
    // solves only with workspace = 2e7 (tests/data/fisher_budget_r.txt)
    let mut g = cr.benchmark_group("fisher/rxc_strong");
    g.sample_size(10);
    let strong = ContingencyTable::new(vec![
        vec![150, 20, 10],
        vec![30, 100, 60],
        vec![10, 50, 250],
    ])
    .expect("valid table");
    // R 4.2.2: fisher.test(m, workspace = 2e7)$p.value = 9.1866306447136894e-108
    let p = exact.test(&strong).expect("runs").p_value();
    assert!((p / 9.186_630_644_713_69e-108 - 1.0).abs() < 1e-9);
    g.bench_with_input(
        BenchmarkId::new("exact", "3x3_n680_p9e-108"),
        &strong,
        |bch, t| bch.iter(|| exact.test(black_box(t)).expect("runs")),
    );
    g.finish();
}

/// Barnard's and Boschloo's unconditional tests (issue #18), each with
/// Fisher's complete 2 x 2 result on the same table as the baseline: the
/// founding study's age row (N = 19) and scipy's Boschloo example (N = 180).
fn bench_unconditional(cr: &mut Criterion) {
    let mut g = cr.benchmark_group("fisher/unconditional");
    let age = Table2x2::new([[0, 10], [5, 4]]).expect("valid table");
    let scipy_doc = Table2x2::new([[74, 43], [31, 32]]).expect("valid table");
    // checked once: scipy 1.17.1 barnard_exact([[0, 5], [10, 4]]) = 0.0060033
    let r = barnard_exact(&age).expect("test runs");
    assert!((r.p_value() / 0.006003295269940481 - 1.0).abs() < 1e-9);
    for (name, t) in [("age_n=19", &age), ("scipy_boschloo_n=180", &scipy_doc)] {
        g.bench_with_input(BenchmarkId::new("barnard", name), t, |bch, t| {
            bch.iter(|| barnard_exact(black_box(t)).expect("test runs"))
        });
        g.bench_with_input(BenchmarkId::new("boschloo", name), t, |bch, t| {
            bch.iter(|| boschloo_exact(black_box(t)).expect("test runs"))
        });
        g.bench_with_input(
            BenchmarkId::new("baseline_fisher_2x2", name),
            t,
            |bch, t| bch.iter(|| fisher_exact(black_box(t)).expect("test runs")),
        );
    }
    g.finish();
}

criterion_group!(benches, bench_2x2, bench_rxc, bench_unconditional);
criterion_main!(benches);
