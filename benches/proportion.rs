//! Confidence intervals for a proportion at n = 19 and n = 10⁶, against the
//! cost of one statrs Beta quantile (the building block of Clopper–Pearson)
//! measured in the same run. Also the exact binomial test at n = 10⁶.
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use statrs::distribution::{Beta, ContinuousCDF};
use std::hint::black_box;
use survkit::{BinomialTest, ConfidenceLevel, Proportion, ProportionCiMethod};

const METHODS: [(ProportionCiMethod, &str); 7] = [
    (ProportionCiMethod::ClopperPearson, "clopper_pearson"),
    (ProportionCiMethod::MidP, "mid_p"),
    (ProportionCiMethod::Jeffreys, "jeffreys"),
    (ProportionCiMethod::Wilson, "wilson"),
    (ProportionCiMethod::WilsonCorrected, "wilson_cc"),
    (ProportionCiMethod::AgrestiCoull, "agresti_coull"),
    (ProportionCiMethod::Wald, "wald"),
];

fn intervals(c: &mut Criterion) {
    let level = ConfidenceLevel::NINETY_FIVE;
    for (x, n) in [(14u64, 19u64), (123_456, 1_000_000)] {
        let p = Proportion::new(x, n).unwrap();
        let mut group = c.benchmark_group(format!("proportion/ci/n={n}"));
        // Baseline: one statrs Beta quantile, the lower Clopper–Pearson bound.
        let beta = Beta::new(x as f64, (n - x + 1) as f64).unwrap();
        let q = beta.inverse_cdf(0.025);
        let ours = p
            .confidence_interval(ProportionCiMethod::ClopperPearson, level)
            .unwrap()
            .lower();
        assert!((q / ours - 1.0).abs() < 1e-6, "baseline {q} vs {ours}");
        group.bench_function("statrs_beta_inverse_cdf", |b| {
            b.iter(|| black_box(&beta).inverse_cdf(black_box(0.025)))
        });
        for (method, name) in METHODS {
            let ci = p.confidence_interval(method, level).unwrap();
            assert!(ci.contains(p.estimate()));
            group.bench_with_input(BenchmarkId::from_parameter(name), &p, |b, p| {
                b.iter(|| black_box(p).confidence_interval(method, level).unwrap())
            });
        }
        group.finish();
    }
    let mut group = c.benchmark_group("proportion/binom_test");
    let p = Proportion::new(123_456, 1_000_000).unwrap();
    let test = BinomialTest::new(0.1236).unwrap();
    assert!(test.test(&p).unwrap().p_value() > 0.01);
    group.bench_function("two_sided/n=1000000", |b| {
        b.iter(|| test.test(black_box(&p)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, intervals);
criterion_main!(benches);
